# SPDX-License-Identifier: Apache-2.0
"""The notification outbox: every change a person should hear about is a row,
written in the same transaction as the change, with ids and no content."""

import json
import subprocess

from helpers import (add_session, cancel_session, cancel_signup, in_days, make_group, move_session,
                     org_with_people, signed_up)


def outbox(pg, person_id):
    """(kind, payload) of PERSON_ID's outbox rows, oldest first."""
    p = subprocess.run(["psql", pg.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c",
                        "SELECT kind || ' ' || payload::text FROM notification_outbox "
                        f"WHERE person_id = '{person_id}' ORDER BY id"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    rows = []
    for line in p.stdout.splitlines():
        kind, payload = line.split(" ", 1)
        rows.append((kind, json.loads(payload)))
    return rows


def test_confirmed_waitlisted_promoted_cancelled_moved(pg, server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1)
    s = add_session(server, g["id"], o.coord.token, in_days(20))
    first = signed_up(server, "session", s["id"], o.p1.token, "confirmed")
    second = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1)
    assert outbox(pg, o.p1.id) == [("signup_confirmed", {"signup_id": first["id"], "group_id": g["id"],
                                                         "session_id": s["id"]})]
    assert [k for k, _ in outbox(pg, o.p2.id)] == ["signup_waitlisted"]

    assert cancel_signup(server, first["id"], o.p1.token).status == 204
    kinds, payloads = zip(*outbox(pg, o.p2.id))
    assert kinds == ("signup_waitlisted", "signup_promoted")
    assert payloads[1]["signup_id"] == second["id"]

    move_session(server, s["id"], o.coord.token, in_days(21))
    cancel_session(server, s["id"], o.coord.token)
    assert [k for k, _ in outbox(pg, o.p2.id)][-2:] == ["session_moved", "session_cancelled"]
    assert all(p["session_id"] == s["id"] for k, p in outbox(pg, o.p2.id)[-2:])
    # p1 cancelled: the session's later changes are none of their business.
    assert [k for k, _ in outbox(pg, o.p1.id)] == ["signup_confirmed"]


def test_series_participants_hear_of_a_cancelled_session(pg, server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", p1="member")
    g = make_group(server, o.slug, o.coord.token, access="closed", kind="peer_group", capacity=5)
    s = add_session(server, g["id"], o.coord.token, in_days(15))
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    cancel_session(server, s["id"], o.coord.token)
    kinds = [k for k, _ in outbox(pg, o.p1.id)]
    assert kinds == ["signup_confirmed", "session_cancelled"]
