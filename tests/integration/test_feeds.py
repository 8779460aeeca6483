# SPDX-License-Identifier: Apache-2.0
"""Calendar feeds from the real server (GET /calendars/...), every one read by
independent parsers: python3-icalendar with recurring-ical-events and
python3-vobject (Debian's, under /usr/bin/python3), and ical.js (the engine
Thunderbird uses), node-ical and rrule.js from npm (feed_parsers.py). Series across a change of summer
time, cancelled, moved and extra sessions, camps, the org tree, personal feeds
(signups, waitlist, discreet titles, token rotation), the HTTP side (ETag and
304, Last-Modified, Cache-Control, gzip, no content negotiation), stable bytes
and cache invalidation across workers and processes, folding and escaping,
and odd paths.

Feed responses are text/calendar, so they are fetched here without being
recorded in helpers.RESPONSES (test_zz_logs.py wants JSON everywhere else);
each fetch checks its own X-Request-Id."""

import gzip
import http.client
import json
import re
import socket
import subprocess
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

import feed_parsers

from helpers import (ROOT, Headers, Resp, add_session, assert_json, cancel_session, concurrently,
                     cancel_signup, list_sessions, make_group, move_session, nth_weekday,
                     org_with_people, parse_time, register, set_role, signed_up, today,
                     unique, wait_until, weekday_on_or_after)

HELSINKI = "Europe/Helsinki"
HKI = ZoneInfo(HELSINKI)
TUESDAY, WEDNESDAY = 1, 2
DISCREET = "Piiri: vertaistapaaminen"
CALENDAR_TYPE = "text/calendar; charset=utf-8"


# --- Fetching ---------------------------------------------------------------

def get(srv, path, headers=None):
    """GET PATH on a fresh connection with exactly HEADERS (no Accept-Encoding
    unless given); Resp(status, headers, raw bytes). Never a 500; always an
    X-Request-Id."""
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=15)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        r = Resp(resp.status, Headers(resp.getheaders()), resp.read())
    finally:
        conn.close()
    assert r.status < 500, f"GET {path}: {r.status} {r.body[:300]!r}"
    assert r.headers.get("X-Request-Id"), f"GET {path}: no X-Request-Id"
    return r


def raw_exchange(srv, request):
    """Sends REQUEST bytes on a fresh connection and reads until the server closes it."""
    with socket.create_connection((srv.host, srv.port), timeout=15) as s:
        s.sendall(request)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks)


def group_path(gid):
    return f"/calendars/groups/{gid}.ics"


def org_path(slug):
    return f"/calendars/orgs/{slug}.ics"


def person_path(token):
    return f"/calendars/people/{token}.ics"


def me(srv, person):
    return assert_json(srv.api("GET", "/api/v1/me", token=person.token), 200)


def my_feed_path(srv, person):
    return urlsplit(me(srv, person)["calendar_url"]).path


# --- Reading ----------------------------------------------------------------

def unfold(raw):
    """The logical content lines of RAW (CRLF folding undone, as bytes)."""
    return raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n")[:-1]


def assert_well_formed(raw):
    """CRLF lines of at most 75 octets, each whole UTF-8; a VCALENDAR."""
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n"), raw[:100]
    assert raw.endswith(b"END:VCALENDAR\r\n"), raw[-100:]
    raw.decode("utf-8")
    for line in raw.split(b"\r\n")[:-1]:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, f"a line of {len(line)} octets: {line!r}"
        line.decode("utf-8")  # no character cut in two by a fold
    in_event = False
    for line in unfold(raw):
        name = line.split(b":", 1)[0]
        in_event = (in_event or line == b"BEGIN:VEVENT") and line != b"END:VEVENT"
        # An event's times are never floating: a TZID, a DATE, or UTC.
        if in_event and re.match(rb"(DTSTART|DTEND|EXDATE|RECURRENCE-ID)[;:]", name + b":"):
            value = line.split(b":", 1)[1]
            assert (b"TZID=" in name or b"VALUE=DATE" in name or value.endswith(b"Z")), line


class Feed:
    """A fetched feed: its response, bytes, python-icalendar's reading of them
    and (if available) ical.js's occurrences."""

    def __init__(self, r):
        self.r = r
        self.raw = r.body
        assert_well_formed(self.raw)
        self.cal = icalendar.Calendar.from_ical(self.raw)
        self.lines = unfold(self.raw)

    @property
    def events(self):
        return list(self.cal.walk("VEVENT"))

    def with_uid(self, uid):
        return [e for e in self.events if str(e["UID"]) == uid]

    def master(self, uid):
        found = [e for e in self.with_uid(uid) if "RECURRENCE-ID" not in e]
        assert len(found) == 1, f"{len(found)} masters for {uid}"
        return found[0]

    def occurrences(self, start, end):
        """recurring-ical-events' occurrences START..END (dates)."""
        return recurring_ical_events.of(self.cal).between(start, end)

    def starts(self, uid, start, end):
        """The local (Helsinki) starts of UID's occurrences, sorted, as aware datetimes."""
        return sorted(e["DTSTART"].dt.astimezone(HKI) for e in self.occurrences(start, end)
                      if str(e["UID"]) == uid)

    def line(self, prefix):
        """The unfolded content lines of the events starting with PREFIX (bytes), decoded."""
        out, in_event = [], False
        for ln in self.lines:
            in_event = (in_event or ln == b"BEGIN:VEVENT") and ln != b"END:VEVENT"
            if in_event and ln.startswith(prefix):
                out.append(ln.decode())
        return out


instant = feed_parsers.value


def window():
    """The feeds' window, with a little to spare: 3 months back, 12 ahead."""
    return today() - timedelta(days=100), today() + timedelta(days=372)


