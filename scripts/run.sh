#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make run`: a private PostgreSQL under var/pg (unless PIIRI_DATABASE_URL is
# set), migrations, demo data (private cluster only), then piirid in the
# foreground on http://127.0.0.1:8080 (PIIRI_LISTEN to change). Ctrl-C stops
# the server; `make stop` stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=0
if [ -z "${PIIRI_DATABASE_URL:-}" ]; then
    PIIRI_DATABASE_URL=$(scripts/pgcluster.sh start var/pg)
    export PIIRI_DATABASE_URL
    demo=1
fi

# Without a mail server, the messages are files in var/mail/ (README.md).
if [ -z "${PIIRI_SMTP_URL:-}" ] && [ -z "${PIIRI_MAILDIR:-}" ]; then
    export PIIRI_MAILDIR=var/mail
fi

build/piirid migrate
if [ "$demo" = 1 ]; then
    psql "$PIIRI_DATABASE_URL" -q -v ON_ERROR_STOP=1 -f schema/demo/demo.sql
    cat <<'TXT'

Demo accounts (password for all: vertaistuki-demo)
  admin@piiri.example    site admin
  kaisa@piiri.example    coordinator: vertaistukiliitto, perhekahvilat-tampere, avustajatyonantajat
  lauri@piiri.example    group leader: perhekahvilat-tampere
  minna@piiri.example    member: perhekahvilat-tampere; asked avustajatyonantajat for support
  oona@piiri.example     member: perheyhdistys-oulu
  tuomas@piiri.example   peer supporter (leader, supporter profile): avustajatyonantajat

TXT
fi
echo "Piiri on http://${PIIRI_LISTEN:-127.0.0.1:8080} (Ctrl-C stops it; 'make stop' stops PostgreSQL)"
exec build/piirid serve
