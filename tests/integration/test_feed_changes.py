# SPDX-License-Identifier: Apache-2.0
"""Calendar feeds after the changes a group lives through, each feed read by
every parser of feed_parsers.py (recurring-ical-events, vobject, ical.js,
node-ical, rrule.js), which must all agree with the API's sessions: a
schedule changed in the middle of a group, cancellations and moves older
than the window or moved out of it, series that start in a spring-forward
gap or the repeated autumn hour, SEQUENCE and DTSTAMP after changes of the
group, what a person's own feed does as they sign up again, the cancel reason
and a move in the description, and a render that straddles a commit."""

import re
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import feed_parsers
from helpers import (add_session, assert_json, cancel_session, cancel_signup, list_sessions, make_group,
                     move_session, nth_weekday, org_with_people, parse_time, psql, signed_up, today,
                     unique, wait_until, weekday_on_or_after)
from test_feeds import (HKI, feed, get, group_path, helsinki, instant, my_feed_path, org_path, settled,
                        uid_of, window)

TUESDAY, WEDNESDAY, SUNDAY = 1, 2, 6
PAST_DAYS, AHEAD_DAYS = 92, 366  # the feeds' window (schema/functions/feeds.sql)


@pytest.fixture(scope="module")
def o(server, admin):
    return org_with_people(server, admin[1], coord="coordinator", leader="leader",
                           p1="member", p2="member", p3="member")


def weekly(start_day, hh=18, mm=0, **rule):
    extra = "".join(f";{k.upper()}={v}" for k, v in rule.items())
    day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start_day.weekday()]
    return {"start": f"{start_day.isoformat()}T{hh:02}:{mm:02}", "duration_minutes": 90,
            "rrule": f"FREQ=WEEKLY;BYDAY={day}{extra}"}


def series_group(srv, o, schedule, **fields):
    fields.setdefault("access", "open")
    fields.setdefault("leaders", [o.leader.id])
    return make_group(srv, o.slug, o.coord.token, schedule=schedule, **fields)


def window_bounds():
    """The feeds' window as instants (the day at its end left out: the feed
    rendered a moment ago ends a moment earlier)."""
    now = datetime.now(timezone.utc)
    return now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS - 1)


def api_meetings(srv, gid):
    """(start, end) of the group's scheduled sessions that a feed's window
    holds, as the API lists them."""
    lo, hi = window_bounds()
    sessions = list_sessions(srv, gid, **{"from": lo.isoformat(), "to": hi.isoformat()})
    return sorted((int(parse_time(s["starts_at"]).timestamp()), int(parse_time(s["ends_at"]).timestamp()))
                  for s in sessions if s["status"] == "scheduled")


def every_parser(f, start, end):
    """The feed's occurrences between the dates START and END as
    recurring-ical-events makes them, after asserting that every other parser
    makes the same: sorted (uid, start, end)."""
    ours = sorted((str(e["UID"]), instant(e["DTSTART"].dt), instant(e["DTEND"].dt))
                  for e in f.occurrences(start, end))
    feed_parsers.check(f.raw, ours, feed_parsers.midnight(start, HKI), feed_parsers.midnight(end, HKI))
    return ours


def assert_feed_is_the_api(srv, gid, f):
    """Every parser shows exactly the group's scheduled sessions of the window,
    and nothing before it (from 400 days back: a rule must not bring back what
    is no longer in the window, nor what never happened)."""
    _, end = window()
    _, hi = window_bounds()
    shown = [(s, e) for _, s, e in every_parser(f, today() - timedelta(days=400), end) if s < hi.timestamp()]
    assert sorted(shown) == api_meetings(srv, gid), "the feed's meetings are not the API's"


def events_by_key(f):
    """Each event's (SEQUENCE, DTSTAMP) by UID and RECURRENCE-ID."""
    out = {}
    for e in f.events:
        rid = e["RECURRENCE-ID"].dt.isoformat() if "RECURRENCE-ID" in e else None
        out[(str(e["UID"]), rid)] = (int(e["SEQUENCE"]), e["DTSTAMP"].dt)
    return out


# --- The rule shows what the sessions say -----------------------------------------

