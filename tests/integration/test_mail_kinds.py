# SPDX-License-Identifier: Apache-2.0
"""The messages about a changed schedule and about one-to-one support, sent to a
real SMTP server (aiosmtpd). A new schedule for a weekly series is one message
per person, its calendar part the person's feed events for every session it
moved or cancelled (a cancelled one STATUS:CANCELLED); a single session moved
by hand is still a message of its own. A proposed pairing reaches the
supporter, an accepted one the requester and the coordinator who proposed it,
and no message says anything of what the request says."""

import time
from datetime import timedelta

import pytest

from helpers import (Server, assert_json, make_group, move_session, org_with_people, psql, register, signed_up,
                     today)
from mail_helpers import mails_to, outbox_rows, parts, smtp, verified_people  # noqa: F401 (fixtures)
from test_mail import MIME_TREE, calendar_of, feed_of
from test_matching import request_body, supporter_body

FROM = "Piiri <ilmoitukset@piiri.example>"


@pytest.fixture(scope="module")
def mailer(pg, smtp, admin):
    controller, _ = smtp
    srv = Server(pg.url, "mail-kinds", env={"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
                                            "PIIRI_MAIL_FROM": FROM, "PIIRI_MAIL_RETRY_S": "1"}).start()
    yield srv
    assert srv.stop() == 0


def weekly_from(days, count, hhmm="18:00"):
    start = today() + timedelta(days=days)
    return {"start": f"{start.isoformat()}T{hhmm}", "duration_minutes": 90, "rrule": f"FREQ=WEEKLY;COUNT={count}"}


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


def every_part(msg):
    """Each text part of MSG decoded (the text, the HTML, the calendar)."""
    return [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]


def test_a_new_schedule_is_one_mail_per_person(pg, mailer, smtp, admin):
    """Four weekly meetings become three, a day later: each person of the series
    gets one message (not four), in their language, whose calendar part updates
    the three moved meetings and cancels the fourth as their feed now shows
    them; then a meeting moved by hand is a message of its own."""
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p1="member", p2="member")
    g = make_group(mailer, o.slug, o.coord.token, capacity=5, schedule=weekly_from(10, 4))
    psql(pg.url, f"UPDATE persons SET language = 'en', discreet_calendar = true WHERE id = '{o.p2.id}'")
    signed_up(mailer, "group", g["id"], o.p1.token, "confirmed")
    signed_up(mailer, "group", g["id"], o.p2.token, "confirmed")
    [confirmed] = mails_to(sink, o.p1, 1)
    mails_to(sink, o.p2, 1)
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in calendar_of(confirmed).walk("VEVENT")}
    assert len(before) == 4

    r = mailer.api("PATCH", f"/api/v1/groups/{g['id']}", json={"schedule": weekly_from(11, 3)},
                   token=o.coord.token)
    change = assert_json(r, 200)["schedule_change"]
    moved = [m["id"] for m in change["moved"]]
    [removed] = change["removed"]
    assert len(moved) == 3 and removed["action"] == "cancelled"

    msg = mails_to(sink, o.p1, 2)[1]
    en = mails_to(sink, o.p2, 2)[1]
    time.sleep(1.5)  # anything more would have come by now
    assert len(sink.to(o.p1.email)) == 2 and len(sink.to(o.p2.email)) == 2
    assert [r[2:4] for r in outbox_rows(pg, o.p1.id)] == [("signup_confirmed", "sent"), ("schedule_changed", "sent")]

    assert msg["Subject"] == "Ryhmän aikataulu muuttui" and en["Subject"] == "The group's schedule has changed"
    assert parts(msg) == MIME_TREE
    text = text_of(msg)
    assert g["title"] in text
    first = today() + timedelta(days=11)
    assert "Uusi aikataulu: joka " in text and "klo 18.00–19.30" in text
    assert "Seuraavat tapaamisesi: " in text and f"{first.day}.{first.month}.{first.year} klo 18.00" in text
    assert "peruttuja tapaamisiasi: 1." in text
    assert "voit perua ilmoittautumisesi Piirissä" in text
    for body in every_part(en):
        assert g["title"] not in body
    assert "The new schedule: every " in text_of(en) and "Your meetings cancelled by the change: 1." in text_of(en)

    # The calendar part: the person's feed events for the sessions the change
    # touched, property for property; the removed one cancelled, in one PUBLISH.
    for person, m in ((o.p1, msg), (o.p2, en)):
        events = {str(e["UID"]): e for e in calendar_of(m, "PUBLISH").walk("VEVENT")}
        assert set(events) == {f"p-{s}@piiri" for s in moved + [removed["id"]]}
        feed = {str(e["UID"]): e for e in feed_of(mailer, person).walk("VEVENT")}
        for uid, ev in events.items():
            assert ev.to_ical() == feed[uid].to_ical()
            assert int(ev["SEQUENCE"]) > before[uid]
        assert str(events[f"p-{removed['id']}@piiri"]["STATUS"]) == "CANCELLED"
        for item in change["moved"]:
            ev = events[f"p-{item['id']}@piiri"]
            assert str(ev["STATUS"]) == "CONFIRMED"
            assert ev["DTSTART"].dt.isoformat() == item["starts_at"]

    # One meeting moved by hand: its own message, about it alone.
    later = events[f"p-{moved[1]}@piiri"]["DTSTART"].dt + timedelta(hours=1)
    move_session(mailer, moved[1], o.coord.token, later)
    third = mails_to(sink, o.p1, 3)[2]
    assert third["Subject"] == "Tapaamisen aika muuttui"
    [ev] = calendar_of(third).walk("VEVENT")
    assert str(ev["UID"]) == f"p-{moved[1]}@piiri" and ev["DTSTART"].dt == later
    assert outbox_rows(pg, o.p1.id)[2][2] == "session_moved"


