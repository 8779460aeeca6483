# SPDX-License-Identifier: Apache-2.0
"""Links by email, against a real SMTP server (aiosmtpd): a new account's
address is verified by the link its first mail carries and gets nothing
else before; a forgotten password is reset, and a sign-in needs no
password, by links that act only on POST, once, for a short time, and are
asked for with the same answer whether or not the address has an account;
every other message can be turned off in one click (RFC 8058) or on the
preferences."""

import re
import time

import pytest

from helpers import (LOGIN, Server, add_session, assert_error, assert_json, fresh_source, in_days,
                     make_group, new_email, new_password, org_with_people, psql, register, signed_up,
                     verified, wait_until)
from mail_helpers import smtp  # noqa: F401 (a fixture; not verified_people: these tests verify)
from test_mail import FROM

LINK = re.compile(r"/(fi|sv|en)/link/([A-Za-z0-9_-]{43})")
ONE_CLICK = re.compile(r"<(http://[^>]+/api/v1/mail/unsubscribe/([A-Za-z0-9_-]{43}))>")


@pytest.fixture(scope="module")
def srv(pg, smtp):
    controller, _ = smtp
    s = Server(pg.url, "links", env={"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
                                     "PIIRI_MAIL_FROM": FROM, "PIIRI_MAIL_RETRY_S": "1"}).start()
    yield s
    assert s.stop() == 0


def committed(pg, msg):
    """MSG, once its outbox row is marked sent: the mail server has it a moment
    before the delivery process commits, and its link with it."""
    row = re.search(r"<piiri-outbox-(\d+)\.", msg["Message-ID"]).group(1)
    wait_until(lambda: psql(pg.url, f"SELECT status FROM notification_outbox WHERE id = {row}") == "sent",
               10, what="the row marked sent")
    return msg


def account_mails(pg, sink, address, subject, n=1, timeout=20):
    """The account messages with SUBJECT to ADDRESS, once there are N and they
    are marked sent (a verification mail may have come before the test
    verified the address)."""
    def mine():
        return [m for m in sink.account(address) if m["Subject"] == subject]
    wait_until(lambda: len(mine()) >= n, timeout, what=f"{n} mails '{subject}'")
    return [committed(pg, m) for m in mine()]


def link_of(msg):
    """(language, token) of the link in MSG's text part; the HTML part has the same."""
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    lang, token = LINK.search(text).groups()
    assert f"/{lang}/link/{token}" in html
    return lang, token


def ask(srv, email, purpose, source=None):
    return srv.api("POST", "/api/v1/auth/email-link", json={"email": email, "purpose": purpose},
                   source=source or fresh_source())


def use(srv, token, **body):
    return srv.api("POST", f"/api/v1/auth/links/{token}", json=body)


def test_a_new_address_gets_only_its_verification_until_it_is_verified(pg, srv, smtp, admin):
    _, sink = smtp
    o = org_with_people(srv, admin[1], coord="coordinator")
    verified(pg.url, o.coord)
    g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=5)
    first, second = (add_session(srv, g["id"], o.coord.token, in_days(d)) for d in (10, 11))
    p = register(srv)
    [msg] = account_mails(pg, sink, p.email, "Vahvista sähköpostiosoitteesi")
    assert msg["List-Unsubscribe"] is None and msg["Auto-Submitted"] == "auto-generated"
    assert "48 tuntia" in msg.get_body(("plain",)).get_content()
    _, token = link_of(msg)
    signed_up(srv, "session", first["id"], p.token, "confirmed")
    wait_until(lambda: psql(pg.url, f"SELECT status FROM notification_outbox WHERE person_id = '{p.id}' "
                                    "AND kind = 'signup_confirmed'") == "skipped", 20, what="skipped")
    assert sink.to(p.email) == []
    assert assert_json(srv.api("GET", "/api/v1/me/mail", token=p.token), 200)["email_verified"] is False
    assert assert_json(srv.api("GET", f"/api/v1/auth/links/{token}"), 200)["purpose"] == "verify"
    assert assert_json(use(srv, token), 200) == {"status": "verified"}
    assert assert_json(srv.api("GET", "/api/v1/me/mail", token=p.token), 200)["email_verified"] is True
    assert_error(use(srv, token), 410, "link_gone")
    signed_up(srv, "session", second["id"], p.token, "confirmed")
    wait_until(lambda: len(sink.to(p.email)) == 1, 20, what="the confirmation")
    # Verified, asking again sends nothing more.
    assert_json(ask(srv, p.email, "verify"), 202)
    time.sleep(1.5)
    assert len(sink.account(p.email)) == 1  # the verification only


