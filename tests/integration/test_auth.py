# SPDX-License-Identifier: Apache-2.0
"""Registration, login, logout, tokens and the login rate limits."""

import threading
import uuid

import pytest

from helpers import (assert_error, assert_json, assert_time, fresh_source, login, new_email,
                     new_name, new_password, register)

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"


def reg(api, **fields):
    body = {"email": new_email(), "password": new_password(), "display_name": new_name()}
    body.update(fields)
    for k in [k for k, v in body.items() if v is _DROP]:
        del body[k]
    return api("POST", REGISTER, json=body)


_DROP = object()


def assert_person(p, email=None, display_name=None, is_admin=False):
    assert set(p) >= {"id", "email", "display_name", "is_admin", "created_at"}, p
    assert isinstance(p["id"], str) and p["id"]
    uuid.UUID(p["id"])
    if email is not None:
        assert p["email"].lower() == email.lower()
    if display_name is not None:
        assert p["display_name"] == display_name
    assert p["is_admin"] is is_admin
    assert_time(p["created_at"])
    assert not any("hash" in k or "password" in k for k in p), p


def test_register(api):
    email, name, pw = new_email(), new_name(), new_password()
    r = api("POST", REGISTER, json={"email": email, "password": pw, "display_name": name})
    body = assert_json(r, 201)
    assert set(body) >= {"person", "token"}
    assert_person(body["person"], email, name)
    assert isinstance(body["token"], str) and len(body["token"]) >= 16
    me = assert_json(api("GET", "/api/v1/me", token=body["token"]), 200)
    assert me["person"]["id"] == body["person"]["id"]


def test_register_ignores_unknown_fields_and_is_admin(api):
    body = assert_json(reg(api, is_admin=True, role="coordinator", id="x"), 201)
    assert body["person"]["is_admin"] is False
    me = assert_json(api("GET", "/api/v1/me", token=body["token"]), 200)
    assert me["person"]["is_admin"] is False


def test_register_unicode_name_roundtrip(api):
    name = "Äijä Öörni ❤ 李 " + uuid.uuid4().hex[:6]
    body = assert_json(reg(api, display_name=name), 201)
    assert body["person"]["display_name"] == name


@pytest.mark.parametrize("email", [
    "", "plainaddress", "two@@example.org", "a@b@example.org", "@example.org",
    "user@localhost", "us er@example.org", "user@exa mple.org", " user@example.org",
    "user@example.org ", "user\t@example.org",
])
def test_register_bad_email_422(api, email):
    assert_error(reg(api, email=email), 422, "invalid", "email")


def long_email(length):
    """A valid address of LENGTH characters: a short local part, a long dotted domain."""
    local = "t" + uuid.uuid4().hex
    rem = length - len(local) - 1 - len(".org")
    labels = []
    while rem > 50:
        labels.append("d" * 49)
        rem -= 50
    labels.append("e" * rem)
    email = f"{local}@{'.'.join(labels)}.org"
    assert len(email) == length, (len(email), email)
    return email


def test_register_email_length_limit(api):
    assert_json(reg(api, email=long_email(254)), 201)
    assert_error(reg(api, email=long_email(255)), 422, "invalid", "email")


@pytest.mark.parametrize("email", ["user+tag@example.org", "Etu.Suku@sub.example.fi",
                                   "äiti@esimerkki.fi"])
def test_register_good_email_variants(api, email):
    local, domain = email.split("@")
    assert_json(reg(api, email=f"{local}.{uuid.uuid4().hex[:8]}@{domain}"), 201)


@pytest.mark.parametrize("password", ["", "short", "1234567", "äöäöäöä", "       "[:7]])
def test_register_short_password_422(api, password):
    assert_error(reg(api, password=password), 422, "invalid", "password")


@pytest.mark.parametrize("password", ["12345678", "äöäöäöäö", "ääääåååå", "x" * 1024,
                                      "ä" * 512])
def test_register_password_ok(api, password):
    assert_json(reg(api, password=password), 201)


@pytest.mark.parametrize("password", ["x" * 1025, "ä" * 513])
def test_register_password_over_1024_bytes_422(api, password):
    assert_error(reg(api, password=password), 422, "invalid", "password")


@pytest.mark.parametrize("name", ["", "x" * 101, "ä" * 101])
def test_register_bad_display_name_422(api, name):
    assert_error(reg(api, display_name=name), 422, "invalid", "display_name")


@pytest.mark.parametrize("name", ["x", "ä" * 100, "x" * 100])
def test_register_display_name_ok(api, name):
    body = assert_json(reg(api, display_name=name), 201)
    assert body["person"]["display_name"] == name


