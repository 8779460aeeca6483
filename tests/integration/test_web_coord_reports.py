# SPDX-License-Identifier: Apache-2.0
"""The coordinators' reports page with plain HTTP and no JavaScript: the table per group
and the total are the API's report for the same period, written the language's way; the
chart is well-formed SVG with a name that points to the table; the CSV links download
with the session cookie alone, with a byte order mark and headers in the page's
language; an empty period, dates that are wrong (the form says so, never a 500), an
umbrella's roll-up; and who may open the page and its downloads (the org's coordinators
and admins only)."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from helpers import (add_session, assert_json, make_group, marked, org_with_people, raw_get,
                     signed_up)
from test_web_auth import page, sign_in

HEL = ZoneInfo("Europe/Helsinki")
SVG = "{http://www.w3.org/2000/svg}"
NUMBERS = ["sessions_held", "sessions_not_recorded", "days_held", "visits", "adult_visits",
           "child_visits", "walk_in_visits", "unique_participants", "first_time_participants",
           "volunteer_hours"]
NASTY_TITLE = 'Perhekahvila "Pikku & Iso" <Hervanta>'
LAST_YEAR = date.today().year - 1


def hel(month, day, hour=18):
    return datetime(LAST_YEAR, month, day, hour, 0, tzinfo=HEL)


def cookie_of(api, person, lang="fi"):
    return f"piiri_session={sign_in(api, person, lang)}"


def get(api, path, cookie=None):
    return api("GET", path, headers={"Cookie": cookie} if cookie else {})


def reports_path(slug, frm=None, to=None, lang="fi"):
    q = f"?from={frm}&to={to}" if frm is not None else ""
    return f"/{lang}/orgs/{slug}/manage/reports{q}"


@pytest.fixture(scope="module")
def rep(server, admin):
    """An org with two groups and sessions held last year, all marked by the leader:

      G1 (closed; p1, p2 enrolled, p1 with two children):
        03-10  p1, p2 present   walk-ins 2  hours 2.5
        06-16  p1 present       walk-ins 0  hours 1
        11-24  held, nothing recorded
      G2 "Perhekahvila "Pikku & Iso" <Hervanta>" (open, no capacity):
        05-06  nobody signed up  walk-ins 1234 (a number with thousands)
    """
    token = admin[1]
    r = org_with_people(server, token, coord="coordinator", leader="leader", member="member",
                        p1="member", p2="member")
    r.other = org_with_people(server, token, coord="coordinator")
    ct = r.coord.token
    r.g1 = make_group(server, r.slug, ct, title="Omaisten ilta", access="closed", capacity=None,
                      leaders=[r.leader.id])
    r.g2 = make_group(server, r.slug, ct, title=NASTY_TITLE, access="open", kind="family_cafe",
                      capacity=None, leaders=[r.leader.id])
    signed_up(server, "group", r.g1["id"], r.p1.token, "confirmed", adults=1, children=2)
    signed_up(server, "group", r.g1["id"], r.p2.token, "confirmed")
    s1, s2, _ = (add_session(server, r.g1["id"], ct, hel(m, d)) for m, d in [(3, 10), (6, 16), (11, 24)])
    t1 = add_session(server, r.g2["id"], ct, hel(5, 6))
    lt = r.leader.token
    marked(server, s1["id"], lt, [(r.p1, "present"), (r.p2, "present")], 2, volunteer_hours=2.5)
    marked(server, s2["id"], lt, [(r.p1, "present")], 0, volunteer_hours=1)
    marked(server, t1["id"], lt, [], 1234)
    r.frm, r.to = f"{LAST_YEAR}-01-01", f"{LAST_YEAR}-12-31"
    return r


class Tables(HTMLParser):
    """Each <table>: its caption, header cells and rows of (header, [cells]), as text."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.row, self.where = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append(SimpleNamespace(caption="", heads=[], rows=[], scopes=[]))
        elif tag in ("thead", "tbody", "tfoot"):
            self.where = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = ""
            if tag == "th":
                self.tables[-1].scopes.append(a.get("scope"))
        elif tag == "caption":
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        t = self.tables[-1] if self.tables else None
        if tag in ("th", "td"):
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "caption":
            t.caption, self.cell = self.cell.strip(), None
        elif tag == "tr":
            if self.where == "thead":
                t.heads = self.row
            else:
                t.rows.append((self.where, self.row[0], self.row[1:]))


