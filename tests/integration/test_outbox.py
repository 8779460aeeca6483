# SPDX-License-Identifier: Apache-2.0
"""The notification outbox: every change a person should hear about is a row,
written in the same transaction as the change, with ids and no content (a new
schedule: one row per person it touches, naming their sessions it moved,
cancelled or added)."""

import json
import subprocess

from helpers import (ACCOUNT_ORG, add_session, assert_json, cancel_session, cancel_signup, in_days, make_group,
                     move_session, org_with_people, signed_up)


def outbox(pg, person_id):
    """(kind, payload) of PERSON_ID's outbox rows, oldest first (account messages,
    such as the verification of a new address, aside)."""
    p = subprocess.run(["psql", pg.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c",
                        "SELECT kind || ' ' || payload::text FROM notification_outbox "
                        f"WHERE person_id = '{person_id}' AND org_id <> '{ACCOUNT_ORG}' ORDER BY id"],
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


def weekly_from(days, rule, hhmm="18:00"):
    """A schedule starting DAYS from today at HHMM, repeating by RULE."""
    from datetime import timedelta
    from helpers import today
    return {"start": f"{(today() + timedelta(days=days)).isoformat()}T{hhmm}", "duration_minutes": 90,
            "rrule": rule}


def patch_schedule(server, gid, token, schedule, qs=""):
    r = server.api("PATCH", f"/api/v1/groups/{gid}{qs}", json={"schedule": schedule}, token=token)
    return assert_json(r, 200)


def test_a_new_schedule_is_one_row_per_person(pg, server, admin):
    """Three weekly meetings become two, a day later: a participant of the series
    hears of it once, the row naming the two moved sessions and the cancelled one;
    a dry run says nothing."""
    o = org_with_people(server, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(server, o.slug, o.coord.token, capacity=5, schedule=weekly_from(10, "FREQ=WEEKLY;COUNT=3"))
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    gone = signed_up(server, "group", g["id"], o.p2.token, "confirmed")
    assert cancel_signup(server, gone["id"], o.p2.token).status == 204
    schedule = weekly_from(11, "FREQ=WEEKLY;COUNT=2")
    dry = patch_schedule(server, g["id"], o.coord.token, schedule, "?dry_run=true")
    assert [k for k, _ in outbox(pg, o.p1.id)] == ["signup_confirmed"], "a dry run wrote to the outbox"
    change = patch_schedule(server, g["id"], o.coord.token, schedule)["schedule_change"]
    assert change == dry["schedule_change"]
    [(kind, payload)] = outbox(pg, o.p1.id)[1:]
    moved = [m["id"] for m in change["moved"]]
    cancelled = [x["id"] for x in change["removed"]]
    assert len(moved) == 2 and [x["action"] for x in change["removed"]] == ["cancelled"]
    assert kind == "schedule_changed" and set(payload) == {"group_id", "session_ids"}
    assert payload["group_id"] == g["id"]
    assert sorted(payload["session_ids"]) == sorted(moved + cancelled)
    # p2 cancelled their signup: none of their business.
    assert [k for k, _ in outbox(pg, o.p2.id)] == ["signup_confirmed"]


def test_a_new_schedule_tells_each_session_s_people_only(pg, server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=5,
                   schedule=weekly_from(10, "FREQ=WEEKLY;COUNT=3"))
    r = server.api("GET", f"/api/v1/groups/{g['id']}/sessions")
    s = assert_json(r, 200)["sessions"]
    signed_up(server, "session", s[0]["id"], o.p1.token, "confirmed")
    signed_up(server, "session", s[2]["id"], o.p2.token, "confirmed")
    # Same days, half an hour later: every meeting moves.
    patch_schedule(server, g["id"], o.coord.token, weekly_from(10, "FREQ=WEEKLY;COUNT=3", "18:30"))
    assert outbox(pg, o.p1.id)[1:] == [("schedule_changed", {"session_ids": [s[0]["id"]], "group_id": g["id"]})]
    assert outbox(pg, o.p2.id)[1:] == [("schedule_changed", {"session_ids": [s[2]["id"]], "group_id": g["id"]})]