@pytest.mark.parametrize("field", ["email", "password", "display_name"])
def test_register_missing_field_422(api, field):
    assert_error(reg(api, **{field: _DROP}), 422, "invalid", field)


@pytest.mark.parametrize("field", ["email", "password", "display_name"])
@pytest.mark.parametrize("value", [None, 12345678, True, ["a@b.fi"], {"x": "y"}])
def test_register_wrong_type_422(api, field, value):
    assert_error(reg(api, **{field: value}), 422, "invalid", field)


def test_register_email_taken_409(api, person):
    assert_error(reg(api, email=person.email), 409, "email_taken", "email")


def test_register_email_taken_case_insensitive_409(api):
    local = "Foo." + uuid.uuid4().hex[:10]
    assert_json(reg(api, email=f"{local}@Example.org"), 201)
    assert_error(reg(api, email=f"{local.lower()}@example.org"), 409, "email_taken", "email")
    assert_error(reg(api, email=f"{local.upper()}@EXAMPLE.ORG"), 409, "email_taken", "email")


def test_login(api, person):
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password})
    body = assert_json(r, 200)
    assert set(body) >= {"person", "token"}
    assert_person(body["person"], person.email, person.display_name)
    assert body["person"]["id"] == person.id
    assert body["token"] != person.token


def test_login_email_case_insensitive(api, person):
    local, domain = person.email.split("@")
    for email in (person.email.upper(), f"{local.capitalize()}@{domain.upper()}"):
        r = api("POST", LOGIN, json={"email": email, "password": person.password})
        assert assert_json(r, 200)["person"]["id"] == person.id


def test_login_new_token_each_time(api, server, person):
    tokens = {login(server, person) for _ in range(3)} | {person.token}
    assert len(tokens) == 4
    for t in tokens:
        assert api("GET", "/api/v1/me", token=t).status == 200


def test_login_wrong_password_401(api, person):
    src = fresh_source()
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password + "x"},
            source=src)
    assert_error(r, 401, "invalid_credentials")


def test_login_unknown_email_401(api):
    r = api("POST", LOGIN, json={"email": new_email(), "password": new_password()},
            source=fresh_source())
    assert_error(r, 401, "invalid_credentials")


@pytest.mark.parametrize("field", ["email", "password"])
def test_login_missing_field_422(api, field):
    body = {"email": new_email(), "password": new_password()}
    del body[field]
    assert_error(api("POST", LOGIN, json=body, source=fresh_source()), 422, "invalid", field)


@pytest.mark.parametrize("field", ["email", "password"])
@pytest.mark.parametrize("value", [None, 12345678, ["x"]])
def test_login_wrong_type_422(api, field, value):
    body = {"email": new_email(), "password": new_password(), field: value}
    assert_error(api("POST", LOGIN, json=body, source=fresh_source()), 422, "invalid", field)


def test_logout(api, server, person):
    other = login(server, person)
    r = api("POST", LOGOUT, token=person.token)
    assert r.status == 204, r
    assert r.body in (b"", None)
    assert_error(api("GET", "/api/v1/me", token=person.token), 401, "unauthorized")
    assert_error(api("POST", LOGOUT, token=person.token), 401, "unauthorized")
    assert assert_json(api("GET", "/api/v1/me", token=other), 200)["person"]["id"] == person.id


def test_logout_without_token_401(api):
    assert_error(api("POST", LOGOUT), 401, "unauthorized")


PROTECTED = [
    ("GET", "/api/v1/me", None),
    ("GET", "/api/v1/me/export", None),
    ("DELETE", "/api/v1/me", None),
    ("POST", LOGOUT, None),
    ("POST", "/api/v1/orgs", {"slug": "never-made", "name": "Never"}),
]


@pytest.mark.parametrize("method,path,body", PROTECTED)
@pytest.mark.parametrize("auth", [None, "Bearer garbage", "Bearer ", "Bearer",
                                  "Bearer " + "A" * 64, "Basic dXNlcjpwYXNz"])
def test_protected_routes_need_a_valid_token(api, method, path, body, auth):
    headers = {"Authorization": auth} if auth is not None else None
    assert_error(api(method, path, json=body, headers=headers), 401, "unauthorized")


def test_org_member_routes_need_a_token(api, org_factory, person):
    slug = org_factory()["slug"]
    base = f"/api/v1/orgs/{slug}/members"
    for token in (None, "garbage"):
        assert_error(api("GET", base, token=token), 401, "unauthorized")
        assert_error(api("PUT", f"{base}/{person.id}", json={"role": "member"}, token=token),
                     401, "unauthorized")
        assert_error(api("DELETE", f"{base}/{person.id}", token=token), 401, "unauthorized")