def feed(srv, path, headers=None):
    """GET a feed (asserting 200, the calendar type), read by every parser: vobject's,
    ical.js', node-ical's and rrule.js' occurrences must be recurring-ical-events' ones
    (feed_parsers.check). f.js: ical.js' occurrences, with their texts."""
    r = get(srv, path, headers)
    assert r.status == 200, f"GET {path}: {r.status} {r.body[:300]!r}"
    assert r.headers.get("Content-Type") == CALENDAR_TYPE, r.headers.get("Content-Type")
    f = Feed(r)
    start, end = window()
    ours = [(str(e["UID"]), instant(e["DTSTART"].dt),
             instant(e["DTEND"].dt if "DTEND" in e else e["DTSTART"].dt))
            for e in f.occurrences(start, end)]
    f.js = feed_parsers.check(f.raw, ours, feed_parsers.midnight(start, HKI),
                              feed_parsers.midnight(end, HKI))["icaljs"]
    return f


def settled(srv, path, pred, what, fetches=6, timeout=10):
    """Waits until FETCHES fetches in a row on fresh connections (so every worker
    answers) give a feed for which PRED is true; the last Feed."""
    def ok():
        last = None
        for _ in range(fetches):
            last = feed(srv, path)
            if not pred(last):
                return None
        return last
    return wait_until(ok, timeout, what=what)


def assert_not_found(srv, path):
    r = get(srv, path)
    assert r.status == 404, f"GET {path}: expected 404, got {r.status}: {r.body[:300]!r}"
    return r


# --- Dates ------------------------------------------------------------------

def next_eu_change(min_days=22):
    """The nearest EU change of summer time (last Sunday of March or October) at
    least MIN_DAYS ahead: 2027-03-28 when these tests were written. Some weeks
    before and after it fit in the feeds' 12 months ahead."""
    now = today()
    days = [nth_weekday(y, m, 6, -1) for y in (now.year, now.year + 1) for m in (3, 10)]
    return min(d for d in days if d >= now + timedelta(days=min_days))


def helsinki(d, hh=18, mm=0):
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=HKI)


# --- Fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module")
def o(server, admin):
    """An org with a coordinator, a leader and members."""
    return org_with_people(server, admin[1], coord="coordinator", leader="leader",
                           p1="member", p2="member", p3="member", p4="member")


@pytest.fixture
def dst():
    """A weekly Tuesday 18:00 series of six meetings, three before the change of
    summer time and three after: (first Tuesday, the Tuesdays, schedule)."""
    change = next_eu_change()
    first = weekday_on_or_after(change - timedelta(days=20), TUESDAY)
    days = [first + timedelta(weeks=i) for i in range(6)]
    assert days[2] < change < days[3]
    schedule = {"start": f"{first.isoformat()}T18:00", "duration_minutes": 90,
                "rrule": f"FREQ=WEEKLY;BYDAY=TU;UNTIL={days[-1]:%Y%m%d}T180000"}
    return days, schedule


def weekly_group(srv, o, schedule, **fields):
    fields.setdefault("leaders", [o.leader.id])
    fields.setdefault("access", "closed")
    return make_group(srv, o.slug, o.coord.token, schedule=schedule, **fields)


def sessions_of(srv, gid, days):
    s = list_sessions(srv, gid, **{"from": (days[0] - timedelta(days=1)).isoformat(),
                                   "to": (days[-1] + timedelta(days=2)).isoformat()})
    assert [parse_time(x["starts_at"]).date() for x in s] == days, s
    return s


def uid_of(x):
    return f"{x['id']}@piiri"


# --- Series -----------------------------------------------------------------

