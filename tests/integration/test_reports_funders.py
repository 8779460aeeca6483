# SPDX-License-Identifier: Apache-2.0
"""What funders read in attendance reports: visits that count people (adults and
children), sessions held but not recorded, a camp's days, first-time participants
that are always among the unique ones, CSV a spreadsheet opens by double-clicking,
and an umbrella organization's roll-up of its associations."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helpers import (add_session, assert_error, assert_json, in_days, make_group, marked,
                     move_session, org_with_people, raw_get, report_path, set_role, signed_up)

HEL = ZoneInfo("Europe/Helsinki")
BOM = "\ufeff"


def hel(month, day, hour=18):
    return datetime(2026, month, day, hour, 0, tzinfo=HEL)


def report(server, slug, frm, to, token, path=None):
    resp = raw_get(server, path or report_path(slug, frm, to), token=token)
    assert resp.status == 200, (resp.status, resp.body[:300])
    return json.loads(resp.body)


def pick(row, *keys):
    return tuple(row[k] for k in keys)


@pytest.fixture(scope="module")
def fam(server, admin):
    """One org, a closed group with families and one session in October, on 6
    October: anna (one adult, two children) and pekka (two adults) present, ville
    (one adult, his signup cancelled afterwards) present, two walk-ins."""
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader",
                        anna="member", pekka="member", ville="member")
    r.g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None,
                     leaders=[r.leader.id], kind="family_cafe")
    signed_up(server, "group", r.g["id"], r.anna.token, "confirmed", adults=1, children=2)
    signed_up(server, "group", r.g["id"], r.pekka.token, "confirmed", adults=2, children=0)
    signed_up(server, "group", r.g["id"], r.ville.token, "confirmed", adults=1, children=0)
    s = add_session(server, r.g["id"], r.coord.token, hel(10, 6))
    marked(server, s["id"], r.leader.token,
           [(r.anna, "present"), (r.pekka, "present"), (r.ville, "present")], 2, volunteer_hours=2)
    return r


def test_visits_count_the_people_of_a_party(server, fam):
    """A parent with two children is three visits; adults and children apart and together."""
    rep = report(server, fam.slug, "2026-10-01", "2026-10-31", fam.coord.token)
    for row in (rep["groups"][0], rep["total"]):
        assert pick(row, "visits", "adult_visits", "child_visits", "walk_in_visits") == (8, 4, 2, 2), row
        assert row["visits"] == row["adult_visits"] + row["child_visits"] + row["walk_in_visits"]
        assert row["unique_participants"] == 3, row


def test_a_held_session_with_nothing_recorded_is_not_recorded(server, fam):
    """Not a session nobody came to: it says "not recorded" and adds no visits."""
    s = add_session(server, fam.g["id"], fam.coord.token, hel(10, 13))
    rep = report(server, fam.slug, "2026-10-13", "2026-10-13", fam.coord.token)
    assert pick(rep["total"], "sessions_held", "sessions_not_recorded", "visits") == (1, 1, 0), rep["total"]
    # Recording that nobody came is a record: then it is a session with no visitors.
    marked(server, s["id"], fam.leader.token, [], 0)
    rep = report(server, fam.slug, "2026-10-13", "2026-10-13", fam.coord.token)
    assert pick(rep["total"], "sessions_held", "sessions_not_recorded", "visits") == (1, 0, 0), rep["total"]


def test_a_camp_reports_its_days(server, admin):
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader", kid="member")
    camp = make_group(server, r.slug, r.coord.token, kind="camp", access="closed", capacity=None,
                      leaders=[r.leader.id])
    signed_up(server, "group", camp["id"], r.kid.token, "confirmed", adults=1, children=1)
    # Monday 10:00 to Thursday 14:00: four days; and a weekend, Saturday to Sunday noon.
    s = add_session(server, camp["id"], r.coord.token, hel(10, 5, 10), hours=3 * 24 + 4)
    marked(server, s["id"], r.leader.token, [(r.kid, "present")], 0, volunteer_hours=30)
    w = add_session(server, camp["id"], r.coord.token, hel(10, 24, 12), hours=24)
    marked(server, w["id"], r.leader.token, [(r.kid, "present")], 0)
    rep = report(server, r.slug, "2026-10-01", "2026-10-31", r.coord.token)
    assert pick(rep["groups"][0], "sessions_held", "days_held", "visits") == (2, 6, 4), rep["groups"][0]
    assert rep["total"]["days_held"] == 6


def test_first_time_participants_are_among_the_unique(server, admin):
    """Attendance on a session that then moved ahead (not held) counts nothing,
    first-time participants included: first-time <= unique, always."""
    r = org_with_people(server, admin[1], coord="coordinator", leader="leader", p1="member")
    g = make_group(server, r.slug, r.coord.token, access="closed", capacity=None, leaders=[r.leader.id])
    signed_up(server, "group", g["id"], r.p1.token, "confirmed")
    s = add_session(server, g["id"], r.coord.token, in_days(-1))
    marked(server, s["id"], r.leader.token, [(r.p1, "present")], 3, volunteer_hours=2)
    move_session(server, s["id"], r.coord.token, in_days(2))
    frm, to = in_days(-10).date().isoformat(), in_days(10).date().isoformat()
    rep = report(server, r.slug, frm, to, r.coord.token)
    for row in (rep["groups"][0], rep["total"]):
        assert row["first_time_participants"] <= row["unique_participants"], row
        assert pick(row, "sessions_held", "visits", "unique_participants", "first_time_participants",
                    "volunteer_hours") == (0, 0, 0, 0, 0), row


# --- CSV -------------------------------------------------------------------------

def get_csv(server, fam, query="", headers=None):
    path = report_path(fam.slug, "2026-10-01", "2026-10-31") + query
    resp = raw_get(server, path, token=fam.coord.token, headers=headers, record=False)
    assert resp.status == 200, (resp.status, resp.body[:300])
    return resp


def test_csv_is_a_link_that_downloads(server, fam):
    """?format=csv, no Accept needed: a file named after the org and the period,
    UTF-8 with a byte order mark."""
    resp = get_csv(server, fam, "&format=csv")
    assert resp.headers.get("content-type", "").replace(" ", "").lower() == "text/csv;charset=utf-8"
    assert resp.headers.get("content-disposition") == \
        f'attachment; filename="{fam.slug}-attendance-2026-10-01-2026-10-31.csv"'
    text = resp.body.decode("utf-8")
    assert text.startswith(BOM), text[:20]
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0][:3] == ["group_id", "title", "sessions_held"], rows[0]
    assert rows[-1][:2] == ["", "total"]
    # ?format=json stays JSON even when Accept asks for CSV.
    resp = raw_get(server, report_path(fam.slug, "2026-10-01", "2026-10-31") + "&format=json",
                   token=fam.coord.token, headers={"Accept": "text/csv"}, record=False)
    assert resp.status == 200 and json.loads(resp.body)["total"]["visits"] == 8


@pytest.mark.parametrize("query,headers,first,total", [
    ("&format=csv&lang=fi", None, ["Ryhmän tunniste", "Ryhmä", "Pidetyt tapaamiset"], "Yhteensä"),
    ("&format=csv", {"Accept-Language": "fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7"},
     ["Ryhmän tunniste", "Ryhmä", "Pidetyt tapaamiset"], "Yhteensä"),
    ("&format=csv", {"Accept-Language": "en;q=0.5, sv-FI"}, ["Gruppens id", "Grupp", "Hållna träffar"],
     "Totalt"),
    ("&format=csv&lang=en", {"Accept-Language": "sv"}, ["Group id", "Group", "Sessions held"], "Total"),
    ("&format=csv", {"Accept-Language": "de-DE"}, ["group_id", "title", "sessions_held"], "total"),
])
def test_csv_headers_in_the_language_asked_for(server, fam, query, headers, first, total):
    rows = list(csv.reader(io.StringIO(get_csv(server, fam, query, headers).body.decode("utf-8-sig"),
                                       newline="")))
    assert rows[0][:3] == first, rows[0]
    assert len(rows[0]) == 12 and len(set(rows[0])) == 12, rows[0]
    assert rows[-1][:2] == ["", total], rows[-1]


def test_csv_for_spreadsheets_with_semicolons_and_decimal_commas(server, fam):
    s = add_session(server, fam.g["id"], fam.coord.token, hel(10, 20))
    marked(server, s["id"], fam.leader.token, [], 1, volunteer_hours=1.25)
    text = get_csv(server, fam, "&format=csv&separator=semicolon&lang=fi").body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    head = rows[0]
    assert len(head) == 12 and head[-1] == "Vapaaehtoistunnit", head
    total = dict(zip(head, rows[-1]))
    assert total["Vapaaehtoistunnit"] == "3,25", total
    assert total["Käynnit yhteensä"] == "9", total
    assert "," not in text.replace("3,25", ""), "commas only as decimal marks"


@pytest.mark.parametrize("query,field", [("&format=xlsx", "format"), ("&separator=tab", "separator"),
                                         ("&format=csv&lang=de", "lang")])
def test_csv_options_that_do_not_exist_422(server, fam, query, field):
    r = server.api("GET", report_path(fam.slug, "2026-10-01", "2026-10-31") + query, token=fam.coord.token)
    assert assert_error(r, 422, "invalid").get("field") == field


# --- The umbrella's roll-up ----------------------------------------------------------

def rollup_path(slug, frm="2026-10-01", to="2026-10-31"):
    return f"/api/v1/orgs/{slug}/reports/attendance/rollup?from={frm}&to={to}"


@pytest.fixture(scope="module")
def umbrella(server, admin):
    """An umbrella with two member associations (one of them with one of its own);
    liisa takes part in both a and b."""
    token = admin[1]
    u = org_with_people(server, token, coord="coordinator")
    a = org_with_people(server, token, org_fields={"parent": u.slug}, coord="coordinator",
                        leader="leader", liisa="member", aino="member")
    b = org_with_people(server, token, org_fields={"parent": u.slug}, leader="leader")
    c = org_with_people(server, token, org_fields={"parent": a.slug}, leader="leader", eero="member")
    other = org_with_people(server, token, leader="leader", olli="member")
    set_role(server, b.slug, a.liisa.id, "member", token)
    for org, people, walk_ins in ((a, [a.liisa, a.aino], 1), (b, [a.liisa], 2), (c, [c.eero], 0),
                                  (other, [other.olli], 5)):
        g = make_group(server, org.slug, token, access="closed", capacity=None, leaders=[org.leader.id],
                       title=f"Ryhmä {org.slug}")
        for p in people:
            signed_up(server, "group", g["id"], p.token, "confirmed", adults=1, children=1)
        s = add_session(server, g["id"], token, hel(10, 8))
        marked(server, s["id"], org.leader.token, [(p, "present") for p in people], walk_ins,
               volunteer_hours=1.5)
    u.members, u.people = (a, b, c), [u.coord, a.coord, a.liisa, a.aino, c.eero, a.leader, b.leader]
    return u


def test_rollup_of_an_umbrella(server, umbrella):
    resp = raw_get(server, rollup_path(umbrella.slug), token=umbrella.coord.token)
    assert resp.status == 200, (resp.status, resp.body[:300])
    for p in umbrella.people:
        assert p.id.encode() not in resp.body and p.display_name.encode() not in resp.body
    assert b"@" not in resp.body and b"Ryhm" not in resp.body, "no people, no groups"
    rep = json.loads(resp.body)
    assert (rep["org"], rep["from"], rep["to"]) == (umbrella.slug, "2026-10-01", "2026-10-31")
    a, b, c = umbrella.members
    rows = {row["org"]: row for row in rep["organizations"]}
    assert [row["org"] for row in rep["organizations"]][0] == umbrella.slug
    assert set(rows) == {umbrella.slug, a.slug, b.slug, c.slug}, "the other org is not a member"
    keys = ("sessions_held", "visits", "adult_visits", "child_visits", "walk_in_visits",
            "unique_participants", "volunteer_hours")
    assert pick(rows[umbrella.slug], *keys) == (0, 0, 0, 0, 0, 0, 0)
    assert pick(rows[a.slug], *keys) == (1, 5, 2, 2, 1, 2, 1.5)
    assert pick(rows[b.slug], *keys) == (1, 4, 1, 1, 2, 1, 1.5)
    assert pick(rows[c.slug], *keys) == (1, 2, 1, 1, 0, 1, 1.5)
    # liisa is one person in a and in b.
    assert pick(rep["total"], *keys) == (3, 11, 4, 4, 3, 3, 4.5)
    assert rep["total"]["first_time_participants"] == 3


def test_rollup_as_csv(server, umbrella):
    resp = raw_get(server, rollup_path(umbrella.slug) + "&format=csv&lang=fi", token=umbrella.coord.token,
                   record=False)
    assert resp.status == 200, (resp.status, resp.body[:300])
    assert resp.headers.get("content-disposition") == \
        f'attachment; filename="{umbrella.slug}-attendance-rollup-2026-10-01-2026-10-31.csv"'
    rows = list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["Yhdistyksen tunnus", "Yhdistys"], rows[0]
    assert [r[0] for r in rows[1:-1]][0] == umbrella.slug and len(rows) == 6, rows
    assert rows[-1][:2] == ["", "Yhteensä"]


def test_rollup_is_for_the_umbrellas_coordinators(server, umbrella):
    a = umbrella.members[0]
    r = server.api("GET", rollup_path(umbrella.slug), token=a.coord.token)
    assert_error(r, 403, "forbidden")
    # A member association's coordinator rolls up what is under it.
    rep = assert_json(server.api("GET", rollup_path(a.slug), token=a.coord.token), 200)
    assert [row["org"] for row in rep["organizations"]] == [a.slug, umbrella.members[2].slug]
    assert_error(server.api("GET", rollup_path("ei-ole-olemassa-xyz"), token=umbrella.admin_token),
                 404, "not_found")
