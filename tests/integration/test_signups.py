# SPDX-License-Identifier: Apache-2.0
"""Signups: parties, capacity under concurrency, the FIFO waitlist, cancellation,
who may sign up and when, idempotent retries, who sees the list, absence notices."""

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from helpers import (add_session, assert_error, assert_json, assert_line, assert_signup,
                     assert_time, cancel_session, cancel_signup, concurrently, fresh_source,
                     in_days, make_group, my_signups, org_with_people, psql, raw_get, register,
                     register_many, set_role, sign_up, signed_up, session_of, signup_listing,
                     unique)


@pytest.fixture(scope="module")
def o(server, admin):
    """An org with a coordinator, two leaders, members p1..p6; another org with a
    coordinator and a member; a person in no org."""
    token = admin[1]
    o = org_with_people(server, token, coord="coordinator", leader="leader", leader2="leader",
                        member="member", p1="member", p2="member", p3="member", p4="member",
                        p5="member", p6="member")
    b = org_with_people(server, token, coord_b="coordinator", member_b="member")
    o.slug_b, o.coord_b, o.member_b = b.slug, b.coord_b, b.member_b
    o.outsider = register(server)
    o.admin_id = admin[0]["id"]
    return o


@pytest.fixture(scope="module")
def crowd(server):
    """100 people in no org (open public groups need no membership)."""
    return register_many(server, 100)


def closed_group(server, o, **fields):
    fields.setdefault("leaders", [o.leader.id])
    return make_group(server, o.slug, o.coord.token, access="closed", kind="peer_group", **fields)


def open_group(server, o, **fields):
    fields.setdefault("leaders", [o.leader.id])
    return make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", **fields)


def future_session(server, o, group, days=30):
    return add_session(server, group["id"], o.coord.token, in_days(days))


def seats_taken(server, group, session, days=30):
    return session_of(server, group["id"], session["id"], in_days(days))["seats_taken"]


def mine_for(server, person, **match):
    """PERSON's active (not cancelled) signups from /me/signups matching MATCH."""
    return [s for s in my_signups(server, person.token)
            if s["status"] != "cancelled" and all(s.get(k) == v for k, v in match.items())]


# --- Signing up -------------------------------------------------------------

def test_closed_group_signup_enrols_the_series(server, o):
    g = closed_group(server, o, capacity=10)
    s1, s2 = future_session(server, o, g, 30), future_session(server, o, g, 37)
    r = sign_up(server, "group", g["id"], o.p1.token, adults=2, children=1, note="Tulemme koko perhe")
    s = assert_signup(r, "confirmed", None, 3)
    assert set(s) >= {"id", "status", "waitlist_position", "seats"}
    # Group-level signups count on every session of the group.
    assert seats_taken(server, g, s1, 30) == 3
    assert seats_taken(server, g, s2, 37) == 3
    mine = mine_for(server, o.p1, group_id=g["id"])
    assert len(mine) == 1, mine
    m = mine[0]
    assert m["id"] == s["id"] and m["session_id"] is None and m["status"] == "confirmed"
    assert (m["adults"], m["children"], m["seats"], m["waitlist_position"]) == (2, 1, 3, None)


def test_empty_body_is_a_party_of_one_adult(server, o):
    g = closed_group(server, o, capacity=3)
    s = signed_up(server, "group", g["id"], o.p2.token, "confirmed", None)
    assert s["seats"] == 1
    m = mine_for(server, o.p2, group_id=g["id"])
    assert [(x["adults"], x["children"], x["seats"]) for x in m] == [(1, 0, 1)]


def test_no_body_at_all_is_a_party_of_one_adult(server, o):
    g = closed_group(server, o, capacity=3)
    r = server.api("POST", f"/api/v1/groups/{g['id']}/signups", token=o.p3.token)
    assert_signup(r, "confirmed", None, 1)
    m = mine_for(server, o.p3, group_id=g["id"])
    assert [(x["adults"], x["children"], x["seats"]) for x in m] == [(1, 0, 1)]


def test_open_group_signup_is_per_session(server, o):
    g = open_group(server, o, capacity=8)
    s1, s2 = future_session(server, o, g, 31), future_session(server, o, g, 38)
    a = signed_up(server, "session", s1["id"], o.p1.token, "confirmed", None, adults=1, children=2)
    assert a["seats"] == 3
    assert seats_taken(server, g, s1, 31) == 3
    assert seats_taken(server, g, s2, 38) == 0, "a session signup counted on another session"
    # The same person may sign up for another session of the same group.
    signed_up(server, "session", s2["id"], o.p1.token, "confirmed", None)
    assert seats_taken(server, g, s2, 38) == 1
    mine = {m["session_id"]: m for m in mine_for(server, o.p1, group_id=g["id"])}
    assert set(mine) == {s1["id"], s2["id"]}, mine
    assert mine[s1["id"]]["seats"] == 3 and mine[s2["id"]]["seats"] == 1


def test_open_group_without_capacity_takes_rsvps_always_confirmed(server, o):
    g = open_group(server, o, capacity=None)
    s = future_session(server, o, g)
    for p in (o.p1, o.p2, o.p3):
        signed_up(server, "session", s["id"], p.token, "confirmed", None, adults=6, children=6)
    assert seats_taken(server, g, s) == 36


