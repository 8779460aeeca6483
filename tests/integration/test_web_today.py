# SPDX-License-Identifier: Apache-2.0
"""A leader's pages: "Today" (the sessions I lead this week, or the next one) and who
is coming to a session, only for the group's leaders, its org's coordinators and
admins; a signed-out visit to a page for signed-in people goes to the sign-in form and
back (next, never to another site); a past signup is spoken of as past."""

import re
from urllib.parse import quote

import pytest

from helpers import (add_session, assert_error, in_days, make_group, new_email, new_password, org_with_people,
                     psql, register, signed_up)
from test_web_member import Browser

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def signed_in_browser(api, person, lang="fi"):
    """A browser signed in as PERSON through the sign-in form."""
    b = Browser(api)
    r = b.post(f"/{lang}/signin", {"email": person.email, "password": person.password})
    assert r.status == 303 and r.headers["Location"] == f"/{lang}/me", (r.status, r.headers)
    return b


def under_way(server, sid):
    """Session SID began half an hour ago and ends in half an hour: today's, wherever
    the clock is."""
    psql(server.db_url, f"UPDATE sessions SET starts_at = now() - interval '30 minutes', "
                        f"ends_at = now() + interval '30 minutes' WHERE id = '{sid}'")


@pytest.fixture
def world(server, admin_token):
    """An org with a coordinator, two leaders and two members; a closed group of two
    places led by `leader`, with a session under way now and one in three weeks;
    member has both places (an adult and a child, a note and an absence notice), member2 waits; another group led by
    `other_leader` meets only in three weeks."""
    w = org_with_people(server, admin_token, coord="coordinator", leader="leader",
                        other_leader="leader", member="member", member2="member")
    w.g = make_group(server, w.slug, w.coord.token, capacity=2, leaders=[w.leader.id],
                     location={"name": "Runosmäen nuorisotila", "municipality": "Turku"})
    w.now = add_session(server, w.g["id"], w.coord.token, in_days(7))
    w.later = add_session(server, w.g["id"], w.coord.token, in_days(21))
    w.g2 = make_group(server, w.slug, w.coord.token, leaders=[w.other_leader.id])
    w.g2_session = add_session(server, w.g2["id"], w.coord.token, in_days(21))
    signed_up(server, "group", w.g["id"], w.member.token, status="confirmed", adults=1, children=1,
              note="Tulemme rattaiden kanssa.")
    signed_up(server, "group", w.g["id"], w.member2.token, status="waitlisted", adults=1)
    r = server.api("POST", f"/api/v1/sessions/{w.now['id']}/absence", json={"reason": "Lapsi on kipeä."},
                   token=w.member.token)
    assert r.status in (200, 201), r
    under_way(server, w.now["id"])
    return w


def test_today_lists_the_sessions_i_lead_with_who_is_coming(api, world):
    b = signed_in_browser(api, world.leader)
    front = b.get("/fi/")
    assert '<a href="/fi/today">Tänään</a>' in front  # one tap from the front page
    html = b.get("/fi/today")
    assert "<title>Tänään – " in html
    today = html.split('id="today-now"', 1)[1]
    assert world.g["title"] in today and "Runosmäen nuorisotila, Turku" in today
    # Two seats confirmed (an adult and a child), one waiting.
    assert "Tulossa 2 henkilöä, jonossa 1" in today
    sid = world.now["id"]
    assert f'href="/fi/sessions/{sid}/attendance"' in today and "Merkitse läsnäolot" in today
    assert f'href="/fi/sessions/{sid}/coming"' in today and "Kuka on tulossa" in today
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[23]:00">\w\w \d', today)
    # The session in three weeks is not this week's; another's group is not mine.
    assert world.later["id"] not in html and world.g2["title"] not in html
    assert "Et ohjaa tällä viikolla" not in html
    for lang, title, coming in (("sv", "I dag", "2 personer kommer, 1 i kö"),
                                ("en", "Today", "2 people coming, 1 on the waiting list")):
        html = b.get(f"/{lang}/today")
        assert f"<title>{title} – " in html and coming in html
        assert f'<a href="/{lang}/today">{title}</a>' in html


def test_when_i_lead_nothing_this_week_the_next_one_is_shown(api, world):
    b = signed_in_browser(api, world.other_leader)
    html = b.get("/fi/today")
    assert "Et ohjaa tällä viikolla yhtään tapaamista." in html
    assert "Seuraava ohjaamasi tapaaminen" in html and world.g2["title"] in html
    assert f'/fi/sessions/{world.g2_session["id"]}/coming' in html
    assert world.g["title"] not in html


def test_a_member_sees_no_today_link(api, world):
    b = signed_in_browser(api, world.member)
    assert "/fi/today" not in b.get("/fi/")
    html = b.get("/fi/today")  # the page itself: I lead nothing
    assert "Et ohjaa tällä viikolla yhtään tapaamista." in html
    assert "Sinulle ei ole tulossa ohjattavia tapaamisia." in html


