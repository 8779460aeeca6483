# SPDX-License-Identifier: Apache-2.0
"""`piirid create-admin EMAIL`: makes a site admin, or promotes an existing person."""

from helpers import assert_json, new_email, new_password, remember


def test_create_admin_new_person(server, api):
    email, password = new_email(), new_password()
    remember("emails", email)
    remember("passwords", password)
    p = server.cli("create-admin", email, stdin=password + "\n")
    assert p.returncode == 0, p.stderr
    r = api("POST", "/api/v1/auth/login", json={"email": email, "password": password})
    body = assert_json(r, 200)
    assert body["person"]["is_admin"] is True
    assert body["person"]["email"].lower() == email.lower()


def test_create_admin_promotes_existing_person(server, api, person):
    assert assert_json(api("GET", "/api/v1/me", token=person.token), 200)["person"]["is_admin"] is False
    p = server.cli("create-admin", person.email.upper(), stdin=person.password + "\n")
    assert p.returncode == 0, p.stderr
    me = assert_json(api("GET", "/api/v1/me", token=person.token), 200)
    assert me["person"]["is_admin"] is True
    assert me["person"]["id"] == person.id
    r = api("POST", "/api/v1/orgs", json={"slug": f"adm-{person.id[:8]}", "name": "Uusi"},
            token=person.token)
    assert_json(r, 201)


def test_create_admin_with_the_longest_local_part(server, api):
    """The display name is the local part; one of 64 bytes ending in "ä" was cut
    to 63, in the middle of the letter, and PostgreSQL refused the name."""
    local = "a" * 62 + "ä"
    email, password = f"{local}@{new_email().split('@')[1]}", new_password()
    assert len(local.encode()) == 64
    remember("emails", email)
    remember("passwords", password)
    p = server.cli("create-admin", email, stdin=password + "\n")
    assert p.returncode == 0, p.stderr
    r = api("POST", "/api/v1/auth/login", json={"email": email, "password": password})
    assert assert_json(r, 200)["person"]["display_name"] == local
