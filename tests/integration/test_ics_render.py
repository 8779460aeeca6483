# SPDX-License-Identifier: Apache-2.0
"""calendars/ics output read by independent parsers: python3-icalendar and
recurring-ical-events (Debian's, under /usr/bin/python3). The calendars come
from the unit test binary's helper modes (tests/unit/test_ics.c); no server
or database is needed."""

import datetime
import os
import subprocess
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(ROOT, "build", "asan", "tests", "test_ics")
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")

# What tests/unit/test_ics.c's write_sample() puts in its texts.
SUMMARY = "Vertaisryhmä: omaiset, läheiset; \\ tervetuloa"
DESCRIPTION = ("Pöytä 1, sali \"Ä\"; tervetuloa! Ääliöt älä lyö, ööliä läikkyy. " * 12
               + "\nToinen rivi\\loppu")
LOCATION = "Kallion kirjasto, Viides linja 11, Helsinki"

ZONES = ["Europe/Helsinki", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
         "Australia/Lord_Howe", "America/Santiago", "Asia/Jerusalem", "Europe/Dublin",
         "Europe/London", "Pacific/Chatham", "America/Mexico_City", "Asia/Kolkata",
         "America/St_Johns", "Africa/Casablanca", "Pacific/Auckland", "UTC"]


def run_tool(*args):
    """Runs the helper (built on demand, as make unit builds it); its stdout."""
    subprocess.run(["make", "--no-print-directory", "-s", "-C", ROOT, "build/asan/tests/test_ics"],
                   check=True, stdout=subprocess.DEVNULL)
    done = subprocess.run([TOOL, *args], check=True, capture_output=True)
    return done.stdout


@pytest.fixture(scope="module")
def sample_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("ics") / "sample.ics"
    run_tool("--sample", str(path))
    return path.read_bytes()


@pytest.fixture(scope="module")
def sample(sample_bytes):
    return icalendar.Calendar.from_ical(sample_bytes)


def occurrences(cal, start, end):
    return recurring_ical_events.of(cal).between(start, end)


def local(dt):
    return dt.astimezone(HELSINKI)


def test_lines_are_crlf_folded_at_75_octets_on_utf8_boundaries(sample_bytes):
    assert sample_bytes.endswith(b"END:VCALENDAR\r\n")
    lines = sample_bytes.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    folded = 0
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line whole: no character split by a fold
        folded += line.startswith(b" ")
    assert folded > 10  # the long description did fold
    sample_bytes.decode("utf-8")


def test_weekly_series_keeps_18_local_across_dst(sample):
    series = [e for e in occurrences(sample, (2027, 2, 1), (2027, 7, 1))
              if str(e["UID"]) == "series-7@piiri.example"]
    starts = sorted(local(e["DTSTART"].dt) for e in series)
    regular = [s for s in starts if s.weekday() == 0]
    assert [s.date() for s in regular][:5] == [datetime.date(2027, 3, d) for d in (1, 8, 15, 22, 29)]
    for s in regular:
        assert (s.hour, s.minute) == (18, 0), s
    # EET before the 2027-03-28 change, EEST after it.
    offsets = {s.date(): s.utcoffset() for s in regular}
    assert offsets[datetime.date(2027, 3, 22)] == datetime.timedelta(hours=2)
    assert offsets[datetime.date(2027, 3, 29)] == datetime.timedelta(hours=3)
    # UNTIL=...T180000 local includes the last Monday, 2027-05-31, even here.
    assert regular[-1].date() == datetime.date(2027, 5, 31)
    for e in series:
        assert e["DTEND"].dt - e["DTSTART"].dt == datetime.timedelta(minutes=90)


def test_cancelled_occurrence_disappears(sample):
    days = {local(e["DTSTART"].dt).date() for e in occurrences(sample, (2027, 3, 1), (2027, 6, 1))}
    assert datetime.date(2027, 3, 29) in days
    assert datetime.date(2027, 4, 5) not in days