def test_camp_takes_group_signups_even_when_open(server, o):
    g = make_group(server, o.slug, o.coord.token, kind="camp", access="open", capacity=20,
                   leaders=[o.leader.id])
    s = future_session(server, o, g, 60)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2, children=2)
    assert seats_taken(server, g, s, 60) == 4
    assert_error(sign_up(server, "session", s["id"], o.p2.token), 409, "wrong_signup_kind")


def test_wrong_signup_kind(server, o):
    og = open_group(server, o, capacity=5)
    os_ = future_session(server, o, og)
    assert_error(sign_up(server, "group", og["id"], o.p1.token), 409, "wrong_signup_kind")
    cg = closed_group(server, o, capacity=5)
    cs = future_session(server, o, cg)
    assert_error(sign_up(server, "session", cs["id"], o.p1.token), 409, "wrong_signup_kind")
    assert mine_for(server, o.p1, group_id=og["id"]) == []
    assert mine_for(server, o.p1, group_id=cg["id"]) == []
    assert seats_taken(server, og, os_) == 0 and seats_taken(server, cg, cs) == 0


# --- Parties ----------------------------------------------------------------

@pytest.fixture(scope="module")
def unlimited(server, o):
    """A closed group without a capacity, for party rules."""
    return closed_group(server, o, capacity=None)


@pytest.mark.parametrize("party,fields", [
    ({"adults": -1}, ("adults",)),
    ({"adults": 13}, ("adults",)),
    ({"adults": "2"}, ("adults",)),
    ({"adults": 1.5}, ("adults",)),
    ({"adults": True}, ("adults",)),
    ({"adults": [1]}, ("adults",)),
    ({"children": -1}, ("children",)),
    ({"children": 13}, ("children",)),
    ({"children": "1"}, ("children",)),
    ({"children": 0.5}, ("children",)),
    ({"children": False}, ("children",)),
    ({"adults": 0, "children": 0}, ("adults", "seats")),
    ({"adults": 0}, ("adults", "seats")),
    ({"adults": 7, "children": 6}, ("adults", "children", "seats")),
    ({"adults": 12, "children": 1}, ("adults", "children", "seats")),
    ({"note": "x" * 501}, ("note",)),
    ({"note": "ä" * 501}, ("note",)),
    ({"note": 5}, ("note",)),
    ({"note": ["hei"]}, ("note",)),
])
def test_bad_party_422(server, o, unlimited, party, fields):
    r = sign_up(server, "group", unlimited["id"], o.member.token, **party)
    err = assert_error(r, 422, "invalid")
    assert err.get("field") in fields, f"field {err.get('field')!r}, expected one of {fields}"
    assert mine_for(server, o.member, group_id=unlimited["id"]) == [], "a rejected party was saved"


def test_party_limits_accepted(server, o, unlimited):
    cases = [(o.p1, {"adults": 12}, 12), (o.p2, {"adults": 0, "children": 12}, 12),
             (o.p3, {"adults": 6, "children": 6}, 12), (o.p4, {"adults": 0, "children": 1}, 1),
             (o.p5, {"note": "ä" * 500}, 1), (o.p6, {"adults": 1, "children": 0, "note": ""}, 1)]
    got = {}
    for p, party, seats in cases:
        s = signed_up(server, "group", unlimited["id"], p.token, "confirmed", None, **party)
        assert s["seats"] == seats, (party, s)
        got[s["id"]] = (p.id, party.get("adults", 1), party.get("children", 0))
    listing = signup_listing(server, "group", unlimited["id"], o.coord.token)
    assert {s["id"]: (s["person_id"], s["adults"], s["children"]) for s in listing} == got


def test_party_bigger_than_capacity_422_seats(server, o):
    g = closed_group(server, o, capacity=5)
    assert_error(sign_up(server, "group", g["id"], o.p1.token, adults=3, children=3), 422,
                 "invalid", "seats")
    og = open_group(server, o, capacity=2)
    s = future_session(server, o, og)
    assert_error(sign_up(server, "session", s["id"], o.p1.token, adults=1, children=2), 422,
                 "invalid", "seats")
    assert mine_for(server, o.p1, group_id=g["id"]) == []
    assert mine_for(server, o.p1, group_id=og["id"]) == []
    # A party exactly the size of the group fits.
    signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2, children=3)


def test_party_bigger_than_lowered_capacity_422_seats(server, o):
    g = closed_group(server, o, capacity=5)
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"capacity": 2}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["capacity"] == 2
    assert_error(sign_up(server, "group", g["id"], o.p1.token, adults=3), 422, "invalid", "seats")
    signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)


# --- Capacity and the waitlist ----------------------------------------------

def test_100_concurrent_signups_for_10_seats(server, o, crowd):
    g = open_group(server, o, capacity=10)
    s = future_session(server, o, g)
    sources = [fresh_source() for _ in crowd]
    calls = [lambda p=p, src=src: sign_up(server, "session", s["id"], p.token, source=src)
             for p, src in zip(crowd, sources)]
    signups = [assert_signup(r, seats=1) for r in concurrently(calls)]
    assert len({x["id"] for x in signups}) == 100
    confirmed = [x for x in signups if x["status"] == "confirmed"]
    waitlisted = sorted((x for x in signups if x["status"] == "waitlisted"),
                        key=lambda x: x["waitlist_position"])
    assert (len(confirmed), len(waitlisted)) == (10, 90)
    assert [x["waitlist_position"] for x in waitlisted] == list(range(1, 91))
    assert seats_taken(server, g, s) == 10
    listing = signup_listing(server, "session", s["id"], o.leader.token)
    assert_line(listing, [x["id"] for x in confirmed], [x["id"] for x in waitlisted])
    by_id = {x["id"]: p for x, p in zip(signups, crowd)}
    for x in listing:
        assert x["person_id"] == by_id[x["id"]].id and x["display_name"] == by_id[x["id"]].display_name


