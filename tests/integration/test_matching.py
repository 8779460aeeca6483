# SPDX-License-Identifier: Apache-2.0
"""One-to-one matching: supporters and their public introductions, confidential support
requests, ranked candidates with reasons, pairings (propose, accept, decline, close) and
their history, the contact log, batch proposals, the access log, retention and the purge,
erasure, and the module switched off."""

import json
import subprocess
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from helpers import (ROUTES, Server, assert_error, assert_json, assert_time, register, remember,
                     unique, wait_until)

# Route patterns as the server logs them (test_zz_logs.py checks every request was logged).
ROUTES.extend([
    ("/api/v1/orgs/{slug}/supporters", r"/api/v1/orgs/[^/]+/supporters"),
    ("/api/v1/supporters/{id}", r"/api/v1/supporters/[^/]+"),
    ("/api/v1/orgs/{slug}/support-requests", r"/api/v1/orgs/[^/]+/support-requests"),
    ("/api/v1/orgs/{slug}/support-requests/access-log", r"/api/v1/orgs/[^/]+/support-requests/access-log"),
    ("/api/v1/me/support-requests", r"/api/v1/me/support-requests"),
    ("/api/v1/support-requests/{id}", r"/api/v1/support-requests/[^/]+"),
    ("/api/v1/support-requests/{id}/candidates", r"/api/v1/support-requests/[^/]+/candidates"),
    ("/api/v1/support-requests/{id}/match", r"/api/v1/support-requests/[^/]+/match"),
    ("/api/v1/me/pairings", r"/api/v1/me/pairings"),
    ("/api/v1/pairings/{id}", r"/api/v1/pairings/[^/]+"),
    ("/api/v1/pairings/{id}/accept", r"/api/v1/pairings/[^/]+/accept"),
    ("/api/v1/pairings/{id}/decline", r"/api/v1/pairings/[^/]+/decline"),
    ("/api/v1/pairings/{id}/close", r"/api/v1/pairings/[^/]+/close"),
    ("/api/v1/pairings/{id}/contacts", r"/api/v1/pairings/[^/]+/contacts"),
    ("/api/v1/orgs/{slug}/matching/proposals", r"/api/v1/orgs/[^/]+/matching/proposals"),
    ("/api/v1/orgs/{slug}/matching/settings", r"/api/v1/orgs/[^/]+/matching/settings"),
    ("/api/v1/orgs/{slug}/matching/stats", r"/api/v1/orgs/[^/]+/matching/stats"),
])

ORGS = "/api/v1/orgs"
PUBLIC_KEYS = {"id", "public_name", "bio", "topics", "municipalities", "languages", "contact_modes",
               "available"}
RECORD_KEYS = PUBLIC_KEYS | {"org", "person_id", "max_active", "active_pairings", "status", "training",
                             "pledge", "created_at", "updated_at"}


def supporter_body(person_id, **fields):
    """A whole supporter record for PERSON_ID, updated with FIELDS."""
    body = {"person_id": person_id, "public_name": "Tuomas",
            "bio": "Olen toiminut avustajien työnantajana kymmenen vuotta.",
            "topics": ["työnantajuus", "rekrytointi"], "municipalities": ["Helsinki", "Espoo"],
            "languages": ["fi"], "contact_modes": ["phone", "whatsapp"], "max_active": 2,
            "training": {"course": "Työnantajakumppani-koulutus 2025", "completed_on": "2025-11-15",
                         "refresher_due": "2027-11-15"},
            "pledge": {"version": "2025-1", "signed_on": "2025-11-15"}}
    body.update(fields)
    return body


def request_body(**fields):
    message = f"Uusi avustaja aloittaa, miten perehdytän hänet? {uuid.uuid4().hex[:8]}"
    preferences = f"Mieluiten joku, jolla on pieniä lapsia {uuid.uuid4().hex[:8]}"
    remember("names", message)      # the logs must never hold what a person tells
    remember("names", preferences)
    body = {"topics": ["työnantajuus"], "municipality": "Helsinki", "languages": ["fi"],
            "contact_modes": ["phone"], "message": message, "preferences": preferences, "consent": True}
    body.update(fields)
    return body


class Hub:
    """An org of its own with a coordinator; adds people, supporters, requests, pairings."""

    def __init__(self, srv, admin_token):
        self.srv, self.admin = srv, admin_token
        body = {"slug": unique("tuki"), "name": f"Vertaistuki {unique('ry')}"}
        self.slug = assert_json(srv.api("POST", ORGS, json=body, token=admin_token), 201)["org"]["slug"]
        self.coord = self.person("coordinator")

    def api(self, *args, **kw):
        return self.srv.api(*args, **kw)

    def person(self, role=None):
        p = register(self.srv)
        if role is not None:
            r = self.api("PUT", f"{ORGS}/{self.slug}/members/{p.id}", json={"role": role}, token=self.admin)
            assert_json(r, 200)
        return p

    def supporter(self, person=None, **fields):
        person = person or self.person("member")
        r = self.api("POST", f"{ORGS}/{self.slug}/supporters", json=supporter_body(person.id, **fields),
                     token=self.coord.token)
        s = assert_json(r, 201)["supporter"]
        return SimpleNamespace(id=s["id"], person=person, record=s)

    def request(self, person=None, **fields):
        person = person or register(self.srv)
        body = request_body(**fields)
        r = self.api("POST", f"{ORGS}/{self.slug}/support-requests", json=body, token=person.token)
        q = assert_json(r, 201)["request"]
        return SimpleNamespace(id=q["id"], person=person, body=body)

    def match(self, request, supporter, note=None):
        body = {"supporter_id": supporter.id}
        if note is not None:
            body["note"] = note
        r = self.api("POST", f"/api/v1/support-requests/{request.id}/match", json=body, token=self.coord.token)
        return assert_json(r, 201)["pairing"]

    def accept(self, pairing, supporter):
        r = self.api("POST", f"/api/v1/pairings/{pairing['id']}/accept", token=supporter.person.token)
        return assert_json(r, 200)["pairing"]

    def active(self, request=None, supporter=None):
        """An accepted pairing: (request, supporter, pairing)."""
        request = request or self.request()
        supporter = supporter or self.supporter()
        pairing = self.accept(self.match(request, supporter), supporter)
        return request, supporter, pairing

    def get_request(self, request_id, token):
        return self.api("GET", f"/api/v1/support-requests/{request_id}", token=token)

    def candidates(self, request, token=None):
        r = self.api("GET", f"/api/v1/support-requests/{request.id}/candidates", token=token or self.coord.token)
        return assert_json(r, 200)["candidates"]

    def stats(self):
        return assert_json(self.api("GET", f"{ORGS}/{self.slug}/matching/stats", token=self.coord.token), 200)

    def access_log(self, **params):
        q = "&".join(f"{k}={v}" for k, v in params.items())
        r = self.api("GET", f"{ORGS}/{self.slug}/support-requests/access-log" + (f"?{q}" if q else ""),
                     token=self.coord.token)
        return assert_json(r, 200)["entries"]


@pytest.fixture
def hub(server, admin):
    return lambda: Hub(server, admin[1])


@pytest.fixture(scope="module")
def others(server, admin):
    """People with no standing in a hub: a coordinator and a member of another org, and
    a person in no org."""
    token = admin[1]
    body = {"slug": unique("muu"), "name": "Toinen yhdistys"}
    slug = assert_json(server.api("POST", ORGS, json=body, token=token), 201)["org"]["slug"]
    o = SimpleNamespace(slug=slug, admin_token=token)
    for name, role in [("coord_b", "coordinator"), ("member_b", "member")]:
        p = register(server)
        assert_json(server.api("PUT", f"{ORGS}/{slug}/members/{p.id}", json={"role": role}, token=token), 200)
        setattr(o, name, p)
    o.outsider = register(server)
    return o


def today_helsinki():
    return datetime.now(ZoneInfo("Europe/Helsinki")).date()


def psql(pg, sql):
    p = subprocess.run(["psql", pg.url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return p.stdout.strip()


# ---- supporters ---------------------------------------------------------------------------

def test_create_supporter_returns_the_record(hub):
    h = hub()
    person = h.person("leader")
    r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(person.id), token=h.coord.token)
    s = assert_json(r, 201)["supporter"]
    assert set(s) == RECORD_KEYS, s
    uuid.UUID(s["id"])
    assert s["org"] == h.slug and s["person_id"] == person.id
    assert s["public_name"] == "Tuomas"
    assert s["topics"] == ["työnantajuus", "rekrytointi"]
    assert s["municipalities"] == ["Helsinki", "Espoo"]
    assert s["languages"] == ["fi"] and s["contact_modes"] == ["phone", "whatsapp"]
    assert s["max_active"] == 2 and s["active_pairings"] == 0
    assert s["status"] == "active" and s["available"] is True
    assert s["training"] == {"course": "Työnantajakumppani-koulutus 2025", "completed_on": "2025-11-15",
                             "refresher_due": "2027-11-15"}
    assert s["pledge"] == {"version": "2025-1", "signed_on": "2025-11-15"}
    assert_time(s["created_at"])
    assert "email" not in json.dumps(s) and person.email not in json.dumps(s)


def test_create_supporter_defaults_and_repeats(hub):
    h = hub()
    person = h.person("member")
    body = {"person_id": person.id, "public_name": "Sanna", "languages": ["fi", "sv", "fi"],
            "contact_modes": ["teams", "teams", "video"]}
    s = assert_json(h.api("POST", f"{ORGS}/{h.slug}/supporters", json=body, token=h.coord.token), 201)["supporter"]
    assert s["languages"] == ["fi", "sv"] and s["contact_modes"] == ["teams", "video"]
    assert s["max_active"] == 1 and s["status"] == "active"
    assert s["training"] is None and s["pledge"] is None and s["bio"] is None
    assert s["topics"] == [] and s["municipalities"] == []


@pytest.mark.parametrize("who", ["member", "leader", "supporter", "coord_b", "member_b", "outsider"])
def test_create_supporter_forbidden(hub, others, who):
    h = hub()
    target = h.person("member")
    token = {"member": lambda: h.person("member").token, "leader": lambda: h.person("leader").token,
             "supporter": lambda: h.supporter().person.token, "coord_b": lambda: others.coord_b.token,
             "member_b": lambda: others.member_b.token, "outsider": lambda: others.outsider.token}[who]()
    r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(target.id), token=token)
    assert_error(r, 403, "forbidden")


