# SPDX-License-Identifier: Apache-2.0
"""Groups: create, read, list (filters, search, paging), change, archive; who may do what;
validation with the field to blame; a closed group's online_url; odd input never a 500."""

import base64
import json
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from helpers import (GROUPS, HELSINKI, assert_error, assert_json, assert_offset_of_zone,
                     assert_time, create_group, get_group, group_body, list_all_groups,
                     list_groups, list_sessions, org_groups_path, parse_time, today, unique,
                     wall, weekday_on_or_after)

KINDS = ["peer_group", "family_cafe", "remote_group", "camp", "self_help", "phone_line", "other"]
GROUP_KEYS = {"id", "org", "title", "title_sv", "title_en", "description", "description_sv",
              "description_en", "kind", "access", "audience", "modality", "location",
              "online_url", "capacity", "languages", "topics", "target_groups", "leader_type",
              "anonymous_ok", "cost", "leaders", "registration", "schedule", "archived",
              "created_at", "updated_at"}
URL = "https://meet.example.org/piiri-{}"


def next_tuesday(days=7):
    return weekday_on_or_after(today() + timedelta(days=days), 1)


def full_body(c):
    """Every field of a group, as a coordinator fills it in."""
    return {
        "title": f"Perhekahvila Tikkurila {uuid.uuid4().hex[:6]}",
        "title_sv": "Familjecafé Dickursby",
        "title_en": "Family café Tikkurila",
        "description": "Avoin kohtaamispaikka lapsiperheille: kahvia, pullaa ja vertaistukea.",
        "description_sv": "En öppen mötesplats för barnfamiljer.",
        "description_en": "An open meeting place for families with children.",
        "kind": "family_cafe",
        "access": "open",
        "audience": "members",
        "modality": "hybrid",
        "location": {"name": "Tikkurilan kirjasto", "address": "Lummetie 4, 01300 Vantaa",
                     "municipality": "Vantaa",
                     "accessibility": "Esteetön sisäänkäynti, induktiosilmukka"},
        "online_url": URL.format(uuid.uuid4().hex[:8]),
        "capacity": 12,
        "languages": ["fi", "sv"],
        "topics": ["vertaistuki", "lapsiperheet"],
        "target_groups": ["families", "relatives"],
        "leader_type": "peer",
        "anonymous_ok": True,
        "cost": "Maksuton",
        "leaders": [c.leader.id],
        "registration": {"opens": "2027-01-04T08:00:00Z", "closes": "2027-06-30T21:00:00Z"},
        "schedule": {"start": wall(next_tuesday()), "duration_minutes": 120,
                     "timezone": HELSINKI, "rrule": "FREQ=WEEKLY;BYDAY=TU"},
    }


def assert_group_shape(g):
    missing = GROUP_KEYS - set(g)
    assert not missing, f"group lacks {sorted(missing)}: {g}"
    uuid.UUID(g["id"])
    assert_time(g["created_at"])
    assert_time(g["updated_at"])
    assert isinstance(g["archived"], bool)
    assert isinstance(g["leaders"], list)
    for leader in g["leaders"]:
        assert set(leader) == {"person_id", "display_name"}, leader
    assert "email" not in json.dumps(g), g


def same_wall_start(got, sent):
    """A schedule start as stored: seconds may be added ("18:00" -> "18:00:00")."""
    return got in (sent, sent + ":00")


def assert_same_instant(got, sent):
    assert_time(got)
    assert parse_time(got) == parse_time(sent), f"{got} is not the instant {sent}"


# ---------------------------------------------------------------- create


def test_create_full_group(server, api, circle):
    body = full_body(circle)
    r = api("POST", org_groups_path(circle.slug), json=body, token=circle.coord.token)
    g = assert_json(r, 201)["group"]
    assert_group_shape(g)
    assert g["org"] == circle.slug
    for k in ("title", "title_sv", "title_en", "description", "description_sv",
              "description_en", "kind", "access", "audience", "modality", "online_url",
              "capacity", "languages", "topics", "leader_type", "anonymous_ok", "cost"):
        assert g[k] == body[k], (k, g[k], body[k])
    assert sorted(g["target_groups"]) == sorted(body["target_groups"])
    for k, v in body["location"].items():
        assert g["location"][k] == v, (k, g["location"])
    assert g["leaders"] == [{"person_id": circle.leader.id,
                             "display_name": circle.leader.display_name}]
    assert_same_instant(g["registration"]["opens"], body["registration"]["opens"])
    assert_same_instant(g["registration"]["closes"], body["registration"]["closes"])
    s = g["schedule"]
    assert same_wall_start(s["start"], body["schedule"]["start"]), s
    assert (s["duration_minutes"], s["timezone"], s["rrule"]) == \
        (120, HELSINKI, "FREQ=WEEKLY;BYDAY=TU"), s
    assert g["archived"] is False
    assert parse_time(g["updated_at"]) >= parse_time(g["created_at"])
    # Anyone reads the same group back (an open group shows its online_url to all).
    assert get_group(server, g["id"]) == g


def test_create_minimal_group_defaults(server, api, circle):
    body = group_body()
    g = assert_json(api("POST", org_groups_path(circle.slug), json=body,
                        token=circle.coord.token), 201)["group"]
    assert_group_shape(g)
    assert g["title"] == body["title"]
    assert g["audience"] == "public"
    assert g["languages"] == ["fi"]
    assert g["anonymous_ok"] is False
    assert g["capacity"] is None
    assert g["schedule"] is None
    assert g["leaders"] == []
    for k in ("title_sv", "title_en", "description", "description_sv", "description_en",
              "online_url", "leader_type", "cost", "location"):
        assert g[k] is None, (k, g[k])
    assert g["topics"] == [] and g["target_groups"] == [], g
    assert g["registration"] == {"opens": None, "closes": None}, g["registration"]
    assert list_sessions(server, g["id"]) == []


def test_create_every_kind_and_enum(server, api, circle):
    for kind in KINDS:
        assert create_group(server, circle.slug, circle.admin_token, kind=kind)["kind"] == kind
    for access in ("open", "closed"):
        g = create_group(server, circle.slug, circle.admin_token, access=access)
        assert g["access"] == access
    for modality in ("in_person", "remote", "hybrid", "phone"):
        g = create_group(server, circle.slug, circle.admin_token, modality=modality)
        assert g["modality"] == modality
    for lt in ("peer", "professional", "both", None):
        g = create_group(server, circle.slug, circle.admin_token, leader_type=lt)
        assert g["leader_type"] == lt
    g = create_group(server, circle.slug, circle.admin_token,
                     target_groups=["affected", "relatives", "families", "anyone"])
    assert sorted(g["target_groups"]) == ["affected", "anyone", "families", "relatives"]


def test_create_ignores_unknown_and_server_fields(server, api, circle):
    other = create_group(server, circle.slug_b, circle.admin_token)
    body = group_body(id=other["id"], org=circle.slug_b, archived=True,
                      created_at="2000-01-01T00:00:00Z", updated_at="2000-01-01T00:00:00Z",
                      color="pink", owner="someone-else")
    g = assert_json(api("POST", org_groups_path(circle.slug), json=body,
                        token=circle.coord.token), 201)["group"]
    assert g["id"] != other["id"]
    assert g["org"] == circle.slug
    assert g["archived"] is False
    assert parse_time(g["created_at"]).year >= 2026
    assert "color" not in g
    assert get_group(server, other["id"])["org"] == circle.slug_b


