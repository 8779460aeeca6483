# SPDX-License-Identifier: Apache-2.0
"""Finding groups and sessions: Finnish search (stems, compound parts, typos,
the place and the organization's name), Swedish and English titles, ranked
results that page; filters that ignore case and spaces and refuse unknown
names; a person's own sessions and a series signup's next session."""
from datetime import timedelta

from helpers import (GROUPS, assert_error, assert_json, create_group, in_days, list_all_groups,
                     list_groups, make_group, org_with_people, signed_up, unique)


def ids(groups):
    return [g["id"] for g in groups]


def test_search_understands_finnish(server, admin_token):
    o = org_with_people(server, admin_token, {"name": f"Tampereen perhekahvilat {unique('ry')}"})
    other = org_with_people(server, admin_token, {"name": f"Oulun seudun yhdistys {unique('ry')}"})
    preemie = create_group(server, o.slug, admin_token, title="Vertaisryhmä keskosvauvojen vanhemmille",
                           kind="peer_group", location={"municipality": "Tampere"},
                           description="Suljettu ryhmä keskosena syntyneiden lasten vanhemmille.")
    oulu = create_group(server, other.slug, admin_token, title="Isien ilta", location={"municipality": "Oulu"},
                        description="Isille ja lapsille.")

    def search(q, **kw):
        found = ids(list_all_groups(server, q=q, **kw))
        return [g for g in found if g in (preemie["id"], oulu["id"])]
    for q in ("keskosvauva", "vauva", "perhekahvila tampere", "Perhekahvila  TAMPERE", "keskosvauvoille",
              "kesksvauva", "vertasiryhmä"):
        assert search(q) == [preemie["id"]], q
    assert search("perhekahvila oulu") == []     # every word must hold
    assert search("isien oulu") == [oulu["id"]]
    assert search("zyxwvu") == []


def test_swedish_and_english_titles_use_their_own_language(server, admin_token):
    o = org_with_people(server, admin_token)
    g = create_group(server, o.slug, admin_token, title="Surevien ilta", title_sv="Stöd i sorg",
                     title_en="Grieving parents")
    # Forms that only the Swedish and the English stemmer bring back to the title's words.
    for q in ("sorgens", "parenting", "stöd sorgens", "PARENTING grieving"):
        assert ids(list_groups(server, org=o.slug, q=q)["groups"]) == [g["id"]], q


def test_search_ranks_the_best_match_first_and_pages(server, admin_token):
    o = org_with_people(server, admin_token)
    made = [create_group(server, o.slug, admin_token, title=f"Ilta {i}",
                         description="Lopuksi puhutaan myös jaksamisesta.") for i in range(3)]
    best = create_group(server, o.slug, admin_token, title="Jaksaminen arjessa",
                        description="Jaksaminen ja jaksamisen keinot.")
    first = list_groups(server, org=o.slug, q="jaksaminen", limit=1)
    assert ids(first["groups"]) == [best["id"]]    # created last, found first: in its title
    assert first["next_cursor"] is not None
    everything = ids(list_all_groups(server, org=o.slug, q="jaksaminen", limit=1))
    assert everything == [best["id"]] + ids(made)  # the rest in the order they were made, each once
    # A cursor of a listing without q is not one of a search.
    plain = list_groups(server, org=o.slug, limit=1)["next_cursor"]
    r = server.api("GET", f"{GROUPS}?org={o.slug}&q=jaksaminen&cursor={plain}")
    assert_error(r, 422, "invalid", "cursor")


def test_filters_ignore_case_and_spaces(server, admin_token):
    o = org_with_people(server, admin_token)
    cafe = create_group(server, o.slug, admin_token, location={"municipality": "Jyväskylä"}, languages=["fi", "sv"],
                        topics=["Vauvaperheet"])
    create_group(server, o.slug, admin_token, kind="peer_group", location={"municipality": "Turku"})
    for params in ({"kind": " Family_Cafe "}, {"access": "OPEN", "kind": "family_cafe"},
                   {"municipality": "  jyvaskyla "}, {"language": " SV"}, {"topic": " vauvaperheet "},
                   {"modality": "In_Person ", "kind": "FAMILY_CAFE", "audience": " Public"}):
        assert ids(list_groups(server, org=f" {o.slug.upper()} ", **params)["groups"]) == [cafe["id"]], params
    assert_error(server.api("GET", f"{GROUPS}?kind=%20%20"), 422, "invalid", "kind")


