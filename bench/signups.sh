#!/usr/bin/env bash
# Signup storm: N signups from C connections into a session with 50 seats and
# into one without a limit, through piirid (wrk) and through pgbench running the
# same SQL on the same PostgreSQL; checks that no seat was oversold; prints ratios.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
signups=${BENCH_SIGNUPS:-2000} conns=${BENCH_SIGNUP_CONNECTIONS:-50} threads=${BENCH_THREADS:-2}
capacity=50
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
[ $((signups % conns)) -eq 0 ] && [ $((conns % threads)) -eq 0 ] && [ "$signups" -gt "$capacity" ] || {
    echo "bench: BENCH_SIGNUPS ($signups) must be a multiple of BENCH_SIGNUP_CONNECTIONS ($conns)," \
        "which must be a multiple of BENCH_THREADS ($threads), and more than $capacity" >&2
    exit 2
}
scripts/deps.sh bench

fail() { echo "bench: FAILED: $*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/piiri-signups.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL runs unprivileged
. bench/lib.sh
child=
bench_cleanup_extra() { [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true; }
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r port < <(bench_free_ports 1)

# ---- set-up (not timed) -------------------------------------------------------

# A durable cluster: PGCLUSTER_FAST stays unset, so fsync, synchronous_commit and
# full_page_writes are on, as in production. piirid and pgbench share it.
# Always a cluster of its own, whatever PIIRI_DATABASE_URL says.
unset PIIRI_DATABASE_URL
bench_database durable
db=$PIIRI_DATABASE_URL
sql() { /usr/bin/psql "$db" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
# Time WAL flushes (pg_stat_wal), to tell a slow disk from a slow server.
sql -c "ALTER SYSTEM SET track_wal_io_timing = on" -c "SELECT pg_reload_conf()" >/dev/null

bench_start_piirid "$port"
base=http://127.0.0.1:$port

# api METHOD PATH BODY KEY: field KEY (a.b) of the JSON answer to a request with
# the admin's token; fails on anything but 2xx.
api() {
    curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer ${admin_token:-}" \
        -H 'Content-Type: application/json' --data "$3" |
        /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$4"
}

# The password is base64url, so it needs no escaping in JSON.
admin_password=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
PIIRI_DATABASE_URL=$db PIIRI_LOG_LEVEL=warn "$bin" create-admin bench-admin@example.org \
    <<<"$admin_password" >/dev/null
admin_token=$(api POST /api/v1/auth/login \
    "{\"email\": \"bench-admin@example.org\", \"password\": \"$admin_password\"}" token)
api POST /api/v1/orgs '{"slug": "bench", "name": "Signup storm"}' org.id >/dev/null

# A group (open, CAPACITY or null) with one session next month; prints the session's id.
start=$(date -d "$(date +%Y-%m-15) +1 month" +%Y-%m-15T18:00)
session_of_new_group() {
    local group
    group=$(api POST /api/v1/orgs/bench/groups "{\"title\": \"$1\", \"kind\": \"family_cafe\",
        \"access\": \"open\", \"modality\": \"in_person\", \"capacity\": $2, \"schedule\":
        {\"start\": \"$start\", \"duration_minutes\": 120, \"timezone\": \"Europe/Helsinki\"}}" group.id)
    sql -c "SELECT id FROM sessions WHERE group_id = '$group'" | awk 'END { if (NR != 1) exit 1 } 1' ||
        fail "group $1 does not have exactly one session"
}
piiri_a=$(session_of_new_group "piirid, $capacity seats" "$capacity")
piiri_b=$(session_of_new_group "piirid, no limit" null)
pgb_a=$(session_of_new_group "pgbench, $capacity seats" "$capacity")
pgb_b=$(session_of_new_group "pgbench, no limit" null)

# People with a token each, written straight into the tables (registering over
# HTTP would cost an argon2id hash apiece). The server stores SHA-256(token).
# piirid's people get random 43-character base64url tokens (the file wrk reads);
# pgbench's people, another N, get tokens it can compute: 'pgbench' and 36 digits.
/usr/bin/python3 -c "import secrets
for _ in range($signups): print(secrets.token_urlsafe(32))" >"$tmp/tokens"
sql <<SQL
CREATE TEMP TABLE storm (n serial, token text, person uuid DEFAULT gen_random_uuid());
\\copy storm (token) FROM '$tmp/tokens'
INSERT INTO storm (token) SELECT 'pgbench' || lpad(i::text, 36, '0') FROM generate_series(1, $signups) i;
INSERT INTO persons (id, email, display_name)
    SELECT person, 'storm-' || n || '@example.org', 'Storm ' || n FROM storm;
INSERT INTO auth_tokens (token_hash, person_id, expires_at)
    SELECT sha256(convert_to(token, 'UTF8')), person, now() + interval '1 day' FROM storm;
SQL
sql -c "VACUUM ANALYZE"

# pgbench: client c's k-th transaction (k = 1..N/C) signs up person c*N/C + k.
per_client=$((signups / conns))
cat >"$tmp/signup.pgbench" <<SQL
\\set k :k + 1
\\set p :client_id * $per_client + :k
SELECT api_signup(sha256(convert_to('pgbench' || lpad(:p::text, 36, '0'), 'UTF8')), 'session', :sid, 1, 0, NULL, NULL, false);
SQL

# ---- the storms -----------------------------------------------------------------

# Runs a load generator in the background, so that a signal stops the script at once
# (and cleanup stops the generator); returns its exit status.
run_child() {
    local rc=0
    "$@" &
    child=$!
    wait "$child" || rc=$?
    child=
    return "$rc"
}

# What piirid and PostgreSQL are doing, for a storm that did not finish.
diagnose() {
    echo "bench: piirid's pool: $(curl -fsS -m 5 "$base/metrics" | grep '^piiri_db' | tr '\n' ' ')" >&2
    echo "bench: PostgreSQL's sessions (state, wait event, count):" >&2
    sql -F ' ' -c "SELECT state, wait_event_type || ':' || wait_event, count(*) FROM pg_stat_activity
                   WHERE datname = 'piiri' AND pid <> pg_backend_pid() GROUP BY 1, 2 ORDER BY 3 DESC" >&2 || true
    echo "bench: piirid's log (last lines):" >&2
    tail -n 20 "$tmp/piirid.log" >&2
}

# Before a storm: a checkpoint, so that each starts alike, and fresh WAL statistics.
storm_start() {
    sql -c CHECKPOINT -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
}

# After a storm: how long a WAL flush took, on average. Backends hand in their
# statistics at most once a second (an idle one 10 s later), so this is the mean
# over the flushes seen so far, which is most of them.
wal_flushes() {
    sleep 0.5
    sql -c "SELECT 'WAL flush ' || round((wal_sync_time / nullif(wal_sync, 0))::numeric, 2)
                   || ' ms (mean of ' || wal_sync || ')' FROM pg_stat_wal"
}

# expect CAPACITY: sets want_confirmed and want_waiting for N signups (CAPACITY null: no limit).
expect() {
    if [ "$1" = null ]; then want_confirmed=$signups; else want_confirmed=$1; fi
    want_waiting=$((signups - want_confirmed))
}

# piirid SESSION CAPACITY: N signups from C connections through HTTP; checks the
# answers (all 201, the first CAPACITY confirmed, the others at positions 1..rest,
# each once); sets rate (signups per second).
run_piirid() {
    local line
    rm -f "$tmp/done"
    storm_start
    run_child wrk -t"$threads" -c"$conns" -d"${BENCH_SIGNUP_LIMIT:-300s}" --timeout 60s -s bench/signups.lua \
        "$base" -- "/api/v1/sessions/$1/signups" "$tmp/tokens" "$threads" "$tmp/done" >"$tmp/wrk.out" ||
        fail "wrk: $(cat "$tmp/wrk.out")"
    line=$(grep '^storm:' "$tmp/wrk.out") || fail "wrk printed no result: $(cat "$tmp/wrk.out")"
    echo "bench: piirid: ${line#storm: }; $(wal_flushes)" >&2
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
    [ "$(field answered)" = "$signups" ] && [ "$(field created)" = "$signups" ] || {
        diagnose
        fail "piirid answered $(field answered) of $signups signups, $(field created) with 201 (see above)"
    }
    expect "$2"
    [ "$(field confirmed)" = "$want_confirmed" ] && [ "$(field waitlisted)" = "$want_waiting" ] &&
        [ "$(field positions)" = "$want_waiting" ] && [ "$(field pos_max)" = "$want_waiting" ] ||
        fail "piirid's answers: expected $want_confirmed confirmed and $want_waiting waitlisted at 1..$want_waiting"
    rate=$(field rate)
}

# pgbench SESSION: the same N signups through SQL on C connections; sets rate (TPS).
run_pgbench() {
    local out=$tmp/pgbench.out
    storm_start
    run_child /usr/bin/pgbench -n -M extended -c "$conns" -j "$threads" -t "$per_client" \
        -D k=0 -D sid="$1" -f "$tmp/signup.pgbench" "$db" >"$out" 2>&1 || fail "pgbench: $(cat "$out")"
    grep -q "number of transactions actually processed: $signups/$signups" "$out" &&
        ! grep -q 'number of failed transactions: [1-9]' "$out" ||
        fail "pgbench did not make $signups signups: $(cat "$out")"
    echo "bench: pgbench: $(grep -e '^latency average' -e '^tps' "$out" | tr -s ' \n' ' ' | sed 's/ $//'); $(wal_flushes)" >&2
    rate=$(awk '/^tps = / { printf "%.0f\n", $3 }' "$out")
}

# check LABEL SESSION CAPACITY: the database agrees that no seat was oversold,
# the first CAPACITY in line are confirmed and the waitlist is 1..rest (CAPACITY
# null: everybody is confirmed).
check() {
    local got want
    expect "$3"
    got=$(sql <<SQL
SELECT s.seats_taken,
       (SELECT coalesce(sum(x.seats), 0) FROM signups x WHERE x.session_id = s.id AND x.status = 'confirmed'),
       (SELECT count(*) FROM signups x WHERE x.session_id = s.id AND x.status = 'confirmed'),
       (SELECT count(DISTINCT x.person_id) FROM signups x WHERE x.session_id = s.id),
       p.n, coalesce(p.lo, 0), coalesce(p.hi, 0), p.distinct_n,
       coalesce((SELECT max(x.queue_seq) FROM signups x WHERE x.session_id = s.id AND x.status = 'confirmed')
                < (SELECT min(x.queue_seq) FROM signups x WHERE x.session_id = s.id AND x.status = 'waitlisted'),
                true)
FROM sessions s,
     LATERAL (SELECT count(*) AS n, min(pos) AS lo, max(pos) AS hi, count(DISTINCT pos) AS distinct_n
              FROM (SELECT waitlist_position(x) AS pos FROM signups x
                    WHERE x.session_id = s.id AND x.status = 'waitlisted') w) p
WHERE s.id = '$2'
SQL
)
    local lo=1 positions=" at positions 1..$want_waiting"
    [ "$want_waiting" -gt 0 ] || lo=0 positions=
    want="$want_confirmed|$want_confirmed|$want_confirmed|$signups|$want_waiting|$lo|$want_waiting|$want_waiting|t"
    local names="seats_taken|confirmed seats|confirmed signups|people|waitlisted|first position"
    names+="|last position|distinct positions|first come first served"
    [ "$got" = "$want" ] || fail "$1: $names: got $got, expected $want"
    echo "bench: $1: seats_taken = confirmed seats = $want_confirmed, $want_waiting waitlisted$positions," \
        "first come first served" >&2
}


echo "bench: signup storm, $signups signups per session, $conns connections (wrk -t$threads, pgbench -j$threads)," \
    "PIIRI_WORKERS=2, PIIRI_DB_POOL_SIZE=${PIIRI_DB_POOL_SIZE:-4 (default)}, PostgreSQL with fsync on" >&2
for target in limited unlimited; do
    if [ "$target" = limited ]; then
        cap=$capacity label="capacity $capacity" sp=$piiri_a sg=$pgb_a
    else
        cap=null label=unlimited sp=$piiri_b sg=$pgb_b
    fi
    run_piirid "$sp" "$cap"
    piiri_rate=$rate
    check "piirid, $label" "$sp" "$cap"
    run_pgbench "$sg"
    pgb_rate=$rate
    check "pgbench, $label" "$sg" "$cap"
    echo "signups ($label): piirid $piiri_rate/s, pgbench $pgb_rate/s, ratio $(bench_ratio "$piiri_rate" "$pgb_rate")"
done
echo "signups: no seat oversold"
