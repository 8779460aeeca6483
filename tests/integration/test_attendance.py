# SPDX-License-Identifier: Apache-2.0
"""Attendance: a leader marks who came, walk-ins and volunteer hours; who may see
and change it; who counts as a participant; absence notices among the expected."""

import json
import uuid

import pytest

from helpers import (add_session, assert_error, assert_json, attendance_etag, attendance_path, cancel_signup,
                     in_days, make_group, marked, move_session, org_with_people,
                     put_attendance, raw_get, register, signed_up)


@pytest.fixture(scope="module")
def w(server, admin):
    """A closed group led by `leader` (capacity 3): p1 (with a child) and p2 confirmed,
    p3 waiting, p4 cancelled. An open group with two past sessions: p1 signed up for
    `t1` only, p2 for `t2` only."""
    token = admin[1]
    w = org_with_people(server, token, coord="coordinator", leader="leader", leader2="leader",
                        member="member", p1="member", p2="member", p3="member", p4="member")
    b = org_with_people(server, token, coord_b="coordinator")
    w.coord_b = b.coord_b
    w.outsider = register(server)
    w.g = make_group(server, w.slug, w.coord.token, access="closed", capacity=3, leaders=[w.leader.id])
    signed_up(server, "group", w.g["id"], w.p1.token, "confirmed", adults=1, children=1)
    signed_up(server, "group", w.g["id"], w.p2.token, "confirmed")
    p4 = signed_up(server, "group", w.g["id"], w.p4.token, "waitlisted", 1)
    signed_up(server, "group", w.g["id"], w.p3.token, "waitlisted", 2)
    assert cancel_signup(server, p4["id"], w.p4.token).status == 204
    w.og = make_group(server, w.slug, w.coord.token, access="open", kind="family_cafe", capacity=5,
                      leaders=[w.leader.id])
    # Sign up while the sessions are ahead, then move them into the past.
    w.t1 = add_session(server, w.og["id"], w.coord.token, in_days(20))
    w.t2 = add_session(server, w.og["id"], w.coord.token, in_days(21))
    signed_up(server, "session", w.t1["id"], w.p1.token, "confirmed")
    signed_up(server, "session", w.t2["id"], w.p2.token, "confirmed")
    move_session(server, w.t1["id"], w.coord.token, in_days(-14))
    move_session(server, w.t2["id"], w.coord.token, in_days(-7))
    return w


def past_session(server, w, days=-3):
    """A session of the closed group held DAYS ago (its own, so tests do not meet)."""
    return add_session(server, w.g["id"], w.coord.token, in_days(days))


def get_attendance(server, sid, token):
    """GET the attendance (asserting 200 and no email in the bytes); the body."""
    r = raw_get(server, attendance_path(sid), token=token)
    assert r.status == 200, (r.status, r.body[:300])
    assert b"@" not in r.body, f"an email in the attendance: {r.body[:500]!r}"
    body = json.loads(r.body)
    assert "email" not in json.dumps(body)
    return body


def records_of(body):
    return sorted((r["person_id"], r["display_name"], r["status"]) for r in body["records"])


def expected_of(body):
    return sorted((e["person_id"], e["display_name"], e["adults"], e["children"], e["absence_notice"])
                  for e in body["expected"])


def test_leader_marks_attendance(server, w):
    s = past_session(server, w)
    body = marked(server, s["id"], w.leader.token, [(w.p1, "present"), (w.p2, "excused")],
                  walk_ins=3, volunteer_hours=2.5)
    assert set(body) >= {"session_id", "records", "walk_ins", "volunteer_hours", "expected"}, body
    assert body["session_id"] == s["id"]
    assert records_of(body) == sorted([(w.p1.id, w.p1.display_name, "present"),
                                       (w.p2.id, w.p2.display_name, "excused")])
    assert body["walk_ins"] == 3 and body["volunteer_hours"] == 2.5
    # Expected: the confirmed participants only (not the waiting p3, not the cancelled p4).
    assert expected_of(body) == sorted([(w.p1.id, w.p1.display_name, 1, 1, False),
                                        (w.p2.id, w.p2.display_name, 1, 0, False)])
    assert get_attendance(server, s["id"], w.leader.token) == body