def test_a_schedule_change_for_a_person_no_longer_signed_up_is_not_sent(pg, mailer, smtp, admin):
    """Written while the delivery process is held on someone else's message,
    the row of a person who cancels meanwhile is skipped."""
    import threading
    from helpers import cancel_signup, wait_until
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", p0="member", p1="member")
    g = make_group(mailer, o.slug, o.coord.token, capacity=5, schedule=weekly_from(12, 2))
    signed_up(mailer, "group", g["id"], o.p0.token, "confirmed")
    mine = signed_up(mailer, "group", g["id"], o.p1.token, "confirmed")
    mails_to(sink, o.p0, 1)
    mails_to(sink, o.p1, 1)
    release = threading.Event()
    with sink.lock:
        sink.hold[o.p0.email] = release
    r = mailer.api("PATCH", f"/api/v1/groups/{g['id']}", json={"schedule": weekly_from(13, 2)},
                   token=o.coord.token)
    assert_json(r, 200)
    wait_until(lambda: sink.tries.get(o.p0.email, 0) == 2, 20, what="the delivery process busy")
    assert cancel_signup(mailer, mine["id"], o.p1.token).status == 204
    release.set()
    mails_to(sink, o.p0, 2)
    wait_until(lambda: outbox_rows(pg, o.p1.id)[1][3] != "queued", 20, what="the row handled")
    assert outbox_rows(pg, o.p1.id)[1][2:4] == ("schedule_changed", "skipped")
    assert len(sink.to(o.p1.email)) == 1


