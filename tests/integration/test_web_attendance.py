# SPDX-License-Identifier: Apache-2.0
"""The leader's attendance page without JavaScript, as a browser without scripts uses
it: who may see it (the API's rule), what it shows before the start and for a
cancelled session, each form answered 303 back to the page through the API's SQL
functions, every form safe to send twice (the walk-ins' and the drop-ins' ids made
when the page was drawn), CSRF, and the service worker's script at /sw.js."""

import json
import re
import uuid
from html import unescape

import pytest

from helpers import (add_session, assert_json, attendance_path, cancel_session, in_days, make_group,
                     org_with_people, raw_get, register, remember, signed_up)
from test_web_member import Browser, title_of


@pytest.fixture(scope="module")
def w(server, admin):
    """A closed group led by `leader`: p1 and p2 confirmed, one guest signed up by the
    coordinator; `member` belongs to the org without a signup."""
    w = org_with_people(server, admin[1], coord="coordinator", leader="leader", leader2="leader",
                        member="member", p1="member", p2="member")
    w.admin = admin
    w.g = make_group(server, w.slug, w.coord.token, access="closed", capacity=None,
                     leaders=[w.leader.id, w.leader2.id],
                     location={"name": "Runosmäen nuorisotila", "municipality": "Turku"})
    signed_up(server, "group", w.g["id"], w.p1.token, "confirmed")
    signed_up(server, "group", w.g["id"], w.p2.token, "confirmed")
    w.guest = f"Soittaja {uuid.uuid4().hex[:8]}"
    remember("names", w.guest)
    r = server.api("POST", f"/api/v1/groups/{w.g['id']}/signups/on-behalf", json={"display_name": w.guest},
                   token=w.coord.token)
    w.guest_signup = assert_json(r, 201)["signup"]["id"]
    return w


def signed_in(api, person):
    b = Browser(api)
    r = b.post("/fi/signin", {"email": person.email, "password": person.password})
    assert r.status == 303, (r.status, r.body[:300])
    return b


def page_path(sid, lang="fi"):
    return f"/{lang}/sessions/{sid}/attendance"


def held(server, w, days):
    return add_session(server, w.g["id"], w.coord.token, in_days(days))


def api_attendance(server, w, sid):
    return assert_json(server.api("GET", attendance_path(sid), token=w.leader.token), 200)


def form_fields(html, action):
    """The hidden fields of the form that posts to ACTION, as the browser sends them."""
    m = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', html, re.S)
    assert m, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(1)))


def plus_form(html, sid, delta):
    """The walk-in form whose delta is DELTA."""
    action = f"/fi/sessions/{sid}/attendance/walk-ins"
    for m in re.finditer(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(1)))
        if fields.get("delta") == str(delta):
            return fields
    raise AssertionError(f"no walk-in form with delta {delta}")


# --- Who sees it ---------------------------------------------------------------------

@pytest.mark.parametrize("who", ["leader", "coord", "admin"])
def test_leaders_coordinators_and_admins_see_the_page(server, api, w, who):
    s = held(server, w, -1)
    if who == "admin":  # a site admin signed in by the API's token: the same pipeline
        r = raw_get(server, page_path(s["id"]), token=w.admin[1])
        assert r.status == 200 and w.g["title"].encode() in r.body
        return
    b = signed_in(api, getattr(w, who))
    html = b.get(page_path(s["id"]))
    assert w.g["title"] in html and "Runosmäen nuorisotila, Turku" in html
    assert re.search(r"klo \d\d\.\d\d", html)


@pytest.mark.parametrize("who,status", [("p1", 403), ("member", 403)])
def test_others_get_the_apis_answer_as_a_page(server, api, w, who, status):
    s = held(server, w, -1)
    b = signed_in(api, getattr(w, who))
    html = b.get(page_path(s["id"]), status=status)
    assert "<html" in html and w.p2.display_name not in html and w.guest not in html


def test_signed_out_and_unknown(server, api, w):
    s = held(server, w, -1)
    r = api("GET", page_path(s["id"]))
    assert r.status == 303, "signed out, the page leads to the sign-in form and back"
    assert r.headers["location"] == "/fi/signin?next=" + page_path(s["id"])
    assert w.p1.display_name.encode() not in r.body
    b = signed_in(api, w.leader)
    b.get(page_path(uuid.uuid4()), status=404)


# --- What it shows ------------------------------------------------------------------------

