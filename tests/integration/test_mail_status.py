# SPDX-License-Identifier: Apache-2.0
"""GET /api/v1/orgs/{slug}/mail: the coordinators' view of how the org's mail
went. A piirid delivers to a real SMTP server (aiosmtpd) that accepts some
addresses and answers 550 to others, so rows end up sent and failed; the view
lists them newest first for the org's coordinators and site admins only, by
status and page, with the person each was for (null once erased), and never
an address, a group's title or anything else the message said."""

import json
import threading

import pytest
from aiosmtpd.controller import Controller

from helpers import (Server, add_session, assert_error, assert_json, free_port, in_days, make_group,
                     org_with_people, psql, raw_get, signed_up, verified, wait_until)

FIELDS = {"id", "kind", "status", "attempts", "last_code", "created_at", "sent_at", "done_at", "person"}


class Refusing:
    """aiosmtpd handler: 550 for the addresses in refused, 250 for the rest."""

    def __init__(self):
        self.lock = threading.Lock()
        self.refused = set()
        self.accepted = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.refused:
                return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@pytest.fixture(scope="module")
def sink():
    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture(scope="module")
def mailer(pg, sink):
    controller, _ = sink
    srv = Server(pg.url, "mail-status", env={"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
                                             "PIIRI_MAIL_FROM": "Piiri <ilmoitukset@piiri.example>"}).start()
    yield srv
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def verified_people(pg, monkeypatch):
    """Everyone registered here has a verified address: an unverified one gets
    nothing but its verification mail (test_mail_links.py)."""
    import helpers
    plain = helpers.register
    monkeypatch.setattr(helpers, "register", lambda srv, *a, **k: helpers.verified(pg.url, plain(srv, *a, **k)))


def statuses(pg, org_id):
    """The statuses of the org's outbox rows, oldest first."""
    out = psql(pg.url, f"SELECT status FROM notification_outbox WHERE org_id = '{org_id}' ORDER BY id")
    return out.split() if out else []


def settled(pg, org_id, n):
    """Waits until the org has N outbox rows, none of them queued."""
    wait_until(lambda: len(statuses(pg, org_id)) == n and "queued" not in statuses(pg, org_id), 30,
               what=f"{n} rows delivered")


def mail(srv, slug, token, query=""):
    return srv.api("GET", f"/api/v1/orgs/{slug}/mail{query}", token=token)


@pytest.fixture(scope="module")
def world(pg, mailer, sink, admin):
    """An org whose three members signed up one after another: p1 and p3 were
    sent their confirmation, p2's address was refused for good (550)."""
    _, handler = sink
    o = org_with_people(mailer, admin[1], coord="coordinator", leader="leader", p1="member", p2="member",
                        p3="member")
    for p in (o.p1, o.p2, o.p3):
        verified(pg.url, p)
    with handler.lock:
        handler.refused.add(o.p2.email)
    o.group = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=10,
                         title="Salainen vertaisryhmä")
    s = add_session(mailer, o.group["id"], o.coord.token, in_days(15))
    for i, p in enumerate((o.p1, o.p2, o.p3)):
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
        settled(pg, o.org["id"], i + 1)
    return o


def test_coordinator_sees_each_row_with_status_only(pg, mailer, world):
    o = world
    r = mail(mailer, o.slug, o.coord.token)
    body = assert_json(r, 200)
    assert set(body) == {"messages", "next_cursor"} and body["next_cursor"] is None
    rows = body["messages"]
    assert [m["person"]["id"] for m in rows] == [o.p3.id, o.p2.id, o.p1.id]  # newest first
    for m in rows:
        assert set(m) == FIELDS
        assert set(m["person"]) == {"id", "display_name"}
        assert m["kind"] == "signup_confirmed"
        assert m["done_at"] is not None and m["created_at"] <= m["done_at"]
    sent, failed = rows[0], rows[1]
    assert (sent["status"], sent["attempts"], sent["last_code"]) == ("sent", 1, 250)
    assert sent["sent_at"] is not None
    assert (failed["status"], failed["attempts"], failed["last_code"]) == ("failed", 1, 550)
    assert failed["sent_at"] is None
    assert failed["person"]["display_name"] == o.p2.display_name
    ids = psql(pg.url, f"SELECT id FROM notification_outbox WHERE org_id = '{o.org['id']}' ORDER BY id DESC")
    assert [m["id"] for m in rows] == [int(i) for i in ids.split()]


