/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for authz.c on one-to-one matching: coordinators manage, the
 * people involved act on their own pairing, and a site admin who is not
 * involved may not read a request or answer for a supporter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "authz.h"
#include "principal.h"

#include <stdio.h>
#include <string.h>

#define ORG      "avustajatyonantajat"
#define OTHER    "perhekahvilat"
#define ME       "11111111-1111-1111-1111-111111111111"
#define SOMEONE  "22222222-2222-2222-2222-222222222222"
#define THIRD    "33333333-3333-3333-3333-333333333333"

struct who {
    struct principal p;
    struct membership m[2];
};

static struct who *who(struct who *w, bool admin, const char *slug, enum org_role role)
{
    memset(w, 0, sizeof(*w));
    snprintf(w->p.person_id, sizeof(w->p.person_id), "%s", ME);
    w->p.is_admin = admin;
    w->p.memberships = w->m;
    if (slug != NULL) {
        snprintf(w->m[0].slug, sizeof(w->m[0].slug), "%s", slug);
        w->m[0].role = role;
        w->p.nmemberships = 1;
    }
    return w;
}

/* A request or pairing of ORG asked by requester, with supporter. */
static struct authz_target involving(const char *requester, const char *supporter, bool active)
{
    return (struct authz_target) { .org_slug = ORG, .requester_id = requester, .supporter_id = supporter,
        .pairing_active = active };
}

static void test_manage_is_for_coordinators_and_admins(void **state)
{
    struct who w;
    struct authz_target org = { .org_slug = ORG };
    assert_false(authz_allows(NULL, AUTHZ_MATCHING_MANAGE, &org));
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_COORDINATOR)->p, AUTHZ_MATCHING_MANAGE, &org));
    assert_true(authz_allows(&who(&w, true, NULL, ROLE_NONE)->p, AUTHZ_MATCHING_MANAGE, &org));
    assert_false(authz_allows(&who(&w, false, ORG, ROLE_LEADER)->p, AUTHZ_MATCHING_MANAGE, &org));
    assert_false(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, AUTHZ_MATCHING_MANAGE, &org));
    assert_false(authz_allows(&who(&w, false, OTHER, ROLE_COORDINATOR)->p, AUTHZ_MATCHING_MANAGE, &org));
}

static void test_anyone_signed_in_may_ask(void **state)
{
    struct who w;
    struct authz_target org = { .org_slug = ORG };
    assert_false(authz_allows(NULL, AUTHZ_SUPPORT_REQUEST_CREATE, &org));
    assert_true(authz_allows(&who(&w, false, NULL, ROLE_NONE)->p, AUTHZ_SUPPORT_REQUEST_CREATE, &org));
    assert_true(authz_allows(&who(&w, false, OTHER, ROLE_MEMBER)->p, AUTHZ_SUPPORT_REQUEST_CREATE, &org));
}

