#!/usr/bin/env bash
# A cached org feed: GET /calendars/orgs/{slug}.ics of an org with 200 weekly
# groups from piirid, side by side with nginx serving the identical bytes from
# a file; same wrk settings, same run. Prints one line:
#
#   org feed (200 groups, 123456 bytes): piirid 20000 req/s, nginx 25000 req/s, ratio 0.80
#
# then the same with Accept-Encoding: gzip, as calendar services fetch feeds:
# piirid's gzip body against nginx's gzip_static serving those bytes.
#
# Set-up (not timed): a private PostgreSQL cluster (scripts/pgcluster.sh, unless
# PIIRI_DATABASE_URL is set), $PIIRI_BIN serve with 2 workers, a site admin,
# an org and its 200 groups through the HTTP API, the feed fetched until it
# comes from the cache of both workers. Settings as bench/run.sh:
# BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_FEED_GROUPS (200).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
duration=${BENCH_DURATION:-10s} conns=${BENCH_CONNECTIONS:-64} threads=${BENCH_THREADS:-2}
ngroups=${BENCH_FEED_GROUPS:-200}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench

tmp=$(mktemp -d /tmp/piiri-feeds.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL and nginx's workers run unprivileged
. bench/lib.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port nginx_port < <(bench_free_ports 2)
bench_database fast
base=http://127.0.0.1:$piiri_port
bench_start_piirid "$piiri_port"

# The org and its groups, through the API: weekly groups on every weekday at
# several hours, starting next week, some with an end, some open, some closed.
password=$(head -c 18 /dev/urandom | base64 | tr '/+' '_-')
email=bench-feeds-$$@example.org
PIIRI_LOG_LEVEL=warn "$bin" create-admin "$email" <<<"$password" >/dev/null
slug=$(BASE=$base EMAIL=$email PASSWORD=$password NGROUPS=$ngroups /usr/bin/python3 - <<'EOF'
import datetime, json, os, urllib.request

base = os.environ["BASE"]

def api(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")

token = api("POST", "/api/v1/auth/login",
            {"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"]})["token"]
slug = "bench-feeds"
api("POST", "/api/v1/orgs", {"slug": slug, "name": "Vertaistuki ry (bench)"}, token)
monday = datetime.date.today() + datetime.timedelta(days=7 - datetime.date.today().weekday())
days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
for i in range(int(os.environ["NGROUPS"])):
    wd = i % 7
    start = monday + datetime.timedelta(days=wd)
    rule = f"FREQ=WEEKLY;BYDAY={days[wd]}"
    if i % 3 == 0:
        rule += f";UNTIL={(start + datetime.timedelta(weeks=30)):%Y%m%d}T235959"
    api("POST", f"/api/v1/orgs/{slug}/groups", {
        "title": f"Vertaisryhmä {i + 1}: omaiset ja läheiset",
        "description": "Avoin vertaistukiryhmä, jossa jaetaan kokemuksia; kahvia ja "
                       "keskustelua. Tervetuloa mukaan, ilmoittautumista ei tarvita.",
        "kind": "peer_group", "access": "open" if i % 2 else "closed", "modality": "in_person",
        "location": {"name": f"Järjestötalo, sali {1 + i % 5}", "address": "Hämeenkatu 1",
                     "municipality": "Tampere"},
        "schedule": {"start": f"{start.isoformat()}T{16 + i % 4}:{'30' if i % 2 else '00'}",
                     "duration_minutes": 90, "rrule": rule},
    }, token)
print(slug)
EOF
)
path=/calendars/orgs/$slug.ics
piiri_url=$base$path

# Warm: fetch until a run of fresh connections (both workers) gives the same bytes.
curl -fsS -o "$tmp/org.ics" "$piiri_url"
for _ in $(seq 20); do
    curl -fsS -o "$tmp/again.ics" "$piiri_url"
    cmp -s "$tmp/org.ics" "$tmp/again.ics" || { echo "bench: the org feed changed between fetches" >&2; exit 1; }
done
bytes=$(stat -c %s "$tmp/org.ics")
events=$(grep -c '^BEGIN:VEVENT' "$tmp/org.ics")
[ "$events" -eq "$ngroups" ] || { echo "bench: the feed has $events events, not $ngroups" >&2; exit 1; }
curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/org.ics.gz" "$piiri_url"
gzip -dc "$tmp/org.ics.gz" | cmp -s - "$tmp/org.ics" || { echo "bench: no gzip body from piirid" >&2; exit 1; }
gz_bytes=$(stat -c %s "$tmp/org.ics.gz")

mkdir -p "$tmp/nginx/www/calendars/orgs"
cp "$tmp/org.ics" "$tmp/nginx/www$path"
cp "$tmp/org.ics.gz" "$tmp/nginx/www$path.gz"
bench_start_nginx "$nginx_port" 'default_type "text/calendar; charset=utf-8";
        gzip_static on;
        gzip_vary on;'
nginx_url=http://127.0.0.1:$nginx_port$path
{ curl -fsS -o "$tmp/nginx.ics" "$nginx_url" && cmp -s "$tmp/org.ics" "$tmp/nginx.ics" &&
    curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/nginx.ics.gz" "$nginx_url" &&
    cmp -s "$tmp/org.ics.gz" "$tmp/nginx.ics.gz"; } || {
    echo "bench: nginx did not serve the feed's bytes at $nginx_url; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

# Feeds rendered so far (all workers), from /metrics.
renders() { curl -fsS "$base/metrics" | awk '/^piiri_feed_renders_total / { print $2 }'; }
renders_before=$(renders)

echo "bench: wrk -t$threads -c$conns -d$duration x ${BENCH_ROUNDS:-2} rounds each, org feed of $ngroups" \
    "groups, $bytes bytes; $(bench_load)" >&2
plain=$(bench_compare "org feed" "$piiri_url" "$nginx_url")
gz=$(bench_compare "org feed gzip" "$piiri_url" "$nginx_url" -H 'Accept-Encoding: gzip')
# Still the same bytes after the runs, and none rendered again: the cache
# served every request, as nginx served a file.
curl -fsS -o "$tmp/after.ics" "$piiri_url"
cmp -s "$tmp/org.ics" "$tmp/after.ics" || echo "bench: the org feed changed during the run" >&2
[ "$(renders)" = "$renders_before" ] ||
    echo "bench: the org feed was rendered $(($(renders) - renders_before)) times during the runs" >&2
bench_report "org feed ($ngroups groups, $bytes bytes)" "$plain"
bench_report "org feed gzip ($ngroups groups, $gz_bytes bytes)" "$gz"