def test_create_who(api, circle):
    path = org_groups_path(circle.slug)
    assert_error(api("POST", path, json=group_body()), 401, "unauthorized")
    assert_error(api("POST", path, json=group_body(), token="not-a-token"), 401, "unauthorized")
    for p in (circle.member, circle.leader, circle.outsider, circle.coord_b, circle.member_b):
        assert_error(api("POST", path, json=group_body(), token=p.token), 403, "forbidden")
    for token in (circle.coord.token, circle.admin_token):
        assert_json(api("POST", path, json=group_body(), token=token), 201)


def test_create_refused_to_parent_org_coordinator(server, api, circle, org_factory):
    child = org_factory(parent=circle.slug)
    r = api("POST", org_groups_path(child["slug"]), json=group_body(), token=circle.coord.token)
    assert_error(r, 403, "forbidden")


def test_create_in_unknown_org_404(api, circle):
    r = api("POST", org_groups_path(unique("ei-ole")), json=group_body(), token=circle.admin_token)
    assert_error(r, 404, "not_found")


def test_refused_create_leaves_nothing(server, api, circle):
    topic = unique("aihe")
    r = api("POST", org_groups_path(circle.slug), json=group_body(topics=[topic], capacity=0),
            token=circle.coord.token)
    assert_error(r, 422, "invalid", "capacity")
    assert list_groups(server, topic=topic)["groups"] == []


def test_leaders_must_be_leaders_of_the_org(server, api, circle):
    path = org_groups_path(circle.slug)
    # A leader or a coordinator of the org; a plain member is not (a demotion to member
    # ends group leadership, so a member cannot be named either).
    g = create_group(server, circle.slug, circle.coord.token,
                     leaders=[circle.leader2.id, circle.leader.id, circle.coord.id])
    assert {x["person_id"] for x in g["leaders"]} == \
        {circle.leader2.id, circle.leader.id, circle.coord.id}
    names = {x["person_id"]: x["display_name"] for x in g["leaders"]}
    assert names[circle.leader2.id] == circle.leader2.display_name
    for bad in ([circle.member.id], [circle.leader.id, circle.member.id],
                [circle.outsider.id], [circle.coord_b.id], [circle.leader.id, circle.member_b.id],
                [str(uuid.uuid4())], ["not-a-uuid"], [5], [None], circle.leader.id,
                [circle.member.id] * 21,
                {"id": circle.leader.id}, [{"person_id": circle.leader.id}]):
        r = api("POST", path, json=group_body(leaders=bad), token=circle.coord.token)
        assert_error(r, 422, "invalid", "leaders")


def test_registration_rendered_in_the_schedule_zone(server, api, circle):
    # Sent in UTC; shown in the group's zone: +02:00 in winter, +03:00 in summer.
    g = create_group(server, circle.slug, circle.coord.token,
                     registration={"opens": "2027-01-04T08:00:00Z",
                                   "closes": "2027-06-30T21:00:00.000Z"},
                     schedule={"start": wall(next_tuesday()), "duration_minutes": 90,
                               "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=3"})
    assert g["registration"]["opens"].startswith("2027-01-04T10:00:00") and \
        g["registration"]["opens"].endswith("+02:00"), g["registration"]
    assert g["registration"]["closes"].startswith("2027-07-01T00:00:00") and \
        g["registration"]["closes"].endswith("+03:00"), g["registration"]
    assert g["schedule"]["timezone"] == HELSINKI  # the default
    ny = create_group(server, circle.slug, circle.coord.token,
                      registration={"opens": "2027-01-04T10:00:00+02:00",
                                    "closes": "2027-06-30T21:00:00Z"},
                      schedule={"start": wall(next_tuesday()), "duration_minutes": 90,
                                "timezone": "America/New_York"})
    for k, sent in (("opens", "2027-01-04T08:00:00Z"), ("closes", "2027-06-30T21:00:00Z")):
        assert_same_instant(ny["registration"][k], sent)
        assert_offset_of_zone(ny["registration"][k], "America/New_York")
    assert ny["registration"]["closes"].endswith("-04:00")
    # Only one end of the window, or none.
    g = create_group(server, circle.slug, circle.coord.token,
                     registration={"opens": None, "closes": "2027-06-30T21:00:00Z"})
    assert g["registration"]["opens"] is None
    assert_same_instant(g["registration"]["closes"], "2027-06-30T21:00:00Z")
    assert g["registration"]["closes"].endswith("+03:00")  # no schedule: Europe/Helsinki
    g = create_group(server, circle.slug, circle.coord.token, registration=None)
    assert g["registration"] == {"opens": None, "closes": None}