def test_get_before_marking(server, w):
    s = past_session(server, w, -4)
    body = get_attendance(server, s["id"], w.leader.token)
    assert body["session_id"] == s["id"] and body["records"] == []
    assert body["walk_ins"] == 0 and body["volunteer_hours"] == 0
    assert [e["person_id"] for e in sorted(body["expected"], key=lambda e: e["person_id"])] == \
        sorted([w.p1.id, w.p2.id])


def test_put_replaces_and_is_idempotent(server, w):
    s = past_session(server, w, -5)
    first = marked(server, s["id"], w.leader.token, [(w.p1, "present"), (w.p2, "present")],
                   walk_ins=2, volunteer_hours=1)
    second = marked(server, s["id"], w.leader.token, [(w.p1, "present"), (w.p2, "present")],
                    walk_ins=2, volunteer_hours=1)
    assert second == first
    assert get_attendance(server, s["id"], w.leader.token) == first
    third = marked(server, s["id"], w.leader.token, [(w.p2, "absent")], walk_ins=0, volunteer_hours=0)
    assert records_of(third) == [(w.p2.id, w.p2.display_name, "absent")]
    assert third["walk_ins"] == 0 and third["volunteer_hours"] == 0
    assert get_attendance(server, s["id"], w.coord.token) == third
    empty = marked(server, s["id"], w.leader.token, [], walk_ins=4)
    assert empty["records"] == [] and empty["walk_ins"] == 4


@pytest.mark.parametrize("who", ["coord", "admin"])
def test_coordinator_and_admin_may_mark(server, w, who):
    s = past_session(server, w, -6)
    token = w.admin_token if who == "admin" else w.coord.token
    body = marked(server, s["id"], token, [(w.p1, "absent")], walk_ins=1)
    assert records_of(body) == [(w.p1.id, w.p1.display_name, "absent")]
    assert get_attendance(server, s["id"], token) == body
    assert get_attendance(server, s["id"], w.leader.token) == body


@pytest.mark.parametrize("who", ["leader2", "member", "p1", "p3", "coord_b", "outsider"])
def test_others_may_not_see_or_mark(server, w, who):
    s = past_session(server, w, -7)
    before = marked(server, s["id"], w.leader.token, [(w.p1, "present")], walk_ins=1)
    token = getattr(w, who).token
    assert_error(put_attendance(server, s["id"], token, [(w.p2, "present")], walk_ins=99), 403, "forbidden")
    r = raw_get(server, attendance_path(s["id"]), token=token)
    assert r.status == 403, (r.status, r.body[:300])
    assert w.p1.id.encode() not in r.body and w.p1.display_name.encode() not in r.body
    assert get_attendance(server, s["id"], w.leader.token) == before


def test_anonymous_401(server, w):
    s = past_session(server, w, -8)
    assert_error(put_attendance(server, s["id"], None, [(w.p1, "present")]), 401, "unauthorized")
    assert_error(server.api("GET", attendance_path(s["id"])), 401, "unauthorized")
    assert get_attendance(server, s["id"], w.leader.token)["records"] == []


@pytest.fixture(scope="module")
def marked_once(server, w):
    """A past session with p1 present and one walk-in, for rejected changes."""
    s = past_session(server, w, -9)
    return s, marked(server, s["id"], w.leader.token, [(w.p1, "present")], walk_ins=1, volunteer_hours=1.5)


