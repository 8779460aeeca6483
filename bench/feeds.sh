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
pids=() own_cluster=
alive() {
    local pid
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && return 0; done
    return 1
}
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do alive || break; sleep 0.1; done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -z "$own_cluster" ] || scripts/pgcluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port nginx_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

if [ -z "${PIIRI_DATABASE_URL:-}" ]; then
    own_cluster=1
    PIIRI_DATABASE_URL=$(PGCLUSTER_FAST=1 scripts/pgcluster.sh start "$tmp/pg" 2>"$tmp/pgcluster.log") || {
        cat "$tmp/pgcluster.log" >&2
        exit 1
    }
fi
export PIIRI_DATABASE_URL

base=http://127.0.0.1:$piiri_port
PIIRI_LISTEN=127.0.0.1:$piiri_port PIIRI_WORKERS=2 PIIRI_PUBLIC_URL=$base \
    PIIRI_LOG_LEVEL=${PIIRI_LOG_LEVEL:-warn} setsid "$bin" serve >"$tmp/piirid.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
    curl -fso /dev/null "$base/healthz" && break
    kill -0 "${pids[0]}" 2>/dev/null || break
    sleep 0.1
done
curl -fso /dev/null "$base/healthz" || {
    echo "bench: piirid did not answer $base/healthz; its log:" >&2
    tail -n 30 "$tmp/piirid.log" >&2
    exit 1
}

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

mkdir -p "$tmp/nginx/www/calendars/orgs" "$tmp/nginx/temp"
cp "$tmp/org.ics" "$tmp/nginx/www$path"
cp "$tmp/org.ics.gz" "$tmp/nginx/www$path.gz"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/temp/body;
    proxy_temp_path $tmp/nginx/temp/proxy;
    fastcgi_temp_path $tmp/nginx/temp/fastcgi;
    uwsgi_temp_path $tmp/nginx/temp/uwsgi;
    scgi_temp_path $tmp/nginx/temp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/nginx/www;
        default_type "text/calendar; charset=utf-8";
        gzip_static on;
        gzip_vary on;
    }
}
EOF
setsid /usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=($!)
nginx_url=http://127.0.0.1:$nginx_port$path
for _ in $(seq 100); do curl -fso /dev/null "$nginx_url" && break; sleep 0.1; done
{ curl -fsS -o "$tmp/nginx.ics" "$nginx_url" && cmp -s "$tmp/org.ics" "$tmp/nginx.ics" &&
    curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/nginx.ics.gz" "$nginx_url" &&
    cmp -s "$tmp/org.ics.gz" "$tmp/nginx.ics.gz"; } || {
    echo "bench: nginx did not serve the feed's bytes at $nginx_url; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

# Requests per second from one wrk run; warns when some answers were not 2xx.
measure() {
    local out
    out=$(wrk -t"$threads" -c"$conns" -d"$duration" "${@:3}" "$2")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
        echo "bench: $1: $(grep -e 'Non-2xx' -e 'Socket errors' <<<"$out" | tr -s ' \n' ' ')" >&2
    fi
    awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' <<<"$out"
}

echo "bench: wrk -t$threads -c$conns -d$duration, org feed of $ngroups groups, $bytes bytes" >&2
piiri_rps=$(measure piirid "$piiri_url")
nginx_rps=$(measure nginx "$nginx_url")
# Still the same bytes after the run: the cache served what was rendered.
curl -fsS -o "$tmp/after.ics" "$piiri_url"
cmp -s "$tmp/org.ics" "$tmp/after.ics" || echo "bench: the org feed changed during the run" >&2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
echo "org feed ($ngroups groups, $bytes bytes): piirid $piiri_rps req/s, nginx $nginx_rps req/s," \
    "ratio $(ratio "$piiri_rps" "$nginx_rps")"

gz=(-H 'Accept-Encoding: gzip')
piiri_rps=$(measure "piirid gzip" "$piiri_url" "${gz[@]}")
nginx_rps=$(measure "nginx gzip" "$nginx_url" "${gz[@]}")
echo "org feed gzip ($ngroups groups, $gz_bytes bytes): piirid $piiri_rps req/s, nginx $nginx_rps req/s," \
    "ratio $(ratio "$piiri_rps" "$nginx_rps")"