def test_changed_schedule_of_an_ongoing_group_brings_back_no_past_meeting(server, o):
    """A weekly Tuesday group that began eight weeks ago moves to Wednesdays,
    its rule starting on a Wednesday eight weeks ago. The Tuesdays that were
    held stay; the past Wednesdays never happened and no parser may show them."""
    first_tuesday = weekday_on_or_after(today() - timedelta(weeks=8), TUESDAY)
    g = series_group(server, o, weekly(first_tuesday))
    first_wednesday = first_tuesday + timedelta(days=1)
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=o.coord.token,
                           json={"schedule": weekly(first_wednesday)}), 200)
    meetings = api_meetings(server, g["id"])
    past = [s for s, _ in meetings if s < time.time()]
    assert past and all(datetime.fromtimestamp(s, HKI).weekday() == TUESDAY for s in past), meetings
    f = settled(server, group_path(g["id"]), lambda f: b"BYDAY=WE" in f.raw, "the new rule")
    assert_feed_is_the_api(server, g["id"], f)
    assert_feed_is_the_api(server, g["id"], feed(server, org_path(o.slug)))


def test_a_new_schedule_moves_the_meeting_a_person_signed_up_for_in_every_feed(server, o):
    """A weekly Tuesday group under way moves to Wednesdays. The second meeting
    to come, which p2 signed up for, becomes the second Wednesday: p2's feed
    shows it there with a higher SEQUENCE, and the group's feed starts its rule
    at the first meeting to come, with no Tuesday left beside the Wednesdays."""
    first_tuesday = weekday_on_or_after(today() - timedelta(weeks=3), TUESDAY)
    g = series_group(server, o, weekly(first_tuesday))
    now = datetime.now(timezone.utc)
    coming = [s for s in list_sessions(server, g["id"]) if parse_time(s["starts_at"]) > now]
    signed_up(server, "session", coming[1]["id"], o.p2.token, "confirmed")
    mine, uid = my_feed_path(server, o.p2), f"p-{coming[1]['id']}@piiri"
    before = feed(server, mine).with_uid(uid)[0]
    group_before = settled(server, group_path(g["id"]), lambda f: True, "the feed").master(uid_of(g))
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=o.coord.token,
                           json={"schedule": weekly(first_tuesday + timedelta(days=1))}), 200)
    after = [s for s in list_sessions(server, g["id"]) if parse_time(s["starts_at"]) > now]
    assert {parse_time(s["starts_at"]).astimezone(HKI).weekday() for s in after} == {WEDNESDAY}, after
    assert after[1]["id"] == coming[1]["id"]
    moved = feed(server, mine).with_uid(uid)
    assert len(moved) == 1 and moved[0]["DTSTART"].dt == parse_time(after[1]["starts_at"])
    assert int(moved[0]["SEQUENCE"]) > int(before["SEQUENCE"])
    f = settled(server, group_path(g["id"]), lambda f: b"BYDAY=WE" in f.raw, "the new rule")
    master = f.master(uid_of(g))
    assert master["DTSTART"].dt == parse_time(after[0]["starts_at"])
    assert int(master["SEQUENCE"]) > int(group_before["SEQUENCE"])
    assert_feed_is_the_api(server, g["id"], f)


def test_cancellations_and_moves_older_than_the_window_stay_gone(server, o):
    """A group that began twenty weeks ago had a meeting cancelled sixteen
    weeks ago and one moved fifteen weeks ago: both are older than the feed's
    window, and the rule must not bring them back at their old times."""
    first = weekday_on_or_after(today() - timedelta(weeks=20), TUESDAY)
    g = series_group(server, o, weekly(first))
    sessions = list_sessions(server, g["id"], **{"from": (first - timedelta(days=1)).isoformat()})
    by_day = {parse_time(s["starts_at"]).date(): s for s in sessions}
    cancel_session(server, by_day[first + timedelta(weeks=4)]["id"], o.coord.token)
    move_session(server, by_day[first + timedelta(weeks=5)]["id"], o.coord.token,
                 helsinki(first + timedelta(weeks=5, days=2), 12), hours=1.5)
    f = settled(server, group_path(g["id"]), lambda f: True, "the feed")
    assert_feed_is_the_api(server, g["id"], f)


def test_a_session_moved_out_of_the_window_keeps_its_override(server, o):
    """A meeting in the window moved to a time past the window's end is an
    override still: its old time is not shown by any parser."""
    first = weekday_on_or_after(today() + timedelta(days=14), TUESDAY)
    g = series_group(server, o, weekly(first, COUNT=6))
    s = list_sessions(server, g["id"])[2]
    far = helsinki(today() + timedelta(days=AHEAD_DAYS + 30), 18)
    move_session(server, s["id"], o.coord.token, far, hours=1.5)
    f = settled(server, group_path(g["id"]), lambda f: b"RECURRENCE-ID" in f.raw, "the override")
    assert_feed_is_the_api(server, g["id"], f)
    override = [e for e in f.with_uid(uid_of(g)) if "RECURRENCE-ID" in e]
    assert len(override) == 1 and override[0]["DTSTART"].dt == far
    assert override[0]["RECURRENCE-ID"].dt == parse_time(s["starts_at"])


