# SPDX-License-Identifier: Apache-2.0
"""A coordinator's people pages with plain HTTP and no JavaScript: the org's
members, leaders and coordinators with a role form each, adding someone by
email (a member at once, or an invitation), the pending invitations and
withdrawing one, removing a member with a confirmation step that says what
it ends, a member's mail status (kind, time, status; never the address or
what was said); who may open each page and send each form; and, against a
real SMTP server, the invitation mail and the invited person registering
and ending up a member with the role."""

import re
from html import unescape

import pytest

from helpers import (Server, add_session, assert_json, in_days, make_group, new_email, org_with_people, psql,
                     register, signed_up, verified)
from mail_helpers import smtp  # noqa: F401 (a fixture; not verified_people: this test verifies by the link)
from test_mail import FROM
from test_mail_links import account_mails, link_of, use
from test_web_auth import form, page
from web_coord_helpers import (assert_forms_need_their_token, assert_refused_to, assert_signed_out_refused,
                               cookie_of, get)


@pytest.fixture
def org(server, admin_token):
    return org_with_people(server, admin_token, coord="coordinator", leader="leader", member="member")



def people_path(org, lang="fi"):
    return f"/{lang}/orgs/{org.slug}/manage/people"


def members(server, org):
    r = server.api("GET", f"/api/v1/orgs/{org.slug}/members", token=org.coord.token)
    return {m["person_id"]: m["role"] for m in assert_json(r, 200)["members"]}


def card_of(html, name):
    """The list item of the page that NAME heads."""
    for item in re.findall(r'<li class="card">(.*?)</li>', html, re.S):
        if f"<h3>{name}" in unescape(item):
            return unescape(item)
    raise AssertionError(f"no card for {name}")


def test_the_people_page_lists_everyone_with_their_role(server, api, org):
    cookie, _ = cookie_of(api, org.coord)
    manage = page(get(api, f"/fi/orgs/{org.slug}/manage", cookie), 200)
    assert f'href="{people_path(org)}"' in manage
    html = page(get(api, people_path(org), cookie), 200)
    assert "<h1>Ihmiset</h1>" in html and "3 henkilöä" in html
    assert "Koordinaattori" in card_of(html, org.coord.display_name)
    assert "(sinä)" in card_of(html, org.coord.display_name)
    leader = card_of(html, org.leader.display_name)
    assert '<option value="leader" selected>Ohjaaja</option>' in leader
    assert f'action="{people_path(org)}/{org.leader.id}/role"' in leader
    assert f'href="{people_path(org)}/{org.leader.id}/remove"' in leader
    assert f'href="{people_path(org)}/{org.leader.id}"' in leader
    assert "Jäsen" in card_of(html, org.member.display_name)
    for p in (org.coord, org.leader, org.member):
        assert p.email not in html  # the list shows no addresses
    assert "Ei odottavia kutsuja." in html
    en = page(get(api, people_path(org, "en"), cookie), 200)
    assert "<h1>People</h1>" in en and "3 people" in en and "Leader" in card_of(en, org.leader.display_name)


