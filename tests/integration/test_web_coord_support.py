# SPDX-License-Identifier: Apache-2.0
"""A coordinator's one-to-one support pages with plain HTTP and no JavaScript: the
request queue, a request with its ranked candidates (its reading logged), proposing a
supporter through a confirmation step, supporters (adding one, the profile form),
pairings and closing one, batch proposals previewed then made, the access log; the
crisis note on every page; who may open each page and send each form (the org's
coordinators only); and that none of it exists with PIIRI_MATCHING=off."""

import re
from datetime import date, timedelta
from html import unescape

import pytest

from helpers import Server, assert_json, org_with_people, register, set_role
from test_web_auth import form, page
from web_coord_helpers import (assert_forms_need_their_token, assert_refused_to, assert_signed_out_refused,
                               cookie_of, get)

SUPPORT = "/{lang}/orgs/{slug}/manage/support"


@pytest.fixture
def org(server, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member",
                        peer="member", peer2="member")
    o.base = lambda lang="fi": SUPPORT.format(lang=lang, slug=o.slug)
    return o



def make_supporter(server, org, person, **over):
    body = {"person_id": person.id, "public_name": "Tuki " + person.id[:6],
            "topics": ["vauva-arki", "uupumus"], "municipalities": ["Tampere"], "languages": ["fi"],
            "contact_modes": ["phone", "in_person"], "max_active": 2}
    body.update(over)
    return assert_json(server.api("POST", f"/api/v1/orgs/{org.slug}/supporters", json=body,
                                  token=org.coord.token), 201)["supporter"]


def make_request(server, org, who=None, **over):
    who = who or register(server)
    body = {"consent": True, "topics": ["uupumus"], "municipality": "Tampere", "languages": ["fi"],
            "contact_modes": ["phone"], "message": "Väsyttää kovasti, kaipaan juttuseuraa.",
            "preferences": "Iltaisin."}
    body.update(over)
    r = server.api("POST", f"/api/v1/orgs/{org.slug}/support-requests", json=body, token=who.token)
    return assert_json(r, 201)["request"]


def access_log(server, org, request_id):
    r = server.api("GET", f"/api/v1/orgs/{org.slug}/support-requests/access-log?request_id={request_id}",
                   token=org.coord.token)
    return assert_json(r, 200)["entries"]


CRISIS = {"fi": ["112", "09 2525 0111", "09 2525 0112", "Kriisipuhelin", "ei ole kriisiapua"],
          "sv": ["112", "09 2525 0111", "09 2525 0112", "Kristelefonen", "inte krishjälp"],
          "en": ["112", "09 2525 0111", "09 2525 0112", "Kriisipuhelin", "not crisis help"]}


def assert_crisis_note(html, lang):
    for words in CRISIS[lang]:
        assert words in html, (lang, words)
    assert 'href="tel:112"' in html and 'href="tel:+358925250111"' in html


# ---- the queue, a request, its candidates, proposing one ----------------------------------

def test_the_queue_lists_open_requests_oldest_first_without_their_text(server, api, org):
    make_supporter(server, org, org.peer)
    first = make_request(server, org, message="Ensimmäinen viesti")
    second = make_request(server, org, topics=["perhe"], municipality="Nokia", message="Toinen viesti")
    cookie, _ = cookie_of(api, org.coord)
    html = page(get(api, org.base(), cookie), 200)
    assert html.index(first["id"]) < html.index(second["id"])
    assert "2 avointa tukipyyntöä" in html and "alle päivän" in html and "Nokia" in html
    assert "puhelin" in html and "suomi" in html  # preferences in words
    assert "Ensimmäinen viesti" not in html and "Toinen viesti" not in html
    assert [e["action"] for e in access_log(server, org, first["id"])] == ["list"]
    assert_crisis_note(html, "fi")
    en = page(get(api, org.base("en"), cookie), 200)
    assert "2 open requests" in en and "less than a day" in en and "phone" in en
    assert_crisis_note(en, "en")