def test_no_address_and_nothing_the_message_said(pg, mailer, world):
    o = world
    r = raw_get(mailer, f"/api/v1/orgs/{o.slug}/mail", token=o.coord.token)
    assert r.status == 200
    text = r.body.decode()
    assert "@" not in text
    for p in (o.p1, o.p2, o.p3, o.coord):
        assert p.email not in text
    assert o.group["title"] not in text and o.group["id"] not in text
    for key in ("group_id", "session_id", "signup_id", "payload", "email"):
        assert key not in text


def test_who_may_see_it(mailer, world, admin):
    o = world
    other = org_with_people(mailer, admin[1], coord="coordinator")
    assert_json(mail(mailer, o.slug, admin[1]), 200)
    for token in (o.leader.token, o.p1.token, other.coord.token):
        assert_error(mail(mailer, o.slug, token), 403, "forbidden")
    assert_error(mail(mailer, o.slug, None), 401)
    assert_error(mail(mailer, "ei-tallaista-yhdistysta", admin[1]), 404, "not_found")
    # Another org's coordinator sees their own org's mail, none of this one's.
    assert assert_json(mail(mailer, other.slug, other.coord.token), 200)["messages"] == []


def test_filter_by_status(mailer, world):
    o = world
    failed = assert_json(mail(mailer, o.slug, o.coord.token, "?status=failed"), 200)["messages"]
    assert [(m["status"], m["person"]["id"]) for m in failed] == [("failed", o.p2.id)]
    sent = assert_json(mail(mailer, o.slug, o.coord.token, "?status=%20Sent%20"), 200)["messages"]
    assert [m["person"]["id"] for m in sent] == [o.p3.id, o.p1.id]
    assert assert_json(mail(mailer, o.slug, o.coord.token, "?status=queued"), 200)["messages"] == []
    assert_error(mail(mailer, o.slug, o.coord.token, "?status=bounced"), 422, "invalid", field="status")
    assert_error(mail(mailer, o.slug, o.coord.token, "?status="), 422, "invalid", field="status")
    assert_error(mail(mailer, o.slug, o.coord.token, "?state=failed"), 400, "unknown_parameter", field="state")


def test_pages_give_every_row_once_newest_first(mailer, world):
    o = world
    seen, cursor = [], None
    while True:
        query = "?limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = assert_json(mail(mailer, o.slug, o.coord.token, query), 200)
        assert len(body["messages"]) == 1
        seen.append(body["messages"][0]["person"]["id"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [o.p3.id, o.p2.id, o.p1.id]
    # The last page has no cursor, also when it is full; the filter holds on every page.
    whole = assert_json(mail(mailer, o.slug, o.coord.token, "?limit=2&status=sent"), 200)
    assert [m["person"]["id"] for m in whole["messages"]] == [o.p3.id, o.p1.id] and whole["next_cursor"] is None
    first = assert_json(mail(mailer, o.slug, o.coord.token, "?limit=1&status=sent"), 200)
    rest = assert_json(mail(mailer, o.slug, o.coord.token, f"?status=sent&cursor={first['next_cursor']}"), 200)
    assert [m["person"]["id"] for m in rest["messages"]] == [o.p1.id] and rest["next_cursor"] is None
    for bad in ("0", "101", "x", "-1"):
        assert_error(mail(mailer, o.slug, o.coord.token, f"?limit={bad}"), 422, "invalid", field="limit")
    # A cursor of another list (a UUID key) or of nothing this server wrote.
    groups = assert_json(mailer.api("GET", f"/api/v1/groups?org={o.slug}&limit=1"), 200)
    for bad in ("bm90LWEtY3Vyc29y", groups["next_cursor"] or "MjAyNi0xMS0yM1QwMDowNTowMFp8MDQy"):
        assert_error(mail(mailer, o.slug, o.coord.token, f"?cursor={bad}"), 422, "invalid", field="cursor")


def test_an_erased_person_is_null(pg, mailer, sink, admin):
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(16))
    signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    signed_up(mailer, "session", s["id"], o.p2.token, "confirmed")
    settled(pg, o.org["id"], 2)
    assert mailer.api("DELETE", "/api/v1/me", token=o.p1.token).status == 204
    rows = assert_json(mail(mailer, o.slug, o.coord.token), 200)["messages"]
    assert [m["person"] for m in rows] == [{"id": o.p2.id, "display_name": o.p2.display_name}, None]
    assert rows[1]["status"] == "sent"
    text = json.dumps(rows)
    assert o.p1.id not in text and o.p1.email not in text and o.p1.display_name not in text