@pytest.mark.parametrize("fields", [
    {"title": "x"}, {"title": "ä" * 200}, {"title_sv": "å" * 200, "title_en": None},
    {"description": "x"}, {"description": "ö" * 5000, "description_en": "e" * 5000},
    {"capacity": 1}, {"capacity": 100000}, {"capacity": None},
    {"languages": ["sv", "en", "smn"]}, {"languages": ["fi", "sv", "en", "ru", "et", "so"]},
    {"topics": [f"{i:02d}" + "a" * 58 for i in range(20)]}, {"topics": ["x"]},
    {"online_url": "http://example.org/x"}, {"online_url": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d"},
    {"online_url": None},
    {"location": {"name": "Kahvila Kuppi"}}, {"location": {}}, {"location": None},
    {"location": {"name": None, "address": None, "municipality": None, "accessibility": None}},
    {"cost": "5 € / perhe"}, {"cost": "€" * 200}, {"cost": None}, {"anonymous_ok": True},
    {"location": {"name": "n" * 200, "address": "a" * 300, "municipality": "m" * 100,
                  "accessibility": "x" * 1000}},
    {"online_url": "https://example.org/" + "x" * 1980},
    {"languages": ["fi", "sv", "en", "ru", "et", "so", "ar", "fa", "ku", "de"]},
    {"audience": "members"}, {"audience": "public"},
    {"schedule": None},
    {"schedule": {"start": "2027-01-05T18:00:00", "duration_minutes": 1}},
    {"schedule": {"start": "2027-01-05T09:30", "duration_minutes": 44640}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "rrule": None}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "timezone": "Europe/Stockholm", "rrule": "FREQ=DAILY;COUNT=1000"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T000000Z"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=MONTHLY;BYDAY=1TU;COUNT=6"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=YEARLY"}},
])
def test_create_accepts_edge_values(api, circle, fields):
    body = group_body(**fields)
    g = assert_json(api("POST", org_groups_path(circle.slug), json=body,
                        token=circle.coord.token), 201)["group"]
    for k, v in fields.items():
        if k == "schedule" and v is not None:
            assert same_wall_start(g[k]["start"], v["start"]), g[k]
            assert g[k]["duration_minutes"] == v["duration_minutes"]
            assert g[k]["timezone"] == v.get("timezone", HELSINKI)
        elif k == "location" and v:
            for lk, lv in v.items():
                assert (g[k] or {}).get(lk) == lv, (lk, g[k])
        elif k == "location":
            assert g[k] in (None, {}) or all(x is None for x in g[k].values()), g[k]
        else:
            assert g[k] == v, (k, g[k])


LONG_RULE = "FREQ=WEEKLY;" + "BYDAY=TU;" * 200
INVALID = [
    # (fields to set; "DEL" removes the field), the field to blame
    ({"title": "DEL"}, "title"), ({"title": ""}, "title"), ({"title": "x" * 201}, "title"),
    ({"title": "ä" * 201}, "title"), ({"title": None}, "title"), ({"title": 5}, "title"),
    ({"title": ["Kahvila"]}, "title"), ({"title": {"fi": "Kahvila"}}, "title"),
    ({"title_sv": ""}, "title_sv"), ({"title_sv": "x" * 201}, "title_sv"),
    ({"title_en": 5}, "title_en"),
    ({"description": ""}, "description"), ({"description": "x" * 5001}, "description"),
    ({"description_sv": "å" * 5001}, "description_sv"), ({"description_en": False}, "description_en"),
    ({"kind": "DEL"}, "kind"), ({"kind": "cafe"}, "kind"), ({"kind": "Family_Cafe"}, "kind"),
    ({"kind": ""}, "kind"), ({"kind": None}, "kind"), ({"kind": 1}, "kind"),
    ({"access": "DEL"}, "access"), ({"access": "half-open"}, "access"), ({"access": None}, "access"),
    ({"audience": "everyone"}, "audience"), ({"audience": 0}, "audience"),
    ({"modality": "DEL"}, "modality"), ({"modality": "telepathy"}, "modality"),
    ({"modality": ["remote"]}, "modality"),
    ({"location": "Helsinki"}, "location"), ({"location": ["Helsinki"]}, "location"),
    ({"location": 5}, "location"),
    ({"location": {"name": 5}}, "location.name"),
    ({"location": {"address": ["Mannerheimintie 1"]}}, "location.address"),
    ({"location": {"municipality": {"fi": "Helsinki"}}}, "location.municipality"),
    ({"location": {"accessibility": True}}, "location.accessibility"),
    ({"location": {"name": "n" * 201}}, "location.name"),
    ({"location": {"address": "a" * 301}}, "location.address"),
    ({"location": {"municipality": "m" * 101}}, "location.municipality"),
    ({"location": {"accessibility": "x" * 1001}}, "location.accessibility"),
    ({"location": {"name": ""}}, "location.name"),
    ({"online_url": "https://example.org/" + "x" * 1990}, "online_url"),
    ({"cost": "€" * 201}, "cost"), ({"cost": ""}, "cost"),
    ({"languages": ["fi", "sv", "en", "ru", "et", "so", "ar", "fa", "ku", "de", "fr"]}, "languages"),
    ({"online_url": "ftp://example.org/x"}, "online_url"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"online_url": "meet.example.org/x"}, "online_url"), ({"online_url": ""}, "online_url"),
    ({"online_url": "https://"}, "online_url"), ({"online_url": 5}, "online_url"),
    ({"capacity": 0}, "capacity"), ({"capacity": -1}, "capacity"),
    ({"capacity": 100001}, "capacity"), ({"capacity": 1.5}, "capacity"),
    ({"capacity": "10"}, "capacity"), ({"capacity": True}, "capacity"),
    ({"capacity": 2 ** 31}, "capacity"), ({"capacity": 2 ** 53 + 1}, "capacity"),
    ({"languages": "fi"}, "languages"), ({"languages": ["FI"]}, "languages"),
    ({"languages": ["finnish"]}, "languages"), ({"languages": ["f"]}, "languages"),
    ({"languages": [5]}, "languages"), ({"languages": ["sv-FI"]}, "languages"),
    ({"topics": "vertaistuki"}, "topics"), ({"topics": [""]}, "topics"),
    ({"topics": ["x" * 61]}, "topics"), ({"topics": [5]}, "topics"),
    ({"topics": [f"aihe {i}" for i in range(21)]}, "topics"),
    ({"target_groups": ["everyone"]}, "target_groups"),
    ({"target_groups": "families"}, "target_groups"),
    ({"leader_type": "robot"}, "leader_type"), ({"leader_type": 5}, "leader_type"),
    ({"anonymous_ok": "yes"}, "anonymous_ok"), ({"anonymous_ok": 1}, "anonymous_ok"),
    ({"cost": 5}, "cost"), ({"cost": ["5 €"]}, "cost"),
    ({"registration": "2027-01-01"}, "registration"), ({"registration": [1, 2]}, "registration"),
    ({"registration": {"opens": "2027-01-04"}}, "registration.opens"),
    ({"registration": {"opens": "2027-01-04T10:00:00"}}, "registration.opens"),
    ({"registration": {"opens": "huomenna"}}, "registration.opens"),
    ({"registration": {"opens": 1767225600}}, "registration.opens"),
    ({"registration": {"opens": "2027-13-04T10:00:00Z"}}, "registration.opens"),
    ({"registration": {"closes": {"at": "2027-01-04T10:00:00Z"}}}, "registration.closes"),
    ({"registration": {"opens": "2027-02-01T10:00:00Z", "closes": "2027-01-01T10:00:00Z"}},
     "registration.closes"),
    ({"registration": {"opens": "2027-02-01T12:00:00+02:00", "closes": "2027-02-01T10:00:00Z"}},
     "registration.closes"),
    ({"schedule": "weekly"}, "schedule"), ({"schedule": ["2027-01-05T18:00"]}, "schedule"),
    ({"schedule": {"duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": None, "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "2027-13-05T18:00", "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "2027-02-30T18:00", "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "2027-01-05T25:00", "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "tiistaisin", "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": 1767225600, "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                   "rrule": "FREQ=WEEKLY;BYDAY=WE"}}, "schedule.start"),
    ({"schedule": {"start": "2027-01-05T18:00"}}, "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 0}}, "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": -60}},
     "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 44641}},
     "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": "90"}},
     "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 90.5}},
     "schedule.duration_minutes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                   "timezone": "Mars/Olympus"}}, "schedule.timezone"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "timezone": ""}},
     "schedule.timezone"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                   "timezone": "../../etc/passwd"}}, "schedule.timezone"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "timezone": 2}},
     "schedule.timezone"),
] + [
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "rrule": rule}},
     "schedule.rrule")
    for rule in ["FREQ=SOMETIMES", "FREQ=HOURLY", "FREQ=MINUTELY", "FREQ=SECONDLY",
                 "FREQ=HOURLY;INTERVAL=24", "FREQ=WEEKLY;BYDAY=TU;COUNT=5;UNTIL=20271231T000000Z",
                 "FREQ=DAILY;COUNT=1001", "FREQ=WEEKLY;BYDAY=XX", "BYDAY=TU", "", "FREQ=",
                 "FREQ=WEEKLY;COUNT=-1", "FREQ=DAILY;BYHOUR=9,18", "FREQ=WEEKLY;BYMINUTE=30", "FREQ=WEEKLY;UNTIL=tomorrow",
                 LONG_RULE, 5, ["FREQ=WEEKLY"]]
]


@pytest.mark.parametrize("fields,field", INVALID)
def test_create_invalid_422(api, circle, fields, field):
    body = group_body()
    for k, v in fields.items():
        if v == "DEL":
            body.pop(k)
        else:
            body[k] = v
    r = api("POST", org_groups_path(circle.slug), json=body, token=circle.coord.token)
    assert_error(r, 422, "invalid", field)


def test_create_huge_integer_is_out_of_range_not_malformed(api, circle):
    """10^20 is valid JSON (RFC 8259 sets no limit); it is out of range, so 422 capacity."""
    body = json.dumps(group_body(capacity=0)).replace('"capacity": 0', '"capacity": 100000000000000000000')
    r = api("POST", org_groups_path(circle.slug), body=body, token=circle.coord.token)
    assert_error(r, 422, "invalid", "capacity")


def test_create_non_object_body_400(api, circle):
    for raw in (b"[]", b'"title"', b"null", b"{"):
        r = api("POST", org_groups_path(circle.slug), body=raw, token=circle.coord.token)
        assert_error(r, 400, "malformed_json")


# ---------------------------------------------------------------- read one


