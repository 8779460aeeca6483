# SPDX-License-Identifier: Apache-2.0
"""The horizon timer: sessions of recurring groups are materialised by the
workers' timers, each group exactly once however many workers and piirid
processes run against the database, and never from a schedule changed since."""

import re
import subprocess

from helpers import wait_until

GROUPS = 45  # more than two claim batches of 20


def psql(url, sql):
    p = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return p.stdout.strip()


def test_each_group_is_extended_once_by_two_processes(own_cluster, own_server):
    cluster = own_cluster("horizon")
    first = own_server(cluster.url, "horizon-migrate")  # applies the migrations
    assert first.stop() == 0
    # Groups as SQL loads them (like the demo data): a rule and no sessions yet.
    psql(cluster.url, f"""
        INSERT INTO organizations (slug, name) VALUES ('horisontti', 'Horisontti ry');
        INSERT INTO groups (org_id, title, kind, access, modality, schedule_start,
                            schedule_duration, schedule_rrule)
        SELECT o.id, 'Ryhmä ' || n, 'peer_group', 'closed', 'in_person',
               '2027-01-0' || (1 + n % 7) || 'T18:00', 90, 'FREQ=WEEKLY;COUNT=8'
        FROM organizations o, generate_series(1, {GROUPS}) n WHERE o.slug = 'horisontti';
    """)
    a = own_server(cluster.url, "horizon-a")
    b = own_server(cluster.url, "horizon-b")
    wait_until(lambda: psql(cluster.url, "SELECT count(*) FROM groups WHERE horizon_until IS NULL") == "0",
               30, 0.2, "every group extended")
    # Every group got its eight sessions, and no group was claimed twice:
    # the workers of both processes together report each group once.
    counts = psql(cluster.url, "SELECT count(*) FROM sessions GROUP BY group_id").split()
    assert len(counts) == GROUPS and set(counts) == {"8"}, counts
    logs = a.log_path.read_text("utf-8", "replace") + b.log_path.read_text("utf-8", "replace")
    extended = [int(n) for n in re.findall(r"horizon: extending (\d+) groups", logs)]
    assert sum(extended) == GROUPS, extended
    assert a.stop() == 0 and b.stop() == 0


def test_a_round_that_expanded_the_old_schedule_stores_nothing(pg, server, admin):
    """A horizon round claims a weekly Tuesday group and expands its rule; a
    coordinator moves the group to Wednesdays before the round stores what it
    found. The round's Tuesdays must not come back beside the Wednesdays."""
    from datetime import timedelta

    from helpers import make_group, org_with_people, today, weekday_on_or_after
    o = org_with_people(server, admin[1], coord="coordinator")
    tuesday = weekday_on_or_after(today() + timedelta(days=7), 1)
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe",
                   schedule={"start": f"{tuesday.isoformat()}T18:00", "duration_minutes": 90,
                             "rrule": "FREQ=WEEKLY"})
    psql(pg.url, "UPDATE groups SET horizon_claimed_until = now() + interval '2 minutes' "
                 f"WHERE id = '{g['id']}'")
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", token=o.coord.token,
                   json={"schedule": {"start": f"{(tuesday + timedelta(days=1)).isoformat()}T18:00",
                                      "duration_minutes": 90, "rrule": "FREQ=WEEKLY"}})
    assert r.status == 200, r
    horizon = psql(pg.url, f"SELECT horizon_until FROM groups WHERE id = '{g['id']}'")
    # The round stores a Tuesday beyond the horizon, as it had expanded it.
    late = weekday_on_or_after(today() + timedelta(days=380), 1).isoformat()

    def epoch(hhmm):
        return f"extract(epoch FROM '{late} {hhmm} Europe/Helsinki'::timestamptz)::bigint"
    psql(pg.url, f"""
        SELECT horizon_extend(org_id, id, ARRAY[{epoch('18:00')}], ARRAY[{epoch('19:30')}],
                              now() + interval '400 days')
        FROM groups WHERE id = '{g['id']}'""")
    days = psql(pg.url, f"""SELECT DISTINCT extract(isodow FROM starts_at AT TIME ZONE 'Europe/Helsinki')
                            FROM sessions WHERE group_id = '{g['id']}'""").split()
    assert days == ["3"], f"ISO weekdays of the sessions: {days}"
    assert psql(pg.url, f"SELECT horizon_until FROM groups WHERE id = '{g['id']}'") == horizon
