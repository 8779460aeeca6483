# SPDX-License-Identifier: Apache-2.0
"""Reminders by email: piirid delivers to a real SMTP server (aiosmtpd) with its
clock set by the test (libfaketime reading an offset from a file the test
rewrites; the database's clock stays real, the delivery process passes its
own time to SQL). A reminder comes at its local time across a change from
summer time, not before it, exactly once with two delivery processes and
after one is killed, follows its session when the session moves, and does
not come for a cancelled session, a cancelled signup, a guest signup or a
person who turned reminders off. The settings' API: the org's default, a
group's own, 422 for bad values."""

import email.utils
import glob
import os
import signal
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helpers import (Server, add_session, assert_json, cancel_session, cancel_signup, in_days, make_group,
                     move_session, org_with_people, psql, signed_up, wait_until)
from mail_helpers import mail_pid, mails_to, outbox_rows, smtp, verified_people  # noqa: F401 (fixtures)

FROM = "Piiri <ilmoitukset@piiri.example>"
HELSINKI = ZoneInfo("Europe/Helsinki")
FAKETIME_LIBS = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
PLACE = {"name": "Kirjasto", "address": "Kauppakatu 1", "municipality": "Kuopio"}


class Clock:
    """The clock of the piirid started with env(): real time plus the offset
    in a file that libfaketime reads on every call."""

    def __init__(self, path):
        self.path = path
        self.path.write_text("+0\n")

    def env(self):
        return {"LD_PRELOAD": FAKETIME_LIBS[0], "FAKETIME_TIMESTAMP_FILE": str(self.path),
                "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}

    def set(self, when):
        """Sets the clock to WHEN (aware), ticking on from there."""
        offset = int((when - datetime.now(timezone.utc)).total_seconds())
        self.path.write_text(f"{offset:+d}\n")


@pytest.fixture(scope="module")
def clock():
    if not FAKETIME_LIBS:
        pytest.fail("libfaketime is missing: install it (scripts/deps.sh test does)")
    with tempfile.TemporaryDirectory() as d:
        yield Clock(Path(d) / "faketime")


def mail_server(pg, smtp_controller, clock, label):
    env = {"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{smtp_controller.port}", "PIIRI_MAIL_FROM": FROM,
           "PIIRI_MAIL_RETRY_S": "1", **clock.env()}
    os.environ.pop("FAKETIME", None)  # it would win over the file
    return Server(pg.url, label, env=env)


@pytest.fixture(scope="module")
def mailer(pg, smtp, admin, clock):
    srv = mail_server(pg, smtp[0], clock, "remind").start()
    yield srv
    clock.path.write_text("+0\n")
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def real_time(clock):
    """Each test starts at the real time."""
    clock.path.write_text("+0\n")
    yield


def wake(pg):
    """Wakes every delivery process now (as a new outbox row would)."""
    psql(pg.url, "NOTIFY piiri_mail")


def reminders(pg, person):
    return [r for r in outbox_rows(pg, person.id) if r[2] == "session_reminder"]


def reminder_mails(sink, person):
    return [m for m in sink.to(person.email) if m["Subject"] in
            ("Muistutus tapaamisesta", "Påminnelse om en träff", "A reminder of a meeting")]


def wait_reminder(sink, person, timeout=15):
    wait_until(lambda: reminder_mails(sink, person), timeout, what="a reminder")
    return reminder_mails(sink, person)


def sent_at(msg):
    return email.utils.parsedate_to_datetime(msg["Date"])


def last_sunday_of_october_ahead():
    """The last Sunday of October, when Helsinki leaves summer time, at least two days ahead."""
    year = datetime.now(HELSINKI).year
    while True:
        day = datetime(year, 10, 31, tzinfo=HELSINKI)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > datetime.now(HELSINKI) + timedelta(days=2):
            return day.date()
        year += 1


def test_the_settings_default_validate_and_override(mailer, admin):
    o = org_with_people(mailer, admin[1], coord="coordinator", leader="leader", p1="member")
    assert o.org["reminder"] == {"kind": "day_before", "at": "18:00"}
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe")
    assert g["reminder"] is None
    path = f"/api/v1/orgs/{o.slug}"
    for bad, field in (({"kind": "sometimes"}, "reminder.kind"), ({"kind": "hours_before"}, "reminder.hours"),
                       ({"kind": "hours_before", "hours": 0}, "reminder.hours"),
                       ({"kind": "hours_before", "hours": 169}, "reminder.hours"),
                       ({"kind": "hours_before", "hours": 24, "at": "18:00"}, "reminder.at"),
                       ({"kind": "day_before"}, "reminder.at"), ({"kind": "day_before", "at": "24:00"}, "reminder.at"),
                       ({"kind": "day_before", "at": "18.00"}, "reminder.at"), ({"kind": "off", "hours": 3},
                                                                                "reminder.hours"),
                       ("18:00", "reminder")):
        for p, token in ((path, o.coord.token), (f"/api/v1/groups/{g['id']}", o.coord.token)):
            err = assert_json(mailer.api("PATCH", p, json={"reminder": bad}, token=token), 422)["error"]
            assert err["field"] == field, (bad, err)
    assert_json(mailer.api("PATCH", path, json={"reminder": None}, token=o.coord.token), 422)
    r = mailer.api("PATCH", path, json={"reminder": {"kind": "hours_before", "hours": 24}}, token=o.leader.token)
    assert_json(r, 403)
    r = mailer.api("PATCH", path, json={"reminder": {"kind": "hours_before", "hours": 24}}, token=o.coord.token)
    assert assert_json(r, 200)["org"]["reminder"] == {"kind": "hours_before", "hours": 24}
    assert assert_json(mailer.api("GET", path), 200)["org"]["reminder"] == {"kind": "hours_before", "hours": 24}
    r = mailer.api("PATCH", f"/api/v1/groups/{g['id']}", json={"reminder": {"kind": "off"}}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["reminder"] == {"kind": "off"}
    r = mailer.api("PATCH", f"/api/v1/groups/{g['id']}", json={"reminder": None}, token=o.coord.token)
    assert assert_json(r, 200)["group"]["reminder"] is None


def test_the_day_before_at_18_across_the_change_from_summer_time(pg, mailer, smtp, admin, clock):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    psql(pg.url, f"UPDATE persons SET language = 'en', discreet_calendar = true WHERE id = '{o.p2.id}'")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=6, location=PLACE)
    sunday = last_sunday_of_october_ahead()
    monday = datetime.combine(sunday + timedelta(days=1), datetime.min.time().replace(hour=10), HELSINKI)
    s = add_session(mailer, g["id"], o.coord.token, monday)
    for p in (o.p1, o.p2):
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
        mails_to(sink, p, 1)
    # 18:00 on the Sunday is after the change: 16:00 UTC, not 15:00.
    due = datetime.combine(sunday, datetime.min.time().replace(hour=16), timezone.utc)
    assert datetime.combine(sunday, datetime.min.time().replace(hour=18), HELSINKI) == due
    clock.set(due - timedelta(hours=1) + timedelta(seconds=30))
    wake(pg)
    time.sleep(2)
    clock.set(due - timedelta(seconds=40))
    wake(pg)
    time.sleep(2)
    assert reminder_mails(sink, o.p1) == [] and reminders(pg, o.p1) == []
    clock.set(due - timedelta(seconds=3))
    wake(pg)  # the delivery process then sleeps until the reminder is due, not a whole sweep
    [fi] = wait_reminder(sink, o.p1, timeout=12)
    assert due <= sent_at(fi) < due + timedelta(seconds=15)
    text = fi.get_body(("plain",)).get_content()
    assert g["title"] in text and g["title"] not in fi["Subject"]
    assert f"Aika: ma {monday.day}.{monday.month}.{monday.year} klo 10.00" in text
    assert "Paikka: Kirjasto, Kauppakatu 1, Kuopio" in text
    [en] = wait_reminder(sink, o.p2)
    assert en["Subject"] == "A reminder of a meeting"
    body = en.get_body(("plain",)).get_content()
    assert f"When: Mon {monday.day}.{monday.month}.{monday.year} at 10:00" in body
    assert "Where: Kauppakatu 1, Kuopio" in body
    assert g["title"] not in body and "Kirjasto" not in body
    assert [r[3] for r in reminders(pg, o.p1)] == ["sent"]


def test_hours_before_is_elapsed_hours(pg, mailer, smtp, admin, clock):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=6,
                   reminder={"kind": "hours_before", "hours": 3})
    assert g["reminder"] == {"kind": "hours_before", "hours": 3}
    starts = in_days(3, hour=12)
    s = add_session(mailer, g["id"], o.coord.token, starts)
    signed_up(mailer, "session", s["id"], o.p1.token, "confirmed")
    mails_to(sink, o.p1, 1)
    due = starts - timedelta(hours=3)
    clock.set(due - timedelta(seconds=60))
    wake(pg)
    time.sleep(2)
    assert reminders(pg, o.p1) == []
    clock.set(due - timedelta(seconds=2))
    wake(pg)
    [msg] = wait_reminder(sink, o.p1, timeout=12)
    assert due <= sent_at(msg) < due + timedelta(seconds=15)
    assert f"klo {starts.hour}.00" in msg.get_body(("plain",)).get_content()


