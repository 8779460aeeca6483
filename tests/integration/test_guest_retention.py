# SPDX-License-Identifier: Apache-2.0
"""Guests' names are kept only for a while: the name and note of a signup a
coordinator made on someone's behalf, and a named drop-in's name, are cleared
90 days after the last meeting they concern. What counts (party sizes,
statuses, attendance, the reports) stays."""

import uuid

import pytest

from helpers import (add_session, assert_json, attendance_path, in_days, make_group, org_with_people, psql,
                     remember, report_path, signup_listing, wait_until)

RETENTION_DAYS = 90   # GUEST_RETENTION_DAYS in server/purge.h


@pytest.fixture(scope="module")
def o(server, admin):
    return org_with_people(server, admin[1], coord="coordinator", leader="leader", member="member")


def name():
    n = f"Vieras {uuid.uuid4().hex[:10]}"
    remember("names", n)
    return n


def group(server, o, access="open"):
    kind = "family_cafe" if access == "open" else "peer_group"
    return make_group(server, o.slug, o.coord.token, access=access, kind=kind, capacity=None, leaders=[o.leader.id])


def guest_signup(server, o, kind, target, who):
    r = server.api("POST", f"/api/v1/{kind}s/{target}/signups/on-behalf",
                   json={"display_name": who, "adults": 1, "children": 2, "note": f"Soitti, {who}"},
                   token=o.coord.token)
    return assert_json(r, 201)["signup"]


def listed(server, o, kind, target, signup_id):
    return {y["id"]: y for y in signup_listing(server, kind, target, o.coord.token)}[signup_id]


def drop_ins(server, o, sid):
    return assert_json(server.api("GET", attendance_path(sid), token=o.leader.token), 200)["drop_ins"]


def purge(pg, days_from_now):
    """Runs the purge as if it were DAYS_FROM_NOW days later; the rows it did (the larger batch)."""
    return int(psql(pg.url, f"SELECT guest_names_purge(now() + interval '{days_from_now} days', "
                            f"{RETENTION_DAYS}, 100000)"))


def test_names_go_90_days_after_the_meeting_and_the_counts_stay(server, o, pg):
    g = group(server, o)
    coming = add_session(server, g["id"], o.coord.token, in_days(5))
    guest = name()
    x = guest_signup(server, o, "session", coming["id"], guest)
    held = add_session(server, g["id"], o.coord.token, in_days(-2))
    at_the_door, drop_id, member_drop = name(), str(uuid.uuid4()), str(uuid.uuid4())
    assert_json(server.api("PUT", f"{attendance_path(held['id'])}/drop-ins/{drop_id}",
                           json={"display_name": at_the_door}, token=o.leader.token), 201)
    assert_json(server.api("PUT", f"{attendance_path(held['id'])}/drop-ins/{member_drop}",
                           json={"person_id": o.member.id}, token=o.leader.token), 201)
    frm, to = in_days(-3).date().isoformat(), in_days(6).date().isoformat()
    report = assert_json(server.api("GET", report_path(o.slug, frm, to), token=o.coord.token), 200)["total"]

    # 88 days after the held session ended: not yet, for either.
    purge(pg, RETENTION_DAYS - 3)
    assert listed(server, o, "session", coming["id"], x["id"])["display_name"] == guest
    assert {d["id"]: d["display_name"] for d in drop_ins(server, o, held["id"])}[drop_id] == at_the_door

    # Past the held session's 90 days, not yet the coming one's.
    purge(pg, RETENTION_DAYS + 1)
    assert listed(server, o, "session", coming["id"], x["id"])["display_name"] == guest
    after = {d["id"]: d for d in drop_ins(server, o, held["id"])}
    assert after[drop_id] == {"id": drop_id, "person_id": None, "display_name": None}
    assert after[member_drop]["person_id"] == o.member.id, "a member's drop-in is not a guest's name"

    # Past both.
    assert purge(pg, RETENTION_DAYS + 7) >= 1
    y = listed(server, o, "session", coming["id"], x["id"])
    assert (y["display_name"], y["note"]) == (None, None)
    assert (y["adults"], y["children"], y["status"], y["on_behalf"]) == (1, 2, "confirmed", True)
    again = assert_json(server.api("GET", report_path(o.slug, frm, to), token=o.coord.token), 200)["total"]
    assert again == report
    # Nothing of theirs is left anywhere a query could find it.
    for who in (guest, at_the_door):
        assert psql(pg.url, f"SELECT count(*) FROM signups WHERE guest_name = '{who}' OR note LIKE '%{who}%'") == "0"
        assert psql(pg.url, f"SELECT count(*) FROM attendance_drop_ins WHERE display_name = '{who}'") == "0"


def test_a_series_guest_keeps_their_name_while_the_group_meets(server, o, pg):
    g = group(server, o, access="closed")
    add_session(server, g["id"], o.coord.token, in_days(3))
    last = add_session(server, g["id"], o.coord.token, in_days(40))
    guest = name()
    x = guest_signup(server, o, "group", g["id"], guest)
    purge(pg, RETENTION_DAYS + 10)      # 100 days on: the first session is past, the last not
    assert listed(server, o, "group", g["id"], x["id"])["display_name"] == guest
    purge(pg, 40 + RETENTION_DAYS + 2)  # past the last session's 90 days
    assert listed(server, o, "group", g["id"], x["id"])["display_name"] is None
    assert last["id"]


def test_an_own_signups_note_is_not_a_guests(server, o, pg):
    g = group(server, o)
    s = add_session(server, g["id"], o.coord.token, in_days(4))
    mine = assert_json(server.api("POST", f"/api/v1/sessions/{s['id']}/signups",
                                  json={"adults": 1, "note": "Tulen vähän myöhässä"}, token=o.member.token),
                       201)["signup"]
    purge(pg, RETENTION_DAYS + 10)
    assert listed(server, o, "session", s["id"], mine["id"])["note"] == "Tulen vähän myöhässä"


def test_the_workers_run_the_purge(server, o, pg, own_server):
    """Each worker purges a few seconds after start, then hourly."""
    g = group(server, o)
    s = add_session(server, g["id"], o.coord.token, in_days(6))
    guest = name()
    x = guest_signup(server, o, "session", s["id"], guest)
    # The meeting was long ago: move it, and the signup, back 120 days.
    psql(pg.url, f"UPDATE sessions SET starts_at = starts_at - interval '126 days', "
                 f"ends_at = ends_at - interval '126 days' WHERE id = '{s['id']}';"
                 f"UPDATE signups SET created_at = created_at - interval '130 days' WHERE id = '{x['id']}'")
    srv = own_server(pg.url, "guest-purge")
    wait_until(lambda: listed(srv, o, "session", s["id"], x["id"])["display_name"] is None, 20, 0.2,
               "the guest purge of the workers")
    assert "guest-names-purge: " in srv.log_text()
    assert srv.stop() == 0