def test_concurrent_families_never_overbook(server, o, crowd):
    """30 parties of 1-3 at once into a closed group of 10 seats with two sessions."""
    g = closed_group(server, o, capacity=10)
    s1, s2 = future_session(server, o, g, 40), future_session(server, o, g, 47)
    people = crowd[:30]
    sizes = [1 + i % 3 for i in range(30)]
    calls = [lambda p=p, n=n: sign_up(server, "group", g["id"], p.token, source=fresh_source(),
                                      adults=1, children=n - 1)
             for p, n in zip(people, sizes)]
    signups = [assert_signup(r) for r in concurrently(calls)]
    assert [x["seats"] for x in signups] == sizes
    confirmed = [x for x in signups if x["status"] == "confirmed"]
    waitlisted = sorted((x for x in signups if x["status"] == "waitlisted"),
                        key=lambda x: x["waitlist_position"])
    taken = sum(x["seats"] for x in confirmed)
    assert taken <= 10
    assert [x["waitlist_position"] for x in waitlisted] == list(range(1, len(waitlisted) + 1))
    assert waitlisted, "60 seats asked for 10: somebody must wait"
    # Strict FIFO without cancellations: the head of the line did not fit when it came,
    # and nobody after it was let in, so it still does not fit.
    assert waitlisted[0]["seats"] > 10 - taken, (taken, waitlisted[0])
    assert seats_taken(server, g, s1, 40) == taken
    assert seats_taken(server, g, s2, 47) == taken
    assert_line(signup_listing(server, "group", g["id"], o.coord.token),
                [x["id"] for x in confirmed], [x["id"] for x in waitlisted])


def test_families_strict_fifo(server, o):
    g = open_group(server, o, capacity=5)
    s = future_session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None, adults=1, children=2)
    b = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1, adults=2, children=1)
    # Two seats are free and a single person would fit, but may not overtake the line.
    c = signed_up(server, "session", s["id"], o.p3.token, "waitlisted", 2)
    assert seats_taken(server, g, s) == 3
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [a["id"]], [b["id"], c["id"]])
    assert [m["waitlist_position"] for m in mine_for(server, o.p3, session_id=s["id"])] == [2]
    # The family of three leaves: the next family (3) and then the single (1) fit.
    r = cancel_signup(server, a["id"], o.p1.token)
    assert r.status == 204, r
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [b["id"], c["id"]], [])
    assert seats_taken(server, g, s) == 4
    for p, sid in ((o.p2, b["id"]), (o.p3, c["id"])):
        m = mine_for(server, p, session_id=s["id"])
        assert [(x["id"], x["status"], x["waitlist_position"]) for x in m] == [(sid, "confirmed", None)]


def test_promotion_stops_at_the_first_that_does_not_fit(server, o):
    g = closed_group(server, o, capacity=5)
    s = future_session(server, o, g)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    b = signed_up(server, "group", g["id"], o.p2.token, "confirmed", None, adults=1, children=2)
    c = signed_up(server, "group", g["id"], o.p3.token, "waitlisted", 1, adults=2, children=2)
    d = signed_up(server, "group", g["id"], o.p4.token, "waitlisted", 2)
    e = signed_up(server, "group", g["id"], o.p5.token, "waitlisted", 3)
    assert seats_taken(server, g, s) == 5
    # Two seats free: the head (4) does not fit, and the singles behind it wait.
    assert cancel_signup(server, a["id"], o.coord.token).status == 204
    assert_line(signup_listing(server, "group", g["id"], o.leader.token),
                [b["id"]], [c["id"], d["id"], e["id"]])
    assert seats_taken(server, g, s) == 3
    # Five free: the family of four, then one single; the other single waits first in line.
    assert cancel_signup(server, b["id"], o.p2.token).status == 204
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [c["id"], d["id"]], [e["id"]])
    assert seats_taken(server, g, s) == 5
    assert [(m["status"], m["waitlist_position"]) for m in mine_for(server, o.p5, group_id=g["id"])] \
        == [("waitlisted", 1)]


def test_cancelling_a_waitlisted_signup_closes_the_gap(server, o):
    g = open_group(server, o, capacity=1)
    s = future_session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None)
    b, c, d, e = (signed_up(server, "session", s["id"], p.token, "waitlisted", i)
                  for i, p in enumerate((o.p2, o.p3, o.p4, o.p5), 1))
    assert cancel_signup(server, c["id"], o.p3.token).status == 204
    assert_line(signup_listing(server, "session", s["id"], o.coord.token), [a["id"]], [b["id"], d["id"], e["id"]])
    assert [m["waitlist_position"] for m in mine_for(server, o.p5, session_id=s["id"])] == [3]
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    assert_line(signup_listing(server, "session", s["id"], o.coord.token), [b["id"]], [d["id"], e["id"]])
    assert seats_taken(server, g, s) == 1
    # A later arrival joins the end of the line.
    f = signed_up(server, "session", s["id"], o.p6.token, "waitlisted", 3)
    assert_line(signup_listing(server, "session", s["id"], o.coord.token), [b["id"]], [d["id"], e["id"], f["id"]])