def test_weekly_series_keeps_its_local_time_across_the_dst_change(server, o, dst):
    days, schedule = dst
    g = weekly_group(server, o, schedule)
    f = feed(server, group_path(g["id"]))
    uid = uid_of(g)
    m = f.master(uid)
    assert len(f.events) == 1, [str(e["UID"]) for e in f.events]
    assert f.line(b"DTSTART") == [f"DTSTART;TZID={HELSINKI}:{days[0]:%Y%m%d}T180000"]
    assert f.line(b"DTEND") == [f"DTEND;TZID={HELSINKI}:{days[0]:%Y%m%d}T193000"]
    # UNTIL in UTC, letting in the last Tuesday and nothing after it.
    rrule = f.line(b"RRULE:")
    assert len(rrule) == 1 and "FREQ=WEEKLY" in rrule[0], rrule
    until = re.search(r"UNTIL=(\d{8}T\d{6})Z", rrule[0])
    assert until, f"UNTIL is not in UTC: {rrule[0]}"
    until = datetime.strptime(until.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    assert helsinki(days[-1]) <= until < helsinki(days[-1] + timedelta(weeks=1))
    assert m["DTSTART"].params["TZID"] == HELSINKI

    starts = f.starts(uid, days[0] - timedelta(days=7), days[-1] + timedelta(days=30))
    assert [s.date() for s in starts] == days
    for s, d in zip(starts, days):
        assert s == helsinki(d), f"{s.isoformat()} is not 18:00 in Helsinki on {d}"
        assert (s.hour, s.minute) == (18, 0) and s.utcoffset() == helsinki(d).utcoffset()
    assert starts[2].utcoffset() != starts[3].utcoffset()  # the change is between them
    ends = sorted(e["DTEND"].dt for e in f.occurrences(days[0], days[-1] + timedelta(days=1)))
    assert [e - s for s, e in zip(starts, ends)] == [timedelta(minutes=90)] * 6
    if f.js is not None:
        mine = sorted((o_["start"], o_["wall"], o_["tzid"]) for o_ in f.js if o_["uid"] == uid)
        assert mine == [(int(helsinki(d).timestamp()), f"{d.isoformat()}T18:00:00", HELSINKI)
                        for d in days], mine


def test_cancelled_session_becomes_an_exdate_and_the_sequence_grows(server, o, dst):
    days, schedule = dst
    g = weekly_group(server, o, schedule)
    uid, path = uid_of(g), group_path(g["id"])
    before = feed(server, path)
    seq0 = int(before.master(uid)["SEQUENCE"])
    assert "EXDATE" not in before.master(uid)
    gone = sessions_of(server, g["id"], days)[4]  # in summer time, after the change
    cancel_session(server, gone["id"], o.leader.token)

    f = settled(server, path, lambda f: "EXDATE" in f.master(uid), "the EXDATE")
    m = f.master(uid)
    assert f.line(b"EXDATE") == [f"EXDATE;TZID={HELSINKI}:{days[4]:%Y%m%d}T180000"]
    assert m["EXDATE"].params["TZID"] == HELSINKI
    assert int(m["SEQUENCE"]) > seq0
    starts = f.starts(uid, days[0], days[-1] + timedelta(days=1))
    assert [s.date() for s in starts] == days[:4] + days[5:]
    assert all((s.hour, s.minute) == (18, 0) for s in starts)
    assert len(f.with_uid(uid)) == 1  # no event of its own for the cancelled one
    if f.js is not None:
        assert sorted(o_["wall"][:10] for o_ in f.js if o_["uid"] == uid) == \
            [d.isoformat() for d in days[:4] + days[5:]]


def test_moved_session_is_an_override_beside_its_master(server, o, dst):
    days, schedule = dst
    g = weekly_group(server, o, schedule)
    uid, path = uid_of(g), group_path(g["id"])
    seq0 = int(feed(server, path).master(uid)["SEQUENCE"])
    moving = sessions_of(server, g["id"], days)[3]
    new_start = helsinki(days[3] + timedelta(days=1), 17, 0)  # Wednesday 17:00
    move_session(server, moving["id"], o.leader.token, new_start, hours=1.5)

    f = settled(server, path, lambda f: len(f.with_uid(uid)) == 2, "the override")
    master = f.master(uid)
    override = [e for e in f.with_uid(uid) if "RECURRENCE-ID" in e][0]
    assert f.line(b"RECURRENCE-ID") == [f"RECURRENCE-ID;TZID={HELSINKI}:{days[3]:%Y%m%d}T180000"]
    assert override["RECURRENCE-ID"].params["TZID"] == HELSINKI
    assert override["DTSTART"].dt == new_start
    assert override["DTEND"].dt == new_start + timedelta(minutes=90)
    assert int(master["SEQUENCE"]) > seq0

    starts = f.starts(uid, days[0], days[-1] + timedelta(days=1))
    assert helsinki(days[3]) not in starts, "the moved meeting still shows at its old time"
    assert new_start in starts
    assert len(starts) == 6
    assert starts == sorted([helsinki(d) for d in days if d != days[3]] + [new_start])
    if f.js is not None:
        js = sorted(o_["start"] for o_ in f.js if o_["uid"] == uid)
        assert int(new_start.timestamp()) in js and int(helsinki(days[3]).timestamp()) not in js


def test_extra_session_and_camp(server, o, dst):
    days, schedule = dst
    g = weekly_group(server, o, schedule, access="open")
    extra_start = helsinki(days[1] + timedelta(days=4), 12, 0)  # a Saturday
    extra = add_session(server, g["id"], o.coord.token, extra_start, hours=3)
    camp_day = days[-1] + timedelta(days=20)
    camp = make_group(server, o.slug, o.coord.token, kind="camp", access="closed",
                      title=f"Perheleiri {unique('l')}",
                      schedule={"start": f"{camp_day.isoformat()}T10:00", "duration_minutes": 4320})

    f = settled(server, group_path(g["id"]), lambda f: len(f.events) == 2, "the extra session")
    one = f.master(uid_of(extra))
    assert "RRULE" not in one and "RECURRENCE-ID" not in one
    assert one["DTSTART"].dt == extra_start and one["DTSTART"].params["TZID"] == HELSINKI
    assert one["DTEND"].dt == extra_start + timedelta(hours=3)
    starts = sorted(e["DTSTART"].dt for e in f.occurrences(days[0], days[-1] + timedelta(days=1)))
    assert starts == sorted([helsinki(d) for d in days] + [extra_start])

    c = feed(server, group_path(camp["id"]))
    assert len(c.events) == 1
    e = c.events[0]
    assert f"DTSTART;VALUE=DATE:{camp_day:%Y%m%d}" in c.line(b"DTSTART")
    # 10:00 on day 1 to 10:00 on day 4: the 4th is the last day, DTEND the day after.
    last = camp_day + timedelta(days=3)
    assert c.line(b"DTEND") == [f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}"]
    assert e["DTSTART"].dt == camp_day and e["DTEND"].dt == last + timedelta(days=1)
    for day, inside in [(camp_day - timedelta(days=1), False), (camp_day, True),
                        (last, True), (last + timedelta(days=1), False)]:
        found = c.occurrences(day, day + timedelta(days=1))
        assert bool(found) == inside, day
    if c.js is not None:
        assert [(x["wall"], x["end_wall"], x["all_day"]) for x in c.js] == \
            [(camp_day.isoformat(), (last + timedelta(days=1)).isoformat(), True)]


def test_one_clean_vtimezone_named_europe_helsinki(server, o, dst):
    days, schedule = dst
    slug = unique("vtz")
    org = assert_json(server.api("POST", "/api/v1/orgs", json={"slug": slug, "name": "VTZ ry"},
                                 token=o.admin_token), 201)["org"]
    set_role(server, org["slug"], o.coord.id, "coordinator", o.admin_token)
    for _ in range(3):
        make_group(server, slug, o.coord.token, access="open", schedule=schedule)
    f = feed(server, org_path(slug))
    assert len(f.events) == 3
    assert f.raw.count(b"BEGIN:VTIMEZONE\r\n") == 1
    assert [ln for ln in f.lines if ln.startswith(b"TZID")] == [f"TZID:{HELSINKI}".encode()]
    assert b"freeassociation" not in f.raw and b"X-LIC" not in f.raw
    zones = f.cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == [HELSINKI]
    tzids = set(re.findall(rb";TZID=([^:;]+)", f.raw))
    assert tzids == {HELSINKI.encode()}
    # The component itself gives Helsinki's offsets (as a client without its own
    # zone database would read it).
    tz = zones[0].to_tz()
    t = datetime(today().year, 1, 1, tzinfo=timezone.utc)
    while t.year <= today().year + 2:
        assert datetime.fromtimestamp(t.timestamp(), tz).utcoffset() == t.astimezone(HKI).utcoffset(), t
        t += timedelta(hours=6)


# --- What a feed may show ---------------------------------------------------

def test_closed_group_public_feeds_never_carry_the_link(server, o, dst):
    days, schedule = dst
    url = f"https://meet.example.org/suljettu-{uuid.uuid4().hex}"
    g = weekly_group(server, o, schedule, access="closed", modality="remote", online_url=url,
                     description="Etäryhmä; linkki lähetetään ilmoittautuneille.")
    cancel_session(server, sessions_of(server, g["id"], days)[1]["id"], o.coord.token)
    for path in (group_path(g["id"]), org_path(o.slug)):
        for headers in (None, {"Accept-Encoding": "gzip"}):
            r = get(server, path, headers)
            assert r.status == 200
            body = gzip.decompress(r.body) if r.headers.get("Content-Encoding") == "gzip" else r.body
            assert url.encode() not in body, f"{path} carries the closed group's link"
            assert url.split("//")[1].encode() not in body
        f = feed(server, path)
        assert all(str(e.get("URL", "")) != url for e in f.events)


def test_open_group_feed_has_the_link_in_url(server, o, dst):
    days, schedule = dst
    url = f"https://meet.example.org/avoin-{uuid.uuid4().hex}?k=1&x=%C3%A4"
    g = weekly_group(server, o, schedule, access="open", modality="remote", online_url=url)
    f = feed(server, group_path(g["id"]))
    assert str(f.master(uid_of(g))["URL"]) == url
    assert f"URL:{url}" in f.line(b"URL:")
    if f.js is not None:
        assert {x["url"] for x in f.js} == {url}
    assert str(feed(server, org_path(o.slug)).master(uid_of(g))["URL"]) == url


def test_org_feed_takes_child_orgs_public_groups_only(server, o, dst):
    days, schedule = dst
    token = o.admin_token
    parent = org_with_people(server, token, coord="coordinator")
    child_slug = unique("alaosasto")
    assert_json(server.api("POST", "/api/v1/orgs", token=token,
                           json={"slug": child_slug, "name": "Alaosasto ry", "parent": parent.slug}), 201)
    grandchild_slug = unique("paikallinen")
    assert_json(server.api("POST", "/api/v1/orgs", token=token,
                           json={"slug": grandchild_slug, "name": "Paikallinen", "parent": child_slug}), 201)
    other = org_with_people(server, token, coord="coordinator")
    for slug in (child_slug, grandchild_slug):
        set_role(server, slug, parent.coord.id, "coordinator", token)
    c = parent.coord.token

    def group(slug, token_, **fields):
        fields.setdefault("access", "open")
        return make_group(server, slug, token_, schedule=schedule, **fields)
    shown = [group(parent.slug, c), group(child_slug, c), group(grandchild_slug, c),
             group(child_slug, c, access="closed")]
    hidden = [group(parent.slug, c, audience="members"), group(child_slug, c, audience="members")]
    archived = [group(parent.slug, c), group(child_slug, c)]
    elsewhere = [group(other.slug, other.coord.token)]
    for g in archived:
        r = server.api("DELETE", f"/api/v1/groups/{g['id']}", token=c)
        assert r.status == 204, r

    want = {uid_of(g) for g in shown}
    f = settled(server, org_path(parent.slug), lambda f: {str(e["UID"]) for e in f.events} == want,
                "the org feed with exactly its public groups")
    for g in hidden + archived + elsewhere:
        assert g["title"].encode() not in f.raw, g
    assert str(f.cal["X-WR-CALNAME"]).endswith(parent.org["name"])
    child = feed(server, org_path(child_slug))
    assert {str(e["UID"]) for e in child.events} == {uid_of(g) for g in shown[1:]}


# --- Personal feeds ---------------------------------------------------------

def test_me_gives_the_calendar_and_webcal_urls(server, o):
    p = register(server)
    body = me(server, p)
    url, webcal = body["calendar_url"], body["webcal_url"]
    assert url.startswith(server.base_url + "/calendars/people/") and url.endswith(".ics"), url
    assert len(url) <= 256
    assert webcal == "webcal://" + url.split("://", 1)[1]
    assert body["discreet_calendar"] is False
    token = urlsplit(url).path.rsplit("/", 1)[1][:-4]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token), token
    f = feed(server, urlsplit(url).path)
    assert f.events == []
    assert me(server, p)["calendar_url"] == url  # the same link until rotated


