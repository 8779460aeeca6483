# SPDX-License-Identifier: Apache-2.0
"""Mail delivery: a real SMTP server (aiosmtpd) on a free loopback port, piirid
with PIIRI_SMTP_URL pointing at it; the Maildir fallback without it. What a
person receives: one message per event, neutral subjects, a text and an HTML
part, a calendar part with the events of the person's own feed (the same UID,
SEQUENCE, DTSTAMP and STATUS; METHOD:CANCEL for a cancelled session), a
Message-ID that names the outbox row; a 451 tried again, a 550 given up;
nothing sent twice when the delivery process is killed; no "confirmed" for a
signup cancelled before its turn came."""

import email
import email.policy
import email.utils
import os
import signal
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest

from helpers import (Server, add_session, assert_json, cancel_session, cancel_signup, in_days, list_sessions,
                     make_group, move_session, org_with_people, psql, raw_get, register, signed_up, wait_until)
from mail_helpers import (account_message, mail_pid, mails_to, outbox_rows, parts, smtp,  # noqa: F401 (fixtures)
                          verified_people)

FROM = "Piiri <ilmoitukset@piiri.example>"


@pytest.fixture(scope="module")
def mailer(pg, smtp, admin):
    controller, _ = smtp
    srv = Server(pg.url, "mail", env={"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
                                      "PIIRI_MAIL_FROM": FROM, "PIIRI_MAIL_RETRY_S": "1"}).start()
    yield srv
    rc = srv.stop()
    assert rc == 0, f"piirid exited with {rc} on SIGTERM"


MIME_TREE = ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]


def calendar_of(msg, method="PUBLISH"):
    """The message's one text/calendar part, checked (an attachment piiri.ics,
    UTF-8, METHOD in its type and in the calendar), parsed by python-icalendar."""
    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    assert part.get_content_charset() == "utf-8"
    assert part.get_content_disposition() == "attachment" and part.get_filename() == "piiri.ics"
    cal = icalendar.Calendar.from_ical(part.get_content())
    assert str(cal["METHOD"]) == method
    return cal


def feed_of(srv, person):
    """The person's own feed, fetched over HTTP as a calendar app does, parsed."""
    me = assert_json(srv.api("GET", "/api/v1/me", token=person.token), 200)
    r = raw_get(srv, urlsplit(me["calendar_url"]).path, record=False)  # an iCalendar answer, not JSON
    assert r.status == 200, r.body[:200]
    return icalendar.Calendar.from_ical(r.body)


def the_feeds_event(srv, person, msg, session_id, method="PUBLISH"):
    """MSG's calendar part holds one event, session SESSION_ID's, and it is the
    person's feed's event for it, property for property, with the feed's
    VTIMEZONE; returns it."""
    cal = calendar_of(msg, method)
    [ev] = cal.walk("VEVENT")
    assert str(ev["UID"]) == f"p-{session_id}@piiri"
    feed = feed_of(srv, person)
    [mine] = [e for e in feed.walk("VEVENT") if str(e["UID"]) == str(ev["UID"])]
    assert int(ev["SEQUENCE"]) == int(mine["SEQUENCE"])
    assert ev.to_ical() == mine.to_ical()
    assert [z.to_ical() for z in cal.walk("VTIMEZONE")] == [z.to_ical() for z in feed.walk("VTIMEZONE")]
    return ev


def test_confirmed_message_headers_and_parts(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(10, hour=10))
    signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    [msg] = mails_to(sink, o.p1)
    [(row_id, org_id, kind, status, attempts, _)] = outbox_rows(pg, o.p1.id)
    assert (kind, status, attempts) == ("signup_confirmed", "sent", 1)
    assert msg["Message-ID"] == f"<piiri-outbox-{row_id}.{org_id}@piiri.example>"
    assert msg["From"] == FROM
    assert msg["To"].addresses[0].addr_spec == o.p1.email
    sent = email.utils.parsedate_to_datetime(msg["Date"])
    assert abs(time.time() - sent.timestamp()) < 120
    assert msg["Subject"] == "Paikkasi on varattu"
    assert g["title"] not in msg["Subject"]
    assert parts(msg) == MIME_TREE
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert g["title"] in body
        assert o.p1.display_name in body
    local = in_days(10, hour=10)
    assert f"{local.day}.{local.month}.{local.year} klo 10.00" in text
    assert html.lstrip().startswith("<!DOCTYPE html>") and '<html lang="fi">' in html
    ev = the_feeds_event(mailer, o.p1, msg, s["id"])
    assert str(ev["STATUS"]) == "CONFIRMED" and str(ev["SUMMARY"]) == g["title"]
    assert ev["DTSTART"].dt == local and ev["DTSTART"].params["TZID"] == "Europe/Helsinki"