def test_concurrent_cancellations_and_signups_keep_the_line(server, o, crowd):
    """5 seats, 5 confirmed and 5 waiting; then at once 4 confirmed and 3 waiting cancel
    while 6 newcomers sign up. Those already in line must all end up confirmed."""
    g = open_group(server, o, capacity=5)
    s = future_session(server, o, g)
    old, new = crowd[40:50], crowd[50:56]
    first = [signed_up(server, "session", s["id"], p.token) for p in old]
    assert [x["status"] for x in first] == ["confirmed"] * 5 + ["waitlisted"] * 5
    leaving = first[:4] + first[5:8]
    staying = [first[4]] + first[8:]
    calls = [lambda x=x, p=p: cancel_signup(server, x["id"], p.token)
             for x, p in zip(first, old) if x in leaving]
    calls += [lambda p=p: sign_up(server, "session", s["id"], p.token, source=fresh_source()) for p in new]
    results = concurrently(calls)
    assert [r.status for r in results[:7]] == [204] * 7, results[:7]
    newcomers = [assert_signup(r) for r in results[7:]]
    listing = signup_listing(server, "session", s["id"], o.coord.token)
    assert len(listing) == 9, listing
    confirmed = [x["id"] for x in listing if x["status"] == "confirmed"]
    assert len(confirmed) == 5
    assert {x["id"] for x in staying} <= set(confirmed), "somebody overtook the line"
    waiting = [x for x in listing if x["status"] == "waitlisted"]
    assert [x["waitlist_position"] for x in waiting] == [1, 2, 3, 4]
    assert {x["id"] for x in waiting} <= {x["id"] for x in newcomers}
    assert seats_taken(server, g, s) == 5


# --- Cancelling -------------------------------------------------------------

def test_cancel_permissions(server, o):
    g = closed_group(server, o, capacity=10)
    owner_s = signed_up(server, "group", g["id"], o.p1.token)
    for who in (o.p2, o.leader, o.coord_b, o.outsider):
        assert_error(cancel_signup(server, owner_s["id"], who.token), 403, "forbidden")
    assert_error(server.api("DELETE", f"/api/v1/signups/{owner_s['id']}"), 401, "unauthorized")
    assert mine_for(server, o.p1, group_id=g["id"])[0]["status"] == "confirmed"
    assert cancel_signup(server, owner_s["id"], o.p1.token).status == 204
    by_coord = signed_up(server, "group", g["id"], o.p2.token)
    assert cancel_signup(server, by_coord["id"], o.coord.token).status == 204
    by_admin = signed_up(server, "group", g["id"], o.p3.token)
    assert cancel_signup(server, by_admin["id"], o.admin_token).status == 204
    for p in (o.p1, o.p2, o.p3):
        assert mine_for(server, p, group_id=g["id"]) == []
    assert signup_listing(server, "group", g["id"], o.coord.token) == []


def test_cancel_unknown_signup_404(server, o):
    for sid in (str(uuid.uuid4()), "not-a-signup"):
        assert_error(cancel_signup(server, sid, o.coord.token), 404, "not_found")


def test_cancel_twice(server, o):
    g = closed_group(server, o, capacity=1)
    s = future_session(server, o, g)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    b = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    r = cancel_signup(server, a["id"], o.p1.token)
    assert r.status in (404, 409), r
    assert_error(r, r.status, "not_found" if r.status == 404 else "already_cancelled")
    # The second cancel freed nothing more.
    assert_line(signup_listing(server, "group", g["id"], o.coord.token), [b["id"]], [])
    assert seats_taken(server, g, s) == 1


def test_me_signups_shows_own_only_and_cancelled_as_cancelled_or_not_at_all(server, o):
    g, g2 = closed_group(server, o, capacity=4), closed_group(server, o, capacity=4)
    a = signed_up(server, "group", g["id"], o.p1.token, adults=2)
    later = signed_up(server, "group", g2["id"], o.p1.token)
    other = signed_up(server, "group", g["id"], o.p2.token)
    ids = [m["id"] for m in my_signups(server, o.p1.token)]
    assert a["id"] in ids and other["id"] not in ids
    assert len(ids) == len(set(ids))
    assert ids.index(later["id"]) < ids.index(a["id"]), "not newest first"
    for m in my_signups(server, o.p1.token):
        assert set(m) >= {"id", "group_id", "session_id", "status", "waitlist_position",
                          "adults", "children", "seats"}, m
        assert "email" not in m
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    after = [m for m in my_signups(server, o.p1.token) if m["id"] == a["id"]]
    assert after == [] or [m["status"] for m in after] == ["cancelled"], after
    if after:
        assert after[0]["waitlist_position"] is None
    assert_error(server.api("GET", "/api/v1/me/signups"), 401, "unauthorized")


# --- Who may sign up, and when ----------------------------------------------