@pytest.mark.parametrize("change,field", [
    ({"records": [("outsider", "present")]}, "records"),
    ({"records": [("p1", "present"), ("p3", "present")]}, "records"),   # waitlisted
    ({"records": [("p4", "present")]}, "records"),                      # cancelled
    ({"records": [("leader", "present")]}, "records"),                  # leads, not signed up
    ({"records": [("member", "absent")]}, "records"),                   # member of the org only
    ({"records": [(str(uuid.uuid4()), "present")]}, "records"),
    ({"records": [("p1", "late")]}, "records"),
    ({"records": [("p1", "PRESENT")]}, "records"),
    ({"records": [("p1", None)]}, "records"),
    ({"records": [{"status": "present"}]}, "records"),
    ({"records": [{"person_id": "ei-henkilö", "status": "present"}]}, "records"),
    ({"records": "p1"}, "records"),
    ({"records": [("p1", "present"), ("p1", "absent")]}, "records"),   # a person twice
    ({"walk_ins": -1}, "walk_ins"),
    ({"walk_ins": 1.5}, "walk_ins"),
    ({"walk_ins": "3"}, "walk_ins"),
    ({"walk_ins": 100001}, "walk_ins"),
    ({"volunteer_hours": 10000.5}, "volunteer_hours"),
    ({"volunteer_hours": -0.5}, "volunteer_hours"),
    ({"volunteer_hours": "2"}, "volunteer_hours"),
], ids=lambda v: json.dumps(v, default=str)[:40])
def test_bad_attendance_422(server, w, marked_once, change, field):
    s, before = marked_once
    body = {"records": [{"person_id": w.p1.id, "status": "present"}], "walk_ins": 2}
    recs = change.get("records")
    if isinstance(recs, list):
        body["records"] = [
            r if isinstance(r, dict) else
            {"person_id": getattr(w, r[0]).id if hasattr(w, r[0]) else r[0], "status": r[1]}
            for r in recs]
    elif recs is not None:
        body["records"] = recs
    for k in ("walk_ins", "volunteer_hours"):
        if k in change:
            body[k] = change[k]
    r = server.api("PUT", attendance_path(s["id"]), json=body, token=w.leader.token,
                   headers={"If-Match": attendance_etag(server, s["id"], w.leader.token)})
    assert_error(r, 422, "invalid", field)
    assert get_attendance(server, s["id"], w.leader.token) == before, "a rejected PUT changed something"


def test_open_group_session_participants_are_its_own_signups(server, w):
    body = marked(server, w.t1["id"], w.leader.token, [(w.p1, "present")], walk_ins=5)
    assert [e["person_id"] for e in body["expected"]] == [w.p1.id]
    # p2 signed up for another session of the same group.
    assert_error(put_attendance(server, w.t1["id"], w.leader.token, [(w.p2, "present")]), 422,
                 "invalid", "records")
    body2 = marked(server, w.t2["id"], w.leader.token, [(w.p2, "present")])
    assert [e["person_id"] for e in body2["expected"]] == [w.p2.id]
    assert get_attendance(server, w.t1["id"], w.leader.token) == body


def test_expected_shows_absence_notices(server, w):
    s = add_session(server, w.g["id"], w.coord.token, in_days(6))
    r = server.api("POST", f"/api/v1/sessions/{s['id']}/absence", json={}, token=w.p2.token)
    assert_json(r, 201)
    body = get_attendance(server, s["id"], w.leader.token)
    assert expected_of(body) == sorted([(w.p1.id, w.p1.display_name, 1, 1, False),
                                        (w.p2.id, w.p2.display_name, 1, 0, True)])
    # The notice is for that session only.
    other = past_session(server, w, -10)
    assert all(not e["absence_notice"] for e in get_attendance(server, other["id"], w.leader.token)["expected"])


@pytest.mark.parametrize("sid", [str(uuid.uuid4()), "ei-istunto"])
def test_unknown_session_404(server, w, sid):
    assert_error(put_attendance(server, sid, w.coord.token, []), 404, "not_found")
    assert_error(server.api("GET", attendance_path(sid), token=w.coord.token), 404, "not_found")
