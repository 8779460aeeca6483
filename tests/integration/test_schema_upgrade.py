# SPDX-License-Identifier: Apache-2.0
"""The schema's layout (schema/README.md): migrations hold tables and data
changes, schema/functions/ every function and trigger. A database made by a
piirid of 0c42dc8 (each migration holding its own functions) or of any
migration before it upgrades in place to exactly the schema of an empty
database migrated now, and that schema is the one of 0c42dc8: the function
definitions too, so moving them changed nothing. Migrating again changes
nothing. (The integration suite against such an upgraded database: make
integration-upgrade.)"""

import re

import pytest

from catalog import catalog, differences
from helpers import ROOT, Server, build_old_schema, old_schema_files, psql, schema_files

FUNCTIONS = ROOT / "schema" / "functions"
# The deliberate changes since 0c42dc8, each named.
CHANGES = ROOT / "tests" / "integration" / "fixtures" / "schema-changes-since-0c42dc8.txt"


def declared_changes():
    return {line.strip() for line in CHANGES.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def changed_names(diff):
    """The catalog names in the lines of differences()."""
    return {re.split(r": (?:only in the|differs)", line, maxsplit=1)[0] for line in diff}


def migrations_since_0c42dc8():
    old = {f.name for f in old_schema_files()}
    return [f.name for f in schema_files() if f.name not in old]


@pytest.fixture(scope="module")
def cluster():
    from helpers import Cluster
    c = Cluster("schema")
    c.start()
    yield c
    c.destroy()


def database(cluster, name):
    """A new empty database in CLUSTER; its URL."""
    psql(cluster.url, f"CREATE DATABASE {name}")
    return cluster.url.replace("///piiri?", f"///{name}?")


def migrate(url):
    """`piirid migrate` on URL; its log."""
    p = Server(url, "migrate").cli("migrate")
    assert p.returncode == 0, f"piirid migrate failed ({p.returncode}): {p.stdout}{p.stderr}"
    return p.stdout + p.stderr


def same(a, b, what):
    diff = differences(a, b)
    assert not diff, f"{what}:\n" + "\n".join(diff[:20])


@pytest.fixture(scope="module")
def schemas(cluster):
    """(catalog of a database built by 0c42dc8's migrations, catalog of an empty
    database migrated now, URL of the latter)."""
    old = database(cluster, "old")
    build_old_schema(old)
    fresh = database(cluster, "fresh")
    migrate(fresh)
    return catalog(old), catalog(fresh), fresh


def test_an_empty_database_gets_the_schema_of_0c42dc8(schemas):
    """The same schema, but for the changes made on purpose since, each listed
    in fixtures/schema-changes-since-0c42dc8.txt."""
    old, fresh, _ = schemas
    assert len(fresh["functions"]) > 100 and fresh["triggers"], "the catalog query found nothing"
    diff = differences(old, fresh)
    names = changed_names(diff)
    undeclared = [line for line in diff if changed_names([line]) - declared_changes()]
    assert not undeclared, "an empty database migrated now differs from one of 0c42dc8:\n" + \
        "\n".join(undeclared[:20])
    stale = declared_changes() - names
    assert not stale, f"{CHANGES.name} lists what no longer differs: {sorted(stale)}"


def test_a_database_of_0c42dc8_upgrades_in_place(cluster, schemas):
    _, fresh, _ = schemas
    url = database(cluster, "upgraded")
    build_old_schema(url)
    log = migrate(url)
    assert f"({len(migrations_since_0c42dc8())} migrations applied now)" in log, log
    same(fresh, catalog(url), "a database of 0c42dc8, migrated now, differs from an empty one migrated now")


@pytest.mark.parametrize("upto", [f.name for f in old_schema_files()[:-1]])
def test_a_database_of_any_earlier_migration_upgrades_in_place(cluster, schemas, upto):
    """Each older migration left functions that later ones replaced or dropped:
    the migrations still drop the retired ones, and the files replace the rest."""
    _, fresh, _ = schemas
    url = database(cluster, "at_" + upto[:3])
    build_old_schema(url, upto)
    migrate(url)
    same(fresh, catalog(url), f"a database at {upto}, migrated now, differs from an empty one")


def test_migrating_again_only_replaces_the_functions(schemas):
    _, fresh, url = schemas
    before = psql(url, "SELECT string_agg(version || ' ' || applied_at, ',' ORDER BY version) FROM schema_migrations")
    log = migrate(url)
    assert "(0 migrations applied now)" in log, log
    assert psql(url, "SELECT string_agg(version || ' ' || applied_at, ',' ORDER BY version)"
                     " FROM schema_migrations") == before
    same(fresh, catalog(url), "migrating twice changed the schema")


def test_data_of_an_old_database_comes_through(cluster, schemas):
    """Rows stored before the migrations that compute with a base function
    (schema/functions/base.sql): feed tokens (005), leaders who were members
    (006), email keys (008)."""
    url = database(cluster, "with_rows")
    build_old_schema(url, "004_matching.sql")
    psql(url, """
        INSERT INTO persons (id, email, display_name) VALUES
            ('00000000-0000-4000-8000-000000000001', 'Aino.Leader@Example.org', 'Aino'),
            ('00000000-0000-4000-8000-000000000002', 'Stra\u00dfe@x.de', 'Bea');
        INSERT INTO organizations (id, slug, name) VALUES ('00000000-0000-4000-8000-00000000000a', 'vanha', 'Vanha');
        INSERT INTO memberships (org_id, person_id, role)
            VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', 'member');
        INSERT INTO groups (org_id, id, title, kind, access, modality)
            VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000a1',
                    'Perhekahvila', 'family_cafe', 'open', 'in_person');
        INSERT INTO group_leaders (org_id, group_id, person_id)
            VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000a1',
                    '00000000-0000-4000-8000-000000000001')""")
    migrate(url)
    rows = psql(url, "SELECT email_key, length(calendar_token) FROM persons ORDER BY id").splitlines()
    assert rows == ["aino.leader@example.org|22", "strasse@x.de|22"], rows
    assert psql(url, "SELECT role FROM memberships") == "leader"


def test_every_function_has_one_definition_in_the_function_files():
    """No migration defines a function or a trigger; no two files define the
    same one. A function found by its name: api_signup in signups.sql."""
    create = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|TRIGGER)\s+(\w+)([^;]*?\sON\s+(\w+))?",
                        re.I | re.M)
    for f in schema_files():
        found = create.findall(f.read_text())
        assert not found, f"{f.name} defines {found}: functions and triggers go in schema/functions/"
    seen = {}
    for f in sorted(FUNCTIONS.glob("*.sql")):
        text = f.read_text()
        assert not re.search(r"^\s*CREATE\s+(FUNCTION|TRIGGER)", text, re.I | re.M), \
            f"{f.name}: a definition without OR REPLACE fails on the second migrate"
        for kind, name, _, table in create.findall(text):
            key = (kind.upper(), name, table if kind.upper() == "TRIGGER" else "")
            assert key not in seen, f"{kind} {name} is in {seen.get(key)} and {f.name}"
            seen[key] = f.name
    assert seen[("FUNCTION", "api_signup", "")] == "signups.sql"
    assert len([k for k in seen if k[0] == "TRIGGER"]) == 16  # persons_take_invitations the 16th