def tables_of(html):
    p = Tables()
    p.feed(html)
    return p.tables


def written(n, lang):
    """A number as the page writes it (web-chart.h)."""
    whole, frac = divmod(round(float(n) * 100), 100)
    sep, point = (",", ".") if lang == "en" else ("\u00a0", ",")
    s = f"{whole:,}".replace(",", sep)
    if frac:
        s += point + (f"{frac:02d}".rstrip("0"))
    return s


def api_report(server, r, frm, to, rollup=False):
    path = f"/api/v1/orgs/{r.slug}/reports/attendance{'/rollup' if rollup else ''}?from={frm}&to={to}"
    return assert_json(server.api("GET", path, token=r.coord.token), 200)


def hrefs(html):
    """The links of a page, their &amp; and &#61; read back."""
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def svg_of(html):
    m = re.search(r"<svg .*?</svg>", html, re.S)
    assert m, "no chart"
    return m.group(0), ET.fromstring(m.group(0))


def test_the_table_is_the_apis_report(server, api, rep):
    report = api_report(server, rep, rep.frm, rep.to)
    for lang in ("fi", "en"):
        html = page(get(api, reports_path(rep.slug, rep.frm, rep.to, lang), cookie_of(api, rep.coord, lang)), 200)
        table = tables_of(html)[0]
        assert str(LAST_YEAR) in table.caption
        assert len(table.heads) == 1 + len(NUMBERS) and set(table.scopes) <= {"col", "row"}
        body = {name: cells for where, name, cells in table.rows if where == "tbody"}
        assert list(body) == [g["title"] for g in report["groups"]]  # the report's order, titles unescaped
        for g in report["groups"]:
            assert body[g["title"]] == [written(g[k], lang) for k in NUMBERS], (lang, g["title"])
        (foot,) = [cells for where, _, cells in table.rows if where == "tfoot"]
        assert foot == [written(report["total"][k], lang) for k in NUMBERS]
    # As a reader checks them: p1 and two children twice, p2 once, two walk-ins: 9 visits.
    g1 = report["groups"][0]
    assert (g1["sessions_held"], g1["sessions_not_recorded"], g1["visits"], g1["volunteer_hours"]) == (3, 1, 9, 3.5)
    html = page(get(api, reports_path(rep.slug, rep.frm, rep.to), cookie_of(api, rep.coord)), 200)
    assert "<td>1\u00a0243</td>" in html and "<td>3,5</td>" in html  # Finnish: 1 243 visits, 3,5 hours
    assert NASTY_TITLE not in html and "Perhekahvila &quot;Pikku &amp; Iso&quot; &lt;Hervanta&gt;" in html


def test_the_chart_is_well_formed_svg_that_points_to_the_table(server, api, rep):
    html = page(get(api, reports_path(rep.slug, rep.frm, rep.to), cookie_of(api, rep.coord)), 200)
    raw, svg = svg_of(html)
    assert svg.tag == SVG + "svg" and svg.get("role") == "img"
    assert "taulukossa" in svg.get("aria-label") and svg.find(SVG + "title").text == svg.get("aria-label")
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    assert (x, y, w) == (0, 0, 320) and h > 0
    texts = [t.text for t in svg.iter(SVG + "text")]
    # Most visits first, each bar with its label and its number as text.
    assert texts == [NASTY_TITLE, "1\u00a0234", "Omaisten ilta", "9"]
    bars = [float(b.get("width")) for b in svg.iter(SVG + "rect")]
    assert len(bars) == 2 and bars[0] > bars[1] > 0 and max(bars) <= w
    assert "style=" not in raw  # the CSP allows no inline style: attributes only
    # In the figure, with its caption; the table comes after it.
    assert html.index("<figure") < html.index(raw) < html.index("</figure>") < html.index("<table")


