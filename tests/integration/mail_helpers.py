# SPDX-License-Identifier: Apache-2.0
"""What the mail tests share: an SMTP server (aiosmtpd) that keeps what it
accepts, and helpers that read the outbox, wait for a person's mail and find
the delivery process."""

import asyncio
import email
import email.policy
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from helpers import ACCOUNT_ORG, free_port, psql, wait_until


class Sink:
    """aiosmtpd handler: keeps what it accepts; answers a recipient with the
    codes queued for it (refuse), or holds its RCPT until released (hold).
    Counts the connections that carried a message; closes the connection
    after a message to an address in hang_up; with per_connection set,
    answers a MAIL beyond that many messages on one connection with 421 and
    closes it (as a server limiting messages per connection does)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []   # (recipient, email.message.EmailMessage)
        self.refuse = {}     # address -> list of replies, used in turn
        self.tries = {}      # address -> RCPTs seen
        self.hold = {}       # address -> threading.Event, once
        self.hang_up = set()       # addresses after whose message the server closes the connection
        self.per_connection = None  # messages one connection may carry, or None
        self.connections = 0       # connections that carried a MAIL
        self.turned_away = 0       # MAILs answered 421 for per_connection

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            sent = getattr(session, "piiri_sent", None)
            if sent is None:
                session.piiri_sent = sent = 0
                self.connections += 1
            full = self.per_connection is not None and sent >= self.per_connection
            self.turned_away += full
        if full:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.7.0 Too many messages on this connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.tries[address] = self.tries.get(address, 0) + 1
            held = self.hold.pop(address, None)
            replies = self.refuse.get(address)
            reply = replies.pop(0) if replies else None
        if held is not None:
            while not held.is_set():
                await asyncio.sleep(0.02)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for r in envelope.rcpt_tos:
                self.messages.append((r, msg))
            session.piiri_sent = getattr(session, "piiri_sent", 0) + 1
            hang_up = bool(self.hang_up.intersection(envelope.rcpt_tos))
        if hang_up:  # after the reply is written
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted"

    def to(self, address):
        """What ADDRESS received about signups and sessions (account messages aside)."""
        with self.lock:
            return [m for r, m in self.messages if r == address and not account_message(m)]

    def account(self, address):
        """The account messages ADDRESS received."""
        with self.lock:
            return [m for r, m in self.messages if r == address and account_message(m)]



def account_message(msg):
    """Is MSG an account message (verification, reset, sign-in link)? Their
    Message-ID names no organization."""
    return f".{ACCOUNT_ORG}@" in (msg["Message-ID"] or "")


@pytest.fixture(autouse=True)
def verified_people(request, pg, smtp, monkeypatch):
    """Everyone registered in a test that uses this has a verified address
    (test_mail_links.py verifies by the link): an unverified one gets nothing
    but its verification mail. The sink counts their tries from then on."""
    import helpers
    plain = helpers.register
    _, sink = smtp

    def register_verified(srv, *args, **kwargs):
        person = helpers.verified(pg.url, plain(srv, *args, **kwargs))
        with sink.lock:
            sink.tries.pop(person.email, None)
        return person
    monkeypatch.setattr(helpers, "register", register_verified)
    if hasattr(request.module, "register"):
        monkeypatch.setattr(request.module, "register", register_verified)


@pytest.fixture(scope="module")
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    for ev in list(sink.hold.values()):
        ev.set()
    controller.stop()


def outbox_rows(pg, person_id):
    """(id, org_id, kind, status, attempts, last_code) of a person's outbox rows, oldest first."""
    out = psql(pg.url, "SELECT id, org_id, kind, status, attempts, coalesce(last_code, 0) FROM notification_outbox "
                       f"WHERE person_id = '{person_id}' AND org_id <> '{ACCOUNT_ORG}' ORDER BY id")
    rows = []
    for line in out.splitlines():
        i, org, kind, status, attempts, code = line.split("|")
        rows.append((int(i), org, kind, status, int(attempts), int(code)))
    return rows


def mails_to(sink, person, n=1, timeout=20):
    """Waits until PERSON has N messages; returns them."""
    wait_until(lambda: len(sink.to(person.email)) >= n, timeout, what=f"{n} mails")
    return sink.to(person.email)


def parts(msg):
    """The content types of the message's tree, depth first."""
    return [p.get_content_type() for p in msg.walk()]


def mail_pid(srv):
    """The pid of the delivery process under SRV's supervisor."""
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            comm = (d / "comm").read_text().strip()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == srv.proc.pid and comm == "piirid-mail":
            return int(d.name)
    return None
