# SPDX-License-Identifier: Apache-2.0
"""/api/v1/me: the person, their memberships, the data export and erasure."""

import json

from helpers import assert_error, assert_json, assert_time, login, parse_time, register

LOGIN = "/api/v1/auth/login"


def test_me(api, person):
    body = assert_json(api("GET", "/api/v1/me", token=person.token), 200)
    p = body["person"]
    assert p["id"] == person.id
    assert p["email"].lower() == person.email.lower()
    assert p["display_name"] == person.display_name
    assert p["is_admin"] is False
    assert_time(p["created_at"])
    assert body["memberships"] == []


def test_me_memberships(api, admin_token, org_factory, person):
    a = org_factory()
    b = org_factory()
    for org, role in ((a, "member"), (b, "coordinator")):
        r = api("PUT", f"/api/v1/orgs/{org['slug']}/members/{person.id}", json={"role": role},
                token=admin_token)
        assert_json(r, 200)
    body = assert_json(api("GET", "/api/v1/me", token=person.token), 200)
    got = {m["org"]["slug"]: m for m in body["memberships"]}
    assert set(got) == {a["slug"], b["slug"]}
    for org, role in ((a, "member"), (b, "coordinator")):
        m = got[org["slug"]]
        assert m["role"] == role
        assert m["org"]["id"] == org["id"]
        assert m["org"]["name"] == org["name"]


def walk(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield f"{path}.{k}", k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, f"{path}[{i}]")


def test_export(api, server, admin_token, org_factory, person):
    tokens = [person.token, login(server, person), login(server, person)]
    org = org_factory()
    assert_json(api("PUT", f"/api/v1/orgs/{org['slug']}/members/{person.id}",
                    json={"role": "leader"}, token=admin_token), 200)
    r = api("GET", "/api/v1/me/export", token=person.token)
    body = assert_json(r, 200)
    assert set(body) >= {"person", "memberships", "tokens", "exported_at"}, body.keys()
    assert body["person"]["id"] == person.id
    assert body["person"]["email"].lower() == person.email.lower()
    assert body["person"]["display_name"] == person.display_name
    assert_time(body["exported_at"])
    assert [(m["org"]["slug"], m["role"]) for m in body["memberships"]] == [(org["slug"], "leader")]
    assert len(body["tokens"]) == len(tokens), body["tokens"]
    for t in body["tokens"]:
        assert set(t) >= {"created_at", "expires_at"}
        assert_time(t["created_at"])
        assert_time(t["expires_at"])
        assert parse_time(t["expires_at"]) > parse_time(t["created_at"])
    # No secret, hashed or not, anywhere in the export.
    text = json.dumps(body)
    for where, key, value in walk(body):
        assert "hash" not in key.lower() and "password" not in key.lower(), where
        assert key.lower() not in ("token", "token_hash", "secret"), where
    for t in tokens:
        assert t not in text
    assert person.password not in text
    assert "$argon2" not in text


def test_delete_me(api, server, admin_token, org_factory, person):
    second = login(server, person)
    org = org_factory()
    members = f"/api/v1/orgs/{org['slug']}/members"
    assert_json(api("PUT", f"{members}/{person.id}", json={"role": "member"},
                    token=admin_token), 200)
    r = api("DELETE", "/api/v1/me", token=person.token)
    assert r.status == 204, r
    for t in (person.token, second):
        assert_error(api("GET", "/api/v1/me", token=t), 401, "unauthorized")
    r = api("POST", LOGIN, json={"email": person.email, "password": person.password})
    assert_error(r, 401, "invalid_credentials")
    listed = assert_json(api("GET", members, token=admin_token), 200)["members"]
    assert person.id not in [m["person_id"] for m in listed]
    # The erased person cannot be made a member again.
    r = api("PUT", f"{members}/{person.id}", json={"role": "member"}, token=admin_token)
    assert_error(r, 404, "not_found")
    # The address is free again, for a new person.
    again = register(server, email=person.email)
    assert again.id != person.id
    me = assert_json(api("GET", "/api/v1/me", token=again.token), 200)
    assert me["memberships"] == []


def test_delete_me_twice_401(api, person):
    assert api("DELETE", "/api/v1/me", token=person.token).status == 204
    assert_error(api("DELETE", "/api/v1/me", token=person.token), 401, "unauthorized")