def test_adding_a_verified_account_by_email_makes_a_member_at_once(server, api, pg, org):
    cookie, token = cookie_of(api, org.coord)
    p = verified(pg.url, register(server))
    r = form(api, f"{people_path(org)}/add", {"csrf": token, "email": f"  {p.email}\n", "role": "leader",
                                             "language": "fi"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{people_path(org)}?done=added"
    assert members(server, org)[p.id] == "leader"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Henkilö lisättiin yhdistykseen." in html and "Ohjaaja" in card_of(html, p.display_name)


def test_adding_an_unknown_address_invites_it_and_the_invitation_can_be_withdrawn(server, api, pg, org):
    cookie, token = cookie_of(api, org.coord)
    address = new_email()
    r = form(api, f"{people_path(org)}/add", {"csrf": token, "email": address, "role": "coordinator",
                                             "language": "en"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{people_path(org)}?done=invited"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Kutsu lähetettiin." in html
    card = card_of(html, address)
    assert "Koordinaattori" in card and "Voimassa:" in card
    lang = psql(pg.url, f"SELECT language FROM invitations WHERE email = '{address}'")
    assert lang == "en"
    withdraw = re.search(r'action="([^"]+/invitations/[0-9a-f-]{36}/remove)"', card).group(1)
    r = form(api, withdraw, {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{people_path(org)}?done=withdrawn"
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Kutsu peruttiin." in html and address not in html
    assert form(api, withdraw, {"csrf": token}, cookie=cookie).status == 404


@pytest.mark.parametrize("lang,bad,waiting", [
    ("fi", "Anna sähköpostiosoite muodossa", "Tähän osoitteeseen on jo lähetetty kutsu"),
    ("sv", "Ange e-postadressen i formen", "En inbjudan till den här adressen väntar redan"),
])
def test_a_refused_address_comes_back_with_its_message_beside_the_field(server, api, pg, org, lang, bad, waiting):
    cookie, token = cookie_of(api, org.coord, lang)
    path = f"{people_path(org, lang)}/add"
    r = form(api, path, {"csrf": token, "email": "kaisa at example", "role": "leader", "language": lang},
             cookie=cookie)
    html = unescape(page(r, 422))
    assert 'class="error-summary"' in html and '<a href="#email">' in html and bad in html
    assert 'aria-invalid="true" aria-describedby="email-error"' in html
    assert 'value="kaisa at example"' in html and '<option value="leader" selected>' in html  # kept
    html = unescape(page(form(api, path, {"csrf": token, "email": new_email(), "role": "boss"}, cookie=cookie),
                         422))
    assert '<a href="#role">' in html and 'aria-describedby="role-error"' in html
    # Without a language, the invitation is in the page's.
    address = new_email()
    r = form(api, path, {"csrf": token, "email": address, "role": "member"}, cookie=cookie)
    assert r.status == 303
    assert psql(pg.url, f"SELECT language FROM invitations WHERE email = '{address}'") == lang
    html = unescape(page(form(api, path, {"csrf": token, "email": address, "role": "member", "language": lang},
                              cookie=cookie), 409))
    assert waiting in html and f'value="{address}"' in html


def test_a_member_of_the_org_already_is_refused(server, api, pg, org):
    cookie, token = cookie_of(api, org.coord, "en")
    verified(pg.url, org.member)
    html = unescape(page(form(api, f"{people_path(org, 'en')}/add", {"csrf": token, "email": org.member.email,
                                                                    "role": "coordinator", "language": "en"},
                              cookie=cookie), 409))
    assert "The person is already in the association" in html and '<a href="#email">' in html
    assert members(server, org)[org.member.id] == "member"


def test_too_many_invitations_in_a_day_are_refused_on_the_form(server, api, pg, org):
    cookie, token = cookie_of(api, org.coord)
    psql(pg.url, "INSERT INTO invitations (org_id, email, email_key, role, expires_at) "
                 f"SELECT '{org.org['id']}', 'y' || n || '@example.org', 'y' || n || '@example.org', 'member', "
                 "now() + interval '14 days' FROM generate_series(1, 50) n")
    html = unescape(page(form(api, f"{people_path(org)}/add", {"csrf": token, "email": new_email(),
                                                             "role": "member", "language": "fi"},
                              cookie=cookie), 429))
    assert "Yritä huomenna uudelleen." in html


def test_a_role_is_changed_by_its_form_and_a_demoted_leader_stops_leading(server, api, org):
    g = make_group(server, org.slug, org.coord.token)
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=org.coord.token,
                           json={"leaders": [org.leader.id]}), 200)
    cookie, token = cookie_of(api, org.coord)
    r = form(api, f"{people_path(org)}/{org.member.id}/role", {"csrf": token, "role": "coordinator"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{people_path(org)}?done=role"
    assert members(server, org)[org.member.id] == "coordinator"
    assert "Rooli vaihdettiin." in page(get(api, r.headers["Location"], cookie), 200)
    r = form(api, f"{people_path(org)}/{org.leader.id}/role", {"csrf": token, "role": "member"}, cookie=cookie)
    assert r.status == 303
    group = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}", token=org.coord.token), 200)["group"]
    assert group["leaders"] == []
    # A role that is none, and someone who is not a member: refused, nobody added.
    assert page(form(api, f"{people_path(org)}/{org.leader.id}/role", {"csrf": token, "role": "boss"},
                     cookie=cookie), 422)
    stranger = register(server)
    assert page(form(api, f"{people_path(org)}/{stranger.id}/role", {"csrf": token, "role": "leader"},
                     cookie=cookie), 404)
    assert stranger.id not in members(server, org)


def test_removing_has_a_confirmation_step_that_says_what_it_ends(server, api, org):
    cookie, token = cookie_of(api, org.coord)
    path = f"{people_path(org)}/{org.leader.id}/remove"
    html = unescape(page(get(api, path, cookie), 200))
    assert "Poistetaanko yhdistyksestä?" in html and org.leader.display_name in html
    assert "kaikkien yhdistyksen ryhmien ohjaamisen" in html and "tukipyynnöt palaavat jonoon" in html
    assert "Tili ja omat ilmoittautumiset säilyvät" in html
    assert f'action="{path}"' in html and f'href="{people_path(org)}"' in html
    assert org.leader.id in members(server, org)  # opening the page removes nobody
    r = form(api, path, {"csrf": token}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"] == f"{people_path(org)}?done=removed"
    assert org.leader.id not in members(server, org)
    html = page(get(api, r.headers["Location"], cookie), 200)
    assert "Henkilö poistettiin yhdistyksestä." in html and org.leader.display_name not in html
    assert form(api, path, {"csrf": token}, cookie=cookie).status == 404
    assert get(api, path, cookie).status == 404
    en = unescape(page(get(api, f"{people_path(org, 'en')}/{org.coord.id}/remove", cookie), 200))
    assert "You are removing yourself." in en and "their leading of every group" in en


def test_a_members_page_shows_how_the_orgs_mail_to_them_went_and_nothing_of_it(server, api, pg, org):
    g = make_group(server, org.slug, org.coord.token, access="open", capacity=5)
    s = add_session(server, g["id"], org.coord.token, in_days(7))
    signed_up(server, "session", s["id"], org.member.token, status="confirmed")
    psql(pg.url, "UPDATE notification_outbox SET status = 'failed', attempts = 1, last_code = 550, done_at = now() "
                 f"WHERE person_id = '{org.member.id}' AND kind = 'signup_confirmed'")
    cookie, _ = cookie_of(api, org.coord)
    html = unescape(page(get(api, f"{people_path(org)}/{org.member.id}", cookie), 200))
    assert f"<h1>{org.member.display_name}</h1>" in html
    card = card_of(html, "Paikka varattu")
    assert "<strong>Epäonnistui</strong>" in card and "vastauskoodi 550" in card and " klo " in card
    assert org.member.email not in html and g["title"] not in html  # status only
    leader = unescape(page(get(api, f"{people_path(org)}/{org.leader.id}", cookie), 200))
    assert "Yhdistys ei ole lähettänyt tälle henkilölle viestejä." in leader
    en = unescape(page(get(api, f"{people_path(org, 'en')}/{org.member.id}", cookie), 200))
    assert "Place booked" in en and "Failed" in en
    # Not a member of the org: no page.
    assert get(api, f"{people_path(org)}/{register(server).id}", cookie).status == 404


def routes(org, person_id, invitation_id):
    base = people_path(org)
    return [("GET", base), ("POST", f"{base}/add"), ("GET", f"{base}/{person_id}"),
            ("POST", f"{base}/{person_id}/role"), ("GET", f"{base}/{person_id}/remove"),
            ("POST", f"{base}/{person_id}/remove"), ("POST", f"{base}/invitations/{invitation_id}/remove")]


def test_only_the_orgs_coordinators_may_open_or_send(server, api, admin_token, org):
    inv = assert_json(server.api("POST", f"/api/v1/orgs/{org.slug}/invitations", token=org.coord.token,
                                 json={"email": new_email(), "role": "member"}), 201)["invitation"]
    g = make_group(server, org.slug, org.coord.token)
    assert_json(server.api("PATCH", f"/api/v1/groups/{g['id']}", token=org.coord.token,
                           json={"leaders": [org.leader.id]}), 200)
    other = org_with_people(server, admin_token, coord="coordinator")
    fields = {"email": new_email(), "role": "coordinator", "language": "fi"}
    paths = routes(org, org.member.id, inv["id"])
    assert_refused_to(api, (org.leader, org.member, other.coord), paths, fields)
    assert_signed_out_refused(api, paths, fields)
    assert_forms_need_their_token(api, org.coord, paths, fields)
    # Nothing changed.
    assert members(server, org) == {org.coord.id: "coordinator", org.leader.id: "leader",
                                    org.member.id: "member"}
    listed = assert_json(server.api("GET", f"/api/v1/orgs/{org.slug}/invitations", token=org.coord.token), 200)
    assert [i["id"] for i in listed["invitations"]] == [inv["id"]]


# ---- the invitation mail, against a real SMTP server ----

@pytest.fixture(scope="module")
def mail_srv(pg, smtp):
    controller, _ = smtp
    s = Server(pg.url, "people-mail", env={"PIIRI_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
                                           "PIIRI_MAIL_FROM": FROM, "PIIRI_MAIL_RETRY_S": "1"}).start()
    yield s
    assert s.stop() == 0


def test_an_invited_address_gets_its_mail_registers_and_is_a_member_with_the_role(pg, mail_srv, smtp):
    from helpers import wait_until
    _, sink = smtp
    admin_email = new_email()
    p = mail_srv.cli("create-admin", admin_email, stdin="ylläpito-salasana-123\n")
    assert p.returncode == 0
    admin_token = assert_json(mail_srv.api("POST", "/api/v1/auth/login",
                                           json={"email": admin_email, "password": "ylläpito-salasana-123"}),
                              200)["token"]
    o = org_with_people(mail_srv, admin_token, coord="coordinator")
    cookie, token = cookie_of(mail_srv.api, o.coord)
    address = new_email()
    r = form(mail_srv.api, f"{people_path(o)}/add", {"csrf": token, "email": address, "role": "leader",
                                                    "language": "fi"}, cookie=cookie)
    assert r.status == 303 and r.headers["Location"].endswith("?done=invited")
    # The address has no account, so nothing verified it; the invitation still goes out.
    wait_until(lambda: len(sink.to(address)) >= 1, 20, what="the invitation mail")
    [msg] = sink.to(address)
    assert msg["Subject"] == "Kutsu Piiriin" and msg["List-Unsubscribe"] is None
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert o.org["name"] in text and "ryhmänohjaajaksi" in text
    url = re.search(r"Luo tili: (http\S+/fi/register)\n", text).group(1)  # no token: registering
    assert f'href="{url}"' in html
    assert "koordinaattori kutsui tämän osoitteen" in text
    assert psql(pg.url, "SELECT status FROM notification_outbox WHERE kind = 'invitation' "
                        f"AND org_id = '{o.org['id']}'") == "sent"
    # The person registers with the address and uses the verification link.
    person = register(mail_srv, email=address)
    assert person.id not in members(mail_srv, o)
    [verify] = account_mails(pg, sink, address, "Vahvista sähköpostiosoitteesi")
    _, link = link_of(verify)
    assert_json(use(mail_srv, link), 200)
    assert members(mail_srv, o)[person.id] == "leader"
    html = page(get(mail_srv.api, people_path(o), cookie), 200)
    assert "Ohjaaja" in card_of(html, person.display_name) and address not in html
