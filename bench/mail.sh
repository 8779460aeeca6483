#!/usr/bin/env bash
# Mail delivery: N messages (10,000) queued at once and delivered by piirid's
# delivery process to a local SMTP sink (bench/mail.py on aiosmtpd); messages
# per second against what the same sink takes from a bare smtplib client, and
# GET /healthz under a steady wrk load while delivery runs against the same
# load with delivery idle, in the same run. Prints two lines:
#
#   mail delivery (10000 messages, 4410 bytes each): piirid 221/s, smtplib 402/s, ratio 0.55;
#       CPU per message: delivery process 410 us
#   healthz during delivery (8 connections, 5 ms apart): p99 1.52 ms, idle p99 0.98 ms, ratio 1.55;
#       p50 0.31 ms, idle 0.25 ms
#
# The rows are queued with SQL, not over HTTP: N people with an address, each
# confirmed for one session next month, written straight into the tables, then
# one INSERT of N signup_confirmed outbox rows (as api_signup writes them),
# committed at once; mail_view finds every one of them true, so all N are sent.
# Messages per second: N over the time from that COMMIT to the sink's last
# message. The smtplib reference sends BENCH_MAIL_REFERENCE (2000) messages of
# piirid's mean size one after another over one connection, as the delivery
# process keeps its connection for a run of messages. The idle figure is the mean of a wrk run before the rows are
# queued and one after the queue is empty. Details on stderr.
#
# Settings: BENCH_MAIL_MESSAGES (10000), BENCH_MAIL_CONNECTIONS (8),
# BENCH_MAIL_DELAY_MS (5), BENCH_MAIL_DURATION (10s, each wrk run),
# BENCH_MAIL_REFERENCE (2000), BENCH_MAIL_LIMIT (300, seconds for the queue to
# empty), BENCH_THREADS (2).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
n=${BENCH_MAIL_MESSAGES:-10000} conns=${BENCH_MAIL_CONNECTIONS:-8} threads=${BENCH_THREADS:-2}
pause=${BENCH_MAIL_DELAY_MS:-5} duration=${BENCH_MAIL_DURATION:-10s} nref=${BENCH_MAIL_REFERENCE:-2000}
limit=${BENCH_MAIL_LIMIT:-300}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench

fail() { echo "bench: FAILED: $*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/piiri-mail.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL runs unprivileged
. bench/lib.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r port smtp_port < <(bench_free_ports 2)

# ---- set-up (not timed) -------------------------------------------------------

# The sink, in its own process group like the servers (bench_cleanup stops it).
setsid /usr/bin/python3 bench/mail.py serve "$smtp_port" "$tmp/sink" >"$tmp/sink.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^ready' "$tmp/sink.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$tmp/sink.log" || fail "the SMTP sink did not start: $(cat "$tmp/sink.log")"
sink() { cat "$tmp/sink"; } # "COUNT BYTES FIRST LAST"

# Durable, as in production: each message's COMMIT waits for its WAL flush.
# Always a cluster of its own, as it writes thousands of rows.
unset PIIRI_DATABASE_URL
bench_database durable
db=$PIIRI_DATABASE_URL
sql() { /usr/bin/psql "$db" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

bench_start_piirid "$port" PIIRI_SMTP_URL="smtp://127.0.0.1:$smtp_port" \
    PIIRI_MAIL_FROM="Piiri <ilmoitukset@piiri.example>"
base=http://127.0.0.1:$port

# api METHOD PATH BODY KEY: field KEY (a.b) of the JSON answer, with the admin's token.
api() {
    curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer ${admin_token:-}" \
        -H 'Content-Type: application/json' --data "$3" |
        /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$4"
}
admin_password=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
PIIRI_DATABASE_URL=$db PIIRI_LOG_LEVEL=warn "$bin" create-admin bench-admin@example.org \
    <<<"$admin_password" >/dev/null
admin_token=$(api POST /api/v1/auth/login \
    "{\"email\": \"bench-admin@example.org\", \"password\": \"$admin_password\"}" token)
api POST /api/v1/orgs '{"slug": "bench", "name": "Mail bench"}' org.id >/dev/null
start=$(date -d "$(date +%Y-%m-15) +1 month" +%Y-%m-15T18:00)
group=$(api POST /api/v1/orgs/bench/groups "{\"title\": \"Perhekahvila\", \"kind\": \"family_cafe\",
    \"access\": \"open\", \"modality\": \"in_person\", \"capacity\": null, \"schedule\":
    {\"start\": \"$start\", \"duration_minutes\": 120, \"timezone\": \"Europe/Helsinki\"}}" group.id)
session=$(sql -c "SELECT id FROM sessions WHERE group_id = '$group'")
[ "$(wc -l <<<"$session")" = 1 ] || fail "the group does not have exactly one session"

# N people with a verified address (mail_view skips an unverified one), each
# confirmed for the session (as api_signup leaves them, seats counted),
# written straight into the tables.
sql <<SQL
INSERT INTO persons (email, display_name, email_verified_at)
    SELECT 'mail-' || i || '@example.org', 'Vertainen ' || i, now() FROM generate_series(1, $n) i;
INSERT INTO signups (org_id, group_id, session_id, person_id, adults, children, status)
    SELECT s.org_id, s.group_id, s.id, p.id, 1, 0, 'confirmed'
    FROM sessions s, persons p WHERE s.id = '$session' AND p.email LIKE 'mail-%';
UPDATE sessions SET seats_taken = $n WHERE id = '$session';
VACUUM ANALYZE;
SQL

# ---- the runs -------------------------------------------------------------------

# wrk's steady load on /healthz; prints "p50_ms p99_ms requests".
healthz() {
    local out
    out=$(wrk -t"$threads" -c"$conns" -d"$duration" -s bench/mail.lua "$base/healthz" -- "$pause")
    local line
    line=$(grep '^healthz:' <<<"$out") || fail "wrk printed no result: $out"
    echo "bench: $1: ${line#healthz: }" >&2
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
    [ "$(field errors)" = 0 ] || echo "bench: $1: $(field errors) errors" >&2
    echo "$(field p50_ms) $(field p99_ms) $(field requests)"
}

# The delivery process (comm piirid-mail, a child of the supervisor) and its CPU time in clock ticks.
for _ in $(seq 50); do mailer=$(pgrep -P "$piirid_pgid" -x piirid-mail) && break; sleep 0.1; done
[ -n "${mailer:-}" ] || fail "no delivery process under piirid"
mail_ticks() {
    local stat
    stat=$(cat "/proc/$mailer/stat") || fail "the delivery process $mailer is gone"
    read -ra f <<<"${stat##*) }"
    echo $((f[11] + f[12]))
}

echo "bench: $n messages, wrk -t$threads -c$conns -d$duration, $pause ms apart; $(bench_load)" >&2
read -r idle50_a idle99_a _ < <(healthz "healthz, delivery idle (before)")
read -r count0 bytes0 _ < <(sink)

mail_ticks0=$(mail_ticks)
t0=$(sql <<SQL
BEGIN;
INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT x.org_id, x.person_id, 'signup_confirmed',
           jsonb_build_object('signup_id', x.id, 'group_id', x.group_id, 'session_id', x.session_id)
    FROM signups x WHERE x.session_id = '$session' ORDER BY x.queue_seq;
SELECT extract(epoch FROM clock_timestamp());
COMMIT;
SQL
)
wrk_start=$(date +%s.%N)
read -r busy50 busy99 _ < <(healthz "healthz, during delivery")
wrk_end=$(date +%s.%N)

deadline=$((SECONDS + limit))
while :; do
    read -r count bytes _ last < <(sink)
    [ $((count - count0)) -lt "$n" ] || break
    [ "$SECONDS" -lt "$deadline" ] || {
        echo "bench: the queue: $(sql -c "SELECT status, count(*) FROM notification_outbox GROUP BY 1" | tr '\n' ' ')" >&2
        tail -n 20 "$tmp/piirid.log" >&2
        fail "$((count - count0)) of $n messages delivered in ${limit}s"
    }
    sleep 0.2
done
mail_ticks1=$(mail_ticks)
states=$(sql -c "SELECT string_agg(status || '=' || c, ' ' ORDER BY status) FROM
                 (SELECT status, count(*) c FROM notification_outbox GROUP BY 1) q")
[ "$states" = "sent=$n" ] || fail "the outbox after delivery: $states (expected sent=$n)"
overlap=$(awk -v s="$wrk_start" -v e="$wrk_end" -v l="$last" 'BEGIN { o = (l < e ? l : e) - s; printf "%.1f", (o > 0 ? o : 0) }')
echo "bench: delivery ran during ${overlap} s of wrk's $(awk -v s="$wrk_start" -v e="$wrk_end" 'BEGIN { printf "%.1f", e - s }') s" >&2
awk -v o="$overlap" -v s="$wrk_start" -v e="$wrk_end" 'BEGIN { exit !(o < 0.9 * (e - s)) }' &&
    echo "bench: delivery was over before wrk: lower BENCH_MAIL_DURATION, or raise BENCH_MAIL_MESSAGES" >&2

read -r idle50_b idle99_b _ < <(healthz "healthz, delivery idle (after)")

size=$(((bytes - bytes0) / n))
ref_seconds=$(/usr/bin/python3 bench/mail.py send "$smtp_port" "$nref" "$size")
for _ in $(seq 20); do # the sink writes its count every 50 ms
    read -r count_ref _ < <(sink)
    [ $((count_ref - count)) -lt "$nref" ] || break
    sleep 0.1
done
[ $((count_ref - count)) -eq "$nref" ] || fail "the sink counted $((count_ref - count)) of $nref reference messages"

awk -v n="$n" -v t0="$t0" -v last="$last" -v nref="$nref" -v ref="$ref_seconds" -v size="$size" \
    -v hz="$(getconf CLK_TCK)" -v mt=$((mail_ticks1 - mail_ticks0)) 'BEGIN {
    p = n / (last - t0); r = nref / ref
    printf "mail delivery (%d messages, %d bytes each): piirid %.0f/s, smtplib %.0f/s, ratio %.2f;", n, size, p, r, p / r
    printf " CPU per message: delivery process %.0f us\n", mt / hz * 1e6 / n }'
awk -v c="$conns" -v d="$pause" -v b50="$busy50" -v b99="$busy99" -v a50="$idle50_a" -v a99="$idle99_a" \
    -v z50="$idle50_b" -v z99="$idle99_b" 'BEGIN {
    i99 = (a99 + z99) / 2; i50 = (a50 + z50) / 2
    printf "healthz during delivery (%d connections, %d ms apart): p99 %.2f ms, idle p99 %.2f ms, ratio %.2f;", c, d, b99, i99, i99 ? b99 / i99 : 0
    printf " p50 %.2f ms, idle %.2f ms\n", b50, i50 }'
echo "bench: idle p99 before ${idle99_a} ms, after ${idle99_b} ms; the reference took ${ref_seconds} s" >&2
