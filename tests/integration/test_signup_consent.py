# SPDX-License-Identifier: Apache-2.0
"""Consent a group asks for: coordinators word it, a signup without it is refused
(422 consent_required), the signup keeps when it was given and the words as they
were (a later edit of the group's text does not change them), and the person sees it
in their export, the leaders in the listing. The listings also show each person's
absence notices with their reasons, to those who may read the listing only."""

import uuid
from datetime import timedelta

import pytest

from helpers import add_session, assert_error, assert_json, make_group, org_with_people, today
from test_feeds import helsinki

CONSENT = "Suostun siihen, että yhteystietoni jaetaan ryhmän muille jäsenille."
CONSENT_SV = "Jag samtycker till att mina kontaktuppgifter delas med gruppens andra medlemmar."


@pytest.fixture(scope="module")
def o(server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", leader="leader", other_leader="leader",
                        p1="member", p2="member", p3="member")
    o.g = make_group(server, o.slug, o.coord.token, access="closed", capacity=None, leaders=[o.leader.id],
                     consent_text=CONSENT, consent_text_sv=CONSENT_SV,
                     title=f"Vertaisryhmä {uuid.uuid4().hex[:8]}")
    o.s = add_session(server, o.g["id"], o.coord.token, helsinki(today() + timedelta(days=10)))
    return o


def sign_up(server, gid, token, **body):
    return server.api("POST", f"/api/v1/groups/{gid}/signups", json=body, token=token)


def listing(server, path, token):
    return assert_json(server.api("GET", path, token=token), 200)["signups"]


def test_the_group_shows_its_consent_and_only_coordinators_word_it(server, o):
    g = assert_json(server.api("GET", f"/api/v1/groups/{o.g['id']}"), 200)["group"]
    assert (g["consent_text"], g["consent_text_sv"], g["consent_text_en"]) == (CONSENT, CONSENT_SV, None)
    # A group that asks for none says so with null.
    plain = make_group(server, o.slug, o.coord.token)
    assert plain["consent_text"] is None and plain["consent_text_sv"] is None
    # The group's leader may change the group, but not the words people agree to.
    path = f"/api/v1/groups/{o.g['id']}"
    assert_error(server.api("PATCH", path, json={"consent_text": "Kaikki käy."}, token=o.leader.token),
                 403, "forbidden")
    assert_json(server.api("PATCH", path, json={"cost": "Maksuton"}, token=o.leader.token), 200)
    assert_error(server.api("PATCH", path, json={"consent_text": ""}, token=o.coord.token), 422, "invalid",
                 "consent_text")


def test_a_signup_without_consent_is_refused(server, o):
    for body in ({}, {"consent": False}, {"consent": None}):
        assert_error(sign_up(server, o.g["id"], o.p1.token, **body), 422, "consent_required", "consent")
    assert_error(sign_up(server, o.g["id"], o.p1.token, consent="yes"), 422, "invalid", "consent")
    assert listing(server, f"/api/v1/groups/{o.g['id']}/signups", o.leader.token) == []
    # A group that asks for none takes a signup without it, and keeps no consent.
    plain = make_group(server, o.slug, o.coord.token, capacity=None)
    add_session(server, plain["id"], o.coord.token, helsinki(today() + timedelta(days=5)))
    x = assert_json(sign_up(server, plain["id"], o.p1.token, consent=True), 201)["signup"]
    mine = assert_json(server.api("GET", "/api/v1/me/signups", token=o.p1.token), 200)["signups"]
    assert [s["consent"] for s in mine if s["id"] == x["id"]] == [None]


