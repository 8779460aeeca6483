#!/usr/bin/env bash
# Every bench: calendar rendering (bench/ics.sh), the cached org feed (bench/feeds.sh), the web
# pages (bench/pages.sh), a coordinator's pages of a big org (bench/reports.sh) and then
# piirid's GET /healthz side by side with nginx serving a static file of the same size, idle
# connections (bench/idle.sh), the signup storm against pgbench (bench/signups.sh), mail
# delivery (bench/mail.sh) and the soak (bench/soak.sh).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
duration=${BENCH_DURATION:-10s} conns=${BENCH_CONNECTIONS:-64} threads=${BENCH_THREADS:-2}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench
bench/ics.sh # rendering only: no server or database
bench/feeds.sh # the cached org feed: its own cluster, piirid and nginx
bench/pages.sh # the web pages: against nginx, render time, weight, Lighthouse
bench/reports.sh # a coordinator's pages of an org of 200 groups and a year: against the API's JSON

tmp=$(mktemp -d /tmp/piiri-bench.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL and nginx's workers run unprivileged
. bench/lib.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port nginx_port < <(bench_free_ports 2)
bench_database fast
bench_start_piirid "$piiri_port"
piiri_url=http://127.0.0.1:$piiri_port/healthz
curl -fso "$tmp/healthz" "$piiri_url"

mkdir -p "$tmp/nginx/www"
head -c "$(stat -c %s "$tmp/healthz")" /dev/zero | tr '\0' x >"$tmp/nginx/www/healthz"
bench_start_nginx "$nginx_port" "default_type application/json;"
nginx_url=http://127.0.0.1:$nginx_port/healthz
[ "$(curl -fs "$nginx_url" | wc -c)" = "$(stat -c %s "$tmp/healthz")" ] || {
    echo "bench: nginx did not serve $nginx_url; its log:" >&2
    cat "$tmp/nginx/error.log" >&2
    exit 1
}

echo "bench: wrk -t$threads -c$conns -d$duration x ${BENCH_ROUNDS:-2} rounds each," \
    "$(stat -c %s "$tmp/healthz")-byte body; $(bench_load)" >&2
bench_report healthz "$(bench_compare healthz "$piiri_url" "$nginx_url")"

# The others bring their own cluster and piirid (the signup storm a durable
# one): stop ours first.
[ -z "${own_cluster:-}" ] || unset PIIRI_DATABASE_URL
bench_cleanup
trap - EXIT
bench/idle.sh # 10,000 idle keep-alive connections
bench/signups.sh
bench/mail.sh # 10,000 messages to a local SMTP sink, /healthz meanwhile
exec bench/soak.sh # SOAK_SECONDS of mixed traffic