def test_a_request_page_shows_its_text_and_ranked_candidates_and_logs_the_read(server, api, org):
    near = make_supporter(server, org, org.peer, topics=["uupumus"], municipalities=["Tampere"])
    far = make_supporter(server, org, org.peer2, topics=["muu"], municipalities=["Oulu"])
    q = make_request(server, org)
    cookie, _ = cookie_of(api, org.coord)
    before = access_log(server, org, q["id"])
    html = page(get(api, f"{org.base()}/requests/{q['id']}", cookie), 200)
    assert "Väsyttää kovasti, kaipaan juttuseuraa." in unescape(html) and "Iltaisin." in html
    assert html.index(near["public_name"]) < html.index(far["public_name"])  # best first
    assert "yhteiset aiheet: uupumus" in html and "sama kunta: Tampere" in html
    assert "yhteinen yhteydenpito: puhelin" in html and "0/2 paikkaa käytössä" in html
    assert "<title>Tukipyyntö" in html and q["id"] not in html.split("<title>")[1].split("</title>")[0]
    after = access_log(server, org, q["id"])
    new = [e for e in after if e not in before]
    assert sorted(e["action"] for e in new) == ["candidates", "view"]
    assert all(e["reader"]["person_id"] == org.coord.id and e["role"] == "coordinator" for e in new)
    assert_crisis_note(html, "fi")
    sv = page(get(api, f"{org.base('sv')}/requests/{q['id']}", cookie), 200)
    assert "gemensamma ämnen: uupumus" in sv and "samma kommun: Tampere" in sv
    assert_crisis_note(sv, "sv")


def test_a_site_admin_manages_but_does_not_read_the_text(server, api, org):
    """As the API: a site admin who does not coordinate the org sees the
    candidates, but not the request's message, and the page logs no view."""
    from types import SimpleNamespace
    from helpers import new_email, new_password
    admin = SimpleNamespace(email=new_email(), password=new_password())
    assert server.cli("create-admin", admin.email, stdin=admin.password + "\n").returncode == 0
    make_supporter(server, org, org.peer)
    q = make_request(server, org)
    cookie, _ = cookie_of(api, admin)
    html = unescape(page(get(api, f"{org.base()}/requests/{q['id']}", cookie), 200))
    assert "Väsyttää kovasti" not in html and "Iltaisin." not in html
    assert "Pyynnön tekstiä ei näytetä" in html and "0/2 paikkaa käytössä" in html
    assert sorted(e["action"] for e in access_log(server, org, q["id"])) == ["candidates"]


def test_proposing_a_supporter_goes_through_a_confirmation_step(server, api, org):
    s = make_supporter(server, org, org.peer)
    q = make_request(server, org)
    cookie, token = cookie_of(api, org.coord)
    path = f"{org.base()}/requests/{q['id']}/propose"
    fields = {"csrf": token, "supporter_id": s["id"], "note": "Tamperelainen, aloittaa pian."}
    html = page(form(api, path, fields, cookie=cookie), 200)
    assert "Vahvista ehdotus" in html and s["public_name"] in html
    assert 'name="step" value="confirm"' in html and "Tamperelainen, aloittaa pian." in html
    assert_crisis_note(html, "fi")
    got = assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token), 200)
    assert got["request"]["status"] == "open"  # the first step proposes nothing
    r = form(api, path, {**fields, "step": "confirm"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{org.base()}/requests/{q['id']}?proposed=1"
    got = assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token), 200)
    assert got["request"]["status"] == "proposed"
    mine = assert_json(server.api("GET", "/api/v1/me/pairings", token=org.peer.token), 200)["pairings"]
    assert [(p["request_id"], p["note"]) for p in mine] == [(q["id"], "Tamperelainen, aloittaa pian.")]
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Tukihenkilöä on ehdotettu" in html and "Ehdota</button>" not in html
    # Sent again, the request is no longer open: the page says so, 409.
    html = page(form(api, path, {**fields, "step": "confirm"}, cookie=cookie), 409)
    assert "Pyyntö ei enää odota tukihenkilöä." in html


