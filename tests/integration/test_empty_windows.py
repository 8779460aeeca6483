# SPDX-License-Identifier: Apache-2.0
"""Schedules with no occurrence in the window the server expands: a group that
starts in 2100, a one-off more than a year ago, a schedule changed to one of
those, and the horizon timer reaching a series that has ended. Each is stored
with no sessions, and no worker dies on the way."""

import os
import re
import subprocess
from datetime import date, timedelta

from helpers import (GROUPS, HELSINKI, assert_json, create_group, get_group, list_sessions,
                     today, wait_until, wall)

RESTART = re.compile(r"worker \d+ (killed by signal|exited with status)|AddressSanitizer|runtime error")


def psql(url, sql):
    p = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return p.stdout.strip()


def log_since(srv, offset):
    with open(srv.log_path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def assert_no_worker_died(srv, offset):
    died = [line for line in log_since(srv, offset).splitlines() if RESTART.search(line)]
    assert not died, "\n".join(died)


def around(srv, gid, day):
    """Sessions from a year before DAY to two years after it (a listing spans three years at most)."""
    return list_sessions(srv, gid, **{"from": (day - timedelta(days=365)).isoformat(),
                                      "to": (day + timedelta(days=730)).isoformat()})


def test_group_starting_in_2100(server, circle):
    offset = os.path.getsize(server.log_path)
    schedule = {"start": "2100-01-05T18:00", "duration_minutes": 90, "timezone": HELSINKI,
                "rrule": "FREQ=WEEKLY"}
    g = create_group(server, circle.slug, circle.coord.token, schedule=schedule)
    assert g["schedule"]["start"].startswith("2100-01-05T18:00")
    assert around(server, g["id"], date(2100, 1, 5)) == []
    assert around(server, g["id"], today()) == []
    assert get_group(server, g["id"])["id"] == g["id"]
    assert_no_worker_died(server, offset)


def test_one_off_more_than_a_year_ago(server, circle):
    offset = os.path.getsize(server.log_path)
    day = today() - timedelta(days=400)
    g = create_group(server, circle.slug, circle.coord.token,
                     schedule={"start": wall(day, 10), "duration_minutes": 60})
    assert around(server, g["id"], day) == []
    assert_no_worker_died(server, offset)


def test_schedule_changed_to_no_occurrence_in_the_window(server, api, circle):
    offset = os.path.getsize(server.log_path)
    day = today() + timedelta(days=14)
    g = create_group(server, circle.slug, circle.coord.token,
                     schedule={"start": wall(day), "duration_minutes": 60, "rrule": "FREQ=WEEKLY;COUNT=3"})
    assert len(around(server, g["id"], today())) == 3
    for schedule in ({"start": "2150-06-01T18:00", "duration_minutes": 60, "rrule": "FREQ=DAILY"},
                     {"start": wall(today() - timedelta(days=500)), "duration_minutes": 60}):
        r = api("PATCH", f"{GROUPS}/{g['id']}", json={"schedule": schedule}, token=circle.coord.token)
        assert_json(r, 200)
        # The future untouched sessions of the old rule are gone, and none came instead.
        assert around(server, g["id"], today()) == []
    assert_no_worker_died(server, offset)


def test_many_groups_without_occurrences_keep_every_worker_up(server, circle):
    """Enough requests that both workers get some."""
    offset = os.path.getsize(server.log_path)
    for i in range(12):
        create_group(server, circle.slug, circle.coord.token,
                     schedule={"start": f"21{10 + i}-03-0{1 + i % 7}T12:00", "duration_minutes": 30})
    assert_json(server.api("GET", "/healthz"), 200)
    assert_no_worker_died(server, offset)


def test_horizon_reaches_an_ended_series(own_cluster, own_server):
    cluster = own_cluster("horizon-ended")
    first = own_server(cluster.url, "horizon-ended-migrate")  # applies the migrations
    assert first.stop() == 0
    # An ended series whose sessions were made up to 2021, and a series that
    # starts in 2100 and has none yet: the timer's window holds no occurrence of either.
    psql(cluster.url, """
        INSERT INTO organizations (slug, name) VALUES ('paattynyt', 'Päättynyt ry');
        INSERT INTO groups (org_id, title, kind, access, modality, schedule_start,
                            schedule_duration, schedule_rrule, horizon_until)
        SELECT o.id, r.title, 'peer_group', 'closed', 'in_person', r.start, 90, r.rrule,
               r.horizon::timestamptz
        FROM organizations o,
             (VALUES ('Ended', '2020-01-07T18:00', 'FREQ=WEEKLY;COUNT=2', '2021-01-01T00:00:00Z'),
                     ('Far', '2100-01-05T18:00', 'FREQ=WEEKLY', NULL)) r(title, start, rrule, horizon)
        WHERE o.slug = 'paattynyt';
    """)
    srv = own_server(cluster.url, "horizon-ended")
    wait_until(lambda: psql(cluster.url, "SELECT count(*) FROM groups WHERE horizon_until IS NULL"
                            " OR horizon_until < now() + interval '300 days'") == "0",
               30, 0.2, "both groups extended")
    assert psql(cluster.url, "SELECT count(*) FROM sessions") == "0"
    assert_json(srv.api("GET", "/healthz"), 200)
    assert_no_worker_died(srv, 0)
    assert srv.stop() == 0