def test_personal_feed_follows_signups_and_cancellations(server, o):
    open_g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe",
                        leaders=[o.leader.id])
    s1 = add_session(server, open_g["id"], o.coord.token, helsinki(today() + timedelta(days=40)))
    s2 = add_session(server, open_g["id"], o.coord.token, helsinki(today() + timedelta(days=47)))
    p = register(server)
    path = my_feed_path(server, p)
    assert feed(server, path).events == []

    a = signed_up(server, "session", s1["id"], p.token, "confirmed")
    f = settled(server, path, lambda f: len(f.events) == 1, "the signup in the feed")
    e = f.events[0]
    assert str(e["UID"]) == f"p-{s1['id']}@piiri"
    assert e["DTSTART"].dt == parse_time(s1["starts_at"])
    assert str(e["STATUS"]) == "CONFIRMED" and str(e["SUMMARY"]) == open_g["title"]

    b = signed_up(server, "session", s2["id"], p.token, "confirmed")
    settled(server, path, lambda f: len(f.events) == 2, "the second signup")
    r = cancel_signup(server, a["id"], p.token)
    assert r.status in (200, 204), r
    f = settled(server, path, lambda f: len(f.events) == 1, "the cancelled signup gone")
    assert str(f.events[0]["UID"]) == f"p-{s2['id']}@piiri"
    assert open_g["title"].encode() in f.raw
    r = cancel_signup(server, b["id"], p.token)
    assert r.status in (200, 204), r
    settled(server, path, lambda f: f.events == [], "an empty feed")


