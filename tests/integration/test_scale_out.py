# SPDX-License-Identifier: Apache-2.0
"""Scale-out on an existing engine. The suite's server is one piirid, or in
`make integration-pgbouncer` (PIIRI_TEST_PGBOUNCER=1) two piirid processes
whose pools go through PgBouncer in transaction mode, used in turn: there a
signup storm goes through both processes and PgBouncer, and capacity stays
exact, checked in SQL. Also: piirid starting together through PgBouncer on an
empty database migrate once, and sessions run in UTC behind PgBouncer."""

import re

from helpers import (PgBouncer, ServerGroup, add_session, assert_json, behind_pgbouncer,
                     concurrently, fresh_source, in_days, make_group, measured, org_with_people,
                     people_in_sql, psql, schema_files, sign_up, signup_listing)


def test_signup_storm_through_every_process_keeps_capacity_exact(server, pg, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    cafe = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=15)
    s = add_session(server, cafe["id"], o.coord.token, in_days(25))
    closed = make_group(server, o.slug, o.coord.token, access="closed", kind="peer_group", capacity=12)
    people = people_in_sql(pg.url, 160)
    sizes = [1 + i % 3 for i in range(80)]
    calls = [lambda p=p: sign_up(server, "session", s["id"], p.token, source=fresh_source())
             for p in people[:80]]
    calls += [lambda p=p, n=n: sign_up(server, "group", closed["id"], p.token, source=fresh_source(),
                                       adults=1, children=n - 1)
              for p, n in zip(people[80:], sizes)]
    bouncer = getattr(server, "bouncer", None)
    xacts = total_xacts(bouncer) if bouncer else 0
    results = concurrently(calls)
    bodies = [assert_json(r, 201)["signup"] for r in results]

    ids = ",".join(f"'{p.id}'" for p in people)
    rows = psql(pg.url, f"SELECT person_id, id FROM signups WHERE person_id IN ({ids})").splitlines()
    assert sorted(rows) == sorted(f"{p.id}|{b['id']}" for p, b in zip(people, bodies)), \
        "the stored signups are not exactly those answered 201"
    session_seats = psql(pg.url, f"SELECT coalesce(sum(seats), 0) FROM signups WHERE session_id = "
                                 f"'{s['id']}' AND status = 'confirmed'")
    assert session_seats == "15", f"{session_seats} seats confirmed of 15 with 80 asking"
    line = psql(pg.url, f"SELECT status, seats FROM signups WHERE group_id = '{closed['id']}' "
                        f"AND session_id IS NULL ORDER BY queue_seq").splitlines()
    taken = sum(int(x.split("|")[1]) for x in line if x.startswith("confirmed|"))
    head = next(int(x.split("|")[1]) for x in line if x.startswith("waitlisted|"))
    assert taken <= 12 and head > 12 - taken, (taken, head)
    for kind, tid in (("session", s["id"]), ("group", closed["id"])):
        waiting = [x for x in signup_listing(server, kind, tid, o.coord.token) if x["status"] == "waitlisted"]
        assert [x["waitlist_position"] for x in waiting] == list(range(1, len(waiting) + 1))
    if isinstance(server, ServerGroup):
        through = total_xacts(bouncer) - xacts
        assert through >= len(calls), f"only {through} transactions went through PgBouncer"
        measured(f"signup storm behind PgBouncer (transaction mode) over {len(server.servers)} piirid "
                 f"processes: {len(calls)} concurrent signups all 201, {through} transactions through "
                 f"PgBouncer; 15 of 15 seats and {taken} of 12 confirmed in SQL, the waitlists 1..n")


def total_xacts(bouncer):
    return sum(int(r["total_xact_count"]) for r in bouncer.show("STATS") if r["database"] == "piiri")


def test_sessions_run_in_utc(server, admin_token):
    """Times come out in UTC whatever the database's own zone (behind PgBouncer
    the suite sets it to Europe/Helsinki): PgBouncer drops startup options, so
    piirid's TimeZone must travel as the timezone parameter PgBouncer keeps."""
    o = org_with_people(server, admin_token, coord="coordinator")
    for _ in range(4):  # each of the processes, each worker
        org = assert_json(server.api("GET", f"/api/v1/orgs/{o.slug}"), 200)["org"]
        assert re.search(r"(\+00:00|Z)$", org["created_at"]), \
            f"created_at {org['created_at']} is not in UTC"


def test_piirid_starting_together_through_pgbouncer_migrate_once(own_cluster):
    """Three piirid starting at once on an empty database through PgBouncer in
    transaction mode: each comes up, every migration is applied once, and no
    advisory lock is left behind on a pooled connection."""
    cluster = own_cluster("migrate-pgbouncer")
    bouncer = PgBouncer(cluster, "migrate").start()
    group = behind_pgbouncer(cluster, bouncer, "migrate", n=3)
    try:
        group.start()
        for srv in group.servers:
            assert_json(srv.api("GET", "/readyz"), 200)
        applied = psql(cluster.url, "SELECT version FROM schema_migrations ORDER BY 1").split()
        assert applied == [f.name for f in schema_files()], applied
        locks = psql(cluster.url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        assert locks == "0", f"{locks} advisory locks held after migrating"
        p = group.servers[0].cli("migrate")
        assert p.returncode == 0, p.stderr
    finally:
        rc = group.stop()
        bouncer.destroy()
    assert rc == 0