def test_tampered_token_401(api, person):
    t = person.token
    flipped = t[:-1] + ("A" if t[-1] != "A" else "B")
    assert_error(api("GET", "/api/v1/me", token=flipped), 401, "unauthorized")
    assert_error(api("GET", "/api/v1/me", token=t + "x"), 401, "unauthorized")
    assert_error(api("GET", "/api/v1/me", token=t[:-2]), 401, "unauthorized")


def retry_after(r):
    value = r.headers.get("Retry-After")
    assert value is not None, f"429 without Retry-After: {dict(r.headers)}"
    assert value.isdigit() and int(value) > 0, f"Retry-After {value!r} is not seconds > 0"
    return int(value)


def test_login_rate_limit_per_email(api, server, person):
    src = fresh_source()
    wrong = {"email": person.email, "password": "wrong-" + new_password()}
    for i in range(5):
        assert_error(api("POST", LOGIN, json=wrong, source=src), 401, "invalid_credentials")
    # Even the right password is refused now, from any address.
    right = {"email": person.email, "password": person.password}
    for source in (src, fresh_source()):
        r = api("POST", LOGIN, json=right, source=source)
        assert_error(r, 429, "too_many_attempts")
        retry_after(r)
    r = api("POST", LOGIN, json=wrong, source=fresh_source())
    assert_error(r, 429, "too_many_attempts")
    # Existing tokens still work, and other people may still log in from that address.
    assert api("GET", "/api/v1/me", token=person.token).status == 200
    other = register(server)
    assert api("POST", LOGIN, json={"email": other.email, "password": other.password},
               source=src).status == 200


def test_login_rate_limit_per_email_ignores_case(api, person):
    src = fresh_source()
    local, domain = person.email.split("@")
    variants = [person.email.upper(), person.email, f"{local.capitalize()}@{domain}",
                person.email.lower(), f"{local}@{domain.upper()}"]
    for email in variants:
        r = api("POST", LOGIN, json={"email": email, "password": "nope-" + new_password()},
                source=src)
        assert_error(r, 401, "invalid_credentials")
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password}, source=src)
    assert_error(r, 429, "too_many_attempts")


def test_login_four_failures_do_not_lock(api, person):
    src = fresh_source()
    for _ in range(4):
        r = api("POST", LOGIN, json={"email": person.email, "password": "nope-x1234567"},
                source=src)
        assert_error(r, 401, "invalid_credentials")
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password}, source=src)
    assert_json(r, 200)


def test_login_rate_limit_per_address(api, person):
    src = fresh_source()
    for _ in range(20):
        r = api("POST", LOGIN, json={"email": new_email(), "password": new_password()},
                source=src)
        assert_error(r, 401, "invalid_credentials")
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password}, source=src)
    assert_error(r, 429, "too_many_attempts")
    retry_after(r)
    # Another address is not affected, nor is that person's account.
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password},
            source=fresh_source())
    assert_json(r, 200)


def test_concurrent_registrations_one_wins(server):
    email = new_email()
    n = 20
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        try:
            results[i] = server.api("POST", REGISTER, json={
                "email": email, "password": new_password(), "display_name": new_name()})
        except Exception as e:  # noqa: BLE001 - reported below
            results[i] = e
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(getattr(r, "status", repr(r)) for r in results)
    assert statuses.count(201) == 1 and statuses.count(409) == n - 1, statuses
    for r in results:
        if r.status == 409:
            assert_error(r, 409, "email_taken", "email")


def test_concurrent_registrations_case_variants(server):
    local = "Rinnakkain." + uuid.uuid4().hex[:8]
    variants = [local, local.lower(), local.upper(), local.swapcase()] * 3
    barrier = threading.Barrier(len(variants))
    results = [None] * len(variants)

    def worker(i):
        barrier.wait()
        results[i] = server.api("POST", REGISTER, json={
            "email": f"{variants[i]}@Example.ORG", "password": new_password(),
            "display_name": new_name()})
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(variants))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results if r is not None)
    assert len(statuses) == len(variants)
    assert statuses.count(201) == 1 and statuses.count(409) == len(variants) - 1, statuses


def test_login_rate_limit_holds_under_concurrency(server, person):
    # 20 wrong passwords at once, from 20 addresses: no more than 5 may be tried.
    n = 20
    sources = [fresh_source() for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        results[i] = server.api("POST", LOGIN, source=sources[i], json={
            "email": person.email, "password": f"guess-{i}-{new_password()}"})
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results if r is not None)
    assert len(statuses) == n
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= 5, f"{statuses.count(401)} guesses were checked: {statuses}"
