# SPDX-License-Identifier: Apache-2.0
"""Waitlist offers: a group with waitlist_offer_hours offers a freed place to
the next in line (by its policy) instead of confirming it. The offer holds
the seats until its deadline: nobody else gets them, capacity is never
exceeded. The person accepts (confirmed) or declines (the place is offered
to the next); an offer not answered in time passes on, by the workers'
periodic job, mail or no mail. The offer's mail carries a link whose page
shows two forms, Accept and Decline; opening it does nothing."""

import random
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from helpers import (add_session, assert_error, assert_json, cancel_signup, concurrently, fresh_source, in_days,
                     make_group, org_with_people, parse_time, psql, register, register_many, session_of, sign_up,
                     signed_up, signup_listing, verified, wait_until)
from test_mail_links import LINK, committed, smtp, srv  # noqa: F401 (fixtures)
from test_web_auth import form, page


@pytest.fixture(scope="module")
def o(server, admin):
    return org_with_people(server, admin[1], coord="coordinator", leader="leader", p1="member", p2="member",
                           p3="member", p4="member", p5="member")


@pytest.fixture(scope="module")
def crowd(server):
    return register_many(server, 24)


def group(srv_, o, access="open", **fields):
    kind = "family_cafe" if access == "open" else "camp"
    return make_group(srv_, o.slug, o.coord.token, access=access, kind=kind, leaders=[o.leader.id], **fields)


def session(srv_, o, g, days=30):
    return add_session(srv_, g["id"], o.coord.token, in_days(days))


def taken(srv_, g, s, days=30):
    return session_of(srv_, g["id"], s["id"], in_days(days))["seats_taken"]


def answer(srv_, signup_id, what, token):
    return srv_.api("POST", f"/api/v1/signups/{signup_id}/offer/{what}", token=token)


def listed(srv_, s, token):
    return {x["id"]: x for x in signup_listing(srv_, "session", s["id"], token)}


def outbox_kinds(pg, person_id):
    out = psql(pg.url, f"SELECT kind FROM notification_outbox WHERE person_id = '{person_id}' ORDER BY id")
    return out.split("\n") if out else []


def expire(pg, signup_id):
    """The offer's deadline moved into the past, as if its hours had gone by."""
    psql(pg.url, "UPDATE signups SET offer_expires_at = now() - interval '1 second' "
                 f"WHERE id = '{signup_id}' AND status = 'offered'")


def status_of(pg, signup_id):
    return psql(pg.url, f"SELECT status FROM signups WHERE id = '{signup_id}'")


def one_seat_freed(server, o, hours=48, **fields):
    """Capacity 2 with offers: p1 and p2 confirmed, p3 then p4 waiting; p1
    cancels, so p3 is offered the place."""
    g = group(server, o, capacity=2, waitlist_offer_hours=hours, **fields)
    s = session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None)
    b = signed_up(server, "session", s["id"], o.p2.token, "confirmed", None)
    c = signed_up(server, "session", s["id"], o.p3.token, "waitlisted", 1)
    d = signed_up(server, "session", s["id"], o.p4.token, "waitlisted", 2)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    return g, s, b, c, d


# --- The group field ---------------------------------------------------------

def test_offer_hours_is_a_group_field_off_by_default(server, o):
    g = group(server, o, capacity=4)
    assert g["waitlist_offer_hours"] is None
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"waitlist_offer_hours": 48}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["waitlist_offer_hours"] == 48
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["waitlist_offer_hours"] == 48
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"title": "Perhekahvila"}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["waitlist_offer_hours"] == 48
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"waitlist_offer_hours": None}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["waitlist_offer_hours"] is None
    for bad in (0, 337, "48", 1.5, True):
        r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"waitlist_offer_hours": bad},
                       token=o.coord.token)
        assert_error(r, 422, "invalid", "waitlist_offer_hours")
    assert group(server, o, capacity=4, waitlist_offer_hours=336)["waitlist_offer_hours"] == 336


