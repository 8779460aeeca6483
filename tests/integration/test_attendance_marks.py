# SPDX-License-Identifier: Apache-2.0
"""Attendance as leaders mark it on their phones: only once a session has
started and while it is not cancelled; one record, the walk-ins or one's own
hours changed alone; the whole-session replace guarded by If-Match with the
attendance's ETag; volunteer hours per leader; drop-ins (an org member or a
guest by name) made idempotent by the client's id, and what reports make of
them."""

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from helpers import (add_session, assert_error, assert_json, attendance_etag, attendance_path, cancel_session,
                     in_days, make_group, org_with_people, put_attendance, raw_get, register, report_path,
                     signed_up)


@pytest.fixture(scope="module")
def w(server, admin):
    """A closed group led by `leader` and `leader2`: p1 (with a child) and p2 confirmed.
    `member` and `member2` belong to the org without a signup."""
    w = org_with_people(server, admin[1], coord="coordinator", leader="leader", leader2="leader",
                        member="member", member2="member", p1="member", p2="member")
    w.outsider = register(server)
    w.g = make_group(server, w.slug, w.coord.token, access="closed", capacity=None,
                     leaders=[w.leader.id, w.leader2.id])
    signed_up(server, "group", w.g["id"], w.p1.token, "confirmed", adults=1, children=1)
    signed_up(server, "group", w.g["id"], w.p2.token, "confirmed")
    return w


def held(server, w, days=-2):
    """A session of the closed group that started DAYS ago (its own, so tests do not meet)."""
    return add_session(server, w.g["id"], w.coord.token, in_days(days))


def get(server, sid, token):
    """GET the attendance asserting 200: (body, ETag)."""
    r = raw_get(server, attendance_path(sid), token=token)
    assert r.status == 200, (r.status, r.body[:300])
    return json.loads(r.body), r.headers.get("ETag")


def record_path(sid, person):
    return f"{attendance_path(sid)}/records/{person.id}"


def drop_in_path(sid, drop_id):
    return f"{attendance_path(sid)}/drop-ins/{drop_id}"


def walk_in_path(sid, change_id):
    return f"{attendance_path(sid)}/walk-ins/{change_id}"


def records_of(body):
    return sorted((r["person_id"], r["status"]) for r in body["records"])


# --- Only for a session under way ------------------------------------------------

def write_routes(w, sid):
    """Every write route of a session's attendance: (method, path, body, headers)."""
    return [
        ("PUT", attendance_path(sid), {"records": [], "walk_ins": 1}, {"If-Match": '"v0"'}),
        ("PATCH", attendance_path(sid), {"walk_ins": 1}, {}),
        ("PUT", record_path(sid, w.p1), {"status": "present"}, {}),
        ("DELETE", record_path(sid, w.p1), None, {}),
        ("PUT", drop_in_path(sid, uuid.uuid4()), {"display_name": "Maija"}, {}),
        ("DELETE", drop_in_path(sid, uuid.uuid4()), None, {}),
        ("PUT", f"{attendance_path(sid)}/signups/{uuid.uuid4()}", {"status": "present"}, {}),
        ("DELETE", f"{attendance_path(sid)}/signups/{uuid.uuid4()}", None, {}),
        ("PUT", walk_in_path(sid, uuid.uuid4()), {"delta": 1}, {}),
    ]


@pytest.mark.parametrize("when", ["ahead", "cancelled"])
def test_no_attendance_before_the_start_or_for_a_cancelled_session(server, w, when):
    s = add_session(server, w.g["id"], w.coord.token, in_days(3 if when == "ahead" else -20))
    if when == "cancelled":
        cancel_session(server, s["id"], w.coord.token)
    code = "session_not_started" if when == "ahead" else "session_cancelled"
    before = get(server, s["id"], w.leader.token)
    for method, path, body, headers in write_routes(w, s["id"]):
        r = server.api(method, path, json=body, token=w.leader.token, headers=headers)
        assert_error(r, 422, code)
    assert get(server, s["id"], w.leader.token) == before, "a refused write changed the attendance"


def test_a_session_that_has_just_started_takes_attendance(server, w):
    start = datetime.now(timezone.utc) - timedelta(minutes=2)
    s = add_session(server, w.g["id"], w.coord.token, start)
    body = assert_json(server.api("PUT", record_path(s["id"], w.p1), json={"status": "present"},
                                  token=w.leader.token), 200)
    assert records_of(body) == [(w.p1.id, "present")]


