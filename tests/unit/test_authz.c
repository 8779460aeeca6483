/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for authz.c and the pure parts of principal: who may do what. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "authz.h"
#include "principal.h"

#include <stdio.h>
#include <string.h>

static const enum authz_action org_actions[] = { AUTHZ_ORG_MEMBERS_READ, AUTHZ_ORG_MEMBERS_MANAGE };
#define NORG_ACTIONS (sizeof(org_actions) / sizeof(org_actions[0]))

static const struct authz_target org_a = { .org_slug = "helsingin-partio" };
static const struct authz_target org_b = { .org_slug = "espoon-kuoro" };
static const struct authz_target org_c = { .org_slug = "tampereen-seura" };
static const struct authz_target no_org = { .org_slug = NULL };

/* A principal with up to four memberships, built on the stack. */
struct fixture {
    struct principal p;
    struct membership m[4];
};

static void fixture_init(struct fixture *f, bool admin)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->p.person_id, sizeof(f->p.person_id), "123e4567-e89b-12d3-a456-426614174000");
    f->p.is_admin = admin;
    f->p.memberships = f->m;
}

static void fixture_join(struct fixture *f, const char *slug, enum org_role role)
{
    struct membership *m = &f->m[f->p.nmemberships++];
    snprintf(
        m->org_id, sizeof(m->org_id), "00000000-0000-0000-0000-00000000000%d", f->p.nmemberships);
    snprintf(m->slug, sizeof(m->slug), "%s", slug);
    m->role = role;
}

static void test_null_principal_denied(void **state)
{
    assert_false(authz_allows(NULL, AUTHZ_ORG_CREATE, NULL));
    for (size_t i = 0; i < NORG_ACTIONS; i++) {
        assert_false(authz_allows(NULL, org_actions[i], &org_a));
        assert_false(authz_allows(NULL, org_actions[i], NULL));
    }
}

static void test_admin_may_everything(void **state)
{
    struct fixture f;
    fixture_init(&f, true);
    assert_true(authz_allows(&f.p, AUTHZ_ORG_CREATE, NULL));
    assert_true(authz_allows(&f.p, AUTHZ_ORG_CREATE, &org_a));
    for (size_t i = 0; i < NORG_ACTIONS; i++) {
        assert_true(authz_allows(&f.p, org_actions[i], &org_a));
        assert_true(authz_allows(&f.p, org_actions[i], &org_b));
    }

    /* Being only a member somewhere does not take anything away. */
    fixture_join(&f, org_a.org_slug, ROLE_MEMBER);
    for (size_t i = 0; i < NORG_ACTIONS; i++)
        assert_true(authz_allows(&f.p, org_actions[i], &org_a));
}

static void test_coordinator_own_org_only(void **state)
{
    struct fixture f;
    fixture_init(&f, false);
    fixture_join(&f, org_a.org_slug, ROLE_COORDINATOR);
    for (size_t i = 0; i < NORG_ACTIONS; i++) {
        assert_true(authz_allows(&f.p, org_actions[i], &org_a));
        assert_false(authz_allows(&f.p, org_actions[i], &org_b));
        assert_false(authz_allows(&f.p, org_actions[i], &no_org));
        assert_false(authz_allows(&f.p, org_actions[i], NULL));
    }
    assert_false(authz_allows(&f.p, AUTHZ_ORG_CREATE, NULL));
    assert_false(authz_allows(&f.p, AUTHZ_ORG_CREATE, &org_a));
}

static void test_leader_and_member_may_not(void **state)
{
    static const enum org_role lesser[] = { ROLE_LEADER, ROLE_MEMBER, ROLE_NONE };
    for (size_t r = 0; r < sizeof(lesser) / sizeof(lesser[0]); r++) {
        struct fixture f;
        fixture_init(&f, false);
        fixture_join(&f, org_a.org_slug, lesser[r]);
        for (size_t i = 0; i < NORG_ACTIONS; i++) {
            assert_false(authz_allows(&f.p, org_actions[i], &org_a));
            assert_false(authz_allows(&f.p, org_actions[i], &org_b));
        }
        assert_false(authz_allows(&f.p, AUTHZ_ORG_CREATE, NULL));
    }
}

static void test_no_memberships(void **state)
{
    struct fixture f;
    fixture_init(&f, false);
    f.p.memberships = NULL;
    for (size_t i = 0; i < NORG_ACTIONS; i++)
        assert_false(authz_allows(&f.p, org_actions[i], &org_a));
    assert_false(authz_allows(&f.p, AUTHZ_ORG_CREATE, NULL));
}