def test_who_is_coming_in_order_with_parties_notes_and_absences(server, api, world):
    sid = world.now["id"]
    b = signed_in_browser(api, world.leader)
    html = b.get(f"/fi/sessions/{sid}/coming")
    assert "<title>Kuka on tulossa – " in html
    for secret in (world.member.display_name, world.member2.display_name):
        assert secret not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    confirmed, waitlisted = html.split('id="coming-confirmed"', 1)[1].split('id="coming-waitlisted"', 1)
    assert world.member.display_name in confirmed and "1 aikuinen, 1 lapsi" in confirmed
    assert "Viesti: Tulemme rattaiden kanssa." in confirmed
    assert "Ilmoitti, ettei pääse tulemaan. Syy: Lapsi on kipeä." in confirmed
    assert world.member2.display_name in waitlisted and "<ol" in waitlisted
    assert world.member2.display_name not in confirmed
    assert f'href="/fi/sessions/{sid}/attendance"' in html
    html = b.get(f"/en/sessions/{sid}/coming")
    assert "1 adult, 1 child" in html and "Has said they cannot come. Reason: Lapsi on kipeä." in html


def test_who_may_see_who_is_coming(server, api, world, admin_token):
    path = f"/fi/sessions/{world.now['id']}/coming"
    for token in (world.coord.token, admin_token, world.leader.token):
        r = api("GET", path, token=token)
        assert r.status == 200 and world.member.display_name in r.body.decode(), r.status
    elsewhere = org_with_people(server, admin_token, coord="coordinator")
    for who in (world.member.token, world.other_leader.token, elsewhere.coord.token):
        r = api("GET", path, token=who)
        assert r.status == 403 and r.headers["Content-Type"].startswith("text/html")
        assert world.member.display_name not in r.body.decode()
    # As the API's list says: the same people, the same refusals.
    assert_error(api("GET", f"/api/v1/sessions/{world.now['id']}/signups", token=world.member.token), 403)
    r = api("GET", "/fi/sessions/00000000-0000-4000-8000-00000000beef/coming", token=world.coord.token)
    assert r.status == 404


def test_signed_out_person_only_pages_go_to_sign_in_and_back(api, world):
    sid = world.now["id"]
    anon = Browser(api)
    for path in ("/fi/me", "/sv/today", f"/en/sessions/{sid}/coming", f"/fi/sessions/{sid}/attendance",
                 "/fi/signups/00000000-0000-4000-8000-000000000001", "/fi/me/erase"):
        r = anon._send("GET", path)
        lang = path[1:3]
        if path.endswith("/attendance") and r.status == 404:
            continue  # the attendance page is a route of its own
        assert r.status == 303, (path, r.status)
        assert r.headers["Location"] == f"/{lang}/signin?next={path}", r.headers
    # The JSON API and the forms stay as they are.
    assert_error(api("GET", "/api/v1/me"), 401, "unauthorized")
    r = anon.post("/fi/me/calendar", {"discreet": "on"})
    assert r.status == 401 and r.headers["Content-Type"].startswith("text/html")
    # The sign-in form carries next and sends the person there.
    html = anon.get("/fi/signin?next=/fi/today")
    assert '<input type="hidden" name="next" value="/fi/today">' in html
    # No account yet: registering keeps next, on to the sign-in form.
    assert 'href="/fi/register?next=/fi/today"' in html
    html = Browser(api).get("/fi/register?next=/fi/today")
    assert '<input type="hidden" name="next" value="/fi/today">' in html
    r = Browser(api).post("/fi/register", {"display_name": "Uusi Ihminen", "email": new_email(),
                                           "password": new_password(), "next": "/fi/today"})
    assert r.status == 303 and r.headers["Location"] == "/fi/signin?registered=1&next=/fi/today"
    r = Browser(api).post("/fi/register", {"display_name": "Uusi Ihminen", "email": new_email(),
                                           "password": new_password(), "next": "//evil.example"})
    assert r.status == 303 and r.headers["Location"] == "/fi/signin?registered=1"
    r = anon.post("/fi/signin", {"email": world.leader.email, "password": world.leader.password,
                                 "next": "/fi/today"})
    assert r.status == 303 and r.headers["Location"] == "/fi/today"
    assert "Merkitse läsnäolot" in anon.get("/fi/today")
    # Signed in already: the form sends on to next too.
    r = anon._send("GET", f"/fi/signin?next=/fi/sessions/{sid}/coming")
    assert r.status == 303 and r.headers["Location"] == f"/fi/sessions/{sid}/coming"
    # A refused sign-in keeps next in the form.
    other = Browser(api)
    r = other.post("/fi/signin", {"email": world.leader.email, "password": "wrong-password-1",
                                  "next": "/fi/today"})
    assert r.status == 401 and 'name="next" value="/fi/today"' in r.body.decode()


