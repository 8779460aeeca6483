#!/usr/bin/env bash
# Idle keep-alive connections: the workers' memory with 10,000 of them open,
# and how fast a new request is answered meanwhile; piirid side by side with
# nginx holding as many the same way. Prints two lines:
#
#   idle connections (10000 keep-alive): workers' RSS piirid 43.6 -> 63.8 MiB (2.1 KiB each),
#       nginx 8.3 -> 21.9 MiB (1.4 KiB each), ratio 0.67
#   new request meanwhile (200 GET /healthz, fresh connections): piirid p50 0.136 ms p99 0.421 ms,
#       nginx p50 0.128 ms p99 3.185 ms, ratio p50 0.94 p99 7.57
#
# RSS is VmRSS of the workers (the supervisor's or master's children), summed;
# "each" is the growth divided by the connections. nginx allocates its table
# of connections (worker_connections) when it starts, so its figure at rest
# is taken with the default table of 1024 slots; then it starts again with
# room for all. Ratios are piirid's share as in the other benches (nginx's
# figure over piirid's: above 1, piirid did better). Details on stderr: each
# worker's connections, RSS and PSS (shared pages split among the processes
# that share them), the latency before the connections were opened, and how
# many were still open when the client let go.
#
# bench/idle.py opens the connections (one GET /healthz each, answered, then
# idle) and times the new requests. All clients come from 127.0.0.1, so
# piirid's per-client connection cap is set above the count. Settings:
# BENCH_IDLE_CONNECTIONS (10000), BENCH_IDLE_PROBES (200).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
nconn=${BENCH_IDLE_CONNECTIONS:-10000} nprobe=${BENCH_IDLE_PROBES:-200}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench

# Descriptors: the client holds one per connection, each server a few more.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((nconn + 200)) ]; then
    echo "bench: the descriptor limit is $(ulimit -n) (ulimit -Hn); measuring $(($(ulimit -n) - 200))" \
        "connections instead of $nconn" >&2
    nconn=$(($(ulimit -n) - 200))
fi

