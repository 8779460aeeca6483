# SPDX-License-Identifier: Apache-2.0
"""Organizations and their members: listing, creating, roles and who may change them."""

import json
import uuid
from types import SimpleNamespace

import pytest

from helpers import assert_error, assert_json, assert_time, register, unique

ORGS = "/api/v1/orgs"


def assert_org(o, slug=None, name=None, parent=None, timezone="Europe/Helsinki"):
    assert set(o) >= {"id", "slug", "name", "parent", "timezone", "created_at"}, o
    uuid.UUID(o["id"])
    if slug is not None:
        assert o["slug"] == slug
    if name is not None:
        assert o["name"] == name
    assert o["parent"] == parent
    assert o["timezone"] == timezone
    assert_time(o["created_at"])


def test_create_org(api, admin_token):
    slug, name = unique("yhdistys"), "Omaiset ry – Närpes"
    r = api("POST", ORGS, json={"slug": slug, "name": name}, token=admin_token)
    org = assert_json(r, 201)["org"]
    assert_org(org, slug, name)
    got = assert_json(api("GET", f"{ORGS}/{slug}"), 200)["org"]
    assert got == org


def test_create_org_with_parent_and_timezone(api, admin_token, org_factory):
    parent = org_factory()
    slug = unique("paikallinen")
    r = api("POST", ORGS, json={"slug": slug, "name": "Paikallisyhdistys", "parent": parent["slug"],
                                "timezone": "Europe/Stockholm"}, token=admin_token)
    org = assert_json(r, 201)["org"]
    assert_org(org, slug, "Paikallisyhdistys", parent=parent["slug"], timezone="Europe/Stockholm")
    assert assert_json(api("GET", f"{ORGS}/{slug}"), 200)["org"] == org


def test_create_org_explicit_null_parent(api, admin_token):
    slug = unique("juuri")
    r = api("POST", ORGS, json={"slug": slug, "name": "Juuri", "parent": None},
            token=admin_token)
    assert_org(assert_json(r, 201)["org"], slug, "Juuri")


def test_list_orgs_sorted_public(api, org_factory):
    made = [org_factory(slug=f"{p}-{uuid.uuid4().hex[:8]}") for p in ("zz", "aa", "mm")]
    body = assert_json(api("GET", ORGS), 200)
    orgs = body["orgs"]
    slugs = [o["slug"] for o in orgs]
    assert slugs == sorted(slugs), slugs
    by_slug = {o["slug"]: o for o in orgs}
    for m in made:
        assert by_slug[m["slug"]] == m
    for o in orgs:
        assert_org(o, parent=o["parent"], timezone=o["timezone"])


def test_get_unknown_org_404(api):
    assert_error(api("GET", f"{ORGS}/{unique('ei-ole')}"), 404, "not_found")


def test_create_org_needs_token(api):
    assert_error(api("POST", ORGS, json={"slug": unique("x"), "name": "X"}), 401, "unauthorized")


def test_create_org_forbidden_for_non_admin(api, person):
    r = api("POST", ORGS, json={"slug": unique("x"), "name": "X"}, token=person.token)
    assert_error(r, 403, "forbidden")


def test_create_org_forbidden_for_coordinator(api, world):
    r = api("POST", ORGS, json={"slug": unique("x"), "name": "X"}, token=world.coord.token)
    assert_error(r, 403, "forbidden")


@pytest.mark.parametrize("slug", [
    "", "a", "A", "Ab", "-ab", "ab-", "a--b", "a_b", "ä-b", "a b", "ab.", "a/b", "x" * 64,
    " ab", "ab\n", 5, None, ["ab"], True,
])
def test_create_org_bad_slug_422(api, admin_token, slug):
    r = api("POST", ORGS, json={"slug": slug, "name": "Nimi"}, token=admin_token)
    assert_error(r, 422, "invalid", "slug")