def test_without_offer_hours_a_freed_place_is_confirmed_at_once(server, o):
    g = group(server, o, capacity=1)
    s = session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None)
    b = signed_up(server, "session", s["id"], o.p2.token, "waitlisted", 1)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    assert listed(server, s, o.coord.token)[b["id"]]["status"] == "confirmed"
    assert_error(answer(server, b["id"], "accept", o.p2.token), 409, "no_offer")


# --- Holding, accepting, declining ----------------------------------------------

def test_an_offer_holds_the_seats_until_it_is_answered(server, o, pg):
    g, s, b, c, d = one_seat_freed(server, o, hours=48)
    mine = [x for x in assert_json(server.api("GET", "/api/v1/me/signups", token=o.p3.token), 200)["signups"]
            if x["id"] == c["id"]][0]
    assert mine["status"] == "offered" and mine["waitlist_position"] is None
    deadline = parse_time(mine["offer_expires_at"])
    soon = datetime.now(timezone.utc) + timedelta(hours=48)
    assert soon - timedelta(minutes=5) < deadline <= soon
    # The coordinators see the offer and its deadline; the line behind it stays.
    line = listed(server, s, o.coord.token)
    assert line[c["id"]]["status"] == "offered" and line[c["id"]]["offer_expires_at"] == mine["offer_expires_at"]
    assert (line[d["id"]]["status"], line[d["id"]]["waitlist_position"]) == ("waitlisted", 1)
    assert line[b["id"]]["offer_expires_at"] is None
    assert taken(server, g, s) == 2
    assert outbox_kinds(pg, o.p3.id)[-1] == "signup_offered"
    # The place looks free to nobody: a newcomer waits.
    signed_up(server, "session", s["id"], o.p5.token, "waitlisted", 2)
    assert taken(server, g, s) == 2
    # Only the signup's owner (or a coordinator) answers.
    assert_error(answer(server, c["id"], "accept", o.p4.token), 403, "forbidden")
    assert_error(answer(server, b["id"], "accept", o.p2.token), 409, "no_offer")
    assert_error(answer(server, d["id"], "decline", o.p4.token), 409, "no_offer")


def test_accepting_confirms_and_keeps_the_count(server, o, pg):
    g, s, b, c, d = one_seat_freed(server, o)
    done = assert_json(answer(server, c["id"], "accept", o.p3.token), 200)["signup"]
    assert (done["id"], done["status"], done["offer_expires_at"]) == (c["id"], "confirmed", None)
    assert taken(server, g, s) == 2
    assert outbox_kinds(pg, o.p3.id)[-2:] == ["signup_offered", "signup_confirmed"]
    assert_error(answer(server, c["id"], "accept", o.p3.token), 409, "no_offer")
    assert_error(answer(server, c["id"], "decline", o.p3.token), 409, "no_offer")
    assert listed(server, s, o.coord.token)[d["id"]]["status"] == "waitlisted"


def test_declining_offers_the_place_to_the_next(server, o, pg):
    g, s, b, c, d = one_seat_freed(server, o)
    done = assert_json(answer(server, c["id"], "decline", o.p3.token), 200)["signup"]
    assert done["status"] == "cancelled"
    line = listed(server, s, o.coord.token)
    assert c["id"] not in line and line[d["id"]]["status"] == "offered"
    assert taken(server, g, s) == 2
    assert outbox_kinds(pg, o.p4.id)[-1] == "signup_offered"
    # A coordinator may answer for them (as they may cancel for them).
    assert assert_json(answer(server, d["id"], "accept", o.coord.token), 200)["signup"]["status"] == "confirmed"
    # Cancelling an offered signup is declining it.
    g2, s2, _, c2, d2 = one_seat_freed(server, o)
    assert cancel_signup(server, c2["id"], o.p3.token).status == 204
    assert listed(server, s2, o.coord.token)[d2["id"]]["status"] == "offered"
    assert taken(server, g2, s2) == 2