static void test_roles_per_org(void **state)
{
    /* Coordinator of B, leader of A, member of C: rights only in B. */
    struct fixture f;
    fixture_init(&f, false);
    fixture_join(&f, org_a.org_slug, ROLE_LEADER);
    fixture_join(&f, org_b.org_slug, ROLE_COORDINATOR);
    fixture_join(&f, org_c.org_slug, ROLE_MEMBER);
    for (size_t i = 0; i < NORG_ACTIONS; i++) {
        assert_false(authz_allows(&f.p, org_actions[i], &org_a));
        assert_true(authz_allows(&f.p, org_actions[i], &org_b));
        assert_false(authz_allows(&f.p, org_actions[i], &org_c));
    }
}

static void test_slug_must_match_exactly(void **state)
{
    struct fixture f;
    fixture_init(&f, false);
    fixture_join(&f, "partio", ROLE_COORDINATOR);
    static const struct authz_target near[] = {
        { .org_slug = "partio-2" },
        { .org_slug = "parti" },
        { .org_slug = "Partio" },
        { .org_slug = "" },
        { .org_slug = "helsingin-partio" },
    };
    for (size_t t = 0; t < sizeof(near) / sizeof(near[0]); t++) {
        for (size_t i = 0; i < NORG_ACTIONS; i++) {
            if (authz_allows(&f.p, org_actions[i], &near[t]))
                fail_msg("coordinator of \"partio\" allowed on \"%s\"", near[t].org_slug);
        }
    }
}

static void test_principal_role_in(void **state)
{
    struct fixture f;
    fixture_init(&f, false);
    assert_int_equal(principal_role_in(&f.p, "x"), ROLE_NONE);
    fixture_join(&f, "aa", ROLE_MEMBER);
    fixture_join(&f, "bb", ROLE_LEADER);
    fixture_join(&f, "cc", ROLE_COORDINATOR);
    assert_int_equal(principal_role_in(&f.p, "aa"), ROLE_MEMBER);
    assert_int_equal(principal_role_in(&f.p, "bb"), ROLE_LEADER);
    assert_int_equal(principal_role_in(&f.p, "cc"), ROLE_COORDINATOR);
    assert_int_equal(principal_role_in(&f.p, "dd"), ROLE_NONE);
    assert_int_equal(principal_role_in(&f.p, "a"), ROLE_NONE);
}

static void test_role_names_round_trip(void **state)
{
    static const enum org_role all[] = { ROLE_NONE, ROLE_MEMBER, ROLE_LEADER, ROLE_COORDINATOR };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        assert_int_equal(role_from_name(role_name(all[i])), all[i]);
    assert_string_equal(role_name(ROLE_NONE), "none");
    assert_string_equal(role_name(ROLE_MEMBER), "member");
    assert_string_equal(role_name(ROLE_LEADER), "leader");
    assert_string_equal(role_name(ROLE_COORDINATOR), "coordinator");
    assert_int_equal(role_from_name("member"), ROLE_MEMBER);
    assert_int_equal(role_from_name("leader"), ROLE_LEADER);
    assert_int_equal(role_from_name("coordinator"), ROLE_COORDINATOR);
}

static void test_role_unknown_names(void **state)
{
    static const char *const unknown[] = {
        "",
        "admin",
        "owner",
        "Member",
        "LEADER",
        "coordinator ",
        " member",
        "coord",
        "none",
        "membe",
    };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        if (role_from_name(unknown[i]) != ROLE_NONE)
            fail_msg("\"%s\" is not a role", unknown[i]);
    }
}

static const char *const leaders_of_group[] = { "aaaaaaaa-0000-4000-8000-000000000001" };

static void test_group_edit_for_coordinators_and_leaders_only(void **state)
{
    struct fixture coord, leader, member, other;
    struct authz_target group = { .org_slug = "perhekahvilat", .leaders = leaders_of_group, .nleaders = 1 };
    (void)state;
    fixture_init(&coord, false);
    fixture_join(&coord, "perhekahvilat", ROLE_COORDINATOR);
    fixture_init(&leader, false);
    fixture_join(&leader, "perhekahvilat", ROLE_LEADER);
    snprintf(leader.p.person_id, sizeof(leader.p.person_id), "%s", leaders_of_group[0]);
    fixture_init(&member, false);
    fixture_join(&member, "perhekahvilat", ROLE_LEADER); /* a leader in the org, not of this group */
    fixture_init(&other, false);
    fixture_join(&other, "muu-yhdistys", ROLE_COORDINATOR);
    static const enum authz_action acts[] = { AUTHZ_GROUP_EDIT, AUTHZ_GROUP_PEOPLE };
    for (size_t i = 0; i < 2; i++) {
        assert_true(authz_allows(&coord.p, acts[i], &group));
        assert_true(authz_allows(&leader.p, acts[i], &group));
        assert_false(authz_allows(&member.p, acts[i], &group));
        assert_false(authz_allows(&other.p, acts[i], &group));
        assert_false(authz_allows(NULL, acts[i], &group));
    }
    assert_true(authz_allows(&coord.p, AUTHZ_GROUP_CREATE, &group));
    assert_false(authz_allows(&leader.p, AUTHZ_GROUP_CREATE, &group));
}

