#!/usr/bin/env bash
# Benchmark piirid's GET /healthz side by side with nginx serving a static file of the same size,
# then the signup storm against pgbench (bench/signups.sh).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
duration=${BENCH_DURATION:-10s} conns=${BENCH_CONNECTIONS:-64} threads=${BENCH_THREADS:-2}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench
bench/ics.sh # rendering only: no server or database
bench/feeds.sh # the cached org feed: its own cluster, piirid and nginx

tmp=$(mktemp -d /tmp/piiri-bench.XXXXXX)
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
    [ -z "$own_cluster" ] || scripts/pgcluster.sh stop "$tmp/pg" || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Two free loopback ports, held open together so they differ.
read -r piiri_port nginx_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

if [ -z "${PIIRI_DATABASE_URL:-}" ]; then
    own_cluster=1
    PIIRI_DATABASE_URL=$(PGCLUSTER_FAST=1 scripts/pgcluster.sh start "$tmp/pg")
fi

# Each server gets its own process group, so cleanup reaches its workers too.
# No per-request log lines, as nginx runs with access_log off.
PIIRI_LISTEN=127.0.0.1:$piiri_port PIIRI_DATABASE_URL=$PIIRI_DATABASE_URL PIIRI_WORKERS=2 \
    PIIRI_LOG_LEVEL=${PIIRI_LOG_LEVEL:-warn} setsid "$bin" serve >"$tmp/piirid.log" 2>&1 &
pids+=($!)
piiri_url=http://127.0.0.1:$piiri_port/healthz
for _ in $(seq 300); do
    curl -fso /dev/null "$piiri_url" && break
    kill -0 "${pids[0]}" 2>/dev/null || break
    sleep 0.1
done
curl -fso "$tmp/healthz" "$piiri_url" || {
    echo "bench: piirid did not answer $piiri_url; its log:" >&2
    tail -n 30 "$tmp/piirid.log" >&2
    exit 1
}

mkdir -p "$tmp/nginx/www" "$tmp/nginx/temp"
head -c "$(stat -c %s "$tmp/healthz")" /dev/zero | tr '\0' x >"$tmp/nginx/www/healthz"
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
        default_type application/json;
    }
}
EOF
setsid /usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=($!)
nginx_url=http://127.0.0.1:$nginx_port/healthz
for _ in $(seq 100); do curl -fso /dev/null "$nginx_url" && break; sleep 0.1; done
[ "$(curl -fs "$nginx_url" | wc -c)" = "$(stat -c %s "$tmp/healthz")" ] || {
    echo "bench: nginx did not serve $nginx_url; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

# Requests per second from one wrk run; warns when some answers were not 2xx.
measure() {
    local out
    out=$(wrk -t"$threads" -c"$conns" -d"$duration" "$2")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
        echo "bench: $1: $(grep -e 'Non-2xx' -e 'Socket errors' <<<"$out" | tr -s ' \n' ' ')" >&2
    fi
    awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' <<<"$out"
}

echo "bench: wrk -t$threads -c$conns -d$duration, $(stat -c %s "$tmp/healthz")-byte body" >&2
piiri_rps=$(measure piirid "$piiri_url")
nginx_rps=$(measure nginx "$nginx_url")
ratio=$(awk -v a="$piiri_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
echo "healthz: piirid $piiri_rps req/s, nginx $nginx_rps req/s, ratio $ratio"

# The signup storm brings its own durable cluster and piirid: stop ours first.
cleanup
trap - EXIT
exec bench/signups.sh