def test_create_org_slug_lengths(api, admin_token):
    two = uuid.uuid4().hex[:1] + "q"
    sixty_three = "s" + uuid.uuid4().hex + "-" + "x" * 29
    assert len(sixty_three) == 63
    for slug in (two, sixty_three, f"a-{uuid.uuid4().hex[:6]}-1-b2"):
        r = api("POST", ORGS, json={"slug": slug, "name": "Nimi"}, token=admin_token)
        assert assert_json(r, 201)["org"]["slug"] == slug


def test_create_org_missing_slug_422(api, admin_token):
    assert_error(api("POST", ORGS, json={"name": "Nimi"}, token=admin_token), 422, "invalid", "slug")


@pytest.mark.parametrize("name", ["", "x" * 201, "ä" * 201, None, 5, {"fi": "Nimi"}])
def test_create_org_bad_name_422(api, admin_token, name):
    r = api("POST", ORGS, json={"slug": unique("n"), "name": name}, token=admin_token)
    assert_error(r, 422, "invalid", "name")


def test_create_org_missing_name_422(api, admin_token):
    r = api("POST", ORGS, json={"slug": unique("n")}, token=admin_token)
    assert_error(r, 422, "invalid", "name")


@pytest.mark.parametrize("name", ["x", "ä" * 200, "x" * 200])
def test_create_org_name_lengths_ok(api, admin_token, name):
    r = api("POST", ORGS, json={"slug": unique("n"), "name": name}, token=admin_token)
    assert assert_json(r, 201)["org"]["name"] == name


@pytest.mark.parametrize("parent", [unique("ei-ole"), "", "NOT A SLUG", 5, ["x"]])
def test_create_org_bad_parent_422(api, admin_token, parent):
    r = api("POST", ORGS, json={"slug": unique("p"), "name": "Nimi", "parent": parent},
            token=admin_token)
    assert_error(r, 422, "invalid", "parent")


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "Europe/Helsinkii",
                                "../../../etc/passwd", "Europe/../Europe/Helsinki", 5, ["UTC"]])
def test_create_org_bad_timezone_422(api, admin_token, tz):
    r = api("POST", ORGS, json={"slug": unique("tz"), "name": "Nimi", "timezone": tz},
            token=admin_token)
    assert_error(r, 422, "invalid", "timezone")


@pytest.mark.parametrize("tz", ["Europe/Stockholm", "America/Argentina/Buenos_Aires", "UTC"])
def test_create_org_good_timezone(api, admin_token, tz):
    r = api("POST", ORGS, json={"slug": unique("tz"), "name": "Nimi", "timezone": tz},
            token=admin_token)
    assert assert_json(r, 201)["org"]["timezone"] == tz


def test_create_org_slug_taken_409(api, admin_token, org_factory):
    org = org_factory()
    r = api("POST", ORGS, json={"slug": org["slug"], "name": "Toinen"}, token=admin_token)
    assert_error(r, 409, "slug_taken")


def put_role(api, slug, person_id, role, token):
    return api("PUT", f"{ORGS}/{slug}/members/{person_id}", json={"role": role}, token=token)


@pytest.fixture(scope="module")
def world(server, admin):
    """Org `a` (child of `parent`) and org `b`, with people in every role."""
    token = admin[1]

    def org(**kw):
        body = {"slug": unique("org"), "name": "Yhdistys", **kw}
        return assert_json(server.api("POST", ORGS, json=body, token=token), 201)["org"]
    w = SimpleNamespace(admin_token=token)
    w.parent = org()
    w.a = org(parent=w.parent["slug"])
    w.b = org()
    for name, org_, role in [("coord", w.a, "coordinator"), ("leader", w.a, "leader"),
                             ("member", w.a, "member"), ("coord_b", w.b, "coordinator"),
                             ("coord_parent", w.parent, "coordinator")]:
        p = register(server)
        assert_json(put_role(server.api, org_["slug"], p.id, role, token), 200)
        setattr(w, name, p)
    w.outsider = register(server)
    return w


def members_of(api, slug, token):
    return assert_json(api("GET", f"{ORGS}/{slug}/members", token=token), 200)["members"]