def test_create_supporter_needs_token_and_admin_may(hub):
    h = hub()
    target = h.person("member")
    assert_error(h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(target.id)), 401,
                 "unauthorized")
    r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(target.id), token=h.admin)
    assert assert_json(r, 201)["supporter"]["person_id"] == target.id


def test_supporter_must_be_a_member(hub, others):
    h = hub()
    for person_id in (others.outsider.id, others.member_b.id, str(uuid.uuid4())):
        r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(person_id), token=h.coord.token)
        assert_error(r, 422, "invalid", "person_id")


def test_supporter_once_per_org(hub):
    h = hub()
    s = h.supporter()
    r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=supporter_body(s.person.id), token=h.coord.token)
    assert_error(r, 409, "supporter_exists", "person_id")


def test_supporter_unknown_org(hub):
    h = hub()
    r = h.api("POST", f"{ORGS}/{unique('ei-ole')}/supporters", json=supporter_body(h.coord.id), token=h.admin)
    assert_error(r, 404, "not_found")
    assert_error(h.api("GET", f"{ORGS}/{unique('ei-ole')}/supporters"), 404, "not_found")


@pytest.mark.parametrize("fields, field", [
    ({"public_name": None}, "public_name"),
    ({"public_name": ""}, "public_name"),
    ({"public_name": "x" * 61}, "public_name"),
    ({"person_id": "nobody"}, "person_id"),
    ({"languages": []}, "languages"),
    ({"languages": ["Finnish"]}, "languages"),
    ({"contact_modes": []}, "contact_modes"),
    ({"contact_modes": ["telegram"]}, "contact_modes"),
    ({"contact_modes": "phone"}, "contact_modes"),
    ({"max_active": 0}, "max_active"),
    ({"max_active": 51}, "max_active"),
    ({"max_active": "2"}, "max_active"),
    ({"status": "busy"}, "status"),
    ({"topics": [""]}, "topics"),
    ({"topics": ["x"] * 21}, "topics"),
    ({"training": {"completed_on": "2025-01-01"}}, "training.course"),
    ({"training": {"course": "K", "completed_on": "2025-02-30"}}, "training.completed_on"),
    ({"training": "yes"}, "training"),
    ({"pledge": {"version": "1"}}, "pledge.signed_on"),
    ({"pledge": {"version": "1", "signed_on": "15.11.2025"}}, "pledge.signed_on"),
])
def test_supporter_validation(hub, fields, field):
    h = hub()
    body = {**supporter_body(h.person("member").id), **fields}
    r = h.api("POST", f"{ORGS}/{h.slug}/supporters", json=body, token=h.coord.token)
    assert_error(r, 422, "invalid", field)


def test_public_list_shows_introductions_only(hub, api):
    h = hub()
    a = h.supporter(public_name="Aino", status="active")
    b = h.supporter(public_name="Bertta", status="paused")
    h.supporter(public_name="Cecilia", status="retired")
    full = h.supporter(public_name="Dora", max_active=1)
    h.match(h.request(), full)
    body = assert_json(api("GET", f"{ORGS}/{h.slug}/supporters"), 200)
    listed = body["supporters"]
    assert [s["public_name"] for s in listed] == ["Aino", "Bertta", "Dora"]
    for s in listed:
        assert set(s) == PUBLIC_KEYS, s
    by_name = {s["public_name"]: s for s in listed}
    assert by_name["Aino"]["available"] is True
    assert by_name["Bertta"]["available"] is False   # paused
    assert by_name["Dora"]["available"] is False     # full: a proposed pairing counts
    text = json.dumps(body, ensure_ascii=False)
    for s in (a, b, full):
        assert s.person.email not in text and s.person.id not in text
        assert s.person.display_name not in text
    for word in ("training", "pledge", "email", "phone_number", "person_id", "Työnantajakumppani-koulutus"):
        assert word not in text


def test_supporter_page_public_or_whole(hub, api, others):
    h = hub()
    s = h.supporter()
    path = f"/api/v1/supporters/{s.id}"
    public = assert_json(api("GET", path), 200)["supporter"]
    assert set(public) == PUBLIC_KEYS
    assert set(assert_json(api("GET", path, token=others.coord_b.token), 200)["supporter"]) == PUBLIC_KEYS
    assert set(assert_json(api("GET", path, token=h.person("member").token), 200)["supporter"]) == PUBLIC_KEYS
    for token in (h.coord.token, s.person.token, h.admin):
        whole = assert_json(api("GET", path, token=token), 200)["supporter"]
        assert set(whole) == RECORD_KEYS and whole["training"]["course"]
    assert_error(api("GET", "/api/v1/supporters/not-an-id"), 404, "not_found")
    assert_error(api("GET", f"/api/v1/supporters/{uuid.uuid4()}"), 404, "not_found")
    assert_error(api("GET", path, token="x" * 43), 401, "unauthorized")


def test_retired_supporter_has_no_public_page(hub, api):
    h = hub()
    s = h.supporter(status="retired")
    assert_error(api("GET", f"/api/v1/supporters/{s.id}"), 404, "not_found")
    assert assert_json(api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)["supporter"][
        "status"] == "retired"


def test_the_sql_leaves_out_what_a_reader_may_not_see(hub, pg):
    """The record of a supporter leaves the database only for those authz gives the right:
    what piirid loads to authorize names who the supporter is and nothing of the record,
    and the view for everyone else holds the introduction only."""
    h = hub()
    s, retired = h.supporter(), h.supporter(status="retired")
    assert json.loads(psql(pg, f"SELECT api_supporter_facts('{s.id}')")) == {
        "org": h.slug, "supporter": s.person.id, "listed": True}
    assert json.loads(psql(pg, f"SELECT api_supporter_facts('{retired.id}')"))["listed"] is False
    public = psql(pg, f"SELECT api_supporter_read('{s.id}', false)")
    assert set(json.loads(public)["supporter"]) == PUBLIC_KEYS
    for word in ("training", "pledge", "person_id", s.person.id, "Työnantajakumppani-koulutus"):
        assert word not in public
    assert set(json.loads(psql(pg, f"SELECT api_supporter_read('{s.id}', true)"))["supporter"]) == RECORD_KEYS
    # Not listed: no public view at all, the whole record still for those allowed it.
    assert psql(pg, f"SELECT api_supporter_read('{retired.id}', false) IS NULL") == "t"
    assert json.loads(psql(pg, f"SELECT api_supporter_read('{retired.id}', true)"))["supporter"][
        "status"] == "retired"


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/api/v1/orgs/{slug}/support-requests", {"GET", "POST"}),
    ("PUT", "/api/v1/orgs/{slug}/matching/proposals", {"POST"}),
    ("POST", "/api/v1/supporters/{id}", {"GET", "PATCH", "DELETE"}),
    ("PUT", "/api/v1/pairings/{id}", {"GET"}),
    ("PUT", "/api/v1/pairings/not-an-id", {"GET"}),
    ("GET", "/api/v1/pairings/{id}/close", {"POST"}),
    ("DELETE", "/api/v1/support-requests/{id}/match", {"POST"}),
])
def test_module_on_answers_405_with_allow(hub, method, path, allowed):
    """With the module on, its paths are routes like the core's: another method is 405
    with the methods there are, before anyone is asked who they are."""
    h = hub()
    path = path.format(slug=h.slug, id=uuid.uuid4())
    for token in (None, h.coord.token):
        r = h.api(method, path, json={} if method in ("POST", "PUT") else None, token=token)
        assert_error(r, 405, "method_not_allowed")
        assert {m.strip() for m in r.headers.get("Allow").split(",")} == allowed, r.headers.get("Allow")


def test_patch_supporter(hub, others):
    h = hub()
    s = h.supporter()
    path = f"/api/v1/supporters/{s.id}"
    r = h.api("PATCH", path, json={"bio": "Uusi esittely.", "status": "paused", "max_active": 3,
                                   "training": None}, token=h.coord.token)
    got = assert_json(r, 200)["supporter"]
    assert got["bio"] == "Uusi esittely." and got["status"] == "paused" and got["max_active"] == 3
    assert got["training"] is None and got["pledge"] == s.record["pledge"]
    assert got["public_name"] == "Tuomas" and got["topics"] == s.record["topics"]
    assert_error(h.api("PATCH", path, json={"person_id": h.coord.id}, token=h.coord.token), 422, "invalid",
                 "person_id")
    assert_error(h.api("PATCH", path, json={"public_name": None}, token=h.coord.token), 422, "invalid",
                 "public_name")
    for token in (s.person.token, h.person("leader").token, others.coord_b.token, others.outsider.token):
        assert_error(h.api("PATCH", path, json={"bio": "Minä itse."}, token=token), 403, "forbidden")
    assert_error(h.api("PATCH", f"/api/v1/supporters/{uuid.uuid4()}", json={"bio": "x"}, token=h.coord.token),
                 404, "not_found")


