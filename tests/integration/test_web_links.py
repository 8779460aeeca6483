# SPDX-License-Identifier: Apache-2.0
"""Links by email in the web client, without JavaScript: asking for a sign-in
link or a new password answers the same for any address; the page a link
opens only shows a form (a mail scanner's GET does nothing), and the form
signs in, sets the password, verifies or unsubscribes; a used link says so
in plain words; the mail preferences page saves what its boxes say."""

import re

from helpers import fresh_source, in_days, make_group, add_session, org_with_people, register, signed_up, verified, \
    wait_until, assert_json, LOGIN, new_email, new_password
from test_mail_links import account_mails, committed, link_of, smtp, srv  # noqa: F401 (fixtures)
from test_web_auth import csrf_of, form, page, session_cookie


def ask_on_the_web(srv, email, purpose, lang="fi"):
    return form(srv.api, f"/{lang}/signin/email", {"email": email, "purpose": purpose}, source=fresh_source())


def test_sign_in_by_a_link_from_the_sign_in_page(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    signin = page(srv.api("GET", "/fi/signin"), 200)
    assert 'href="/fi/signin/email?purpose=signin"' in signin and 'href="/fi/signin/email?purpose=reset"' in signin
    asking = page(srv.api("GET", "/fi/signin/email?purpose=signin"), 200)
    assert 'action="/fi/signin/email"' in asking and 'name="purpose" value="signin"' in asking
    known = page(ask_on_the_web(srv, p.email, "signin"), 200)
    unknown = page(ask_on_the_web(srv, new_email(), "signin"), 200)
    assert "Jos osoitteella on tili, lähetimme siihen viestin" in known
    assert known.replace(p.email, "") == unknown.replace(p.email, "")
    assert p.email not in known
    [msg] = account_mails(pg, sink, p.email, "Kirjautumislinkki")
    lang, token = link_of(msg)
    for _ in range(2):  # a scanner opening it, then the person
        r = srv.api("GET", f"/{lang}/link/{token}")
        html = page(r, 200)
        assert r.headers["Referrer-Policy"] == "same-origin"  # the token never leaves for another site
        assert f'<form method="post" action="/fi/link/{token}">' in html and "Kirjaudu sisään" in html
    r = form(srv.api, f"/fi/link/{token}", {})
    assert r.status == 303 and r.headers["Location"] == "/fi/me"
    value, _ = session_cookie(r)
    assert page(srv.api("GET", "/fi/me", headers={"Cookie": f"piiri_session={value}"}), 200)
    gone = page(form(srv.api, f"/fi/link/{token}", {}), 410)
    assert "Linkki ei enää toimi" in gone and 'href="/fi/signin/email?purpose=signin"' in gone
    assert "Linkki ei enää toimi" in page(srv.api("GET", f"/fi/link/{token}"), 410)


def test_a_new_password_from_the_reset_link(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    page(ask_on_the_web(srv, p.email, "reset", lang="en"), 200)
    _, token = link_of(account_mails(pg, sink, p.email, "Salasanan vaihtaminen")[0])
    html = page(srv.api("GET", f"/en/link/{token}"), 200)
    assert 'type="password"' in html and 'autocomplete="new-password"' in html
    short = page(form(srv.api, f"/en/link/{token}", {"password": "lyhyt"}), 422)
    assert 'id="password-error"' in short and 'class="error-summary"' in short
    empty = page(form(srv.api, f"/en/link/{token}", {"password": ""}), 422)
    assert 'id="password-error"' in empty
    fresh = new_password()
    r = form(srv.api, f"/en/link/{token}", {"password": fresh})
    assert r.status == 303
    session_cookie(r)
    assert srv.api("POST", LOGIN, json={"email": p.email, "password": fresh}, source=fresh_source()).status == 200
    assert srv.api("GET", "/api/v1/me", token=p.token).status == 401


def test_verify_and_unsubscribe_pages(pg, srv, smtp, admin):
    _, sink = smtp
    o = org_with_people(srv, admin[1], coord="coordinator", p1="member")
    [msg] = account_mails(pg, sink, o.p1.email, "Vahvista sähköpostiosoitteesi")
    _, token = link_of(msg)
    assert "Vahvista osoite" in page(srv.api("GET", f"/fi/link/{token}"), 200)
    done = page(form(srv.api, f"/fi/link/{token}", {}), 200)
    assert "Osoite on vahvistettu" in done
    g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=5)
    s = add_session(srv, g["id"], o.coord.token, in_days(15))
    signed_up(srv, "session", s["id"], o.p1.token, "confirmed")
    wait_until(lambda: len(sink.to(o.p1.email)) == 1, 20, what="the confirmation")
    text = committed(pg, sink.to(o.p1.email)[0]).get_body(("plain",)).get_content()
    _, unsub = re.search(r"/(fi)/link/([A-Za-z0-9_-]{43})", text).groups()
    html = page(srv.api("GET", f"/fi/link/{unsub}"), 200)
    assert "<strong>Paikkasi on varattu</strong>" in html and 'href="/fi/me/mail"' in html
    assert "Viestit on lopetettu" in page(form(srv.api, f"/fi/link/{unsub}", {}), 200)
    prefs = assert_json(srv.api("GET", "/api/v1/me/mail", token=o.p1.token), 200)
    assert prefs["messages"]["signup_confirmed"] is False


def test_the_preferences_page_saves_its_boxes(pg, srv):
    p = register(srv)
    r = form(srv.api, "/sv/signin", {"email": p.email, "password": p.password}, source=fresh_source())
    value, _ = session_cookie(r)
    cookie = f"piiri_session={value}"
    html = page(srv.api("GET", "/sv/me/mail", headers={"Cookie": cookie}), 200)
    assert "Din e-postadress är inte bekräftad" in html and f'name="email" value="{p.email}"' in html
    assert html.count('type="checkbox"') == 9 and html.count(" checked") == 10  # nine boxes and Finnish
    assert "Gruppens schema har ändrats" in html and "Ett förslag om stöd på tu man hand har godkänts" in html
    assert 'id="language-fi" name="language" value="fi" checked' in html
    fields = {"csrf": csrf_of(value), "language": "en", "signup_waitlisted": "on", "reminders": "on"}
    assert page(form(srv.api, "/sv/me/mail", {k: v for k, v in fields.items() if k != "csrf"}, cookie=cookie), 403)
    r = form(srv.api, "/sv/me/mail", fields, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == "/sv/me/mail?saved=1"
    prefs = assert_json(srv.api("GET", "/api/v1/me/mail", token=p.token), 200)
    assert prefs["language"] == "en" and prefs["reminders"] is True
    assert [k for k, on in prefs["messages"].items() if on] == ["signup_waitlisted"]
    saved = page(srv.api("GET", "/sv/me/mail?saved=1", headers={"Cookie": cookie}), 200)
    assert "Inställningarna för meddelanden har sparats." in saved
    assert srv.api("GET", "/sv/me/mail").status == 303  # to the sign-in form
    assert 'href="/sv/me/mail"' in page(srv.api("GET", "/sv/me", headers={"Cookie": cookie}), 200)
