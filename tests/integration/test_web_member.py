# SPDX-License-Identifier: Apache-2.0
"""A member's journeys through the web client with plain HTTP and no JavaScript, as a
browser without scripts would make them: register, sign in, sign up from the group's
form, the confirmation page, my page, cancelling with a confirmation step, signing
out. The queue is said on the confirmation; nobody reads another's signup; no
personal data goes into a URL or a page title."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from helpers import (add_session, fresh_source, in_days, make_group, new_email, new_name, new_password,
                     org_with_people, psql, raw_get, remember)

FORM = "application/x-www-form-urlencoded"


class Browser:
    """One browser: its cookies, and the pages it was shown."""

    def __init__(self, api):
        self.api = api
        self.cookies = {}
        self.source = fresh_source()
        self.visited = []

    def _send(self, method, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if fields is not None:
            headers["Content-Type"] = FORM
            body = urlencode(fields)
        r = self.api(method, path, body=body, headers=headers, source=self.source)
        self.visited.append(path)
        for header in (r.headers.get("Set-Cookie") or "").split(", "):
            if "=" in header:
                name, value = header.split(";", 1)[0].split("=", 1)
                if value:
                    self.cookies[name] = value
                    remember("tokens", value)
                else:
                    self.cookies.pop(name, None)
        return r

    def get(self, path, status=200):
        r = self._send("GET", path)
        assert r.status == status, (path, r.status, r.body[:400])
        return r.body.decode("utf-8") if isinstance(r.body, bytes) else r.body

    def post(self, path, fields):
        return self._send("POST", path, fields)

    def csrf(self, html):
        """The form token of the page, as the browser would send it back."""
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, "no csrf field on the page"
        return m.group(1)


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.fixture
def closed_group(server, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, capacity=2,
                   location={"name": "Runosmäen nuorisotila", "municipality": "Turku"})
    add_session(server, g["id"], o.coord.token, in_days(7))
    return g


def register_and_sign_in(api, lang="fi"):
    b = Browser(api)
    email, password, name = new_email(), new_password(), new_name()
    for kind, v in (("emails", email), ("passwords", password), ("names", name)):
        remember(kind, v)
    b.get(f"/{lang}/register")
    r = b.post(f"/{lang}/register", {"display_name": name, "email": email, "password": password})
    assert r.status == 303
    html = b.get(r.headers["Location"])
    assert 'role="status"' in html  # "if this address had no account, it has one now"
    r = b.post(f"/{lang}/signin", {"email": email, "password": password})
    assert r.status == 303 and r.headers["Location"] == f"/{lang}/me"
    b.personal = (email, name)
    return b


def test_the_whole_journey_without_javascript(api, closed_group):
    b = register_and_sign_in(api)
    html = b.get("/fi/me")
    assert "Et ole vielä ilmoittautunut mihinkään." in html
    token = b.csrf(html)

    # Sign up as the group page's form does: adults, children, note, csrf.
    r = b.post(f"/fi/groups/{closed_group['id']}/signup",
               {"adults": "1", "children": "1", "note": "", "csrf": token})
    assert r.status == 303
    confirmation = r.headers["Location"]
    assert re.fullmatch(r"/fi/signups/[0-9a-f-]{36}", confirmation)
    html = b.get(confirmation)
    # Enough on its own: what, when, where, status, how to cancel, the calendar.
    assert closed_group["title"] in html
    assert "Runosmäen nuorisotila, Turku" in html
    assert "Paikkasi on vahvistettu." in html
    assert re.search(r"klo \d\d\.\d\d", html)
    assert f'href="{confirmation}/cancel"' in html
    assert f"webcal://" in html and f"/calendars/groups/{closed_group['id']}.ics" in html

    html = b.get("/fi/me")
    assert closed_group["title"] in html and "Paikkasi on vahvistettu." in html
    assert "Tulevat tapaamiset" in html and "paikka vahvistettu" in html

    # Cancelling: a link leads to a confirmation step; only its POST cancels.
    html = b.get(f"{confirmation}/cancel")
    assert "Haluatko varmasti perua" in html
    assert "Paikkasi on vahvistettu." in b.get(confirmation)
    r = b.post(f"{confirmation}/cancel", {"csrf": b.csrf(html)})
    assert r.status == 303 and r.headers["Location"] == "/fi/me"
    html = b.get("/fi/me")
    assert "Ilmoittautuminen on peruttu." in html
    assert "Haluatko" not in html and f'href="{confirmation}/cancel"' not in html

    # Signing out from the header's form.
    r = b.post("/fi/signout", {"csrf": b.csrf(html)})
    assert r.status == 303 and "piiri_session" not in b.cookies
    b.get("/fi/me", status=303)  # signed out: to the sign-in form

    # Nothing personal in any address or title the browser was shown.
    email, name = b.personal
    for path in b.visited:
        assert email not in path and name not in path


def test_a_full_group_puts_the_next_in_the_queue(api, closed_group):
    first, second = register_and_sign_in(api), register_and_sign_in(api, "en")
    for b, lang, adults in ((first, "fi", "2"), (second, "en", "1")):
        token = b.csrf(b.get(f"/{lang}/me"))
        r = b.post(f"/{lang}/groups/{closed_group['id']}/signup", {"adults": adults, "csrf": token})
        assert r.status == 303
        b.confirmation = r.headers["Location"]
    html = second.get(second.confirmation)
    assert "You are on the waiting list." in html and "You are first in the queue." in html
    assert "You are first in the queue." in second.get("/en/me")
    # Another's signup is not to be read by its id, nor cancelled.
    first.get(second.confirmation.replace("/en/", "/fi/"), status=404)
    first.get(second.confirmation.replace("/en/", "/fi/") + "/cancel", status=404)
    token = first.csrf(first.get("/fi/me"))
    assert first.post(second.confirmation.replace("/en/", "/fi/") + "/cancel", {"csrf": token}).status == 403


def test_sign_up_form_errors_and_csrf(api, closed_group):
    b = register_and_sign_in(api)
    path = f"/fi/groups/{closed_group['id']}/signup"
    assert b.post(path, {"adults": "1"}).status == 403  # no token: csrf_failed
    token = b.csrf(b.get("/fi/me"))
    r = b.post(path, {"adults": "lots", "csrf": token})
    assert r.status == 422 and r.headers["Content-Type"].startswith("text/html")
    html = r.body.decode()
    assert "aikuisia ja lapsia yhteensä 1–12" in html and f'href="/fi/groups/{closed_group["id"]}"' in html
    assert b.post(path, {"adults": "0", "children": "0", "csrf": token}).status == 422
    assert b.post(path, {"adults": "3", "csrf": token}).status == 422  # more than the group's places
    # Sent twice (a double click): the second says where the first is.
    assert b.post(path, {"adults": "1", "csrf": token}).status == 303
    r = b.post(path, {"adults": "1", "csrf": token})
    assert r.status == 409 and "Olet jo ilmoittautunut tähän." in r.body.decode()
    assert 'action="/fi/signout"' in r.body.decode()  # the header says who is signed in
    # Signed out: the form needs an account.
    anon = Browser(api)
    assert anon.post(path, {"adults": "1"}).status == 401


def test_pages_titles_hold_no_personal_data(api, closed_group):
    b = register_and_sign_in(api, "sv")
    email, name = b.personal
    token = b.csrf(b.get("/sv/me"))
    r = b.post(f"/sv/groups/{closed_group['id']}/signup", {"adults": "1", "csrf": token})
    for path in ("/sv/me", r.headers["Location"], r.headers["Location"] + "/cancel"):
        t = title_of(b.get(path))
        assert email not in t and name not in t and closed_group["title"] not in t


def test_calendar_help_on_my_page(server, api):
    b = register_and_sign_in(api, "en")
    html = b.get("/en/me")
    feed = re.search(r'value="(http://[^"]+/calendars/people/[^"]+\.ics)"', html).group(1)
    remember("tokens", feed.rsplit("/", 1)[1][:-4])
    assert f'href="webcal://{feed.split("://", 1)[1]}"' in html
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in unescape(html)
    for app in ("Google", "Apple", "Outlook", "Thunderbird"):
        assert f"<dt>{app}</dt>" in html
    assert 'name="discreet" type="checkbox" value="on" aria' in html  # not checked yet
    # Discreet titles on, then a new link: the old one stops working.
    r = b.post("/en/me/calendar", {"discreet": "on", "csrf": b.csrf(html)})
    assert r.status == 303 and r.headers["Location"] == "/en/me#calendar"
    html = b.get("/en/me")
    assert 'value="on" checked' in html
    r = b.post("/en/me/calendar-link", {"csrf": b.csrf(html)})
    assert r.status == 303
    html = b.get("/en/me")
    new_feed = re.search(r'value="(http://[^"]+/calendars/people/[^"]+\.ics)"', html).group(1)
    remember("tokens", new_feed.rsplit("/", 1)[1][:-4])
    assert new_feed != feed
    path = lambda u: "/" + u.split("/", 3)[3]
    assert api("GET", path(feed)).status == 404
    assert raw_get(server, path(new_feed), record=False).status == 200  # a feed, not JSON
    # Discreet titles off again: the box sent unchecked sends no field.
    assert b.post("/en/me/calendar", {"csrf": b.csrf(html)}).status == 303
    assert 'value="on" checked' not in b.get("/en/me")


def test_my_data_export_and_erasure(server, api, closed_group):
    b = register_and_sign_in(api)
    html = b.get("/fi/me")
    assert 'href="/api/v1/me/export" download' in html
    r = b._send("GET", "/api/v1/me/export")
    assert r.status == 200 and r.body["person"]["email"] == b.personal[0]
    assert len(r.body["web_sessions"]) == 1 and set(r.body["web_sessions"][0]) == {"created_at", "expires_at"}
    token = b.csrf(html)
    r = b.post(f"/fi/groups/{closed_group['id']}/signup", {"adults": "1", "csrf": token})
    assert r.status == 303
    # Erasing: the link leads to a confirmation step; its form erases.
    html = b.get("/fi/me/erase")
    assert "Tätä ei voi perua." in html
    assert b.post("/fi/me/erase", {}).status == 403  # no token
    r = b.post("/fi/me/erase", {"csrf": b.csrf(html)})
    assert r.status == 303 and r.headers["Location"] == "/fi/"
    assert "piiri_session" not in b.cookies
    b.get("/fi/me", status=303)  # signed out: to the sign-in form
    email = b.personal[0]
    assert server.api("POST", "/api/v1/auth/login", json={"email": email, "password": "x" * 12},
                      source=fresh_source()).status == 401


def test_absence_notice_with_a_reason(api, closed_group):
    b = register_and_sign_in(api)
    token = b.csrf(b.get("/fi/me"))
    assert b.post(f"/fi/groups/{closed_group['id']}/signup", {"adults": "1", "csrf": token}).status == 303
    html = b.get("/fi/me")
    action = re.search(r'action="(/fi/sessions/[0-9a-f-]{36}/absence)"', html).group(1)
    assert "En pääse tähän tapaamiseen" in html
    r = b.post(action, {"reason": "  Lapsi sairastui.  ", "csrf": b.csrf(html)})
    assert r.status == 303 and r.headers["Location"] == "/fi/me"
    html = b.get("/fi/me")
    assert "ilmoitit poissaolosta" in html and f'action="{action}"' not in html
    export = b._send("GET", "/api/v1/me/export").body
    assert [n["reason"] for n in export["absence_notices"]] == ["Lapsi sairastui."]
    # "I can come after all": the notice is withdrawn, and the form to send one is back.
    withdraw = action + "/withdraw"
    assert f'action="{withdraw}"' in html and "Pääsenkin tulemaan" in html
    assert b.post(withdraw, {}).status == 403  # no token
    r = b.post(withdraw, {"csrf": b.csrf(html)})
    assert r.status == 303 and r.headers["Location"] == "/fi/me"
    html = b.get("/fi/me")
    assert "paikka vahvistettu" in html and f'action="{action}"' in html and withdraw not in html
    assert b.post(withdraw, {"csrf": b.csrf(html)}).status == 303, "sent twice: nothing to withdraw, no error"
    # Someone else may not send a notice for a session they are not in.
    other = register_and_sign_in(api)
    token = other.csrf(other.get("/fi/me"))
    assert other.post(action, {"csrf": token}).status == 403


def test_a_meeting_that_has_begun_offers_no_cancel(server, api, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=10)
    soon, later = (add_session(server, g["id"], o.coord.token, in_days(d)) for d in (2, 9))
    b = register_and_sign_in(api)
    for s in (soon, later):
        r = b.post(f"/fi/sessions/{s['id']}/signup", {"adults": "1", "csrf": b.csrf(b.get("/fi/me"))})
        assert r.status == 303, r.status
    assert b.get("/fi/me").count("/cancel\"") == 2
    # The first meeting has begun: it stays in the list, with nothing to cancel.
    psql(server.db_url, f"UPDATE sessions SET starts_at = now() - interval '1 hour', "
                        f"ends_at = now() + interval '1 hour' WHERE id = '{soon['id']}'")
    assert b.get("/fi/me").count("/cancel\"") == 1


CONSENT = "Suostun siihen, että leirillä otettuja kuvia käytetään yhdistyksen tiedotteissa."
CONSENT_SV = "Jag samtycker till att bilder från lägret används i föreningens meddelanden."


@pytest.fixture
def consent_group(server, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, capacity=5, consent_text=CONSENT, consent_text_sv=CONSENT_SV)
    add_session(server, g["id"], o.coord.token, in_days(7))
    return g


def selected(html, field_id):
    """The chosen option of the select FIELD_ID."""
    select = re.search(rf'<select id="{field_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r"<option selected>(\d+)</option>", select).group(1)


def test_the_consent_box_in_the_pages_language(api, closed_group, consent_group):
    b = register_and_sign_in(api)
    assert 'name="consent"' not in b.get(f"/fi/groups/{closed_group['id']}")  # a group that asks for none
    html = b.get(f"/fi/groups/{consent_group['id']}")
    assert CONSENT in html and 'name="consent" type="checkbox"' in html and " required" in html
    assert re.search(r"<label for=\"consent\" class=\"inline\">Annan suostumukseni \(pakollinen\)</label>", html)
    sv = b.get(f"/sv/groups/{consent_group['id']}")
    assert CONSENT_SV in sv and CONSENT not in sv
    # No English words: the Finnish ones, marked as Finnish.
    en = b.get(f"/en/groups/{consent_group['id']}")
    assert re.search(rf'<p class="consent-text" id="consent-text" lang="fi">{re.escape(CONSENT)}</p>', en)


def test_a_refused_form_comes_back_with_the_error_beside_its_field(api, consent_group):
    b = register_and_sign_in(api)
    gid = consent_group["id"]
    html = b.get(f"/fi/groups/{gid}")
    token = b.csrf(html)
    path = f"/fi/groups/{gid}/signup"

    # No consent: 422, the group's page again with what was typed.
    r = b.post(path, {"adults": "2", "children": "1", "note": "Tulemme <yhdessä>.", "csrf": token})
    assert r.status == 422 and r.headers["Content-Type"].startswith("text/html")
    html = r.body.decode()
    assert consent_group["title"] in html and CONSENT in html
    assert '<div class="error-summary" role="alert"' in html and '<a href="#consent">' in html
    assert re.search(r'<p class="field-error" id="consent-error">[^<]*suostumusta', html)
    box = re.search(r'<input id="consent"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="consent-error consent-text"' in box
    assert "checked" not in box
    assert selected(html, "adults") == "2" and selected(html, "children") == "1"
    assert "Tulemme &lt;yhdessä&gt;.</textarea>" in html
    assert 'action="/fi/signout"' in html  # still signed in, as the header says
    # The language switcher leads to the group's page, not to the form's address.
    assert f'href="/sv/groups/{gid}"' in html and f'href="/sv/groups/{gid}/signup"' not in html

    # A party too large: the message at the party, the consent kept ticked.
    r = b.post(path, {"adults": "9", "children": "0", "consent": "yes", "csrf": token})
    assert r.status == 422
    html = r.body.decode()
    assert '<a href="#adults">' in html and 'id="party-error"' in html
    assert 'aria-describedby="party-error"' in re.search(r'<select id="adults"[^>]*>', html).group(0)
    assert "checked" in re.search(r'<input id="consent"[^>]*>', html).group(0)
    assert selected(html, "adults") == "9"

    # A note over 500 characters (a browser's maxlength is no guard): at the note, kept.
    long_note = "ä" * 501
    r = b.post(path, {"adults": "1", "note": long_note, "consent": "yes", "csrf": token})
    assert r.status == 422
    html = r.body.decode()
    assert '<a href="#note">' in html and 'id="note-error"' in html and long_note + "</textarea>" in html
    textarea = re.search(r'<textarea id="note"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="note-error note-warning"' in textarea
    # Exactly 500 is fine; with the box ticked the signup is made and keeps the consent.
    r = b.post(path, {"adults": "1", "note": "ä" * 500, "consent": "yes", "csrf": token})
    assert r.status == 303
    export = b._send("GET", "/api/v1/me/export").body
    [signup] = export["signups"]
    assert signup["consent"]["text"] == CONSENT and signup["consent"]["given_at"]


def test_a_refused_session_form_opens_at_that_session(server, api, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=10,
                   consent_text=CONSENT)
    first, second = (add_session(server, g["id"], o.coord.token, in_days(d)) for d in (2, 9))
    b = register_and_sign_in(api, "en")
    token = b.csrf(b.get(f"/en/groups/{g['id']}"))
    r = b.post(f"/en/sessions/{second['id']}/signup", {"adults": "1", "note": "Hei", "csrf": token})
    assert r.status == 422
    html = r.body.decode()
    # The second session's form has the error and what was typed; the first has neither.
    assert '<a href="#consent-2">' in html and 'id="consent-error-2"' in html and 'id="consent-error-1"' not in html
    assert "Hei</textarea>" in html and f'href="/sv/groups/{g["id"]}"' in html
    assert b.post(f"/en/sessions/{second['id']}/signup",
                  {"adults": "1", "consent": "yes", "csrf": token}).status == 303