def test_delete_supporter(hub, api):
    h = hub()
    s, busy = h.supporter(public_name="Poistuva"), h.supporter(public_name="Kiireinen")
    h.match(h.request(), busy)
    for token in (s.person.token, h.person("member").token):
        assert_error(api("DELETE", f"/api/v1/supporters/{s.id}", token=token), 403, "forbidden")
    assert_error(api("DELETE", f"/api/v1/supporters/{busy.id}", token=h.coord.token), 409,
                 "supporter_has_pairings")
    r = api("DELETE", f"/api/v1/supporters/{s.id}", token=h.coord.token)
    assert r.status == 204 and r.body == b""
    assert_error(api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 404, "not_found")
    assert_error(api("DELETE", f"/api/v1/supporters/{s.id}", token=h.coord.token), 404, "not_found")
    names = [x["public_name"] for x in assert_json(api("GET", f"{ORGS}/{h.slug}/supporters"), 200)["supporters"]]
    assert names == ["Kiireinen"]
    # The person may become a supporter again.
    h.supporter(person=s.person, public_name="Palannut")


def test_supporter_who_leaves_the_org_is_not_listed(hub, api):
    h = hub()
    s = h.supporter(public_name="Lähtijä")
    r = api("DELETE", f"{ORGS}/{h.slug}/members/{s.person.id}", token=h.coord.token)
    assert r.status == 204
    assert assert_json(api("GET", f"{ORGS}/{h.slug}/supporters"), 200)["supporters"] == []
    assert_error(api("GET", f"/api/v1/supporters/{s.id}"), 404, "not_found")
    assert assert_json(api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)["supporter"][
        "available"] is False
    req = h.request()
    assert h.candidates(req) == []
    assert_error(api("POST", f"/api/v1/support-requests/{req.id}/match", json={"supporter_id": s.id},
                     token=h.coord.token), 409, "supporter_unavailable")


# ---- support requests ------------------------------------------------------------------------

def test_request_created_with_consent(hub):
    h = hub()
    person = register(h.srv)
    r = h.api("POST", f"{ORGS}/{h.slug}/support-requests", json=request_body(), token=person.token)
    body = assert_json(r, 201)
    assert set(body) == {"request"} and set(body["request"]) == {"id", "status"}
    assert body["request"]["status"] == "open"
    uuid.UUID(body["request"]["id"])


@pytest.mark.parametrize("consent", ["missing", False, None, "true", 1, "yes"])
def test_request_without_consent_is_422(hub, consent):
    h = hub()
    body = request_body()
    if consent == "missing":
        del body["consent"]
    else:
        body["consent"] = consent
    person = register(h.srv)
    r = h.api("POST", f"{ORGS}/{h.slug}/support-requests", json=body, token=person.token)
    assert_error(r, 422, "invalid", "consent")
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=person.token), 200)
    assert mine["requests"] == []


@pytest.mark.parametrize("fields, field", [
    ({"languages": []}, "languages"),
    ({"languages": None}, "languages"),
    ({"contact_modes": ["letter"]}, "contact_modes"),
    ({"contact_modes": []}, "contact_modes"),
    ({"topics": "työnantajuus"}, "topics"),
    ({"municipality": ""}, "municipality"),
    ({"message": "x" * 4001}, "message"),
    ({"preferences": 5}, "preferences"),
])
def test_request_validation(hub, fields, field):
    h = hub()
    r = h.api("POST", f"{ORGS}/{h.slug}/support-requests", json=request_body(**fields),
              token=register(h.srv).token)
    assert_error(r, 422, "invalid", field)


def test_request_needs_sign_in_and_an_org(hub):
    h = hub()
    assert_error(h.api("POST", f"{ORGS}/{h.slug}/support-requests", json=request_body()), 401, "unauthorized")
    r = h.api("POST", f"{ORGS}/{unique('ei-ole')}/support-requests", json=request_body(),
              token=register(h.srv).token)
    assert_error(r, 404, "not_found")


def test_anyone_signed_in_may_ask_members_or_not(hub, others):
    h = hub()
    for person in (others.outsider, others.member_b, h.person("member")):
        h.request(person=person)


def test_requester_sees_own_requests(hub):
    h = hub()
    q = h.request()
    other = h.request()
    body = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)
    assert [x["id"] for x in body["requests"]] == [q.id]
    mine = body["requests"][0]
    assert mine["message"] == q.body["message"] and mine["preferences"] == q.body["preferences"]
    assert mine["org"] == h.slug and mine["status"] == "open" and mine["pairing"] is None
    assert mine["requester"]["person_id"] == q.person.id
    assert mine["topics"] == ["työnantajuus"] and mine["municipality"] == "Helsinki"
    assert_time(mine["consent_at"])
    got = assert_json(h.get_request(q.id, q.person.token), 200)["request"]
    assert got["message"] == q.body["message"]
    assert_error(h.get_request(other.id, q.person.token), 403, "forbidden")


def test_who_may_read_a_request(hub, others):
    h = hub()
    q = h.request()
    s = h.supporter()
    member, leader = h.person("member"), h.person("leader")
    for token in (member.token, leader.token, s.person.token, others.coord_b.token, others.member_b.token,
                  others.outsider.token, h.admin):
        assert_error(h.get_request(q.id, token), 403, "forbidden")
    assert_error(h.get_request(q.id, None), 401, "unauthorized")
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["message"] == q.body["message"] and got["preferences"] == q.body["preferences"]
    assert_error(h.get_request(str(uuid.uuid4()), h.coord.token), 404, "not_found")
    assert_error(h.get_request("nope", h.coord.token), 404, "not_found")

    # Proposed: the supporter may not read it yet; accepted: they may; closed: no more.
    pairing = h.match(q, s)
    assert_error(h.get_request(q.id, s.person.token), 403, "forbidden")
    h.accept(pairing, s)
    got = assert_json(h.get_request(q.id, s.person.token), 200)["request"]
    assert got["message"] == q.body["message"] and got["status"] == "active"
    assert got["pairing"]["supporter"] == {"id": s.id, "public_name": "Tuomas"}
    other_supporter = h.supporter()
    assert_error(h.get_request(q.id, other_supporter.person.token), 403, "forbidden")
    r = h.api("POST", f"/api/v1/pairings/{pairing['id']}/close", json={"outcome": "completed"},
              token=q.person.token)
    assert_json(r, 200)
    assert_error(h.get_request(q.id, s.person.token), 403, "forbidden")
    assert assert_json(h.get_request(q.id, q.person.token), 200)["request"]["status"] == "closed"


def test_coordinator_list_has_no_message(hub, others):
    h = hub()
    a, b = h.request(), h.request(languages=["sv"])
    h.match(b, h.supporter(languages=["sv"]))
    body = assert_json(h.api("GET", f"{ORGS}/{h.slug}/support-requests", token=h.coord.token), 200)
    assert [x["id"] for x in body["requests"]] == [a.id, b.id]
    text = json.dumps(body, ensure_ascii=False)
    assert a.body["message"] not in text and a.body["preferences"] not in text
    assert a.person.id not in text
    for x in body["requests"]:
        assert "message" not in x and "preferences" not in x and "requester" not in x
    open_only = assert_json(h.api("GET", f"{ORGS}/{h.slug}/support-requests?status=open", token=h.coord.token),
                            200)
    assert [x["id"] for x in open_only["requests"]] == [a.id]
    assert_error(h.api("GET", f"{ORGS}/{h.slug}/support-requests?status=lost", token=h.coord.token), 422,
                 "invalid", "status")
    for token in (h.person("leader").token, a.person.token, others.coord_b.token):
        assert_error(h.api("GET", f"{ORGS}/{h.slug}/support-requests", token=token), 403, "forbidden")


# ---- candidates ------------------------------------------------------------------------------

def test_candidates_ranked_with_reasons(hub):
    h = hub()
    q = h.request(topics=["työnantajuus", "rekrytointi", "lomat"], municipality="Helsinki",
                  languages=["fi", "sv"], contact_modes=["phone", "whatsapp"])
    best = h.supporter(public_name="Paras", topics=["Rekrytointi", "TYÖNANTAJUUS"],
                       municipalities=["helsinki"], languages=["sv"], contact_modes=["whatsapp", "phone"],
                       max_active=3)
    near = h.supporter(public_name="Lähellä", topics=[], municipalities=["Helsinki"], languages=["fi"],
                       contact_modes=["in_person"])
    far = h.supporter(public_name="Kaukana", topics=["lomat"], municipalities=["Oulu"], languages=["fi"],
                      contact_modes=["teams"])
    got = h.candidates(q)
    assert [c["supporter_id"] for c in got] == [best.id, far.id, near.id]
    assert [c["score"] for c in got] == [2 * 30 + 25 + 2 * 10, 30, 25]
    assert got[0]["public_name"] == "Paras" and got[0]["load"] == 0 and got[0]["max_active"] == 3
    assert got[0]["reasons"] == ["shared topics: työnantajuus, rekrytointi", "same municipality: Helsinki",
                                 "shared contact modes: phone, whatsapp", "speaks sv", "0 of 3 places taken"]
    assert got[2]["reasons"] == ["same municipality: Helsinki", "speaks fi", "0 of 2 places taken"]
    assert got == h.candidates(q)   # deterministic