# --- Daylight saving time -----------------------------------------------------------

def next_change(month):
    """The next last Sunday of MONTH (3 or 10) at least two days ahead."""
    t = today()
    days = [nth_weekday(y, month, SUNDAY, -1) for y in (t.year, t.year + 1)]
    return min(d for d in days if d >= t + timedelta(days=2))


@pytest.mark.parametrize("month", [3, 10], ids=["spring-forward gap", "repeated autumn hour"])
def test_a_series_starting_in_a_changing_hour_reads_alike_everywhere(server, o, month):
    """Sundays at 03:30 in Helsinki from the change of summer time on: on that
    day 03:30 does not exist (RFC 5545: it is 04:30) or exists twice (the first
    is meant). DTSTART and every EXDATE carry the rule's 03:30, and every
    parser shows the API's instants, also for a series that reaches the change
    from before it."""
    change = next_change(month)
    starting = series_group(server, o, weekly(change, 3, 30, COUNT=4))
    crossing = series_group(server, o, weekly(change - timedelta(weeks=2), 3, 30, COUNT=4))
    span = {"from": (change - timedelta(weeks=3)).isoformat(), "to": (change + timedelta(weeks=7)).isoformat()}
    for g, gone in ((starting, 2), (crossing, 3)):
        s = list_sessions(server, g["id"], **span)
        assert len(s) == 4, s
        cancel_session(server, s[gone]["id"], o.coord.token)
        f = settled(server, group_path(g["id"]), lambda f: b"EXDATE" in f.raw, "the EXDATE")
        assert f.line(b"DTSTART;TZID")[0].endswith("T033000"), f.line(b"DTSTART")
        assert [x[-6:] for x in f.line(b"EXDATE")] == ["033000"], f.line(b"EXDATE")
        assert_feed_is_the_api(server, g["id"], f)
    first = parse_time(list_sessions(server, starting["id"], **span)[0]["starts_at"])
    assert first.astimezone(timezone.utc).strftime("%H:%M") == ("01:30" if month == 3 else "00:30")


# --- SEQUENCE and DTSTAMP -------------------------------------------------------------

def test_a_change_of_the_group_raises_every_event_a_change_of_capacity_none(server, o):
    """Title and place show in every event of a group: a camp, a one-off, an
    extra session, a session kept from an earlier schedule and a moved
    override all get a higher SEQUENCE and a later DTSTAMP. A new capacity
    shows nowhere: the feeds' bytes stay the same."""
    first = weekday_on_or_after(today() - timedelta(days=7), TUESDAY)  # held already
    g = series_group(server, o, weekly(first, COUNT=7))
    s = [x for x in list_sessions(server, g["id"], **{"from": first.isoformat()})
         if parse_time(x["starts_at"]) > datetime.now(timezone.utc)]
    signed_up(server, "session", s[0]["id"], o.p1.token, "confirmed")
    # The first meeting, held, is kept at 18:00; those to come move to 18:30.
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=o.coord.token,
                           json={"schedule": weekly(first, 18, 30, COUNT=7)}), 200)
    add_session(server, g["id"], o.coord.token, helsinki(first + timedelta(weeks=1, days=4), 12))
    moving = s[3]
    move_session(server, moving["id"], o.coord.token, helsinki(first + timedelta(weeks=2, days=1), 17),
                 hours=1.5)
    camp_day = first + timedelta(days=30)
    camp = make_group(server, o.slug, o.coord.token, kind="camp", access="open",
                      schedule={"start": f"{camp_day.isoformat()}T10:00", "duration_minutes": 4320})
    one_off = make_group(server, o.slug, o.coord.token, access="open",
                         schedule={"start": f"{camp_day.isoformat()}T18:00", "duration_minutes": 60})
    paths = [group_path(x["id"]) for x in (g, camp, one_off)]
    person = my_feed_path(server, o.p1)
    before = {p: settled(server, p, lambda f: True, "the feed") for p in paths}
    assert len(before[paths[0]].events) == 4  # master, override, kept, extra
    mine = feed(server, person)

    time.sleep(1.1)  # a later second for DTSTAMP
    for x in (g, camp, one_off):
        assert_json(server.api("PATCH", f"/api/v1/groups/{x['id']}", token=o.coord.token,
                               json={"capacity": 7}), 200)
    time.sleep(0.5)  # the notification reaches every worker
    for p in paths:
        for _ in range(6):
            assert get(server, p).body == before[p].raw, f"{p}: a new capacity changed the feed"
    assert feed(server, person).raw == mine.raw, "a new capacity changed the personal feed"

    for x in (g, camp, one_off):
        assert_json(server.api("PATCH", f"/api/v1/groups/{x['id']}", token=o.coord.token,
                               json={"title": unique("Uusi nimi"),
                                     "location": {"name": "Uusi paikka", "municipality": "Tampere"}}), 200)
    for p in paths:
        after = settled(server, p, lambda f: b"Uusi paikka" in f.raw, "the new place")
        old, new = events_by_key(before[p]), events_by_key(after)
        assert old.keys() == new.keys()
        for key in old:
            assert new[key][0] > old[key][0], f"{key}: SEQUENCE {old[key][0]} -> {new[key][0]}"
            assert new[key][1] > old[key][1], f"{key}: DTSTAMP {old[key][1]} -> {new[key][1]}"
    e0, e1 = events_by_key(mine), events_by_key(feed(server, person))
    assert all(e1[k][0] > e0[k][0] and e1[k][1] > e0[k][1] for k in e0), (e0, e1)