def test_the_page_lists_the_expected_people_with_three_choices_each(server, api, w):
    s = held(server, w, -2)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    assert title_of(html).startswith("Läsnäolot"), "no personal data in the title"
    for name in (w.p1.display_name, w.p2.display_name, w.guest):
        m = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>" + re.escape(name) + r"</legend>(.*?)</fieldset>", html, re.S)
        assert m, f"no fieldset for {name}"
        radios = re.findall(r'<input type="radio" id="([^"]+)" name="status" value="(\w+)"', m.group(1))
        assert [v for _, v in radios] == ["present", "absent", "excused"]
        for rid, _ in radios:
            assert f'<label for="{rid}">' in m.group(1)
        assert "Ei vielä merkitty" in m.group(1), "the state in words"
    assert "Ei vielä merkintöjä." in html
    assert re.search(r'<output class="att-walk-ins-n"[^>]*>0</output>', html)
    assert 'name="display_name"' in html and 'name="hours"' in html


@pytest.mark.parametrize("when", ["ahead", "cancelled"])
def test_before_the_start_or_cancelled_it_says_so_and_offers_no_marking(server, api, w, when):
    s = add_session(server, w.g["id"], w.coord.token, in_days(3 if when == "ahead" else -3))
    if when == "cancelled":
        cancel_session(server, s["id"], w.coord.token)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    said = "ei ole vielä alkanut" if when == "ahead" else "on peruttu"
    assert said in html
    assert 'name="status"' not in html and "walk-ins" not in html and 'name="hours"' not in html
    assert 'method="post" action="/fi/sessions' not in html


def test_the_page_speaks_the_paths_language(server, api, w):
    s = held(server, w, -2)
    b = signed_in(api, w.leader)
    assert "Närvarande" in b.get(page_path(s["id"], "sv"))
    assert "Walk-ins" in b.get(page_path(s["id"], "en"))


# --- The forms ------------------------------------------------------------------------------

def test_marking_a_person_and_a_guest_then_back_to_the_page(server, api, w):
    s = held(server, w, -3)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/records/{w.p1.id}"
    for _ in range(2):  # sent twice: the same mark
        r = b.post(action, {**form_fields(html, action), "status": "present"})
        assert r.status == 303 and r.headers["Location"] == page_path(s["id"])
    guest = f"/fi/sessions/{s['id']}/attendance/signups/{w.guest_signup}"
    r = b.post(guest, {**form_fields(html, guest), "status": "excused"})
    assert r.status == 303
    att = api_attendance(server, w, s["id"])
    assert [(x["person_id"], x["status"]) for x in att["records"]] == [(w.p1.id, "present")]
    assert [(x["signup_id"], x["status"]) for x in att["guest_signups"]] == [(w.guest_signup, "excused")]
    html = b.get(page_path(s["id"]))
    assert re.search(r'value="present" checked>', html)
    assert "Merkitty: Paikalla" in html and "Merkitty: Estynyt" in html
    assert re.search(r"Tallennettu klo \d{1,2}\.\d\d", html)


def test_a_form_sent_without_a_choice_changes_nothing(server, api, w):
    s = held(server, w, -3)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/records/{w.p2.id}"
    assert b.post(action, form_fields(html, action)).status == 303
    assert api_attendance(server, w, s["id"])["records"] == []
    r = b.post(action, {**form_fields(html, action), "status": "late"})
    assert r.status == 422 and b"<html" in r.body


def test_the_walk_in_forms_count_once_however_often_sent(server, api, w):
    s = held(server, w, -4)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/walk-ins"
    minus = plus_form(html, s["id"], -1)
    assert b.post(action, minus).status == 303
    assert api_attendance(server, w, s["id"])["walk_ins"] == 0, "never below 0"
    plus = plus_form(html, s["id"], 1)
    for _ in range(3):  # the same form sent again (a reload, a double tap, back and send)
        r = b.post(action, plus)
        assert r.status == 303 and r.headers["Location"] == page_path(s["id"])
    assert api_attendance(server, w, s["id"])["walk_ins"] == 1
    # A fresh page is a fresh press; another leader's phone counts too.
    again = b.get(page_path(s["id"]))
    assert re.search(r'<output class="att-walk-ins-n"[^>]*>1</output>', again)
    assert b.post(action, plus_form(again, s["id"], 1)).status == 303
    other = signed_in(api, w.leader2)
    assert other.post(action, plus_form(other.get(page_path(s["id"])), s["id"], 1)).status == 303
    assert api_attendance(server, w, s["id"])["walk_ins"] == 3
    bad = b.post(action, {**plus, "change_id": str(uuid.uuid4()), "delta": "0"})
    assert bad.status == 422