def test_members_only_group(server, o):
    g = closed_group(server, o, capacity=10, audience="members")
    for p in (o.outsider, o.member_b, o.coord_b):
        assert_error(sign_up(server, "group", g["id"], p.token), 403, "members_only")
    for p in (o.p1, o.leader2, o.coord):
        signed_up(server, "group", g["id"], p.token, "confirmed")
    og = open_group(server, o, capacity=10, audience="members")
    s = future_session(server, o, og)
    assert_error(sign_up(server, "session", s["id"], o.outsider.token), 403, "members_only")
    signed_up(server, "session", s["id"], o.p1.token, "confirmed")
    assert seats_taken(server, og, s) == 1
    # Membership given later opens the door.
    newcomer = register(server)
    assert_error(sign_up(server, "group", g["id"], newcomer.token), 403, "members_only")
    set_role(server, o.slug, newcomer.id, "member", o.coord.token)
    signed_up(server, "group", g["id"], newcomer.token, "confirmed")


def test_public_group_takes_anyone(server, o):
    g = closed_group(server, o, capacity=10, audience="public")
    for p in (o.outsider, o.member_b):
        signed_up(server, "group", g["id"], p.token, "confirmed")


def test_second_signup_409_and_again_after_cancel(server, o):
    g = closed_group(server, o, capacity=10)
    a = signed_up(server, "group", g["id"], o.p1.token)
    assert_error(sign_up(server, "group", g["id"], o.p1.token, adults=2), 409, "already_signed_up")
    og = open_group(server, o, capacity=1)
    s = future_session(server, o, og)
    signed_up(server, "session", s["id"], o.p2.token, "confirmed")
    w = signed_up(server, "session", s["id"], o.p1.token, "waitlisted", 1)
    # Waitlisted is active too.
    assert_error(sign_up(server, "session", s["id"], o.p1.token), 409, "already_signed_up")
    assert len(mine_for(server, o.p1, group_id=g["id"])) == 1
    assert len(mine_for(server, o.p1, session_id=s["id"])) == 1
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    again = signed_up(server, "group", g["id"], o.p1.token, "confirmed", adults=2)
    assert again["id"] != a["id"] and again["seats"] == 2
    assert cancel_signup(server, w["id"], o.p1.token).status == 204
    again_w = signed_up(server, "session", s["id"], o.p1.token, "waitlisted", 1)
    assert again_w["id"] != w["id"]


@pytest.mark.parametrize("window", [
    {"opens": in_days(3).isoformat()},
    {"opens": in_days(3).isoformat(), "closes": in_days(10).isoformat()},
    {"closes": in_days(-1).isoformat()},
    {"opens": in_days(-20).isoformat(), "closes": in_days(-1).isoformat()},
], ids=["opens-later", "opens-later-with-close", "closed", "was-open"])
def test_registration_window_closed_409(server, o, window):
    g = closed_group(server, o, capacity=10, registration=window)
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "registration_closed")
    og = open_group(server, o, capacity=10, registration=window)
    s = future_session(server, o, og)
    assert_error(sign_up(server, "session", s["id"], o.p1.token), 409, "registration_closed")
    assert mine_for(server, o.p1, group_id=g["id"]) == []
    assert mine_for(server, o.p1, group_id=og["id"]) == []


def test_registration_window_open(server, o):
    window = {"opens": in_days(-2).isoformat(), "closes": in_days(2).isoformat()}
    g = closed_group(server, o, capacity=10, registration=window)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    og = open_group(server, o, capacity=10, registration=window)
    s = future_session(server, o, og)
    signed_up(server, "session", s["id"], o.p1.token, "confirmed")


def test_cancelled_session_409(server, o):
    og = open_group(server, o, capacity=10)
    s = future_session(server, o, og)
    cancel_session(server, s["id"], o.coord.token)
    r = sign_up(server, "session", s["id"], o.p1.token)
    assert_error(r, 409, "session_cancelled")
    assert mine_for(server, o.p1, session_id=s["id"]) == []


def test_session_over_409(server, o):
    og = open_group(server, o, capacity=10)
    s = add_session(server, og["id"], o.coord.token, in_days(-1))
    assert_error(sign_up(server, "session", s["id"], o.p1.token), 409, "session_over")
    assert mine_for(server, o.p1, session_id=s["id"]) == []


def test_archived_group_409(server, o):
    cg = closed_group(server, o, capacity=10)
    og = open_group(server, o, capacity=10)
    s = future_session(server, o, og)
    for g in (cg, og):
        r = server.api("DELETE", f"/api/v1/groups/{g['id']}", token=o.coord.token)
        assert r.status in (200, 204), r
    assert_error(sign_up(server, "group", cg["id"], o.p1.token), 409, "group_archived")
    assert_error(sign_up(server, "session", s["id"], o.p1.token), 409, "group_archived")
    assert mine_for(server, o.p1, group_id=cg["id"]) == []
    assert mine_for(server, o.p1, group_id=og["id"]) == []


def test_signup_needs_a_token(server, o):
    g = closed_group(server, o, capacity=10)
    og = open_group(server, o, capacity=10)
    s = future_session(server, o, og)
    assert_error(server.api("POST", f"/api/v1/groups/{g['id']}/signups", json={}), 401, "unauthorized")
    assert_error(server.api("POST", f"/api/v1/sessions/{s['id']}/signups", json={}), 401, "unauthorized")
    assert signup_listing(server, "group", g["id"], o.coord.token) == []


@pytest.mark.parametrize("kind", ["group", "session"])
@pytest.mark.parametrize("target", ["uuid", "not-an-id"])
def test_signup_unknown_target_404(server, o, kind, target):
    tid = str(uuid.uuid4()) if target == "uuid" else target
    assert_error(sign_up(server, kind, tid, o.p1.token), 404, "not_found")