/* Leaders change their group but never who leads it. */
static void test_only_coordinators_choose_leaders(void **state)
{
    struct fixture coord, leader, admin, other;
    struct authz_target group = { .org_slug = "perhekahvilat", .leaders = leaders_of_group, .nleaders = 1 };
    (void)state;
    fixture_init(&coord, false);
    fixture_join(&coord, "perhekahvilat", ROLE_COORDINATOR);
    fixture_init(&leader, false);
    fixture_join(&leader, "perhekahvilat", ROLE_LEADER);
    snprintf(leader.p.person_id, sizeof(leader.p.person_id), "%s", leaders_of_group[0]);
    fixture_init(&admin, true);
    fixture_init(&other, false);
    fixture_join(&other, "muu-yhdistys", ROLE_COORDINATOR);
    assert_true(authz_allows(&coord.p, AUTHZ_GROUP_SET_LEADERS, &group));
    assert_true(authz_allows(&admin.p, AUTHZ_GROUP_SET_LEADERS, &group));
    assert_true(authz_allows(&leader.p, AUTHZ_GROUP_EDIT, &group));
    assert_false(authz_allows(&leader.p, AUTHZ_GROUP_SET_LEADERS, &group));
    assert_false(authz_allows(&other.p, AUTHZ_GROUP_SET_LEADERS, &group));
    assert_false(authz_allows(NULL, AUTHZ_GROUP_SET_LEADERS, &group));
}

/* Named as a leader but now a member (or not in the org at all): no leader's
 * rights, even if the leadership row had not been removed yet. */
static void test_demoted_leader_has_no_rights(void **state)
{
    struct fixture demoted, removed, elsewhere, coordinator;
    struct authz_target group = { .org_slug = "perhekahvilat", .leaders = leaders_of_group, .nleaders = 1,
        .closed = true };
    (void)state;
    fixture_init(&demoted, false);
    fixture_join(&demoted, "perhekahvilat", ROLE_MEMBER);
    fixture_init(&removed, false);
    fixture_init(&elsewhere, false);
    fixture_join(&elsewhere, "muu-yhdistys", ROLE_LEADER);
    fixture_init(&coordinator, false);
    fixture_join(&coordinator, "perhekahvilat", ROLE_COORDINATOR);
    struct fixture *refused[] = { &demoted, &removed, &elsewhere };
    static const enum authz_action acts[] = { AUTHZ_GROUP_EDIT, AUTHZ_GROUP_PEOPLE, AUTHZ_GROUP_SEE_LINK };
    for (size_t i = 0; i < 3; i++) {
        snprintf(refused[i]->p.person_id, sizeof(refused[i]->p.person_id), "%s", leaders_of_group[0]);
        for (size_t a = 0; a < 3; a++)
            assert_false(authz_allows(&refused[i]->p, acts[a], &group));
    }
    /* A coordinator named as leader keeps the rights. */
    snprintf(coordinator.p.person_id, sizeof(coordinator.p.person_id), "%s", leaders_of_group[0]);
    for (size_t a = 0; a < 3; a++)
        assert_true(authz_allows(&coordinator.p, acts[a], &group));
}

static void test_closed_group_link(void **state)
{
    struct fixture member;
    struct authz_target open = { .org_slug = "x", .closed = false };
    struct authz_target closed = { .org_slug = "x", .closed = true };
    struct authz_target closed_participant = { .org_slug = "x", .closed = true, .participant = true };
    (void)state;
    fixture_init(&member, false);
    fixture_join(&member, "x", ROLE_MEMBER);
    assert_true(authz_allows(NULL, AUTHZ_GROUP_SEE_LINK, &open));
    assert_false(authz_allows(NULL, AUTHZ_GROUP_SEE_LINK, &closed));
    assert_false(authz_allows(&member.p, AUTHZ_GROUP_SEE_LINK, &closed));
    assert_true(authz_allows(&member.p, AUTHZ_GROUP_SEE_LINK, &closed_participant));
}