# --- One thing at a time ---------------------------------------------------------------

def test_two_leaders_mark_one_person_each(server, w):
    s = held(server, w, -3)
    a = assert_json(server.api("PUT", record_path(s["id"], w.p1), json={"status": "present"},
                               token=w.leader.token), 200)
    b = assert_json(server.api("PUT", record_path(s["id"], w.p2), json={"status": "excused"},
                               token=w.leader2.token), 200)
    assert records_of(a) == [(w.p1.id, "present")]
    assert records_of(b) == sorted([(w.p1.id, "present"), (w.p2.id, "excused")])
    again = assert_json(server.api("PUT", record_path(s["id"], w.p1), json={"status": "absent"},
                                   token=w.leader2.token), 200)
    assert records_of(again) == sorted([(w.p1.id, "absent"), (w.p2.id, "excused")])
    for _ in range(2):  # clearing is idempotent
        r = server.api("DELETE", record_path(s["id"], w.p1), token=w.leader.token)
        assert r.status == 204, (r.status, r.body[:300])
    assert records_of(get(server, s["id"], w.leader.token)[0]) == [(w.p2.id, "excused")]


@pytest.mark.parametrize("body,status,code", [
    ({"status": "late"}, 422, "invalid"),
    ({}, 422, "invalid"),
    ({"status": None}, 422, "invalid"),
])
def test_bad_record_422(server, w, body, status, code):
    s = held(server, w, -4)
    assert_error(server.api("PUT", record_path(s["id"], w.p1), json=body, token=w.leader.token), status, code)


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_record_only_for_a_participant(server, w, who):
    s = held(server, w, -4)
    r = server.api("PUT", record_path(s["id"], getattr(w, who)), json={"status": "present"}, token=w.leader.token)
    assert_error(r, 404, "not_found")
    assert get(server, s["id"], w.leader.token)[0]["records"] == []


@pytest.mark.parametrize("who", ["member", "p1", "outsider"])
def test_others_may_not_mark_one_record(server, w, who):
    s = held(server, w, -5)
    token = getattr(w, who).token
    for method, path, body, headers in write_routes(w, s["id"]):
        assert_error(server.api(method, path, json=body, token=token, headers=headers), 403, "forbidden")


def test_patch_changes_walk_ins_and_own_hours_alone(server, w):
    s = held(server, w, -6)
    assert_json(server.api("PUT", record_path(s["id"], w.p1), json={"status": "present"},
                           token=w.leader.token), 200)
    a = assert_json(server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": 4, "volunteer_hours": 2},
                               token=w.leader.token), 200)
    b = assert_json(server.api("PATCH", attendance_path(s["id"]), json={"volunteer_hours": 1.5},
                               token=w.leader2.token), 200)
    assert a["walk_ins"] == 4 and a["volunteer_hours"] == 2
    assert b["walk_ins"] == 4, "another leader's hours changed the walk-ins"
    assert records_of(b) == [(w.p1.id, "present")]
    assert b["volunteer_hours"] == 3.5
    assert sorted((h["person_id"], h["display_name"], h["hours"]) for h in b["volunteer_hours_by_leader"]) == \
        sorted([(w.leader.id, w.leader.display_name, 2), (w.leader2.id, w.leader2.display_name, 1.5)])
    c = assert_json(server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": 5},
                               token=w.leader2.token), 200)
    assert c["walk_ins"] == 5 and c["volunteer_hours"] == 3.5
    assert_error(server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": -1}, token=w.leader.token),
                 422, "invalid", "walk_ins")
    assert get(server, s["id"], w.leader.token)[0] == c


# --- The whole-session replace and its ETag ------------------------------------------------

def test_get_gives_an_etag_that_every_change_moves(server, w):
    s = held(server, w, -7)
    body, etag = get(server, s["id"], w.leader.token)
    assert etag and etag.startswith('"') and not etag.startswith("W/"), etag
    assert get(server, s["id"], w.leader.token)[1] == etag, "the ETag moved without a change"
    r = server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": 1}, token=w.leader.token)
    assert_json(r, 200)
    assert r.headers.get("ETag") not in (None, etag)
    assert get(server, s["id"], w.leader.token)[1] == r.headers.get("ETag")


def test_replace_needs_if_match(server, w):
    s = held(server, w, -8)
    assert_error(put_attendance(server, s["id"], w.leader.token, [(w.p1, "present")], if_match=None),
                 428, "if_match_required")
    assert get(server, s["id"], w.leader.token)[0]["records"] == []


