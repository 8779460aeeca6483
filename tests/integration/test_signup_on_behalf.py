# SPDX-License-Identifier: Apache-2.0
"""A coordinator signs up someone who phoned in: no account, a display name
only, which is personal data (leaders and coordinators of the group see it,
nothing else does, and it goes with the signup)."""

import json
import subprocess
import uuid

import pytest

from helpers import (add_session, assert_error, assert_json, assert_line, assert_signup, cancel_signup,
                     concurrently, in_days, make_group, my_signups, org_with_people, raw_get, remember,
                     session_of, signed_up, signup_listing)


@pytest.fixture(scope="module")
def o(server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", coord2="coordinator", leader="leader",
                        other_leader="leader", p1="member", p2="member")
    b = org_with_people(server, admin[1], coord_b="coordinator")
    o.coord_b = b.coord_b
    o.admin_token = admin[1]
    return o


def guest_name():
    name = f"Soittaja {uuid.uuid4().hex[:10]}"
    remember("names", name)
    return name


def on_behalf_path(kind, target):
    return f"/api/v1/{kind}s/{target}/signups/on-behalf"


def sign_up_guest(server, kind, target, token, name, key=None, **party):
    headers = {"Idempotency-Key": key} if key is not None else None
    return server.api("POST", on_behalf_path(kind, target), json={"display_name": name, **party}, token=token,
                      headers=headers)


def group(server, o, access="open", **fields):
    kind = "family_cafe" if access == "open" else "peer_group"
    return make_group(server, o.slug, o.coord.token, access=access, kind=kind, leaders=[o.leader.id], **fields)


def sql(pg, query):
    p = subprocess.run(["psql", pg.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", query],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_a_coordinator_signs_up_a_guest_for_a_session(server, o, pg):
    g = group(server, o, capacity=4)
    s = add_session(server, g["id"], o.coord.token, in_days(30))
    name = guest_name()
    x = assert_signup(sign_up_guest(server, "session", s["id"], o.coord.token, name, adults=1, children=2,
                                    note="Soitti maanantaina"), "confirmed", None, 3)
    assert session_of(server, g["id"], s["id"], in_days(30))["seats_taken"] == 3
    for viewer in (o.coord, o.leader, o.coord2):
        listed = {y["id"]: y for y in signup_listing(server, "session", s["id"], viewer.token)}
        y = listed[x["id"]]
        assert (y["person_id"], y["display_name"], y["on_behalf"], y["signed_up_by"]) == \
            (None, name, True, o.coord.id)
        assert (y["adults"], y["children"], y["status"], y["note"]) == (1, 2, "confirmed", "Soitti maanantaina")
    # A signup of one's own says so.
    own = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None)
    mine = {y["id"]: y for y in signup_listing(server, "session", s["id"], o.leader.token)}[own["id"]]
    assert (mine["on_behalf"], mine["signed_up_by"], mine["person_id"]) == (False, None, o.p1.id)
    # The outbox row goes to the coordinator who took the call: a guest has no account.
    rows = sql(pg, f"SELECT person_id || ' ' || kind FROM notification_outbox WHERE payload->>'signup_id' = '{x['id']}'")
    assert rows == f"{o.coord.id} signup_confirmed"


def test_a_guest_is_nobodys_and_nowhere_else(server, o):
    g = group(server, o, capacity=10)
    s = add_session(server, g["id"], o.coord.token, in_days(31))
    name = guest_name()
    assert_signup(sign_up_guest(server, "session", s["id"], o.coord.token, name), "confirmed")
    # Not the coordinator's own signup, and not in what anyone else reads of the group.
    assert my_signups(server, o.coord.token) == []
    for path, token in ((f"/api/v1/groups/{g['id']}", None), (f"/api/v1/groups/{g['id']}/sessions", None),
                        (f"/calendars/groups/{g['id']}.ics", None), (f"/calendars/orgs/{o.slug}.ics", None),
                        ("/api/v1/me/export", o.coord.token), (f"/api/v1/groups/{g['id']}", o.p1.token)):
        r = raw_get(server, path, token=token, record=False)
        assert r.status == 200, (path, r.status)
        assert name.encode() not in r.body, path


def test_only_the_orgs_coordinators_sign_up_on_behalf(server, o):
    g = group(server, o, capacity=10)
    s = add_session(server, g["id"], o.coord.token, in_days(32))
    for who in (o.leader, o.p1, o.coord_b):
        assert_error(sign_up_guest(server, "session", s["id"], who.token, guest_name()), 403, "forbidden")
    assert_error(server.api("POST", on_behalf_path("session", s["id"]), json={"display_name": "Maija"}),
                 401, "unauthorized")
    assert_signup(sign_up_guest(server, "session", s["id"], o.admin_token, guest_name()), "confirmed")
    assert_error(sign_up_guest(server, "session", str(uuid.uuid4()), o.coord.token, guest_name()), 404)
    for body in ({}, {"display_name": ""}, {"display_name": 5}, {"display_name": "x" * 101}):
        r = server.api("POST", on_behalf_path("session", s["id"]), json=body, token=o.coord.token)
        assert_error(r, 422, "invalid", "display_name")
    r = sign_up_guest(server, "session", s["id"], o.coord.token, guest_name(), adults=0, children=0)
    assert_error(r, 422, "invalid", "adults")
    # Members do not see who is coming; the group's leaders do.
    assert_error(server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=o.p1.token), 403)
    assert len(signup_listing(server, "session", s["id"], o.leader.token)) == 1