def test_candidates_hard_limits(hub):
    h = hub()
    q = h.request(languages=["fi"])
    ok = h.supporter(public_name="Sopiva")
    h.supporter(public_name="Ruotsi", languages=["sv"])            # no shared language
    h.supporter(public_name="Tauolla", status="paused")            # not active
    h.supporter(public_name="Eläkkeellä", status="retired")
    full = h.supporter(public_name="Täynnä", max_active=1)         # full: a proposal counts
    h.match(h.request(), full)
    h.supporter(public_name="Vapaa", max_active=1)
    self_supporter = h.supporter(public_name="Itse")                # the requester themself
    own = h.request(person=self_supporter.person)
    names = [c["public_name"] for c in h.candidates(q)]
    assert sorted(names) == ["Itse", "Sopiva", "Vapaa"]
    own_names = [c["public_name"] for c in h.candidates(own)]
    assert "Itse" not in own_names and "Täynnä" not in own_names and "Sopiva" in own_names
    assert ok.id in [c["supporter_id"] for c in h.candidates(q)]


def test_load_lowers_the_score(hub):
    h = hub()
    q = h.request()
    busy = h.supporter(public_name="Kiireinen", max_active=3)
    idle = h.supporter(public_name="Joutilas", max_active=3)
    h.accept(h.match(h.request(), busy), busy)
    got = h.candidates(q)
    assert [c["public_name"] for c in got] == ["Joutilas", "Kiireinen"]
    assert got[0]["score"] - got[1]["score"] == 5
    assert got[1]["load"] == 1 and "1 of 3 places taken" in got[1]["reasons"]


def test_candidates_only_for_coordinators(hub, others):
    h = hub()
    q = h.request()
    s = h.supporter()
    for token in (q.person.token, s.person.token, h.person("member").token, others.coord_b.token):
        r = h.api("GET", f"/api/v1/support-requests/{q.id}/candidates", token=token)
        assert_error(r, 403, "forbidden")
    assert_error(h.api("GET", f"/api/v1/support-requests/{uuid.uuid4()}/candidates", token=h.coord.token),
                 404, "not_found")
    assert len(h.candidates(q, token=h.admin)) == 1


# ---- pairings --------------------------------------------------------------------------------

def test_match_accept_and_history(hub):
    h = hub()
    q, s = h.request(), h.supporter()
    r = h.api("POST", f"/api/v1/support-requests/{q.id}/match",
              json={"supporter_id": s.id, "note": "Espoolainen työnantaja, perehdytys."}, token=h.coord.token)
    p = assert_json(r, 201)["pairing"]
    assert p["status"] == "proposed" and p["request_id"] == q.id
    assert p["supporter"] == {"id": s.id, "public_name": "Tuomas"}
    assert p["note"] == "Espoolainen työnantaja, perehdytys." and p["outcome"] is None
    assert "events" not in p
    assert assert_json(h.get_request(q.id, h.coord.token), 200)["request"]["status"] == "proposed"
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)["requests"][0]
    assert mine["pairing"] == {"id": p["id"], "status": "proposed", "supporter": None}
    theirs = assert_json(h.api("GET", "/api/v1/me/pairings", token=s.person.token), 200)["pairings"]
    assert [x["id"] for x in theirs] == [p["id"]] and theirs[0]["status"] == "proposed"
    assert q.body["message"] not in json.dumps(theirs, ensure_ascii=False)

    a = h.accept(p, s)
    assert a["status"] == "active"
    assert_time(a["accepted_at"])
    assert assert_json(h.get_request(q.id, h.coord.token), 200)["request"]["status"] == "active"
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)["requests"][0]
    assert mine["pairing"]["supporter"] == {"id": s.id, "public_name": "Tuomas"}

    got = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)["pairing"]
    events = got["events"]
    assert [(e["from"], e["to"]) for e in events] == [(None, "proposed"), ("proposed", "active")]
    assert events[0]["by"] == {"person_id": h.coord.id, "role": "coordinator"}
    assert events[1]["by"] == {"person_id": s.person.id, "role": "supporter"}
    for e in events:
        assert_time(e["at"])
    for token in (s.person.token, q.person.token):
        seen = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=token), 200)["pairing"]
        assert "events" not in seen and seen["status"] == "active"


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_supporter_answers(hub, others, action):
    h = hub()
    q, s = h.request(), h.supporter()
    p = h.match(q, s)
    other = h.supporter()
    for token in (q.person.token, h.coord.token, other.person.token, h.admin, others.outsider.token):
        assert_error(h.api("POST", f"/api/v1/pairings/{p['id']}/{action}", token=token), 403, "forbidden")
    assert_error(h.api("POST", f"/api/v1/pairings/{p['id']}/{action}"), 401, "unauthorized")
    assert_error(h.api("POST", f"/api/v1/pairings/{uuid.uuid4()}/{action}", token=s.person.token), 404,
                 "not_found")
    assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/{action}", token=s.person.token), 200)
    for again in ("accept", "decline"):
        assert_error(h.api("POST", f"/api/v1/pairings/{p['id']}/{again}", token=s.person.token), 409,
                     "pairing_not_proposed")


def test_decline_and_rematch(hub):
    h = hub()
    q = h.request()
    first, second = h.supporter(public_name="Ensimmäinen"), h.supporter(public_name="Toinen")
    p = h.match(q, first)
    d = assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/decline", token=first.person.token), 200)["pairing"]
    assert d["status"] == "declined"
    assert_time(d["ended_at"])
    assert assert_json(h.get_request(q.id, h.coord.token), 200)["request"]["status"] == "open"
    # The one who declined is not offered again; the place they had is free.
    assert [c["public_name"] for c in h.candidates(q)] == ["Toinen"]
    assert assert_json(h.api("GET", f"/api/v1/supporters/{first.id}", token=h.coord.token), 200)[
        "supporter"]["active_pairings"] == 0
    p2 = h.match(q, second)
    h.accept(p2, second)
    got = assert_json(h.get_request(q.id, second.person.token), 200)["request"]
    assert got["status"] == "active" and got["pairing"]["id"] == p2["id"]
    events = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)["pairing"]["events"]
    assert [(e["to"], e["by"]["role"]) for e in events] == [("proposed", "coordinator"), ("declined", "supporter")]
    assert_error(h.get_request(q.id, first.person.token), 403, "forbidden")


def test_coordinator_may_ask_again_after_a_decline(hub):
    h = hub()
    q, s = h.request(), h.supporter()
    p = h.match(q, s)
    assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/decline", token=s.person.token), 200)
    body = assert_json(h.api("POST", f"{ORGS}/{h.slug}/matching/proposals", token=h.coord.token), 200)
    assert body["proposals"] == [] and body["unmatched"] == [q.id]
    again = h.match(q, s)
    assert again["id"] != p["id"] and again["status"] == "proposed"
    assert h.accept(again, s)["status"] == "active"


def test_match_rules(hub, others):
    h = hub()
    q = h.request(languages=["fi"])
    s = h.supporter()
    path = f"/api/v1/support-requests/{q.id}/match"
    for token in (q.person.token, s.person.token, h.person("leader").token, others.coord_b.token):
        assert_error(h.api("POST", path, json={"supporter_id": s.id}, token=token), 403, "forbidden")
    assert_error(h.api("POST", path, json={}, token=h.coord.token), 422, "invalid", "supporter_id")
    assert_error(h.api("POST", path, json={"supporter_id": "x"}, token=h.coord.token), 422, "invalid",
                 "supporter_id")
    assert_error(h.api("POST", path, json={"supporter_id": str(uuid.uuid4())}, token=h.coord.token), 422,
                 "invalid", "supporter_id")
    swedish = h.supporter(languages=["sv"])
    assert_error(h.api("POST", path, json={"supporter_id": swedish.id}, token=h.coord.token), 422, "invalid",
                 "supporter_id")
    paused = h.supporter(status="paused")
    assert_error(h.api("POST", path, json={"supporter_id": paused.id}, token=h.coord.token), 409,
                 "supporter_unavailable")
    full = h.supporter(max_active=1)
    h.match(h.request(), full)
    assert_error(h.api("POST", path, json={"supporter_id": full.id}, token=h.coord.token), 409,
                 "supporter_full")
    own = h.request(person=s.person)
    assert_error(h.api("POST", f"/api/v1/support-requests/{own.id}/match", json={"supporter_id": s.id},
                       token=h.coord.token), 422, "invalid", "supporter_id")
    # A supporter of another org.
    b = Hub(h.srv, h.admin)
    foreign = b.supporter()
    assert_error(h.api("POST", path, json={"supporter_id": foreign.id}, token=h.coord.token), 422, "invalid",
                 "supporter_id")
    h.match(q, s)
    other = h.supporter()
    assert_error(h.api("POST", path, json={"supporter_id": other.id}, token=h.coord.token), 409,
                 "request_not_open")
    assert_error(h.api("POST", f"/api/v1/support-requests/{uuid.uuid4()}/match", json={"supporter_id": s.id},
                       token=h.coord.token), 404, "not_found")


def test_capacity_holds_when_coordinators_race(hub):
    import threading
    h = hub()
    s = h.supporter(max_active=2)
    requests = [h.request() for _ in range(8)]
    results = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def go(i):
        barrier.wait(10)
        results[i] = h.api("POST", f"/api/v1/support-requests/{requests[i].id}/match",
                           json={"supporter_id": s.id}, token=h.coord.token).status
    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [201, 201] + [409] * 6, results
    rec = assert_json(h.api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)["supporter"]
    assert rec["active_pairings"] == 2 and rec["available"] is False


