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

# Stop one of the servers started here (its process group $1) before the others.
bench_stop() {
    local pid keep=()
    kill -TERM -- "-$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
    pids=("${keep[@]}")
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

# Start piirid on 127.0.0.1:$1 with two workers and wait until /healthz answers;
# more settings may follow (NAME=value), and win. Sets piirid_pgid (its process
# group: the supervisor's pid). No per-request log lines, as nginx runs with
# access_log off. Every bench client connects from 127.0.0.1, so the cap on
# connections per client address is set above what any bench opens at once
# (wrk's 64; bench/idle.sh raises it further).
bench_start_piirid() {
    local base=http://127.0.0.1:$1
    env PIIRI_LISTEN=127.0.0.1:$1 PIIRI_WORKERS=2 PIIRI_PUBLIC_URL=$base \
        PIIRI_LOG_LEVEL=${PIIRI_LOG_LEVEL:-warn} PIIRI_MAX_CONNECTIONS_PER_CLIENT=1024 "${@:2}" \
        setsid "$bin" serve >"$tmp/piirid.log" 2>&1 &
    pids+=($!)
    local pid=$!
    piirid_pgid=$pid
    for _ in $(seq 300); do
        curl -fso /dev/null "$base/healthz" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: piirid did not answer $base/healthz; its log:" >&2
    tail -n 30 "$tmp/piirid.log" >&2
    exit 1
}

# Start nginx on 127.0.0.1:$1 serving $tmp/nginx/www; $2: extra server
# directives, $3: extra http directives; nginx_connections: worker_connections
# (1024). Sets nginx_pgid (the master's pid).
bench_start_nginx() {
    local nofile
    nofile=$(ulimit -n)
    mkdir -p "$tmp/nginx/www" "$tmp/nginx/temp"
    cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 2;
worker_rlimit_nofile $nofile;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections ${nginx_connections:-1024}; }
http {
    ${3:-}
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
    nginx_pgid=$!
    for _ in $(seq 100); do curl -so /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
    echo "bench: nginx did not start; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

# The machine's load, for the record: on a shared box it explains odd numbers.
bench_load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }

# Clock ticks of CPU time (user and system) used so far by the processes of group $1.
bench_cpu_ticks() {
    local pid stat ticks=0
    for pid in $(pgrep -g "$1"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        read -ra f <<<"${stat##*) }" # from field 3 (state) on: utime and stime are 12 and 13
        ticks=$((ticks + f[11] + f[12]))
    done
    echo "$ticks"
}

# One wrk run (LABEL PGID URL [wrk options]): prints "requests seconds ticks",
# ticks being the CPU time process group PGID used meanwhile. Warns when some
# answers were not 2xx.
bench_run() {
    local out t0 t1
    t0=$(bench_cpu_ticks "$2")
    out=$(wrk -t"$threads" -c"$conns" -d"$duration" "${@:4}" "$3")
    t1=$(bench_cpu_ticks "$2")
    if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
        echo "bench: $1: $(grep -e 'Non-2xx' -e 'Socket errors' <<<"$out" | tr -s ' \n' ' ')" >&2
    fi
    awk -v ticks=$((t1 - t0)) '/ requests in / { n = $1 } /^Requests\/sec:/ { rps = $2 }
        END { printf "%d %.6f %d\n", n, rps ? n / rps : 0, ticks }' <<<"$out"
}

# piirid against nginx (LABEL PIIRI_URL NGINX_URL [wrk options]), BENCH_ROUNDS
# times in the order piirid, nginx, nginx, piirid, ... so that a change in the
# machine's load during the comparison weighs on both alike. Prints
# "piirid_rps nginx_rps piirid_cpu_us nginx_cpu_us": requests per second over
# all rounds, and microseconds of the server's CPU time per request.
bench_compare() {
    local r side a b n s t
    local -A req=() sec=() tick=()
    for ((r = 0; r < ${BENCH_ROUNDS:-2}; r++)); do
        if ((r % 2 == 0)); then a=piirid b=nginx; else a=nginx b=piirid; fi
        for side in $a $b; do
            if [ "$side" = piirid ]; then
                read -r n s t < <(bench_run "$1: piirid" "$piirid_pgid" "$2" "${@:4}")
            else
                read -r n s t < <(bench_run "$1: nginx" "$nginx_pgid" "$3" "${@:4}")
            fi
            req[$side]=$((${req[$side]:-0} + n)) tick[$side]=$((${tick[$side]:-0} + t))
            sec[$side]=$(awk -v a="${sec[$side]:-0}" -v b="$s" 'BEGIN { print a + b }')
        done
    done
    awk -v hz="$(getconf CLK_TCK)" -v np="${req[piirid]}" -v sp="${sec[piirid]}" -v tp="${tick[piirid]}" \
        -v nn="${req[nginx]}" -v sn="${sec[nginx]}" -v tn="${tick[nginx]}" 'BEGIN {
        printf "%.0f %.0f %.1f %.1f\n", sp ? np / sp : 0, sn ? nn / sn : 0,
            np ? tp / hz * 1e6 / np : 0, nn ? tn / hz * 1e6 / nn : 0 }'
}

# One line of results (LABEL "piirid_rps nginx_rps piirid_cpu_us nginx_cpu_us"):
#   LABEL: piirid 9000 req/s, nginx 10000 req/s, ratio 0.90; CPU per request piirid 24.1 us, nginx 20.0 us, ratio 0.83
# Both ratios are piirid's share: above 1, piirid did better.
bench_report() {
    local p n cp cn
    read -r p n cp cn <<<"$2"
    echo "$1: piirid $p req/s, nginx $n req/s, ratio $(bench_ratio "$p" "$n");" \
        "CPU per request piirid $cp us, nginx $cn us, ratio $(bench_ratio "$cn" "$cp")"
}

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