def test_same_capacity_waitlist_and_idempotency_as_any_signup(server, o):
    g = group(server, o, access="closed", capacity=3)
    add_session(server, g["id"], o.coord.token, in_days(33))
    first = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    # Several guests of one coordinator: no one-signup-per-person rule for them.
    a = assert_signup(sign_up_guest(server, "group", g["id"], o.coord.token, guest_name()), "confirmed")
    b = assert_signup(sign_up_guest(server, "group", g["id"], o.coord.token, guest_name()), "waitlisted", 1)
    assert_error(sign_up_guest(server, "group", g["id"], o.coord.token, guest_name(), adults=4), 422, "invalid",
                 "seats")
    # A retried request with its Idempotency-Key is one signup, however many come at once.
    key = f"puhelu-{uuid.uuid4().hex}"
    name = guest_name()
    results = concurrently([lambda: sign_up_guest(server, "group", g["id"], o.coord.token, name, key=key)
                            for _ in range(8)])
    ids = {assert_signup(r, "waitlisted", 2)["id"] for r in results}
    assert len(ids) == 1
    c = ids.pop()
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [first["id"], a["id"]], [b["id"], c])
    # The waitlist moves for guests as for anyone.
    assert cancel_signup(server, first["id"], o.p1.token).status == 204
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [a["id"], b["id"], c], [])


def test_a_coordinator_cancels_a_guest_signup_and_the_name_goes(server, o, pg):
    g = group(server, o, capacity=1)
    s = add_session(server, g["id"], o.coord.token, in_days(34))
    name = guest_name()
    x = assert_signup(sign_up_guest(server, "session", s["id"], o.coord.token, name, note="Soittaa takaisin"),
                      "confirmed")
    w = signed_up(server, "session", s["id"], o.p1.token, "waitlisted", 1)
    for who in (o.leader, o.p1, o.coord_b):
        assert_error(cancel_signup(server, x["id"], who.token), 403, "forbidden")
    # Any coordinator of the org may cancel it, not only the one who made it.
    assert cancel_signup(server, x["id"], o.coord2.token).status == 204
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [w["id"]], [])
    assert sql(pg, f"SELECT count(*) FROM signups WHERE guest_name = '{name}'") == "0"
    assert sql(pg, f"SELECT coalesce(guest_name, '-') || coalesce(note, '-') FROM signups WHERE id = '{x['id']}'") \
        == "--"
    assert_error(cancel_signup(server, x["id"], o.coord.token), 409, "already_cancelled")


def test_a_coordinator_confirms_a_waitlisted_guest_by_hand(server, o):
    g = group(server, o, capacity=3)
    s = add_session(server, g["id"], o.coord.token, in_days(35))
    signed_up(server, "session", s["id"], o.p1.token, "confirmed", None, adults=2)
    big = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1, adults=2)
    x = assert_signup(sign_up_guest(server, "session", s["id"], o.coord.token, guest_name()), "waitlisted", 2)
    r = server.api("POST", f"/api/v1/signups/{x['id']}/confirm", token=o.coord2.token)
    y = assert_json(r, 200)["signup"]
    assert (y["status"], y["on_behalf"], y["confirmed_by"]) == ("confirmed", True, o.coord2.id)
    assert [z["status"] for z in signup_listing(server, "session", s["id"], o.leader.token)] == \
        ["confirmed", "confirmed", "waitlisted"]
    assert big["status"] == "waitlisted"