def test_a_forgotten_password_is_reset_by_its_link_once(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    other = srv.api("POST", LOGIN, json={"email": p.email, "password": p.password}, source=fresh_source())
    other_token = assert_json(other, 200)["token"]
    known = ask(srv, p.email, "reset")
    unknown = ask(srv, new_email(), "reset")
    assert known.status == unknown.status == 202 and known.body == unknown.body
    [msg] = account_mails(pg, sink, p.email, "Salasanan vaihtaminen")
    lang, token = link_of(msg)
    assert lang == "fi" and "1 tuntia" not in msg.get_body(("plain",)).get_content()
    assert assert_json(srv.api("GET", f"/api/v1/auth/links/{token}"), 200)["purpose"] == "reset"
    assert_error(use(srv, token), 422, "invalid")
    assert_error(use(srv, token, password="lyhyt"), 422, "invalid")
    fresh = new_password()
    done = assert_json(use(srv, token, password=fresh), 200)
    assert done["status"] == "reset" and done["person"]["id"] == p.id
    assert srv.api("GET", "/api/v1/me", token=done["token"]).status == 200
    # Everyone who held the old password, or a token made with it, is out.
    for old in (p.token, other_token):
        assert srv.api("GET", "/api/v1/me", token=old).status == 401
    assert_error(srv.api("POST", LOGIN, json={"email": p.email, "password": p.password},
                         source=fresh_source()), 401, "invalid_credentials")
    assert_json(srv.api("POST", LOGIN, json={"email": p.email, "password": fresh}, source=fresh_source()), 200)
    assert_error(use(srv, token, password=new_password()), 410, "link_gone")


def test_a_sign_in_link_works_once_and_not_for_long(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    assert_json(ask(srv, p.email, "signin"), 202)
    [msg] = account_mails(pg, sink, p.email, "Kirjautumislinkki")
    assert "20 minuuttia" in msg.get_body(("plain",)).get_content()
    _, token = link_of(msg)
    # A GET (a mail scanner) does nothing.
    for _ in range(3):
        assert_json(srv.api("GET", f"/api/v1/auth/links/{token}"), 200)
    signed_in = assert_json(use(srv, token), 200)
    assert signed_in["status"] == "signed_in" and signed_in["person"]["email"] == p.email
    assert assert_json(srv.api("GET", "/api/v1/me", token=signed_in["token"]), 200)["person"]["id"] == p.id
    assert_error(use(srv, token), 410, "link_gone")
    assert_error(srv.api("GET", f"/api/v1/auth/links/{token}"), 410, "link_gone")

    assert_json(ask(srv, p.email, "signin"), 202)
    _, late = link_of(account_mails(pg, sink, p.email, "Kirjautumislinkki", 2)[1])
    psql(pg.url, "UPDATE mail_links SET expires_at = now() - interval '1 second' WHERE expires_at > now() "
                 f"AND person_id = '{p.id}' AND purpose = 'signin'")
    assert_error(use(srv, late), 410, "link_gone")
    # Only a hash is kept.
    assert psql(pg.url, f"SELECT count(*) FROM mail_links WHERE token_hash::text LIKE '%{late}%'") == "0"


def test_asking_is_throttled_and_says_the_same_for_an_unknown_address(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    src = fresh_source()
    answers = [ask(srv, p.email, "signin", source=src) for _ in range(5)]
    assert {a.status for a in answers} == {202}
    assert_error(ask(srv, p.email, "signin", source=fresh_source()), 429, "too_many_attempts")
    nobody = new_email()
    for _ in range(5):
        assert ask(srv, nobody, "signin", source=src).body == answers[0].body
    assert_error(ask(srv, nobody, "signin", source=fresh_source()), 429, "too_many_attempts")
    assert_error(ask(srv, "x@example.org", "everything"), 422, "invalid")
    # One message waiting at a time: five asks, at most a few mails.
    time.sleep(1.5)
    assert 1 <= len([m for m in sink.account(p.email) if m["Subject"] == "Kirjautumislinkki"]) <= 5


def test_one_click_unsubscribe_turns_that_kind_of_message_off(pg, srv, smtp, admin):
    _, sink = smtp
    o = org_with_people(srv, admin[1], coord="coordinator", p1="member")
    verified(pg.url, o.p1)
    g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=5)
    a, b = (add_session(srv, g["id"], o.coord.token, in_days(d)) for d in (12, 13))
    signed_up(srv, "session", a["id"], o.p1.token, "confirmed")
    wait_until(lambda: len(sink.to(o.p1.email)) == 1, 20, what="the confirmation")
    [msg] = [committed(pg, m) for m in sink.to(o.p1.email)]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url, token = ONE_CLICK.search(msg["List-Unsubscribe"]).groups()
    text = msg.get_body(("plain",)).get_content()
    assert f"/fi/link/{token}" in text and "/fi/me/mail" in text
    # What a mail program sends: a form body, no cookie, no Origin.
    assert url.endswith(f"/api/v1/mail/unsubscribe/{token}")
    r = srv.api("POST", f"/api/v1/mail/unsubscribe/{token}", body="List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert assert_json(r, 200) == {"status": "unsubscribed", "kind": "signup_confirmed"}
    prefs = assert_json(srv.api("GET", "/api/v1/me/mail", token=o.p1.token), 200)
    assert prefs["messages"]["signup_confirmed"] is False and prefs["messages"]["session_moved"] is True
    # Twice is once.
    assert_json(srv.api("POST", f"/api/v1/mail/unsubscribe/{token}"), 200)
    signed_up(srv, "session", b["id"], o.p1.token, "confirmed")
    wait_until(lambda: psql(pg.url, f"SELECT count(*) FROM notification_outbox WHERE person_id = '{o.p1.id}' "
                                    "AND status = 'skipped'") == "1", 20, what="the second skipped")
    assert len(sink.to(o.p1.email)) == 1
    assert_error(srv.api("POST", "/api/v1/mail/unsubscribe/" + "A" * 43), 410, "link_gone")
    assert srv.api("POST", "/api/v1/mail/unsubscribe/short").status == 404


def test_preferences_change_only_what_is_named(pg, srv):
    p = register(srv)
    me = assert_json(srv.api("GET", "/api/v1/me/mail", token=p.token), 200)
    assert me == {"email": p.email, "email_verified": False, "language": "fi", "reminders": True,
                  "messages": {"signup_confirmed": True, "signup_waitlisted": True, "signup_promoted": True,
                               "session_cancelled": True, "session_moved": True, "schedule_changed": True,
                               "pairing_proposed": True, "pairing_accepted": True}}
    r = srv.api("PATCH", "/api/v1/me/mail", token=p.token,
                json={"language": "sv", "messages": {"session_moved": False}})
    changed = assert_json(r, 200)
    assert changed["language"] == "sv" and changed["reminders"] is True
    assert changed["messages"]["session_moved"] is False and changed["messages"]["signup_promoted"] is True
    r = srv.api("PATCH", "/api/v1/me/mail", token=p.token, json={"reminders": False})
    assert assert_json(r, 200)["messages"]["session_moved"] is False
    for bad in ({"language": "de"}, {"reminders": "no"}, {"messages": {"email_verify": False}},
                {"messages": {"session_moved": 0}}, {"messages": []}, {"email": "x@example.org"}):
        assert_error(srv.api("PATCH", "/api/v1/me/mail", token=p.token, json=bad), 422, "invalid")
    assert srv.api("GET", "/api/v1/me/mail").status == 401


def test_an_erased_account_gets_no_link(pg, srv, smtp):
    _, sink = smtp
    p = verified(pg.url, register(srv))
    assert srv.api("DELETE", "/api/v1/me", token=p.token).status == 204
    assert_json(ask(srv, p.email, "reset"), 202)
    time.sleep(1.5)
    assert [m for m in sink.account(p.email) if m["Subject"] == "Salasanan vaihtaminen"] == []


def test_the_verification_comes_in_the_language_registered_in(pg, srv, smtp):
    _, sink = smtp
    from test_web_auth import form
    email = new_email()
    r = form(srv.api, "/sv/register", {"display_name": "Sofia", "email": email, "password": new_password()},
             source=fresh_source())
    assert r.status == 303
    [msg] = account_mails(pg, sink, email, "Bekräfta din e-postadress")
    assert link_of(msg)[0] == "sv"
    english = new_email()
    body = {"email": english, "password": new_password(), "display_name": "Sam", "language": "en"}
    assert_json(srv.api("POST", "/api/v1/auth/register", json=body, source=fresh_source()), 202)
    [msg] = account_mails(pg, sink, english, "Confirm your email address")
    assert link_of(msg)[0] == "en"
    body = {"email": new_email(), "password": new_password(), "display_name": "X", "language": "de"}
    assert_error(srv.api("POST", "/api/v1/auth/register", json=body, source=fresh_source()), 422, "invalid",
                 "language")