def test_an_offer_not_answered_in_time_passes_to_the_next(server, o, pg):
    g, s, b, c, d = one_seat_freed(server, o)
    expire(pg, c["id"])
    # Late: refused at once, whether or not the job has passed it on yet.
    assert_error(answer(server, c["id"], "accept", o.p3.token), 409, "offer_expired")
    # The workers' periodic job passes it on (no mail is configured here).
    wait_until(lambda: status_of(pg, d["id"]) == "offered", 30, what="the offer passed on")
    assert status_of(pg, c["id"]) == "cancelled"
    assert_error(answer(server, c["id"], "accept", o.p3.token), 409, "offer_expired")
    assert taken(server, g, s) == 2
    line = listed(server, s, o.coord.token)
    assert c["id"] not in line and line[d["id"]]["status"] == "offered"
    # Nobody left in line: the next lapse frees the seat.
    expire(pg, d["id"])
    wait_until(lambda: status_of(pg, d["id"]) == "cancelled", 30, what="the last offer lapsed")
    assert taken(server, g, s) == 1


def test_a_series_offer(server, o, pg):
    g = group(server, o, access="closed", capacity=2, waitlist_offer_hours=24)
    session(server, o, g, 30)
    a = signed_up(server, "group", g["id"], o.p1.token, "confirmed", None, adults=2)
    b = signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1, adults=2)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    assert status_of(pg, b["id"]) == "offered"
    assert psql(pg.url, f"SELECT seats_taken FROM groups WHERE id = '{g['id']}'") == "2"
    assert assert_json(answer(server, b["id"], "accept", o.p2.token), 200)["signup"]["status"] == "confirmed"


def test_fit_offers_to_the_first_whose_party_fits(server, o, pg):
    g = group(server, o, capacity=4, waitlist_policy="fit", waitlist_offer_hours=12)
    s = session(server, o, g)
    a = signed_up(server, "session", s["id"], o.p1.token, "confirmed", None, adults=2)
    signed_up(server, "session", s["id"], o.p2.token, "confirmed", None, adults=2)
    big = signed_up(server, "session", s["id"], o.p3.token, "waitlisted", 1, adults=3)
    one = signed_up(server, "session", s["id"], o.p4.token, "waitlisted", 2)
    assert cancel_signup(server, a["id"], o.p1.token).status == 204
    line = listed(server, s, o.coord.token)
    assert line[one["id"]]["status"] == "offered"
    assert (line[big["id"]]["status"], line[big["id"]]["waitlist_position"]) == ("waitlisted", 1)
    assert taken(server, g, s) == 3
    # Strict would have stopped at the three.
    g2 = group(server, o, capacity=4, waitlist_offer_hours=12)
    s2 = session(server, o, g2)
    a2 = signed_up(server, "session", s2["id"], o.p1.token, "confirmed", None, adults=2)
    signed_up(server, "session", s2["id"], o.p2.token, "confirmed", None, adults=2)
    signed_up(server, "session", s2["id"], o.p3.token, "waitlisted", 1, adults=3)
    one2 = signed_up(server, "session", s2["id"], o.p4.token, "waitlisted", 2)
    assert cancel_signup(server, a2["id"], o.p1.token).status == 204
    assert listed(server, s2, o.coord.token)[one2["id"]]["status"] == "waitlisted"
    assert taken(server, g2, s2) == 2


# --- Never overbooked -----------------------------------------------------------

