#!/usr/bin/env bash
# Cold rendering of a personal-style feed (10,000 standalone Helsinki events):
# calendars/ics_render against ical-generator from npm rendering the same
# events, same machine, same run; prints the medians and their ratio:
#
#   ics render 10000 events: piiri 18.4 ms, ical-generator 7503 ms, ratio 408.6x
#
# Both are timed from rows in memory to the whole feed's text (ics_render;
# createEvent and toString). Most of ical-generator's time goes to folding
# lines with a new TextEncoder per character (and the garbage it leaves).
# Settings: BENCH_ICS_EVENTS (10000), BENCH_ICS_REPS (20), BENCH_ICS_NODE_REPS (3).
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."

events=${BENCH_ICS_EVENTS:-10000} reps=${BENCH_ICS_REPS:-20} node_reps=${BENCH_ICS_NODE_REPS:-3}

# ics_render optimized as build/piirid is (the Makefile's RELEASE_CFLAGS).
mkdir -p build/bench build/bench-npm
# shellcheck disable=SC2046 # pkg-config's words
"${CC:-cc}" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
    -Wno-unused-parameter -O2 -Icalendars $(pkg-config --cflags libical) \
    -o build/bench/ics_render bench/ics_render.c calendars/*.c $(pkg-config --libs libical)

tmp=$(mktemp -d /tmp/piiri-ics.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
piiri=$(build/bench/ics_render --events "$events" --reps "$reps" --json "$tmp/events.json" --out "$tmp/piiri.ics")
echo "bench: ics_render: $piiri" >&2
median() { sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$1"; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "ics render $events events: piiri $(median "$piiri") ms (ical-generator skipped: no node or npm;" \
        "apt-get install nodejs npm)"
    exit 0
fi

# The npm side, pinned in bench/package.json, installed under build/ (never committed).
if ! cmp -s bench/package.json build/bench-npm/package.json ||
    [ ! -d build/bench-npm/node_modules/ical-generator ]; then
    cp bench/package.json build/bench-npm/package.json
    (cd build/bench-npm && npm install --no-audit --no-fund --loglevel=error >&2)
fi

generator=$(TZ=Europe/Helsinki node bench/ics-generator.mjs build/bench-npm "$tmp/events.json" "$node_reps" "$tmp/generator.ics")
echo "bench: ical-generator: $generator" >&2

# Both rendered every event.
for f in piiri generator; do
    n=$(grep -c '^BEGIN:VEVENT' "$tmp/$f.ics")
    [ "$n" -eq "$events" ] || { echo "bench: ics: $f rendered $n events, not $events" >&2; exit 1; }
done
awk -v n="$events" -v a="$(median "$piiri")" -v b="$(median "$generator")" \
    'BEGIN { printf "ics render %d events: piiri %.1f ms, ical-generator %.0f ms, ratio %.1fx\n", n, a, b, (a > 0 ? b / a : 0) }'