def test_exactly_once_with_two_delivery_processes_and_after_a_kill(pg, mailer, smtp, admin, clock):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member", p3="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=6,
                   reminder={"kind": "hours_before", "hours": 5})
    starts = in_days(2, hour=13)
    s = add_session(mailer, g["id"], o.coord.token, starts)
    people = (o.p1, o.p2, o.p3)
    for p in people:
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
    second = mail_server(pg, smtp[0], clock, "remind-2").start()
    try:
        for p in people:
            mails_to(sink, p, 1)
        clock.set(starts - timedelta(hours=5) + timedelta(seconds=5))
        for _ in range(5):
            wake(pg)
            time.sleep(0.3)
        for p in people:
            wait_reminder(sink, p)
        pid = mail_pid(mailer)
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: mail_pid(mailer) not in (None, pid), 20, what="the delivery process restarted")
        assert second.stop() == 0
        second.start()
        wake(pg)
        time.sleep(3)
        for p in people:
            assert len(reminder_mails(sink, p)) == 1
            assert [r[3] for r in reminders(pg, p)] == ["sent"]
    finally:
        second.stop()


def test_a_reminder_follows_its_session_when_it_moves(pg, mailer, smtp, admin, clock):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=6)
    first = in_days(4, hour=10)
    s = add_session(mailer, g["id"], o.coord.token, first)
    for p in (o.p1, o.p2):
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
        mails_to(sink, p, 1)
    old_due = datetime.combine(first.date() - timedelta(days=1), datetime.min.time().replace(hour=18), HELSINKI)
    # A reminder written for the old time and not yet sent when the session moves is not sent.
    pid = mail_pid(mailer)
    os.kill(pid, signal.SIGSTOP)
    try:
        at = (old_due + timedelta(minutes=1)).isoformat()
        psql(pg.url, f"SELECT made FROM mail_reminders_due('{at}')")
        assert [r[3] for r in reminders(pg, o.p1)] == ["queued"]
        moved = in_days(6, hour=10)
        move_session(mailer, s["id"], o.coord.token, moved)
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: [r[3] for r in reminders(pg, o.p1)] == ["skipped"], 15, what="the old reminder skipped")
    clock.set(old_due + timedelta(seconds=30))
    wake(pg)
    mails_to(sink, o.p2, 2)  # the "moved" message
    time.sleep(2)
    assert reminder_mails(sink, o.p1) == [] and reminder_mails(sink, o.p2) == []
    new_due = datetime.combine(moved.date() - timedelta(days=1), datetime.min.time().replace(hour=18), HELSINKI)
    clock.set(new_due - timedelta(seconds=2))
    wake(pg)
    for p in (o.p1, o.p2):
        [msg] = wait_reminder(sink, p, timeout=12)
        assert sent_at(msg) >= new_due
        assert f"{moved.day}.{moved.month}.{moved.year} klo 10.00" in msg.get_body(("plain",)).get_content()
    assert [r[3] for r in reminders(pg, o.p1)] == ["skipped", "sent"]