# --- Idempotency-Key --------------------------------------------------------

def test_idempotent_retry_returns_the_first_answer(server, o):
    g = closed_group(server, o, capacity=2)
    s = future_session(server, o, g)
    key = unique("retry")
    first = sign_up(server, "group", g["id"], o.p1.token, key=key, adults=1, children=1)
    a = assert_signup(first, "confirmed", None, 2)
    again = sign_up(server, "group", g["id"], o.p1.token, key=key, adults=1, children=1)
    assert again.status == first.status and again.body == first.body
    assert len(mine_for(server, o.p1, group_id=g["id"])) == 1
    assert seats_taken(server, g, s) == 2
    # A waitlisted answer is replayed the same way, not re-decided.
    wkey = unique("retry")
    w = assert_signup(sign_up(server, "group", g["id"], o.p2.token, key=wkey), "waitlisted", 1)
    r = sign_up(server, "group", g["id"], o.p2.token, key=wkey)
    assert r.status == 201 and r.body == {"signup": w}, r
    # Without the key, the same request is a second signup: 409.
    assert_error(sign_up(server, "group", g["id"], o.p1.token, adults=1, children=1), 409,
                 "already_signed_up")
    assert [x["id"] for x in signup_listing(server, "group", g["id"], o.coord.token)] == [a["id"], w["id"]]


def test_idempotency_key_is_per_person(server, o):
    g = closed_group(server, o, capacity=10)
    key = unique("shared")
    a = assert_signup(sign_up(server, "group", g["id"], o.p1.token, key=key))
    b = assert_signup(sign_up(server, "group", g["id"], o.p2.token, key=key))
    assert a["id"] != b["id"]
    assert {x["person_id"] for x in signup_listing(server, "group", g["id"], o.coord.token)} == {o.p1.id, o.p2.id}


def test_idempotency_key_of_a_failed_request(server, o):
    """A refused request makes nothing to remember: the same key is refused the same way
    while nothing changes, and works once the person may sign up."""
    g = closed_group(server, o, capacity=10, audience="members")
    p = register(server)
    key = unique("late-member")
    for _ in range(2):
        assert_error(sign_up(server, "group", g["id"], p.token, key=key), 403, "members_only")
    set_role(server, o.slug, p.id, "member", o.coord.token)
    a = assert_signup(sign_up(server, "group", g["id"], p.token, key=key), "confirmed")
    r = sign_up(server, "group", g["id"], p.token, key=key)
    assert r.status == 201 and r.body == {"signup": a}


def test_idempotency_key_reused_elsewhere_422(server, o):
    g1, g2 = closed_group(server, o, capacity=10), closed_group(server, o, capacity=10)
    key = unique("reuse")
    assert_signup(sign_up(server, "group", g1["id"], o.p1.token, key=key))
    assert_error(sign_up(server, "group", g2["id"], o.p1.token, key=key), 422, "invalid", "Idempotency-Key")
    og = open_group(server, o, capacity=10)
    s = future_session(server, o, og)
    assert_error(sign_up(server, "session", s["id"], o.p1.token, key=key), 422, "invalid", "Idempotency-Key")
    assert mine_for(server, o.p1, group_id=g2["id"]) == []
    assert mine_for(server, o.p1, group_id=og["id"]) == []


def test_20_concurrent_requests_with_one_key_make_one_signup(server, o):
    og = open_group(server, o, capacity=3)
    s = future_session(server, o, og)
    key = unique("storm")
    results = concurrently([lambda: sign_up(server, "session", s["id"], o.p1.token, key=key,
                                            adults=1, children=1)
                            for _ in range(20)])
    first = assert_signup(results[0], seats=2)
    # Every request gets the one answer: the same status and body.
    assert [(r.status, r.body) for r in results] == [(201, {"signup": first})] * 20
    assert len(mine_for(server, o.p1, session_id=s["id"])) == 1
    assert seats_taken(server, og, s) == 2
    # Once answered, the key replays the answer.
    again = sign_up(server, "session", s["id"], o.p1.token, key=key, adults=1, children=1)
    assert again.status == 201 and again.body == {"signup": first}


# --- Who sees who is coming -------------------------------------------------

@pytest.fixture(scope="module")
def coming(server, o):
    """A closed group (capacity 3) with p1 (family of 3) confirmed and p2 waiting;
    an open group's session with p3 confirmed and p4 waiting."""
    g = closed_group(server, o, capacity=3)
    og = open_group(server, o, capacity=1)
    s = future_session(server, o, og)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", adults=1, children=2)
    b = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1)
    c = signed_up(server, "session", s["id"], o.p3.token, "confirmed")
    d = signed_up(server, "session", s["id"], o.p4.token, "waitlisted", 1)
    return g, s, a, b, c, d


@pytest.mark.parametrize("kind", ["group", "session"])
@pytest.mark.parametrize("who", ["leader", "coord", "admin"])
def test_signup_list_for_leaders_and_coordinators(server, o, coming, kind, who):
    g, s, a, b, c, d = coming
    token = o.admin_token if who == "admin" else getattr(o, who).token
    if kind == "group":
        listing = signup_listing(server, "group", g["id"], token)
        assert_line(listing, [a["id"]], [b["id"]])
        want = {a["id"]: (o.p1, 1, 2), b["id"]: (o.p2, 1, 0)}
    else:
        listing = signup_listing(server, "session", s["id"], token)
        assert_line(listing, [c["id"]], [d["id"]])
        want = {c["id"]: (o.p3, 1, 0), d["id"]: (o.p4, 1, 0)}
    for x in listing:
        assert set(x) >= {"id", "person_id", "display_name", "adults", "children", "status",
                          "waitlist_position"}, x
        p, adults, children = want[x["id"]]
        assert (x["person_id"], x["display_name"], x["adults"], x["children"]) == \
            (p.id, p.display_name, adults, children)


