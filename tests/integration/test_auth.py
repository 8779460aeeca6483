# SPDX-License-Identifier: Apache-2.0
"""Registration, login, logout, tokens, email identity and the rules against
guessing: failures per email and address pair and per address, the per-email
slow-down, device tokens."""

import threading
import time
import unicodedata
import uuid

import pytest

from helpers import (LOGIN, REGISTER, assert_error, assert_json, assert_time, fresh_source, login,
                     new_email, new_name, new_password, register)

LOGOUT = "/api/v1/auth/logout"
ACCEPTED = {"status": "accepted",
            "message": "If this address had no account, it has one now, and a message to confirm the address "
                       "is on its way. Sign in with the address and the password."}


def reg(api, source=None, **fields):
    """POST a registration (from an address of its own unless SOURCE); the Resp."""
    body = {"email": new_email(), "password": new_password(), "display_name": new_name()}
    body.update(fields)
    for k in [k for k, v in body.items() if v is _DROP]:
        del body[k]
    return api("POST", REGISTER, json=body, source=source or fresh_source())


def accepted(r):
    """R is the one answer a registration gets, whether or not the address had an account."""
    assert assert_json(r, 202) == ACCEPTED
    return r.body


def sign_in(api, email, password, source=None, device=None):
    body = {"email": email, "password": password}
    if device is not None:
        body["device_token"] = device
    return api("POST", LOGIN, json=body, source=source or fresh_source())


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
    src = fresh_source()
    r = api("POST", REGISTER, json={"email": email, "password": pw, "display_name": name}, source=src)
    accepted(r)
    assert "token" not in r.body and "person" not in r.body
    body = assert_json(sign_in(api, email, pw, source=src), 200)
    assert set(body) >= {"person", "token", "device_token"}
    assert_person(body["person"], email, name)
    me = assert_json(api("GET", "/api/v1/me", token=body["token"]), 200)
    assert me["person"]["id"] == body["person"]["id"]


def test_register_ignores_unknown_fields_and_is_admin(api, server):
    p = register(server)
    email, pw = new_email(), new_password()
    accepted(reg(api, email=email, password=pw, is_admin=True, role="coordinator", id=p.id))
    body = assert_json(sign_in(api, email, pw), 200)
    assert body["person"]["is_admin"] is False and body["person"]["id"] != p.id
    me = assert_json(api("GET", "/api/v1/me", token=body["token"]), 200)
    assert me["person"]["is_admin"] is False


def test_register_unicode_name_roundtrip(server):
    name = "Äijä Öörni ❤ 李 " + uuid.uuid4().hex[:6]
    p = register(server, display_name=name)
    assert assert_json(server.api("GET", "/api/v1/me", token=p.token), 200)["person"]["display_name"] == name


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
    accepted(reg(api, email=long_email(254)))
    assert_error(reg(api, email=long_email(255)), 422, "invalid", "email")


@pytest.mark.parametrize("email", ["user+tag@example.org", "Etu.Suku@sub.example.fi",
                                   "äiti@esimerkki.fi"])
def test_register_good_email_variants(server, email):
    local, domain = email.split("@")
    p = register(server, email=f"{local}.{uuid.uuid4().hex[:8]}@{domain}")
    assert p.id


@pytest.mark.parametrize("password", ["", "short", "1234567", "äöäöäöä", "       "[:7]])
def test_register_short_password_422(api, password):
    assert_error(reg(api, password=password), 422, "invalid", "password")


@pytest.mark.parametrize("password", ["12345678", "äöäöäöäö", "ääääåååå", "x" * 1024,
                                      "ä" * 512])
def test_register_password_ok(server, password):
    assert register(server, password=password).token


@pytest.mark.parametrize("password", ["x" * 1025, "ä" * 513])
def test_register_password_over_1024_bytes_422(api, password):
    assert_error(reg(api, password=password), 422, "invalid", "password")


@pytest.mark.parametrize("name", ["", "x" * 101, "ä" * 101])
def test_register_bad_display_name_422(api, name):
    assert_error(reg(api, display_name=name), 422, "invalid", "display_name")


@pytest.mark.parametrize("name", ["x", "ä" * 100, "x" * 100, "Leila \u200fעברית\u200f", "Anna-Liisa"])
def test_register_display_name_ok(server, name):
    p = register(server, display_name=name)
    assert assert_json(server.api("GET", "/api/v1/me", token=p.token), 200)["person"]["display_name"] == name


@pytest.mark.parametrize("field", ["email", "password", "display_name"])
def test_register_missing_field_422(api, field):
    assert_error(reg(api, **{field: _DROP}), 422, "invalid", field)