def test_the_csv_links_download_with_the_session_cookie(server, api, rep):
    for lang, header, sep in (("fi", "Ryhmä", ","), ("sv", "Grupp", ","), ("en", "Group", ",")):
        cookie = cookie_of(api, rep.coord, lang)
        html = page(get(api, reports_path(rep.slug, rep.frm, rep.to, lang), cookie), 200)
        links = [h for h in hrefs(html) if h.startswith("/api/v1/orgs/") and "format=csv" in h]
        assert len(links) == 2, links
        plain, sheet = links
        for link, delimiter in ((plain, ","), (sheet, ";")):
            assert f"from={rep.frm}" in link and f"to={rep.to}" in link and f"lang={lang}" in link
            r = raw_get(server, link, headers={"Cookie": cookie}, record=False)  # no token: the cookie only
            assert r.status == 200, (link, r.status, r.body[:200])
            assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
            assert r.headers["Content-Disposition"] == \
                f'attachment; filename="{rep.slug}-attendance-{rep.frm}-{rep.to}.csv"'
            text = r.body.decode("utf-8")
            assert text.startswith("\ufeff")
            rows = list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))
            assert rows[0][1] == header, (lang, rows[0])
            # The same bytes as the API answers a token with.
            same = raw_get(server, link, token=rep.coord.token, record=False)
            assert same.body == r.body
        assert "3,5" in raw_get(server, sheet, headers={"Cookie": cookie}, record=False).body.decode()


def test_this_year_so_far_by_default_and_the_quick_choices(server, api, rep):
    cookie = cookie_of(api, rep.coord)
    html = page(get(api, reports_path(rep.slug), cookie), 200)
    today = datetime.now(HEL).date()
    assert f'name="from" type="date" value="{today.year}-01-01"' in html
    assert f'name="to" type="date" value="{today.isoformat()}"' in html
    this_year = f"/fi/orgs/{rep.slug}/manage/reports?from={today.year}-01-01&to={today.isoformat()}"
    last = f"/fi/orgs/{rep.slug}/manage/reports?from={LAST_YEAR}-01-01&to={LAST_YEAR}-12-31"
    assert this_year in hrefs(html) and last in hrefs(html)
    current = [unescape(h) for h in re.findall(r'href="([^"]+)" aria-current="true">Tämä vuosi tähän asti', html)]
    assert current == [this_year]
    html = page(get(api, last, cookie), 200)
    current = [unescape(h) for h in re.findall(r'href="([^"]+)" aria-current="true">Edellinen vuosi', html)]
    assert current == [last] and "<svg " in html
    # The manage page links here.
    manage = page(get(api, f"/fi/orgs/{rep.slug}/manage", cookie), 200)
    assert f'href="/fi/orgs/{rep.slug}/manage/reports"' in manage


def test_an_empty_period(server, api, rep):
    frm, to = f"{LAST_YEAR}-02-01", f"{LAST_YEAR}-02-28"
    html = page(get(api, reports_path(rep.slug, frm, to), cookie_of(api, rep.coord)), 200)
    assert "ei pidetty yhtään tapaamista" in html and "<svg" not in html
    table = tables_of(html)[0]
    assert [cells for where, _, cells in table.rows if where == "tfoot"] == [["0"] * len(NUMBERS)]
    assert len([1 for where, _, _ in table.rows if where == "tbody"]) == 2  # every group, with zeros