def test_never_overbooked_under_concurrent_answers_signups_and_cancels(server, o, pg, crowd):
    """Capacity 4 with offers: twelve parties of 1-2, then rounds of accepts,
    declines, cancellations, lapses and new signups at once. seats_taken never
    passes 4 and always equals the seats of the confirmed and offered parties."""
    g = group(server, o, capacity=4, waitlist_policy="fit", waitlist_offer_hours=48)
    s = session(server, o, g)
    rng = random.Random(7)
    people = {}
    for p in crowd[:12]:
        x = signed_up(server, "session", s["id"], p.token, adults=1, children=rng.randint(0, 1))
        people[x["id"]] = p
    newcomers = list(crowd[12:])

    def check():
        line = listed(server, s, o.coord.token)
        held = sum(x["adults"] + x["children"] for x in line.values() if x["status"] in ("confirmed", "offered"))
        count = int(psql(pg.url, f"SELECT seats_taken FROM sessions WHERE id = '{s['id']}'"))
        assert count == held <= 4, (count, held, line)
        return line

    for _ in range(4):
        line = check()
        calls = []
        for sid, x in line.items():
            p = people[sid]
            if x["status"] == "offered":
                what = rng.choice(["accept", "decline", "accept", "lapse"])
                if what == "lapse":
                    calls.append(lambda sid=sid: expire(pg, sid))
                else:
                    calls.append(lambda sid=sid, p=p, what=what: answer(server, sid, what, p.token))
            elif x["status"] == "confirmed" and rng.random() < 0.4:
                calls.append(lambda sid=sid, p=p: cancel_signup(server, sid, p.token))
        for p in newcomers[:3]:
            calls.append(lambda p=p: sign_up(server, "session", s["id"], p.token, source=fresh_source()))
        for r in concurrently(calls):
            if r is not None:
                assert r.status in (200, 201, 204, 409), r
        for p in newcomers[:3]:
            mine = assert_json(server.api("GET", "/api/v1/me/signups", token=p.token), 200)["signups"]
            for x in mine:
                people[x["id"]] = p
        newcomers = newcomers[3:]
    wait_until(lambda: psql(pg.url, f"SELECT count(*) FROM signups WHERE session_id = '{s['id']}' "
                                    "AND status = 'offered' AND offer_expires_at <= now()") == "0", 30,
               what="the lapsed offers passed on")
    check()


# --- The mail and its link ----------------------------------------------------

def offer_mail(pg, sink, address, n=1):
    def mine():
        return [m for m in sink.to(address) if m["Subject"] in ("Sinulle tarjotaan paikkaa", "A place is offered to you")]
    wait_until(lambda: len(mine()) >= n, 20, what="the offer's mail")
    return committed(pg, mine()[n - 1])


def test_the_offer_mail_and_its_page_accept(pg, srv, smtp, admin):
    _, sink = smtp
    o = org_with_people(srv, admin[1], coord="coordinator", p1="member", p2="member")
    verified(pg.url, o.coord)
    verified(pg.url, o.p1)
    verified(pg.url, o.p2)
    g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1,
                   waitlist_offer_hours=48, title="Perhekahvila Tarjous")
    s = add_session(srv, g["id"], o.coord.token, in_days(20))
    a = signed_up(srv, "session", s["id"], o.p1.token, "confirmed")
    b = signed_up(srv, "session", s["id"], o.p2.token, "waitlisted")
    assert cancel_signup(srv, a["id"], o.p1.token).status == 204
    msg = offer_mail(pg, sink, o.p2.email)
    assert msg["List-Unsubscribe"] is None
    text = msg.get_body(("plain",)).get_content()
    assert "Perhekahvila Tarjous" in text
    deadline = parse_time(assert_json(srv.api("GET", "/api/v1/me/signups", token=o.p2.token), 200)
                          ["signups"][0]["offer_expires_at"])
    local = deadline.astimezone(ZoneInfo("Europe/Helsinki"))
    assert f"{local.day}.{local.month}.{local.year} klo {local:%H.%M} asti" in text
    assert "Vastaa tarjoukseen: " in text
    lang, token = LINK.search(text).groups()
    assert f"/{lang}/link/{token}" in msg.get_body(("html",)).get_content()
    # What the link would do, without doing it.
    link = assert_json(srv.api("GET", f"/api/v1/auth/links/{token}"), 200)
    assert link["purpose"] == "offer" and link["offer"]["open"] is True
    assert link["offer"]["signup_id"] == b["id"] and link["offer"]["group"] == "Perhekahvila Tarjous"
    for _ in range(2):  # a scanner, then the person: nothing happens
        html = page(srv.api("GET", f"/fi/link/{token}"), 200)
        assert html.count(f'<form method="post" action="/fi/link/{token}">') == 2
        assert 'name="answer" value="accept"' in html and 'name="answer" value="decline"' in html
        assert "Perhekahvila Tarjous" in html
    assert status_of(pg, b["id"]) == "offered"
    done = page(form(srv.api, f"/fi/link/{token}", {"answer": "accept"}), 200)
    assert "Paikka on sinun" in done
    assert status_of(pg, b["id"]) == "confirmed"
    page(form(srv.api, f"/fi/link/{token}", {"answer": "decline"}), 410)  # used
    wait_until(lambda: any(m["Subject"] == "Paikkasi on varattu" for m in sink.to(o.p2.email)), 20,
               what="the confirmation")
    # The offer's message, read now, is stale: the offer is no longer open.
    assert psql(pg.url, "SELECT mail_view(o)->>'stale' FROM notification_outbox o "
                        f"WHERE person_id = '{o.p2.id}' AND kind = 'signup_offered'") == "true"