def test_a_stale_replace_is_refused_and_loses_nothing(server, w):
    """Leader 1 read the attendance; leader 2 marks p2 on their phone; leader 1's
    replace from the stale read is refused (412), and p2's record stays."""
    s = held(server, w, -9)
    _, etag = get(server, s["id"], w.leader.token)
    assert_json(server.api("PUT", record_path(s["id"], w.p2), json={"status": "present"},
                           token=w.leader2.token), 200)
    stale = put_attendance(server, s["id"], w.leader.token, [(w.p1, "present")], walk_ins=3, if_match=etag)
    assert_error(stale, 412, "precondition_failed")
    body, fresh = get(server, s["id"], w.leader.token)
    assert records_of(body) == [(w.p2.id, "present")] and body["walk_ins"] == 0
    for bad in ('W/' + fresh, '"nonsense"', "*x"):
        assert_error(put_attendance(server, s["id"], w.leader.token, [], if_match=bad), 412, "precondition_failed")
    ok = put_attendance(server, s["id"], w.leader.token, [(w.p1, "present"), (w.p2, "present")], walk_ins=3,
                        volunteer_hours=2, if_match=fresh)
    body = assert_json(ok, 200)
    assert ok.headers.get("ETag") not in (None, fresh)
    assert get(server, s["id"], w.leader.token) == (body, ok.headers.get("ETag"))
    # The answer's ETag is good for the next replace.
    again = put_attendance(server, s["id"], w.leader.token, [(w.p1, "present")], walk_ins=3, volunteer_hours=2,
                           if_match=ok.headers.get("ETag"))
    assert records_of(assert_json(again, 200)) == [(w.p1.id, "present")]


