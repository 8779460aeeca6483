# SPDX-License-Identifier: Apache-2.0
"""When a series takes signups: a closed group or a camp until its first
session (not cancelled) starts, or with join_late until its last one ends;
a session until it ends."""

from datetime import datetime, timedelta, timezone

import pytest

from helpers import (add_session, assert_error, assert_json, cancel_session, in_days, make_group,
                     org_with_people, sign_up, signed_up)


@pytest.fixture(scope="module")
def o(server, admin):
    return org_with_people(server, admin[1], coord="coordinator", leader="leader",
                           p1="member", p2="member", p3="member")


def series(server, o, kind="peer_group", access="closed", **fields):
    fields.setdefault("leaders", [o.leader.id])
    return make_group(server, o.slug, o.coord.token, kind=kind, access=access, **fields)


def session(server, o, g, starts, hours=2):
    return add_session(server, g["id"], o.coord.token, starts, hours)


def patch(server, o, g, body):
    r = server.api("PATCH", f"/api/v1/groups/{g['id']}", json=body, token=o.coord.token)
    return assert_json(r, 200)["group"]


def an_hour_ago():
    return datetime.now(timezone.utc) - timedelta(hours=1)


def test_join_late_is_off_by_default_and_shown(server, o):
    g = series(server, o, capacity=5)
    assert g["join_late"] is False
    assert patch(server, o, g, {"join_late": True})["join_late"] is True
    r = server.api("GET", f"/api/v1/groups/{g['id']}", token=o.coord.token)
    assert assert_json(r, 200)["group"]["join_late"] is True
    assert patch(server, o, g, {"title": "Uusi nimi"})["join_late"] is True
    assert series(server, o, join_late=True)["join_late"] is True


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_join_late_must_be_a_boolean(server, o, value):
    body = {"title": "Ryhmä", "kind": "peer_group", "access": "closed", "modality": "in_person",
            "join_late": value}
    r = server.api("POST", f"/api/v1/orgs/{o.slug}/groups", json=body, token=o.coord.token)
    assert_error(r, 422, "invalid", "join_late")


def test_series_that_has_begun_takes_no_signups(server, o):
    g = series(server, o, capacity=5)
    session(server, o, g, in_days(-7))
    session(server, o, g, in_days(7))
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "series_started")
    r = server.api("GET", "/api/v1/me/signups", token=o.p1.token)
    assert [s for s in assert_json(r, 200)["signups"] if s["group_id"] == g["id"]] == []


def test_series_under_way_right_now_has_begun(server, o):
    g = series(server, o, capacity=5)
    session(server, o, g, an_hour_ago(), hours=3)
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "series_started")


def test_a_full_series_that_has_begun_takes_no_one_on_the_waitlist(server, o):
    g = series(server, o, capacity=1)
    session(server, o, g, in_days(5))
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    signed_up(server, "group", g["id"], o.p2.token, "waitlisted", 1)
    # A meeting added in the past makes the series one that has begun.
    session(server, o, g, in_days(-2))
    assert_error(sign_up(server, "group", g["id"], o.p3.token), 409, "series_started")


def test_join_late_takes_signups_until_the_last_session_ends(server, o):
    g = series(server, o, capacity=2, join_late=True)
    session(server, o, g, in_days(-7))
    session(server, o, g, in_days(7))
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")
    signed_up(server, "group", g["id"], o.p2.token, "confirmed")
    signed_up(server, "group", g["id"], o.p3.token, "waitlisted", 1)


def test_join_late_can_be_turned_on_later(server, o):
    g = series(server, o, capacity=5)
    session(server, o, g, in_days(-7))
    session(server, o, g, in_days(7))
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "series_started")
    patch(server, o, g, {"join_late": True})
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")


@pytest.mark.parametrize("join_late", [False, True])
def test_series_that_has_ended_takes_no_signups(server, o, join_late):
    g = series(server, o, capacity=5, join_late=join_late)
    session(server, o, g, in_days(-14))
    session(server, o, g, in_days(-7))
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "series_ended")


def test_cancelled_first_session_has_not_started_the_series(server, o):
    g = series(server, o, capacity=5)
    first = session(server, o, g, in_days(-7))
    cancel_session(server, first["id"], o.coord.token)
    session(server, o, g, in_days(7))
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")


def test_cancelled_last_session_does_not_keep_a_series_going(server, o):
    g = series(server, o, capacity=5, join_late=True)
    session(server, o, g, in_days(-7))
    last = session(server, o, g, in_days(7))
    cancel_session(server, last["id"], o.coord.token)
    assert_error(sign_up(server, "group", g["id"], o.p1.token), 409, "series_ended")


def test_camp_that_has_begun(server, o):
    camp = series(server, o, kind="camp", access="open", capacity=30)
    session(server, o, camp, an_hour_ago(), hours=72)
    assert_error(sign_up(server, "group", camp["id"], o.p1.token), 409, "series_started")
    patch(server, o, camp, {"join_late": True})
    signed_up(server, "group", camp["id"], o.p1.token, "confirmed")


def test_series_without_sessions_takes_signups(server, o):
    g = series(server, o, capacity=5)
    signed_up(server, "group", g["id"], o.p1.token, "confirmed")


def test_open_group_session_takes_signups_until_it_ends(server, o):
    g = series(server, o, kind="family_cafe", access="open", capacity=5)
    now = session(server, o, g, an_hour_ago(), hours=3)
    signed_up(server, "session", now["id"], o.p1.token, "confirmed")
    over = session(server, o, g, in_days(-1))
    assert_error(sign_up(server, "session", over["id"], o.p1.token), 409, "session_over")