def test_get_unknown_or_malformed_404(api):
    for gid in (str(uuid.uuid4()), "abc", "1", "%ff%fe", "00000000-0000-0000-0000-00000000000g"):
        assert_error(api("GET", f"{GROUPS}/{gid}"), 404, "not_found")


def test_public_gets_refuse_a_bad_token(server, api, circle):
    g = create_group(server, circle.slug, circle.coord.token)
    for path in (f"{GROUPS}/{g['id']}", GROUPS, f"{GROUPS}?org={circle.slug}"):
        assert_error(api("GET", path, token="väärä-token-123"), 401, "unauthorized")
        assert_error(api("GET", path, token=circle.coord.token + "x"), 401, "unauthorized")


# ---------------------------------------------------------------- online_url privacy


def url_seen(server, gid, token):
    return get_group(server, gid, token)["online_url"]


def listed_url(server, slug, gid, token):
    groups = {x["id"]: x for x in list_all_groups(server, token=token, org=slug)}
    return groups[gid]["online_url"]


def test_closed_group_url_only_for_leaders_coordinators_admins(server, api, circle, org_factory):
    url = URL.format(uuid.uuid4().hex)
    # A group in an org of the test's own, so listing by org finds it on the first page.
    org = org_factory()
    slug = org["slug"]
    lead, coord, member, other_leader = (register_into(server, circle, slug, r)
                                         for r in ("leader", "coordinator", "member", "leader"))
    r = api("POST", org_groups_path(slug), token=coord.token,
            json=group_body(access="closed", kind="peer_group", modality="remote",
                            online_url=url, leaders=[lead.id]))
    g = assert_json(r, 201)["group"]
    assert g["online_url"] == url  # the coordinator who made it
    gid = g["id"]
    allowed = {"coordinator": coord.token, "group leader": lead.token,
               "admin": circle.admin_token}
    refused = {"anonymous": None, "org member": member.token,
               "org leader of other groups": other_leader.token,
               "other org's coordinator": circle.coord_b.token, "outsider": circle.outsider.token,
               "coordinator of another org": circle.coord.token}
    for who, token in allowed.items():
        assert url_seen(server, gid, token) == url, who
        assert listed_url(server, slug, gid, token) == url, who
    for who, token in refused.items():
        assert url_seen(server, gid, token) is None, who
        assert listed_url(server, slug, gid, token) is None, who
        assert url not in json.dumps(list_groups(server, token=token, org=slug)), who
    # The leader changes something: the PATCH answer carries the URL for them.
    r = api("PATCH", f"{GROUPS}/{gid}", json={"cost": "Maksuton"}, token=lead.token)
    assert assert_json(r, 200)["group"]["online_url"] == url
    # Opened up: everyone sees it.
    assert_json(api("PATCH", f"{GROUPS}/{gid}", json={"access": "open"}, token=coord.token), 200)
    for who, token in refused.items():
        assert url_seen(server, gid, token) == url, who
    # Closed again, and the leader replaced: the old leader no longer sees it.
    r = api("PATCH", f"{GROUPS}/{gid}", json={"access": "closed", "leaders": [other_leader.id]},
            token=coord.token)
    assert assert_json(r, 200)["group"]["online_url"] == url
    assert url_seen(server, gid, lead.token) is None
    assert url_seen(server, gid, other_leader.token) == url
    assert url_seen(server, gid, None) is None


def see_link_cases():
    """(viewer, sees an open group's link, sees a closed group's) of tests/group-see-link.cases."""
    from pathlib import Path
    out = []
    for line in (Path(__file__).resolve().parent.parent / "group-see-link.cases").read_text().splitlines():
        if line.startswith("#") or not line.split():
            continue
        viewer, open_, closed = line.split()
        out.append((viewer, open_ == "yes", closed == "yes"))
    return out


def test_sql_shows_the_link_as_the_table_says(server, api, circle, org_factory):
    """The SQL (group_link_visible) decides the online_url of every group it returns, for
    one group as for a list, by the rule authz.c holds to the same table (test_authz.c)."""
    from helpers import register, sign_up
    slug = org_factory()["slug"]
    coord, leader, other_leader, member = (register_into(server, circle, slug, r)
                                           for r in ("coordinator", "leader", "leader", "member"))
    participant = register(server)
    urls, gids = {}, {}
    for access in ("open", "closed"):
        urls[access] = URL.format(uuid.uuid4().hex)
        gids[access] = create_group(server, slug, coord.token, access=access, kind="peer_group",
                                    modality="remote", online_url=urls[access],
                                    leaders=[leader.id])["id"]
    assert assert_json(sign_up(server, "group", gids["closed"], participant.token), 201)[
        "signup"]["status"] == "confirmed"
    tokens = {"anonymous": None, "outsider": circle.outsider.token, "member": member.token,
              "participant": participant.token, "leader_of_the_group": leader.token,
              "leader_of_other_groups": other_leader.token, "coordinator": coord.token,
              "coordinator_of_another_org": circle.coord_b.token, "admin": circle.admin_token}
    cases = see_link_cases()
    assert {v for v, _, _ in cases} == set(tokens), "a viewer of the table has no person here"
    for viewer, sees_open, sees_closed in cases:
        for access, sees in (("open", sees_open), ("closed", sees_closed)):
            want = urls[access] if sees else None
            assert url_seen(server, gids[access], tokens[viewer]) == want, (viewer, access)
            assert listed_url(server, slug, gids[access], tokens[viewer]) == want, (viewer, access)


def register_into(server, circle, slug, role):
    from helpers import register
    p = register(server)
    r = server.api("PUT", f"/api/v1/orgs/{slug}/members/{p.id}", json={"role": role},
            token=circle.admin_token)
    assert_json(r, 200)
    return p


def test_open_group_url_for_everyone(server, api, circle):
    url = URL.format(uuid.uuid4().hex)
    topic = unique("etä")
    g = create_group(server, circle.slug, circle.coord.token, access="open",
                     modality="remote", online_url=url, topics=[topic])
    for token in (None, circle.outsider.token, circle.member.token, circle.coord_b.token):
        assert url_seen(server, g["id"], token) == url
        assert [x["online_url"] for x in list_groups(server, token=token, topic=topic)["groups"]] == [url]


# ---------------------------------------------------------------- listing


def make_groups(server, slug, token, specs):
    return [create_group(server, slug, token, **spec) for spec in specs]


def ids(groups):
    return [g["id"] for g in groups]


def test_list_by_org_in_creation_order(server, api, circle, org_factory):
    org = org_factory()
    made = make_groups(server, org["slug"], circle.admin_token, [{"title": f"Ryhmä {i}"} for i in range(5)])
    body = list_groups(server, org=org["slug"])
    assert set(body) >= {"groups", "next_cursor"}
    assert ids(body["groups"]) == ids(made)
    assert body["next_cursor"] is None
    for g in body["groups"]:
        assert_group_shape(g)
        assert g["org"] == org["slug"]
    assert body["groups"] == made
    # Stable: the same answer again.
    assert list_groups(server, org=org["slug"]) == body
    # Unknown org: nothing (or 422), never another org's groups.
    r = api("GET", f"{GROUPS}?org={unique('ei-ole')}")
    if r.status == 200:
        assert assert_json(r, 200)["groups"] == []
    else:
        assert_error(r, 422, "invalid", "org")


def test_list_without_filters_includes_new_groups(server, api, circle):
    g = create_group(server, circle.slug, circle.admin_token)
    everything = list_all_groups(server, limit=100)
    assert g["id"] in ids(everything)
    assert len(ids(everything)) == len(set(ids(everything)))