def test_members_list_by_coordinator(api, world):
    r = api("GET", f"{ORGS}/{world.a['slug']}/members", token=world.coord.token)
    body = assert_json(r, 200)
    got = {m["person_id"]: m for m in body["members"]}
    for p, role in ((world.coord, "coordinator"), (world.leader, "leader"),
                    (world.member, "member")):
        assert got[p.id]["role"] == role
        assert got[p.id]["display_name"] == p.display_name
    assert world.coord_b.id not in got and world.coord_parent.id not in got
    for m in body["members"]:
        assert set(m) == {"person_id", "display_name", "role"}, m
    text = json.dumps(body)
    assert "@" not in text and "email" not in text


def test_members_list_by_admin(api, world):
    ids = {m["person_id"] for m in members_of(api, world.a["slug"], world.admin_token)}
    assert {world.coord.id, world.leader.id, world.member.id} <= ids


@pytest.mark.parametrize("who", ["leader", "member", "coord_b", "coord_parent", "outsider"])
def test_members_list_forbidden(api, world, who):
    r = api("GET", f"{ORGS}/{world.a['slug']}/members", token=getattr(world, who).token)
    assert_error(r, 403, "forbidden")


def test_members_list_unknown_org_404(api, world):
    r = api("GET", f"{ORGS}/{unique('ei-ole')}/members", token=world.admin_token)
    assert_error(r, 404, "not_found")


def test_put_member_by_coordinator(api, server, world):
    p = register(server)
    slug = world.a["slug"]
    r = put_role(api, slug, p.id, "member", world.coord.token)
    assert assert_json(r, 200) == {"membership": {"org": slug, "person_id": p.id, "role": "member"}}
    r = put_role(api, slug, p.id, "leader", world.coord.token)
    assert assert_json(r, 200)["membership"]["role"] == "leader"
    assert {m["person_id"]: m["role"] for m in members_of(api, slug, world.coord.token)}[p.id] \
        == "leader"
    me = assert_json(api("GET", "/api/v1/me", token=p.token), 200)
    assert [(m["org"]["slug"], m["role"]) for m in me["memberships"]] == [(slug, "leader")]
    r = put_role(api, slug, p.id, "coordinator", world.coord.token)
    assert assert_json(r, 200)["membership"]["role"] == "coordinator"
    # The same role again is fine too.
    assert assert_json(put_role(api, slug, p.id, "coordinator", world.coord.token), 200)


def test_put_member_by_admin(api, server, world):
    p = register(server)
    r = put_role(api, world.b["slug"], p.id, "leader", world.admin_token)
    assert assert_json(r, 200)["membership"] == {"org": world.b["slug"], "person_id": p.id,
                                                 "role": "leader"}


@pytest.mark.parametrize("who", ["leader", "member", "coord_b", "coord_parent", "outsider"])
def test_put_member_forbidden(api, server, world, who):
    target = world.outsider.id
    r = put_role(api, world.a["slug"], target, "member", getattr(world, who).token)
    assert_error(r, 403, "forbidden")
    # Nor may they raise themselves.
    me = getattr(world, who)
    r = put_role(api, world.a["slug"], me.id, "coordinator", me.token)
    assert_error(r, 403, "forbidden")


@pytest.mark.parametrize("role", ["owner", "admin", "", "Member", "COORDINATOR", 5, None,
                                  ["member"], {"role": "member"}])
def test_put_member_bad_role_422(api, world, role):
    r = put_role(api, world.a["slug"], world.outsider.id, role, world.coord.token)
    assert_error(r, 422, "invalid", "role")


def test_put_member_missing_role_422(api, world):
    r = api("PUT", f"{ORGS}/{world.a['slug']}/members/{world.outsider.id}", json={},
            token=world.coord.token)
    assert_error(r, 422, "invalid", "role")


def test_put_member_unknown_org_404(api, world):
    r = put_role(api, unique("ei-ole"), world.outsider.id, "member", world.admin_token)
    assert_error(r, 404, "not_found")


