#!/usr/bin/env bash
# The web pages: the front page (/fi/) and a group page from piirid side by
# side with nginx serving the same bytes (piirid's gzip answer, fetched once),
# same wrk settings, same run; piirid's render time; the weight of a first
# visit; and Lighthouse (mobile) for the front page, a group page and a
# session's attendance page. Prints, e.g.:
#
#   front page /fi/ (gzip, 2890 bytes): piirid 1500 req/s, nginx 30000 req/s, ratio 0.05; CPU per request ...
#   render time /fi/: p50 1.10 ms, p99 2.40 ms (500 requests one after another); p99 <= 25 ms during wrk
#   page weight, first visit /fi/: 9.1 KB compressed, 4 requests (css 2.9, html 3.6, img 0.4, js 0.6)
#   lighthouse /fi/ (mobile): performance 100, accessibility 100; FCP 0.8 s, LCP 0.8 s, ...
#
# Set-up (not timed): a private PostgreSQL cluster (always: PIIRI_DATABASE_URL
# is not used) with the demo data (schema/demo/demo.sql), $PIIRI_BIN serve with
# two workers. Settings as bench/run.sh (BENCH_DURATION, BENCH_ROUNDS,
# BENCH_CONNECTIONS, BENCH_THREADS), and BENCH_RENDER_SAMPLES (500),
# BENCH_LIGHTHOUSE (1; 0 skips it), BENCH_LIGHTHOUSE_CPU_SLOWDOWN (Lighthouse's
# own, 4: how much slower than this machine the simulated phone is). Lighthouse needs node and npm: it is
# installed from bench/lighthouse/package-lock.json into build/bench-lighthouse
# and drives Debian's /usr/bin/chromium (CHROME_PATH).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${PIIRI_BIN:-build/piirid}")
duration=${BENCH_DURATION:-10s} conns=${BENCH_CONNECTIONS:-64} threads=${BENCH_THREADS:-2}
samples=${BENCH_RENDER_SAMPLES:-500}
[ -x "$bin" ] || { echo "bench: no piirid at $bin (set PIIRI_BIN)" >&2; exit 1; }
scripts/deps.sh bench

tmp=$(mktemp -d /tmp/piiri-pages.XXXXXX)
chmod 755 "$tmp" # as root, PostgreSQL and nginx's workers run unprivileged
. bench/lib.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

read -r piiri_port nginx_port < <(bench_free_ports 2)
# Always a cluster of its own: the demo data goes into no database given with PIIRI_DATABASE_URL.
unset PIIRI_DATABASE_URL
bench_database fast
base=http://127.0.0.1:$piiri_port
# First with a log line per request: their durations are the render times
# (the page cache off, so that each is a render).
bench_start_piirid "$piiri_port" PIIRI_LOG_LEVEL=info PIIRI_PAGE_CACHE_MS=0

# The demo data; its groups' sessions are made by the horizon timer.
hervanta=20000000-0000-4000-8000-000000000001 # an open weekly group that Lauri leads
psql "$PIIRI_DATABASE_URL" -Xq -v ON_ERROR_STOP=1 -f schema/demo/demo.sql >/dev/null
for _ in $(seq 300); do
    n=$(curl -fsS "$base/api/v1/groups/$hervanta/sessions" | /usr/bin/python3 -c \
        'import json, sys; print(len(json.load(sys.stdin).get("sessions", [])))' 2>/dev/null) || n=0
    [ "$n" -gt 4 ] && break
    sleep 0.2
done
[ "$n" -gt 4 ] || { echo "bench: the demo group has no sessions" >&2; exit 1; }

pages=("/fi/" "/fi/groups/$hervanta")
names=("front page" "group page")
patterns=("/{lang}/" "/{lang}/groups/{id}")

# Render times: requests one after another (a quiet server), from piirid's log.
declare -A render=()
for i in "${!pages[@]}"; do
    /usr/bin/python3 bench/pages.py sample "$base${pages[$i]}" "$samples"
    sleep 0.5 # the workers' last lines reach the log
    render[$i]=$(/usr/bin/python3 bench/pages.py times "$tmp/piirid.log" "${patterns[$i]}" "$samples")
done

# The weight of a first visit, as piirid sends it.
declare -A weight=()
for i in "${!pages[@]}"; do
    weight[$i]=$(/usr/bin/python3 bench/pages.py weight "$base${pages[$i]}")
done

# The same bytes for nginx: piirid's page and its gzip answer, each the same twice.
mkdir -p "$tmp/nginx/www/fi/groups"
for i in "${!pages[@]}"; do
    file=${pages[$i]}
    [ "${file%/}" = "$file" ] || file=${file}index.html
    curl -fsS -o "$tmp/nginx/www$file" "$base${pages[$i]}"
    curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/nginx/www$file.gz" "$base${pages[$i]}"
    curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/again.gz" "$base${pages[$i]}"
    cmp -s "$tmp/nginx/www$file.gz" "$tmp/again.gz" || { echo "bench: ${pages[$i]} changed between fetches" >&2; exit 1; }
    gzip -dc "$tmp/nginx/www$file.gz" | cmp -s - "$tmp/nginx/www$file" || { echo "bench: no gzip answer for ${pages[$i]}" >&2; exit 1; }
done

# Then without per-request log lines, as nginx runs with access_log off, and
# with the signed-out page cache as it is by default (PIIRI_PAGE_CACHE_MS).
bench_stop "$piirid_pgid"
bench_start_piirid "$piiri_port"
bench_start_nginx "$nginx_port" 'default_type "text/html; charset=utf-8";
        index index.html;
        gzip_static on;
        gzip_vary on;'