def test_personal_sequence_never_goes_down(server, o):
    """Confirmed, cancelled, then signed up again and waitlisted: the event
    comes back TENTATIVE with a higher SEQUENCE than it had when confirmed."""
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe", capacity=1)
    s = add_session(server, g["id"], o.coord.token, helsinki(today() + timedelta(days=20)))
    p = my_feed_path(server, o.p3)
    uid = f"p-{s['id']}@piiri"

    def seq():
        return {str(e["UID"]): (int(e["SEQUENCE"]), str(e["STATUS"])) for e in feed(server, p).events}.get(uid)
    first = signed_up(server, "session", s["id"], o.p3.token, "confirmed")
    confirmed = seq()
    assert confirmed[1] == "CONFIRMED"
    assert cancel_signup(server, first["id"], o.p3.token).status == 204
    assert seq() is None
    signed_up(server, "session", s["id"], o.p2.token, "confirmed")
    signed_up(server, "session", s["id"], o.p3.token, "waitlisted")
    waiting = seq()
    assert waiting[1] == "TENTATIVE"
    assert waiting[0] > confirmed[0], f"SEQUENCE went from {confirmed[0]} to {waiting[0]}"


# --- What a cancelled or moved session says ----------------------------------------------

def test_the_cancel_reason_and_a_move_reach_the_description(server, o):
    first = weekday_on_or_after(today() + timedelta(days=10), TUESDAY)
    g = series_group(server, o, weekly(first, COUNT=6), access="closed", description="Tervetuloa.")
    signed_up(server, "group", g["id"], o.p2.token, "confirmed")
    s = list_sessions(server, g["id"])
    reason = f"Ohjaaja sairastui {unique()}"
    cancel_session(server, s[1]["id"], o.coord.token, reason=reason)
    moved_from = first + timedelta(weeks=2)
    move_session(server, s[2]["id"], o.coord.token, helsinki(moved_from + timedelta(days=1), 17), hours=1.5)
    extra = add_session(server, g["id"], o.coord.token, helsinki(first + timedelta(days=3), 12))
    extra_reason = f"Sali on varattu {unique()}"
    cancel_session(server, extra["id"], o.coord.token, reason=extra_reason)
    said = f"Siirretty, alun perin ti {moved_from.day}.{moved_from.month}.{moved_from.year} klo 18.00."

    ours = {f"p-{x['id']}@piiri" for x in s + [extra]}
    mine = settled(server, my_feed_path(server, o.p2),
                   lambda f: len({str(e["UID"]) for e in f.events} & ours) == 7, "p2's sessions")
    by_uid = {str(e["UID"]): e for e in mine.events}
    cancelled = by_uid[f"p-{s[1]['id']}@piiri"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["DESCRIPTION"]).startswith(f"Peruttu: {reason}\n\nTervetuloa."), cancelled["DESCRIPTION"]
    assert str(by_uid[f"p-{s[2]['id']}@piiri"]["DESCRIPTION"]).startswith(said + "\n\nTervetuloa.")
    assert str(by_uid[f"p-{s[0]['id']}@piiri"]["DESCRIPTION"]) == "Tervetuloa."
    js = {x["uid"]: x["description"] for x in mine.js}
    assert js[f"p-{s[2]['id']}@piiri"].startswith(said)

    f = settled(server, group_path(g["id"]), lambda f: extra_reason.encode() in f.raw, "the extra's reason")
    override = [e for e in f.with_uid(uid_of(g)) if "RECURRENCE-ID" in e]
    assert len(override) == 1 and str(override[0]["DESCRIPTION"]) == said + "\n\nTervetuloa."
    assert str(f.master(uid_of(extra))["DESCRIPTION"]) == f"Peruttu: {extra_reason}\n\nTervetuloa."
    assert str(f.master(uid_of(g))["DESCRIPTION"]) == "Tervetuloa."

    assert_json(server.api("PATCH", "/api/v1/me", json={"discreet_calendar": True}, token=o.p2.token), 200)
    discreet = feed(server, my_feed_path(server, o.p2))
    assert reason.encode() not in discreet.raw and b"Tervetuloa" not in discreet.raw
    assert b"Peruttu." in discreet.raw
    assert_json(server.api("PATCH", "/api/v1/me", json={"discreet_calendar": False}, token=o.p2.token), 200)