def test_personal_feed_series_waitlist_cancelled_session_and_link(server, o, dst):
    days, schedule = dst
    url = f"https://meet.example.org/ryhma-{uuid.uuid4().hex}"
    g = weekly_group(server, o, schedule, access="closed", modality="remote", online_url=url,
                     capacity=1, description="Suljettu ryhmä, pilkku; puolipiste.")
    sessions = sessions_of(server, g["id"], days)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    signed_up(server, "group", g["id"], o.p2.token, "waitlisted")
    confirmed, waiting = my_feed_path(server, o.p1), my_feed_path(server, o.p2)

    def mine(f):
        return {str(e["UID"]): e for e in f.events if str(e["UID"]).startswith("p-") and
                str(e["UID"])[2:-6] in {s["id"] for s in sessions}}
    f = settled(server, confirmed, lambda f: len(mine(f)) == 6, "p1's six sessions")
    for e in mine(f).values():
        assert str(e["STATUS"]) == "CONFIRMED"
        assert str(e["URL"]) == url, "a confirmed participant of a closed group gets the link"
        assert e["DTSTART"].params["TZID"] == HELSINKI
        assert e["DTSTART"].dt.astimezone(HKI).hour == 18
    assert sorted(e["DTSTART"].dt for e in mine(f).values()) == [helsinki(d) for d in days]

    w = settled(server, waiting, lambda f: len(mine(f)) == 6, "p2's six waitlisted sessions")
    for e in mine(w).values():
        assert str(e["STATUS"]) == "TENTATIVE", "a waitlisted session is tentative"
    assert url.encode() not in w.raw, "the link went to someone still waiting"

    sid = sessions[2]["id"]
    cancel_session(server, sid, o.leader.token)
    f = settled(server, confirmed,
                lambda f: str(mine(f).get(f"p-{sid}@piiri", {}).get("STATUS")) == "CANCELLED",
                "the cancelled session")
    assert len(mine(f)) == 6, "a cancelled session stays in the personal feed"
    assert [str(e["STATUS"]) for u, e in mine(f).items() if u != f"p-{sid}@piiri"] == ["CONFIRMED"] * 5


def test_personal_feed_link_in_url_location_and_description(server, o):
    """DESIGN: personal feeds carry the meeting link in URL, LOCATION and DESCRIPTION."""
    url = f"https://meet.example.org/etapiiri-{uuid.uuid4().hex}"
    g = make_group(server, o.slug, o.coord.token, access="closed", modality="remote", online_url=url,
                   description="Tapaamme verkossa.", leaders=[o.leader.id])
    add_session(server, g["id"], o.coord.token, helsinki(today() + timedelta(days=33)))
    p = register(server)
    set_role(server, o.slug, p.id, "member", o.admin_token)
    signed_up(server, "group", g["id"], p.token, "confirmed")
    f = settled(server, my_feed_path(server, p), lambda f: len(f.events) == 1, "the session")
    e = f.events[0]
    assert str(e["URL"]) == url
    assert url in str(e.get("LOCATION", "")), f"LOCATION: {e.get('LOCATION')!r}"
    assert url in str(e.get("DESCRIPTION", "")), f"DESCRIPTION: {e.get('DESCRIPTION')!r}"


def test_discreet_titles(server, o, dst):
    days, schedule = dst
    title = f"Päihdeomaisten vertaisryhmä {uuid.uuid4().hex[:8]}"
    description = f"Aiheena läheisen alkoholinkäyttö {uuid.uuid4().hex[:8]}"
    g = weekly_group(server, o, schedule, title=title, description=description)
    p = register(server)
    set_role(server, o.slug, p.id, "member", o.admin_token)
    signed_up(server, "group", g["id"], p.token, "confirmed")
    path = my_feed_path(server, p)
    settled(server, path, lambda f: len(f.events) == 6 and title.encode() in f.raw, "the titles")

    body = assert_json(server.api("PATCH", "/api/v1/me", json={"discreet_calendar": True},
                                  token=p.token), 200)
    assert body["discreet_calendar"] is True
    assert me(server, p)["discreet_calendar"] is True
    f = settled(server, path, lambda f: title.encode() not in f.raw, "discreet titles")
    assert len(f.events) == 6
    assert {str(e["SUMMARY"]) for e in f.events} == {DISCREET}
    for text in (title, description, title.split()[0], description[:30]):
        assert text.encode() not in f.raw, f"{text!r} in a discreet feed"
    for headers in ({"Accept-Encoding": "gzip"},):
        r = get(server, path, headers)
        body_ = gzip.decompress(r.body) if r.headers.get("Content-Encoding") == "gzip" else r.body
        assert title.encode() not in body_ and description.encode() not in body_
    if f.js is not None:
        assert {x["summary"] for x in f.js} == {DISCREET}

    assert_json(server.api("PATCH", "/api/v1/me", json={"discreet_calendar": False}, token=p.token), 200)
    f = settled(server, path, lambda f: title.encode() in f.raw, "titles back")
    assert {str(e["SUMMARY"]) for e in f.events} == {title}