for i in "${!pages[@]}"; do
    file=${pages[$i]}
    [ "${file%/}" = "$file" ] || file=${file}index.html
    if ! curl -fsS -H 'Accept-Encoding: gzip' -o "$tmp/nginx.gz" "http://127.0.0.1:$nginx_port${pages[$i]}" ||
        ! cmp -s "$tmp/nginx/www$file.gz" "$tmp/nginx.gz"; then
        echo "bench: nginx did not serve the bytes of ${pages[$i]}; its log:" >&2
        cat "$tmp/nginx/error.log" >&2
        exit 1
    fi
done

echo "bench: wrk -t$threads -c$conns -d$duration x ${BENCH_ROUNDS:-2} rounds each, pages gzip; $(bench_load)" >&2
declare -A line=() loaded=() cached=()
for i in "${!pages[@]}"; do
    file=${pages[$i]}
    [ "${file%/}" = "$file" ] || file=${file}index.html
    curl -fsS -o "$tmp/metrics-before" "$base/metrics"
    line[$i]=$(bench_compare "${names[$i]}" "$base${pages[$i]}" "http://127.0.0.1:$nginx_port${pages[$i]}" \
        -H 'Accept-Encoding: gzip')
    curl -fsS -o "$tmp/metrics-after" "$base/metrics"
    loaded[$i]=$(/usr/bin/python3 bench/pages.py hist "$tmp/metrics-before" "$tmp/metrics-after" "${patterns[$i]}")
    cached[$i]=$(/usr/bin/python3 bench/pages.py cached "$tmp/metrics-before" "$tmp/metrics-after")
    bench_report "${names[$i]} ${pages[$i]} (gzip, $(stat -c %s "$tmp/nginx/www$file.gz") bytes)" "${line[$i]}"
done
for i in "${!pages[@]}"; do
    read -r p50 p99 max <<<"${render[$i]}"
    read -r le n <<<"${loaded[$i]}"
    echo "render time ${pages[$i]}: p50 $p50 ms, p99 $p99 ms (max $max; $samples requests one after another);" \
        "p99 <= $le ms during wrk ($n requests, /metrics; ${cached[$i]} from the page cache)"
done
for i in "${!pages[@]}"; do
    read -r bytes count kinds <<<"${weight[$i]}"
    echo "page weight, first visit ${pages[$i]}: $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1000 }') KB" \
        "compressed, $count requests ($(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=");
            printf "%s%s %.1f", (i > 1 ? ", " : ""), kv[1], kv[2] / 1000 } }' <<<"$kinds"))"
done

[ "${BENCH_LIGHTHOUSE:-1}" = 0 ] && exit 0
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x /usr/bin/chromium ]; then
    echo "lighthouse: skipped (needs node, npm and /usr/bin/chromium: apt-get install nodejs npm chromium)"
    exit 0
fi
lh=build/bench-lighthouse
if ! cmp -s bench/lighthouse/package-lock.json "$lh/package-lock.json" || [ ! -d "$lh/node_modules/lighthouse" ]; then
    rm -rf "$lh" && mkdir -p "$lh"
    cp bench/lighthouse/package.json bench/lighthouse/package-lock.json "$lh/"
    (cd "$lh" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi

# The attendance page is a leader's: signed in as the demo leader Lauri, for
# a meeting under way (the page a leader has open at the meeting): one of the
# family café Kaleva, made two days ahead by the coordinator Kaisa, with Minna
# and a guest signed up, then moved to have begun half an hour ago.
curl -fsS -o /dev/null -c "$tmp/cookies" --data-urlencode email=lauri@piiri.example \
    --data-urlencode password=vertaistuki-demo "$base/fi/signin"
cookie=$(awk '$6 ~ /piiri_session$/ { print $6 "=" $7 }' "$tmp/cookies")
[ -n "$cookie" ] || { echo "bench: signing in as the demo leader gave no session cookie" >&2; exit 1; }
session=$(/usr/bin/python3 bench/pages.py session-under-way "$base")
attendance=/fi/sessions/$session/attendance

lighthouse() { # NAME PATH [COOKIE]
    local opts=() out=$tmp/lh-${2//\//_}.json log=$tmp/lh-${2//\//_}.log
    [ -z "${3:-}" ] || opts=(--extra-headers "{\"Cookie\": \"$3\"}")
    [ -z "${BENCH_LIGHTHOUSE_CPU_SLOWDOWN:-}" ] ||
        opts+=(--throttling.cpuSlowdownMultiplier="$BENCH_LIGHTHOUSE_CPU_SLOWDOWN")
    if ! CHROME_PATH=/usr/bin/chromium node "$lh/node_modules/lighthouse/cli/index.js" "$base$2" \
        --quiet --form-factor=mobile --only-categories=performance,accessibility \
        --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage" \
        --output=json --output-path="$out" "${opts[@]}" >"$log" 2>&1; then
        echo "bench: lighthouse failed on $2:" >&2
        tail -n 20 "$log" >&2
        echo "lighthouse $1 (mobile): failed"
        return 0
    fi
    echo "lighthouse $1 (mobile): $(/usr/bin/python3 bench/pages.py lighthouse "$out")"
}
lighthouse /fi/ /fi/
lighthouse "/fi/groups/{id}" "/fi/groups/$hervanta"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$attendance")
if [ "$status" = 200 ]; then
    lighthouse "/fi/sessions/{id}/attendance" "$attendance" "$cookie"
else
    echo "lighthouse /fi/sessions/{id}/attendance (mobile): skipped (the page answers $status)"
fi