@pytest.mark.parametrize("person_id", [
    str(uuid.uuid4()), "not-a-uuid", "123", "00000000-0000-0000-0000-000000000000",
    str(uuid.uuid4()) + "0", str(uuid.uuid4()).upper() + "x", "%27%3B--", "' OR 1=1 --",
])
def test_put_member_unknown_or_malformed_person_404(api, world, person_id):
    from urllib.parse import quote
    path_id = person_id if "%" in person_id else quote(person_id, safe="")
    r = api("PUT", f"{ORGS}/{world.a['slug']}/members/{path_id}", json={"role": "member"},
            token=world.admin_token)
    assert_error(r, 404, "not_found")
    r = api("DELETE", f"{ORGS}/{world.a['slug']}/members/{path_id}", token=world.admin_token)
    assert_error(r, 404, "not_found")


def test_delete_member(api, server, world):
    p = register(server)
    slug = world.a["slug"]
    assert_json(put_role(api, slug, p.id, "member", world.coord.token), 200)
    r = api("DELETE", f"{ORGS}/{slug}/members/{p.id}", token=world.coord.token)
    assert r.status == 204, r
    assert p.id not in {m["person_id"] for m in members_of(api, slug, world.coord.token)}
    assert assert_json(api("GET", "/api/v1/me", token=p.token), 200)["memberships"] == []
    r = api("DELETE", f"{ORGS}/{slug}/members/{p.id}", token=world.coord.token)
    assert_error(r, 404, "not_found")


def test_delete_member_by_admin(api, server, world):
    p = register(server)
    slug = world.b["slug"]
    assert_json(put_role(api, slug, p.id, "member", world.admin_token), 200)
    assert api("DELETE", f"{ORGS}/{slug}/members/{p.id}", token=world.admin_token).status == 204


def test_delete_never_member_404(api, server, world):
    p = register(server)
    r = api("DELETE", f"{ORGS}/{world.a['slug']}/members/{p.id}", token=world.coord.token)
    assert_error(r, 404, "not_found")


def test_delete_member_unknown_org_404(api, world):
    r = api("DELETE", f"{ORGS}/{unique('ei-ole')}/members/{world.member.id}",
            token=world.admin_token)
    assert_error(r, 404, "not_found")


@pytest.mark.parametrize("who", ["leader", "member", "coord_b", "coord_parent", "outsider"])
def test_delete_member_forbidden(api, world, who):
    target = world.leader if who == "member" else world.member
    r = api("DELETE", f"{ORGS}/{world.a['slug']}/members/{target.id}",
            token=getattr(world, who).token)
    assert_error(r, 403, "forbidden")
    assert target.id in {m["person_id"]
                               for m in members_of(api, world.a["slug"], world.coord.token)}


def in_parallel(n, fn):
    import threading
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as e:  # noqa: BLE001 - reported by the caller
            results[i] = e
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_org_creation_one_wins(server, admin_token):
    slug = unique("kilpa")
    results = in_parallel(10, lambda i: server.api(
        "POST", ORGS, json={"slug": slug, "name": f"Kilpailija {i}"}, token=admin_token))
    statuses = sorted(getattr(r, "status", repr(r)) for r in results)
    assert statuses == [201] + [409] * 9, statuses
    for r in results:
        if r.status == 409:
            assert_error(r, 409, "slug_taken")


def test_concurrent_role_puts_all_succeed(server, world):
    p = register(server)
    roles = ["member", "leader", "coordinator"] * 4
    results = in_parallel(len(roles), lambda i: put_role(
        server.api, world.b["slug"], p.id, roles[i], world.admin_token))
    statuses = [getattr(r, "status", repr(r)) for r in results]
    assert statuses == [200] * len(roles), statuses
    listed = [m for m in members_of(server.api, world.b["slug"], world.admin_token)
              if m["person_id"] == p.id]
    assert len(listed) == 1 and listed[0]["role"] in roles, listed
