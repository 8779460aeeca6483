# SPDX-License-Identifier: Apache-2.0
"""Absence notices: an optional reason the group's leaders see (never a feed),
withdrawing a notice, and the person's own feed showing the session as not
attended (free time, a marker in the title) with SEQUENCE and DTSTAMP that
rise at each notice given or withdrawn, read alike by every parser."""

import json
import time
import uuid
from datetime import timedelta

import pytest

from helpers import (add_session, assert_error, assert_json, attendance_path, make_group, org_with_people,
                     raw_get, register, signed_up, today)
from test_feeds import DISCREET, feed, helsinki, my_feed_path

ABSENT = "Poissa: "


@pytest.fixture(scope="module")
def o(server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", leader="leader", p1="member", p2="member",
                        p3="member")
    o.g = make_group(server, o.slug, o.coord.token, access="closed", capacity=None, leaders=[o.leader.id],
                     title=f"Vertaisryhmä {uuid.uuid4().hex[:8]}")
    for p in (o.p1, o.p2, o.p3):
        signed_up(server, "group", o.g["id"], p.token, "confirmed")
    return o


def ahead(server, o, days=10):
    return add_session(server, o.g["id"], o.coord.token, helsinki(today() + timedelta(days=days)))


def absence_path(sid):
    return f"/api/v1/sessions/{sid}/absence"


def notice(server, sid, token, body=None):
    return server.api("POST", absence_path(sid), json=body if body is not None else {}, token=token)


def expected(server, o, sid):
    r = raw_get(server, attendance_path(sid), token=o.leader.token)
    assert r.status == 200, (r.status, r.body[:300])
    return {e["person_id"]: (e["absence_notice"], e["absence_reason"]) for e in json.loads(r.body)["expected"]}


def test_a_reason_for_the_leaders(server, o):
    s = ahead(server, o, 10)
    first = assert_json(notice(server, s["id"], o.p1.token, {"reason": "  Lapsi on kipeänä.  "}), 201)["absence"]
    assert first["reason"] == "Lapsi on kipeänä." and first["person_id"] == o.p1.id
    assert_json(notice(server, s["id"], o.p2.token), 201)
    seen = expected(server, o, s["id"])
    assert seen[o.p1.id] == (True, "Lapsi on kipeänä.")
    assert seen[o.p2.id] == (True, None)
    assert seen[o.p3.id] == (False, None)
    # Said again with another reason: the same notice, its reason changed.
    again = assert_json(notice(server, s["id"], o.p1.token, {"reason": "Työvuoro"}), 200)["absence"]
    assert again["created_at"] == first["created_at"] and again["reason"] == "Työvuoro"
    assert expected(server, o, s["id"])[o.p1.id] == (True, "Työvuoro")
    # The person's export carries their own reason.
    export = assert_json(server.api("GET", "/api/v1/me/export", token=o.p1.token), 200)
    mine = [n for n in export["absence_notices"] if n["session_id"] == s["id"]]
    assert [(n["reason"], n["withdrawn_at"]) for n in mine] == [("Työvuoro", None)]


@pytest.mark.parametrize("reason,ok", [
    ("x" * 500, True),
    ("  " + "ä" * 500 + "  ", True),
    ("x" * 501, False),
    ("Rivi\nToinen", False),
    ("Sarake\tToinen", False),
    ("\u202eevil", False),
    (17, False),
    (["x"], False),
], ids=lambda v: repr(v)[:20])
def test_reason_rules(server, o, reason, ok):
    s = ahead(server, o, 11)
    r = notice(server, s["id"], o.p3.token, {"reason": reason})
    if ok:
        assert assert_json(r, 201)["absence"]["reason"] == reason.strip()
    else:
        assert_error(r, 422, "invalid", "reason")
        assert expected(server, o, s["id"])[o.p3.id] == (False, None)


def test_a_blank_reason_is_none(server, o):
    s = ahead(server, o, 12)
    assert assert_json(notice(server, s["id"], o.p3.token, {"reason": "   "}), 201)["absence"]["reason"] is None


