# SPDX-License-Identifier: Apache-2.0
"""The email identity migration on accounts stored before it: addresses brought to NFC,
keys to the folded form, two spellings of one address left to the oldest account, and
rows that SQL writes later keyed too."""

import subprocess
import unicodedata

from helpers import LOGIN, assert_error, assert_json, fresh_source, old_schema_files, register


def psql(url, sql=None, file=None):
    args = ["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1"]
    args += ["--single-transaction", "-f", str(file)] if file else ["-c", sql]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return p.stdout.strip()


def migrations_before_this_one():
    """As a piirid of the time applied them (the functions still in them)."""
    files = old_schema_files()
    mine = next(f for f in files if f.name.endswith("_auth_identity.sql"))
    return [f for f in files if f.name < mine.name]


def nfd(s):
    return unicodedata.normalize("NFD", s)


def test_existing_accounts_keep_signing_in(pg, server, own_cluster, own_server):
    # A real argon2id hash of a known password, made by piirid.
    owner = register(server)
    hash_ = psql(pg.url, f"SELECT password_hash FROM persons WHERE id = '{owner.id}'")
    cluster = own_cluster("emailkey")
    psql(cluster.url, "CREATE TABLE schema_migrations (version text PRIMARY KEY,"
                      " applied_at timestamptz NOT NULL DEFAULT now())")
    for f in migrations_before_this_one():
        psql(cluster.url, file=f)
        psql(cluster.url, f"INSERT INTO schema_migrations (version) VALUES ('{f.name}')")
    stored = [  # (email as stored before, created at)
        (nfd("Mäki.A@Example.org"), "2024-01-01"),
        ("mäki.a@example.org", "2025-01-01"),      # the same address in NFC, later: no key
        ("ÄITI.B@x.fi", "2024-02-01"),
        ("Straße.C@x.de", "2024-03-01"),
        ("plain.d@example.org", "2024-04-01"),
    ]
    for email, created in stored:
        psql(cluster.url, "INSERT INTO persons (email, display_name, password_hash, created_at)"
                          f" VALUES ('{email}', 'Vanha', '{hash_}', '{created}')")
    ids = {e: psql(cluster.url, f"SELECT id FROM persons WHERE email = '{e}'") for e, _ in stored}
    srv = own_server(cluster.url, "emailkey")  # migrates

    def signs_in_as(email):
        r = srv.api("POST", LOGIN, json={"email": email, "password": owner.password},
                    source=fresh_source())
        return assert_json(r, 200)["person"]["id"]
    first = ids[nfd("Mäki.A@Example.org")]
    for spelling in ("mäki.a@example.org", nfd("MÄKI.A@EXAMPLE.ORG"), "Mäki.A@Example.org"):
        assert signs_in_as(spelling) == first
    assert signs_in_as("äiti.b@X.FI") == ids["ÄITI.B@x.fi"]
    assert signs_in_as("STRASSE.C@x.de") == ids["Straße.C@x.de"]
    assert signs_in_as("PLAIN.D@example.org") == ids["plain.d@example.org"]
    # Addresses are stored in NFC now; the newer spelling of Mäki kept its data, not the address.
    assert psql(cluster.url, f"SELECT email FROM persons WHERE id = '{first}'") == "Mäki.A@Example.org"
    newer = ids["mäki.a@example.org"]
    assert psql(cluster.url, f"SELECT email_key IS NULL FROM persons WHERE id = '{newer}'") == "t"
    # A row SQL writes without a key (like the demo data) gets one.
    psql(cluster.url, "INSERT INTO persons (email, display_name, password_hash)"
                      f" VALUES ('Demo.E@Example.org', 'Demo', '{hash_}')")
    assert signs_in_as("demo.e@example.org")
    # An erased account loses its key with its address.
    psql(cluster.url, f"SELECT api_erase_person('{ids['ÄITI.B@x.fi']}')")
    assert psql(cluster.url, f"SELECT email_key IS NULL FROM persons WHERE id = '{ids['ÄITI.B@x.fi']}'") == "t"
    r = srv.api("POST", LOGIN, json={"email": "äiti.b@x.fi", "password": owner.password},
                source=fresh_source())
    assert_error(r, 401, "invalid_credentials")
