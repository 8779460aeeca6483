# SPDX-License-Identifier: Apache-2.0
"""A group's waitlist policy (strict first-come or first that fits), and a
coordinator confirming a waitlisted signup by hand: never overbooked."""

import json
import subprocess

import pytest

from helpers import (ACCOUNT_ORG, add_session, assert_error, assert_json, assert_line, cancel_signup, concurrently,
                     fresh_source, in_days, make_group, org_with_people, register_many, sign_up,
                     signed_up, session_of, signup_listing)


@pytest.fixture(scope="module")
def o(server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", leader="leader", p1="member", p2="member",
                        p3="member", p4="member", p5="member")
    b = org_with_people(server, admin[1], coord_b="coordinator")
    o.coord_b = b.coord_b
    o.admin_token = admin[1]
    return o


@pytest.fixture(scope="module")
def crowd(server):
    return register_many(server, 40)


def group(server, o, access="open", **fields):
    kind = "family_cafe" if access == "open" else "peer_group"
    return make_group(server, o.slug, o.coord.token, access=access, kind=kind, leaders=[o.leader.id], **fields)


def session(server, o, g, days=30):
    return add_session(server, g["id"], o.coord.token, in_days(days))


def taken(server, g, s, days=30):
    return session_of(server, g["id"], s["id"], in_days(days))["seats_taken"]


def outbox(pg, person_id):
    p = subprocess.run(["psql", pg.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c",
                        "SELECT kind || ' ' || payload::text FROM notification_outbox "
                        f"WHERE person_id = '{person_id}' AND org_id <> '{ACCOUNT_ORG}' ORDER BY id"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    return [(k, json.loads(v)) for k, v in (line.split(" ", 1) for line in p.stdout.splitlines())]


def patch(server, o, g, **fields):
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json=fields, token=o.coord.token)
    return assert_json(r, 200)["group"]


# --- The policy as a group field ---------------------------------------------

def test_policy_is_strict_by_default_settable_and_shown(server, o):
    g = group(server, o, capacity=4)
    assert g["waitlist_policy"] == "strict"
    assert patch(server, o, g, waitlist_policy="fit")["waitlist_policy"] == "fit"
    r = server.api("GET", f"/api/v1/groups/{g['id']}")
    assert assert_json(r, 200)["group"]["waitlist_policy"] == "fit"
    f = group(server, o, capacity=4, waitlist_policy="fit")
    assert f["waitlist_policy"] == "fit"
    # A PATCH that does not name the policy keeps it.
    assert patch(server, o, f, title="Perhekahvila Hervanta")["waitlist_policy"] == "fit"
    for bad in ("FIT", "first", None, 1):
        r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"waitlist_policy": bad}, token=o.coord.token)
        assert_error(r, 422, "invalid", "waitlist_policy")


# --- Promotion under each policy ---------------------------------------------

def families_behind_a_big_one(server, o, policy):
    """Capacity 6: two families of 3 confirmed, then a family of 5 and a family of 2
    waiting; the first family of 3 leaves (3 free)."""
    g = group(server, o, capacity=6, waitlist_policy=policy)
    s = session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None, adults=1, children=2)
    b = signed_up(server, "session", s["id"], o.p2.token, "confirmed", None, adults=1, children=2)
    five = signed_up(server, "session", s["id"], o.p3.token, "waitlisted", 1, adults=2, children=3)
    two = signed_up(server, "session", s["id"], o.p4.token, "waitlisted", 2, adults=1, children=1)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    return g, s, b, five, two


def test_strict_leaves_places_empty_while_the_head_does_not_fit(server, o):
    g, s, b, five, two = families_behind_a_big_one(server, o, "strict")
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [b["id"]], [five["id"], two["id"]])
    assert taken(server, g, s) == 3