def test_declining_from_the_link_passes_the_place_on(pg, srv, smtp, admin):
    _, sink = smtp
    o = org_with_people(srv, admin[1], coord="coordinator", p1="member", p2="member", p3="member")
    for p in (o.coord, o.p1, o.p2, o.p3):
        verified(pg.url, p)
    assert_json(srv.api("PATCH", "/api/v1/me/mail", json={"language": "en"}, token=o.p2.token), 200)
    g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1,
                   waitlist_offer_hours=24)
    s = add_session(srv, g["id"], o.coord.token, in_days(21))
    a = signed_up(srv, "session", s["id"], o.p1.token, "confirmed")
    b = signed_up(srv, "session", s["id"], o.p2.token, "waitlisted")
    c = signed_up(srv, "session", s["id"], o.p3.token, "waitlisted")
    assert cancel_signup(srv, a["id"], o.p1.token).status == 204
    msg = offer_mail(pg, sink, o.p2.email)
    assert msg["Subject"] == "A place is offered to you"
    _, token = LINK.search(msg.get_body(("plain",)).get_content()).groups()
    assert "Decline" in page(srv.api("GET", f"/en/link/{token}"), 200)
    assert_error(srv.api("POST", f"/api/v1/auth/links/{token}", json={"answer": "maybe"}), 422, "invalid")
    assert_error(srv.api("POST", f"/api/v1/auth/links/{token}", json={}), 422, "invalid")
    r = assert_json(srv.api("POST", f"/api/v1/auth/links/{token}", json={"answer": "decline"}), 200)
    assert r["status"] == "declined" and r["signup"]["status"] == "cancelled"
    assert status_of(pg, c["id"]) == "offered"
    _, next_token = LINK.search(offer_mail(pg, sink, o.p3.email).get_body(("plain",)).get_content()).groups()
    # An offer answered elsewhere: its link's page says it is no longer open.
    assert_json(srv.api("POST", f"/api/v1/signups/{c['id']}/offer/accept", token=o.p3.token), 200)
    html = page(srv.api("GET", f"/fi/link/{next_token}"), 200)
    assert "Tarjous ei ole enää voimassa" in html and 'name="answer"' not in html
    assert_error(srv.api("POST", f"/api/v1/auth/links/{next_token}", json={"answer": "accept"}), 409, "no_offer")
    assert "Tarjous ei ole enää voimassa" in page(form(srv.api, f"/fi/link/{next_token}", {"answer": "accept"}), 409)