static void test_reading_a_request(void **state)
{
    struct who w;
    struct authz_target mine = involving(ME, SOMEONE, false), theirs = involving(SOMEONE, THIRD, false);
    struct authz_target proposed_to_me = involving(SOMEONE, ME, false), active_with_me = involving(SOMEONE, ME, true);
    struct principal *nobody = &who(&w, false, NULL, ROLE_NONE)->p;
    /* A requester need not be a member of the org. */
    assert_true(authz_allows(nobody, AUTHZ_SUPPORT_REQUEST_READ, &mine));
    assert_false(authz_allows(nobody, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
    struct principal *member = &who(&w, false, ORG, ROLE_MEMBER)->p;
    assert_false(authz_allows(member, AUTHZ_SUPPORT_REQUEST_READ, &proposed_to_me));
    assert_true(authz_allows(member, AUTHZ_SUPPORT_REQUEST_READ, &active_with_me));
    nobody = &who(&w, false, NULL, ROLE_NONE)->p;
    /* A purged request has no requester. */
    struct authz_target purged = involving(NULL, NULL, false);
    assert_false(authz_allows(nobody, AUTHZ_SUPPORT_REQUEST_READ, &purged));
    assert_false(authz_allows(NULL, AUTHZ_SUPPORT_REQUEST_READ, &mine));
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_COORDINATOR)->p, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
    assert_false(authz_allows(&who(&w, false, ORG, ROLE_LEADER)->p, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
    assert_false(authz_allows(&who(&w, false, OTHER, ROLE_COORDINATOR)->p, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
    /* Confidential: being a site admin is not enough. */
    assert_false(authz_allows(&who(&w, true, NULL, ROLE_NONE)->p, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
    assert_true(authz_allows(&who(&w, true, ORG, ROLE_COORDINATOR)->p, AUTHZ_SUPPORT_REQUEST_READ, &theirs));
}

static void test_only_the_supporter_answers(void **state)
{
    struct who w;
    struct authz_target to_me = involving(SOMEONE, ME, false), to_other = involving(ME, SOMEONE, false);
    static const enum authz_action own[] = { AUTHZ_PAIRING_RESPOND, AUTHZ_PAIRING_LOG_CONTACT };
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        assert_true(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, own[i], &to_me));
        assert_false(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, own[i], &to_other));
        assert_false(authz_allows(&who(&w, false, ORG, ROLE_COORDINATOR)->p, own[i], &to_other));
        assert_false(authz_allows(&who(&w, true, NULL, ROLE_NONE)->p, own[i], &to_other));
        assert_false(authz_allows(NULL, own[i], &to_me));
    }
}

static void test_pairing_parties(void **state)
{
    struct who w;
    struct authz_target as_supporter = involving(SOMEONE, ME, true), as_requester = involving(ME, SOMEONE, true),
                        stranger = involving(SOMEONE, THIRD, true);
    static const enum authz_action both[] = { AUTHZ_PAIRING_SEE, AUTHZ_PAIRING_CLOSE };
    struct principal *member = &who(&w, false, ORG, ROLE_MEMBER)->p;
    for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
        assert_true(authz_allows(member, both[i], &as_supporter));
        assert_true(authz_allows(member, both[i], &as_requester));
        assert_false(authz_allows(member, both[i], &stranger));
    }
    assert_true(authz_allows(member, AUTHZ_PAIRING_CONTACTS, &as_supporter));
    assert_false(authz_allows(member, AUTHZ_PAIRING_CONTACTS, &as_requester));
    assert_true(authz_allows(member, AUTHZ_PAIRING_SEE_NOTE, &as_supporter));
    assert_false(authz_allows(member, AUTHZ_PAIRING_SEE_NOTE, &as_requester));
    struct principal *coord = &who(&w, false, ORG, ROLE_COORDINATOR)->p;
    assert_true(authz_allows(coord, AUTHZ_PAIRING_SEE, &stranger));
    assert_true(authz_allows(coord, AUTHZ_PAIRING_CLOSE, &stranger));
    assert_true(authz_allows(coord, AUTHZ_PAIRING_CONTACTS, &stranger));
    assert_true(authz_allows(coord, AUTHZ_PAIRING_SEE_NOTE, &stranger));
    struct principal *admin = &who(&w, true, NULL, ROLE_NONE)->p;
    assert_true(authz_allows(admin, AUTHZ_PAIRING_SEE, &stranger));
    assert_true(authz_allows(admin, AUTHZ_PAIRING_CLOSE, &stranger));
}

/* Every right a supporter has ends with their membership of the org: the
 * same person, removed (or a member of another org only), gets none. */
static void test_removed_supporter_has_no_rights(void **state)
{
    struct who w;
    struct authz_target proposed = involving(SOMEONE, ME, false), active = involving(SOMEONE, ME, true);
    active.pairing_accepted = true;
    static const enum authz_action acts[] = { AUTHZ_SUPPORT_REQUEST_READ, AUTHZ_SUPPORTER_SEE_RECORD,
        AUTHZ_PAIRING_RESPOND, AUTHZ_PAIRING_SEE, AUTHZ_PAIRING_CLOSE, AUTHZ_PAIRING_LOG_CONTACT,
        AUTHZ_PAIRING_CONTACTS, AUTHZ_PAIRING_SEE_NOTE, AUTHZ_PAIRING_SEE_SUPPORTER };
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        const struct authz_target *t = acts[i] == AUTHZ_PAIRING_RESPOND ? &proposed : &active;
        for (enum org_role r = ROLE_MEMBER; r <= ROLE_COORDINATOR; r++) {
            if (!authz_allows(&who(&w, false, ORG, r)->p, acts[i], t))
                fail_msg("action %d: the supporter, a %s of the org, is refused", acts[i], role_name(r));
        }
        if (authz_allows(&who(&w, false, NULL, ROLE_NONE)->p, acts[i], t))
            fail_msg("action %d: allowed for a supporter who is no longer a member", acts[i]);
        if (authz_allows(&who(&w, false, OTHER, ROLE_COORDINATOR)->p, acts[i], t))
            fail_msg("action %d: allowed for a supporter who is a member of another org only", acts[i]);
    }
}

static void test_requester_sees_the_supporter_once_accepted(void **state)
{
    struct who w;
    struct authz_target proposed = involving(ME, SOMEONE, false);
    struct authz_target active = involving(ME, SOMEONE, true);
    active.pairing_accepted = true;
    struct authz_target declined = involving(ME, SOMEONE, false);
    struct authz_target closed_after_accepting = involving(ME, SOMEONE, false);
    closed_after_accepting.pairing_accepted = true;
    struct principal *requester = &who(&w, false, NULL, ROLE_NONE)->p;
    assert_false(authz_allows(requester, AUTHZ_PAIRING_SEE_SUPPORTER, &proposed));
    assert_false(authz_allows(requester, AUTHZ_PAIRING_SEE_SUPPORTER, &declined));
    assert_true(authz_allows(requester, AUTHZ_PAIRING_SEE_SUPPORTER, &active));
    assert_true(authz_allows(requester, AUTHZ_PAIRING_SEE_SUPPORTER, &closed_after_accepting));
    assert_true(authz_allows(requester, AUTHZ_PAIRING_SEE, &proposed));
    assert_false(authz_allows(requester, AUTHZ_PAIRING_SEE_NOTE, &active));
    /* Coordinators, admins and the supporter know who it is from the start. */
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_COORDINATOR)->p, AUTHZ_PAIRING_SEE_SUPPORTER, &proposed));
    assert_true(authz_allows(&who(&w, true, NULL, ROLE_NONE)->p, AUTHZ_PAIRING_SEE_SUPPORTER, &proposed));
    struct authz_target to_me = involving(SOMEONE, ME, false);
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, AUTHZ_PAIRING_SEE_SUPPORTER, &to_me));
    assert_false(authz_allows(&who(&w, false, ORG, ROLE_LEADER)->p, AUTHZ_PAIRING_SEE_SUPPORTER, &declined));
    assert_false(authz_allows(NULL, AUTHZ_PAIRING_SEE_SUPPORTER, &active));
}