def test_consent_given_is_kept_as_it_was_worded(server, o):
    x = assert_json(sign_up(server, o.g["id"], o.p2.token, consent=True, adults=1), 201)["signup"]
    # The coordinators reword it later: what was agreed stays as it was.
    changed = "Suostun siihen, että ryhmä kuvaa tapaamisia."
    g = assert_json(server.api("PATCH", f"/api/v1/groups/{o.g['id']}",
                               json={"consent_text": changed, "consent_text_sv": None}, token=o.coord.token),
                    200)["group"]
    assert g["consent_text"] == changed and g["consent_text_sv"] is None
    export = assert_json(server.api("GET", "/api/v1/me/export", token=o.p2.token), 200)
    [kept] = [s["consent"] for s in export["signups"] if s["id"] == x["id"]]
    assert (kept["text"], kept["text_sv"], kept["text_en"]) == (CONSENT, CONSENT_SV, None)
    assert kept["given_at"]
    [listed] = [s for s in listing(server, f"/api/v1/groups/{o.g['id']}/signups", o.leader.token)
                if s["id"] == x["id"]]
    assert listed["consent"] == kept
    # The next one agrees to the new words.
    y = assert_json(sign_up(server, o.g["id"], o.p3.token, consent=True), 201)["signup"]
    [listed] = [s for s in listing(server, f"/api/v1/groups/{o.g['id']}/signups", o.coord.token)
                if s["id"] == y["id"]]
    assert listed["consent"]["text"] == changed and listed["consent"]["text_sv"] is None
    # Put back for the tests that follow.
    assert_json(server.api("PATCH", f"/api/v1/groups/{o.g['id']}", json={"consent_text": CONSENT},
                           token=o.coord.token), 200)


def test_a_coordinator_signing_someone_up_says_they_agreed(server, o):
    path = f"/api/v1/groups/{o.g['id']}/signups/on-behalf"
    assert_error(server.api("POST", path, json={"display_name": "Maija"}, token=o.coord.token),
                 422, "consent_required", "consent")
    x = assert_json(server.api("POST", path, json={"display_name": "Maija", "consent": True},
                               token=o.coord.token), 201)["signup"]
    [listed] = [s for s in listing(server, f"/api/v1/groups/{o.g['id']}/signups", o.coord.token)
                if s["id"] == x["id"]]
    assert listed["consent"]["text"] == CONSENT and listed["absences"] == []


def test_listings_show_absence_reasons_to_those_who_may_read_them(server, o, admin):
    assert_json(sign_up(server, o.g["id"], o.p1.token, consent=True), 201)
    later = add_session(server, o.g["id"], o.coord.token, helsinki(today() + timedelta(days=17)))
    notice = lambda sid, token, body: server.api("POST", f"/api/v1/sessions/{sid}/absence", json=body,
                                                 token=token)
    assert_json(notice(o.s["id"], o.p1.token, {"reason": "Lapsi on kipeänä."}), 201)
    assert_json(notice(later["id"], o.p1.token, {}), 201)
    assert_json(notice(o.s["id"], o.p2.token, {"reason": "Työvuoro"}), 201)
    # p2 takes theirs back: a withdrawn notice is not shown.
    assert server.api("DELETE", f"/api/v1/sessions/{o.s['id']}/absence", token=o.p2.token).status in (200, 204)

    by_person = {s["person_id"]: s["absences"]
                 for s in listing(server, f"/api/v1/groups/{o.g['id']}/signups", o.leader.token)}
    assert [(a["session_id"], a["reason"]) for a in by_person[o.p1.id]] == [(o.s["id"], "Lapsi on kipeänä."),
                                                                          (later["id"], None)]
    assert by_person[o.p1.id][0]["starts_at"] == o.s["starts_at"] and by_person[o.p1.id][0]["created_at"]
    assert by_person[o.p2.id] == [] and by_person[o.p3.id] == []
    # The coordinators and site admins read the listing too; nobody else, the
    # participants and another group's leader included.
    assert {s["person_id"]: s["absences"] for s in listing(
        server, f"/api/v1/groups/{o.g['id']}/signups", o.coord.token)} == by_person
    assert listing(server, f"/api/v1/groups/{o.g['id']}/signups", admin[1])
    for token in (o.p1.token, o.other_leader.token):
        assert_error(server.api("GET", f"/api/v1/groups/{o.g['id']}/signups", token=token), 403, "forbidden")
    assert_error(server.api("GET", f"/api/v1/groups/{o.g['id']}/signups"), 401)