def test_moved_occurrence_only_at_its_new_time(sample):
    series = [e for e in occurrences(sample, (2027, 4, 10), (2027, 4, 20))
              if str(e["UID"]) == "series-7@piiri.example"]
    starts = sorted(local(e["DTSTART"].dt).replace(tzinfo=None) for e in series)
    assert starts == [datetime.datetime(2027, 4, 13, 17, 0), datetime.datetime(2027, 4, 19, 18, 0)]
    moved = [e for e in series if local(e["DTSTART"].dt).day == 13][0]
    assert str(moved["SUMMARY"]) == "Vertaisryhmä (siirretty)"
    assert local(moved["DTEND"].dt).replace(tzinfo=None) == datetime.datetime(2027, 4, 13, 18, 30)


def test_camp_is_all_day_over_the_right_dates(sample):
    camp = [e for e in sample.walk("VEVENT") if str(e["UID"]) == "camp-3@piiri.example"][0]
    assert camp["DTSTART"].dt == datetime.date(2027, 6, 14)
    assert camp["DTEND"].dt == datetime.date(2027, 6, 18)  # exclusive: the 17th is the last day
    for day, expected in [((2027, 6, 13), False), ((2027, 6, 14), True), ((2027, 6, 17), True),
                          ((2027, 6, 18), False)]:
        start = datetime.date(*day)
        found = [e for e in occurrences(sample, start, start + datetime.timedelta(days=1))
                 if str(e["UID"]) == "camp-3@piiri.example"]
        assert bool(found) == expected, day


