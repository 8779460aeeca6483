# SPDX-License-Identifier: Apache-2.0
"""The web client's sign-in: the session cookie (its attributes, stored only as a
hash, revoked by signing out, by the API's logout and by erasing the account, ended
by its expiry), the same login throttling as the API, CSRF refusals for forms and
JSON calls made with the cookie, the Origin and Sec-Fetch-Site checks, form bodies,
and the API's error messages in the language asked for."""

import base64
import hashlib
import hmac
from urllib.parse import urlencode

import pytest

from helpers import (LOGIN, Server, assert_error, assert_json, fresh_source, new_password, psql,
                     register, remember)

FORM = "application/x-www-form-urlencoded"


def form(api, path, fields=None, cookie=None, headers=None, source=None, raw=None):
    """POSTs FIELDS as an HTML form would (RAW: the body as is)."""
    h = {"Content-Type": FORM}
    if cookie is not None:
        h["Cookie"] = cookie
    h.update(headers or {})
    body = raw if raw is not None else urlencode(fields or {})
    return api("POST", path, body=body, headers=h, source=source)


def page(r, status):
    """The HTML page of a reply with STATUS, as text."""
    assert r.status == status, (r.status, r.body[:300] if isinstance(r.body, bytes) else r.body)
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    return r.body.decode("utf-8")


def cookie_headers(r):
    """The reply's Set-Cookie headers (the helper joins them with ", ": no cookie of
    ours has a comma, as none has an Expires date)."""
    joined = r.headers.get("Set-Cookie")
    return joined.split(", ") if joined else []


def parse_cookie(header):
    first, *attrs = [p.strip() for p in header.split(";")]
    name, value = first.split("=", 1)
    return name, value, {a.split("=", 1)[0].lower(): (a.split("=", 1)[1] if "=" in a else True)
                         for a in attrs}


def session_cookie(r, name="piiri_session"):
    for h in cookie_headers(r):
        n, v, attrs = parse_cookie(h)
        if n == name:
            return v, attrs
    raise AssertionError(f"no {name} cookie in {cookie_headers(r)}")