@pytest.mark.parametrize("closer", ["supporter", "requester", "coordinator"])
def test_close_with_outcome(hub, closer):
    h = hub()
    q, s, p = h.active()
    token = {"supporter": s.person.token, "requester": q.person.token, "coordinator": h.coord.token}[closer]
    path = f"/api/v1/pairings/{p['id']}/close"
    assert_error(h.api("POST", path, json={}, token=token), 422, "invalid", "outcome")
    assert_error(h.api("POST", path, json={"outcome": "great"}, token=token), 422, "invalid", "outcome")
    assert_error(h.api("POST", path, json={"outcome": "account_erased"}, token=token), 422, "invalid", "outcome")
    c = assert_json(h.api("POST", path, json={"outcome": "completed"}, token=token), 200)["pairing"]
    assert c["status"] == "closed" and c["outcome"] == "completed"
    assert_time(c["ended_at"])
    assert_error(h.api("POST", path, json={"outcome": "other"}, token=token), 409, "pairing_not_open")
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["status"] == "closed"
    assert_time(got["closed_at"])
    events = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)["pairing"]["events"]
    assert (events[-1]["from"], events[-1]["to"], events[-1]["by"]["role"]) == ("active", "closed", closer)
    # The place is free again.
    assert assert_json(h.api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)[
        "supporter"]["active_pairings"] == 0


def test_close_forbidden_for_others(hub, others):
    h = hub()
    q, s, p = h.active()
    for token in (h.supporter().person.token, h.person("leader").token, others.coord_b.token,
                  others.outsider.token):
        r = h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "other"}, token=token)
        assert_error(r, 403, "forbidden")
        assert_error(h.api("GET", f"/api/v1/pairings/{p['id']}", token=token), 403, "forbidden")


def test_the_coordinators_note_is_for_the_supporter(hub):
    h = hub()
    q, s = h.request(), h.supporter()
    note = "Ensimmäinen avustaja, jännittää soittaa."
    p = h.match(q, s, note=note)
    assert p["note"] == note
    assert h.accept(p, s)["note"] == note
    path = f"/api/v1/pairings/{p['id']}"
    for token in (s.person.token, h.coord.token):
        assert assert_json(h.api("GET", path, token=token), 200)["pairing"]["note"] == note
    seen = assert_json(h.api("GET", path, token=q.person.token), 200)["pairing"]
    assert "note" not in seen and seen["status"] == "active"
    closed = assert_json(h.api("POST", f"{path}/close", json={"outcome": "completed"}, token=q.person.token),
                         200)["pairing"]
    assert "note" not in closed and closed["status"] == "closed"
    assert note not in json.dumps(assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token),
                                              200), ensure_ascii=False)


def test_requester_may_withdraw_a_proposal(hub):
    h = hub()
    q, s = h.request(), h.supporter()
    p = h.match(q, s)
    c = assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "no_longer_needed"},
                          token=q.person.token), 200)["pairing"]
    assert c["status"] == "closed"
    assert_error(h.api("POST", f"/api/v1/pairings/{p['id']}/accept", token=s.person.token), 409,
                 "pairing_not_proposed")


# ---- the contact log -------------------------------------------------------------------------

def test_contact_log(hub, others):
    h = hub()
    q, s, p = h.active()
    path = f"/api/v1/pairings/{p['id']}/contacts"
    day = today_helsinki().isoformat()
    r = h.api("POST", path, json={"date": day, "mode": "phone", "minutes": 45,
                                  "notes": "Puhuimme lomista ja sijaisista."}, token=s.person.token)
    c = assert_json(r, 201)["contact"]
    assert set(c) == {"id", "date", "mode", "minutes", "created_at"}
    assert (c["date"], c["mode"], c["minutes"]) == (day, "phone", 45)
    h.api("POST", path, json={"date": day, "mode": "whatsapp", "minutes": 10}, token=s.person.token)
    for token in (s.person.token, h.coord.token):
        body = assert_json(h.api("GET", path, token=token), 200)
        assert body["count"] == 2 and body["minutes"] == 55
        assert [x["mode"] for x in body["contacts"]] == ["phone", "whatsapp"]
        assert "Puhuimme" not in json.dumps(body, ensure_ascii=False)
    for token in (q.person.token, others.outsider.token, h.supporter().person.token):
        assert_error(h.api("GET", path, token=token), 403, "forbidden")
    for token in (q.person.token, h.coord.token, h.admin):
        assert_error(h.api("POST", path, json={"date": day, "mode": "phone", "minutes": 5}, token=token), 403,
                     "forbidden")
    tomorrow = (today_helsinki() + timedelta(days=2)).isoformat()
    for body, field in [({"date": tomorrow, "mode": "phone", "minutes": 5}, "date"),
                        ({"date": "2025-13-01", "mode": "phone", "minutes": 5}, "date"),
                        ({"date": "2020-01-01", "mode": "phone", "minutes": 5}, "date"),
                        ({"date": day, "mode": "email", "minutes": 5}, "mode"),
                        ({"date": day, "mode": "phone", "minutes": 0}, "minutes"),
                        ({"date": day, "mode": "phone", "minutes": 1441}, "minutes"),
                        ({"date": day, "mode": "phone"}, "minutes")]:
        assert_error(h.api("POST", path, json=body, token=s.person.token), 422, "invalid", field)
    h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "completed"}, token=s.person.token)
    assert_error(h.api("POST", path, json={"date": day, "mode": "phone", "minutes": 5}, token=s.person.token),
                 409, "pairing_not_active")
    assert assert_json(h.api("GET", path, token=s.person.token), 200)["count"] == 2


def test_no_contacts_before_acceptance(hub):
    h = hub()
    q, s = h.request(), h.supporter()
    p = h.match(q, s)
    r = h.api("POST", f"/api/v1/pairings/{p['id']}/contacts",
              json={"date": today_helsinki().isoformat(), "mode": "phone", "minutes": 5}, token=s.person.token)
    assert_error(r, 409, "pairing_not_active")


# ---- batch proposals -------------------------------------------------------------------------

def test_proposals_maximise_and_change_nothing(hub, others):
    h = hub()
    # s3 fits the first request best but is full; greedy would give s1 to the first request
    # and leave the Swedish-speaking one without anyone.
    s1 = h.supporter(public_name="Kaksikielinen", topics=["rekrytointi"], municipalities=["Espoo"],
                     languages=["fi", "sv"], contact_modes=["phone"], max_active=1)
    s2 = h.supporter(public_name="Oululainen", topics=[], municipalities=["Oulu"], languages=["fi"],
                     contact_modes=["phone"], max_active=1)
    s3 = h.supporter(public_name="Täynnä", topics=["rekrytointi"], municipalities=["Espoo"],
                     languages=["fi", "sv"], contact_modes=["phone"], max_active=1)
    h.match(h.request(), s3)
    r1 = h.request(topics=["rekrytointi"], municipality="Espoo", languages=["fi"], contact_modes=["phone"])
    r2 = h.request(topics=[], municipality=None, languages=["sv"], contact_modes=["phone"])
    before = h.stats()
    listing = assert_json(h.api("GET", f"{ORGS}/{h.slug}/support-requests", token=h.coord.token), 200)
    path = f"{ORGS}/{h.slug}/matching/proposals"
    body = assert_json(h.api("POST", path, token=h.coord.token), 200)
    assert [(p["request_id"], p["supporter_id"], p["score"]) for p in body["proposals"]] == [
        (r1.id, s2.id, 10), (r2.id, s1.id, 10)]
    assert body["unmatched"] == [] and body["matched"] == 2 and body["total_score"] == 20
    assert body["requests"] == 2 and body["supporters"] == 3
    assert body["proposals"][1]["public_name"] == "Kaksikielinen"
    assert body["proposals"][1]["reasons"] == ["shared contact modes: phone", "speaks sv", "0 of 1 places taken"]
    assert s3.id not in json.dumps(body)
    # Nothing changed until the coordinator confirms.
    assert h.stats() == before
    after = assert_json(h.api("GET", f"{ORGS}/{h.slug}/support-requests", token=h.coord.token), 200)
    assert [(x["id"], x["status"]) for x in after["requests"]] == [(x["id"], x["status"])
                                                                   for x in listing["requests"]]
    assert assert_json(h.api("POST", path, token=h.coord.token), 200) == body
    # Confirmed one by one.
    for p in body["proposals"]:
        r = h.api("POST", f"/api/v1/support-requests/{p['request_id']}/match",
                  json={"supporter_id": p["supporter_id"]}, token=h.coord.token)
        assert assert_json(r, 201)["pairing"]["status"] == "proposed"
    again = assert_json(h.api("POST", path, token=h.coord.token), 200)
    assert again["proposals"] == [] and again["requests"] == 0
    for token in (s1.person.token, r1.person.token, h.person("leader").token, others.coord_b.token):
        assert_error(h.api("POST", path, token=token), 403, "forbidden")
    assert_error(h.api("POST", path), 401, "unauthorized")