def test_an_extra_session_moved_says_so(server, o):
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe")
    when = today() + timedelta(days=15)
    s = add_session(server, g["id"], o.coord.token, helsinki(when, 10))
    move_session(server, s["id"], o.coord.token, helsinki(when, 11))
    move_session(server, s["id"], o.coord.token, helsinki(when, 12))
    f = settled(server, group_path(g["id"]), lambda f: b"Siirretty" in f.raw, "the move")
    wd = ["ma", "ti", "ke", "to", "pe", "la", "su"][when.weekday()]
    assert str(f.events[0]["DESCRIPTION"]) == f"Siirretty, alun perin {wd} {when.day}.{when.month}.{when.year} klo 10.00."


# --- The cache ----------------------------------------------------------------------------

SLOW_FEED = """
    CREATE OR REPLACE FUNCTION feed_location(g groups) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        IF g.title LIKE 'hidas%' THEN PERFORM pg_sleep(2); END IF;
        RETURN nullif(concat_ws(', ', g.location_name, g.location_address, g.municipality), '');
    END $$"""


@pytest.fixture
def slow(tmp_path):
    """A piirid with one worker on a PostgreSQL of the test's own, where the
    feed of a group titled "hidas..." takes two seconds to read; (server,
    cluster url, the group's feed path, a function renaming the group)."""
    from helpers import Cluster, Server, new_email, new_password
    cluster = Cluster("straddle")
    cluster.start()
    srv = Server(cluster.url, "straddle", workers=1)
    try:
        srv.start()
        email, password = new_email(), new_password()
        assert srv.cli("create-admin", email, stdin=password + "\n").returncode == 0
        admin_token = assert_json(srv.api("POST", "/api/v1/auth/login",
                                          json={"email": email, "password": password}), 200)["token"]
        mine = org_with_people(srv, admin_token, coord="coordinator")
        g = make_group(srv, mine.slug, mine.coord.token, access="open", title="hidas ryhmä",
                       schedule=weekly(weekday_on_or_after(today() + timedelta(days=7), TUESDAY), COUNT=3))
        psql(cluster.url, SLOW_FEED)

        def rename():
            assert_json(srv.api("PATCH", f"/api/v1/groups/{g['id']}", json={"title": "nopea ryhmä"},
                                token=mine.coord.token), 200)
        yield srv, cluster.url, group_path(g["id"]), rename
    finally:
        srv.stop()
        cluster.stop()


def in_background(fn):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", fn()))
    t.start()
    return t, out


@pytest.mark.parametrize("listen", ["notified", "connection lost"])
def test_a_render_that_straddles_a_commit_is_neither_kept_nor_joined(slow, listen):
    """A feed's render is under way (its query takes two seconds) when the
    group is renamed. It answers with what its query saw, but it is not kept,
    and a request that comes after the change does not wait for it: also when
    the change's notification is lost with the LISTEN connection (killed here
    before the change), which comes back only a second later."""
    srv, url, path, rename = slow
    t, first = in_background(lambda: get(srv, path))
    time.sleep(0.4)
    if listen == "connection lost":
        assert psql(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'piirid-listen'") == "1"
        time.sleep(0.1)
    rename()
    started = time.monotonic()
    after = get(srv, path)
    assert b"nopea" in after.body, "a request after the change got the render from before it"
    assert time.monotonic() - started < 1.5
    t.join(10)
    assert b"hidas" in first["r"].body  # what its query saw
    time.sleep(1.5)  # the LISTEN connection is back
    for _ in range(6):
        assert b"nopea" in get(srv, path).body, "a render from before the change was kept"