@pytest.mark.parametrize("param,values", [
    ("kind", KINDS), ("access", ["open", "closed"]), ("audience", ["public", "members"]),
    ("modality", ["in_person", "remote", "hybrid", "phone"]),
])
def test_list_filter_enums(server, api, circle, org_factory, param, values):
    slug = org_factory()["slug"]
    made = {v: create_group(server, slug, circle.admin_token, **{param: v}) for v in values}
    for v in values:
        got = list_groups(server, org=slug, **{param: v})["groups"]
        assert ids(got) == [made[v]["id"]], (param, v)
    r = api("GET", f"{GROUPS}?{param}=nonexistent")
    assert_error(r, 422, "invalid", param)


def test_list_filters_combine(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    a, b, c, _ = make_groups(server, slug, circle.admin_token, [
        {"kind": "peer_group", "access": "closed", "modality": "remote"},
        {"kind": "peer_group", "access": "open", "modality": "remote"},
        {"kind": "peer_group", "access": "closed", "modality": "in_person"},
        {"kind": "camp", "access": "closed", "modality": "remote"}])
    got = list_groups(server, org=slug, kind="peer_group", access="closed")["groups"]
    assert ids(got) == [a["id"], c["id"]]
    got = list_groups(server, org=slug, kind="peer_group", access="closed",
                      modality="remote")["groups"]
    assert ids(got) == [a["id"]]
    assert list_groups(server, org=slug, kind="self_help")["groups"] == []


def test_list_filter_municipality(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    jkl, espoo, _, hki = make_groups(server, slug, circle.admin_token, [
        {"location": {"name": "Kahvila", "municipality": "Jyväskylä"}},
        {"location": {"municipality": "Espoo"}},
        {"location": None},
        {"location": {"name": "Jyväskylä-sali", "municipality": "Helsinki",
                      "address": "Jyväskyläntie 1"}}])
    for q in ("Jyväskylä", "JYVÄSKYLÄ", "jyvaskyla", "Jyvaskyla"):
        assert ids(list_groups(server, org=slug, municipality=q)["groups"]) == [jkl["id"]], q
    assert ids(list_groups(server, org=slug, municipality="espoo")["groups"]) == [espoo["id"]]
    for q in ("Jyväs", "kylä", "Jyväskylä Espoo"):
        assert list_groups(server, org=slug, municipality=q)["groups"] == [], q
    assert ids(list_groups(server, org=slug, municipality="helsinki")["groups"]) == [hki["id"]]


def test_list_filter_language(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    fi, fisv, en = make_groups(server, slug, circle.admin_token, [
        {}, {"languages": ["fi", "sv"]}, {"languages": ["en"]}])
    assert ids(list_groups(server, org=slug, language="fi")["groups"]) == [fi["id"], fisv["id"]]
    assert ids(list_groups(server, org=slug, language="sv")["groups"]) == [fisv["id"]]
    assert ids(list_groups(server, org=slug, language="en")["groups"]) == [en["id"]]
    assert list_groups(server, org=slug, language="se")["groups"] == []


def test_list_filter_topic(server, api, circle):
    topic = f"Mielenterveys-{uuid.uuid4().hex[:8]}"
    a, b, _ = make_groups(server, circle.slug, circle.admin_token, [
        {"topics": [topic, "lapsiperheet"]}, {"topics": [topic.lower()]},
        {"topics": [topic + "x"]}])
    for q in (topic, topic.upper(), topic.lower()):
        assert ids(list_groups(server, topic=q)["groups"]) == [a["id"], b["id"]], q
    assert list_groups(server, topic=topic[:-1])["groups"] == []


def test_list_search_q(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    cafe, mothers, fathers, other = make_groups(server, slug, circle.admin_token, [
        {"title": "Perhekahvila Myllypuro"},
        {"title": "Vertaisryhmä tyttärille",
         "description": "Tapaamme, kun oma äiti sairastaa muistisairautta."},
        {"title": "Isien ryhmä", "title_sv": "Familjecafé för pappor",
         "description_en": "Peer support for FATHERS of young children."},
        {"title": "Omaishoitajien ilta", "title_en": "Carers' evening"}])

    def search(q):
        return ids(list_groups(server, org=slug, q=q)["groups"])
    assert search("kahvila") == [cafe["id"]]            # a word inside a compound
    assert search("PERHEKAHVILA") == [cafe["id"]]
    assert search("perhekahvilaan") == [cafe["id"]]     # Finnish inflection
    assert search("AITI") == [mothers["id"]]            # case and accents
    assert search("äiti") == [mothers["id"]]
    assert search("muistisairautta") == [mothers["id"]]
    assert search("familjecafe") == [fathers["id"]]     # the Swedish title
    assert search("fathers") == [fathers["id"]]         # the English description
    assert search("carers") == [other["id"]]            # the English title
    # Ranked: the word itself before a part of a compound (Vertaisryhmä).
    assert search("ryhmä") == [fathers["id"], mothers["id"]]
    assert search("zyxwvu") == []


def test_list_filter_from_to(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    d1 = next_tuesday(30)
    d2 = d1 + timedelta(days=90)
    weekly, once, _ = make_groups(server, slug, circle.admin_token, [
        {"schedule": {"start": wall(d1), "duration_minutes": 120,
                      "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=3"}},
        {"schedule": {"start": wall(d2, 10), "duration_minutes": 240}},
        {"schedule": None}])

    def window(f, t):
        return ids(list_groups(server, org=slug, **{"from": f, "to": t})["groups"])
    assert window((d1 - timedelta(days=3)).isoformat(), (d1 + timedelta(days=20)).isoformat()) == [weekly["id"]]
    assert window((d1 + timedelta(days=10)).isoformat(), (d1 + timedelta(days=11)).isoformat()) == []
    assert window((d1 - timedelta(days=3)).isoformat(), (d2 + timedelta(days=3)).isoformat()) == \
        [weekly["id"], once["id"]]
    assert window((d2 - timedelta(days=1)).isoformat(), (d2 + timedelta(days=1)).isoformat()) == [once["id"]]
    # RFC 3339 times: a window inside the session (12:00-13:00 of a 10:00-14:00 meeting) overlaps it.
    local = datetime(d2.year, d2.month, d2.day, 12, 0, tzinfo=ZoneInfo(HELSINKI))
    f = local.isoformat()
    t = (local + timedelta(hours=1)).isoformat()
    assert window(f, t) == [once["id"]], (f, t)
    assert window(local.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
                  (local + timedelta(minutes=1)).astimezone(timezone.utc).isoformat()) == [once["id"]]
    # Just after it ended: nothing.
    f = (local + timedelta(hours=2, minutes=1)).isoformat()
    assert window(f, (local + timedelta(hours=5)).isoformat()) == []
    for param in ("from", "to"):
        for bad in ("huomenna", "2027-02-30", "2027-01-05T18:00:00"):
            assert_error(api("GET", f"{GROUPS}?{param}={bad}"), 422, "invalid", param)


def test_list_from_to_counts_only_scheduled_sessions(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    day = next_tuesday(20)
    g = create_group(server, slug, circle.admin_token,
                     schedule={"start": wall(day), "duration_minutes": 60})
    span = {"from": (day - timedelta(days=1)).isoformat(), "to": (day + timedelta(days=1)).isoformat()}
    assert ids(list_groups(server, org=slug, **span)["groups"]) == [g["id"]]
    (s,) = list_sessions(server, g["id"])
    r = api("PATCH", f"/api/v1/sessions/{s['id']}", json={"status": "cancelled", "reason": "Peruttu"},
            token=circle.admin_token)
    assert_json(r, 200)
    assert list_groups(server, org=slug, **span)["groups"] == []


def test_list_leaves_out_archived(server, api, circle):
    topic = unique("arkisto")
    keep, gone = make_groups(server, circle.slug, circle.coord.token,
                             [{"topics": [topic]}, {"topics": [topic]}])
    r = api("DELETE", f"{GROUPS}/{gone['id']}", token=circle.coord.token)
    assert r.status == 204, r
    assert ids(list_groups(server, topic=topic)["groups"]) == [keep["id"]]
    assert ids(list_groups(server, topic=topic, token=circle.coord.token)["groups"]) == [keep["id"]]
    assert ids(list_groups(server, topic=topic, token=circle.admin_token)["groups"]) == [keep["id"]]


def test_list_paging(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    made = make_groups(server, slug, circle.admin_token, [{"title": f"Sivu {i}"} for i in range(7)])
    p1 = list_groups(server, org=slug, limit=3)
    assert ids(p1["groups"]) == ids(made[:3])
    assert isinstance(p1["next_cursor"], str) and p1["next_cursor"]
    p2 = list_groups(server, org=slug, limit=3, cursor=p1["next_cursor"])
    assert ids(p2["groups"]) == ids(made[3:6])
    # A group made while someone pages still comes exactly once, at the end.
    late = create_group(server, slug, circle.admin_token, title="Myöhäinen")
    p3 = list_groups(server, org=slug, limit=3, cursor=p2["next_cursor"])
    assert ids(p3["groups"]) == [made[6]["id"], late["id"]]
    assert p3["next_cursor"] is None
    # The same cursor gives the same page again.
    assert ids(list_groups(server, org=slug, limit=3, cursor=p1["next_cursor"])["groups"]) == \
        ids(made[3:6])
    # Every page size walks every group exactly once.
    for limit in (1, 2, 4, 8, 100):
        assert ids(list_all_groups(server, org=slug, limit=limit)) == ids(made) + [late["id"]]


def test_list_paging_with_filters(server, api, circle):
    topic = unique("sivutus")
    made = make_groups(server, circle.slug, circle.admin_token,
                       [{"topics": [topic], "access": "closed" if i % 2 else "open"}
                        for i in range(6)])
    assert ids(list_all_groups(server, topic=topic, access="closed", limit=2)) == \
        ids(made[1::2])


def test_list_default_limit_50(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    made = make_groups(server, slug, circle.admin_token, [{"title": f"G{i}"} for i in range(51)])
    p1 = list_groups(server, org=slug)
    assert ids(p1["groups"]) == ids(made[:50])
    assert p1["next_cursor"]
    p2 = list_groups(server, org=slug, cursor=p1["next_cursor"])
    assert ids(p2["groups"]) == [made[50]["id"]] and p2["next_cursor"] is None
    assert ids(list_groups(server, org=slug, limit=100)["groups"]) == ids(made)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "", "99999999999999999999"])
def test_list_bad_limit_422(api, limit):
    assert_error(api("GET", f"{GROUPS}?limit={limit}"), 422, "invalid", "limit")


@pytest.mark.parametrize("cursor", ["xyz", "AAAA", "%ff%fe", "eyJpZCI6IjEifQ", "0" * 300, "-1"])
def test_list_garbage_cursor_422(api, cursor):
    assert_error(api("GET", f"{GROUPS}?cursor={cursor}"), 422, "invalid", "cursor")


@pytest.mark.parametrize("time", ["9999-12-31T23:59:59-23:59", "2027-01-05T18:00:00+16:00",
                                  "2027-01-05T18:00:00.5-20:30", "2027-01-05T18:00:00+02:00"])
def test_list_forged_cursor_with_an_offset_422(api, time):
    """The server gives out cursors in UTC; an offset PostgreSQL cannot take was a 500."""
    key = f"{time}|{uuid.uuid4()}".encode()
    cursor = base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert_error(api("GET", f"{GROUPS}?cursor={cursor}"), 422, "invalid", "cursor")


def test_list_cursor_with_bytes_after_the_id_422(api):
    key = f"2027-01-05T16:00:00.000000Z|{uuid.uuid4()}".encode() + b"\0junk"
    cursor = base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert_error(api("GET", f"{GROUPS}?cursor={cursor}"), 422, "invalid", "cursor")


# ---------------------------------------------------------------- patch


def patch(api, gid, body, token):
    return api("PATCH", f"{GROUPS}/{gid}", json=body, token=token)


def test_patch_changes_only_given_fields(server, api, circle):
    body = full_body(circle)
    g = assert_json(api("POST", org_groups_path(circle.slug), json=body,
                        token=circle.coord.token), 201)["group"]
    r = patch(api, g["id"], {"title": "Perhekahvila Hiekkaharju", "capacity": None,
                             "topics": ["uusi aihe"], "online_url": None},
              circle.coord.token)
    p = assert_json(r, 200)["group"]
    assert p["title"] == "Perhekahvila Hiekkaharju"
    assert p["capacity"] is None and p["online_url"] is None and p["topics"] == ["uusi aihe"]
    unchanged = {k: v for k, v in g.items()
                 if k not in ("title", "capacity", "topics", "online_url", "updated_at")}
    assert {k: p[k] for k in unchanged} == unchanged
    assert parse_time(p["updated_at"]) > parse_time(g["updated_at"])
    assert p["created_at"] == g["created_at"]
    assert get_group(server, g["id"], circle.coord.token) == p


def test_patch_replaces_nested_objects_whole(server, api, circle):
    g = create_group(server, circle.slug, circle.coord.token,
                     location={"name": "Kirjasto", "address": "Katu 1",
                               "municipality": "Vantaa", "accessibility": "Hissi"},
                     registration={"opens": "2027-01-04T08:00:00Z",
                                   "closes": "2027-02-04T08:00:00Z"})
    p = assert_json(patch(api, g["id"], {"location": {"name": "Nuorisotila"},
                                         "registration": {"closes": "2027-03-01T08:00:00Z"}},
                          circle.coord.token), 200)["group"]
    assert p["location"]["name"] == "Nuorisotila"
    for k in ("address", "municipality", "accessibility"):
        assert p["location"].get(k) is None, p["location"]
    assert p["registration"]["opens"] is None
    assert_same_instant(p["registration"]["closes"], "2027-03-01T08:00:00Z")
    p = assert_json(patch(api, g["id"], {"location": None, "registration": None},
                          circle.coord.token), 200)["group"]
    assert p["location"] is None
    assert p["registration"] == {"opens": None, "closes": None}


def test_patch_who(server, api, circle):
    g = create_group(server, circle.slug, circle.coord.token, leaders=[circle.leader.id])
    gid = g["id"]
    assert_error(patch(api, gid, {"cost": "1 €"}, None), 401, "unauthorized")
    assert_error(patch(api, gid, {"cost": "1 €"}, "bad-token"), 401, "unauthorized")
    for p in (circle.member, circle.leader2, circle.outsider, circle.coord_b, circle.member_b):
        assert_error(patch(api, gid, {"cost": "1 €"}, p.token), 403, "forbidden")
    assert get_group(server, gid)["cost"] is None
    for i, token in enumerate((circle.coord.token, circle.leader.token, circle.admin_token)):
        assert assert_json(patch(api, gid, {"cost": f"{i} €"}, token), 200)["group"]["cost"] == f"{i} €"


@pytest.mark.parametrize("fields,field", [
    ({"title": None}, "title"), ({"title": ""}, "title"), ({"kind": "cafe"}, "kind"),
    ({"access": None}, "access"), ({"modality": None}, "modality"),
    ({"capacity": 0}, "capacity"), ({"capacity": -5}, "capacity"),
    ({"leaders": [str(uuid.uuid4())]}, "leaders"), ({"languages": ["FIN1"]}, "languages"),
    ({"online_url": "mailto:x"}, "online_url"), ({"location": {"name": 1}}, "location.name"),
    ({"registration": {"opens": "2027-02-01T10:00:00Z", "closes": "2027-02-01T10:00:00Z"}},
     "registration.closes"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "rrule": "FREQ=HOURLY"}},
     "schedule.rrule"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                   "timezone": "Mars/Olympus"}}, "schedule.timezone"),
    ({"schedule": {"start": "2027-01-05", "duration_minutes": 60}}, "schedule.start"),
    ({"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 99999}},
     "schedule.duration_minutes"),
])
def test_patch_invalid_changes_nothing(server, api, circle, fields, field):
    g = create_group(server, circle.slug, circle.coord.token, capacity=5,
                     schedule={"start": wall(next_tuesday()), "duration_minutes": 90,
                               "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=3"})
    before = list_sessions(server, g["id"])
    assert_error(patch(api, g["id"], fields, circle.coord.token), 422, "invalid", field)
    assert get_group(server, g["id"], circle.coord.token) == g
    assert list_sessions(server, g["id"]) == before


def test_patch_unknown_group_404(api, circle):
    for gid in (str(uuid.uuid4()), "x", "%ff"):
        assert_error(patch(api, gid, {"cost": "1 €"}, circle.admin_token), 404, "not_found")


def test_patch_non_object_body_400(server, api, circle):
    g = create_group(server, circle.slug, circle.coord.token)
    r = api("PATCH", f"{GROUPS}/{g['id']}", body=b'["title"]', token=circle.coord.token)
    assert_error(r, 400, "malformed_json")


# ---------------------------------------------------------------- archive


def test_delete_archives(server, api, circle):
    topic = unique("loppu")
    g = create_group(server, circle.slug, circle.coord.token, topics=[topic],
                     schedule={"start": wall(next_tuesday()), "duration_minutes": 90,
                               "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4"})
    sessions = list_sessions(server, g["id"])
    assert len(sessions) == 4
    r = api("DELETE", f"{GROUPS}/{g['id']}", token=circle.coord.token)
    assert r.status == 204 and not r.body, r
    assert list_groups(server, topic=topic)["groups"] == []
    got = get_group(server, g["id"])
    assert got["archived"] is True
    assert got["title"] == g["title"]
    assert list_sessions(server, g["id"]) == sessions


def test_delete_who(server, api, circle):
    g = create_group(server, circle.slug, circle.coord.token, leaders=[circle.leader.id])
    path = f"{GROUPS}/{g['id']}"
    assert_error(api("DELETE", path), 401, "unauthorized")
    for p in (circle.member, circle.leader2, circle.outsider, circle.coord_b):
        assert_error(api("DELETE", path, token=p.token), 403, "forbidden")
    assert get_group(server, g["id"])["archived"] is False
    assert api("DELETE", path, token=circle.leader.token).status == 204
    for token in (circle.coord.token, circle.admin_token):
        g2 = create_group(server, circle.slug, circle.coord.token)
        assert api("DELETE", f"{GROUPS}/{g2['id']}", token=token).status == 204
        assert get_group(server, g2["id"])["archived"] is True
    assert_error(api("DELETE", f"{GROUPS}/{uuid.uuid4()}", token=circle.admin_token), 404,
                 "not_found")


# ---------------------------------------------------------------- odd input


def assert_not_500(r, allowed=(200, 201, 400, 404, 422)):
    assert r.status in allowed, f"{r.status}: {r.body!r}"
    assert isinstance(r.body, dict), r.body


ODD_BODIES = [
    {"title": "x" * 100_000},
    {"description": "ä" * 200_000},
    {"location": {"name": "x" * 100_000, "address": "y" * 100_000}},
    {"cost": "€" * 100_000},
    {"topics": ["x"] * 10_000},
    {"languages": ["fi"] * 10_000},
    {"title": "a\u0000b"},
    {"location": {"name": "nolla\u0000merkki"}},
    {"title": "\u202eemoji 🙂 ja \ufeff BOM"},
    {"location": {"name": {"a": {"b": {"c": [1, 2, {"d": None}]}}}}},
    {"schedule": {"start": "x" * 100_000, "duration_minutes": 60}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "rrule": "FREQ=WEEKLY;" * 5000}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=DAILY;BYSETPOS=-366;BYMONTHDAY=-1,1,15;BYYEARDAY=-366"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;COUNT=1000"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60,
                  "rrule": "FREQ=WEEKLY;BYDAY=TU\r\nX-INJECT:1"}},
    {"schedule": {"start": "9999-12-31T23:59", "duration_minutes": 44640, "rrule": "FREQ=DAILY"}},
    {"schedule": {"start": "0001-01-01T00:00", "duration_minutes": 60, "rrule": "FREQ=YEARLY"}},
    {"schedule": {"start": "1970-01-01T00:00", "duration_minutes": 60, "rrule": "FREQ=DAILY"}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 2 ** 63}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": -2 ** 63}},
    {"schedule": {"start": "2027-01-05T18:00", "duration_minutes": 60, "timezone": "x" * 10000}},
    {"schedule": {"start": None, "duration_minutes": None, "timezone": None, "rrule": None}},
    {"schedule": {}},
    {"registration": {"opens": "9999-12-31T23:59:59+14:00", "closes": "0001-01-01T00:00:00-12:00"}},
    {"registration": {"opens": "2027-01-01T00:00:00+99:99"}},
    {"registration": {"opens": "2027-01-01T00:00:00." + "9" * 10000 + "Z"}},
    {"registration": {"opens": None, "closes": None}},
    {"leaders": [None, None]},
    {"leaders": ["x" * 100_000]},
    {"capacity": 1e308},
    {"capacity": 10 ** 20},
    {"online_url": "https://" + "a" * 100_000 + ".fi"},
    {"online_url": "https://example.org/\u0000"},
    {"target_groups": [None]},
    {"topics": [None, {"x": 1}]},
    {"kind": "x" * 100_000},
]


@pytest.mark.parametrize("fields", ODD_BODIES)
def test_odd_create_bodies_never_500(api, circle, fields):
    r = api("POST", org_groups_path(circle.slug), json=group_body(**fields), token=circle.coord.token)
    assert_not_500(r)
    if r.status == 422:
        assert r.body["error"].get("field"), r.body


@pytest.mark.parametrize("raw", [
    b'{"title": "x", "kind": "camp", "access": "open", "modality": "phone", "capacity": 1e400}',
    b'{"title": "\\ud800", "kind": "camp", "access": "open", "modality": "phone"}',
    b'{"title": "\\u0000", "kind": "camp", "access": "open", "modality": "phone"}',
    b'{"title": "ok", "title": "twice", "kind": "camp", "access": "open", "modality": "phone"}',
    b'{"title": "\xff\xfe", "kind": "camp", "access": "open", "modality": "phone"}',
    b'{"location": ' + b"[" * 5000 + b"]" * 5000 + b'}',
    b'{"location": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b'}',
])
def test_odd_raw_bodies_never_500(api, circle, raw):
    assert_not_500(api("POST", org_groups_path(circle.slug), body=raw, token=circle.coord.token))