tmp=$(mktemp -d /tmp/piiri-idle.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL and nginx's workers run unprivileged
. bench/lib.sh
holder=
bench_cleanup_extra() { [ -z "$holder" ] || kill -TERM "$holder" 2>/dev/null || true; }
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port nginx_port < <(bench_free_ports 2)
bench_database fast
# Enough connections per worker for all of them in one, a per-client cap above
# the count (every client here is 127.0.0.1), idle timeouts longer than the run.
cap=$((nconn + 1000))
bench_start_piirid "$piiri_port" PIIRI_MAX_CONNECTIONS=$cap PIIRI_MAX_CONNECTIONS_PER_CLIENT=$cap \
    PIIRI_HTTP_TIMEOUT_S=120 PIIRI_HTTP_REQUEST_TIMEOUT_S=120
curl -fso "$tmp/healthz" "http://127.0.0.1:$piiri_port/healthz"
mkdir -p "$tmp/nginx/www"
head -c "$(stat -c %s "$tmp/healthz")" /dev/zero | tr '\0' x >"$tmp/nginx/www/healthz"
# nginx allocates its table of connections (worker_connections) when it
# starts, so its RSS before the connections includes theirs: its figure at
# rest is taken with the default table of 1024, then it starts again.
bench_start_nginx "$nginx_port" "default_type application/json;"
nginx_rest=0
for p in $(pgrep -P "$nginx_pgid"); do nginx_rest=$((nginx_rest + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status"))); done
bench_stop "$nginx_pgid"
nginx_connections=$cap bench_start_nginx "$nginx_port" "default_type application/json;" "keepalive_timeout 120s;"

workers_of() { pgrep -P "$1" | sort -n; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# PSS: shared pages (those from before the fork, libraries) split among their users.
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
sum_rss() { local t=0 p; for p in $(workers_of "$1"); do t=$((t + $(rss_kib "$p"))); done; echo "$t"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# Established connections to port $1 per process: "pid count" lines.
conns_by_pid() {
    ss -Htnp state established "( sport = :$1 )" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort | uniq -c |
        awk '{ print $2, $1 }'
}

# measure NAME PORT PGID: sets rss0 rss1 (KiB, workers' sum), p50 p99 (ms, with
# the connections open).
measure() {
    local name=$1 port=$2 pgid=$3 line p
    local -A before=() pss=()
    for p in $(workers_of "$pgid"); do before[$p]=$(rss_kib "$p") pss[$p]=$(pss_kib "$p"); done
    rss0=$(sum_rss "$pgid")
    read -r b50 b99 bmax < <(/usr/bin/python3 bench/idle.py probe "$port" "$nprobe" /healthz)

    rm -f "$tmp/hold.in" "$tmp/hold.out"
    mkfifo "$tmp/hold.in"
    /usr/bin/python3 bench/idle.py hold "$port" "$nconn" /healthz <"$tmp/hold.in" >"$tmp/hold.out" 2>&1 &
    holder=$!
    exec 3>"$tmp/hold.in" # the holder waits for this to close
    for _ in $(seq 1200); do
        grep -q -e '^open' -e '^failed' "$tmp/hold.out" 2>/dev/null && break
        kill -0 "$holder" 2>/dev/null || break
        sleep 0.1
    done
    line=$(head -n 1 "$tmp/hold.out")
    [ "${line%% *}" = open ] || { echo "bench: $name: $(cat "$tmp/hold.out")" >&2; exit 1; }
    sleep 1
    rss1=$(sum_rss "$pgid")
    read -r p50 p99 pmax < <(/usr/bin/python3 bench/idle.py probe "$port" "$nprobe" /healthz)
    local open
    open=$(ss -Htn state established "( sport = :$port )" | wc -l)
    echo "bench: $name: $nconn connections opened, $open established after the probe;" \
        "fresh-connection GET /healthz p50 $b50 ms, p99 $b99 ms (max $bmax) before, p50 $p50 ms," \
        "p99 $p99 ms (max $pmax) with them open" >&2
    while read -r p n; do
        [ -n "${before[$p]:-}" ] || continue
        echo "bench: $name worker $p: $n connections, RSS $(mib "${before[$p]}") -> $(mib "$(rss_kib "$p")") MiB," \
            "PSS $(mib "${pss[$p]}") -> $(mib "$(pss_kib "$p")") MiB" >&2
    done < <(conns_by_pid "$port")
    exec 3>&-
    wait "$holder" || true
    holder=
    echo "bench: $name: $(tail -n 1 "$tmp/hold.out") of $nconn when the client let go" >&2
}

echo "bench: $nconn idle keep-alive connections, $nprobe new requests meanwhile; $(bench_load)" >&2
measure piirid "$piiri_port" "$piirid_pgid"
p_rss0=$rss0 p_rss1=$rss1 p_p50=$p50 p_p99=$p99
measure nginx "$nginx_port" "$nginx_pgid"

each() { awk -v a="$1" -v b="$2" -v n="$nconn" 'BEGIN { printf "%.1f", (b - a) / n }'; }
p_each=$(each "$p_rss0" "$p_rss1") n_each=$(each "$nginx_rest" "$rss1")
echo "bench: nginx workers' RSS at rest $(mib "$nginx_rest") MiB with 1024 connection slots," \
    "$(mib "$rss0") MiB with $cap" >&2
echo "idle connections ($nconn keep-alive): workers' RSS piirid $(mib "$p_rss0") -> $(mib "$p_rss1") MiB" \
    "($p_each KiB each), nginx $(mib "$nginx_rest") -> $(mib "$rss1") MiB ($n_each KiB each)," \
    "ratio $(bench_ratio "$n_each" "$p_each")"
echo "new request meanwhile ($nprobe GET /healthz, fresh connections): piirid p50 $p_p50 ms p99 $p_p99 ms," \
    "nginx p50 $p50 ms p99 $p99 ms, ratio p50 $(bench_ratio "$p50" "$p_p50") p99 $(bench_ratio "$p99" "$p_p99")"