def test_fit_gives_the_free_places_to_the_first_whose_party_fits(server, o, pg):
    g, s, b, five, two = families_behind_a_big_one(server, o, "fit")
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [b["id"], two["id"]], [five["id"]])
    assert taken(server, g, s) == 5
    assert outbox(pg, o.p4.id)[-1] == ("signup_promoted", {"signup_id": two["id"], "group_id": g["id"],
                                                            "session_id": s["id"]})
    # One place is free: a newcomer of one fits and goes ahead of the family of five,
    # a newcomer of two does not and queues behind it.
    single = signed_up(server, "session", s["id"], o.p5.token, "confirmed", None)
    pair = signed_up(server, "session", s["id"], o.p1.token, "waitlisted", 2, adults=2)
    assert_line(signup_listing(server, "session", s["id"], o.leader.token),
                [b["id"], two["id"], single["id"]], [five["id"], pair["id"]])
    assert taken(server, g, s) == 6
    # The family of three leaves: the five still does not fit (3 free), the pair does.
    assert cancel_signup(server, b["id"], o.p2.token).status == 204
    assert_line(signup_listing(server, "session", s["id"], o.leader.token),
                [two["id"], single["id"], pair["id"]], [five["id"]])
    assert taken(server, g, s) == 5


def test_fit_for_a_series_signup(server, o):
    g = group(server, o, access="closed", capacity=4, waitlist_policy="fit")
    s1, s2 = session(server, o, g, 30), session(server, o, g, 37)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2, children=2)
    four = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1, adults=4)
    one = signed_up(server, "group", g["id"], o.p3.token, "waitlisted", 2)
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"capacity": 5}, token=o.coord.token)
    assert_json(r, 200)
    assert_line(signup_listing(server, "group", g["id"], o.leader.token), [a["id"], one["id"]], [four["id"]])
    assert taken(server, g, s1, 30) == 5 and taken(server, g, s2, 37) == 5


def test_changing_the_policy_to_fit_promotes_whoever_fits_at_once(server, o):
    g, s, b, five, two = families_behind_a_big_one(server, o, "strict")
    assert patch(server, o, g, waitlist_policy="fit")["waitlist_policy"] == "fit"
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [b["id"], two["id"]], [five["id"]])
    assert taken(server, g, s) == 5
    # Back to strict: nobody moves, and a newcomer queues behind the five again.
    patch(server, o, g, waitlist_policy="strict")
    late = signed_up(server, "session", s["id"], o.p5.token, "waitlisted", 2)
    assert_line(signup_listing(server, "session", s["id"], o.leader.token),
                [b["id"], two["id"]], [five["id"], late["id"]])


def test_fit_is_never_overbooked_under_concurrent_cancels_and_signups(server, o, crowd):
    """Capacity 8 under 'fit': 16 parties of 1-3, then at once the confirmed ones
    cancel while 16 more sign up. Whatever the order, the seats taken never pass
    8 and equal the confirmed parties, and nobody left waiting would fit."""
    g = group(server, o, capacity=8, waitlist_policy="fit")
    s = session(server, o, g)
    sizes = [1 + i % 3 for i in range(32)]
    first = [signed_up(server, "session", s["id"], p.token, adults=1, children=n - 1)
             for p, n in zip(crowd[:16], sizes[:16])]
    confirmed = [(x, p) for x, p in zip(first, crowd[:16]) if x["status"] == "confirmed"]
    assert sum(x["seats"] for x, _ in confirmed) <= 8
    calls = [lambda x=x, p=p: cancel_signup(server, x["id"], p.token) for x, p in confirmed]
    calls += [lambda p=p, n=n: sign_up(server, "session", s["id"], p.token, source=fresh_source(),
                                       adults=1, children=n - 1)
              for p, n in zip(crowd[16:], sizes[16:])]
    results = concurrently(calls)
    assert all(r.status == 204 for r in results[:len(confirmed)]), results[:len(confirmed)]
    assert all(r.status == 201 for r in results[len(confirmed):]), results[len(confirmed):]
    listing = signup_listing(server, "session", s["id"], o.coord.token)
    seats = {x["id"]: x["adults"] + x["children"] for x in listing}
    now = sum(seats[x["id"]] for x in listing if x["status"] == "confirmed")
    assert now <= 8 and taken(server, g, s) == now
    waiting = [x for x in listing if x["status"] == "waitlisted"]
    assert all(seats[x["id"]] > 8 - now for x in waiting), (now, waiting)


# --- Confirming by hand ------------------------------------------------------

def confirm(server, signup_id, token):
    return server.api("POST", f"/api/v1/signups/{signup_id}/confirm", token=token)


