# SPDX-License-Identifier: Apache-2.0
"""The horizon timer: sessions of recurring groups are materialised by the
workers' timers, each group exactly once however many workers and piirid
processes run against the database."""

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