def test_pairing_proposed_and_accepted_say_nothing_of_the_request(pg, mailer, smtp, admin):
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", other="coordinator", helper="member")
    r = mailer.api("POST", f"/api/v1/orgs/{o.slug}/supporters", json=supporter_body(o.helper.id),
                   token=o.coord.token)
    supporter = assert_json(r, 201)["supporter"]
    asker = register(mailer)
    secret = "Isäni kuoli keväällä enkä ole puhunut siitä kenellekään."
    body = request_body(message=secret)
    r = mailer.api("POST", f"/api/v1/orgs/{o.slug}/support-requests", json=body, token=asker.token)
    request = assert_json(r, 201)["request"]
    r = mailer.api("POST", f"/api/v1/support-requests/{request['id']}/match",
                   json={"supporter_id": supporter["id"], "note": "Soita hänelle maanantaina"},
                   token=o.coord.token)
    pairing = assert_json(r, 201)["pairing"]

    [proposed] = mails_to(sink, o.helper, 1)
    assert proposed["Subject"] == "Uusi ehdotus Piirissä"
    assert parts(proposed) == MIME_TREE[:-1]  # about no session: no calendar part
    text = text_of(proposed)
    assert "Koordinaattori on ehdottanut sinulle uutta kahdenkeskistä tukea" in text
    assert f"Kirjaudu Piiriin: {mailer.base_url}/fi/signin" in text
    assert f'href="{mailer.base_url}/fi/signin"' in proposed.get_body(("html",)).get_content()
    assert sink.to(asker.email) == [] and sink.to(o.coord.email) == []

    r = mailer.api("POST", f"/api/v1/pairings/{pairing['id']}/accept", token=o.helper.token)
    assert_json(r, 200)
    [accepted] = mails_to(sink, asker, 1)
    [told] = mails_to(sink, o.coord, 1)
    assert accepted["Subject"] == told["Subject"] == "Ehdotus on hyväksytty"
    assert "Sinulle ehdotettu tukihenkilö on hyväksynyt ehdotuksen" in text_of(accepted)
    assert "Tukihenkilö on hyväksynyt ehdotetun kahdenkeskisen tuen" in text_of(told)
    time.sleep(1.5)
    # The coordinator who proposed is told, not every coordinator; the
    # supporter got only the proposal.
    assert sink.to(o.other.email) == [] and len(sink.to(o.helper.email)) == 1
    assert [r[2:4] for r in outbox_rows(pg, o.helper.id)] == [("pairing_proposed", "sent")]
    assert [r[2:4] for r in outbox_rows(pg, asker.id)] == [("pairing_accepted", "sent")]

    # Nothing of the request, its preferences, the coordinator's note or the
    # one who asked is in any of the messages.
    for m in (proposed, accepted, told):
        raw = "\n".join(every_part(m)) + str(m["Subject"])
        for words in (secret, body["preferences"], "Soita hänelle", body["municipality"]):
            assert words not in raw, words
        if m is not accepted:  # the requester's own message greets them by name
            assert asker.display_name not in raw and asker.email not in raw
    assert o.helper.display_name in text_of(proposed)


def test_a_declined_proposal_is_not_sent(pg, mailer, smtp, admin):
    """A proposal withdrawn (declined) before its turn came is skipped."""
    import threading
    from helpers import wait_until
    _, sink = smtp
    o = org_with_people(mailer, admin[1], coord="coordinator", decoy="member", helper="member")
    r = mailer.api("POST", f"/api/v1/orgs/{o.slug}/supporters", json=supporter_body(o.helper.id),
                   token=o.coord.token)
    supporter = assert_json(r, 201)["supporter"]
    asker = register(mailer)
    r = mailer.api("POST", f"/api/v1/orgs/{o.slug}/support-requests", json=request_body(), token=asker.token)
    request = assert_json(r, 201)["request"]
    release = threading.Event()
    with sink.lock:
        sink.hold[o.decoy.email] = release
    g = make_group(mailer, o.slug, o.coord.token, capacity=5, schedule=weekly_from(12, 1))
    signed_up(mailer, "group", g["id"], o.decoy.token, "confirmed")
    wait_until(lambda: sink.tries.get(o.decoy.email, 0) == 1, 20, what="the delivery process busy")
    r = mailer.api("POST", f"/api/v1/support-requests/{request['id']}/match",
                   json={"supporter_id": supporter["id"]}, token=o.coord.token)
    pairing = assert_json(r, 201)["pairing"]
    r = mailer.api("POST", f"/api/v1/pairings/{pairing['id']}/decline", token=o.helper.token)
    assert_json(r, 200)
    release.set()
    mails_to(sink, o.decoy, 1)
    wait_until(lambda: outbox_rows(pg, o.helper.id)[0][3] != "queued", 20, what="the row handled")
    assert outbox_rows(pg, o.helper.id)[0][2:4] == ("pairing_proposed", "skipped")
    assert sink.to(o.helper.email) == []