def test_calendar_token_rotation(server, o):
    p = register(server)
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe")
    s = add_session(server, g["id"], o.coord.token, helsinki(today() + timedelta(days=21)))
    signed_up(server, "session", s["id"], p.token, "confirmed")
    old = me(server, p)
    old_path = urlsplit(old["calendar_url"]).path
    before = settled(server, old_path, lambda f: len(f.events) == 1, "the signup")
    for _ in range(6):
        feed(server, old_path)  # cached in every worker

    r = server.api("POST", "/api/v1/me/calendar-token", token=p.token)
    body = assert_json(r, 200)
    new_url = body["calendar_url"]
    assert new_url != old["calendar_url"]
    assert body["webcal_url"] == "webcal://" + new_url.split("://", 1)[1]
    assert me(server, p)["calendar_url"] == new_url
    new_path = urlsplit(new_url).path
    # The old link stops working in every worker. (Not always in the very first
    # milliseconds: the other worker drops its cached copy when the NOTIFY
    # reaches it, so this waits as briefly as the other invalidation tests.)
    wait_until(lambda: all(get(server, old_path).status == 404 for _ in range(8)), 5,
               what="the old link to be 404 in every worker")
    for _ in range(8):
        assert_not_found(server, old_path)
    for _ in range(4):
        f = feed(server, new_path)
        assert f.raw == before.raw


def test_unknown_and_malformed_tokens_404(server):
    for token in ["AAAAAAAAAAAAAAAAAAAAAA", "zzzzzzzzzzzzzzzzzzzzzz", "-_-_-_-_-_-_-_-_-_-_-_",
                  "short", "", "x" * 300, "AAAAAAAAAAAAAAAAAAAAA%21", "%00" * 22,
                  "%C3%A4" * 11, "..", "AAAAAAAAAAAAAAAAAAAAAA.ics"]:
        r = get(server, person_path(token))
        assert r.status == 404, f"{token!r}: {r.status} {r.body[:200]!r}"


# --- HTTP -------------------------------------------------------------------

@pytest.fixture(scope="module")
def paths(server, o):
    """A group feed, the org feed and a personal feed, each with something in it."""
    start = today() + timedelta(days=30)
    g = make_group(server, o.slug, o.coord.token, access="open", kind="family_cafe",
                   description="Kahvia, pullaa; juttuseuraa. " * 20,
                   schedule={"start": f"{weekday_on_or_after(start, TUESDAY)}T17:30",
                             "duration_minutes": 120, "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=20"})
    sid = list_sessions(server, g["id"])[0]["id"]
    signed_up(server, "session", sid, o.p3.token, "confirmed")
    return {"group": group_path(g["id"]), "org": org_path(o.slug),
            "person": my_feed_path(server, o.p3)}


@pytest.mark.parametrize("kind", ["group", "org", "person"])
def test_http_headers(server, paths, kind):
    r = feed(server, paths[kind]).r
    h = r.headers
    assert h.get("Content-Type") == CALENDAR_TYPE
    etag = h.get("ETag")
    assert etag and re.fullmatch(r'"[^"\s]+"', etag), f"not a strong ETag: {etag!r}"
    lm = parsedate_to_datetime(h.get("Last-Modified"))
    assert lm.tzinfo is not None and lm <= datetime.now(timezone.utc) + timedelta(seconds=1)
    cc = [x.strip().lower() for x in h.get("Cache-Control", "").split(",")]
    if kind == "person":
        assert "private" in cc and "public" not in cc, cc
    else:
        assert "public" in cc and "private" not in cc, cc
    assert "Content-Encoding" not in h
    assert int(h.get("Content-Length")) == len(r.body)


@pytest.mark.parametrize("kind", ["group", "org", "person"])
def test_if_none_match_304_without_a_body(server, paths, kind):
    r = feed(server, paths[kind]).r
    etag = r.headers["ETag"]
    for inm in (etag, f'"nope", {etag}', f"W/{etag}", "*"):
        n = get(server, paths[kind], {"If-None-Match": inm})
        assert n.status == 304, f"If-None-Match: {inm}: {n.status}"
        assert n.body == b""
        assert n.headers.get("ETag") == etag
        assert n.headers.get("Cache-Control") == r.headers.get("Cache-Control")
    n = get(server, paths[kind], {"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert n.status == 200 and n.body == r.body
    # On the wire: headers and nothing after them.
    raw = raw_exchange(server, (f"GET {paths[kind]} HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\n"
                                "Connection: close\r\n\r\n").encode())
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 304"), head[:100]
    assert rest == b"", f"a 304 with a body: {rest[:100]!r}"


@pytest.mark.parametrize("kind", ["group", "org", "person"])
def test_gzip_only_when_asked(server, paths, kind):
    plain = feed(server, paths[kind]).r
    assert "Content-Encoding" not in plain.headers
    assert "accept-encoding" in plain.headers.get("Vary", "").lower()
    z = get(server, paths[kind], {"Accept-Encoding": "gzip"})
    assert z.status == 200 and z.headers.get("Content-Encoding") == "gzip"
    assert z.headers.get("Content-Type") == CALENDAR_TYPE
    assert gzip.decompress(z.body) == plain.body
    assert len(z.body) < len(plain.body)
    for ae in ("gzip, deflate, br", "deflate, gzip", "GZIP"):
        z2 = get(server, paths[kind], {"Accept-Encoding": ae})
        assert z2.headers.get("Content-Encoding") == "gzip", ae
        assert gzip.decompress(z2.body) == plain.body
    for ae in ("identity", "deflate", "br", "gzip;q=0", "identity, gzip;q=0"):
        r = get(server, paths[kind], {"Accept-Encoding": ae})
        assert r.status == 200
        assert "Content-Encoding" not in r.headers, f"Accept-Encoding: {ae} got {r.headers['Content-Encoding']}"
        assert r.body == plain.body


@pytest.mark.parametrize("ae", ["gzip; q=0", "gzip ;q=0", "gzip;Q=0", "deflate, gzip; q=0.000"])
def test_gzip_refused_with_q_0_is_not_sent(server, paths, ae):
    """RFC 9110 12.5.3: q=0 means "not acceptable"; optional whitespace around
    the semicolon and a capital Q mean the same."""
    r = get(server, paths["group"], {"Accept-Encoding": ae})
    assert r.status == 200
    assert "Content-Encoding" not in r.headers, f"Accept-Encoding: {ae} got {r.headers['Content-Encoding']}"


@pytest.mark.parametrize("kind", ["group", "org", "person"])
def test_no_content_negotiation(server, paths, kind):
    plain = feed(server, paths[kind]).r
    for accept in ("application/json", "text/html", "*/*", "text/calendar", "application/xml;q=0.9"):
        r = get(server, paths[kind], {"Accept": accept})
        assert r.status == 200, accept
        assert r.headers.get("Content-Type") == CALENDAR_TYPE, accept
        assert r.body == plain.body
        assert r.headers.get("ETag") == plain.headers.get("ETag")


@pytest.mark.parametrize("kind", ["group", "org", "person"])
def test_unchanged_feed_same_bytes_in_every_worker(server, paths, kind):
    first = get(server, paths[kind])
    for _ in range(12):
        r = get(server, paths[kind])
        assert r.status == 200
        assert r.body == first.body, "two fetches of an unchanged feed differ"
        for h in ("ETag", "Last-Modified", "Cache-Control", "Content-Type"):
            assert r.headers.get(h) == first.headers.get(h), h


def test_last_modified_never_after_date(server, o, dst):
    """RFC 9110 8.8.2.1: Last-Modified is never later than the response's Date.
    The group is changed until its updated_at falls in the later half of a
    second (from the data rounded up, Last-Modified would be in the future),
    then its feed is fetched at once."""
    days, schedule = dst
    g = weekly_group(server, o, schedule, access="open")
    path = group_path(g["id"])
    for attempt in range(40):
        title = f"Ryhmä {attempt} {uuid.uuid4().hex[:6]}"
        g = assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"title": title},
                                   token=o.coord.token), 200)["group"]
        if 0.5 <= parse_time(g["updated_at"]).microsecond / 1e6 < 0.75:
            break
    r = wait_until(lambda: (lambda r: r if title.encode() in r.body else None)(get(server, path)),
                   5, interval=0.005, what="the new title")
    lm = parsedate_to_datetime(r.headers["Last-Modified"])
    sent = parsedate_to_datetime(r.headers["Date"])
    assert lm <= sent, f"Last-Modified {r.headers['Last-Modified']} is after Date {r.headers['Date']}"


