#!/usr/bin/env bash
# Run a private PostgreSQL 15 cluster in DIR, reachable only through a unix socket in DIR/run.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail

usage() { echo "usage: $0 start|stop|status|url DIR [PORT]" >&2; exit 2; }
die() { echo "pgcluster.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || usage
cmd=$1 dir=$(realpath -m -- "$2") port_arg=${3:-}
bin=/usr/lib/postgresql/15/bin data=$dir/data run=$dir/run

# PostgreSQL refuses root: as root, run it as the owner of DATA, else postgres, else piiri.
if [ "$(id -u)" -ne 0 ]; then
    pguser=$(id -un)
elif [ -d "$data" ]; then
    pguser=$(stat -c %U "$data")
elif id postgres >/dev/null 2>&1; then
    pguser=postgres
else
    pguser=piiri
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi; }

running() { [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

# The running server's port, else PORT, else the configured one, else 5432.
port() {
    if running && [ -f "$data/postmaster.pid" ]; then
        sed -n 4p "$data/postmaster.pid"
    elif [ -n "$port_arg" ]; then
        echo "$port_arg"
    elif [ -f "$data/piiri.conf" ]; then
        sed -n 's/^port = //p' "$data/piiri.conf"
    else
        echo 5432
    fi
}

url() { echo "postgresql:///piiri?host=$run&port=$(port)&user=piiri"; }

# Create DIR and check that PostgreSQL's user can reach it and that the socket path fits.
prepare() {
    # sockaddr_un holds 107 bytes: "$run/.s.PGSQL.$port" must fit.
    [ ${#run} -le 90 ] || die "DIR path too long for a unix socket: $dir"
    if [ "$(id -u)" -eq 0 ] && ! id "$pguser" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
    fi
    mkdir -p "$dir"
    local d=$dir
    while d=$(dirname "$d"); [ "$d" != / ]; do
        as_pg test -x "$d" || die "user $pguser cannot traverse $d (chmod o+x it, or use another DIR)"
    done
}

init() {
    [ "$(id -u)" -ne 0 ] || chown "$pguser:" "$dir"
    echo "pgcluster.sh: initdb in $data as $pguser" >&2
    local locale=C
    locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale=C.UTF-8
    # initdb runs on the real clock: a clock preloaded for the server (the docs
    # tests use libfaketime) has no business in creating the cluster.
    as_pg env -u LD_PRELOAD -u FAKETIME "$bin/initdb" -D "$data" -U piiri --auth-local=trust --auth-host=reject \
        --no-sync -E UTF8 --locale="$locale" >"$dir/initdb.log" 2>&1 ||
        die "initdb failed, see $dir/initdb.log"
    echo "include 'piiri.conf'" >>"$data/postgresql.conf"
}

# Rewritten at every start, so PORT and PGCLUSTER_FAST apply to an existing cluster.
write_conf() {
    local port
    port=$(port)
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$run'"
        echo "port = $port"
        echo "max_connections = 200"
        if [ "${PGCLUSTER_FAST:-0}" = 1 ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | as_pg tee "$data/piiri.conf" >/dev/null
}

start() {
    [ -f "$data/PG_VERSION" ] || init
    if running; then
        [ -z "$port_arg" ] || [ "$port_arg" = "$(port)" ] ||
            echo "pgcluster.sh: already running on port $(port), not $port_arg" >&2
    else
        as_pg mkdir -p "$run"
        as_pg chmod 700 "$run"
        write_conf
        echo "pgcluster.sh: starting PostgreSQL in $dir" >&2
        as_pg "$bin/pg_ctl" start -w -s -D "$data" -l "$dir/postgres.log" >&2 9>&- ||
            die "PostgreSQL did not start, see $dir/postgres.log"
    fi
    local conn
    conn="host=$run port=$(port) user=piiri dbname=postgres"
    if [ -z "$(/usr/bin/psql "$conn" -XAtqc "SELECT 1 FROM pg_database WHERE datname = 'piiri'")" ]; then
        /usr/bin/psql "$conn" -Xqc "CREATE DATABASE piiri" >&2
    fi
    url
}

stop() {
    running || return 0
    echo "pgcluster.sh: stopping PostgreSQL in $dir" >&2
    as_pg "$bin/pg_ctl" stop -w -s -m fast -D "$data" >&2
}

case $cmd in
start) prepare; exec 9>>"$dir/.lock"; flock 9; start ;;
stop) stop ;;
status) running ;;
url) url ;;
*) usage ;;
esac