def test_a_guest_who_came_counts_as_visits_in_the_report(server, o):
    """A series guest signup (a parent with two children) marked present by the
    leader is three visits, like anyone's party; nobody's unique participant."""
    g = group(server, o, access="closed", capacity=10)
    x = assert_signup(sign_up_guest(server, "group", g["id"], o.coord.token, guest_name(), adults=1, children=2),
                      "confirmed")
    member = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    held = add_session(server, g["id"], o.coord.token, in_days(-1))
    ahead = add_session(server, g["id"], o.coord.token, in_days(6))
    path = f"/api/v1/sessions/{held['id']}/attendance"
    before = assert_json(server.api("GET", path, token=o.leader.token), 200)
    assert [(y["signup_id"], y["status"]) for y in before["guest_signups"]] == [(x["id"], None)]
    assert all(y["person_id"] == o.p1.id for y in before["expected"]), before["expected"]
    r = server.api("PUT", f"{path}/signups/{x['id']}", json={"status": "present"}, token=o.leader.token)
    after = assert_json(r, 200)
    assert [(y["signup_id"], y["adults"], y["children"], y["status"]) for y in after["guest_signups"]] == \
        [(x["id"], 1, 2, "present")]
    r = server.api("PUT", path, json={"records": [{"person_id": o.p1.id, "status": "present"}], "walk_ins": 0},
                   token=o.leader.token, headers={"If-Match": r.headers["ETag"]})
    assert_json(r, 200)
    frm, to = in_days(-10).date().isoformat(), in_days(10).date().isoformat()
    rep = assert_json(server.api("GET", f"/api/v1/orgs/{o.slug}/reports/attendance?from={frm}&to={to}",
                                 token=o.coord.token), 200)
    row = next(y for y in rep["groups"] if y["group_id"] == g["id"])
    assert (row["visits"], row["adult_visits"], row["child_visits"], row["unique_participants"]) == (5, 3, 2, 1)
    assert row["sessions_not_recorded"] == 0
    # The whole-session replace is about people: the guest's record stays.
    assert assert_json(server.api("GET", path, token=o.leader.token), 200)["guest_signups"][0]["status"] == "present"
    # Wrong status, a session ahead, someone's own signup, a stranger: refused.
    r = server.api("PUT", f"{path}/signups/{x['id']}", json={"status": "here"}, token=o.leader.token)
    assert_error(r, 422, "invalid", "status")
    r = server.api("PUT", f"/api/v1/sessions/{ahead['id']}/attendance/signups/{x['id']}", json={"status": "present"},
                   token=o.leader.token)
    assert_error(r, 422, "session_not_started")
    r = server.api("PUT", f"{path}/signups/{member['id']}", json={"status": "present"}, token=o.leader.token)
    assert_error(r, 404, "not_found")
    r = server.api("PUT", f"{path}/signups/{x['id']}", json={"status": "absent"}, token=o.p1.token)
    assert_error(r, 403, "forbidden")
    # Removing the record: the visits go with it; the session still has a record.
    assert_json(server.api("DELETE", f"{path}/signups/{x['id']}", token=o.leader.token), 200)
    rep = assert_json(server.api("GET", f"/api/v1/orgs/{o.slug}/reports/attendance?from={frm}&to={to}",
                                 token=o.coord.token), 200)
    row = next(y for y in rep["groups"] if y["group_id"] == g["id"])
    assert row["visits"] == 2


def test_cancelling_a_session_with_a_guest_notifies_only_those_with_an_account(server, o, pg):
    g = group(server, o, access="closed")
    s = add_session(server, g["id"], o.coord.token, in_days(40))
    assert_json(sign_up_guest(server, "group", g["id"], o.coord.token, guest_name()), 201)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    r = server.api("PATCH", f"/api/v1/sessions/{s['id']}", json={"status": "cancelled", "reason": "Sairastuminen"},
                   token=o.coord.token)
    assert assert_json(r, 200)["session"]["status"] == "cancelled"
    rows = sql(pg, "SELECT person_id FROM notification_outbox WHERE kind = 'session_cancelled' "
                   f"AND payload->>'session_id' = '{s['id']}'")
    assert rows.split() == [o.p1.id]
