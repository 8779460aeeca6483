#!/usr/bin/env bash
# Install the Debian packages Piiri needs for a mode (run, test or bench), only those missing.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail

mode=${1:-run}
# scdoc: the man page of piiri, the command-line client (make install).
pkgs=(gcc make pkg-config libevent-dev libpq-dev libical-dev libjansson-dev libsodium-dev
      libcmocka-dev zlib1g-dev libunistring-dev libcurl4-openssl-dev postgresql postgresql-contrib tzdata python3 xxd
      scdoc)
case $mode in
run) ;;
test) pkgs+=(python3-pytest python3-pexpect python3-aiosmtpd python3-icalendar python3-recurring-ical-events python3-vobject clang
            libclang-rt-14-dev pgbouncer clang-tools-14 cppcheck nodejs libfaketime
            chromium default-jre-headless)
      # pexpect: the piiri attendance screen in a pseudo-terminal (tests/integration/test_cli.py).
      # chromium: the browser the web checks drive (tests/web); Java: the Nu Html Checker's.
      # The feed tests' JavaScript parsers (npm ci, Makefile). Debian's nodejs comes
      # without npm; other builds of nodejs carry their own.
      command -v npm >/dev/null || pkgs+=(npm) ;;
bench) pkgs+=(wrk nginx-light nodejs chromium)
       # nginx: the reference server; node and chromium: ical-generator and Lighthouse (bench/).
       command -v npm >/dev/null || pkgs+=(npm) ;;
*) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "deps.sh: missing ${missing[*]}; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q)
if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
    "${apt[@]}" update >&2
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2
fi