def test_one_mail_per_event_per_person(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1)
    s = add_session(mailer, g["id"], o.coord.token, in_days(20))
    first = signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    mails_to(sink, o.p1, 1)
    signed_up(mailer, "session", s["id"], o.p2.token, "waitlisted", 1)
    [waiting] = mails_to(sink, o.p2, 1)
    assert waiting["Subject"] == "Olet jonossa"
    assert "sijalla 1" in waiting.get_body(("plain",)).get_content()
    assert str(the_feeds_event(mailer, o.p2, waiting, s["id"])["STATUS"]) == "TENTATIVE"
    assert cancel_signup(mailer, first["id"], o.p1.token).status == 204
    promoted = mails_to(sink, o.p2, 2)[1]
    assert promoted["Subject"] == "Sinulle vapautui paikka"
    ev = the_feeds_event(mailer, o.p2, promoted, s["id"])
    assert str(ev["STATUS"]) == "CONFIRMED" and ev["DTSTART"].dt == in_days(20)
    move_session(mailer, s["id"], o.coord.token, in_days(21))
    moved = mails_to(sink, o.p2, 3)[2]
    assert moved["Subject"] == "Tapaamisen aika muuttui"
    after = the_feeds_event(mailer, o.p2, moved, s["id"])
    assert after["DTSTART"].dt == in_days(21) and after["DTEND"].dt == in_days(21) + timedelta(hours=2)
    assert int(after["SEQUENCE"]) > int(ev["SEQUENCE"])
    assert after["DTSTAMP"].dt > ev["DTSTAMP"].dt - timedelta(seconds=1)
    cancel_session(mailer, s["id"], o.coord.token, reason="Tila on remontissa")
    cancelled = mails_to(sink, o.p2, 4)[3]
    assert cancelled["Subject"] == "Tapaaminen on peruttu"
    assert "Tila on remontissa" in cancelled.get_body(("plain",)).get_content()
    gone = the_feeds_event(mailer, o.p2, cancelled, s["id"], method="CANCEL")
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) > int(after["SEQUENCE"])
    for m in sink.to(o.p2.email):
        assert g["title"] not in m["Subject"]
    time.sleep(1.5)  # anything more would have come by now
    assert len(sink.to(o.p1.email)) == 1 and len(sink.to(o.p2.email)) == 4
    ids = [m["Message-ID"] for m in sink.to(o.p2.email)]
    assert len(set(ids)) == 4
    assert [r[3] for r in outbox_rows(pg, o.p2.id)] == ["sent"] * 4


def test_language_and_discreet_titles(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4,
                   title_sv="Familjecafé på svenska")
    s = add_session(mailer, g["id"], o.coord.token, in_days(12))
    psql(pg.url, f"UPDATE persons SET language = 'sv' WHERE id = '{o.p1.id}'")
    psql(pg.url, f"UPDATE persons SET language = 'en' WHERE id = '{o.p2.id}'")
    r = mailer.api("PATCH", "/api/v1/me", json={"discreet_calendar": True}, token=o.p2.token)
    assert_json(r, 200)
    signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    signed_up(mailer, "session", s["id"], o.p2.token, "confirmed")
    [sv] = mails_to(sink, o.p1)
    assert sv["Subject"] == "Din plats är bokad"
    assert "Familjecafé på svenska" in sv.get_body(("plain",)).get_content()
    assert '<html lang="sv">' in sv.get_body(("html",)).get_content()
    [en] = mails_to(sink, o.p2)
    assert en["Subject"] == "Your place is booked"
    for body in (en.get_body(("plain",)).get_content(), en.get_body(("html",)).get_content()):
        assert g["title"] not in body
        assert "Your place is booked." in body
    # The calendar part is the discreet feed's: no title there either.
    [part] = [p for p in en.walk() if p.get_content_type() == "text/calendar"]
    assert g["title"] not in part.get_content()
    assert str(the_feeds_event(mailer, o.p2, en, s["id"])["SUMMARY"]) == "Piiri: vertaistapaaminen"
    assert str(the_feeds_event(mailer, o.p1, sv, s["id"])["SUMMARY"]) == g["title"]


def test_series_signup_carries_its_next_sessions(pg, mailer, smtp, admin):
    """A series signup's part: the next 20 sessions, each the feed's own event;
    the feed has the rest of the window."""
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member")
    start = datetime.now(timezone.utc).date() + timedelta(days=3)
    g = make_group(mailer, o.slug, o.coord.token, access="closed",
                   schedule={"start": f"{start.isoformat()}T17:30", "duration_minutes": 90,
                             "rrule": "FREQ=WEEKLY;COUNT=30"})
    sessions = list_sessions(mailer, g["id"])
    assert len(sessions) == 30
    signed_up(mailer, "group", g["id"], o.p1.token, "confirmed")
    [msg] = mails_to(sink, o.p1)
    assert parts(msg) == MIME_TREE
    got = calendar_of(msg).walk("VEVENT")
    assert [str(e["UID"]) for e in got] == [f"p-{x['id']}@piiri" for x in sessions[:20]]
    feed = {str(e["UID"]): e for e in feed_of(mailer, o.p1).walk("VEVENT")}
    assert len(feed) == 30
    for e in got:
        assert e.to_ical() == feed[str(e["UID"])].to_ical()