static void test_supporter_record(void **state)
{
    struct who w;
    struct authz_target own = { .org_slug = ORG, .supporter_id = ME }, other = { .org_slug = ORG,
        .supporter_id = SOMEONE };
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, AUTHZ_SUPPORTER_SEE_RECORD, &own));
    assert_false(authz_allows(&who(&w, false, ORG, ROLE_MEMBER)->p, AUTHZ_SUPPORTER_SEE_RECORD, &other));
    assert_true(authz_allows(&who(&w, false, ORG, ROLE_COORDINATOR)->p, AUTHZ_SUPPORTER_SEE_RECORD, &other));
    assert_false(authz_allows(&who(&w, false, OTHER, ROLE_COORDINATOR)->p, AUTHZ_SUPPORTER_SEE_RECORD, &other));
    assert_false(authz_allows(NULL, AUTHZ_SUPPORTER_SEE_RECORD, &other));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manage_is_for_coordinators_and_admins),
        cmocka_unit_test(test_anyone_signed_in_may_ask),
        cmocka_unit_test(test_reading_a_request),
        cmocka_unit_test(test_only_the_supporter_answers),
        cmocka_unit_test(test_pairing_parties),
        cmocka_unit_test(test_removed_supporter_has_no_rights),
        cmocka_unit_test(test_requester_sees_the_supporter_once_accepted),
        cmocka_unit_test(test_supporter_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
