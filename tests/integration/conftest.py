# SPDX-License-Identifier: Apache-2.0
"""Fixtures: a throwaway PostgreSQL cluster and piirid servers; logs shown on failure."""

import os

import pytest

from helpers import (LOGS, MEASURED, Cluster, PgBouncer, Server, assert_json, behind_pgbouncer, build_old_schema,
                     new_email, new_name, new_password, psql, register, remember, tail)

# PIIRI_TEST_PGBOUNCER=1: the suite's server is two piirid processes whose pools
# go through PgBouncer in transaction mode (LISTEN goes to PostgreSQL itself),
# and each request goes to the next of them (make integration-pgbouncer).
PGBOUNCER = os.environ.get("PIIRI_TEST_PGBOUNCER") == "1"
# PIIRI_TEST_UPGRADED=1: the suite's database is first built as a piirid of
# 0c42dc8 built it (tests/integration/fixtures/schema-0c42dc8), and the
# suite's piirid upgrades it when it starts (make integration-upgrade).
UPGRADED = os.environ.get("PIIRI_TEST_UPGRADED") == "1"


def pytest_make_parametrize_id(config, val, argname):
    """Short test ids for long parameters (a 100 kB body makes an unreadable name)."""
    text = val.decode("latin-1") if isinstance(val, bytes) else repr(val) if not isinstance(val, str) else val
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 40 else f"{text[:30]}...({len(text)})"


def pytest_runtest_setup(item):
    """Remembers how long each log is, so a failure shows only what this test caused."""
    item._log_offsets = {label: (os.path.getsize(p) if os.path.exists(p) else 0)
                         for label, p in LOGS.items()}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and rep.when in ("setup", "call"):
        offsets = getattr(item, "_log_offsets", {})
        for label, path in list(LOGS.items()):
            text = tail(path, offsets.get(label, 0))
            if text.strip():
                rep.sections.append((f"{label} log ({path})", text))


def pytest_terminal_summary(terminalreporter):
    """What the fault and scale-out tests measured, also when they pass."""
    if MEASURED:
        terminalreporter.section("measured")
        for line in MEASURED:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def pg():
    """The suite's PostgreSQL cluster."""
    cluster = Cluster("session")
    cluster.start()
    if UPGRADED:
        build_old_schema(cluster.url)
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def server(pg):
    """The suite's shared piirid (2 workers); with PIIRI_TEST_PGBOUNCER=1 two of
    them behind PgBouncer, used in turn."""
    if PGBOUNCER:
        yield from servers_behind_pgbouncer(pg)
        return
    srv = Server(pg.url, "session").start()
    yield srv
    rc = srv.stop()
    assert rc == 0, f"piirid exited with {rc} on SIGTERM:\n{tail(srv.log_path)}"


def servers_behind_pgbouncer(pg):
    # As README asks of a PostgreSQL behind PgBouncer: the statement timeout is
    # the role's (PgBouncer drops piirid's startup options). The database's own
    # zone is not UTC, as on many a server, so that a session that missed
    # piirid's TimeZone would show (test_scale_out.py).
    psql(pg.url, "ALTER ROLE piiri SET statement_timeout = '10s'")
    psql(pg.url, "ALTER DATABASE piiri SET timezone = 'Europe/Helsinki'")
    bouncer = PgBouncer(pg, "session").start()
    group = behind_pgbouncer(pg, bouncer, "session")
    group.bouncer = bouncer
    try:
        group.start()
        yield group
    finally:
        rc = group.stop()
        bouncer.destroy()
    assert rc == 0, f"a piirid exited with {rc} on SIGTERM"


@pytest.fixture
def api(server):
    """api(method, path, json=None, token=None, headers=None, body=None) -> (status, headers, body)."""
    return server.api


@pytest.fixture
def person(server):
    """A freshly registered person."""
    return register(server)


@pytest.fixture
def make_person(server):
    return lambda **kw: register(server, **kw)


@pytest.fixture(scope="session")
def admin(server):
    """A site admin made with `piirid create-admin`, logged in over HTTP; (email, token)."""
    email, password = new_email(), new_password()
    remember("emails", email)
    remember("passwords", password)
    p = server.cli("create-admin", email, stdin=password + "\n")
    assert p.returncode == 0, f"create-admin failed ({p.returncode}): {p.stdout}{p.stderr}"
    r = server.api("POST", "/api/v1/auth/login", json={"email": email, "password": password})
    body = assert_json(r, 200)
    assert body["person"]["is_admin"] is True
    return body["person"], body["token"]


@pytest.fixture
def admin_token(admin):
    return admin[1]


@pytest.fixture
def own_server():
    """Starts servers of the test's own (for SIGTERM or PostgreSQL restarts); stops them after."""
    servers = []

    def start(db_url, label="own"):
        srv = Server(db_url, label)
        servers.append(srv)
        return srv.start()
    yield start
    for srv in servers:
        srv.stop()


@pytest.fixture
def own_cluster():
    clusters = []

    def start(label="own"):
        c = Cluster(label)
        clusters.append(c)
        c.start()
        return c
    yield start
    for c in clusters:
        c.destroy()


@pytest.fixture
def org_factory(server, admin_token):
    """Creates an org as the admin and returns its JSON."""
    from helpers import unique

    def make(**fields):
        body = {"slug": unique("org"), "name": f"Yhdistys {unique('y')}"}
        body.update(fields)
        r = server.api("POST", "/api/v1/orgs", json=body, token=admin_token)
        return assert_json(r, 201)["org"]
    return make


@pytest.fixture(scope="module")
def circle(server, admin):
    """An org with people in every role (and one more leader who leads no group), a
    second org with its own coordinator, and a person in no org. Module-scoped: tests
    that need an org of their own for listing make one with org_factory."""
    from types import SimpleNamespace

    from helpers import unique
    token = admin[1]

    def org():
        body = {"slug": unique("piiri"), "name": f"Vertaistuki {unique('ry')}"}
        return assert_json(server.api("POST", "/api/v1/orgs", json=body, token=token), 201)["org"]
    c = SimpleNamespace(admin_token=token, admin_id=admin[0]["id"])
    c.org, c.org_b = org(), org()
    c.slug, c.slug_b = c.org["slug"], c.org_b["slug"]
    for name, o, role in [("coord", c.org, "coordinator"), ("leader", c.org, "leader"),
                          ("leader2", c.org, "leader"), ("member", c.org, "member"),
                          ("coord_b", c.org_b, "coordinator"), ("member_b", c.org_b, "member")]:
        p = register(server)
        r = server.api("PUT", f"/api/v1/orgs/{o['slug']}/members/{p.id}", json={"role": role},
                       token=token)
        assert_json(r, 200)
        setattr(c, name, p)
    c.outsider = register(server)
    return c