@pytest.mark.parametrize("fields", ODD_BODIES[::3])
def test_odd_patch_bodies_never_500(server, api, circle, fields):
    g = create_group(server, circle.slug, circle.coord.token)
    assert_not_500(patch(api, g["id"], fields, circle.coord.token), (200, 400, 422))


@pytest.mark.parametrize("qs", [
    "q=%ff", "q=%00", "q=%c0%af", "q=%ed%a0%80", "q=" + "x" * 2000, "q=%25", "q=_", "q=%27%3B--",
    "q=a%26b", "q=*", "q=(", "q=!", "q=%22", "q=:*", "q=a%20%7C%20b", "q=", "q=%20",
    "municipality=%ff", "municipality=%00", "topic=%ff", "topic=%00", "language=%ff",
    "language=" + "x" * 1000, "org=%ff", "org=%00", "kind=%ff", "kind=camp&kind=other",
    "from=%ff", "to=%00", "from=9999-12-31", "from=0000-01-01", "cursor=%00", "limit=%ff",
    "limit=1e3", "&&&", "q", "=x", "q=%E4iti", "topic=a&topic=b", "org=" + "a" * 5000,
])
def test_odd_query_strings_never_500(api, qs):
    assert_not_500(api("GET", f"{GROUPS}?{qs}"), (200, 400, 422))