def test_unknown_filters_are_named(server):
    for qs, name in (("municipalty=Tampere", "municipalty"), ("kind=camp&sort=title", "sort"),
                     ("Kind=camp", "Kind")):
        r = server.api("GET", f"{GROUPS}?{qs}")
        body = assert_error(r, 400, "unknown_parameter", name)
        assert name in body["message"], body


def test_unknown_session_listing_parameter_is_named(server, admin_token):
    o = org_with_people(server, admin_token)
    g = create_group(server, o.slug, admin_token)
    assert_error(server.api("GET", f"{GROUPS}/{g['id']}/sessions?form=2027-01-01"), 400,
                 "unknown_parameter", "form")


def add_session(server, gid, token, starts, hours=2):
    body = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=hours)).isoformat()}
    return assert_json(server.api("POST", f"/api/v1/groups/{gid}/sessions", json=body, token=token),
                       201)["session"]


def my_sessions(server, token, **params):
    from helpers import query
    return assert_json(server.api("GET", "/api/v1/me/sessions" + query(params), token=token), 200)["sessions"]


def test_my_sessions_show_my_role_and_status(server, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member",
                        other="member")
    cafe = create_group(server, o.slug, o.coord.token, leaders=[o.leader.id], title="Iltakahvila")
    today_s = add_session(server, cafe["id"], o.coord.token, in_days(0, 23) - timedelta(hours=1, minutes=30),
                          hours=1)
    later = add_session(server, cafe["id"], o.coord.token, in_days(5))
    far = add_session(server, cafe["id"], o.coord.token, in_days(60))
    series = make_group(server, o.slug, o.coord.token, title="Suljettu ryhmä")
    s1 = add_session(server, series["id"], o.coord.token, in_days(3))
    signed_up(server, "session", later["id"], o.member.token)
    signed_up(server, "group", series["id"], o.member.token)
    assert_json(server.api("POST", f"/api/v1/sessions/{s1['id']}/absence", json={}, token=o.member.token),
                201)

    window = {"from": in_days(-1).date().isoformat(), "to": in_days(30).date().isoformat()}
    led = my_sessions(server, o.leader.token, **window)
    assert [(s["id"], s["role"], s["my_status"]) for s in led] == [
        (today_s["id"], "leader", "leading"), (later["id"], "leader", "leading")]
    assert led[0]["group_title"] == "Iltakahvila" and led[0]["status"] == "scheduled"
    mine = my_sessions(server, o.member.token, **window)
    assert [(s["id"], s["role"], s["my_status"]) for s in mine] == [
        (s1["id"], "participant", "not_attending"), (later["id"], "participant", "confirmed")]
    assert all(s["signup_id"] for s in mine)
    assert far["id"] in ids(my_sessions(server, o.leader.token, to=in_days(90).date().isoformat()))
    assert my_sessions(server, o.other.token, **window) == []
    assert_error(server.api("GET", "/api/v1/me/sessions"), 401)
    assert_error(server.api("GET", "/api/v1/me/sessions?from=2027-01-01&to=2026-01-01",
                            token=o.member.token), 422, "invalid", "to")
    assert_error(server.api("GET", "/api/v1/me/sessions?day=2027-01-01", token=o.member.token), 400,
                 "unknown_parameter", "day")


def test_series_signup_shows_its_next_session(server, admin_token):
    o = org_with_people(server, admin_token, coord="coordinator", member="member")
    series = make_group(server, o.slug, o.coord.token, join_late=True)
    add_session(server, series["id"], o.coord.token, in_days(-7))
    nxt = add_session(server, series["id"], o.coord.token, in_days(7))
    add_session(server, series["id"], o.coord.token, in_days(14))
    cafe = create_group(server, o.slug, o.coord.token)
    one = add_session(server, cafe["id"], o.coord.token, in_days(2))
    signed_up(server, "group", series["id"], o.member.token)
    signed_up(server, "session", one["id"], o.member.token)
    by_group = {x["group_id"]: x for x in assert_json(
        server.api("GET", "/api/v1/me/signups", token=o.member.token), 200)["signups"]}
    shown = by_group[series["id"]]["next_session"]
    assert shown["id"] == nxt["id"] and shown["starts_at"] == nxt["starts_at"], shown
    assert shown["ends_at"] == nxt["ends_at"]
    assert by_group[cafe["id"]]["next_session"] is None