def test_withdraw(server, o):
    s = ahead(server, o, 13)
    assert_json(notice(server, s["id"], o.p1.token, {"reason": "Matkalla"}), 201)
    for _ in range(2):  # withdrawing twice is fine
        r = server.api("DELETE", absence_path(s["id"]), token=o.p1.token)
        assert r.status == 204, (r.status, r.body[:300])
    assert expected(server, o, s["id"])[o.p1.id] == (False, None)
    export = assert_json(server.api("GET", "/api/v1/me/export", token=o.p1.token), 200)
    mine = [n for n in export["absence_notices"] if n["session_id"] == s["id"]]
    assert len(mine) == 1 and mine[0]["reason"] is None and mine[0]["withdrawn_at"] is not None
    # Given again after withdrawing: a new notice.
    assert_json(notice(server, s["id"], o.p1.token), 201)
    assert expected(server, o, s["id"])[o.p1.id] == (True, None)
    # Only the person's own, and only a participant's.
    assert server.api("DELETE", absence_path(s["id"]), token=o.p2.token).status == 204
    assert expected(server, o, s["id"])[o.p1.id] == (True, None)
    for p in (o.leader, o.coord, register(server)):
        assert_error(server.api("DELETE", absence_path(s["id"]), token=p.token), 403, "forbidden")
    assert_error(server.api("DELETE", absence_path(s["id"])), 401, "unauthorized")
    assert_error(server.api("DELETE", absence_path(uuid.uuid4()), token=o.p1.token), 404, "not_found")


def event_of(server, person, sid):
    f = feed(server, my_feed_path(server, person))
    found = [e for e in f.events if str(e["UID"]) == f"p-{sid}@piiri"]
    assert len(found) == 1, f"{len(found)} events for the session"
    js = [x for x in (f.js or []) if x.get("uid") == f"p-{sid}@piiri"]
    return found[0], f, js


def test_the_feed_shows_the_session_as_not_attended(server, o):
    s = ahead(server, o, 14)
    title = o.g["title"]
    e, f, _ = event_of(server, o.p2, s["id"])
    assert str(e["SUMMARY"]) == title and "TRANSP" not in e
    seq0, stamp0 = int(e["SEQUENCE"]), e["DTSTAMP"].dt
    time.sleep(1.1)  # DTSTAMP has whole seconds
    assert_json(notice(server, s["id"], o.p2.token, {"reason": "Salainen syy"}), 201)
    e, f, js = event_of(server, o.p2, s["id"])
    assert str(e["SUMMARY"]) == ABSENT + title
    assert str(e["TRANSP"]) == "TRANSPARENT"
    assert str(e["STATUS"]) == "CONFIRMED"
    assert b"Salainen syy" not in f.raw, "the reason reached a feed"
    for x in js:
        assert x["summary"] == ABSENT + title, x
    seq1, stamp1 = int(e["SEQUENCE"]), e["DTSTAMP"].dt
    assert seq1 > seq0 and stamp1 > stamp0, ((seq0, stamp0), (seq1, stamp1))
    # Other sessions of the series and other people's feeds are as they were.
    other, _, _ = event_of(server, o.p3, s["id"])
    assert str(other["SUMMARY"]) == title and "TRANSP" not in other
    time.sleep(1.1)
    assert server.api("DELETE", absence_path(s["id"]), token=o.p2.token).status == 204
    e, _, _ = event_of(server, o.p2, s["id"])
    assert str(e["SUMMARY"]) == title and "TRANSP" not in e
    seq2, stamp2 = int(e["SEQUENCE"]), e["DTSTAMP"].dt
    assert seq2 > seq1 and stamp2 > stamp1, "withdrawing did not raise SEQUENCE and DTSTAMP"
    assert_json(notice(server, s["id"], o.p2.token), 201)
    e, _, _ = event_of(server, o.p2, s["id"])
    assert int(e["SEQUENCE"]) > seq2 and str(e["TRANSP"]) == "TRANSPARENT"


def test_discreet_feed_marks_the_absence_too(server, o):
    p = register(server)
    assert_json(server.api("PUT", f"/api/v1/orgs/{o.slug}/members/{p.id}", json={"role": "member"},
                           token=o.admin_token), 200)
    signed_up(server, "group", o.g["id"], p.token, "confirmed")
    assert_json(server.api("PATCH", "/api/v1/me", json={"discreet_calendar": True}, token=p.token), 200)
    s = ahead(server, o, 15)
    assert_json(notice(server, s["id"], p.token, {"reason": "Ei kerrota"}), 201)
    e, f, _ = event_of(server, p, s["id"])
    assert str(e["SUMMARY"]) == ABSENT + DISCREET
    assert o.g["title"].encode() not in f.raw