static void test_signup_cancel_owner_or_coordinator(void **state)
{
    struct fixture owner, coord, stranger;
    (void)state;
    fixture_init(&owner, false);
    fixture_init(&coord, false);
    fixture_join(&coord, "x", ROLE_COORDINATOR);
    fixture_init(&stranger, false);
    fixture_join(&stranger, "x", ROLE_LEADER);
    snprintf(stranger.p.person_id, sizeof(stranger.p.person_id), "bbbbbbbb-0000-4000-8000-000000000002");
    struct authz_target t = { .org_slug = "x", .owner_id = owner.p.person_id };
    assert_true(authz_allows(&owner.p, AUTHZ_SIGNUP_CANCEL, &t));
    assert_true(authz_allows(&coord.p, AUTHZ_SIGNUP_CANCEL, &t));
    assert_false(authz_allows(&stranger.p, AUTHZ_SIGNUP_CANCEL, &t));
}

/* Confirming by hand and signing up on someone's behalf: the org's
 * coordinators and admins only; not the owner, not a group's leader, not
 * another org's coordinator. */
static void test_signup_confirm_and_on_behalf_coordinators_only(void **state)
{
    struct fixture owner, coord, leader, other, admin;
    (void)state;
    fixture_init(&owner, false);
    fixture_join(&owner, "x", ROLE_MEMBER);
    fixture_init(&coord, false);
    fixture_join(&coord, "x", ROLE_COORDINATOR);
    fixture_init(&leader, false);
    fixture_join(&leader, "x", ROLE_LEADER);
    fixture_init(&other, false);
    fixture_join(&other, "y", ROLE_COORDINATOR);
    fixture_init(&admin, true);
    snprintf(owner.p.person_id, sizeof(owner.p.person_id), "bbbbbbbb-0000-4000-8000-000000000011");
    snprintf(leader.p.person_id, sizeof(leader.p.person_id), "bbbbbbbb-0000-4000-8000-000000000012");
    const char *leaders[] = { leader.p.person_id };
    struct authz_target t = { .org_slug = "x", .owner_id = owner.p.person_id, .leaders = leaders, .nleaders = 1 };
    enum authz_action actions[] = { AUTHZ_SIGNUP_CONFIRM, AUTHZ_SIGNUP_ON_BEHALF };
    for (size_t i = 0; i < 2; i++) {
        assert_true(authz_allows(&coord.p, actions[i], &t));
        assert_true(authz_allows(&admin.p, actions[i], &t));
        assert_false(authz_allows(&owner.p, actions[i], &t));
        assert_false(authz_allows(&leader.p, actions[i], &t));
        assert_false(authz_allows(&other.p, actions[i], &t));
        assert_false(authz_allows(NULL, actions[i], &t));
    }
}

static void test_absence_and_reports(void **state)
{
    struct fixture member, coord, leader;
    (void)state;
    fixture_init(&member, false);
    fixture_join(&member, "x", ROLE_MEMBER);
    fixture_init(&coord, false);
    fixture_join(&coord, "x", ROLE_COORDINATOR);
    fixture_init(&leader, false);
    fixture_join(&leader, "x", ROLE_LEADER);
    struct authz_target closed_participant = { .org_slug = "x", .closed = true, .participant = true };
    struct authz_target open_participant = { .org_slug = "x", .closed = false, .participant = true };
    struct authz_target org = { .org_slug = "x" };
    assert_true(authz_allows(&member.p, AUTHZ_ABSENCE_NOTICE, &closed_participant));
    assert_false(authz_allows(&member.p, AUTHZ_ABSENCE_NOTICE, &open_participant));
    assert_false(authz_allows(&member.p, AUTHZ_ABSENCE_NOTICE, &org));
    assert_true(authz_allows(&coord.p, AUTHZ_ORG_REPORTS, &org));
    assert_false(authz_allows(&leader.p, AUTHZ_ORG_REPORTS, &org));
    assert_false(authz_allows(&member.p, AUTHZ_ORG_REPORTS, &org));
    assert_true(authz_allows(&coord.p, AUTHZ_ORG_EDIT, &org));
    assert_false(authz_allows(&leader.p, AUTHZ_ORG_EDIT, &org));
    assert_false(authz_allows(&member.p, AUTHZ_ORG_EDIT, &org));
}