def test_proposals_respect_capacity_and_load(hub):
    h = hub()
    a = h.supporter(public_name="A", max_active=3)
    b = h.supporter(public_name="B", max_active=1)
    h.accept(h.match(h.request(), a), a)           # a has one pairing: two places left
    reqs = [h.request() for _ in range(5)]
    body = assert_json(h.api("POST", f"{ORGS}/{h.slug}/matching/proposals", token=h.coord.token), 200)
    given = {}
    for p in body["proposals"]:
        given.setdefault(p["supporter_id"], []).append(p)
    assert len(given[a.id]) == 2 and len(given[b.id]) == 1
    assert body["matched"] == 3 and len(body["unmatched"]) == 2
    # The oldest requests come first when places are short.
    assert [p["request_id"] for p in body["proposals"]] == [q.id for q in reqs[:3]]
    assert body["unmatched"] == [q.id for q in reqs[3:]]
    # A's second and third pairing count the load they will have by then.
    assert sorted(p["score"] for p in given[a.id]) == [30 + 10 + 25 - 10, 30 + 10 + 25 - 5]
    assert given[b.id][0]["score"] == 30 + 10 + 25
    assert body["total_score"] == sum(p["score"] for p in body["proposals"])


def test_proposals_unknown_org(hub):
    h = hub()
    assert_error(h.api("POST", f"{ORGS}/{unique('ei-ole')}/matching/proposals", token=h.admin), 404,
                 "not_found")


# ---- the access log --------------------------------------------------------------------------

def test_access_log_records_every_read(hub, others):
    h = hub()
    q = h.request()
    s = h.supporter()
    assert h.access_log() == []
    assert_json(h.get_request(q.id, q.person.token), 200)          # the requester: not logged
    assert h.access_log() == []
    assert_json(h.get_request(q.id, h.coord.token), 200)
    h.candidates(q)
    assert_json(h.api("GET", f"{ORGS}/{h.slug}/support-requests", token=h.coord.token), 200)
    h.candidates(q, token=h.admin)
    h.accept(h.match(q, s), s)
    assert_json(h.get_request(q.id, s.person.token), 200)
    q2 = h.request()
    assert_json(h.api("POST", f"{ORGS}/{h.slug}/matching/proposals", token=h.coord.token), 200)
    entries = h.access_log()
    admin_id = assert_json(h.api("GET", "/api/v1/me", token=h.admin), 200)["person"]["id"]
    got = [(e["request_id"], e["reader"]["person_id"], e["role"], e["action"]) for e in reversed(entries)]
    assert got == [(q.id, h.coord.id, "coordinator", "view"),
                   (q.id, h.coord.id, "coordinator", "candidates"),
                   (q.id, h.coord.id, "coordinator", "list"),
                   (q.id, admin_id, "admin", "candidates"),
                   (q.id, s.person.id, "supporter", "view"),
                   (q2.id, h.coord.id, "coordinator", "proposals")]
    for e in entries:
        assert_time(e["at"])
        assert e["reader"]["person_id"] != q.person.id and e["reader"]["person_id"] != q2.person.id
    assert entries[0]["reader"]["display_name"] == h.coord.display_name
    times = [e["at"] for e in entries]
    assert times == sorted(times, reverse=True)
    only = h.access_log(request_id=q2.id)
    assert [(e["request_id"], e["action"]) for e in only] == [(q2.id, "proposals")]
    assert len(h.access_log(limit=2)) == 2
    path = f"{ORGS}/{h.slug}/support-requests/access-log"
    assert_error(h.api("GET", path + "?request_id=nope", token=h.coord.token), 422, "invalid", "request_id")
    assert_error(h.api("GET", path + "?limit=0", token=h.coord.token), 422, "invalid", "limit")
    for token in (s.person.token, q.person.token, h.person("leader").token, others.coord_b.token):
        assert_error(h.api("GET", path, token=token), 403, "forbidden")
    assert_json(h.api("GET", path, token=h.admin), 200)


# ---- retention and the purge -----------------------------------------------------------------

def test_retention_settings(hub, others):
    h = hub()
    path = f"{ORGS}/{h.slug}/matching/settings"
    got = assert_json(h.api("GET", path, token=h.coord.token), 200)["settings"]
    assert got == {"retention_days": 365, "updated_at": None}
    put = assert_json(h.api("PUT", path, json={"retention_days": 30}, token=h.coord.token), 200)["settings"]
    assert put["retention_days"] == 30
    assert_time(put["updated_at"])
    assert assert_json(h.api("GET", path, token=h.coord.token), 200)["settings"] == put
    for bad in (-1, 3651, "30", None, 1.5):
        assert_error(h.api("PUT", path, json={"retention_days": bad}, token=h.coord.token), 422, "invalid",
                     "retention_days")
    for token in (h.person("leader").token, others.coord_b.token, others.outsider.token):
        assert_error(h.api("GET", path, token=token), 403, "forbidden")
        assert_error(h.api("PUT", path, json={"retention_days": 1}, token=token), 403, "forbidden")
    assert_error(h.api("GET", f"{ORGS}/{unique('ei-ole')}/matching/settings", token=h.admin), 404, "not_found")


def closed_pairing(h):
    q, s, p = h.active()
    day = today_helsinki().isoformat()
    h.api("POST", f"/api/v1/pairings/{p['id']}/contacts", json={"date": day, "mode": "phone", "minutes": 30},
          token=s.person.token)
    assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "completed"},
                      token=s.person.token), 200)
    return q, s, p


def test_purge_after_retention_keeps_counts(hub, pg):
    h = hub()
    assert_json(h.api("PUT", f"{ORGS}/{h.slug}/matching/settings", json={"retention_days": 30},
                      token=h.coord.token), 200)
    q, s, p = closed_pairing(h)
    busy_q, _, _ = h.active()          # active: never purged
    waiting = h.request()              # open: never purged
    assert_json(h.get_request(q.id, h.coord.token), 200)
    before = h.stats()
    psql(pg, "SELECT matching_purge(now(), 100000)")           # 30 days have not passed
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["message"] == q.body["message"] and got["purged"] is False
    psql(pg, "SELECT matching_purge(now() + interval '31 days', 100000)")
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["purged"] is True
    assert got["message"] is None and got["preferences"] is None and got["requester"] is None
    assert got["status"] == "closed" and got["topics"] == ["työnantajuus"]
    # The requester is no longer linked to it.
    assert assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)["requests"] == []
    assert_error(h.get_request(q.id, q.person.token), 403, "forbidden")
    pairing = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)["pairing"]
    assert pairing["status"] == "closed" and pairing["outcome"] == "completed" and len(pairing["events"]) == 3
    for other in (busy_q, waiting):
        assert assert_json(h.get_request(other.id, h.coord.token), 200)["request"]["message"] == other.body[
            "message"]
    after = h.stats()
    assert after["requests"]["purged"] == before["requests"]["purged"] + 1
    for key in ("total", "open", "proposed", "active", "closed"):
        assert after["requests"][key] == before["requests"][key]
    assert after["pairings"] == before["pairings"] and after["contacts"] == before["contacts"]
    assert after["contacts"] == {"count": 1, "minutes": 30}
    assert after["pairings"]["outcomes"] == {"completed": 1}
    assert any(e["request_id"] == q.id for e in h.access_log())


def test_purge_timer_with_zero_retention(hub, pg, own_server):
    h = hub()
    assert_json(h.api("PUT", f"{ORGS}/{h.slug}/matching/settings", json={"retention_days": 0},
                      token=h.coord.token), 200)
    q, _, _ = closed_pairing(h)
    srv = own_server(pg.url, "matching-purge")     # its workers purge a few seconds after start

    def purged():
        return assert_json(srv.api("GET", f"/api/v1/support-requests/{q.id}", token=h.coord.token),
                           200)["request"]["purged"]
    wait_until(purged, 20, 0.2, "the purge timer")
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["message"] is None and got["requester"] is None
    assert srv.stop() == 0


# ---- erasure ---------------------------------------------------------------------------------

def test_requester_erasure_ends_their_requests(hub):
    h = hub()
    q, s, p = h.active()
    waiting = h.request(person=q.person)
    assert h.api("DELETE", "/api/v1/me", token=q.person.token).status == 204
    for x in (q, waiting):
        got = assert_json(h.get_request(x.id, h.coord.token), 200)["request"]
        assert got["status"] == "closed" and got["purged"] is True
        assert got["message"] is None and got["requester"] is None
    pairing = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)["pairing"]
    assert pairing["status"] == "closed" and pairing["outcome"] == "account_erased"
    assert pairing["events"][-1]["by"] == {"person_id": None, "role": "system"}
    assert assert_json(h.api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)[
        "supporter"]["active_pairings"] == 0


def test_supporter_erasure_returns_the_request_to_the_queue(hub, api):
    h = hub()
    q, s, p = h.active()
    assert api("DELETE", "/api/v1/me", token=s.person.token).status == 204
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["status"] == "open" and got["message"] == q.body["message"]
    assert assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)[
        "pairing"]["outcome"] == "account_erased"
    assert_error(api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 404, "not_found")
    assert assert_json(api("GET", f"{ORGS}/{h.slug}/supporters"), 200)["supporters"] == []
    other = h.supporter()
    h.accept(h.match(q, other), other)


# ---- the module switched off -----------------------------------------------------------------

class MatchingOffServer(Server):
    def env(self):
        return {**super().env(), "PIIRI_MATCHING": "off"}