@pytest.mark.parametrize("kind", ["group", "session"])
@pytest.mark.parametrize("who", ["leader2", "member", "p1", "p3", "coord_b", "outsider"])
def test_signup_list_forbidden_for_others(server, o, coming, kind, who):
    g, s, *_ = coming
    target = g["id"] if kind == "group" else s["id"]
    r = raw_get(server, f"/api/v1/{kind}s/{target}/signups", token=getattr(o, who).token)
    assert r.status == 403, (r.status, r.body[:300])
    assert json.loads(r.body)["error"]["code"] == "forbidden"
    assert b"@" not in r.body and getattr(o, "p1").display_name.encode() not in r.body


@pytest.mark.parametrize("kind", ["group", "session"])
def test_signup_list_anonymous_401_unknown_404(server, o, coming, kind):
    g, s, *_ = coming
    target = g["id"] if kind == "group" else s["id"]
    assert_error(server.api("GET", f"/api/v1/{kind}s/{target}/signups"), 401, "unauthorized")
    assert_error(server.api("GET", f"/api/v1/{kind}s/{uuid.uuid4()}/signups", token=o.coord.token),
                 404, "not_found")


# --- Absence notices ---------------------------------------------------------

def absence(server, sid, token):
    return server.api("POST", f"/api/v1/sessions/{sid}/absence", json={}, token=token)


def test_absence_notice(server, o):
    g = closed_group(server, o, capacity=1)
    s1, s2 = future_session(server, o, g, 30), future_session(server, o, g, 37)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1)
    first = assert_json(absence(server, s1["id"], o.p1.token), 201)["absence"]
    assert (first["session_id"], first["person_id"]) == (s1["id"], o.p1.id)
    assert_time(first["created_at"])
    again = assert_json(absence(server, s1["id"], o.p1.token), 200)["absence"]
    assert again == first
    # Not confirmed, not a participant, or a leader: 403.
    for p in (o.p2, o.p3, o.leader, o.coord, o.outsider):
        assert_error(absence(server, s1["id"], p.token), 403, "forbidden")
    assert_error(absence(server, s1["id"], None), 401, "unauthorized")
    assert_error(absence(server, str(uuid.uuid4()), o.p1.token), 404, "not_found")
    # The leader sees the notice for that session only.
    for s, notice in ((s1, True), (s2, False)):
        r = raw_get(server, f"/api/v1/sessions/{s['id']}/attendance", token=o.leader.token)
        assert r.status == 200, (r.status, r.body[:300])
        assert b"@" not in r.body
        expected = json.loads(r.body)["expected"]
        assert [(e["person_id"], e["absence_notice"]) for e in expected] == [(o.p1.id, notice)]


# --- Cancelling a session or a group leaves the signups ---------------------

def test_cancelled_session_and_archived_group_keep_signups(server, o):
    g = closed_group(server, o, capacity=1)
    gs = future_session(server, o, g)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    b = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1)
    og = open_group(server, o, capacity=1)
    s = future_session(server, o, og)
    c = signed_up(server, "session", s["id"], o.p3.token, "confirmed")
    d = signed_up(server, "session", s["id"], o.p4.token, "waitlisted", 1)

    def states():
        # A series signup's next_session follows the sessions: it is not the signup.
        return (signup_listing(server, "group", g["id"], o.coord.token),
                signup_listing(server, "session", s["id"], o.coord.token),
                [[{k: v for k, v in m.items() if k != "next_session"}
                  for m in mine_for(server, p, group_id=x["id"])] for p, x in
                 ((o.p1, g), (o.p2, g), (o.p3, og), (o.p4, og))])
    before = states()
    assert_line(before[0], [a["id"]], [b["id"]])
    assert_line(before[1], [c["id"]], [d["id"]])
    cancel_session(server, gs["id"], o.coord.token)
    cancel_session(server, s["id"], o.coord.token)
    assert states() == before
    assert [m["next_session"] for m in mine_for(server, o.p1, group_id=g["id"])] == [None]
    for x in (g, og):
        assert server.api("DELETE", f"/api/v1/groups/{x['id']}", token=o.coord.token).status in (200, 204)
    assert states() == before


# --- Lowering the capacity ----------------------------------------------------

def patch_capacity(server, o, g, capacity, confirm=None):
    path = f"/api/v1/groups/{g['id']}" + (f"?confirm={confirm}" if confirm else "")
    return server.api("PATCH", path, json={"capacity": capacity}, token=o.coord.token)