@pytest.mark.parametrize("frm,to,field,words", [
    (f"{LAST_YEAR}-02-30", f"{LAST_YEAR}-03-01", "from", "Päivämäärää ei ole"),
    (f"{LAST_YEAR}-03-01", "31.3.2025", "to", "Päivämäärää ei ole"),
    (f"{LAST_YEAR}-03-01", "", "to", "Anna päivämäärä"),
    ("", f"{LAST_YEAR}-03-01", "from", "Anna päivämäärä"),
    (f"{LAST_YEAR}-03-02", f"{LAST_YEAR}-03-01", "to", "ei voi olla ennen"),
    ("0000-01-01", f"{LAST_YEAR}-03-01", "from", "Päivämäärää ei ole"),
    ("%3Cb%3E", f"{LAST_YEAR}-03-01", "from", "Päivämäärää ei ole"),
])
def test_a_wrong_date_is_said_on_the_form(server, api, rep, frm, to, field, words):
    html = page(get(api, reports_path(rep.slug, frm, to), cookie_of(api, rep.coord)), 422)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert f'href="#{field}"' in summary and words in summary
    assert re.search(rf'<input id="{field}" name="{field}" type="date" value="[^"]*" aria-invalid="true"'
                     rf' aria-describedby="{field}-error">', html)
    assert "<table" not in html and "<svg" not in html
    assert "<b>" not in html  # what was typed comes back escaped


def test_an_umbrella_sees_its_associations(server, api, admin, rep):
    child = org_with_people(server, admin[1], org_fields={"name": "Alayhdistys ry", "parent": rep.slug},
                            coord="coordinator")
    rollup = api_report(server, rep, rep.frm, rep.to, rollup=True)
    assert [o["name"] for o in rollup["organizations"]][1:] == ["Alayhdistys ry"]
    cookie = cookie_of(api, rep.coord)
    html = page(get(api, reports_path(rep.slug, rep.frm, rep.to), cookie), 200)
    assert "Jäsenyhdistykset" in html
    table = tables_of(html)[1]
    rows = [(name, cells) for where, name, cells in table.rows if where == "tbody"]
    assert rows == [(o["name"], [written(o[k], "fi") for k in NUMBERS]) for o in rollup["organizations"]]
    assert [c for w, _, c in table.rows if w == "tfoot"] == [[written(rollup["total"][k], "fi") for k in NUMBERS]]
    (link,) = [h for h in hrefs(html) if "/rollup?" in h and "format=csv&lang=fi" in h]
    r = raw_get(server, link, headers={"Cookie": cookie}, record=False)
    assert r.status == 200 and r.body.startswith("\ufeff".encode()) and "Alayhdistys ry".encode() in r.body
    # The association's own page has no roll-up: nothing is under it.
    html = page(get(api, reports_path(child.slug), cookie_of(api, child.coord)), 200)
    assert "Jäsenyhdistykset" not in html and "<table" in html


def test_only_the_orgs_coordinators_may_open_the_page_or_its_downloads(server, api, rep):
    paths = [reports_path(rep.slug), reports_path(rep.slug, rep.frm, rep.to), reports_path(rep.slug, "x", "y")]
    csv_links = [f"/api/v1/orgs/{rep.slug}/reports/attendance?from={rep.frm}&to={rep.to}&format=csv&lang=fi",
                 f"/api/v1/orgs/{rep.slug}/reports/attendance/rollup?from={rep.frm}&to={rep.to}&format=csv&lang=fi"]
    for p in (rep.leader, rep.member, rep.other.coord):
        cookie = cookie_of(api, p)
        for path in paths:
            r = get(api, path, cookie)
            assert r.status == 403 and r.headers["Content-Type"].startswith("text/html"), (p, path, r.status)
            assert "<table" not in r.body.decode()
        for link in csv_links:
            r = raw_get(server, link, headers={"Cookie": cookie}, record=False)
            assert r.status == 403 and b"\xef\xbb\xbf" not in r.body, (p, link, r.status)
    for path in paths:  # signed out: to the sign-in page, and back here after it
        r = get(api, path)
        assert r.status == 303 and r.headers["Location"].startswith("/fi/signin?next="), (path, r.status)
    for link in csv_links:
        assert raw_get(server, link, record=False).status == 401
    cookie = cookie_of(api, rep.coord)
    assert get(api, reports_path("no-such-org"), cookie).status == 403
    assert get(api, reports_path(rep.other.slug), cookie).status == 403