def test_module_off_answers_404_everywhere(pg, server, admin):
    h = Hub(server, admin[1])
    q, s, p = h.active()
    off = MatchingOffServer(pg.url, "matching-off").start()
    try:
        unknown = off.api("GET", "/api/v1/no-such-route")
        assert_error(unknown, 404, "not_found")
        calls = [
            ("GET", f"{ORGS}/{h.slug}/supporters", None),
            ("POST", f"{ORGS}/{h.slug}/supporters", supporter_body(h.coord.id)),
            ("GET", f"/api/v1/supporters/{s.id}", None),
            ("PATCH", f"/api/v1/supporters/{s.id}", {"bio": "x"}),
            ("DELETE", f"/api/v1/supporters/{s.id}", None),
            ("POST", f"{ORGS}/{h.slug}/support-requests", request_body()),
            ("GET", f"{ORGS}/{h.slug}/support-requests", None),
            ("GET", f"{ORGS}/{h.slug}/support-requests/access-log", None),
            ("GET", "/api/v1/me/support-requests", None),
            ("GET", f"/api/v1/support-requests/{q.id}", None),
            ("GET", f"/api/v1/support-requests/{q.id}/candidates", None),
            ("POST", f"/api/v1/support-requests/{q.id}/match", {"supporter_id": s.id}),
            ("GET", "/api/v1/me/pairings", None),
            ("GET", f"/api/v1/pairings/{p['id']}", None),
            ("POST", f"/api/v1/pairings/{p['id']}/accept", None),
            ("POST", f"/api/v1/pairings/{p['id']}/decline", None),
            ("POST", f"/api/v1/pairings/{p['id']}/close", {"outcome": "other"}),
            ("GET", f"/api/v1/pairings/{p['id']}/contacts", None),
            ("POST", f"/api/v1/pairings/{p['id']}/contacts", {"date": "2026-01-01", "mode": "phone", "minutes": 1}),
            ("POST", f"{ORGS}/{h.slug}/matching/proposals", None),
            ("GET", f"{ORGS}/{h.slug}/matching/settings", None),
            ("PUT", f"{ORGS}/{h.slug}/matching/settings", {"retention_days": 1}),
            ("GET", f"{ORGS}/{h.slug}/matching/stats", None),
            # Methods a matching path does not have: 404, not 405.
            ("DELETE", f"{ORGS}/{h.slug}/support-requests", None),
            ("PUT", f"/api/v1/pairings/{p['id']}", {"status": "active"}),
        ]
        for method, path, body in calls:
            for token in (None, h.coord.token):
                r = off.api(method, path, json=body, token=token)
                assert_error(r, 404, "not_found")
                assert r.body == unknown.body, (method, path, r.body)
                assert "allow" not in r.headers, (method, path)
        # Nothing changed, and the rest of the API works.
        assert assert_json(off.api("GET", f"{ORGS}/{h.slug}"), 200)["org"]["slug"] == h.slug
        assert assert_json(off.api("GET", "/api/v1/me", token=h.coord.token), 200)["person"]["id"] == h.coord.id
        assert_error(off.api("DELETE", ORGS), 405, "method_not_allowed")
        assert assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)[
            "pairing"]["status"] == "active"
        assert assert_json(server.api("GET", f"/api/v1/supporters/{s.id}"), 200)["supporter"]["id"] == s.id
        # The log names no route for them, like any unknown path.
        text = off.log_text()
        assert "/supporters" not in text and "/support-requests" not in text and "/pairings" not in text
    finally:
        assert off.stop() == 0


def test_purge_runs_with_the_module_off(hub, pg):
    """The routes switched off, the retention promised while they were on still holds: the
    workers' purge job runs whatever PIIRI_MATCHING says."""
    h = hub()
    assert_json(h.api("PUT", f"{ORGS}/{h.slug}/matching/settings", json={"retention_days": 0},
                      token=h.coord.token), 200)
    q, _, _ = closed_pairing(h)
    off = MatchingOffServer(pg.url, "matching-off-purge").start()    # purges a few seconds after start
    try:
        wait_until(lambda: psql(pg, f"SELECT purged_at IS NOT NULL FROM support_requests WHERE id = '{q.id}'")
                   == "t", 20, 0.2, "the purge job with the module off")
    finally:
        assert off.stop() == 0
    got = assert_json(h.get_request(q.id, h.coord.token), 200)["request"]
    assert got["purged"] is True and got["message"] is None and got["requester"] is None


def test_export_holds_requests_profiles_and_pairings(hub):
    """GET /api/v1/me/export gives a person what they told and their supporter profile."""
    h = hub()
    request, supporter, pairing = h.active()
    mine = assert_json(h.api("GET", "/api/v1/me/export", token=request.person.token), 200)
    [req] = mine["support_requests"]
    assert req["id"] == request.id and req["message"] == request.body["message"]
    assert [p["id"] for p in req["pairings"]] == [pairing["id"]]
    theirs = assert_json(h.api("GET", "/api/v1/me/export", token=supporter.person.token), 200)
    [profile] = theirs["supporter_profiles"]
    assert profile["id"] == supporter.id and [p["id"] for p in profile["pairings"]] == [pairing["id"]]
    assert theirs["support_requests"] == []


# ---- access that ends with a membership ------------------------------------------------------

def contact(h, pairing, token):
    return h.api("POST", f"/api/v1/pairings/{pairing['id']}/contacts",
                 json={"date": today_helsinki().isoformat(), "mode": "phone", "minutes": 20}, token=token)


def supporter_actions(h, request_id, pairing_id, token):
    """Every request or pairing action a supporter has, as (name, response)."""
    day = today_helsinki().isoformat()
    return [
        ("read the request", h.api("GET", f"/api/v1/support-requests/{request_id}", token=token)),
        ("see the pairing", h.api("GET", f"/api/v1/pairings/{pairing_id}", token=token)),
        ("read the contact log", h.api("GET", f"/api/v1/pairings/{pairing_id}/contacts", token=token)),
        ("log a contact", h.api("POST", f"/api/v1/pairings/{pairing_id}/contacts",
                                json={"date": day, "mode": "phone", "minutes": 20}, token=token)),
        ("accept", h.api("POST", f"/api/v1/pairings/{pairing_id}/accept", token=token)),
        ("decline", h.api("POST", f"/api/v1/pairings/{pairing_id}/decline", token=token)),
        ("close", h.api("POST", f"/api/v1/pairings/{pairing_id}/close", json={"outcome": "other"},
                        token=token)),
    ]


@pytest.mark.parametrize("remover", ["coordinator", "admin"])
def test_removed_supporter_loses_access_at_once(hub, remover):
    h = hub()
    q, s, p = h.active()                       # active: the supporter reads the request
    q2 = h.request()
    p2 = h.match(q2, s, note="Toinen ehdotus")  # proposed to the same supporter
    assert assert_json(h.get_request(q.id, s.person.token), 200)["request"]["message"] == q.body["message"]
    assert_json(contact(h, p, s.person.token), 201)
    token = {"coordinator": h.coord.token, "admin": h.admin}[remover]
    remover_id = assert_json(h.api("GET", "/api/v1/me", token=token), 200)["person"]["id"]
    reads_before = len(h.access_log())

    assert h.api("DELETE", f"{ORGS}/{h.slug}/members/{s.person.id}", token=token).status == 204

    # Nothing about either request or pairing, from the very next request.
    for request_id, pairing_id in ((q.id, p["id"]), (q2.id, p2["id"])):
        for what, r in supporter_actions(h, request_id, pairing_id, s.person.token):
            assert r.status == 403 and r.body["error"]["code"] == "forbidden", (what, r.status, r.body)
    assert assert_json(h.api("GET", "/api/v1/me/pairings", token=s.person.token), 200)["pairings"] == []
    assert len(h.access_log()) == reads_before
    # Both pairings ended, recorded with who removed them and when; the requests wait
    # for another supporter and the places are free.
    for pairing, was in ((p, "active"), (p2, "proposed")):
        got = assert_json(h.api("GET", f"/api/v1/pairings/{pairing['id']}", token=h.coord.token), 200)["pairing"]
        assert got["status"] == "closed" and got["outcome"] == "membership_ended"
        assert_time(got["ended_at"])
        last = got["events"][-1]
        assert (last["from"], last["to"]) == (was, "closed")
        assert last["by"] == {"person_id": remover_id, "role": remover}
        assert_time(last["at"])
    for request in (q, q2):
        assert assert_json(h.get_request(request.id, h.coord.token), 200)["request"]["status"] == "open"
    assert assert_json(h.api("GET", f"/api/v1/supporters/{s.id}", token=h.coord.token), 200)[
        "supporter"]["active_pairings"] == 0
    assert h.stats()["pairings"]["outcomes"] == {"membership_ended": 2}
    # The requester is told the pairing ended and may be paired again.
    mine = assert_json(h.get_request(q.id, q.person.token), 200)["request"]
    assert mine["status"] == "open" and mine["pairing"]["status"] == "closed"
    other = h.supporter()
    h.accept(h.match(q, other), other)
    # Back in the org, the old pairings stay ended.
    r = h.api("PUT", f"{ORGS}/{h.slug}/members/{s.person.id}", json={"role": "member"}, token=h.coord.token)
    assert_json(r, 200)
    assert_error(h.get_request(q.id, s.person.token), 403, "forbidden")
    assert_error(h.get_request(q2.id, s.person.token), 403, "forbidden")
    assert_error(contact(h, p, s.person.token), 409, "pairing_not_active")
    assert_error(h.api("POST", f"/api/v1/pairings/{p2['id']}/accept", token=s.person.token), 409,
                 "pairing_not_proposed")


def test_membership_ended_is_not_an_outcome_to_choose(hub):
    h = hub()
    q, s, p = h.active()
    r = h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "membership_ended"},
              token=s.person.token)
    assert_error(r, 422, "invalid", "outcome")