BAD_NEXT = ["//evil.example/", "///evil.example", "https://evil.example/", "http:/evil.example",
            "/\\evil.example", "\\\\evil.example", "/fi/\\\\evil.example", "/fi//evil.example",
            "/fi/..//evil.example", "/fi/../../evil", "javascript:alert(1)", "evil.example/fi/me",
            "/xx/me", "/fi", "/FI/me", "fi/me", "/fi/me\r\nSet-Cookie: x=1", "/fi/%2F%2Fevil.example",
            "/fi/me#frag", "/fi/me?next=//evil.example", "/api/v1/me", "/static/x", " /fi/me", "/fi/" + "a" * 600, ""]


def test_next_is_only_ever_a_page_of_this_site(server, api):
    person = register(server)
    for next_path in BAD_NEXT:
        b = Browser(api)
        html = b.get("/fi/signin?next=" + quote(next_path, safe=""))
        assert 'name="next"' not in html, next_path
        r = b.post("/fi/signin", {"email": person.email, "password": person.password, "next": next_path})
        assert r.status == 303 and r.headers["Location"] == "/fi/me", (next_path, r.headers.get("Location"))
    # What is allowed: a page of this site, in any of its languages.
    b = Browser(api)
    r = b.post("/fi/signin", {"email": person.email, "password": person.password, "next": "/sv/me"})
    assert r.headers["Location"] == "/sv/me"


def confirmation_of(b, lang, signup_id):
    return b.get(f"/{lang}/signups/{signup_id}")


def test_a_past_signup_is_spoken_of_as_past(server, api, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1)
    s = add_session(server, g["id"], o.coord.token, in_days(3))
    p, q = register(server), register(server)
    mine = signed_up(server, "session", s["id"], p.token, status="confirmed", adults=1)
    queued = signed_up(server, "session", s["id"], q.token, status="waitlisted", adults=1)
    b, c = signed_in_browser(api, p), signed_in_browser(api, q)
    assert "Paikkasi on vahvistettu." in confirmation_of(b, "fi", mine["id"])
    # Under way.
    under_way(server, s["id"])
    html = confirmation_of(b, "fi", mine["id"])
    assert "Tapaaminen on käynnissä nyt. Paikkasi on vahvistettu." in html
    assert "/cancel" not in html
    # Over.
    psql(server.db_url, f"UPDATE sessions SET starts_at = now() - interval '3 hours', "
                        f"ends_at = now() - interval '1 hour' WHERE id = '{s['id']}'")
    for lang, words, not_words in (
            ("fi", "Tapaaminen on ollut. Paikkasi siihen oli vahvistettu.", "Paikkasi on vahvistettu."),
            ("sv", "Träffen har redan varit. Din plats var bekräftad.", "Din plats är bekräftad."),
            ("en", "This meeting has taken place. Your place was confirmed.", "Your place is confirmed.")):
        html = confirmation_of(b, lang, mine["id"])
        assert words in html and not_words not in html, lang
        assert "/cancel" not in html
        assert words in b.get(f"/{lang}/me"), lang
    for lang, words in (("fi", "Tapaaminen on ollut. Olit jonossa, eikä paikkaa vapautunut."),
                        ("sv", "Träffen har redan varit. Du stod i kö, och ingen plats blev ledig."),
                        ("en", "This meeting has taken place. You were on the waiting list, and no place came free.")):
        html = confirmation_of(c, lang, queued["id"])
        assert words in html, lang
        for present in ("Olet jonossa", "Du är först", "You are first"):
            assert present not in html
        assert words in c.get(f"/{lang}/me")


def test_a_cancelled_signup_and_a_past_series(server, api, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, capacity=4)
    s = add_session(server, g["id"], o.coord.token, in_days(3))
    p, q = register(server), register(server)
    mine = signed_up(server, "group", g["id"], p.token, status="confirmed", adults=1)
    other = signed_up(server, "group", g["id"], q.token, status="confirmed", adults=1)
    assert api("DELETE", f"/api/v1/signups/{other['id']}", token=q.token).status == 204
    b = signed_in_browser(api, p)
    psql(server.db_url, f"UPDATE sessions SET starts_at = now() - interval '3 hours', "
                        f"ends_at = now() - interval '1 hour' WHERE id = '{s['id']}'")
    for lang, words in (("fi", "Ryhmän tapaamiset ovat päättyneet. Paikkasi ryhmässä oli vahvistettu."),
                        ("sv", "Gruppens träffar har tagit slut. Din plats i gruppen var bekräftad."),
                        ("en", "This group's meetings have ended. Your place in the group was confirmed.")):
        html = confirmation_of(b, lang, mine["id"])
        assert words.replace("'", "&#39;") in html or words in html, lang
        assert "/cancel" not in html
    # A cancelled one is cancelled, past or not.
    html = confirmation_of(signed_in_browser(api, q), "fi", other["id"])
    assert "Ilmoittautuminen on peruttu." in html and "oli vahvistettu" not in html