def test_a_proposal_form_refused(server, api, org):
    s = make_supporter(server, org, org.peer)
    q = make_request(server, org)
    cookie, token = cookie_of(api, org.coord)
    path = f"{org.base()}/requests/{q['id']}/propose"
    html = page(form(api, path, {"csrf": token, "note": ""}, cookie=cookie), 422)
    assert 'href="#candidates"' in html and "Valitse tukihenkilö." in html
    html = page(form(api, path, {"csrf": token, "supporter_id": s["id"], "note": "x" * 1001}, cookie=cookie), 422)
    assert 'href="#note"' in html and 'aria-invalid="true"' in html
    # A supporter of another org, or no supporter at all, is not one to propose.
    for sid in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
        html = page(form(api, path, {"csrf": token, "supporter_id": sid, "step": "confirm"}, cookie=cookie), 422)
        assert "error-summary" in html
    full = make_supporter(server, org, org.peer2, max_active=1)
    other = make_request(server, org)
    assert_json(server.api("POST", f"/api/v1/support-requests/{other['id']}/match", token=org.coord.token,
                           json={"supporter_id": full["id"]}), 201)
    html = page(form(api, path, {"csrf": token, "supporter_id": full["id"], "step": "confirm"}, cookie=cookie), 409)
    assert "Tukihenkilöllä ei ole enää vapaata paikkaa." in html
    en = page(form(api, f"{org.base('en')}/requests/{q['id']}/propose", {"csrf": token}, cookie=cookie), 422)
    assert "Choose a supporter." in en
    assert assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token),
                       200)["request"]["status"] == "open"


# ---- supporters ------------------------------------------------------------------------

def test_supporters_list_says_the_refresher_in_words(server, api, org):
    today = date.today()
    make_supporter(server, org, org.peer, public_name="Aila", training={
        "course": "Vertaistukikoulutus", "completed_on": "2024-01-10",
        "refresher_due": (today - timedelta(days=3)).isoformat()})
    make_supporter(server, org, org.peer2, public_name="Bertta", status="paused", training={
        "course": "Vertaistukikoulutus", "refresher_due": (today + timedelta(days=20)).isoformat()},
        pledge={"version": "2025-1", "signed_on": "2025-02-01"})
    cookie, _ = cookie_of(api, org.coord)
    html = page(get(api, f"{org.base()}/supporters", cookie), 200)
    aila, bertta = html.split("Aila</a>")[1].split("Bertta</a>")
    assert "Myöhässä, eräpäivä oli" in aila and "Vertaistukikoulutus" in aila and "0 / 2" in aila
    assert "Pian, eräpäivä" in bertta and "Tauolla" in bertta and "1.2.2025" in bertta
    assert_crisis_note(html, "fi")
    # The members who are not supporters yet may be added; the supporters are not offered.
    add = html.split('id="add-heading"')[1]
    assert org.member.display_name in add and org.peer.display_name not in add
    en = page(get(api, f"{org.base('en')}/supporters", cookie), 200)
    assert "Overdue, was due" in en and "Due soon," in en and "On a break" in en


