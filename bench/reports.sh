#!/usr/bin/env bash
# The coordinators' pages of a big org: an org of 200 groups with a year of
# history (bench/reports.sql: 10,600 sessions, 1,000 signups, 75,200
# attendance records, made in SQL), its groups list page
# (/fi/orgs/{slug}/manage) and its reports page for the last 365 days, each
# side by side with references measured in the same run: the same data's API
# JSON (the report; for the list, the API's largest page of the org's groups,
# 100 of them) and GET /healthz. Render times are piirid's own (its log lines'
# durations), requests one after another on one connection; page weight is
# the answer's bytes, and with gzip accepted. Prints, e.g.:
#
#   render time, 200 groups: groups list /fi/orgs/{slug}/manage p50 170.45 ms, p99 323.56 ms; API JSON /api/v1/groups?org=&limit=100 p50 31.15 ms, p99 40.48 ms, ratio p50 5.47 p99 7.99
#   round trip, 200 groups: groups list /fi/orgs/{slug}/manage p50 173.211 ms, p99 328.677 ms; /healthz p50 0.098 ms, p99 1.645 ms, ratio p50 1767.46 p99 199.80
#   page weight, 200 groups: groups list /fi/orgs/{slug}/manage 144216 bytes, gzip 10831 (sent); API JSON /api/v1/groups?org=&limit=100 84106 bytes, gzip 3782 (local), ratio 1.71, gzip 2.86
#
# and the same three lines for the reports page against the API's report.
# Set-up (not timed): a private PostgreSQL cluster (always: the data goes into
# no database given with PIIRI_DATABASE_URL), $PIIRI_BIN serve with two
# workers and a log line per request, the page cache off. Settings:
# BENCH_REPORTS_SAMPLES (30 for the report and the reports page; the groups
# list and its reference get twice as many, /healthz ten times).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
samples=${BENCH_REPORTS_SAMPLES:-30}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/piiri-reports.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL runs unprivileged
. bench/lib.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port < <(bench_free_ports 1)
unset PIIRI_DATABASE_URL
bench_database fast
base=http://127.0.0.1:$piiri_port
bench_start_piirid "$piiri_port" PIIRI_LOG_LEVEL=info PIIRI_PAGE_CACHE_MS=0

slug=bench-reports
# The demo's password hash, so that the coordinator signs in with its password.
pw=$(sed -n "s/^\\\\set pw '\\(.*\\)'$/\\1/p" schema/demo/demo.sql)
[ -n "$pw" ] || { echo "bench: no password hash in schema/demo/demo.sql" >&2; exit 1; }
t0=$(date +%s)
psql "$PIIRI_DATABASE_URL" -Xq -v ON_ERROR_STOP=1 -v pw="$pw" -v slug="$slug" -f bench/reports.sql >/dev/null
echo "bench: the org's year made in $(($(date +%s) - t0)) s" >&2

email=bench-coordinator@piiri.example password=vertaistuki-demo
curl -fsS -o /dev/null -c "$tmp/cookies" --data-urlencode email=$email --data-urlencode password=$password "$base/fi/signin"
cookie=$(awk '$6 ~ /piiri_session$/ { print $6 "=" $7 }' "$tmp/cookies")
[ -n "$cookie" ] || { echo "bench: signing in gave no session cookie" >&2; exit 1; }
token=$(curl -fsS -H 'Content-Type: application/json' -d "{\"email\": \"$email\", \"password\": \"$password\"}" \
    "$base/api/v1/auth/login" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

to=$(TZ=Europe/Helsinki date +%F)
from=$(TZ=Europe/Helsinki date -d "$to - 364 days" +%F)
# name, URL, auth, route pattern (as piirid logs it), samples
declare -a name=() url=() auth=() pattern=() count=()
add() { name+=("$1"); url+=("$base$2"); auth+=("$3"); pattern+=("$4"); count+=("$5"); }
add "groups list /fi/orgs/{slug}/manage" "/fi/orgs/$slug/manage" "cookie:$cookie" "/{lang}/orgs/{slug}/manage" \
    $((samples * 2))
add "API JSON /api/v1/groups?org=&limit=100" "/api/v1/groups?org=$slug&limit=100" "bearer:$token" "/api/v1/groups" \
    $((samples * 2))
add "reports page /fi/orgs/{slug}/manage/reports" "/fi/orgs/$slug/manage/reports?from=$from&to=$to" \
    "cookie:$cookie" "/{lang}/orgs/{slug}/manage/reports" "$samples"
add "API JSON /api/v1/orgs/{slug}/reports/attendance" "/api/v1/orgs/$slug/reports/attendance?from=$from&to=$to" \
    "bearer:$token" "/api/v1/orgs/{slug}/reports/attendance" "$samples"
add "/healthz" "/healthz" - "/healthz" $((samples * 10))

echo "bench: ${count[*]} requests one after another; $(bench_load)" >&2
declare -A p50=() p99=() rt50=() rt99=() bytes=() gz=() how=()
for i in "${!url[@]}"; do
    /usr/bin/python3 bench/reports.py sample "${url[$i]}" 5 "${auth[$i]}" >/dev/null # warm: plans, caches
    read -r rt50[$i] rt99[$i] < <(/usr/bin/python3 bench/reports.py sample "${url[$i]}" "${count[$i]}" "${auth[$i]}")
    sleep 0.5 # the workers' last lines reach the log
    read -r p50[$i] p99[$i] _ < <(/usr/bin/python3 bench/reports.py times "$tmp/piirid.log" "${pattern[$i]}" "${count[$i]}")
    read -r bytes[$i] gz[$i] how[$i] < <(/usr/bin/python3 bench/reports.py weight "${url[$i]}" "${auth[$i]}")
done
ratio() { /usr/bin/python3 bench/reports.py ratio "$1" "$2"; }
for pair in "0 1" "2 3"; do
    read -r page ref <<<"$pair"
    label=$([ "$page" = 0 ] && echo "200 groups" || echo "200 groups, $from..$to")
    echo "render time, $label: ${name[$page]} p50 ${p50[$page]} ms, p99 ${p99[$page]} ms;" \
        "${name[$ref]} p50 ${p50[$ref]} ms, p99 ${p99[$ref]} ms, ratio p50 $(ratio "${p50[$page]}" "${p50[$ref]}")" \
        "p99 $(ratio "${p99[$page]}" "${p99[$ref]}")"
    echo "round trip, $label: ${name[$page]} p50 ${rt50[$page]} ms, p99 ${rt99[$page]} ms;" \
        "/healthz p50 ${rt50[4]} ms, p99 ${rt99[4]} ms, ratio p50 $(ratio "${rt50[$page]}" "${rt50[4]}")" \
        "p99 $(ratio "${rt99[$page]}" "${rt99[4]}")"
    echo "page weight, $label: ${name[$page]} ${bytes[$page]} bytes, gzip ${gz[$page]} (${how[$page]});" \
        "${name[$ref]} ${bytes[$ref]} bytes, gzip ${gz[$ref]} (${how[$ref]})," \
        "ratio $(ratio "${bytes[$page]}" "${bytes[$ref]}"), gzip $(ratio "${gz[$page]}" "${gz[$ref]}")"
done