def test_if_match_any_replaces_whatever_the_version(server, w):
    s = held(server, w, -16)
    assert_json(server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": 2}, token=w.leader2.token), 200)
    body = assert_json(put_attendance(server, s["id"], w.leader.token, [(w.p2, "absent")], walk_ins=0,
                                      if_match="*"), 200)
    assert records_of(body) == [(w.p2.id, "absent")] and body["walk_ins"] == 0


def test_an_empty_patch_changes_nothing(server, w):
    s = held(server, w, -17)
    before, etag = get(server, s["id"], w.leader.token)
    r = server.api("PATCH", attendance_path(s["id"]), json={}, token=w.leader.token)
    assert assert_json(r, 200) == before and r.headers.get("ETag") == etag


def test_replace_sets_only_the_requesters_hours(server, w):
    s = held(server, w, -10)
    assert_json(server.api("PATCH", attendance_path(s["id"]), json={"volunteer_hours": 1.25},
                           token=w.leader2.token), 200)
    body = assert_json(put_attendance(server, s["id"], w.leader.token, [], walk_ins=1, volunteer_hours=2), 200)
    assert body["volunteer_hours"] == 3.25
    body = assert_json(put_attendance(server, s["id"], w.leader.token, [], walk_ins=1), 200)
    assert body["volunteer_hours"] == 1.25, "a replace without hours cleared another leader's"
    assert [h["person_id"] for h in body["volunteer_hours_by_leader"]] == [w.leader2.id]


# --- Drop-ins -------------------------------------------------------------------------------

def test_drop_ins_are_idempotent_by_the_clients_id(server, w):
    s = held(server, w, -11)
    guest, member = str(uuid.uuid4()), str(uuid.uuid4())
    first = server.api("PUT", drop_in_path(s["id"], guest), json={"display_name": "Maija Vierailija"},
                       token=w.leader.token)
    body = assert_json(first, 201)
    assert body["drop_ins"] == [{"id": guest, "person_id": None, "display_name": "Maija Vierailija"}]
    repeat = server.api("PUT", drop_in_path(s["id"], guest), json={"display_name": "Maija Vierailija"},
                        token=w.leader2.token)
    assert assert_json(repeat, 200) == body
    assert repeat.headers.get("ETag") == first.headers.get("ETag"), "a repeat changed the attendance"
    assert_error(server.api("PUT", drop_in_path(s["id"], guest), json={"display_name": "Joku Muu"},
                            token=w.leader.token), 409, "drop_in_exists")
    other = held(server, w, -12)
    assert_error(server.api("PUT", drop_in_path(other["id"], guest), json={"display_name": "Maija Vierailija"},
                            token=w.leader.token), 409, "drop_in_exists")
    body = assert_json(server.api("PUT", drop_in_path(s["id"], member), json={"person_id": w.member.id},
                                  token=w.leader.token), 201)
    assert [d["id"] for d in body["drop_ins"]] == [guest, member]
    assert body["drop_ins"][1] == {"id": member, "person_id": w.member.id, "display_name": w.member.display_name}
    for _ in range(2):
        r = server.api("DELETE", drop_in_path(s["id"], guest), token=w.leader.token)
        assert r.status == 204, (r.status, r.body[:300])
    assert [d["id"] for d in get(server, s["id"], w.leader.token)[0]["drop_ins"]] == [member]


# --- Walk-ins counted on two phones -----------------------------------------------------

def test_two_phones_pressing_plus_at_once_both_count(server, w):
    s = held(server, w, -16)
    changes = [(w.leader, uuid.uuid4()), (w.leader2, uuid.uuid4()), (w.leader, uuid.uuid4())]
    answers = [server.api("PUT", walk_in_path(s["id"], cid), json={"delta": 1}, token=who.token)
               for who, cid in changes]
    assert [a.status for a in answers] == [201, 201, 201]
    assert assert_json(answers[-1], 201)["walk_ins"] == 3
    assert get(server, s["id"], w.leader2.token)[0]["walk_ins"] == 3


def test_a_walk_in_change_sent_again_counts_once(server, w):
    s = held(server, w, -17)
    cid = uuid.uuid4()
    first = server.api("PUT", walk_in_path(s["id"], cid), json={"delta": 1}, token=w.leader.token)
    assert assert_json(first, 201)["walk_ins"] == 1
    for who in (w.leader, w.leader2):  # the phone's retry, or the id sent by another phone
        again = server.api("PUT", walk_in_path(s["id"], cid), json={"delta": 1}, token=who.token)
        assert assert_json(again, 200)["walk_ins"] == 1
        assert again.headers.get("ETag") == first.headers.get("ETag"), "a repeat changed the attendance"
    assert_error(server.api("PUT", walk_in_path(s["id"], cid), json={"delta": -1}, token=w.leader.token),
                 409, "walk_in_change_exists")
    other = held(server, w, -18)
    assert_error(server.api("PUT", walk_in_path(other["id"], cid), json={"delta": 1}, token=w.leader.token),
                 409, "walk_in_change_exists")
    assert get(server, other["id"], w.leader.token)[0]["walk_ins"] == 0


def test_the_count_never_goes_below_zero(server, w):
    s = held(server, w, -19)
    minus = uuid.uuid4()
    assert assert_json(server.api("PUT", walk_in_path(s["id"], minus), json={"delta": -1},
                                  token=w.leader.token), 201)["walk_ins"] == 0
    plus = assert_json(server.api("PUT", walk_in_path(s["id"], uuid.uuid4()), json={"delta": 2},
                                  token=w.leader2.token), 201)
    assert plus["walk_ins"] == 2
    # The -1 that did nothing on 0 does nothing when it comes again either.
    assert assert_json(server.api("PUT", walk_in_path(s["id"], minus), json={"delta": -1},
                                  token=w.leader.token), 200)["walk_ins"] == 2
    # A PATCH still sets the count; changes after it count from there.
    assert_json(server.api("PATCH", attendance_path(s["id"]), json={"walk_ins": 10}, token=w.leader.token), 200)
    body = assert_json(server.api("PUT", walk_in_path(s["id"], uuid.uuid4()), json={"delta": -3},
                                  token=w.leader.token), 201)
    assert body["walk_ins"] == 7


@pytest.mark.parametrize("body", [{}, {"delta": 0}, {"delta": 101}, {"delta": -101}, {"delta": 1.5},
                                  {"delta": "1"}, {"delta": None}], ids=lambda v: json.dumps(v))
def test_bad_walk_in_change(server, w, body):
    s = held(server, w, -20)
    assert_error(server.api("PUT", walk_in_path(s["id"], uuid.uuid4()), json=body, token=w.leader.token),
                 422, "invalid", "delta")
    assert get(server, s["id"], w.leader.token)[0]["walk_ins"] == 0


@pytest.mark.parametrize("who", ["p1", "member", "outsider"])
def test_others_may_not_count_walk_ins(server, w, who):
    s = held(server, w, -21)
    r = server.api("PUT", walk_in_path(s["id"], uuid.uuid4()), json={"delta": 1}, token=getattr(w, who).token)
    assert_error(r, 403, "forbidden")
    assert get(server, s["id"], w.leader.token)[0]["walk_ins"] == 0


@pytest.mark.parametrize("body,status,code,field", [
    ({}, 422, "invalid", "person_id"),
    ({"display_name": "Maija", "person_id": "MEMBER"}, 422, "invalid", "display_name"),
    ({"display_name": ""}, 422, "invalid", "display_name"),
    ({"display_name": " Maija"}, 422, "invalid", "display_name"),
    ({"display_name": "Maija\nVirtanen"}, 422, "invalid", "display_name"),
    ({"display_name": "x" * 101}, 422, "invalid", "display_name"),
    ({"person_id": "ei-henkilö"}, 422, "invalid", "person_id"),
    ({"person_id": "OUTSIDER"}, 422, "invalid", "person_id"),
    ({"person_id": "P1"}, 409, "signed_up", "person_id"),
], ids=lambda v: json.dumps(v)[:30])
def test_bad_drop_in(server, w, body, status, code, field):
    s = held(server, w, -13)
    names = {"MEMBER": w.member.id, "OUTSIDER": w.outsider.id, "P1": w.p1.id}
    body = {k: names.get(v, v) for k, v in body.items()}
    assert_error(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json=body, token=w.leader.token),
                 status, code, field)
    assert get(server, s["id"], w.leader.token)[0]["drop_ins"] == []