@pytest.mark.parametrize("field", ["email", "password", "display_name"])
@pytest.mark.parametrize("value", [None, 12345678, True, ["a@b.fi"], {"x": "y"}])
def test_register_wrong_type_422(api, field, value):
    assert_error(reg(api, **{field: value}), 422, "invalid", field)


def test_register_taken_email_answers_the_same(api, person):
    """Whether an address has an account is not told: the answer is the same, and
    the account stays as it was (its password, its name)."""
    other_pw = new_password()
    new = reg(api, email=new_email())
    taken = reg(api, email=person.email, password=other_pw, display_name="Joku muu")
    assert accepted(new) == accepted(taken)
    assert dict(new.headers).keys() == dict(taken.headers).keys()
    assert_error(sign_in(api, person.email, other_pw), 401, "invalid_credentials")
    body = assert_json(sign_in(api, person.email, person.password), 200)
    assert body["person"]["id"] == person.id and body["person"]["display_name"] == person.display_name


def test_register_taken_email_in_other_case_is_the_same_account(api):
    local = "Foo." + uuid.uuid4().hex[:10]
    pw = new_password()
    accepted(reg(api, email=f"{local}@Example.org", password=pw))
    first = assert_json(sign_in(api, f"{local}@Example.org", pw), 200)["person"]["id"]
    for variant in (f"{local.lower()}@example.org", f"{local.upper()}@EXAMPLE.ORG"):
        accepted(reg(api, email=variant, password="toinen-" + new_password()))
        assert assert_json(sign_in(api, variant, pw), 200)["person"]["id"] == first


def test_register_takes_about_as_long_for_a_taken_address(api, person):
    """Both hash the password: a taken address does not answer sooner. Interleaved,
    so that the machine's load falls on both alike (four: the email's hourly limit
    is five registrations, and the person's own was the first)."""
    def took(email):
        start = time.monotonic()
        accepted(reg(api, email=email))
        return time.monotonic() - start
    new, taken = [], []
    for _ in range(4):
        new.append(took(new_email()))
        taken.append(took(person.email))
    new, taken = sorted(new)[1:3], sorted(taken)[1:3]  # the middle two
    assert sum(taken) > 0.5 * sum(new), f"taken address {taken}, new ones {new}"


def test_login(api, person):
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password})
    body = assert_json(r, 200)
    assert set(body) >= {"person", "token", "device_token"}
    assert isinstance(body["device_token"], str) and len(body["device_token"]) == 43
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


def wrong(person):
    return {"email": person.email, "password": "wrong-" + new_password()}


def test_failures_from_one_address_do_not_lock_the_owner_out(api, server, person):
    """An attacker at A failing again and again is refused at A; the owner at B,
    with the right password, is not."""
    a = fresh_source()
    for _ in range(5):
        assert_error(api("POST", LOGIN, json=wrong(person), source=a), 401, "invalid_credentials")
    for _ in range(10):
        r = api("POST", LOGIN, json=wrong(person), source=a)
        assert_error(r, 429, "too_many_attempts")
        retry_after(r)
    # Even the right password is refused at A: A has used up its guesses for this account.
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password}, source=a)
    assert_error(r, 429, "too_many_attempts")
    assert_json(sign_in(api, person.email, person.password), 200)
    # Existing tokens still work, and other people may still log in from A.
    assert api("GET", "/api/v1/me", token=person.token).status == 200
    other = register(server)
    assert api("POST", LOGIN, json={"email": other.email, "password": other.password},
               source=a).status == 200


def test_failures_from_many_addresses_slow_down_but_never_refuse(api, person):
    """Failures for one email from many addresses: every guess is answered 401 (the
    account is never locked), but after 5 of them each answer waits, longer and
    longer; the owner from a fresh address still signs in."""
    took = []
    for _ in range(8):
        start = time.monotonic()
        assert_error(api("POST", LOGIN, json=wrong(person), source=fresh_source()), 401,
                     "invalid_credentials")
        took.append(time.monotonic() - start)
    assert min(took[6:]) >= 0.5, [round(t, 3) for t in took]  # 500 ms, 1 s for the 7th and 8th
    start = time.monotonic()
    assert_json(sign_in(api, person.email, person.password), 200)
    assert time.monotonic() - start < 2 + 1  # eight failures: it waits 2 s, never more than 5


def test_device_token_passes_an_address_over_its_limit(api, person):
    """The owner signs in on a device that signed in before, even from an address
    that is locked for everyone else; the same token comes back."""
    src = fresh_source()
    device = person.device_token
    for _ in range(20):
        r = api("POST", LOGIN, json={"email": new_email(), "password": new_password()}, source=src)
        assert_error(r, 401, "invalid_credentials")
    assert_error(sign_in(api, person.email, person.password, source=src), 429, "too_many_attempts")
    body = assert_json(sign_in(api, person.email, person.password, source=src, device=device), 200)
    assert body["person"]["id"] == person.id
    assert body["device_token"] == device


