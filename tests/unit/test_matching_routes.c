/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the matching module on the pipeline: the facts readers
 * (facts.c) fill struct pairing_facts, support_request_facts and
 * supporter_facts and the authz target from what the SQL returns, and the
 * matching routes (routes.c) declare what the pipeline must run before
 * their handlers, which rely on it: a route about one pairing, request or
 * supporter loads that row's facts, a signed-in route asks authz, a body
 * is checked before anything is loaded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "authz.h"
#include "dispatch.h"
#include "facts.h"

#include <stdlib.h>
#include <string.h>

#define ORG       "avustajatyonantajat"
#define SUPPORTER "11111111-1111-1111-1111-111111111111"
#define REQUESTER "22222222-2222-2222-2222-222222222222"

/* f with loaded parsed from text, read by loader: its return value. */
static int read_facts(const struct facts_loader *loader, const char *text, struct facts *f)
{
    memset(f, 0, sizeof(*f));
    f->loaded = json_loads(text, 0, NULL);
    assert_non_null(f->loaded);
    return loader->read(f);
}

static void test_pairing_facts(void **state)
{
    struct facts f;
    (void)state;
    assert_int_equal(read_facts(&facts_pairing,
                         "{\"org\":\"" ORG "\",\"supporter\":\"" SUPPORTER "\",\"requester\":\"" REQUESTER
                         "\",\"active\":false,\"accepted\":true}",
                         &f),
        0);
    assert_string_equal(f.u.pairing.org_slug, ORG);
    assert_string_equal(f.u.pairing.supporter_id, SUPPORTER);
    assert_string_equal(f.u.pairing.requester_id, REQUESTER);
    assert_false(f.u.pairing.active);
    assert_true(f.u.pairing.accepted);
    assert_string_equal(f.target.org_slug, ORG);
    assert_string_equal(f.target.supporter_id, SUPPORTER);
    assert_string_equal(f.target.requester_id, REQUESTER);
    assert_false(f.target.pairing_active);
    assert_true(f.target.pairing_accepted);
    json_decref(f.loaded);
}

/* A purged request has no requester any more: still a pairing's facts. */
static void test_pairing_facts_without_requester(void **state)
{
    struct facts f;
    (void)state;
    assert_int_equal(read_facts(&facts_pairing,
                         "{\"org\":\"" ORG "\",\"supporter\":\"" SUPPORTER "\",\"requester\":null,"
                         "\"active\":true,\"accepted\":true}",
                         &f),
        0);
    assert_null(f.target.requester_id);
    assert_true(f.target.pairing_active);
    json_decref(f.loaded);
}

static void test_support_request_facts(void **state)
{
    struct facts f;
    (void)state;
    assert_int_equal(read_facts(&facts_support_request,
                         "{\"org\":\"" ORG "\",\"requester\":\"" REQUESTER "\",\"supporter\":\"" SUPPORTER
                         "\",\"active\":true}",
                         &f),
        0);
    assert_string_equal(f.u.support_request.org_slug, ORG);
    assert_string_equal(f.u.support_request.requester_id, REQUESTER);
    assert_string_equal(f.u.support_request.supporter_id, SUPPORTER);
    assert_true(f.u.support_request.active);
    assert_string_equal(f.target.supporter_id, SUPPORTER);
    assert_true(f.target.pairing_active);
    assert_false(f.target.pairing_accepted);
    json_decref(f.loaded);

    /* No active pairing: nobody is its supporter. */
    assert_int_equal(read_facts(&facts_support_request,
                         "{\"org\":\"" ORG "\",\"requester\":\"" REQUESTER "\",\"supporter\":null,\"active\":false}",
                         &f),
        0);
    assert_null(f.target.supporter_id);
    assert_false(f.target.pairing_active);
    json_decref(f.loaded);
}

static void test_supporter_facts(void **state)
{
    struct facts f;
    (void)state;
    assert_int_equal(
        read_facts(&facts_supporter, "{\"org\":\"" ORG "\",\"supporter\":\"" SUPPORTER "\",\"listed\":true}", &f),
        0);
    assert_string_equal(f.u.supporter.org_slug, ORG);
    assert_string_equal(f.u.supporter.person_id, SUPPORTER);
    assert_true(f.u.supporter.listed);
    assert_string_equal(f.target.org_slug, ORG);
    assert_string_equal(f.target.supporter_id, SUPPORTER);
    assert_null(f.target.requester_id);
    json_decref(f.loaded);
}