def test_text_survives_round_trip(sample):
    master = [e for e in sample.walk("VEVENT")
              if str(e["UID"]) == "series-7@piiri.example" and "RRULE" in e][0]
    assert str(master["SUMMARY"]) == SUMMARY
    assert str(master["DESCRIPTION"]) == DESCRIPTION
    assert str(master["LOCATION"]) == LOCATION
    assert str(master["URL"]) == "https://piiri.example/groups/7"
    assert str(sample["X-WR-CALNAME"]) == "Piiri: Kallion ryhmät"
    assert str(sample["NAME"]) == "Piiri: Kallion ryhmät"
    assert str(sample["X-WR-CALDESC"]) == "Vertaistukea, kahvia; ja \\ juttua"
    assert str(sample["REFRESH-INTERVAL"]) == "PT60M"
    assert sample["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(sample["X-PUBLISHED-TTL"]) == "PT60M"


def test_statuses_and_stable_uids(sample):
    by_uid = {}
    for e in sample.walk("VEVENT"):
        by_uid.setdefault(str(e["UID"]), []).append(e)
    assert str(by_uid["session-901@piiri.example"][0]["STATUS"]) == "CANCELLED"
    assert str(by_uid["session-902@piiri.example"][0]["STATUS"]) == "TENTATIVE"
    assert "STATUS" not in by_uid["session-903@piiri.example"][0]
    assert [int(e["SEQUENCE"]) for e in by_uid["series-7@piiri.example"]] == [3, 4]
    ny = by_uid["session-902@piiri.example"][0]["DTSTART"]
    assert ny.params["TZID"] == "America/New_York"
    assert ny.dt.astimezone(datetime.timezone.utc) == datetime.datetime(
        2027, 3, 16, 22, 0, tzinfo=datetime.timezone.utc)


def test_same_bytes_every_time(sample_bytes, tmp_path):
    run_tool("--sample", str(tmp_path / "again.ics"))
    assert (tmp_path / "again.ics").read_bytes() == sample_bytes


def assert_offsets(vtimezone, name, start, end, step):
    """The VTIMEZONE's zone, as python-icalendar builds it, agrees with zoneinfo."""
    ours = vtimezone.to_tz()
    real = zoneinfo.ZoneInfo(name)
    t = start
    while t < end:
        expected = t.astimezone(real).utcoffset()
        got = datetime.datetime.fromtimestamp(t.timestamp(), ours).utcoffset()
        assert got == expected, f"{name} at {t}: ours {got}, zoneinfo {expected}"
        t += step


def test_sample_vtimezones_are_clean_and_right(sample_bytes, sample):
    assert b"freeassociation" not in sample_bytes and b"X-LIC" not in sample_bytes
    zones = {str(tz["TZID"]): tz for tz in sample.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/New_York", "Asia/Tokyo", "Europe/Helsinki"]
    helsinki = zones["Europe/Helsinki"]
    kinds = {c.name: c for c in helsinki.subcomponents}
    assert str(kinds["STANDARD"]["TZNAME"]) == "EET"
    assert kinds["STANDARD"]["TZOFFSETTO"].td == datetime.timedelta(hours=2)
    assert kinds["STANDARD"]["RRULE"]["BYDAY"] == ["-1SU"]
    assert kinds["DAYLIGHT"]["TZOFFSETTO"].td == datetime.timedelta(hours=3)
    assert kinds["DAYLIGHT"]["RRULE"]["BYMONTH"] == [3]
    assert [c.name for c in zones["Asia/Tokyo"].subcomponents] == ["STANDARD"]
    for name, tz in zones.items():
        assert_offsets(tz, name, datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
                       datetime.datetime(2034, 1, 1, tzinfo=datetime.timezone.utc),
                       datetime.timedelta(hours=1))


def test_vtimezones_of_other_zones(tmp_path):
    """Each zone's VTIMEZONE (events from 2026-11) gives zoneinfo's offsets
    up to the start of 2033, every 3 hours, as
    python-icalendar reads it."""
    path = tmp_path / "zones.ics"
    run_tool("--zones", str(path), *ZONES)
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert sorted(zones) == sorted(ZONES)
    for name in ZONES:
        assert_offsets(zones[name], name, datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
                       datetime.datetime(2033, 1, 1, tzinfo=datetime.timezone.utc),
                       datetime.timedelta(hours=3))


def builtin_calendar(vtimezone):
    """A calendar with libical's built-in component and an event in it."""
    tzid = vtimezone.split(b"\r\n")[1].split(b":", 1)[1]
    return (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n" + vtimezone
            + b"BEGIN:VEVENT\r\nUID:b@test\r\nDTSTAMP:20270101T000000Z\r\n"
            + b"DTSTART;TZID=" + tzid + b":20270111T180000\r\n"
            + b"DTEND;TZID=" + tzid + b":20270111T193000\r\n"
            + b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_builtin_libical_vtimezone_is_why_we_write_our_own(sample):
    """libical's icaltimezone_get_component() as it comes: a TZID with the
    /freeassociation.sourceforge.net/ prefix, an X-LIC-LOCATION, rules back to
    1878 with UNTILs. python-icalendar 4.0.3 (Debian's) cannot build a zone
    from it, so it cannot read the calendar at all; ours reads fine and gives
    zoneinfo's offsets (test_sample_vtimezones_are_clean_and_right)."""
    builtin = run_tool("--builtin-vtimezone", "Europe/Helsinki")
    assert builtin.startswith(b"BEGIN:VTIMEZONE\r\n"
                              b"TZID:/freeassociation.sourceforge.net/Europe/Helsinki\r\n"
                              b"X-LIC-LOCATION:Europe/Helsinki\r\n")
    assert b"DTSTART:18780531T000000" in builtin and b";UNTIL=" in builtin
    with pytest.raises(ValueError):
        icalendar.Calendar.from_ical(builtin_calendar(builtin))

    # Renamed to the IANA name the calendar parses (python-icalendar then
    # uses pytz's zone and ignores the component), but the component itself
    # still cannot be turned into a zone, as a client without its own tz
    # database would have to.
    renamed = builtin.replace(b"/freeassociation.sourceforge.net/", b"")
    cal = icalendar.Calendar.from_ical(builtin_calendar(renamed))
    with pytest.raises(ValueError):
        cal.walk("VTIMEZONE")[0].to_tz()
    ours = [tz for tz in sample.walk("VTIMEZONE") if str(tz["TZID"]) == "Europe/Helsinki"][0]
    assert ours.to_tz().utcoffset(datetime.datetime(2027, 7, 1, 12)) == datetime.timedelta(hours=3)


def test_every_parser_reads_the_sample_alike(sample_bytes, sample):
    """vobject, ical.js, node-ical and rrule.js make recurring-ical-events'
    occurrences of the sample (series, overrides, camps, sixteen zones)."""
    import feed_parsers
    start, end = datetime.date(2027, 1, 1), datetime.date(2028, 1, 1)
    ours = [(str(e["UID"]), feed_parsers.value(e["DTSTART"].dt),
             feed_parsers.value(e["DTEND"].dt if "DTEND" in e else e["DTSTART"].dt))
            for e in occurrences(sample, start, end)]
    assert len(ours) > 10
    feed_parsers.check(sample_bytes, ours, feed_parsers.midnight(start, HELSINKI),
                       feed_parsers.midnight(end, HELSINKI))
