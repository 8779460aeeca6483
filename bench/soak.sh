#!/usr/bin/env bash
# Soak: mixed traffic for SOAK_SECONDS (600) against piirid with two workers,
# printing the workers' RSS at the start, every tenth of the run and at the
# end, to show that memory stays flat. Prints:
#
#   soak (600 s, 16 connections, 10 ms apart): 523412 requests, 872/s, 2xx 99.8%, 409 (already
#       signed up) 0.2%, other 0; 44123 signups, 44001 cancellations, 25 logins, 61 edits; p50 1.2 ms p99 9.8 ms
#   soak RSS, workers (MiB): start 43.6 | 60 s 47.9 | 120 s 48.0 | ... | end 48.1
#   soak RSS from the first sample to the end: +0.4% (worker 1234: 23.9 -> 24.0, worker 1235: 24.0 -> 24.1)
#
# The mix (bench/soak.lua): reads of the group list, a group's sessions and
# feeds (the org feed, cached, half of them gzip; group feeds; personal
# feeds, rendered every time), signups by random people for random sessions
# (each group has eight seats, so most wait in line) and cancellations of
# them (which promote the line), and now and then a login and an edit of a
# group (which drops every cached feed). At the end the database is checked:
# no session holds more seats than it has, and every seats_taken equals the
# confirmed seats.
#
# Each RSS figure is the least of six readings 0.3 s apart: a login hashes
# its password with argon2id, which takes 64 MiB for a quarter of a second
# on a quiet machine (longer on a busy one), and a reading at that instant
# is not growth. A worker that restarted (another pid) is
# reported, as it would hide growth.
#
# Settings: SOAK_SECONDS (600), SOAK_CONNECTIONS (16), SOAK_DELAY_MS (10: the
# pause of each connection between requests), SOAK_SAMPLES (10), SOAK_PEOPLE (400),
# SOAK_GROUPS (24), BENCH_THREADS (2).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
seconds=${SOAK_SECONDS:-600} conns=${SOAK_CONNECTIONS:-16} think=${SOAK_DELAY_MS:-10}
samples=${SOAK_SAMPLES:-10} people=${SOAK_PEOPLE:-400} ngroups=${SOAK_GROUPS:-24} threads=${BENCH_THREADS:-2}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench

fail() { echo "bench: FAILED: $*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/piiri-soak.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL runs unprivileged
. bench/lib.sh
child=
bench_cleanup_extra() { [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true; }
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r port < <(bench_free_ports 1)
bench_database fast
db=$PIIRI_DATABASE_URL
sql() { /usr/bin/psql "$db" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
bench_start_piirid "$port"
base=http://127.0.0.1:$port

# ---- set-up (not measured) -------------------------------------------------------

admin_password=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
PIIRI_LOG_LEVEL=warn "$bin" create-admin soak-admin@example.org <<<"$admin_password" >/dev/null
mkdir -p "$tmp/soak"
BASE=$base PASSWORD=$admin_password NGROUPS=$ngroups OUT=$tmp/soak /usr/bin/python3 - <<'EOF'
import datetime, json, os, secrets, urllib.request

base, out = os.environ["BASE"], os.environ["OUT"]

def api(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")

def write(name, items):
    with open(f"{out}/{name}", "w") as f:
        f.write("".join(f"{x}\n" for x in items))

token = api("POST", "/api/v1/auth/login",
            {"email": "soak-admin@example.org", "password": os.environ["PASSWORD"]})["token"]
slug = "soak"
api("POST", "/api/v1/orgs", {"slug": slug, "name": "Vertaistuki ry (soak)"}, token)
monday = datetime.date.today() + datetime.timedelta(days=7 - datetime.date.today().weekday())
days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
groups, sessions = [], []
for i in range(int(os.environ["NGROUPS"])):
    start = monday + datetime.timedelta(days=i % 7)
    g = api("POST", f"/api/v1/orgs/{slug}/groups", {
        "title": f"Perhekahvila {i + 1}", "description": "Avoin vertaisryhmä.",
        "kind": "family_cafe", "access": "open", "modality": "in_person", "capacity": 8,
        "location": {"name": "Järjestötalo", "address": "Hämeenkatu 1", "municipality": "Tampere"},
        "schedule": {"start": f"{start.isoformat()}T17:30", "duration_minutes": 90,
                     "rrule": f"FREQ=WEEKLY;BYDAY={days[i % 7]}"},
    }, token)["group"]
    groups.append(g["id"])
    sessions += [s["id"] for s in api("GET", f"/api/v1/groups/{g['id']}/sessions")["sessions"][:4]]
logins = []
for i in range(4):  # people with a password, for the logins
    email, password = f"soak-login-{i}@example.org", secrets.token_urlsafe(18)
    api("POST", "/api/v1/auth/register", {"email": email, "password": password,
                                          "display_name": f"Kirjautuja {i + 1}"})
    logins.append(f"{email} {password}")
write("slug", [slug])
write("admin", [token])
write("groups", groups)
write("sessions", sessions)
write("logins", logins)
EOF
# People with a bearer token each, straight into the tables (registering over
# HTTP costs an argon2id hash apiece); the server stores SHA-256(token).
/usr/bin/python3 -c "import secrets
for _ in range($people): print(secrets.token_urlsafe(32))" >"$tmp/soak/tokens"
sql <<SQL
CREATE TEMP TABLE soak (n serial, token text, person uuid DEFAULT gen_random_uuid());
\\copy soak (token) FROM '$tmp/soak/tokens'
INSERT INTO persons (id, email, display_name)
    SELECT person, 'soak-' || n || '@example.org', 'Soak ' || n FROM soak;
INSERT INTO auth_tokens (token_hash, person_id, expires_at)
    SELECT sha256(convert_to(token, 'UTF8')), person, now() + interval '1 day' FROM soak;
SQL
sql -c "SELECT calendar_token FROM persons WHERE email LIKE 'soak-%' AND calendar_token IS NOT NULL" \
    >"$tmp/soak/feeds"
sql -c "VACUUM ANALYZE"

# ---- the run --------------------------------------------------------------------

workers_of() { pgrep -P "$piirid_pgid" | sort -n; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# The least of six readings 0.3 s apart (see above).
rss_least() {
    local i
    for i in 1 2 3 4 5 6; do
        rss_kib "$1"
        [ "$i" = 6 ] || sleep 0.3
    done | sort -n | head -n 1
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# One sample: sets total (KiB) and per[pid] (KiB).
declare -A per first_per
sample() {
    local p
    total=0
    for p in $(workers_of); do per[$p]=$(rss_least "$p"); total=$((total + per[$p])); done
}

start_workers=$(workers_of | tr '\n' ' ')
sample
line="start $(mib "$total")"
echo "bench: soak for $seconds s: $conns connections (wrk -t$threads), $think ms apart; $ngroups groups," \
    "$(wc -l <"$tmp/soak/sessions") sessions open for signups, $people people; $(bench_load)" >&2
wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s -s bench/soak.lua "$base" -- \
    "$tmp/soak" "$think" >"$tmp/wrk.out" 2>"$tmp/wrk.err" &
child=$!
t0=$(date +%s)
first=
for ((i = 1; i <= samples; i++)); do
    # Sleep until the i-th tenth (the last sample just before wrk ends).
    target=$((t0 + seconds * i / samples - (i == samples ? 2 : 0)))
    while [ "$(date +%s)" -lt "$target" ] && kill -0 "$child" 2>/dev/null; do sleep 1; done
    kill -0 "$child" 2>/dev/null || break
    sample
    if [ -z "$first" ]; then
        first=$total
        for p in "${!per[@]}"; do first_per[$p]=${per[$p]}; done
    fi
    line+=" | $(($(date +%s) - t0)) s $(mib "$total")"
    echo "bench: soak at $(($(date +%s) - t0)) s: workers' RSS $(mib "$total") MiB; $(bench_load)" >&2
done
wait "$child" || fail "wrk: $(cat "$tmp/wrk.err" "$tmp/wrk.out")"
child=
sample
line+=" | end $(mib "$total")"
end_workers=$(workers_of | tr '\n' ' ')
[ "$start_workers" = "$end_workers" ] ||
    echo "bench: soak: the workers changed during the run ($start_workers -> $end_workers): one restarted" >&2
cat "$tmp/wrk.err" >&2

# ---- results -----------------------------------------------------------------------

result=$(grep '^soak:' "$tmp/wrk.out") || fail "wrk printed no result: $(cat "$tmp/wrk.out")"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
echo "soak ($seconds s, $conns connections, $think ms apart): $(field requests) requests," \
    "$(awk -v n="$(field requests)" -v s="$(field seconds)" 'BEGIN { printf "%.0f", s ? n / s : 0 }')/s," \
    "2xx $(awk -v a="$(field s2xx)" -v n="$(field requests)" 'BEGIN { printf "%.1f", n ? 100 * a / n : 0 }')%," \
    "409 (already signed up) $(field s409), other $(field other); $(field signups) signups," \
    "$(field cancels) cancellations, $(field logins) logins, $(field edits) edits;" \
    "p50 $(field p50_ms) ms p99 $(field p99_ms) ms"
echo "soak RSS, workers (MiB): $line"
detail=
for p in $(workers_of); do
    [ -n "${first_per[$p]:-}" ] && detail+="${detail:+, }worker $p: $(mib "${first_per[$p]}") -> $(mib "${per[$p]}")"
done
echo "soak RSS from the first sample to the end: $(awk -v a="${first:-$total}" -v b="$total" \
    'BEGIN { printf "%+.1f%%", a ? 100 * (b - a) / a : 0 }') ($detail)"

# The database after it all: no seat oversold, every count right.
bad=$(sql <<'SQL'
SELECT count(*) FROM sessions s JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
WHERE g.capacity IS NOT NULL AND (s.seats_taken > g.capacity OR s.seats_taken <>
      (SELECT coalesce(sum(x.seats), 0) FROM signups x
       WHERE x.org_id = s.org_id AND x.session_id = s.id AND x.status = 'confirmed'))
SQL
)
[ "$bad" = 0 ] || fail "soak: $bad sessions whose seats_taken is over capacity or not the confirmed seats"
echo "bench: soak: no seat oversold, every seats_taken equals the confirmed seats" >&2
