# SPDX-License-Identifier: Apache-2.0
"""A coordinator's sessions and signups with plain HTTP and no JavaScript: the org's
sessions by week and by month (and one group's), cancelling a session with a reason,
moving one, adding an extra one; a session's and a series' signups, signing someone
up on their behalf, confirming a waitlisted signup (and one that does not fit),
cancelling a signup with a confirmation step; and who may open each page and send
each form (the org's coordinators and admins only)."""

import re
from datetime import timedelta
from html import unescape

import pytest

from helpers import add_session, assert_json, in_days, make_group, org_with_people, register
from test_web_auth import form, page
from web_coord_helpers import (assert_forms_need_their_token, assert_refused_to, assert_signed_out_refused,
                               cookie_of, get)


@pytest.fixture
def org(server, admin_token):
    return org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member")



def iso_week(d):
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def text_of(html):
    """The page's words, tags and runs of white space gone."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def open_cafe(server, org, capacity=4, **fields):
    """An open group with a capacity (signups per session) and one session in 3 days."""
    g = make_group(server, org.slug, org.coord.token, access="open", kind="family_cafe", capacity=capacity,
                   **fields)
    s = add_session(server, g["id"], org.coord.token, in_days(3))
    return g, s


def sign_up(server, person, sid, adults=1, children=0):
    r = server.api("POST", f"/api/v1/sessions/{sid}/signups", token=person.token,
                   json={"adults": adults, "children": children})
    return assert_json(r, 201)["signup"]


def test_the_week_lists_each_session_in_words(server, api, org):
    g, s = open_cafe(server, org)
    sign_up(server, register(server), s["id"], adults=1, children=1)
    cookie, _ = cookie_of(api, org.coord)
    manage = page(get(api, f"/fi/orgs/{org.slug}/manage", cookie), 200)
    assert f'href="/fi/orgs/{org.slug}/manage/sessions"' in manage
    week = iso_week(in_days(3).date())
    html = page(get(api, f"/fi/orgs/{org.slug}/manage/sessions?week={week}", cookie), 200)
    words = text_of(html.partition('id="sessions-heading"')[2])
    assert f"Viikko {int(week[-2:])}" in text_of(html)
    day = in_days(3)
    assert f"{day.day}.{day.month}.{day.year} klo 18.00–20.00" in words
    assert g["title"] in words and "2 paikkaa varattu, 2 vapaana" in words and "Pidetään" in words
    assert f'href="/fi/sessions/{s["id"]}/signups"' in html
    assert f'href="/fi/sessions/{s["id"]}/cancel"' in html and f'href="/fi/sessions/{s["id"]}/move"' in html
    # The week before and after, and the month, are a button away.
    assert 'name="week" value="' in html and 'name="month" value="' in html
    html = page(get(api, f"/fi/orgs/{org.slug}/manage/sessions?month={day.strftime('%Y-%m')}", cookie), 200)
    assert g["title"] in html
    # Another week does not list it; the filter by group does.
    later = iso_week((in_days(3) + timedelta(days=14)).date())
    html = page(get(api, f"/fi/orgs/{org.slug}/manage/sessions?week={later}", cookie), 200)
    assert g["title"] not in html.partition('id="sessions-heading"')[2]
    other = make_group(server, org.slug, org.coord.token)
    html = page(get(api, f"/fi/orgs/{org.slug}/manage/sessions?week={week}&group={other['id']}", cookie), 200)
    assert "Tällä jaksolla ei ole tapaamisia." in html
    # The group's own page, by month, linked from its form.
    assert f'href="/fi/groups/{g["id"]}/sessions"' in page(get(api, f"/fi/groups/{g['id']}/edit", cookie), 200)
    html = page(get(api, f"/fi/groups/{g['id']}/sessions", cookie), 200)
    assert f"{day.day}.{day.month}.{day.year} klo 18.00–20.00" in text_of(html)
    assert f'href="/fi/groups/{g["id"]}/sessions/new"' in html
    # In Swedish and English.
    assert "Vecka" in page(get(api, f"/sv/orgs/{org.slug}/manage/sessions?week={week}", cookie), 200)
    html = page(get(api, f"/en/orgs/{org.slug}/manage/sessions?week={week}", cookie), 200)
    assert "Week" in html and "2 places taken, 2 free" in html
    assert "Gruppens träffar" in page(get(api, f"/sv/groups/{g['id']}/sessions", cookie), 200)


def test_the_period_buttons_go_to_the_weeks_and_months_around(server, api, org):
    cookie, _ = cookie_of(api, org.coord)
    base = f"/fi/orgs/{org.slug}/manage/sessions"
    hidden = lambda html: re.findall(r'<input type="hidden" name="(week|month)" value="([^"]*)">', html)
    assert hidden(page(get(api, f"{base}?week=2027-W01", cookie), 200))[:3] == \
        [("week", "2026-W53"), ("week", "2027-W02"), ("month", "2027-01")]
    words = text_of(page(get(api, f"{base}?week=2027-W01", cookie), 200))
    assert "Viikko 1" in words and "ma 4.1.2027 – su 10.1.2027" in words
    assert hidden(page(get(api, f"{base}?month=2027-01", cookie), 200))[:3] == \
        [("month", "2026-12"), ("month", "2027-02"), ("week", "2026-W53")]
    assert "tammikuu 2027" in text_of(page(get(api, f"{base}?month=2027-01", cookie), 200))
    assert "January 2027" in page(get(api, f"/en/orgs/{org.slug}/manage/sessions?month=2027-01", cookie), 200)


def test_every_page_renders_in_swedish_and_english(server, api, org):
    g, s = open_cafe(server, org, capacity=1)
    sign_up(server, register(server), s["id"])
    x = sign_up(server, register(server), s["id"])
    cookie, _ = cookie_of(api, org.coord)
    import json
    from pathlib import Path
    i18n = Path(__file__).resolve().parents[2] / "clients" / "web" / "i18n"
    for lang in ("sv", "en"):
        words = set(json.loads((i18n / f"{lang}.json").read_text(encoding="utf-8")).values())
        for path in (f"/orgs/{org.slug}/manage/sessions", f"/orgs/{org.slug}/manage/sessions?month=2027-01",
                     f"/groups/{g['id']}/sessions", f"/groups/{g['id']}/sessions/new",
                     f"/sessions/{s['id']}/cancel", f"/sessions/{s['id']}/move", f"/sessions/{s['id']}/signups",
                     f"/groups/{g['id']}/signups", f"/manage/signups/{x['id']}/cancel"):
            html = page(get(api, f"/{lang}{path}", cookie), 200)
            h1 = re.search(r"<h1>([^<]+)</h1>", html).group(1)
            assert f'<html lang="{lang}">' in html and unescape(h1) in words, (lang, path, h1)
            assert not re.search(r"\b(ms|mu)_[a-z_]+\b", text_of(html)), (lang, path)  # no key without words


def test_a_period_that_is_none_is_a_400_page(server, api, org):
    cookie, _ = cookie_of(api, org.coord)
    for q in ("week=2026-W54", "week=tiistai", "month=2026-13", "month=2026-1", "group=x"):
        r = get(api, f"/fi/orgs/{org.slug}/manage/sessions?{q}", cookie)
        assert r.status == 400, (q, r.status)
        assert r.headers["Content-Type"].startswith("text/html")


def test_cancelling_asks_for_a_reason_and_says_so(server, api, org):
    g, s = open_cafe(server, org)
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/sessions/{s['id']}/cancel"
    html = page(get(api, path, cookie), 200)
    assert 'name="reason"' in html and g["title"] in html
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"][0]["status"] \
        == "scheduled"
    html = page(form(api, path, {"csrf": token, "reason": ""}, cookie=cookie), 422)
    assert 'class="error-summary"' in html and '<a href="#reason">' in html
    assert 'aria-invalid="true"' in html and "Kirjoita perumisen syy." in html
    r = form(api, path, {"csrf": token, "reason": "Ohjaaja sairastui"}, cookie=cookie)
    assert r.status == 303, r.body[:300]
    week = iso_week(in_days(3).date())
    assert r.headers["Location"] == f"/fi/orgs/{org.slug}/manage/sessions?week={week}&cancelled=1"
    after = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"][0]
    assert after["status"] == "cancelled" and after["cancel_reason"] == "Ohjaaja sairastui"
    words = text_of(page(get(api, r.headers["Location"], cookie), 200))
    assert "Tapaaminen on peruttu." in words and "Peruttu Syy: Ohjaaja sairastui" in words
    # From the group's page, the form goes back there.
    s2 = add_session(server, g["id"], org.coord.token, in_days(10))
    r = form(api, f"/en/sessions/{s2['id']}/cancel", {"csrf": token, "reason": "Hall booked", "from": "group"},
             cookie=cookie)
    assert r.status == 303 and r.headers["Location"].startswith(f"/en/groups/{g['id']}/sessions?month=")
    assert "Hall booked" in page(get(api, r.headers["Location"], cookie), 200)
    assert "already cancelled" in page(get(api, f"/en/sessions/{s2['id']}/cancel", cookie), 200)


def test_moving_shows_the_current_time_and_refuses_an_end_before_the_start(server, api, org):
    g, s = open_cafe(server, org)
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/sessions/{s['id']}/move"
    html = page(get(api, path, cookie), 200)
    day = in_days(3).date()
    assert f'value="{day.isoformat()}"' in html and 'value="18:00"' in html and 'value="20:00"' in html
    r = form(api, path, {"csrf": token, "date": day.isoformat(), "start_time": "19:00", "end_time": "18:30"},
             cookie=cookie)
    html = page(r, 422)
    assert '<a href="#end_time">' in html and "Päättymisajan pitää olla alkamisen jälkeen." in html
    assert 'value="18:30"' in html  # what was typed is kept
    html = page(form(api, path, {"csrf": token, "date": "2026-02-30", "start_time": "25:00", "end_time": ""},
                     cookie=cookie), 422)
    assert '<a href="#date">' in html and '<a href="#start_time">' in html and '<a href="#end_time">' in html
    new_day = day + timedelta(days=1)
    r = form(api, path, {"csrf": token, "date": new_day.isoformat(), "start_time": "17:30", "end_time": "19:00"},
             cookie=cookie)
    assert r.status == 303, r.body[:300]
    moved = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"][0]
    assert moved["starts_at"].startswith(f"{new_day.isoformat()}T17:30")
    assert moved["ends_at"].startswith(f"{new_day.isoformat()}T19:00")
    words = text_of(page(get(api, r.headers["Location"], cookie), 200))
    assert "Tapaaminen on siirretty." in words
    assert f"Siirretty, alun perin {['ma', 'ti', 'ke', 'to', 'pe', 'la', 'su'][day.weekday()]} " \
           f"{day.day}.{day.month}.{day.year} 18.00" in words


def test_an_extra_session_is_added_to_the_group(server, api, org):
    g = make_group(server, org.slug, org.coord.token)
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/groups/{g['id']}/sessions/new"
    assert 'name="date"' in page(get(api, path, cookie), 200)
    html = page(form(api, path, {"csrf": token, "date": "", "start_time": "", "end_time": ""}, cookie=cookie), 422)
    assert '<a href="#date">' in html and "Anna päivä muodossa 2026-12-01." in html
    day = in_days(20).date()
    html = page(form(api, path, {"csrf": token, "date": day.isoformat(), "start_time": "12:00",
                                 "end_time": "11:00"}, cookie=cookie), 422)
    assert '<a href="#end_time">' in html and f'value="{day.isoformat()}"' in html
    r = form(api, path, {"csrf": token, "date": day.isoformat(), "start_time": "12:00", "end_time": "15:00"},
             cookie=cookie)
    assert r.status == 303, r.body[:300]
    assert r.headers["Location"] == f"/fi/groups/{g['id']}/sessions?month={day.strftime('%Y-%m')}&added=1"
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    assert [(x["starts_at"][:16], x["extra"]) for x in sessions] == [(f"{day.isoformat()}T12:00", True)]
    words = text_of(page(get(api, r.headers["Location"], cookie), 200))
    assert "Tapaaminen on lisätty." in words and "Ylimääräinen tapaaminen" in words


def test_a_sessions_signups_with_the_waitlist_and_on_behalf(server, api, org):
    g, s = open_cafe(server, org, capacity=3)
    a, b = register(server), register(server)
    sign_up(server, a, s["id"], adults=1, children=1)
    waiting = sign_up(server, b, s["id"], adults=2, children=0)
    assert waiting["status"] == "waitlisted"
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/sessions/{s['id']}/signups"
    html = page(get(api, path, cookie), 200)
    confirmed, _, waitlist = html.partition('id="mu-waitlisted"')
    assert a.display_name in confirmed and "1 aikuinen, 1 lapsi" in confirmed
    assert b.display_name in waitlist and "2 aikuista" in waitlist
    assert f'action="/fi/manage/signups/{waiting["id"]}/confirm"' in waitlist
    # On behalf: the form refused without a name, then a phoned-in family.
    on_behalf = f"/fi/sessions/{s['id']}/signups/on-behalf"
    html = page(form(api, on_behalf, {"csrf": token, "display_name": "", "adults": "1", "children": "0",
                                      "note": "Soitti"}, cookie=cookie), 422)
    assert '<a href="#display_name">' in html and 'aria-invalid="true"' in html and ">Soitti</textarea>" in html
    html = page(form(api, on_behalf, {"csrf": token, "display_name": "Helmi", "adults": "0", "children": "0"},
                     cookie=cookie), 422)
    assert '<a href="#adults">' in html and "Seurueessa voi olla 1–12 henkeä." in html
    r = form(api, on_behalf, {"csrf": token, "display_name": "Helmi Puhelin", "adults": "1", "children": "0",
                              "note": "Tulee bussilla"}, cookie=cookie)
    # One place is free, but the line is strict: Helmi waits behind the two.
    assert r.status == 303 and r.headers["Location"] == f"{path}?done=waitlisted", (r.status, r.body[:300])
    html = page(get(api, r.headers["Location"], cookie), 200)
    words = text_of(html.partition('id="mu-waitlisted"')[2])
    assert "Ilmoittautuminen on jonossa." in text_of(html)
    assert words.index(b.display_name) < words.index("Helmi Puhelin")
    assert f"Koordinaattorin ilmoittama: {org.coord.display_name}" in words and "Tulee bussilla" in words
    listed = assert_json(server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=org.coord.token), 200)
    helmi = [x for x in listed["signups"] if x["display_name"] == "Helmi Puhelin"][0]
    assert helmi["on_behalf"] is True and helmi["status"] == "waitlisted" and helmi["note"] == "Tulee bussilla"
    # Her party of one fits the free place: confirmed by hand, ahead of the line.
    r = form(api, f"/fi/manage/signups/{helmi['id']}/confirm", {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{path}?done=confirmed"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Helmi Puhelin" in html.partition('id="mu-waitlisted"')[0] and "Paikka on vahvistettu." in html
    # The session is full now: the next one waits.
    r = form(api, on_behalf, {"csrf": token, "display_name": "Eero", "adults": "1", "children": "0"}, cookie=cookie)
    assert r.headers["Location"] == f"{path}?done=waitlisted"
    # In Swedish and English.
    assert "Anmälda" in page(get(api, f"/sv/sessions/{s['id']}/signups", cookie), 200)
    assert "Sign someone up" in page(get(api, f"/en/sessions/{s['id']}/signups", cookie), 200)


def test_confirming_by_hand_when_it_fits_and_in_words_when_not(server, api, org):
    g, s = open_cafe(server, org, capacity=3)
    first, big, small = register(server), register(server), register(server)
    x1 = sign_up(server, first, s["id"], adults=2)
    big_one = sign_up(server, big, s["id"], adults=2, children=1)
    small_one = sign_up(server, small, s["id"], adults=1)
    assert big_one["status"] == "waitlisted" and small_one["status"] == "waitlisted"
    cookie, token = cookie_of(api, org.coord)
    r = form(api, f"/fi/manage/signups/{big_one['id']}/confirm", {"csrf": token}, cookie=cookie)
    html = page(r, 409)
    words = text_of(html)
    assert "Paikkaa ei voitu vahvistaa" in words
    assert "Koko seurue ei mahdu: seurueessa on 3 henkeä, vapaana on 1 paikka." in words
    assert f'href="/fi/sessions/{s["id"]}/signups"' in html
    assert "does not fit" not in html  # the API's English stays out
    r = form(api, f"/fi/manage/signups/{small_one['id']}/confirm", {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"/fi/sessions/{s['id']}/signups?done=confirmed"
    listed = assert_json(server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=org.coord.token), 200)
    by_id = {x["id"]: x for x in listed["signups"]}
    assert by_id[small_one["id"]]["status"] == "confirmed"
    assert by_id[small_one["id"]]["confirmed_by"] == org.coord.id
    assert by_id[big_one["id"]]["status"] == "waitlisted"
    # A confirmed one cannot be confirmed again: said in words too.
    r = form(api, f"/en/manage/signups/{x1['id']}/confirm", {"csrf": token}, cookie=cookie)
    assert "no longer on the waiting list" in page(r, 409)


def test_cancelling_a_signup_has_a_confirmation_step_and_moves_the_line(server, api, org):
    g, s = open_cafe(server, org, capacity=2)
    first, second = register(server), register(server)
    x1 = sign_up(server, first, s["id"], adults=2)
    x2 = sign_up(server, second, s["id"], adults=1)
    assert x2["status"] == "waitlisted"
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/manage/signups/{x1['id']}/cancel"
    html = page(get(api, path, cookie), 200)
    assert first.display_name in html and "2 aikuista" in html and f'action="{path}"' in html
    listed = lambda: {x["id"]: x["status"] for x in assert_json(
        server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=org.coord.token), 200)["signups"]}
    assert listed()[x1["id"]] == "confirmed"  # the page changes nothing
    r = form(api, path, {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"/fi/sessions/{s['id']}/signups?done=cancelled"
    assert listed() == {x2["id"]: "confirmed"}  # promoted from the line
    assert "Ilmoittautuminen on peruttu." in page(get(api, r.headers["Location"], cookie), 200)
    assert "jo peruttu" in page(get(api, path, cookie), 200)


def test_an_offer_from_the_waitlist_shows_its_deadline(server, api, org):
    g, s = open_cafe(server, org, capacity=1, waitlist_offer_hours=24)
    first, second = register(server), register(server)
    x1 = sign_up(server, first, s["id"])
    x2 = sign_up(server, second, s["id"])
    assert server.api("DELETE", f"/api/v1/signups/{x1['id']}", token=first.token).status == 204
    listed = assert_json(server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=org.coord.token), 200)
    offer = [x for x in listed["signups"] if x["id"] == x2["id"]][0]
    assert offer["status"] == "offered" and offer["offer_expires_at"]
    cookie, _ = cookie_of(api, org.coord)
    html = page(get(api, f"/fi/sessions/{s['id']}/signups", cookie), 200)
    words = text_of(html.partition('id="mu-waitlisted"')[0])
    m = re.search(r"Paikkaa tarjottu, vastattava viimeistään \w{2} (\d+)\.(\d+)\.(\d{4}) (\d+)\.(\d\d)", words)
    assert m and second.display_name in words, words
    from datetime import datetime
    from zoneinfo import ZoneInfo
    deadline = datetime.fromisoformat(offer["offer_expires_at"]).astimezone(ZoneInfo("Europe/Helsinki"))
    assert tuple(int(v) for v in m.groups()) == (deadline.day, deadline.month, deadline.year, deadline.hour,
                                                 deadline.minute)
    # An offer is not on the waitlist: nothing to confirm by hand.
    assert f"/fi/manage/signups/{x2['id']}/confirm" not in html


def test_a_closed_groups_series_signups(server, api, org):
    g = make_group(server, org.slug, org.coord.token, capacity=2, consent_text="Suostun yhteystietojen jakoon.")
    s = add_session(server, g["id"], org.coord.token, in_days(5))
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/groups/{g['id']}/signups"
    html = page(get(api, path, cookie), 200)
    assert "Suostun yhteystietojen jakoon." in html and 'name="consent"' in html
    # The consent the group asks for, refused beside its box.
    r = form(api, f"{path}/on-behalf", {"csrf": token, "display_name": "Aino", "adults": "1", "children": "0"},
             cookie=cookie)
    html = page(r, 422)
    assert '<a href="#consent">' in html and 'aria-describedby="consent-error"' in html
    r = form(api, f"{path}/on-behalf", {"csrf": token, "display_name": "Aino", "adults": "1", "children": "1",
                                        "consent": "yes"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{path}?done=confirmed"
    # A session's page of the closed group lists the series, and signs up for it.
    html = page(get(api, f"/fi/sessions/{s['id']}/signups", cookie), 200)
    assert "Aino" in html and "koko sarjaan" in html
    r = form(api, f"/fi/sessions/{s['id']}/signups/on-behalf",
             {"csrf": token, "display_name": "Bertta", "adults": "1", "children": "0", "consent": "yes"},
             cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"/fi/sessions/{s['id']}/signups?done=waitlisted"
    series = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/signups", token=org.coord.token), 200)
    assert sorted((x["display_name"], x["status"]) for x in series["signups"]) == \
        [("Aino", "confirmed"), ("Bertta", "waitlisted")]
    # An open group's own page says its signups are per session.
    cafe, _ = open_cafe(server, org)
    assert "tapaamiskohtaisesti" in page(get(api, f"/fi/groups/{cafe['id']}/signups", cookie), 200)


def coordinator_routes(slug, gid, sid, xid):
    return [("GET", f"/fi/orgs/{slug}/manage/sessions"), ("GET", f"/fi/groups/{gid}/sessions"),
            ("GET", f"/fi/groups/{gid}/sessions/new"), ("POST", f"/fi/groups/{gid}/sessions/new"),
            ("GET", f"/fi/sessions/{sid}/cancel"), ("POST", f"/fi/sessions/{sid}/cancel"),
            ("GET", f"/fi/sessions/{sid}/move"), ("POST", f"/fi/sessions/{sid}/move"),
            ("GET", f"/fi/sessions/{sid}/signups"), ("POST", f"/fi/sessions/{sid}/signups/on-behalf"),
            ("GET", f"/fi/groups/{gid}/signups"), ("POST", f"/fi/groups/{gid}/signups/on-behalf"),
            ("POST", f"/fi/manage/signups/{xid}/confirm"), ("GET", f"/fi/manage/signups/{xid}/cancel"),
            ("POST", f"/fi/manage/signups/{xid}/cancel")]


def test_only_the_orgs_coordinators_may_open_or_send(server, api, admin_token, org):
    g, s = open_cafe(server, org, capacity=1, leaders=[org.leader.id])
    sign_up(server, register(server), s["id"])
    # The member's own waitlisted signup: the owner may cancel it in the API, not here.
    x = sign_up(server, org.member, s["id"])
    other = org_with_people(server, admin_token, coord="coordinator")
    day = in_days(30).date().isoformat()
    fields = {"reason": "Testi", "date": day, "start_time": "10:00", "end_time": "11:00", "display_name": "Vieras",
              "adults": "1", "children": "0"}
    routes = coordinator_routes(org.slug, g["id"], s["id"], x["id"])
    assert_refused_to(api, (org.leader, org.member, other.coord), routes, fields)
    assert_signed_out_refused(api, routes, fields)
    assert_forms_need_their_token(api, org.coord, routes, fields)
    cookie, _ = cookie_of(api, org.coord)
    # Unknown things are 404; an unknown org is refused as the API refuses it.
    nobody = "00000000-0000-4000-8000-000000000000"
    for path in (f"/fi/groups/{nobody}/sessions", f"/fi/sessions/{nobody}/cancel", f"/fi/sessions/{nobody}/signups",
                 f"/fi/manage/signups/{nobody}/cancel"):
        assert get(api, path, cookie).status == 404, path
    assert get(api, "/fi/orgs/no-such-org/manage/sessions", cookie).status == 403
    # Nothing was changed by the refused forms.
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    assert [(y["status"], y["starts_at"]) for y in sessions] == [("scheduled", s["starts_at"])]
    listed = assert_json(server.api("GET", f"/api/v1/sessions/{s['id']}/signups", token=org.coord.token), 200)
    assert sorted(y["status"] for y in listed["signups"]) == ["confirmed", "waitlisted"]
