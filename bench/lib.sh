# SPDX-License-Identifier: Apache-2.0
# Shared by the bench scripts (sourced, not run): the servers they start, each
# in its own process group so that cleanup reaches piirid's workers too,
# free ports, starting piirid and nginx, and wrk measurements.
# The caller sets: bin (piirid), tmp (a 0755 temp dir), threads, conns,
# duration; and may define bench_cleanup_extra for its own cleaning up.

pids=()

bench_alive() {
    local pid
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && return 0; done
    return 1
}

bench_cleanup() {
    local pid
    if declare -F bench_cleanup_extra >/dev/null; then bench_cleanup_extra; fi
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do bench_alive || break; sleep 0.1; done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=()
    [ -z "${own_cluster:-}" ] || scripts/pgcluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}

# N free loopback ports, held open together so they differ.
bench_free_ports() {
    /usr/bin/python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])' "$1"
}

# A private cluster in $tmp/pg unless PIIRI_DATABASE_URL is set; exports the URL.
# $1: "fast" (fsync off) or "durable".
bench_database() {
    if [ -z "${PIIRI_DATABASE_URL:-}" ]; then
        own_cluster=1
        if [ "$1" = fast ]; then
            PIIRI_DATABASE_URL=$(PGCLUSTER_FAST=1 scripts/pgcluster.sh start "$tmp/pg" 2>"$tmp/pgcluster.log")
        else
            PIIRI_DATABASE_URL=$(env -u PGCLUSTER_FAST scripts/pgcluster.sh start "$tmp/pg" 2>"$tmp/pgcluster.log")
        fi || { cat "$tmp/pgcluster.log" >&2; exit 1; }
    fi
    export PIIRI_DATABASE_URL
}

# Start piirid on 127.0.0.1:$1 with two workers and wait until /healthz answers.
# No per-request log lines, as nginx runs with access_log off.
bench_start_piirid() {
    local base=http://127.0.0.1:$1
    PIIRI_LISTEN=127.0.0.1:$1 PIIRI_WORKERS=2 PIIRI_PUBLIC_URL=$base \
        PIIRI_LOG_LEVEL=${PIIRI_LOG_LEVEL:-warn} setsid "$bin" serve >"$tmp/piirid.log" 2>&1 &
    pids+=($!)
    local pid=$!
    for _ in $(seq 300); do
        curl -fso /dev/null "$base/healthz" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: piirid did not answer $base/healthz; its log:" >&2
    tail -n 30 "$tmp/piirid.log" >&2
    exit 1
}

# Start nginx on 127.0.0.1:$1 serving $tmp/nginx/www; $2: extra server directives.
bench_start_nginx() {
    mkdir -p "$tmp/nginx/www" "$tmp/nginx/temp"
    cat >"$tmp/nginx/nginx.conf" <<CONF
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
        listen 127.0.0.1:$1;
        root $tmp/nginx/www;
        $2
    }
}
CONF
    setsid /usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
    pids+=($!)
    for _ in $(seq 100); do curl -so /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
    echo "bench: nginx did not start; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

# Requests per second from one wrk run (LABEL URL [wrk options]); warns when some
# answers were not 2xx.
bench_measure() {
    local out
    out=$(wrk -t"$threads" -c"$conns" -d"$duration" "${@:3}" "$2")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
        echo "bench: $1: $(grep -e 'Non-2xx' -e 'Socket errors' <<<"$out" | tr -s ' \n' ' ')" >&2
    fi
    awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' <<<"$out"
}

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
