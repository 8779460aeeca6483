# SPDX-License-Identifier: Apache-2.0
"""A coordinator's pages with plain HTTP and no JavaScript: the org's groups, the group
form (new and edit) with its schedule builder, the preview of the next dates and the
dry run of a schedule change, archiving with a confirmation step; and who may open
each page and send each form (the org's coordinators and admins only)."""

import re
from datetime import date, timedelta
from html import unescape

import pytest

from helpers import (add_session, assert_json, in_days, make_group, new_email, new_password, org_with_people,
                     register, signed_up, signup_listing)
from test_web_auth import form, page
from web_coord_helpers import cookie_of, get


@pytest.fixture
def org(server, admin_token):
    return org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member")



def next_monday():
    d = date.today() + timedelta(days=14)
    return d  # any day: the builder finds the weekday from it


def builder_fields(**over):
    fields = {"title": "Omaisten ilta", "kind": "peer_group", "access": "closed", "audience": "public",
              "modality": "in_person", "waitlist_policy": "strict", "language_fi": "yes",
              "sched_kind": "weekly", "sched_date": next_monday().isoformat(), "sched_weekday": "TU",
              "sched_nth": "1", "sched_time": "18:00", "sched_end_time": "19:30", "sched_count": "",
              "sched_end_date": "", "sched_rrule": "", "timezone": "Europe/Helsinki"}
    fields.update(over)
    return fields


def test_coordinators_find_their_groups(server, api, org):
    g = make_group(server, org.slug, org.coord.token, capacity=8)
    add_session(server, g["id"], org.coord.token, in_days(5))
    gone = make_group(server, org.slug, org.coord.token)
    assert server.api("DELETE", f"/api/v1/groups/{gone['id']}", token=org.coord.token).status == 204
    cookie, _ = cookie_of(api, org.coord)
    me = page(get(api, "/fi/me", cookie), 200)
    assert f'href="/fi/orgs/{org.slug}/manage"' in me  # the header and my page
    assert f'Hallitse ryhmiä: {org.org["name"]}</a>' in me  # my page names the org, not its slug
    html = page(get(api, f"/fi/orgs/{org.slug}/manage", cookie), 200)
    active, _, archived = html.partition("Arkistoidut ryhmät")
    assert g["title"] in active and gone["title"] in archived and gone["title"] not in active
    assert "8 paikkaa vapaana" in active and f'/fi/groups/{g["id"]}/edit' in active
    assert f'href="/fi/orgs/{org.slug}/manage/groups/new"' in html
    # A leader and a member see no such link.
    for p in (org.leader, org.member):
        c, _ = cookie_of(api, p)
        assert "/manage" not in page(get(api, "/fi/me", c), 200)


def routes(slug, gid):
    return [("GET", f"/fi/orgs/{slug}/manage"), ("GET", f"/fi/orgs/{slug}/manage/groups/new"),
            ("POST", f"/fi/orgs/{slug}/manage/groups/new"), ("GET", f"/fi/groups/{gid}/edit"),
            ("POST", f"/fi/groups/{gid}/edit"), ("GET", f"/fi/groups/{gid}/archive"),
            ("POST", f"/fi/groups/{gid}/archive")]


def test_only_the_orgs_coordinators_may_open_or_send(server, api, admin_token, org):
    g = make_group(server, org.slug, org.coord.token)
    # The group's own leader too: leading is not running the association.
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=org.coord.token,
                           json={"leaders": [org.leader.id]}), 200)
    other = org_with_people(server, admin_token, coord="coordinator")
    refused = [org.leader, org.member, other.coord]
    for p in refused:
        cookie, token = cookie_of(api, p)
        for method, path in routes(org.slug, g["id"]):
            r = get(api, path, cookie) if method == "GET" else \
                form(api, path, builder_fields(csrf=token), cookie=cookie)
            assert r.status == 403, (p, method, path, r.status)
            assert r.headers["Content-Type"].startswith("text/html")
    for method, path in routes(org.slug, g["id"]):  # signed out
        r = get(api, path) if method == "GET" else form(api, path, builder_fields())
        if method == "GET":
            assert r.status == 303 and r.headers["Location"] == f"/fi/signin?next={path}", (path, r.status)
        else:
            assert r.status == 401, (path, r.status)
    # Without the form token, even the coordinator's forms are refused.
    cookie, _ = cookie_of(api, org.coord)
    for method, path in routes(org.slug, g["id"]):
        if method == "POST":
            assert form(api, path, builder_fields(), cookie=cookie).status == 403
    # An unknown group is 404; an unknown org is refused as the API refuses it.
    assert get(api, "/fi/groups/00000000-0000-4000-8000-000000000000/edit", cookie).status == 404
    assert get(api, "/fi/orgs/no-such-org/manage", cookie).status == 403
    # Nothing was archived or changed by the refused forms.
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["archived"] is False