def test_change_reaches_every_worker(server, o, dst):
    days, schedule = dst
    g = weekly_group(server, o, schedule, access="open")
    path = group_path(g["id"])
    first = feed(server, path)
    for _ in range(10):
        assert get(server, path).body == first.raw  # cached in both workers
    s = sessions_of(server, g["id"], days)[1]
    new_start = helsinki(days[1], 19, 15)
    move_session(server, s["id"], o.coord.token, new_start)
    f = settled(server, path, lambda f: len(f.events) == 2, "the moved session in every worker",
                fetches=10)
    assert f.raw != first.raw
    assert f.r.headers["ETag"] != first.r.headers["ETag"]
    n = get(server, path, {"If-None-Match": first.r.headers["ETag"]})
    assert n.status == 200, "the old ETag still gets a 304"


def test_change_reaches_another_piirid_process(server, pg, o, dst, own_server):
    days, schedule = dst
    other = own_server(pg.url, "feeds")
    g = weekly_group(server, o, schedule, access="open")
    path = group_path(g["id"])
    first = feed(other, path)
    for _ in range(6):
        assert get(other, path).body == first.raw
    cancel_session(server, sessions_of(server, g["id"], days)[2]["id"], o.coord.token)
    settled(other, path, lambda f: "EXDATE" in f.master(uid_of(g)), "the EXDATE in the other process")


def feed_renders(srv):
    """piiri_feed_renders_total from /metrics: feeds read and rendered, all workers."""
    r = get(srv, "/metrics")
    assert r.status == 200, r
    m = re.search(rb"^piiri_feed_renders_total (\d+)$", r.body, re.M)
    assert m, r.body[-400:]
    return int(m.group(1))


def test_concurrent_misses_render_once_per_worker(server, admin):
    """Clients that miss the cache together (a feed nobody has fetched yet, or
    every feed after a change) share one database read and render per worker
    instead of each doing their own."""
    if not hasattr(server, "workers"):
        pytest.skip("renders are counted per piirid process; behind PgBouncer there are two")
    o = org_with_people(server, admin[1], coord="coordinator")
    start = weekday_on_or_after(today() + timedelta(days=7), TUESDAY)
    for i in range(30):
        make_group(server, o.slug, o.coord.token, access="open", title=f"Ryhmä {i} {unique()}",
                   schedule={"start": f"{start.isoformat()}T{10 + i % 8}:00", "duration_minutes": 90,
                             "rrule": "FREQ=WEEKLY"})
    path = org_path(o.slug)
    before = feed_renders(server)
    bodies = concurrently([lambda: get(server, path) for _ in range(24)])
    assert {r.status for r in bodies} == {200}
    assert len({r.body for r in bodies}) == 1
    rendered = feed_renders(server) - before
    assert 1 <= rendered <= server.workers, f"{rendered} renders for 24 concurrent first fetches"