def test_device_token_passes_a_locked_pair(api, person):
    src = fresh_source()
    for _ in range(5):
        assert_error(api("POST", LOGIN, json=wrong(person), source=src), 401, "invalid_credentials")
    assert_error(sign_in(api, person.email, person.password, source=src), 429, "too_many_attempts")
    assert_json(sign_in(api, person.email, person.password, source=src, device=person.device_token), 200)


def test_device_token_of_someone_else_is_no_pass(api, server, person):
    other = register(server)
    src = fresh_source()
    for _ in range(5):
        assert_error(api("POST", LOGIN, json=wrong(person), source=src), 401, "invalid_credentials")
    r = sign_in(api, person.email, person.password, source=src, device=other.device_token)
    assert_error(r, 429, "too_many_attempts")
    for junk in ("", "x", "A" * 43, "ä" * 43):
        r = sign_in(api, person.email, person.password, source=src, device=junk)
        assert_error(r, 429, "too_many_attempts")


def test_device_token_has_its_own_limit(api, person):
    """A trusted device passes an address over its limit until it has failed five
    times itself; then it is judged like any other client."""
    src = fresh_source()
    device = person.device_token
    for _ in range(20):
        r = api("POST", LOGIN, json={"email": new_email(), "password": new_password()}, source=src)
        assert_error(r, 401, "invalid_credentials")
    assert_json(sign_in(api, person.email, person.password, source=src, device=device), 200)
    for _ in range(5):
        r = api("POST", LOGIN, source=src, json={**wrong(person), "device_token": device})
        assert_error(r, 401, "invalid_credentials")
    r = sign_in(api, person.email, person.password, source=src, device=device)
    assert_error(r, 429, "too_many_attempts")


def test_a_new_device_token_on_each_new_device(api, person):
    first = assert_json(sign_in(api, person.email, person.password), 200)["device_token"]
    second = assert_json(sign_in(api, person.email, person.password), 200)["device_token"]
    assert len({first, second, person.device_token}) == 3
    again = assert_json(sign_in(api, person.email, person.password, device=first), 200)
    assert again["device_token"] == first


@pytest.mark.parametrize("value", [5, True, ["x"], {"a": 1}])
def test_login_device_token_wrong_type_422(api, person, value):
    r = sign_in(api, person.email, person.password, device=value)
    assert_error(r, 422, "invalid", "device_token")


def test_login_rate_limit_per_pair_ignores_case(api, person):
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


def exactly_one_account(api, email, passwords):
    """Of PASSWORDS, exactly one signs in to EMAIL; its person id."""
    ids = []
    for pw in passwords:
        r = sign_in(api, email, pw)
        assert r.status in (200, 401), r
        if r.status == 200:
            ids.append(r.body["person"]["id"])
    assert len(ids) == 1, f"{len(ids)} of the passwords sign in"
    return ids[0]


def test_concurrent_registrations_one_wins(server, api):
    email = new_email()
    n = 5  # the registrations one email may have in an hour
    passwords = [new_password() for _ in range(n)]
    sources = [fresh_source() for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        try:
            results[i] = server.api("POST", REGISTER, source=sources[i], json={
                "email": email, "password": passwords[i], "display_name": new_name()})
        except Exception as e:  # noqa: BLE001 - reported below
            results[i] = e
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        accepted(r)
    exactly_one_account(api, email, passwords)


def test_concurrent_registrations_case_variants(server, api):
    """Twelve spellings of one address at once: one account, and the registration
    throttle counts them as one email (five get through, the others 429)."""
    local = "Rinnakkain." + uuid.uuid4().hex[:8]
    variants = [local, local.lower(), local.upper(), local.swapcase()] * 3
    passwords = [new_password() for _ in variants]
    sources = [fresh_source() for _ in variants]
    barrier = threading.Barrier(len(variants))
    results = [None] * len(variants)

    def worker(i):
        barrier.wait()
        results[i] = server.api("POST", REGISTER, source=sources[i], json={
            "email": f"{variants[i]}@Example.ORG", "password": passwords[i],
            "display_name": new_name()})
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(variants))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results if r is not None)
    assert len(statuses) == len(variants)
    assert statuses.count(202) == 5 and statuses.count(429) == len(variants) - 5, statuses
    tried = [pw for pw, r in zip(passwords, results) if r.status == 202]
    exactly_one_account(api, f"{local.lower()}@example.org", tried)