def test_a_weekly_group_with_the_builder_and_its_preview(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/orgs/{org.slug}/manage/groups/new"
    html = page(get(api, path, cookie), 200)
    assert 'name="sched_kind" type="radio" value="weekly" checked' in html
    fields = builder_fields(csrf=token, title="Tiistain omaisryhmä", capacity="10", step="preview")
    html = page(form(api, path, fields, cookie=cookie), 200)
    dates = re.findall(r'<li><time datetime="([^"]+)">([^<]+)</time></li>', html)
    assert len(dates) == 10
    assert all(text.startswith("ti ") and "klo 18.00–19.30" in text for _, text in dates)
    first = date.fromisoformat(dates[0][0][:10])
    assert first.weekday() == 1 and first >= next_monday()
    assert 'value="Tiistain omaisryhmä"' in html and 'value="10"' in html  # kept
    listed = assert_json(server.api("GET", f"/api/v1/groups?org={org.slug}", token=org.coord.token), 200)
    assert all(x["title"] != "Tiistain omaisryhmä" for x in listed["groups"])  # a preview saves nothing

    fields["step"] = "save"
    r = form(api, path, fields, cookie=cookie)
    assert r.status == 303, r.body[:300]
    m = re.fullmatch(r"/fi/groups/([0-9a-f-]{36})/edit\?saved=1", r.headers["Location"])
    g = assert_json(server.api("GET", f"/api/v1/groups/{m.group(1)}"), 200)["group"]
    assert g["schedule"]["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert g["schedule"]["start"].startswith(dates[0][0][:10] + "T18:00")
    assert g["schedule"]["duration_minutes"] == 90 and g["capacity"] == 10
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Tallennettu." in html and 'value="Tiistain omaisryhmä"' in html
    assert 'value="weekly" checked' in html and '<option value="TU" selected>' in html


def test_each_builder_choice_gives_its_rule(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/orgs/{org.slug}/manage/groups/new"
    cases = [({"sched_kind": "biweekly", "sched_weekday": "SA"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"),
             ({"sched_kind": "monthly", "sched_weekday": "TU", "sched_nth": "2", "sched_count": "6"},
              "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"),
             ({"sched_kind": "monthly", "sched_weekday": "FR", "sched_nth": "-1"}, "FREQ=MONTHLY;BYDAY=-1FR"),
             ({"sched_kind": "single"}, None),
             ({"sched_kind": "custom", "sched_rrule": "FREQ=DAILY;COUNT=3"}, "FREQ=DAILY;COUNT=3")]
    for over, rule in cases:
        r = form(api, path, builder_fields(csrf=token, step="save", **over), cookie=cookie)
        assert r.status == 303, (over, r.status, r.body[:400])
        gid = r.headers["Location"].split("/")[3]
        s = assert_json(server.api("GET", f"/api/v1/groups/{gid}"), 200)["group"]["schedule"]
        assert s["rrule"] == rule, over
    camp = builder_fields(csrf=token, step="save", sched_kind="camp", sched_time="16:00",
                          sched_end_time="14:00",
                          sched_end_date=(next_monday() + timedelta(days=2)).isoformat())
    r = form(api, path, camp, cookie=cookie)
    assert r.status == 303
    s = assert_json(server.api("GET", f"/api/v1/groups/{r.headers['Location'].split('/')[3]}"), 200)
    assert s["group"]["schedule"]["duration_minutes"] == 2 * 24 * 60 - 120
    assert s["group"]["schedule"]["rrule"] is None


def test_a_refused_form_comes_back_with_each_message_beside_its_field(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"/fi/orgs/{org.slug}/manage/groups/new"
    r = form(api, path, builder_fields(csrf=token, title="", sched_date="", cost="Maksuton", step="save"),
             cookie=cookie)
    html = page(r, 422)
    assert 'class="error-summary"' in html
    assert '<a href="#title">' in html and '<a href="#sched_date">' in html
    assert 'id="title-error"' in html and 'aria-describedby="title-error"' in html
    assert 'value="Maksuton"' in html  # what was typed is kept
    # The API's own refusals (here calendars/ refusing a rule) stand beside the field.
    r = form(api, path, builder_fields(csrf=token, sched_kind="custom", sched_rrule="FREQ=HOURLY",
                                       step="preview"), cookie=cookie)
    html = page(r, 422)
    assert '<a href="#sched_rrule">' in html, re.findall(r'<li><a href="#[^"]+">[^<]*', html)
    assert 'value="FREQ=HOURLY"' in unescape(html)
    r = form(api, path, builder_fields(csrf=token, online_url="ftp://x", capacity="kymmenen", step="save"),
             cookie=cookie)
    html = page(r, 422)
    assert '<a href="#capacity">' in html
    r = form(api, path, builder_fields(csrf=token, online_url="ftp://x", step="save"), cookie=cookie)
    assert '<a href="#online_url">' in page(r, 422)
    # In each language.
    r = form(api, f"/sv/orgs/{org.slug}/manage/groups/new", builder_fields(csrf=token, title=""), cookie=cookie)
    assert "Skriv gruppens namn" in page(r, 422)


def test_every_field_survives_the_edit_form(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    g = make_group(server, org.slug, org.coord.token, title_sv="Kvällsgrupp", capacity=12,
                   location={"name": "Kirjasto", "address": "Linnankatu 2", "municipality": "Turku",
                             "accessibility": "Hissi"},
                   languages=["fi", "sv", "smn"], topics=["jaksaminen", "vertaistuki"],
                   target_groups=["relatives"], leader_type="peer", anonymous_ok=True, cost="Maksuton",
                   waitlist_offer_hours=24, join_late=True, leaders=[org.leader.id],
                   registration={"opens": "2027-01-04T09:00:00+02:00", "closes": None},
                   reminder={"kind": "hours_before", "hours": 3},
                   schedule={"start": "2027-02-02T18:00", "duration_minutes": 120,
                             "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"})
    html = page(get(api, f"/fi/groups/{g['id']}/edit", cookie), 200)
    fields = edit_fields(html, token)
    assert fields["sched_kind"] == "biweekly" and fields["languages_other"] == "smn"
    r = form(api, f"/fi/groups/{g['id']}/edit", fields, cookie=cookie)
    assert r.status == 303, r.body[:500]
    after = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}", token=org.coord.token), 200)["group"]
    for key in ("title", "title_sv", "capacity", "location", "languages", "topics", "target_groups",
                "leader_type", "anonymous_ok", "cost", "waitlist_offer_hours", "join_late", "leaders",
                "registration", "reminder", "schedule", "kind", "access", "modality"):
        assert after[key] == g[key], key


def edit_fields(html, token):
    """The edit form's fields as the page fills them in, ready to be sent to save."""
    fields = {"csrf": token, "step": "save"}
    for m in re.finditer(r'<input id="[^"]+" name="([^"]+)" type="(text|url|date|time|datetime-local)" '
                         r'value="([^"]*)"', html):
        fields[m.group(1)] = unescape(m.group(3))
    for m in re.finditer(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields[m.group(1)] = unescape(m.group(2))
    for m in re.finditer(r'name="([^"]+)" type="(?:radio|checkbox)" value="([^"]+)" checked', html):
        fields[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select id="[^"]+" name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected>',
                         html):
        fields[m.group(1)] = m.group(2)
    return fields


def test_lowering_the_capacity_below_the_seats_taken_asks_first(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    g = make_group(server, org.slug, org.coord.token, capacity=3)
    add_session(server, g["id"], org.coord.token, in_days(5))
    people = [register(server) for _ in range(3)]
    for p in people:
        signed_up(server, "group", g["id"], p.token, status="confirmed")
    fields = edit_fields(page(get(api, f"/fi/groups/{g['id']}/edit", cookie), 200), token)
    fields["capacity"] = "2"
    html = page(form(api, f"/fi/groups/{g['id']}/edit", fields, cookie=cookie), 422)
    assert "Paikkoja on jo varattu enemmän" in html and 'name="confirm_capacity"' in html
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["capacity"] == 3
    # Said it means it: saved, the page says the group is full, and nobody lost a place.
    r = form(api, f"/fi/groups/{g['id']}/edit", {**fields, "confirm_capacity": "yes"}, cookie=cookie)
    assert r.status == 303 and r.headers["location"] == f"/fi/groups/{g['id']}/edit?saved=full", r.body[:300]
    html = page(get(api, r.headers["location"], cookie), 200)
    assert "kukaan ei menettänyt paikkaansa" in html
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["capacity"] == 2
    listing = signup_listing(server, "group", g["id"], org.coord.token)
    assert sorted(x["status"] for x in listing) == ["confirmed"] * 3, listing
    # A capacity that lowers nothing below what is taken saves as always.
    r = form(api, f"/fi/groups/{g['id']}/edit", {**fields, "capacity": "5"}, cookie=cookie)
    assert r.status == 303 and r.headers["location"].endswith("?saved=1")


def test_a_schedule_change_shows_the_dry_run_before_it_is_saved(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    start = next_monday()
    start += timedelta(days=(1 - start.weekday()) % 7)  # a Tuesday
    g = make_group(server, org.slug, org.coord.token,
                   schedule={"start": f"{start.isoformat()}T18:00", "duration_minutes": 90,
                             "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4"})
    sessions = lambda: assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    before = [s["starts_at"] for s in sessions()]
    fields = builder_fields(csrf=token, title=g["title"], sched_date=start.isoformat(), sched_weekday="TH",
                            sched_count="3", sched_end_time="19:30", step="save")
    html = page(form(api, f"/fi/groups/{g['id']}/edit", fields, cookie=cookie), 200)
    assert "Mitä muutos tekee" in html and "Siirtyvät" in html and "Poistuvat" in html
    assert len(re.findall(r'<span class="visually-hidden">siirtyy:</span>', html)) == 3
    assert [s["starts_at"] for s in sessions()] == before  # shown, not saved
    checked = unescape(re.search(r'name="checked_schedule" value="([^"]+)"', html).group(1))
    fields["checked_schedule"] = checked
    r = form(api, f"/fi/groups/{g['id']}/edit", fields, cookie=cookie)
    assert r.status == 303, r.body[:300]
    after = [s for s in sessions() if s["status"] == "scheduled"]
    assert len(after) == 3 and all(date.fromisoformat(s["starts_at"][:10]).weekday() == 3 for s in after)
    # The same schedule sent again changes no session (a session moved by hand stays).
    html = page(get(api, f"/fi/groups/{g['id']}/edit", cookie), 200)
    assert 'value="weekly" checked' in html and '<option value="TH" selected>' in html


def test_archiving_has_a_confirmation_step(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    g = make_group(server, org.slug, org.coord.token)
    html = page(get(api, f"/en/groups/{g['id']}/archive", cookie), 200)
    assert "Archive the group" in html and g["title"] in html
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["archived"] is False
    r = form(api, f"/en/groups/{g['id']}/archive", {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"/en/orgs/{org.slug}/manage?archived=1"
    assert assert_json(server.api("GET", f"/api/v1/groups/{g['id']}"), 200)["group"]["archived"] is True
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "The group has been archived." in html
    assert g["title"] in html.partition("Archived groups")[2]


def test_a_site_admin_may_run_any_org(server, api, org):
    from types import SimpleNamespace
    admin = SimpleNamespace(email=new_email(), password=new_password())
    assert server.cli("create-admin", admin.email, stdin=admin.password + "\n").returncode == 0
    cookie, _ = cookie_of(api, admin)
    assert page(get(api, f"/sv/orgs/{org.slug}/manage", cookie), 200)
    assert get(api, "/fi/orgs/no-such-org/manage", cookie).status == 404