def test_odd_ids_never_500(api, circle):
    for gid in ("%00", "%ff", "..", "a" * 2000, "'", "00000000-0000-0000-0000-000000000000",
                "%2e%2e%2fetc"):
        assert_not_500(api("GET", f"{GROUPS}/{gid}"), (404, 405))
        assert_not_500(api("PATCH", f"{GROUPS}/{gid}", json={"cost": "x"},
                           token=circle.admin_token), (404, 405))
        assert_not_500(api("DELETE", f"{GROUPS}/{gid}", token=circle.admin_token), (404, 405))
        assert_not_500(api("POST", org_groups_path(gid), json=group_body(),
                           token=circle.admin_token), (404, 405))


# ---- who chooses leaders, and leadership that ends with the role ----------------------

def signups_status(server, gid, token):
    return server.api("GET", f"{GROUPS}/{gid}/signups", token=token).status


def leader_ids(server, gid, token=None):
    return {x["person_id"] for x in get_group(server, gid, token)["leaders"]}


def test_only_coordinators_choose_leaders(server, api, circle, org_factory):
    org = org_factory()
    slug = org["slug"]
    coord = register_into(server, circle, slug, "coordinator")
    lead, other = register_into(server, circle, slug, "leader"), register_into(server, circle, slug, "leader")
    member = register_into(server, circle, slug, "member")
    g = create_group(server, slug, coord.token, leaders=[lead.id])
    gid = g["id"]
    # A leader may change the group, but any "leaders" field is refused, even the same
    # list, an empty one or one naming a plain member: 403 and nothing changes.
    for leaders in ([other.id], [lead.id, other.id], [lead.id], [], [member.id]):
        r = api("PATCH", f"{GROUPS}/{gid}", json={"leaders": leaders, "cost": "5 e"}, token=lead.token)
        assert_error(r, 403, "forbidden")
    got = get_group(server, gid)
    assert leader_ids(server, gid) == {lead.id} and got["cost"] == g["cost"]
    assert signups_status(server, gid, other.token) == 403
    assert signups_status(server, gid, member.token) == 403
    r = api("PATCH", f"{GROUPS}/{gid}", json={"cost": "5 e"}, token=lead.token)
    assert assert_json(r, 200)["group"]["cost"] == "5 e"
    # Coordinators and site admins choose them.
    r = api("PATCH", f"{GROUPS}/{gid}", json={"leaders": [lead.id, other.id]}, token=coord.token)
    assert {x["person_id"] for x in assert_json(r, 200)["group"]["leaders"]} == {lead.id, other.id}
    assert signups_status(server, gid, other.token) == 200
    r = api("PATCH", f"{GROUPS}/{gid}", json={"leaders": [other.id]}, token=circle.admin_token)
    assert assert_json(r, 200)
    assert leader_ids(server, gid) == {other.id}
    assert signups_status(server, gid, lead.token) == 403