def test_adding_a_supporter_and_editing_the_profile(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"{org.base()}/supporters"
    r = form(api, path, {"csrf": token, "person_id": org.member.id, "public_name": "Minna",
                         "languages": "fi, SV", "mode_phone": "yes"}, cookie=cookie)
    assert r.status == 303 and "?saved=1" in r.headers["Location"]
    sid = r.headers["Location"].split("/supporters/")[1].split("?")[0]
    got = assert_json(server.api("GET", f"/api/v1/supporters/{sid}", token=org.coord.token), 200)["supporter"]
    assert got["languages"] == ["fi", "sv"] and got["contact_modes"] == ["phone"]
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Tallennettu." in html and 'value="Minna"' in html and 'value="fi, sv"' in html
    assert_crisis_note(html, "fi")
    edit = {"csrf": token, "public_name": "Minna M", "bio": "Kahden lapsen äiti.", "topics": "vauva-arki, uni",
            "municipalities": "Tampere", "languages": "fi", "mode_phone": "yes", "mode_video": "yes",
            "max_active": "3", "status": "paused", "training_course": "Vertaistukikoulutus",
            "training_completed_on": "2026-01-15", "training_refresher_due": "2028-01-15",
            "pledge_version": "2026-1", "pledge_signed_on": "2026-01-15"}
    r = form(api, f"{path}/{sid}", edit, cookie=cookie)
    assert r.status == 303, r.body
    got = assert_json(server.api("GET", f"/api/v1/supporters/{sid}", token=org.coord.token), 200)["supporter"]
    assert got["public_name"] == "Minna M" and got["topics"] == ["vauva-arki", "uni"] and got["max_active"] == 3
    assert got["status"] == "paused" and got["contact_modes"] == ["phone", "video"]
    assert got["training"] == {"course": "Vertaistukikoulutus", "completed_on": "2026-01-15",
                               "refresher_due": "2028-01-15"}
    assert got["pledge"] == {"version": "2026-1", "signed_on": "2026-01-15"}
    # Emptied, the training and the pledge are removed.
    r = form(api, f"{path}/{sid}", {**edit, "training_course": "", "training_completed_on": "",
                                    "training_refresher_due": "", "pledge_version": "", "pledge_signed_on": ""},
             cookie=cookie)
    assert r.status == 303
    got = assert_json(server.api("GET", f"/api/v1/supporters/{sid}", token=org.coord.token), 200)["supporter"]
    assert got["training"] is None and got["pledge"] is None


def test_supporter_forms_refused(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"{org.base()}/supporters"
    html = page(form(api, path, {"csrf": token, "person_id": "", "public_name": "", "languages": ""},
                     cookie=cookie), 422)
    assert "error-summary" in html and 'aria-invalid="true"' in html
    html = page(form(api, path, {"csrf": token, "person_id": org.member.id, "public_name": "Minna",
                                 "languages": "fi"}, cookie=cookie), 422)
    assert 'href="#contact_modes"' in html and "Valitse ainakin yksi yhteydenpitotapa." in html
    s = make_supporter(server, org, org.peer)
    html = page(form(api, path, {"csrf": token, "person_id": org.peer.id, "public_name": "Toinen",
                                 "languages": "fi", "mode_phone": "yes"}, cookie=cookie), 409)
    assert "Hän on jo tukihenkilö." in html
    outsider = register(server)
    html = page(form(api, path, {"csrf": token, "person_id": outsider.id, "public_name": "Ulko",
                                 "languages": "fi", "mode_phone": "yes"}, cookie=cookie), 422)
    assert 'href="#person_id"' in html
    edit = {"csrf": token, "public_name": "Peer", "languages": "fi", "mode_phone": "yes", "max_active": "0",
            "status": "active"}
    html = page(form(api, f"{path}/{s['id']}", edit, cookie=cookie), 422)
    assert 'href="#max_active"' in html and 'value="0"' in html  # what was typed is kept
    html = page(form(api, f"{path}/{s['id']}", {**edit, "max_active": "2", "training_course": "Kurssi", "training_completed_on": "2026-13-40"},
                     cookie=cookie), 422)
    assert 'href="#training_completed_on"' in html
    sv = page(form(api, f"/sv/orgs/{org.slug}/manage/support/supporters/{s['id']}",
                   {**edit, "max_active": "x"}, cookie=cookie), 422)
    assert "Ange ett tal 1–50." in sv


# ---- pairings, closing one ---------------------------------------------------------------

def test_pairings_and_closing_one(server, api, org):
    s = make_supporter(server, org, org.peer)
    q = make_request(server, org)
    p = assert_json(server.api("POST", f"/api/v1/support-requests/{q['id']}/match", token=org.coord.token,
                               json={"supporter_id": s["id"]}), 201)["pairing"]
    cookie, token = cookie_of(api, org.coord)
    html = page(get(api, f"{org.base()}/pairings", cookie), 200)
    assert "Ehdotettu, odottaa vastausta" in html and s["public_name"] in html
    close = f"{org.base()}/pairings/{p['id']}/close"
    assert f'href="{close}"' in html
    assert_crisis_note(html, "fi")
    html = page(get(api, close, cookie), 200)
    assert "Päätetty tukisuhde ei palaa." in html and 'value="no_longer_needed"' in html
    assert_crisis_note(html, "fi")
    html = page(form(api, close, {"csrf": token}, cookie=cookie), 422)
    assert 'href="#outcome"' in html
    r = form(api, close, {"csrf": token, "outcome": "no_longer_needed"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{org.base()}/pairings?closed=1"
    got = assert_json(server.api("GET", f"/api/v1/pairings/{p['id']}", token=org.coord.token), 200)["pairing"]
    assert got["status"] == "closed" and got["outcome"] == "no_longer_needed"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Päättynyt" in html and "Tukea ei enää tarvita" in html and f'href="{close}"' not in html
    html = page(form(api, close, {"csrf": token, "outcome": "completed"}, cookie=cookie), 409)
    assert "Tukisuhde on jo päättynyt." in html
    en = page(get(api, f"{org.base('en')}/pairings", cookie), 200)
    assert "No longer needed" in en


# ---- batch proposals ---------------------------------------------------------------------

def test_batch_proposals_are_previewed_then_made_once_confirmed(server, api, org):
    a = make_supporter(server, org, org.peer, max_active=1)
    b = make_supporter(server, org, org.peer2, max_active=1, topics=["perhe"])
    q1 = make_request(server, org)
    q2 = make_request(server, org, topics=["perhe"])
    q3 = make_request(server, org, languages=["sv"])
    cookie, token = cookie_of(api, org.coord)
    html = page(get(api, f"{org.base()}/proposals", cookie), 200)
    assert a["public_name"] in html and b["public_name"] in html and "1 pyyntö jää ilman ehdotusta." in html
    assert "yhteiset aiheet: perhe" in html
    assert_crisis_note(html, "fi")
    for q in (q1, q2, q3):  # the preview proposed nothing; it read every open request
        assert assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token),
                           200)["request"]["status"] == "open"
        assert "proposals" in [e["action"] for e in access_log(server, org, q["id"])]
    boxes = re.findall(r'name="(pair_\d+)" type="checkbox" value="([^"]+)" checked', html)
    assert boxes == [("pair_0", f"{q1['id']}:{a['id']}"), ("pair_1", f"{q2['id']}:{b['id']}")]
    # Sent with no box ticked (a browser sends none of them), nothing is proposed.
    html = page(form(api, f"{org.base()}/proposals", {"csrf": token}, cookie=cookie), 422)
    assert "Valitse ainakin yksi ehdotus." in html
    # The second unticked: only the first is made.
    r = form(api, f"{org.base()}/proposals", {"csrf": token, "pair_0": boxes[0][1]}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{org.base()}/pairings?made=1&failed=0"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "1 ehdotus tehty." in html
    statuses = [assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token),
                            200)["request"]["status"] for q in (q1, q2, q3)]
    assert statuses == ["proposed", "open", "open"]
    # Both sent again: the first is taken now, the second is made.
    r = form(api, f"{org.base()}/proposals", {"csrf": token, **dict(boxes)}, cookie=cookie)
    assert r.headers["Location"].endswith("made=1&failed=1")
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "1 ehdotus tehty. 1 ei enää onnistunut" in html
    assert page(form(api, f"{org.base()}/proposals", {"csrf": token, "pair_0": "x:y"}, cookie=cookie), 422)


def test_a_batch_cannot_touch_another_orgs_request(server, api, admin_token, org):
    other = org_with_people(server, admin_token, coord="coordinator", peer="member")
    s = make_supporter(server, other, other.peer)
    theirs = make_request(server, other)
    cookie, token = cookie_of(api, org.coord)
    r = form(api, f"{org.base()}/proposals", {"csrf": token, "pair_0": f"{theirs['id']}:{s['id']}"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"].endswith("made=0&failed=1")
    assert assert_json(server.api("GET", f"/api/v1/support-requests/{theirs['id']}", token=other.coord.token),
                       200)["request"]["status"] == "open"


# ---- the access log ----------------------------------------------------------------------

def test_the_access_log_page_says_who_read_what(server, api, org):
    q = make_request(server, org)
    cookie, _ = cookie_of(api, org.coord)
    page(get(api, f"{org.base()}/requests/{q['id']}", cookie), 200)
    html = page(get(api, f"{org.base()}/access-log", cookie), 200)
    assert org.coord.display_name in html and "luki pyynnön" in html and "katsoi sopivat tukihenkilöt" in html
    assert f"{org.base()}/requests/{q['id']}" in html
    assert_crisis_note(html, "fi")
    sv = page(get(api, f"{org.base('sv')}/access-log", cookie), 200)
    assert "läste förfrågan" in sv and "koordinator" in sv


# ---- the manage page's link, who may open what ---------------------------------------------

def test_the_manage_page_links_the_support_pages(server, api, org):
    cookie, _ = cookie_of(api, org.coord)
    html = page(get(api, f"/fi/orgs/{org.slug}/manage", cookie), 200)
    assert f'href="{org.base()}"' in html


def routes(org, rid, sid, pid):
    b = org.base()
    return [("GET", b), ("GET", f"{b}/requests/{rid}"), ("POST", f"{b}/requests/{rid}/propose"),
            ("GET", f"{b}/supporters"), ("POST", f"{b}/supporters"), ("GET", f"{b}/supporters/{sid}"),
            ("POST", f"{b}/supporters/{sid}"), ("GET", f"{b}/pairings"), ("GET", f"{b}/pairings/{pid}/close"),
            ("POST", f"{b}/pairings/{pid}/close"), ("GET", f"{b}/proposals"), ("POST", f"{b}/proposals"),
            ("GET", f"{b}/access-log")]


@pytest.fixture
def world(server, org):
    s = make_supporter(server, org, org.peer, max_active=3)
    q = make_request(server, org)
    other_q = make_request(server, org)
    p = assert_json(server.api("POST", f"/api/v1/support-requests/{other_q['id']}/match", token=org.coord.token,
                               json={"supporter_id": s["id"]}), 201)["pairing"]
    return q, s, p


def test_only_the_orgs_coordinators_may_open_or_send(server, api, admin_token, org, world):
    q, s, p = world
    other = org_with_people(server, admin_token, coord="coordinator")
    fields = {"supporter_id": s["id"], "step": "confirm", "outcome": "completed", "public_name": "X",
              "languages": "fi", "mode_phone": "yes", "max_active": "1", "status": "retired",
              "person_id": org.member.id, "pair_0": f"{q['id']}:{s['id']}"}
    # The org's leader, a member, a supporter (also of the pairing), another org's coordinator.
    paths = routes(org, q["id"], s["id"], p["id"])
    assert_refused_to(api, (org.leader, org.member, org.peer, other.coord), paths, fields)
    # Another org's coordinator with their own org's path: the request, supporter
    # and pairing are not theirs (404 under their slug, 403 by the facts).
    cookie, token = cookie_of(api, other.coord)
    mine = SUPPORT.format(lang="fi", slug=other.slug)
    for path in (f"{mine}/requests/{q['id']}", f"{mine}/supporters/{s['id']}", f"{mine}/pairings/{p['id']}/close"):
        assert get(api, path, cookie).status in (403, 404), path
    assert_signed_out_refused(api, paths, fields)
    assert_forms_need_their_token(api, org.coord, paths, fields)
    cookie, _ = cookie_of(api, org.coord)
    # Nothing was changed by the refused forms.
    got = assert_json(server.api("GET", f"/api/v1/support-requests/{q['id']}", token=org.coord.token), 200)
    assert got["request"]["status"] == "open"
    got = assert_json(server.api("GET", f"/api/v1/supporters/{s['id']}", token=org.coord.token), 200)
    assert got["supporter"]["status"] == "active"
    got = assert_json(server.api("GET", f"/api/v1/pairings/{p['id']}", token=org.coord.token), 200)
    assert got["pairing"]["status"] == "proposed"
    # Unknown ids are 404; a request of the org under another org's path too.
    for path in (f"{org.base()}/requests/00000000-0000-4000-8000-000000000000",
                 f"{org.base()}/supporters/00000000-0000-4000-8000-000000000000",
                 f"{org.base()}/pairings/00000000-0000-4000-8000-000000000000/close"):
        assert get(api, path, cookie).status == 404, path
    set_role(server, other.slug, org.coord.id, "coordinator", admin_token)
    elsewhere = SUPPORT.format(lang="fi", slug=other.slug)
    assert get(api, f"{elsewhere}/requests/{q['id']}", cookie).status == 404


# ---- the module switched off -----------------------------------------------------------------

class MatchingOffServer(Server):
    def env(self):
        return {**super().env(), "PIIRI_MATCHING": "off"}


def test_the_pages_do_not_exist_with_matching_off(pg, server, api, org, world):
    q, s, p = world
    cookie, token = cookie_of(api, org.coord)
    off = MatchingOffServer(pg.url, "matching-off-web").start()
    try:
        for method, path in routes(org, q["id"], s["id"], p["id"]):
            headers = {"Cookie": cookie}
            r = off.api("GET", path, headers=headers) if method == "GET" else \
                off.api("POST", path, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
                        body=f"csrf={token}")
            assert r.status == 404, (method, path, r.status)
        r = off.api("GET", f"/fi/orgs/{org.slug}/manage", headers={"Cookie": cookie})
        assert r.status == 200 and "/manage/support" not in r.body.decode()
    finally:
        off.stop()