def test_a_coordinator_confirms_a_waitlisted_signup_that_fits(server, o, pg):
    g = group(server, o, capacity=4)
    s = session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None, adults=2)
    big = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1, adults=3)
    pair = signed_up(server, "session", s["id"], o.p3.token, "waitlisted", 2, adults=2)
    # Strict FIFO keeps the pair behind the three; the coordinator lets the pair in.
    r = assert_json(confirm(server, pair["id"], o.coord.token), 200)["signup"]
    assert (r["id"], r["status"], r["waitlist_position"]) == (pair["id"], "confirmed", None)
    assert r["confirmed_by"] == o.coord.id and r["confirmed_at"]
    assert_line(signup_listing(server, "session", s["id"], o.leader.token), [a["id"], pair["id"]], [big["id"]])
    listed = {x["id"]: x for x in signup_listing(server, "session", s["id"], o.leader.token)}
    assert listed[pair["id"]]["confirmed_by"] == o.coord.id
    assert listed[pair["id"]]["confirmed_at"] == r["confirmed_at"]
    assert listed[a["id"]]["confirmed_by"] is None and listed[a["id"]]["confirmed_at"] is None
    assert taken(server, g, s) == 4
    assert outbox(pg, o.p3.id)[-1] == ("signup_promoted", {"signup_id": pair["id"], "group_id": g["id"],
                                                            "session_id": s["id"], "confirmed_by": o.coord.id})
    # Full now: the three do not fit (409 with a code), nor is a confirmed one confirmed again.
    assert_error(confirm(server, big["id"], o.coord.token), 409, "does_not_fit")
    assert_error(confirm(server, pair["id"], o.coord.token), 409, "not_waitlisted")
    assert cancel_signup(server, big["id"], o.p2.token).status == 204
    assert_error(confirm(server, big["id"], o.coord.token), 409, "not_waitlisted")
    assert taken(server, g, s) == 4


def test_confirming_a_series_signup_by_hand(server, o):
    g = group(server, o, access="closed", capacity=3)
    s1 = session(server, o, g, 30)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    big = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1, adults=2)
    one = signed_up(server, "group", g["id"], o.p3.token, "waitlisted", 2)
    assert_error(confirm(server, big["id"], o.admin_token), 409, "does_not_fit")
    assert assert_json(confirm(server, one["id"], o.admin_token), 200)["signup"]["status"] == "confirmed"
    assert_line(signup_listing(server, "group", g["id"], o.coord.token), [a["id"], one["id"]], [big["id"]])
    assert taken(server, g, s1, 30) == 3


def test_only_the_orgs_coordinators_confirm(server, o):
    g = group(server, o, capacity=1)
    s = session(server, o, g)
    signed_up(server, "session", s["id"], o.p1.token, "confirmed", None)
    w = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1)
    for who in (o.leader, o.p2, o.p3, o.coord_b):
        assert_error(confirm(server, w["id"], who.token), 403, "forbidden")
    assert_error(server.api("POST", f"/api/v1/signups/{w['id']}/confirm"), 401, "unauthorized")
    assert_error(confirm(server, "00000000-0000-4000-8000-000000000000", o.coord.token), 404, "not_found")
    assert [x["status"] for x in signup_listing(server, "session", s["id"], o.coord.token)] \
        == ["confirmed", "waitlisted"]


def test_concurrent_confirms_never_overbook(server, o, crowd):
    """Three places free behind a head that does not fit; six waiting pairs are
    confirmed by hand at once: one gets in, the rest hear 409 does_not_fit."""
    g = group(server, o, capacity=5)
    s = session(server, o, g)
    signed_up(server, "session", s["id"], crowd[0].token, "confirmed", None, adults=2)
    signed_up(server, "session", s["id"], crowd[1].token, "waitlisted", 1, adults=4)
    pairs = [signed_up(server, "session", s["id"], p.token, "waitlisted", adults=2) for p in crowd[2:8]]
    results = concurrently([lambda x=x: confirm(server, x["id"], o.coord.token) for x in pairs])
    assert sorted(r.status for r in results) == [200] + [409] * 5, results
    for r in results:
        if r.status == 409:
            assert_error(r, 409, "does_not_fit")
    assert taken(server, g, s) == 4