class FeedNotifications:
    """A psql session LISTENing where piirid's workers do. total() asks the
    server a question and returns how many notifications psql has printed so
    far: it prints those that came with an answer after the answer, so one
    that has just arrived is counted by the next call."""

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.seen = 0
        self.run("LISTEN piiri_feeds")

    def run(self, sql):
        self.p.stdin.write(sql.rstrip(";") + ";\n")
        self.p.stdin.flush()

    def total(self):
        marker = unique("m")
        self.run(f"SELECT '{marker}'")
        for line in self.p.stdout:
            assert "ERROR" not in line, line
            if line.strip() == marker:
                return self.seen
            self.seen += 'notification "piiri_feeds"' in line
        raise AssertionError("psql exited")

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def test_only_feed_changes_drop_cached_feeds(server, pg, o, dst):
    """Every worker drops all its cached feeds on a NOTIFY, so only changes a
    feed shows send one: not signups, cancellations and promotions (they move
    seats_taken), not a horizon round that finds nothing to extend.
    Notifications arrive in commit order, so once the one of a change that
    must send one is in, any from the steps before it are in too."""
    days, schedule = dst
    g = weekly_group(server, o, schedule, access="open", capacity=1)
    sid = sessions_of(server, g["id"], days)[0]["id"]
    n = FeedNotifications(pg.url)
    try:
        assert n.total() == 0
        first = signed_up(server, "session", sid, o.p1.token, "confirmed")
        signed_up(server, "session", sid, o.p2.token, "waitlisted")
        assert cancel_signup(server, first["id"], o.p1.token).status == 204  # p2 is promoted
        n.run("SELECT count(*) FROM horizon_claim(now() - interval '10 years', 20)")
        cancel_session(server, sid, o.coord.token)
        wait_until(lambda: n.total() >= 1, 5, what="the session's cancellation to be notified")
        assert n.total() == 1, "a signup, a cancellation or a horizon round dropped the cached feeds"
        assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"title": unique("Ryhmä")},
                               token=o.coord.token), 200)
        wait_until(lambda: n.total() == 2, 5, what="the group's new title to be notified")
    finally:
        n.close()


# --- Text -------------------------------------------------------------------

LONG_FINNISH = ("Ääliö älä lyö, ööliä läikkyy; säätiö käyttää hyötyä yöllä. "
                "Hämärä väylä, jäätelö- ja pöytäliinatäyteinen höyrylaiva, äidinkielenä ööh. ") * 30


def test_folding_keeps_utf8_whole(server, o):
    assert 4000 < len(LONG_FINNISH) <= 5000
    g = make_group(server, o.slug, o.coord.token, access="open", description=LONG_FINNISH)
    add_session(server, g["id"], o.coord.token, helsinki(today() + timedelta(days=12)))
    f = feed(server, group_path(g["id"]))
    lines = f.raw.split(b"\r\n")[:-1]
    assert sum(1 for ln in lines if ln.startswith(b" ")) > 50
    for ln in lines:
        assert len(ln) <= 75, ln
        ln.decode("utf-8")
    # Unfolded by hand (RFC 5545 3.1): the original text, escaped.
    desc = [ln for ln in unfold(f.raw) if ln.startswith(b"DESCRIPTION:")]
    assert len(desc) == 1
    value = desc[0][len(b"DESCRIPTION:"):].decode("utf-8")
    assert value == LONG_FINNISH.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert str(f.events[0]["DESCRIPTION"]) == LONG_FINNISH
    if f.js is not None:
        assert f.js[0]["description"] == LONG_FINNISH


TRICKY = {
    "title": "Omaiset, läheiset; ystävät \\ kaikki: tervetuloa!",
    "description": ("Tervetuloa, kaikki; myös \"uudet\".\nToinen rivi: ääkköset äöå ÄÖÅ, "
                    "puolipiste; pilkku, kenoviiva \\ ja kaksoispiste:\n\nKolmas kappale – "
                    "emoji 🌱 ja tabulaattorin paikka."),
    "location": {"name": "Kallion kirjasto, sali \"Ä\"", "address": "Viides linja 11; 2. krs",
                 "municipality": "Helsinki"},
}


def test_text_with_commas_semicolons_newlines_and_finnish_letters_survives(server, o):
    g = make_group(server, o.slug, o.coord.token, access="open", **TRICKY)
    add_session(server, g["id"], o.coord.token, helsinki(today() + timedelta(days=19)))
    p = register(server)
    path_p = my_feed_path(server, p)
    signed_up(server, "session", list_sessions(server, g["id"])[0]["id"], p.token, "confirmed")
    for path in (group_path(g["id"]), path_p):
        f = settled(server, path, lambda f: len(f.events) == 1, "the event")
        e = f.events[0]
        assert str(e["SUMMARY"]) == TRICKY["title"]
        assert str(e["DESCRIPTION"]) == TRICKY["description"]
        loc = str(e["LOCATION"])
        for part in TRICKY["location"].values():
            assert part in loc, (part, loc)
        if f.js is not None:
            assert f.js[0]["summary"] == TRICKY["title"]
            assert f.js[0]["description"] == TRICKY["description"]
            assert f.js[0]["location"] == loc


# --- Odd paths --------------------------------------------------------------

ODD_IDS = ["nope", "00000000-0000-0000-0000-000000000000", str(uuid.uuid4()), "%ff%fe",
           "1%27%20OR%20%271%27%3D%271", "%00", "..", "x" * 400, "%C3%A4%C3%B6",
           "12345678-1234-1234-1234-1234567890ab.ics", "{id}", "%7Bid%7D", "-1", "0",
           "99999999999999999999999999"]


@pytest.mark.parametrize("odd", ODD_IDS)
def test_odd_ids_slugs_and_tokens_404(server, odd):
    for path in (group_path(odd), org_path(odd), person_path(odd),
                 org_path(odd.lower()), person_path((odd * 22)[:22])):
        assert_not_found(server, path)


def test_odd_shapes_of_feed_paths_404(server, paths):
    gid = paths["group"].rsplit("/", 1)[1][:-4]
    for path in (f"/calendars/groups/{gid}", f"/calendars/groups/{gid}.ICS",
                 f"/calendars/groups/{gid}.ics/", f"/calendars/groups/{gid}.json",
                 f"/calendars/groups/{gid}.ics.ics", "/calendars/groups/.ics", "/calendars/orgs/.ics",
                 "/calendars/people/.ics", "/calendars/", "/calendars/groups/"):
        r = get(server, path)
        assert r.status == 404, f"{path}: {r.status} {r.body[:200]!r}"
    # A query string changes nothing.
    assert get(server, paths["group"] + "?x=1&y=%ff").body == get(server, paths["group"]).body


def test_erasing_the_account_ends_the_personal_feed(server, o):
    p = register(server)
    path = my_feed_path(server, p)
    feed(server, path)
    assert server.api("DELETE", "/api/v1/me", token=p.token).status == 204
    assert get(server, path).status == 404