def test_a_guests_signup_is_in_no_feed_and_carries_no_part(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(15))
    r = mailer.api("POST", f"/api/v1/sessions/{s['id']}/signups/on-behalf", json={"display_name": "Maija"},
                   token=o.coord.token)
    assert_json(r, 201)
    [msg] = mails_to(sink, o.coord)
    assert parts(msg) == MIME_TREE[:-1]
    assert feed_of(mailer, o.coord).walk("VEVENT") == []


def test_451_is_tried_again_and_550_fails_for_good(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator")
    busy, gone = register(mailer), register(mailer)
    with sink.lock:
        sink.refuse[busy.email] = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
        sink.refuse[gone.email] = ["550 5.1.1 No such user"] * 5
    before = metrics(mailer)
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(9))
    signed_up(mailer, "session", s["id"], busy.token, "confirmed")
    signed_up(mailer, "session", s["id"], gone.token, "confirmed")
    [msg] = mails_to(sink, busy, 1, timeout=30)  # after 1 s and 2 s
    assert sink.tries[busy.email] == 3
    [(_, _, _, status, attempts, code)] = outbox_rows(pg, busy.id)
    assert (status, attempts) == ("sent", 3)
    wait_until(lambda: outbox_rows(pg, gone.id)[0][3] == "failed", 20, what="550 marked failed")
    [(_, _, _, status, attempts, code)] = outbox_rows(pg, gone.id)
    assert (status, attempts, code) == ("failed", 1, 550)
    time.sleep(2.5)
    assert sink.tries[gone.email] == 1 and sink.to(gone.email) == []
    after = metrics(mailer)
    assert after["piiri_mail_retried_total"] - before["piiri_mail_retried_total"] >= 2
    assert after["piiri_mail_failed_total"] - before["piiri_mail_failed_total"] >= 1
    assert after["piiri_mail_sent_total"] - before["piiri_mail_sent_total"] >= 1


def test_cancelled_signup_gets_no_stale_confirmation(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p0="member", p1="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(11))
    release = threading.Event()
    with sink.lock:
        sink.hold[o.p0.email] = release
    signed_up(mailer, "session", s["id"], o.p0.token, "confirmed")
    wait_until(lambda: sink.tries.get(o.p0.email, 0) == 1, 20, what="the delivery process busy")
    mine = signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    assert cancel_signup(mailer, mine["id"], o.p1.token).status == 204
    release.set()
    mails_to(sink, o.p0, 1)
    wait_until(lambda: outbox_rows(pg, o.p1.id)[0][3] != "queued", 20, what="the row handled")
    assert outbox_rows(pg, o.p1.id)[0][3] == "skipped"
    assert sink.to(o.p1.email) == [] and o.p1.email not in sink.tries


def test_kill_9_loses_nothing_and_sends_nothing_twice(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p0="member", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
    s = add_session(mailer, g["id"], o.coord.token, in_days(13))
    signed_up(mailer, "session", s["id"], o.p0.token, "confirmed")
    mails_to(sink, o.p0, 1)
    release = threading.Event()
    with sink.lock:
        sink.hold[o.p1.email] = release
    signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    signed_up(mailer, "session", s["id"], o.p2.token, "confirmed")
    wait_until(lambda: sink.tries.get(o.p1.email, 0) == 1, 20, what="the delivery process mid-message")
    pid = mail_pid(mailer)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: mail_pid(mailer) not in (None, pid), 20, what="the delivery process restarted")
    mails_to(sink, o.p1, 1)
    mails_to(sink, o.p2, 1)
    release.set()
    time.sleep(1.5)
    assert [len(sink.to(p.email)) for p in (o.p0, o.p1, o.p2)] == [1, 1, 1]
    assert [r[3] for p in (o.p0, o.p1, o.p2) for r in outbox_rows(pg, p.id)] == ["sent"] * 3
    assert "mail delivery killed by signal 9; restarting" in mailer.log_text()


def queued_run(mailer, admin, sink, days):
    """Four people confirmed for one session, their messages queued together:
    the first one's RCPT is held until the others' rows are in the outbox.
    Returns (people, release); release() lets the run go."""
    o = org_with_people(mailer, admin[1], coord="coordinator", p0="member", p1="member", p2="member",
                        p3="member")
    people = [o.p0, o.p1, o.p2, o.p3]
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=8)
    s = add_session(mailer, g["id"], o.coord.token, in_days(days))
    held = threading.Event()
    with sink.lock:
        sink.hold[o.p0.email] = held
    signed_up(mailer, "session", s["id"], o.p0.token, "confirmed")
    wait_until(lambda: sink.tries.get(o.p0.email, 0) == 1, 20, what="the delivery process mid-message")
    for p in people[1:]:
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
    return people, held.set