def test_none_for_a_cancelled_session_or_signup_a_guest_or_reminders_off(pg, mailer, smtp, admin, clock):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member", p3="member",
                        p4="member")
    g = make_group(mailer, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=6,
                   reminder={"kind": "hours_before", "hours": 2})
    starts = in_days(5, hour=14)
    s = add_session(mailer, g["id"], o.coord.token, starts)
    gone = add_session(mailer, g["id"], o.coord.token, starts + timedelta(minutes=30))
    for p in (o.p1, o.p2, o.p3):
        signed_up(mailer, "session", s["id"], p.token, "confirmed")
    mine = signed_up(mailer, "session", gone["id"], o.p4.token, "confirmed")
    guest = mailer.api("POST", f"/api/v1/sessions/{s['id']}/signups/on-behalf",
                       json={"display_name": "Vieras Esimerkki", "adults": 1, "children": 0}, token=o.coord.token)
    assert_json(guest, 201)
    psql(pg.url, f"UPDATE persons SET mail_reminders = false WHERE id = '{o.p1.id}'")
    assert cancel_signup(mailer, mine["id"], o.p4.token).status == 204
    signed_up(mailer, "session", gone["id"], o.p2.token, "confirmed")
    cancel_session(mailer, gone["id"], o.coord.token)
    x = [y for y in assert_json(mailer.api("GET", "/api/v1/me/signups", token=o.p3.token), 200)["signups"]]
    assert cancel_signup(mailer, x[0]["id"], o.p3.token).status == 204
    clock.set(starts - timedelta(hours=2) + timedelta(seconds=40))
    wake(pg)
    time.sleep(3)
    wake(pg)
    [msg] = wait_reminder(sink, o.p2)
    assert g["title"] in msg.get_body(("plain",)).get_content()
    time.sleep(2)
    assert len(reminder_mails(sink, o.p2)) == 1
    for p in (o.p1, o.p3, o.p4, o.coord):
        assert reminder_mails(sink, p) == [] and reminders(pg, p) == []
