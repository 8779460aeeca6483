# SPDX-License-Identifier: Apache-2.0
"""Adding people by email (POST, GET /api/v1/orgs/{slug}/invitations, DELETE
.../invitations/{id}): an address with a verified account is a member at once;
any other address (no account, or one not verified) gets an invitation, the
same answer either way, and becomes a member with the invited role when an
account verifies it; one open invitation per address, withdrawn at will,
throttled per org; only the org's coordinators and admins may."""

import pytest

from helpers import (assert_error, assert_json, new_email, org_with_people, psql, register, unique,
                     verified)


@pytest.fixture
def org(server, admin_token):
    return org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member")


def invite(server, org, token=None, **body):
    return server.api("POST", f"/api/v1/orgs/{org.slug}/invitations", json=body, token=token or org.coord.token)


def members(server, org):
    r = server.api("GET", f"/api/v1/orgs/{org.slug}/members", token=org.coord.token)
    return {m["person_id"]: m["role"] for m in assert_json(r, 200)["members"]}


def open_invitations(server, org):
    r = server.api("GET", f"/api/v1/orgs/{org.slug}/invitations", token=org.coord.token)
    return assert_json(r, 200)["invitations"]


def test_an_address_with_a_verified_account_is_a_member_at_once(server, pg, org):
    p = verified(pg.url, register(server))
    body = assert_json(invite(server, org, email=p.email.upper(), role="leader"), 201)
    assert body == {"membership": {"org": org.slug, "person_id": p.id, "display_name": p.display_name,
                                   "role": "leader"}}
    assert members(server, org)[p.id] == "leader"
    assert open_invitations(server, org) == []
    # Added again: they are in already, whatever the role asked.
    assert_error(invite(server, org, email=p.email, role="coordinator"), 409, "already_member", "email")
    assert members(server, org)[p.id] == "leader"


def test_any_other_address_gets_an_invitation_that_waits_for_it(server, pg, org):
    address = new_email()
    body = assert_json(invite(server, org, email=address, role="coordinator", language="sv"), 201)
    inv = body["invitation"]
    assert set(body) == {"invitation"}
    assert inv["email"] == address and inv["role"] == "coordinator"
    assert inv["invited_by"] == {"id": org.coord.id, "display_name": org.coord.display_name}
    assert inv["expires_at"] > inv["invited_at"]
    assert [i["id"] for i in open_invitations(server, org)] == [inv["id"]]
    # Its mail is queued, for the address (no person), in the language asked.
    row = psql(pg.url, "SELECT o.person_id IS NULL, mail_view(o)->>'email', mail_view(o)->>'language', "
                       "mail_view(o)->>'stale' FROM notification_outbox o "
                       f"WHERE o.kind = 'invitation' AND o.payload->>'invitation_id' = '{inv['id']}'")
    assert row == f"t|{address}|sv|false"
    # One open invitation per address, however it is spelt.
    assert_error(invite(server, org, email=address.upper(), role="member"), 409, "already_invited", "email")
    # Whoever registers it and verifies it is in, with the role.
    p = register(server, email=address)
    assert p.id not in members(server, org)  # not before the address is verified
    verified(pg.url, p)
    assert members(server, org)[p.id] == "coordinator"
    assert open_invitations(server, org) == []


def test_an_account_not_verified_is_invited_like_an_unknown_address(server, pg, org):
    p = register(server)  # its address is not verified
    body = assert_json(invite(server, org, email=p.email, role="leader"), 201)
    assert set(body) == {"invitation"} and set(body["invitation"]) == {
        "id", "email", "role", "invited_at", "expires_at", "invited_by"}
    assert p.id not in members(server, org)
    verified(pg.url, p)
    assert members(server, org)[p.id] == "leader"