@pytest.mark.parametrize("change", ["member", "removed"])
def test_demotion_or_removal_ends_group_leadership(server, api, circle, org_factory, change):
    org = org_factory()
    slug = org["slug"]
    coord = register_into(server, circle, slug, "coordinator")
    lead = register_into(server, circle, slug, "leader")
    url = URL.format(uuid.uuid4().hex)
    g1 = create_group(server, slug, coord.token, access="closed", modality="remote", online_url=url,
                      leaders=[lead.id])
    g2 = create_group(server, slug, coord.token, leaders=[lead.id, coord.id])
    # The same person leads a group in another org: that one is not touched.
    other_org = org_factory()["slug"]
    other_coord = register_into(server, circle, other_org, "coordinator")
    r = api("PUT", f"/api/v1/orgs/{other_org}/members/{lead.id}", json={"role": "leader"},
            token=other_coord.token)
    assert_json(r, 200)
    g3 = create_group(server, other_org, other_coord.token, leaders=[lead.id])
    for gid in (g1["id"], g2["id"], g3["id"]):
        assert signups_status(server, gid, lead.token) == 200
    assert get_group(server, g1["id"], lead.token)["online_url"] == url

    if change == "removed":
        r = api("DELETE", f"/api/v1/orgs/{slug}/members/{lead.id}", token=coord.token)
        assert r.status == 204
    else:
        r = api("PUT", f"/api/v1/orgs/{slug}/members/{lead.id}", json={"role": change}, token=coord.token)
        assert_json(r, 200)
    # At once: no longer a leader of either group, no participants, no link, no changes.
    assert leader_ids(server, g1["id"]) == set()
    assert leader_ids(server, g2["id"]) == {coord.id}
    for gid in (g1["id"], g2["id"]):
        assert signups_status(server, gid, lead.token) == 403
        assert_error(api("PATCH", f"{GROUPS}/{gid}", json={"cost": "x"}, token=lead.token), 403, "forbidden")
        assert_error(api("POST", f"{GROUPS}/{gid}/sessions",
                         json={"starts_at": "2030-01-01T18:00:00+02:00", "ends_at": "2030-01-01T20:00:00+02:00"},
                         token=lead.token), 403, "forbidden")
    assert get_group(server, g1["id"], lead.token)["online_url"] is None
    # The other org's group is still theirs.
    assert leader_ids(server, g3["id"]) == {lead.id}
    assert signups_status(server, g3["id"], lead.token) == 200
    # Made a leader again, they lead nothing until a coordinator names them.
    r = api("PUT", f"/api/v1/orgs/{slug}/members/{lead.id}", json={"role": "leader"}, token=coord.token)
    assert_json(r, 200)
    assert leader_ids(server, g1["id"]) == set()
    assert signups_status(server, g1["id"], lead.token) == 403


def test_demoting_a_coordinator_to_leader_keeps_group_leadership(server, api, circle, org_factory):
    slug = org_factory()["slug"]
    coord = register_into(server, circle, slug, "coordinator")
    second = register_into(server, circle, slug, "coordinator")
    g = create_group(server, slug, coord.token, leaders=[second.id])
    r = api("PUT", f"/api/v1/orgs/{slug}/members/{second.id}", json={"role": "leader"}, token=coord.token)
    assert_json(r, 200)
    assert leader_ids(server, g["id"]) == {second.id}
    assert signups_status(server, g["id"], second.token) == 200
    # But no longer a coordinator: they cannot choose leaders any more.
    assert_error(api("PATCH", f"{GROUPS}/{g['id']}", json={"leaders": [second.id, coord.id]},
                     token=second.token), 403, "forbidden")