def test_a_member_drops_in_once(server, w):
    s = held(server, w, -14)
    assert_json(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json={"person_id": w.member2.id},
                           token=w.leader.token), 201)
    assert_error(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json={"person_id": w.member2.id},
                            token=w.leader.token), 409, "already_dropped_in")


def test_a_guests_name_is_for_the_leaders_only(server, w):
    s = held(server, w, -15)
    name = f"Vieras {uuid.uuid4().hex[:8]}"
    assert_json(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json={"display_name": name},
                           token=w.leader.token), 201)
    for who in (w.p1, w.member):
        r = raw_get(server, "/api/v1/me/export", token=who.token)
        assert r.status == 200 and name.encode() not in r.body
        r = raw_get(server, attendance_path(s["id"]), token=who.token)
        assert r.status == 403 and name.encode() not in r.body
    r = raw_get(server, report_path(w.slug, "2020-01-01", "2030-01-01"), token=w.coord.token)
    assert r.status == 200 and name.encode() not in r.body


def test_drop_ins_count_as_visits(server, admin):
    """A guest and a member dropping in are one adult's visit each; the member is
    a participant (unique, and first-time at their first presence), the guest is not."""
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader", member="member", p1="member")
    g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None, leaders=[r.leader.id])
    signed_up(server, "group", g["id"], r.p1.token, "confirmed", adults=1, children=2)
    s = add_session(server, g["id"], r.coord.token, in_days(-2))
    frm, to = (in_days(-3).date().isoformat(), in_days(0).date().isoformat())

    def total():
        rep = assert_json(server.api("GET", report_path(r.slug, frm, to), token=r.coord.token), 200)
        t = rep["total"]
        return (t["sessions_not_recorded"], t["visits"], t["adult_visits"], t["child_visits"],
                t["unique_participants"], t["first_time_participants"])
    assert total() == (1, 0, 0, 0, 0, 0)
    assert_json(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json={"display_name": "Vieras"},
                           token=r.leader.token), 201)
    assert total() == (0, 1, 1, 0, 0, 0)
    assert_json(server.api("PUT", drop_in_path(s["id"], uuid.uuid4()), json={"person_id": r.member.id},
                           token=r.leader.token), 201)
    assert total() == (0, 2, 2, 0, 1, 1)
    assert_json(server.api("PUT", record_path(s["id"], r.p1), json={"status": "present"},
                           token=r.leader.token), 200)
    assert total() == (0, 5, 3, 2, 2, 2)


def test_hours_of_two_leaders_sum_in_the_report(server, admin):
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader", leader2="leader")
    g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None,
                   leaders=[r.leader.id, r.leader2.id])
    s = add_session(server, g["id"], r.coord.token, in_days(-2))
    for who, hours in ((r.leader, 1.5), (r.leader2, 2.25)):
        assert_json(server.api("PATCH", attendance_path(s["id"]), json={"volunteer_hours": hours},
                               token=who.token), 200)
    frm, to = (in_days(-3).date().isoformat(), in_days(0).date().isoformat())
    rep = assert_json(server.api("GET", report_path(r.slug, frm, to), token=r.coord.token), 200)
    assert rep["total"]["volunteer_hours"] == 3.75
    assert rep["total"]["sessions_not_recorded"] == 0