def coordinator_actions(h, q, p, tok):
    """Matching actions only a coordinator has, as (name, response), for request Q and
    pairing P, made with TOK."""
    base = f"{ORGS}/{h.slug}"
    return [
        ("read the request", h.get_request(q.id, tok)),
        ("list requests", h.api("GET", f"{base}/support-requests", token=tok)),
        ("candidates", h.api("GET", f"/api/v1/support-requests/{q.id}/candidates", token=tok)),
        ("see the pairing", h.api("GET", f"/api/v1/pairings/{p['id']}", token=tok)),
        ("read the contact log", h.api("GET", f"/api/v1/pairings/{p['id']}/contacts", token=tok)),
        ("access log", h.api("GET", f"{base}/support-requests/access-log", token=tok)),
        ("settings", h.api("GET", f"{base}/matching/settings", token=tok)),
        ("stats", h.api("GET", f"{base}/matching/stats", token=tok)),
        ("proposals", h.api("POST", f"{base}/matching/proposals", token=tok)),
        ("create a supporter", h.api("POST", f"{base}/supporters",
                                     json=supporter_body(h.person("member").id), token=tok)),
    ]


@pytest.mark.parametrize("change", ["leader", "member", "removed"])
def test_demoted_or_removed_coordinator_loses_matching_at_once(hub, change):
    h = hub()
    coord2 = h.person("coordinator")
    q, s, p = h.active()
    for what, r in coordinator_actions(h, q, p, coord2.token):
        assert r.status in (200, 201), (what, r.status, r.body)
    if change == "removed":
        assert h.api("DELETE", f"{ORGS}/{h.slug}/members/{coord2.id}", token=h.coord.token).status == 204
    else:
        r = h.api("PUT", f"{ORGS}/{h.slug}/members/{coord2.id}", json={"role": change}, token=h.coord.token)
        assert_json(r, 200)
    for what, r in coordinator_actions(h, q, p, coord2.token):
        assert r.status == 403 and r.body["error"]["code"] == "forbidden", (what, r.status, r.body)
    fresh = h.request()
    other = h.supporter()
    for r in (h.api("POST", f"/api/v1/support-requests/{fresh.id}/match", json={"supporter_id": other.id},
                    token=coord2.token),
              h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "other"}, token=coord2.token),
              h.api("PUT", f"{ORGS}/{h.slug}/matching/settings", json={"retention_days": 1}, token=coord2.token)):
        assert_error(r, 403, "forbidden")
    # Nothing they tried was done.
    assert assert_json(h.get_request(fresh.id, h.coord.token), 200)["request"]["status"] == "open"
    assert assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=h.coord.token), 200)[
        "pairing"]["status"] == "active"


def test_demoted_supporter_keeps_their_pairing(hub):
    """Being a supporter does not depend on the role (any member may be one): a leader or
    coordinator demoted to member keeps their pairing as its supporter, and loses only
    what the role gave (a coordinator's history of the pairing, other requests)."""
    h = hub()
    q, s, p = h.active(supporter=h.supporter(person=h.person("coordinator")))
    other = h.request()
    got = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=s.person.token), 200)["pairing"]
    assert "events" in got
    r = h.api("PUT", f"{ORGS}/{h.slug}/members/{s.person.id}", json={"role": "member"}, token=h.coord.token)
    assert_json(r, 200)
    assert assert_json(h.get_request(q.id, s.person.token), 200)["request"]["message"] == q.body["message"]
    assert_json(contact(h, p, s.person.token), 201)
    got = assert_json(h.api("GET", f"/api/v1/pairings/{p['id']}", token=s.person.token), 200)["pairing"]
    assert "events" not in got and got["status"] == "active" and got["supporter"]["id"] == s.id
    assert_error(h.get_request(other.id, s.person.token), 403, "forbidden")


def test_requester_access_does_not_depend_on_membership(hub):
    h = hub()
    requester = h.person("member")
    q, s, p = h.active(request=h.request(person=requester))
    assert h.api("DELETE", f"{ORGS}/{h.slug}/members/{requester.id}", token=h.coord.token).status == 204
    assert assert_json(h.get_request(q.id, requester.token), 200)["request"]["status"] == "active"
    r = h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "completed"}, token=requester.token)
    assert assert_json(r, 200)["pairing"]["status"] == "closed"


# ---- what the requester sees of a pairing ------------------------------------------------------

REQUESTER_PAIRING_KEYS = {"id", "org", "request_id", "supporter", "status", "outcome", "created_at",
                          "accepted_at", "ended_at"}


def pairing_as(h, pairing, token):
    return assert_json(h.api("GET", f"/api/v1/pairings/{pairing['id']}", token=token), 200)["pairing"]


def assert_supporter_hidden(body, supporter):
    text = json.dumps(body, ensure_ascii=False)
    assert supporter.id not in text and supporter.record["public_name"] not in text, text


def test_requester_sees_the_supporter_only_once_accepted(hub):
    h = hub()
    q = h.request()
    first = h.supporter(public_name="Ensimmäinen-Ehdokas")
    note = "Tämä on vain tukihenkilölle."
    p = h.match(q, first, note=note)
    # Proposed: the requester knows a proposal exists, not to whom.
    seen = pairing_as(h, p, q.person.token)
    assert set(seen) == REQUESTER_PAIRING_KEYS, seen
    assert seen["status"] == "proposed" and seen["supporter"] is None and seen["accepted_at"] is None
    assert_supporter_hidden(seen, first)
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)
    assert_supporter_hidden(mine, first)
    # The supporter, coordinators and admins see everything they saw before.
    assert pairing_as(h, p, first.person.token)["supporter"]["public_name"] == "Ensimmäinen-Ehdokas"
    assert pairing_as(h, p, first.person.token)["note"] == note
    coord_view = pairing_as(h, p, h.coord.token)
    assert coord_view["supporter"]["id"] == first.id and coord_view["note"] == note and coord_view["events"]
    assert pairing_as(h, p, h.admin)["supporter"]["id"] == first.id
    # Declined: never named.
    assert_json(h.api("POST", f"/api/v1/pairings/{p['id']}/decline", token=first.person.token), 200)
    seen = pairing_as(h, p, q.person.token)
    assert seen["status"] == "declined" and seen["supporter"] is None
    assert_supporter_hidden(seen, first)
    # Withdrawn by the requester while proposed: neither the answer nor later reads name them.
    second = h.supporter(public_name="Toinen-Ehdokas")
    p2 = h.match(q, second)
    r = h.api("POST", f"/api/v1/pairings/{p2['id']}/close", json={"outcome": "no_longer_needed"},
              token=q.person.token)
    closed = assert_json(r, 200)["pairing"]
    assert closed["status"] == "closed" and closed["supporter"] is None and "note" not in closed
    assert_supporter_hidden(closed, second)
    assert_supporter_hidden(pairing_as(h, p2, q.person.token), second)
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)
    assert mine["requests"][0]["pairing"] == {"id": p2["id"], "status": "closed", "supporter": None}
    assert_supporter_hidden(mine, second)
    assert_supporter_hidden(mine, first)


def test_requester_sees_the_supporter_who_accepted(hub):
    h = hub()
    q = h.request()
    s = h.supporter(public_name="Hyväksyjä")
    p = h.match(q, s, note="Vain tukihenkilölle")
    h.accept(p, s)
    seen = pairing_as(h, p, q.person.token)
    assert set(seen) == REQUESTER_PAIRING_KEYS
    assert seen["supporter"] == {"id": s.id, "public_name": "Hyväksyjä"} and seen["status"] == "active"
    r = h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "completed"}, token=q.person.token)
    closed = assert_json(r, 200)["pairing"]
    assert closed["supporter"] == {"id": s.id, "public_name": "Hyväksyjä"} and "note" not in closed
    assert pairing_as(h, p, q.person.token)["supporter"]["id"] == s.id
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=q.person.token), 200)["requests"][0]
    assert mine["pairing"]["supporter"] == {"id": s.id, "public_name": "Hyväksyjä"}


# ---- open requests per person ------------------------------------------------------------------

def test_open_requests_are_limited_per_person_and_org(hub):
    h = hub()
    person = register(h.srv)
    first = [h.request(person=person) for _ in range(3)]
    path = f"{ORGS}/{h.slug}/support-requests"
    r = h.api("POST", path, json=request_body(), token=person.token)
    assert_error(r, 409, "too_many_open_requests")
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=person.token), 200)["requests"]
    assert sorted(x["id"] for x in mine) == sorted(q.id for q in first)
    # Proposed and active ones count too; another org and another person are not affected.
    s = h.supporter()
    p = h.accept(h.match(first[0], s), s)
    assert_error(h.api("POST", path, json=request_body(), token=person.token), 409, "too_many_open_requests")
    Hub(h.srv, h.admin).request(person=person)
    h.request()
    # A closed request frees a place.
    r = h.api("POST", f"/api/v1/pairings/{p['id']}/close", json={"outcome": "completed"}, token=person.token)
    assert_json(r, 200)
    h.request(person=person)
    assert_error(h.api("POST", path, json=request_body(), token=person.token), 409, "too_many_open_requests")


def test_open_request_limit_holds_when_requests_race(hub):
    import threading
    h = hub()
    person = register(h.srv)
    n = 8
    results = [None] * n
    barrier = threading.Barrier(n)

    def go(i):
        barrier.wait(10)
        results[i] = h.api("POST", f"{ORGS}/{h.slug}/support-requests", json=request_body(),
                           token=person.token).status
    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [201] * 3 + [409] * (n - 3), results
    mine = assert_json(h.api("GET", "/api/v1/me/support-requests", token=person.token), 200)["requests"]
    assert len(mine) == 3