def test_capacity_below_the_series_seats_taken_409_unless_confirmed(server, o):
    g = closed_group(server, o, capacity=4)
    s = future_session(server, o, g)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None)
    b = signed_up(server, "group", g["id"], o.p2.token, "confirmed", None)
    c = signed_up(server, "group", g["id"], o.p3.token, "confirmed", None, adults=2)
    w = signed_up(server, "group", g["id"], o.p4.token, "waitlisted", 1)
    assert_error(patch_capacity(server, o, g, 2), 409, "capacity_below_taken", "capacity")
    got = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}", token=o.coord.token), 200)
    assert got["group"]["capacity"] == 4
    body = assert_json(patch_capacity(server, o, g, 2, "capacity_below_taken"), 200)
    assert body["group"]["capacity"] == 2
    assert body["over_capacity"] == [{"session_id": None, "starts_at": None, "seats_taken": 4, "capacity": 2}]
    # Nobody confirmed is bumped, and nobody moves up while the series is full.
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [a["id"], b["id"], c["id"]], [w["id"]])
    assert seats_taken(server, g, s) == 4
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    assert cancel_signup(server, b["id"], o.p2.token).status == 204
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [c["id"]], [w["id"]])
    assert seats_taken(server, g, s) == 2
    assert cancel_signup(server, c["id"], o.p3.token).status == 204
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [w["id"]], [])
    assert seats_taken(server, g, s) == 1


def test_capacity_below_a_future_sessions_seats_taken(server, o):
    g = open_group(server, o, capacity=5)
    later, sooner = future_session(server, o, g, 30), future_session(server, o, g, 23)
    for p in (o.p1, o.p2, o.p3):
        signed_up(server, "session", later["id"], p.token, "confirmed")
    signed_up(server, "session", sooner["id"], o.p1.token, "confirmed", adults=2)
    assert_error(patch_capacity(server, o, g, 1), 409, "capacity_below_taken", "capacity")
    body = assert_json(patch_capacity(server, o, g, 1, "capacity_below_taken"), 200)
    over = body["over_capacity"]
    assert [(x["session_id"], x["seats_taken"], x["capacity"]) for x in over] == \
        [(sooner["id"], 2, 1), (later["id"], 3, 1)], over
    assert [x["starts_at"] for x in over] == [sooner["starts_at"], later["starts_at"]]
    # A newcomer waits; the confirmed stay.
    signed_up(server, "session", later["id"], o.p4.token, "waitlisted", 1)
    assert seats_taken(server, g, later) == 3


def test_capacity_lowered_to_what_is_taken_needs_no_confirmation(server, o):
    g = closed_group(server, o, capacity=5)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    body = assert_json(patch_capacity(server, o, g, 2), 200)
    assert body["group"]["capacity"] == 2 and "over_capacity" not in body
    # Raising it, or making it unlimited, never needs one.
    assert "over_capacity" not in assert_json(patch_capacity(server, o, g, 3), 200)
    assert assert_json(patch_capacity(server, o, g, None), 200)["group"]["capacity"] is None
    # A confirmation that has nothing to confirm changes nothing else.
    assert "over_capacity" not in assert_json(patch_capacity(server, o, g, 4, "capacity_below_taken"), 200)


def test_capacity_confirmation_is_checked(server, o):
    g = closed_group(server, o, capacity=5)
    assert_error(patch_capacity(server, o, g, 1, "yes"), 422, "invalid", "confirm")
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}?confrim=capacity_below_taken",
                   json={"capacity": 1}, token=o.coord.token)
    assert_error(r, 400, "unknown_parameter", "confrim")


# --- Erasure gives up what is still to come ------------------------------------

def test_erasure_cancels_future_signups_and_promotes_the_line(server, pg, o):
    leaving, waiting, staying = register(server), register(server), register(server)
    cg = closed_group(server, o, capacity=2)
    cs = future_session(server, o, cg)
    og = open_group(server, o, capacity=1)
    s = future_session(server, o, og)
    now = add_session(server, og["id"], o.coord.token, datetime.now(timezone.utc) - timedelta(hours=1), hours=3)
    series = signed_up(server, "group", cg["id"], leaving.token, "confirmed", None, adults=2)
    behind = signed_up(server, "group", cg["id"], waiting.token, "waitlisted", 1)
    mine = signed_up(server, "session", s["id"], leaving.token, "confirmed")
    other = signed_up(server, "session", s["id"], staying.token, "waitlisted", 1)
    held = signed_up(server, "session", now["id"], leaving.token, "confirmed")
    assert server.api("DELETE", "/api/v1/me", token=leaving.token).status == 204
    # Their seats went to the line at once.
    assert_line(signup_listing(server, "group", cg["id"], o.leader.token), [behind["id"]], [])
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [other["id"]], [])
    assert seats_taken(server, cg, cs) == 1 and seats_taken(server, og, s) == 1
    # The meeting under way stays in the history, nameless.
    held_now = signup_listing(server, "session", now["id"], o.leader.token)
    assert [(x["id"], x["status"], x["display_name"]) for x in held_now] == [(held["id"], "confirmed", None)]
    rows = psql(pg.url, "SELECT id || ' ' || status || ' ' || coalesce(cancelled_by::text, '-') FROM signups "
                        f"WHERE person_id = '{leaving.id}' ORDER BY id")
    assert sorted(rows.splitlines()) == sorted([f"{series['id']} cancelled {leaving.id}",
                                                f"{mine['id']} cancelled {leaving.id}",
                                                f"{held['id']} confirmed -"])
    for p in (waiting, staying):
        kinds = psql(pg.url, f"SELECT kind FROM notification_outbox WHERE person_id = '{p.id}' ORDER BY id")
        assert kinds.splitlines()[-1] == "signup_promoted", kinds