/* The org's mail status: its coordinators and site admins, nobody else. */
static void test_org_mail(void **state)
{
    struct fixture member, coord, leader, elsewhere, admin;
    (void)state;
    fixture_init(&member, false);
    fixture_join(&member, "x", ROLE_MEMBER);
    fixture_init(&coord, false);
    fixture_join(&coord, "x", ROLE_COORDINATOR);
    fixture_init(&leader, false);
    fixture_join(&leader, "x", ROLE_LEADER);
    fixture_init(&elsewhere, false);
    fixture_join(&elsewhere, "y", ROLE_COORDINATOR);
    fixture_init(&admin, true);
    struct authz_target org = { .org_slug = "x" };
    assert_true(authz_allows(&coord.p, AUTHZ_ORG_MAIL, &org));
    assert_true(authz_allows(&admin.p, AUTHZ_ORG_MAIL, &org));
    assert_false(authz_allows(&leader.p, AUTHZ_ORG_MAIL, &org));
    assert_false(authz_allows(&member.p, AUTHZ_ORG_MAIL, &org));
    assert_false(authz_allows(&elsewhere.p, AUTHZ_ORG_MAIL, &org));
    assert_false(authz_allows(NULL, AUTHZ_ORG_MAIL, &org));
}

/* tests/group-see-link.cases: the table the SQL is held to as well. */
static void see_link_case(const char *viewer, bool closed, bool want)
{
    static const char *const leaders_mine[] = { "123e4567-e89b-12d3-a456-426614174000" };
    static const char *const leaders_other[] = { "00000000-0000-4000-8000-000000000009" };
    struct fixture f;
    struct authz_target t = { .org_slug = "helsingin-partio", .closed = closed };
    const struct principal *p = &f.p;
    fixture_init(&f, strcmp(viewer, "admin") == 0);
    if (strcmp(viewer, "anonymous") == 0)
        p = NULL;
    else if (strcmp(viewer, "member") == 0)
        fixture_join(&f, "helsingin-partio", ROLE_MEMBER);
    else if (strcmp(viewer, "participant") == 0)
        t.participant = true;
    else if (strcmp(viewer, "leader_of_the_group") == 0 || strcmp(viewer, "leader_of_other_groups") == 0) {
        fixture_join(&f, "helsingin-partio", ROLE_LEADER);
        t.leaders = strcmp(viewer, "leader_of_the_group") == 0 ? leaders_mine : leaders_other;
        t.nleaders = 1;
    } else if (strcmp(viewer, "coordinator") == 0)
        fixture_join(&f, "helsingin-partio", ROLE_COORDINATOR);
    else if (strcmp(viewer, "coordinator_of_another_org") == 0)
        fixture_join(&f, "espoon-kuoro", ROLE_COORDINATOR);
    else if (strcmp(viewer, "outsider") != 0 && strcmp(viewer, "admin") != 0)
        fail_msg("unknown viewer %s in tests/group-see-link.cases", viewer);
    if (authz_allows(p, AUTHZ_GROUP_SEE_LINK, &t) != want)
        fail_msg("%s, %s group: authz says %s, the table %s", viewer, closed ? "closed" : "open",
            want ? "no" : "yes", want ? "yes" : "no");
}

static void test_see_link_agrees_with_the_table(void **state)
{
    FILE *in = fopen("tests/group-see-link.cases", "r");
    char line[256], viewer[64], open[8], closed[8];
    int cases = 0;
    (void)state;
    if (in == NULL)
        fail_msg("cannot read tests/group-see-link.cases (run from the repository root)");
    while (fgets(line, sizeof(line), in) != NULL) {
        if (line[0] == '#' || sscanf(line, "%63s %7s %7s", viewer, open, closed) != 3)
            continue;
        see_link_case(viewer, false, strcmp(open, "yes") == 0);
        see_link_case(viewer, true, strcmp(closed, "yes") == 0);
        cases++;
    }
    fclose(in);
    assert_true(cases >= 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_see_link_agrees_with_the_table),
        cmocka_unit_test(test_null_principal_denied),
        cmocka_unit_test(test_admin_may_everything),
        cmocka_unit_test(test_coordinator_own_org_only),
        cmocka_unit_test(test_leader_and_member_may_not),
        cmocka_unit_test(test_no_memberships),
        cmocka_unit_test(test_roles_per_org),
        cmocka_unit_test(test_slug_must_match_exactly),
        cmocka_unit_test(test_principal_role_in),
        cmocka_unit_test(test_role_names_round_trip),
        cmocka_unit_test(test_role_unknown_names),
        cmocka_unit_test(test_group_edit_for_coordinators_and_leaders_only),
        cmocka_unit_test(test_only_coordinators_choose_leaders),
        cmocka_unit_test(test_demoted_leader_has_no_rights),
        cmocka_unit_test(test_closed_group_link),
        cmocka_unit_test(test_signup_cancel_owner_or_coordinator),
        cmocka_unit_test(test_signup_confirm_and_on_behalf_coordinators_only),
        cmocka_unit_test(test_absence_and_reports),
        cmocka_unit_test(test_org_mail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