def sent_once(pg, sink, people):
    """Each of PEOPLE got one message, sent at the first try."""
    for p in people:
        mails_to(sink, p, 1)
    time.sleep(0.5)
    assert [len(sink.to(p.email)) for p in people] == [1] * len(people)
    assert [(r[3], r[4]) for p in people for r in outbox_rows(pg, p.id)] == [("sent", 1)] * len(people)


def test_a_run_of_messages_goes_over_one_connection(pg, mailer, smtp, admin):
    _, sink = smtp
    people, release = queued_run(mailer, admin, sink, 15)
    with sink.lock:
        before = sink.connections
    release()
    sent_once(pg, sink, people)
    assert sink.connections - before == 0  # all on the held message's connection


def test_the_server_closing_the_connection_between_messages(pg, mailer, smtp, admin):
    _, sink = smtp
    people, release = queued_run(mailer, admin, sink, 16)
    with sink.lock:
        sink.hang_up = {people[0].email, people[1].email}
        before = sink.connections
    try:
        release()
        sent_once(pg, sink, people)
        assert sink.connections - before == 2  # a new one after each hang-up
    finally:
        with sink.lock:
            sink.hang_up = set()


def test_a_servers_limit_of_messages_per_connection(pg, mailer, smtp, admin):
    # 421 to the MAIL of a second message on a connection, as Exim's
    # smtp_accept_max_per_connection does: sent at once on a new connection.
    _, sink = smtp
    people, release = queued_run(mailer, admin, sink, 17)
    with sink.lock:
        sink.per_connection = 1
        before = sink.turned_away
    try:
        release()
        sent_once(pg, sink, people)
        assert sink.turned_away - before == 3
    finally:
        with sink.lock:
            sink.per_connection = None


def metrics(srv):
    r = raw_get(srv, "/metrics")
    assert r.status == 200
    out = {}
    for line in r.body.decode().splitlines():
        if line.startswith("piiri_mail_"):
            name, value = line.split()
            out[name] = float(value)
    return out


def test_metrics_show_the_queue(pg, mailer, smtp, admin):
    m = metrics(mailer)
    for name in ("piiri_mail_sent_total", "piiri_mail_retried_total", "piiri_mail_failed_total",
                 "piiri_mail_queue_depth", "piiri_mail_oldest_unsent_seconds"):
        assert name in m
    assert m["piiri_mail_sent_total"] >= 1


def test_maildir_without_smtp(pg, admin, mailer):
    # The SMTP server's delivery process shares the queue: stopped, the row is this one's.
    smtp_pid = mail_pid(mailer)
    os.kill(smtp_pid, signal.SIGSTOP)
    with tempfile.TemporaryDirectory() as d:
        maildir = Path(d) / "mail"
        srv = Server(pg.url, "maildir", env={"PIIRI_MAILDIR": str(maildir), "PIIRI_MAIL_FROM": FROM}).start()
        try:
            o = org_with_people(srv, admin[1], coord="coordinator", p1="member")
            g = make_group(srv, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=4)
            s = add_session(srv, g["id"], o.coord.token, in_days(14))
            signed_up(srv, "session", s["id"], o.p1.token, "confirmed")
            [(row_id, org_id, *_)] = outbox_rows(pg, o.p1.id)

            def mine():
                for f in (maildir / "new").glob("*"):
                    msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
                    if msg["To"].addresses[0].addr_spec == o.p1.email and not account_message(msg):
                        return msg
                return None
            wait_until(lambda: (maildir / "new").is_dir() and mine() is not None, 20, what="a file in new/")
            msg = mine()
            assert msg["Message-ID"] == f"<piiri-outbox-{row_id}.{org_id}@piiri.example>"
            assert msg["Subject"] == "Paikkasi on varattu"
            assert parts(msg) == MIME_TREE
            assert g["title"] in msg.get_body(("plain",)).get_content()
            the_feeds_event(srv, o.p1, msg, s["id"])
            assert list((maildir / "tmp").iterdir()) == []
            assert outbox_rows(pg, o.p1.id)[0][3] == "sent"
        finally:
            os.kill(smtp_pid, signal.SIGCONT)
            assert srv.stop() == 0