def test_a_withdrawn_invitation_makes_nobody_a_member_and_its_mail_is_not_sent(server, pg, org):
    address = new_email()
    inv = assert_json(invite(server, org, email=address, role="member"), 201)["invitation"]
    path = f"/api/v1/orgs/{org.slug}/invitations/{inv['id']}"
    r = server.api("DELETE", path, token=org.coord.token)
    assert r.status == 204
    assert open_invitations(server, org) == []
    assert_error(server.api("DELETE", path, token=org.coord.token), 404, "not_found")
    stale = psql(pg.url, "SELECT mail_view(o)->>'stale' FROM notification_outbox o "
                         f"WHERE o.payload->>'invitation_id' = '{inv['id']}'")
    assert stale == "true"
    p = verified(pg.url, register(server, email=address))
    assert p.id not in members(server, org)
    # Withdrawn, the address may be invited again.
    assert_json(invite(server, org, email=new_email(), role="member"), 201)


def test_an_expired_invitation_makes_nobody_a_member_and_gives_way(server, pg, org):
    address = new_email()
    inv = assert_json(invite(server, org, email=address, role="leader"), 201)["invitation"]
    psql(pg.url, f"UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = '{inv['id']}'")
    assert open_invitations(server, org) == []
    again = assert_json(invite(server, org, email=address, role="member"), 201)["invitation"]
    assert again["id"] != inv["id"]
    psql(pg.url, f"UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = '{again['id']}'")
    p = verified(pg.url, register(server, email=address))
    assert p.id not in members(server, org)


def test_what_is_sent_is_checked(server, org):
    assert_error(invite(server, org, email="not an address", role="member"), 422, "invalid", "email")
    assert_error(invite(server, org, email=new_email(), role="boss"), 422, "invalid", "role")
    assert_error(invite(server, org, email=new_email()), 422, "invalid", "role")
    assert_error(invite(server, org, role="member"), 422, "invalid", "email")
    assert_error(invite(server, org, email=new_email(), role="member", language="de"), 422, "invalid", "language")
    assert open_invitations(server, org) == []


def test_invitations_are_throttled_per_org(server, pg, admin_token, org):
    org_id = org.org["id"]
    psql(pg.url, "INSERT INTO invitations (org_id, email, email_key, role, expires_at) "
                 f"SELECT '{org_id}', 'x' || n || '@example.org', 'x' || n || '@example.org', 'member', "
                 "now() + interval '14 days' FROM generate_series(1, 49) n")
    assert_json(invite(server, org, email=new_email(), role="member"), 201)  # the 50th
    assert_error(invite(server, org, email=new_email(), role="member"), 429, "too_many_invitations")
    # Another org is not held back, nor is adding a verified account.
    other = org_with_people(server, admin_token, coord="coordinator")
    assert_json(invite(server, other, email=new_email(), role="member"), 201)
    p = verified(pg.url, register(server))
    assert_json(invite(server, org, email=p.email, role="member"), 201)
    # A day later the org may invite again.
    psql(pg.url, f"UPDATE invitations SET invited_at = invited_at - interval '25 hours' WHERE org_id = '{org_id}'")
    assert_json(invite(server, org, email=new_email(), role="member"), 201)


def test_only_the_orgs_coordinators_and_admins_may(server, admin_token, org):
    inv = assert_json(invite(server, org, email=new_email(), role="member"), 201)["invitation"]
    other = org_with_people(server, admin_token, coord="coordinator")
    routes = [("POST", f"/api/v1/orgs/{org.slug}/invitations", {"email": new_email(), "role": "member"}),
              ("GET", f"/api/v1/orgs/{org.slug}/invitations", None),
              ("DELETE", f"/api/v1/orgs/{org.slug}/invitations/{inv['id']}", None)]
    for p in (org.leader, org.member, other.coord):
        for method, path, body in routes:
            assert_error(server.api(method, path, json=body, token=p.token), 403, "forbidden")
    for method, path, body in routes:
        assert_error(server.api(method, path, json=body), 401)
    assert [i["id"] for i in open_invitations(server, org)] == [inv["id"]]
    # An admin may; an org that is not there is 404 to them.
    assert_json(server.api("GET", f"/api/v1/orgs/{org.slug}/invitations", token=admin_token), 200)
    assert_error(server.api("GET", f"/api/v1/orgs/{unique('no-such')}/invitations", token=admin_token), 404)
    assert_error(server.api("POST", f"/api/v1/orgs/{unique('no-such')}/invitations", token=admin_token,
                            json={"email": new_email(), "role": "member"}), 404)