def test_a_drop_in_by_name_is_added_once(server, api, w):
    s = held(server, w, -5)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/drop-ins"
    name = f"Maija {uuid.uuid4().hex[:6]}"
    remember("names", name)
    fields = {**form_fields(html, action), "display_name": name}
    for _ in range(2):
        assert b.post(action, fields).status == 303
    drops = api_attendance(server, w, s["id"])["drop_ins"]
    assert [(d["id"], d["display_name"]) for d in drops] == [(fields["drop_in_id"], name)]
    html = b.get(page_path(s["id"]))
    assert name in html and name not in title_of(html)
    remove = f"/fi/sessions/{s['id']}/attendance/drop-ins/{drops[0]['id']}/remove"
    for _ in range(2):
        assert b.post(remove, form_fields(html, remove)).status == 303
    assert api_attendance(server, w, s["id"])["drop_ins"] == []
    assert b.post(action, {**fields, "drop_in_id": str(uuid.uuid4()), "display_name": ""}).status == 422


def test_my_hours_as_people_write_them(server, api, w):
    s = held(server, w, -6)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/hours"
    assert b.post(action, {**form_fields(html, action), "hours": "1,5"}).status == 303
    att = api_attendance(server, w, s["id"])
    assert [(h["person_id"], h["hours"]) for h in att["volunteer_hours_by_leader"]] == [(w.leader.id, 1.5)]
    assert 'value="1.5"' in b.get(page_path(s["id"]))
    assert b.post(action, {**form_fields(html, action), "hours": "kaksi"}).status == 422
    assert b.post(action, {**form_fields(html, action), "hours": ""}).status == 303
    assert api_attendance(server, w, s["id"])["volunteer_hours_by_leader"] == []


def test_the_forms_are_for_leaders_only(server, api, w):
    s = held(server, w, -7)
    b = signed_in(api, w.member)
    token = b.csrf(b.get("/fi/me"))
    base = f"/fi/sessions/{s['id']}/attendance"
    for path, fields in ((f"{base}/records/{w.p1.id}", {"status": "present"}),
                         (f"{base}/walk-ins", {"change_id": str(uuid.uuid4()), "delta": "1"}),
                         (f"{base}/drop-ins", {"drop_in_id": str(uuid.uuid4()), "display_name": "Maija"}),
                         (f"{base}/hours", {"hours": "2"})):
        assert b.post(path, {**fields, "csrf": token}).status == 403, path
    att = api_attendance(server, w, s["id"])
    assert (att["records"], att["walk_ins"], att["drop_ins"], att["volunteer_hours"]) == ([], 0, [], 0)


def test_csrf_is_asked_of_every_form(server, api, w):
    s = held(server, w, -8)
    b = signed_in(api, w.leader)
    html = b.get(page_path(s["id"]))
    action = f"/fi/sessions/{s['id']}/attendance/walk-ins"
    plus = plus_form(html, s["id"], 1)
    assert b.post(action, {k: v for k, v in plus.items() if k != "csrf"}).status == 403
    assert b.post(action, {**plus, "csrf": "x" * 43}).status == 403
    cookies = "; ".join(f"{k}={v}" for k, v in b.cookies.items())
    from urllib.parse import urlencode
    r = api("POST", action, body=urlencode(plus), headers={
        "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"})
    assert r.status == 403
    # The page's script: the JSON API with the cookie and the X-CSRF-Token header.
    path = f"{attendance_path(s['id'])}/walk-ins/{uuid.uuid4()}"
    r = api("PUT", path, body=json.dumps({"delta": 1}), headers={"Cookie": cookies, "Content-Type": "application/json"})
    assert r.status == 403
    r = api("PUT", path, body=json.dumps({"delta": 1}),
            headers={"Cookie": cookies, "Content-Type": "application/json", "X-CSRF-Token": plus["csrf"]})
    assert r.status == 201
    assert api_attendance(server, w, s["id"])["walk_ins"] == 1


# --- The service worker ---------------------------------------------------------------------

def test_the_service_worker_is_served_at_the_root_with_the_static_names(server, api):
    r = raw_get(server, "/sw.js")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/javascript")
    assert r.headers["Cache-Control"] == "no-cache", "a browser must look for a new worker every time"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    text = r.body.decode()
    front = raw_get(server, "/fi/").body.decode()
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', front):
        assert f'"{asset}"' in text, f"the worker does not keep {asset}"
    assert "var STATIC = [" in text, "the names are written in"
    again = raw_get(server, "/sw.js", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status == 304


def test_my_page_leads_a_leader_to_the_attendance_of_the_sessions_they_lead(server, api, w):
    s = held(server, w, 2)
    b = signed_in(api, w.leader)
    assert f'href="{page_path(s["id"])}"' in b.get("/fi/me")
    p1 = signed_in(api, w.p1)
    assert f'href="{page_path(s["id"])}"' not in p1.get("/fi/me")