def csrf_of(value):
    """The form token of a session, as docs/web.md defines it."""
    mac = hmac.new(value.encode(), b"piiri csrf v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def sign_in(api, person, lang="fi", source=None, headers=None):
    r = form(api, f"/{lang}/signin", {"email": person.email, "password": person.password},
             source=source or fresh_source(), headers=headers)
    assert r.status == 303, (r.status, r.body)
    value, _ = session_cookie(r)
    remember("tokens", value)
    return value


@pytest.fixture
def signed_in(api, person):
    value = sign_in(api, person)
    return person, value, f"piiri_session={value}"


def test_sign_in_sets_a_session_cookie_that_signs_api_calls(api, person):
    r = form(api, "/sv/signin", {"email": person.email, "password": person.password}, source=fresh_source())
    assert r.status == 303
    assert r.headers["Location"] == "/sv/me"
    value, attrs = session_cookie(r)
    assert len(value) == 43
    assert attrs.get("httponly") is True and attrs.get("samesite") == "Lax" and attrs.get("path") == "/"
    assert int(attrs["max-age"]) > 86400
    assert "secure" not in attrs  # the public URL is http://
    remember("tokens", value)
    me = assert_json(api("GET", "/api/v1/me", headers={"Cookie": f"lang=fi; piiri_session={value}; x=1"}), 200)
    assert me["person"]["id"] == person.id
    # The bearer token of the same person goes on working beside it.
    assert api("GET", "/api/v1/me", token=person.token).status == 200


def test_the_cookie_is_stored_only_as_its_hash(server, api, signed_in):
    person, value, _ = signed_in
    digest = hashlib.sha256(value.encode()).hexdigest()
    assert psql(server.db_url, f"SELECT count(*) FROM web_sessions WHERE token_hash = '\\x{digest}'") == "1"
    dump = psql(server.db_url, f"SELECT string_agg(t::text, ' ') FROM web_sessions t "
                               f"WHERE person_id = '{person.id}'")
    assert value not in dump and csrf_of(value) not in dump


def test_a_wrong_password_is_refused_and_sets_no_cookie(api, person):
    r = form(api, "/en/signin", {"email": person.email, "password": "wrong-" + new_password()},
             source=fresh_source())
    html = page(r, 401)
    # The form again, the message beside the password and in the summary; the address kept.
    assert 'id="password-error"' in html and "The email address or the password is wrong." in html
    assert 'class="error-summary"' in html and 'href="#password"' in html
    assert f'value="{person.email}"' in html and person.password not in html
    assert not [h for h in cookie_headers(r) if h.startswith("piiri_session=")]


def test_sign_out_revokes_the_session(server, api, signed_in):
    person, value, cookie = signed_in
    page(form(api, "/fi/signout", {}, cookie=cookie), 403)
    r = form(api, "/fi/signout", {"csrf": csrf_of(value)}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == "/fi/"
    cleared, attrs = session_cookie(r)
    assert cleared == "" and attrs["max-age"] == "0"
    assert_error(api("GET", "/api/v1/me", headers={"Cookie": cookie}), 401, "unauthorized")
    digest = hashlib.sha256(value.encode()).hexdigest()
    assert psql(server.db_url, f"SELECT count(*) FROM web_sessions WHERE token_hash = '\\x{digest}'") == "0"


def test_the_api_logout_ends_a_cookie_session_too(api, signed_in):
    _, value, cookie = signed_in
    r = api("POST", "/api/v1/auth/logout", headers={"Cookie": cookie, "X-CSRF-Token": csrf_of(value)})
    assert r.status == 204
    assert_error(api("GET", "/api/v1/me", headers={"Cookie": cookie}), 401, "unauthorized")


def test_erasing_the_account_ends_its_sessions(server, api, signed_in):
    person, value, cookie = signed_in
    other = sign_in(api, person)
    r = api("DELETE", "/api/v1/me", headers={"Cookie": cookie, "X-CSRF-Token": csrf_of(value)})
    assert r.status == 204
    assert psql(server.db_url, f"SELECT count(*) FROM web_sessions WHERE person_id = '{person.id}'") == "0"
    assert_error(api("GET", "/api/v1/me", headers={"Cookie": f"piiri_session={other}"}), 401)


def test_an_expired_session_signs_nobody_in(server, api, signed_in):
    person, value, cookie = signed_in
    psql(server.db_url, f"UPDATE web_sessions SET expires_at = now() - interval '1 second' "
                        f"WHERE person_id = '{person.id}'")
    assert_error(api("GET", "/api/v1/me", headers={"Cookie": cookie}), 401, "unauthorized")
    # Where anyone is served, a stale cookie (the browser keeps sending it) is no cookie.
    assert api("GET", "/api/v1/groups", headers={"Cookie": cookie}).status == 200
    assert api("GET", "/api/v1/groups", headers={"Cookie": "piiri_session=not-a-token"}).status == 200
    assert_error(api("GET", "/api/v1/groups", token="not-a-token"), 401)


def test_web_sign_in_shares_the_api_login_throttle(api, person):
    src = fresh_source()
    wrong = {"email": person.email, "password": "wrong-" + new_password()}
    for _ in range(3):
        page(form(api, "/fi/signin", wrong, source=src), 401)
    for _ in range(2):
        assert_error(api("POST", LOGIN, json=wrong, source=src), 401, "invalid_credentials")
    # Five failures of this account from this address, by either door: both are shut.
    r = form(api, "/fi/signin", {"email": person.email, "password": person.password}, source=src)
    assert "Liian monta yritystä" in page(r, 429)
    assert int(r.headers["Retry-After"]) > 0
    assert_error(api("POST", LOGIN, json={"email": person.email, "password": person.password}, source=src),
                 429, "too_many_attempts")
    # The owner elsewhere is not locked out.
    sign_in(api, person)


def test_cookie_json_calls_need_the_csrf_header(api, signed_in):
    person, value, cookie = signed_in
    change = {"display_name": "Uusi Nimi"}
    remember("names", "Uusi Nimi")
    assert_error(api("PATCH", "/api/v1/me", json=change, headers={"Cookie": cookie}), 403, "csrf_failed")
    assert_error(api("PATCH", "/api/v1/me", json=change, headers={"Cookie": cookie, "X-CSRF-Token": "x" * 43}),
                 403, "csrf_failed")
    # Another session's token is not this one's.
    other = sign_in(api, person)
    assert_error(api("PATCH", "/api/v1/me", json=change,
                     headers={"Cookie": cookie, "X-CSRF-Token": csrf_of(other)}), 403, "csrf_failed")
    body = assert_json(api("PATCH", "/api/v1/me", json=change,
                           headers={"Cookie": cookie, "X-CSRF-Token": csrf_of(value)}), 200)
    assert body["person"]["display_name"] == "Uusi Nimi"
    # Reading needs no token; a bearer request is never asked for one, cookie or not.
    assert api("GET", "/api/v1/me/signups", headers={"Cookie": cookie}).status == 200
    assert api("PATCH", "/api/v1/me", json=change, token=person.token, headers={"Cookie": cookie}).status == 200


def test_signing_up_with_the_cookie(server, api, signed_in, admin_token):
    from helpers import make_group, org_with_people
    person, value, cookie = signed_in
    o = org_with_people(server, admin_token, coord="coordinator")
    g = make_group(server, o.slug, o.coord.token)
    path = f"/api/v1/groups/{g['id']}/signups"
    assert_error(api("POST", path, json={"adults": 1}, headers={"Cookie": cookie}), 403, "csrf_failed")
    r = api("POST", path, json={"adults": 1}, headers={"Cookie": cookie, "X-CSRF-Token": csrf_of(value)})
    assert assert_json(r, 201)["signup"]["status"] == "confirmed"


def test_origin_of_another_site_is_refused(server, api, signed_in):
    person, value, cookie = signed_in
    token = {"Cookie": cookie, "X-CSRF-Token": csrf_of(value)}
    for bad in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                {"Origin": server.base_url + ".evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                {"Sec-Fetch-Site": "same-site"}):
        assert_error(api("PATCH", "/api/v1/me", json={}, headers={**token, **bad}), 403, "csrf_failed")
    ok = {"Origin": server.base_url, "Sec-Fetch-Site": "same-origin"}
    assert api("PATCH", "/api/v1/me", json={}, headers={**token, **ok}).status == 200


def test_sign_in_form_checks_where_it_was_sent_from(server, api, person):
    fields = {"email": person.email, "password": person.password}
    for bad in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        page(form(api, "/fi/signin", fields, headers=bad, source=fresh_source()), 403)
        page(form(api, "/fi/register", {}, headers=bad, source=fresh_source()), 403)
    r = form(api, "/fi/signin", fields, source=fresh_source(),
             headers={"Origin": server.base_url, "Sec-Fetch-Site": "same-origin"})
    assert r.status == 303


def test_sign_in_and_register_pages(api, signed_in):
    for lang, title in (("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Sign in")):
        html = page(api("GET", f"/{lang}/signin"), 200)
        assert f"<title>{title} –" in html and f'action="/{lang}/signin"' in html
        assert 'name="csrf"' not in html  # signed out: no session, no token
    html = page(api("GET", "/en/register"), 200)
    assert 'autocomplete="new-password"' in html
    _, value, cookie = signed_in
    # Signed in: the sign-in page sends the browser to my page; every page's
    # header has the sign-out form with the session's token.
    r = api("GET", "/fi/signin", headers={"Cookie": cookie})
    assert r.status == 303 and r.headers["Location"] == "/fi/me"
    html = page(api("GET", "/fi/", headers={"Cookie": cookie}), 200)
    assert f'<input type="hidden" name="csrf" value="{csrf_of(value)}">' in html
    assert 'action="/fi/signout"' in html


def test_register_form(api):
    from helpers import new_email, new_name
    email, password, name = new_email(), new_password(), new_name()
    for kind, v in (("emails", email), ("passwords", password), ("names", name)):
        remember(kind, v)
    src = fresh_source()
    r = form(api, "/en/register", {"email": email, "password": password, "display_name": name}, source=src)
    assert r.status == 303 and r.headers["Location"] == "/en/signin?registered=1"
    html = page(form(api, "/en/register", {"email": email, "password": "short", "display_name": name},
                     source=src), 422)
    assert 'id="password-error"' in html and "at least 8 characters" in html
    html = page(form(api, "/en/register", {}, source=src), 422)
    for field in ("display_name", "email", "password"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    r = form(api, "/en/signin", {"email": email, "password": password}, source=src)
    assert r.status == 303


def test_form_bodies_are_checked(api, signed_in):
    _, value, cookie = signed_in
    page(form(api, "/fi/signin", raw="email=a&email=b"), 400)
    page(form(api, "/fi/signin", raw="email=%FF"), 400)
    page(api("POST", "/fi/signin", json={"email": "a"}), 415)
    assert_error(form(api, "/xx/signin", {}), 404, "not_found")  # not a language: not a page
    html = page(form(api, "/fi/signin", {}, source=fresh_source()), 422)
    assert 'id="email-error"' in html and 'id="password-error"' in html


def test_https_public_url_makes_a_host_only_secure_cookie(pg, api):
    srv = Server(pg.url, "https", env={"PIIRI_PUBLIC_URL": "https://piiri.example"}).start()
    try:
        p = register(srv)
        r = form(srv.api, "/fi/signin", {"email": p.email, "password": p.password},
                 headers={"Origin": "https://piiri.example"}, source=fresh_source())
        assert r.status == 303
        value, attrs = session_cookie(r, "__Host-piiri_session")
        remember("tokens", value)
        assert attrs.get("secure") is True and attrs.get("path") == "/" and "domain" not in attrs
        assert srv.api("GET", "/api/v1/me", headers={"Cookie": f"__Host-piiri_session={value}"}).status == 200
        # Without the prefix the browser may have taken it from a sibling host: not ours.
        assert_error(srv.api("GET", "/api/v1/me", headers={"Cookie": f"piiri_session={value}"}), 401)
        h = {"Cookie": f"__Host-piiri_session={value}", "X-CSRF-Token": csrf_of(value)}
        assert_error(srv.api("PATCH", "/api/v1/me", json={}, headers={**h, "Origin": "http://piiri.example"}),
                     403, "csrf_failed")
        assert srv.api("PATCH", "/api/v1/me", json={}, headers={**h, "Origin": "https://piiri.example"}).status == 200
    finally:
        srv.stop()


@pytest.mark.parametrize("lang, message", [
    (None, "The email address or the password is wrong."),
    ("fi", "Sähköpostiosoite tai salasana on väärin."),
    ("sv-FI, sv;q=0.9", "E-postadressen eller lösenordet är fel."),
    ("de, en;q=0.8", "The email address or the password is wrong."),
    ("en, fi;q=0.5", "The email address or the password is wrong."),
])
def test_api_error_messages_follow_accept_language(api, person, lang, message):
    wrong = {"email": person.email, "password": "wrong-" + new_password()}
    r = api("POST", LOGIN, json=wrong, source=fresh_source(),
            headers={"Accept-Language": lang} if lang else None)
    assert_error(r, 401, "invalid_credentials")
    assert r.body["error"]["message"] == message


def test_validation_messages_follow_accept_language(api, person):
    r = api("PATCH", "/api/v1/me", json={"display_name": 5}, token=person.token,
            headers={"Accept-Language": "fi"})
    assert_error(r, 422, "invalid", field="display_name")
    assert r.body["error"]["message"] == "display_name: pitää olla tekstiä."
    r = api("GET", "/api/v1/no-such-thing", headers={"Accept-Language": "sv"})
    assert_error(r, 404, "not_found")
    assert r.body["error"]["message"] == "Det här finns inte."