def test_login_pair_limit_holds_under_concurrency(server, person):
    """20 wrong passwords at once from one address, each sent again while it is
    turned away busy (an address has 4 places in the hashing queue): exactly 5 are
    checked, the other 15 refused."""
    n = 20
    src = fresh_source()
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        body = {"email": person.email, "password": f"guess-{i}-{new_password()}"}
        for _ in range(400):
            r = server.api("POST", LOGIN, source=src, json=body)
            if r.status != 503:
                break
            time.sleep(0.05)
        results[i] = r
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = sorted(r.status for r in results if r is not None)
    assert len(statuses) == n
    assert statuses.count(401) == 5 and statuses.count(429) == n - 5, statuses


# ---- registration throttle ------------------------------------------------------------

def test_registration_throttled_per_address(api):
    src = fresh_source()
    for _ in range(20):
        accepted(reg(api, source=src))
    r = reg(api, source=src)
    assert_error(r, 429, "too_many_attempts")
    assert 3000 < retry_after(r) <= 3600
    accepted(reg(api))  # another address is not affected


def test_registration_throttled_per_email(api):
    """Five registrations of one address an hour, from anywhere, however spelt."""
    local = "Toistuva." + uuid.uuid4().hex[:8]
    for i in range(5):
        accepted(reg(api, email=f"{local if i % 2 else local.upper()}@example.org"))
    r = reg(api, email=f"{local.lower()}@EXAMPLE.org")
    assert_error(r, 429, "too_many_attempts")
    retry_after(r)


# ---- email identity --------------------------------------------------------------------

@pytest.mark.parametrize("first,second", [
    ("äiti", "ÄITI"),
    (unicodedata.normalize("NFC", "mäki"), unicodedata.normalize("NFD", "mäki")),
    (unicodedata.normalize("NFD", "Åsa"), unicodedata.normalize("NFC", "åsa")),
    ("straße", "STRASSE"),
])
def test_email_spellings_are_one_account(api, first, second):
    tag = uuid.uuid4().hex[:8]
    pw = new_password()
    accepted(reg(api, email=f"{first}.{tag}@esimerkki.fi", password=pw))
    accepted(reg(api, email=f"{second}.{tag}@ESIMERKKI.fi", password="toinen-" + pw))
    one = assert_json(sign_in(api, f"{first}.{tag}@esimerkki.fi", pw), 200)["person"]
    other = assert_json(sign_in(api, f"{second}.{tag}@esimerkki.fi", pw), 200)["person"]
    assert one["id"] == other["id"]
    # Stored as given, in NFC.
    assert one["email"] == unicodedata.normalize("NFC", f"{first}.{tag}@esimerkki.fi")


def test_login_failures_count_one_spelling(api, person):
    """The pair limit counts every spelling of the address as one."""
    tag = uuid.uuid4().hex[:8]
    pw = new_password()
    accepted(reg(api, email=f"mäki.{tag}@example.org", password=pw))
    src = fresh_source()
    spellings = [unicodedata.normalize("NFD", f"mäki.{tag}@example.org"), f"MÄKI.{tag}@example.org",
                 f"Mäki.{tag}@Example.org", unicodedata.normalize("NFD", f"MÄKI.{tag}@EXAMPLE.ORG"),
                 f"mäki.{tag}@example.org"]
    for email in spellings:
        r = api("POST", LOGIN, json={"email": email, "password": "väärä-" + pw}, source=src)
        assert_error(r, 401, "invalid_credentials")
    assert_error(sign_in(api, f"mäki.{tag}@example.org", pw, source=src), 429, "too_many_attempts")


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\ufeff", "\u200d", "\u2060", "\u0007",
                                  "\u0085", "\u00a0", "\u3000", "\u202e", "\ue000", "\U000e0041"])
def test_register_email_with_invisible_or_control_character_422(api, char):
    err = assert_error(reg(api, email=f"ai{char}ti.{uuid.uuid4().hex[:6]}@example.org"), 422,
                       "invalid", "email")
    assert "invisible" in err["message"]


@pytest.mark.parametrize("char", ["\u0001", "\u0007", "\n", "\t", "\u007f", "\u009b",
                                  "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d",
                                  "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_register_display_name_with_control_or_bidi_override_422(api, char):
    assert_error(reg(api, display_name=f"Aino{char}gnp.exe"), 422, "invalid", "display_name")


@pytest.mark.parametrize("char", ["\u0007", "\u202e", "\u2066"])
def test_me_display_name_with_control_or_bidi_override_422(api, person, char):
    r = api("PATCH", "/api/v1/me", json={"display_name": f"Aino{char}x"}, token=person.token)
    assert_error(r, 422, "invalid", "display_name")