/* Anything but the shape (no org to authorize in) is no such row: 404. */
static void test_not_the_shape(void **state)
{
    static const struct facts_loader *const loaders[] = { &facts_pairing, &facts_support_request,
        &facts_supporter };
    struct facts f;
    (void)state;
    for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
        assert_int_equal(read_facts(loaders[i], "{\"supporter\":\"" SUPPORTER "\"}", &f), -1);
        json_decref(f.loaded);
        assert_int_equal(read_facts(loaders[i], "[\"" ORG "\"]", &f), -1);
        json_decref(f.loaded);
    }
}

#define SUPPORT_PAGES "/{lang}/orgs/{slug}/manage/support"

/* The loader a route about one row of the module must name, by its path:
 * the API's, and the coordinator's support pages'. */
static const struct facts_loader *loader_for(const char *pattern)
{
    if (strncmp(pattern, SUPPORT_PAGES "/", strlen(SUPPORT_PAGES "/")) == 0) {
        const char *rest = pattern + strlen(SUPPORT_PAGES);
        if (strncmp(rest, "/pairings/{id:uuid}", 19) == 0)
            return &facts_pairing;
        if (strncmp(rest, "/requests/{id:uuid}", 19) == 0)
            return &facts_support_request;
        if (strncmp(rest, "/supporters/{id:uuid}", 21) == 0)
            return &facts_supporter;
        return NULL;
    }
    if (strncmp(pattern, "/api/v1/pairings/{id:uuid}", 26) == 0)
        return &facts_pairing;
    if (strncmp(pattern, "/api/v1/support-requests/{id:uuid}", 34) == 0)
        return &facts_support_request;
    if (strncmp(pattern, "/api/v1/supporters/{id:uuid}", 28) == 0)
        return &facts_supporter;
    return NULL;
}

static void test_matching_routes_declare_their_steps(void **state)
{
    const struct route_table *on = routes_table(true);
    size_t core = route_table_size(routes_table(false)), with_facts = 0;
    (void)state;
    assert_true(core < route_table_size(on));
    for (size_t i = core; i < route_table_size(on); i++) {
        const struct route *r = route_table_get(on, i);
        const char *pattern = r->entry.pattern;
        bool org_scoped = strstr(pattern, "{slug}") != NULL;
        /* Every handler about one row reads ctx->facts. */
        assert_ptr_equal(r->facts, loader_for(pattern));
        with_facts += r->facts != NULL;
        /* Signed-in routes about an org or a row ask authz in the pipeline. */
        if (r->who == ROUTE_PERSON && (org_scoped || r->facts != NULL))
            assert_int_not_equal(r->action, AUTHZ_NONE);
        /* The pipeline asks about the org in the path, or the loaded row. */
        if (r->action != AUTHZ_NONE)
            assert_true(org_scoped || r->facts != NULL);
        /* A body is checked (422) before a row is loaded or a statement sent. */
        assert_int_equal(r->body == ROUTE_BODY_JSON, r->check != NULL);
    }
    assert_int_equal(with_facts, 12 + 6); /* the API's, the support pages' */
}

/* Anyone may read a supporter's page: the pipeline loads the facts and the
 * handler asks authz which view it gets. */
static void test_supporter_page_is_for_anyone(void **state)
{
    const struct route_table *on = routes_table(true);
    bool seen = false;
    (void)state;
    for (size_t i = 0; i < route_table_size(on); i++) {
        const struct route *r = route_table_get(on, i);
        if (r->entry.method == ROUTER_GET && strcmp(r->entry.pattern, "/api/v1/supporters/{id:uuid}") == 0) {
            assert_int_equal(r->who, ROUTE_PERSON_OPTIONAL);
            assert_ptr_equal(r->facts, &facts_supporter);
            assert_int_equal(r->action, AUTHZ_NONE);
            seen = true;
        }
    }
    assert_true(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairing_facts),
        cmocka_unit_test(test_pairing_facts_without_requester),
        cmocka_unit_test(test_support_request_facts),
        cmocka_unit_test(test_supporter_facts),
        cmocka_unit_test(test_not_the_shape),
        cmocka_unit_test(test_matching_routes_declare_their_steps),
        cmocka_unit_test(test_supporter_page_is_for_anyone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
