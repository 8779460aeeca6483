/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for router.c: pattern matching, parameters, 404 versus 405. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "router.h"

#include <stdlib.h>
#include <string.h>

/* Like struct route in http.h: the entry first, then other fields, so the
 * router has to honour the stride. */
struct test_route {
    struct router_entry entry;
    const char *label;
    unsigned flags;
};

static const struct test_route table[] = {
    { { ROUTER_GET, "/" }, "root", 0 },
    { { ROUTER_GET, "/healthz" }, "healthz", 0 },
    { { ROUTER_GET, "/api/v1/me" }, "me_get", 0 },
    { { ROUTER_DELETE, "/api/v1/me" }, "me_delete", 0 },
    { { ROUTER_GET, "/api/v1/me/export" }, "me_export", 0 },
    { { ROUTER_GET, "/api/v1/orgs" }, "orgs_list", 0 },
    { { ROUTER_POST, "/api/v1/orgs" }, "orgs_create", 0 },
    { { ROUTER_GET, "/api/v1/orgs/{slug}" }, "orgs_get", 0 },
    { { ROUTER_PUT, "/api/v1/orgs/{slug}/members/{person_id}" }, "members_put", 0 },
    { { ROUTER_DELETE, "/api/v1/orgs/{slug}/members/{person_id}" }, "members_delete", 0 },
    { { ROUTER_GET, "/feeds/{token}.ics" }, "feed", 0 },
    { { ROUTER_GET, "/a/{p1}/{p2}/{p3}/{p4}" }, "four", 0 },
    { { ROUTER_GET, "/b/{p1}/{p2}/{p3}/{p4}/{p5}" }, "five", 0 },
    { { ROUTER_GET, "/broken/{x" }, "broken", 0 },
    { { ROUTER_GET, "/typed/{id:uuid}/{slug}/{token}.ics" }, "typed", 0 },
    { { ROUTER_GET, "/odd/{id:number}" }, "odd", 0 },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static int match(unsigned method, const char *path, struct router_match *m)
{
    memset(m, 0xa5, sizeof(*m));
    return router_match(table, NTABLE, sizeof(table[0]), method, path, strlen(path), m);
}

static const char *matched_label(const struct router_match *m)
{
    assert_true(m->route >= 0 && (size_t)m->route < NTABLE);
    return table[m->route].label;
}

static void assert_param(const struct router_match *m, int i, const char *want)
{
    assert_true(i < m->nparams);
    assert_int_equal(m->params[i].len, strlen(want));
    assert_memory_equal(m->params[i].start, want, strlen(want));
}

static void test_literal_routes(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/healthz", &m), 0);
    assert_string_equal(matched_label(&m), "healthz");
    assert_int_equal(m.nparams, 0);

    assert_int_equal(match(ROUTER_GET, "/api/v1/me", &m), 0);
    assert_string_equal(matched_label(&m), "me_get");
    assert_int_equal(match(ROUTER_GET, "/api/v1/me/export", &m), 0);
    assert_string_equal(matched_label(&m), "me_export");
    assert_int_equal(match(ROUTER_GET, "/", &m), 0);
    assert_string_equal(matched_label(&m), "root");
}

static void test_method_selects_route(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_DELETE, "/api/v1/me", &m), 0);
    assert_string_equal(matched_label(&m), "me_delete");
    assert_int_equal(match(ROUTER_POST, "/api/v1/orgs", &m), 0);
    assert_string_equal(matched_label(&m), "orgs_create");
    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs", &m), 0);
    assert_string_equal(matched_label(&m), "orgs_list");
}

static void test_params_captured(void **state)
{
    struct router_match m;
    const char *path = "/api/v1/orgs/helsingin-partio/members/123e4567-e89b-12d3-a456-426614174000";
    assert_int_equal(match(ROUTER_PUT, path, &m), 0);
    assert_string_equal(matched_label(&m), "members_put");
    assert_int_equal(m.nparams, 2);
    assert_param(&m, 0, "helsingin-partio");
    assert_param(&m, 1, "123e4567-e89b-12d3-a456-426614174000");
    /* Borrowed pointers into the path itself. */
    assert_ptr_equal(m.params[0].start, path + strlen("/api/v1/orgs/"));

    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs/x", &m), 0);
    assert_string_equal(matched_label(&m), "orgs_get");
    assert_int_equal(m.nparams, 1);
    assert_param(&m, 0, "x");
}

static void test_params_reset_between_patterns(void **state)
{
    struct router_match m;
    /* "/api/v1/orgs/{slug}" is tried (and fails) after capturing nothing
     * stale: a literal route matched later must report no parameters. */
    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs", &m), 0);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(match(ROUTER_DELETE, "/api/v1/orgs/s/members/p", &m), 0);
    assert_string_equal(matched_label(&m), "members_delete");
    assert_int_equal(m.nparams, 2);
    assert_param(&m, 0, "s");
    assert_param(&m, 1, "p");
}

static void test_suffix_param(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/feeds/abcDEF-_123.ics", &m), 0);
    assert_string_equal(matched_label(&m), "feed");
    assert_int_equal(m.nparams, 1);
    assert_param(&m, 0, "abcDEF-_123");

    /* A dot inside the parameter stays in it; only the suffix is cut. */
    assert_int_equal(match(ROUTER_GET, "/feeds/a.b.ics", &m), 0);
    assert_param(&m, 0, "a.b");
}

static void test_suffix_param_mismatch(void **state)
{
    struct router_match m;
    /* Nothing before the suffix: an empty parameter is no match. */
    assert_int_equal(match(ROUTER_GET, "/feeds/.ics", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/feeds/abc", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/feeds/abc.ics.txt", &m), -1);
    assert_int_equal(match(ROUTER_GET, "/feeds/abc.ICS", &m), -1);
    assert_int_equal(match(ROUTER_GET, "/feeds/ics", &m), -1);
    assert_int_equal(match(ROUTER_GET, "/feeds/abc.ics/x", &m), -1);
}

static void test_unknown_path_is_404(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/nope", &m), -1);
    assert_int_equal(m.route, -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs/x/members", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/api/v1/me/export/x", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/API/v1/me", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/healthzz", &m), -1);
    assert_int_equal(match(ROUTER_GET, "/health", &m), -1);
}

static void test_wrong_method_is_405(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_POST, "/api/v1/me", &m), -1);
    assert_int_equal(m.route, -1);
    assert_int_equal(m.allowed, ROUTER_GET | ROUTER_DELETE);

    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs/s/members/p", &m), -1);
    assert_int_equal(m.allowed, ROUTER_PUT | ROUTER_DELETE);

    assert_int_equal(match(ROUTER_DELETE, "/api/v1/orgs", &m), -1);
    assert_int_equal(m.allowed, ROUTER_GET | ROUTER_POST);

    assert_int_equal(match(ROUTER_PATCH, "/healthz", &m), -1);
    assert_int_equal(m.allowed, ROUTER_GET);

    /* An unknown method (HEAD, OPTIONS...) on a known path is also 405. */
    assert_int_equal(match(0, "/healthz", &m), -1);
    assert_int_equal(m.allowed, ROUTER_GET);
}

static void test_trailing_slash_no_match(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/healthz/", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs/", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/api/v1/orgs/x/", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "//", &m), -1);
}

static void test_empty_segment_no_match(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/api//v1/me", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "//healthz", &m), -1);
    /* An empty segment cannot fill a parameter. */
    assert_int_equal(match(ROUTER_PUT, "/api/v1/orgs//members/p", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_PUT, "/api/v1/orgs/s/members/", &m), -1);
    assert_int_equal(m.allowed, 0);
}

static void test_bad_paths(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "healthz", &m), -1);
    assert_int_equal(m.allowed, 0);
    assert_int_equal(match(ROUTER_GET, "/broken/x", &m), -1);
    assert_int_equal(m.allowed, 0);
}

static void test_path_len_respected(void **state)
{
    struct router_match m;
    const char *path = "/api/v1/orgs/abc/members";
    size_t len = strlen("/api/v1/orgs/abc");
    assert_int_equal(router_match(table, NTABLE, sizeof(table[0]), ROUTER_GET, path, len, &m), 0);
    assert_string_equal(matched_label(&m), "orgs_get");
    assert_param(&m, 0, "abc");

    /* A path that is not NUL-terminated at all. */
    char buf[8];
    memcpy(buf, "/healthz", 8);
    assert_int_equal(
        router_match(table, NTABLE, sizeof(table[0]), ROUTER_GET, buf, sizeof(buf), &m), 0);
    assert_string_equal(matched_label(&m), "healthz");
}

static void test_max_params(void **state)
{
    struct router_match m;
    assert_int_equal(match(ROUTER_GET, "/a/1/2/3/4", &m), 0);
    assert_string_equal(matched_label(&m), "four");
    assert_int_equal(m.nparams, ROUTER_MAX_PARAMS);
    assert_param(&m, 0, "1");
    assert_param(&m, 3, "4");

    /* A fifth parameter does not fit: no match, and nothing written past
     * params[] (ASan would say). */
    assert_int_equal(match(ROUTER_GET, "/b/1/2/3/4/5", &m), -1);
    assert_int_equal(m.route, -1);
    assert_int_equal(m.allowed, 0);
}

static void test_first_match_wins(void **state)
{
    static const struct router_entry t[] = {
        { ROUTER_GET, "/x/{id}.ics" },
        { ROUTER_GET, "/x/{id}" },
        { ROUTER_GET, "/x/latest" },
    };
    struct router_match m;
    assert_int_equal(router_match(t, 3, sizeof(t[0]), ROUTER_GET, "/x/a.ics", 8, &m), 0);
    assert_int_equal(m.route, 0);
    assert_int_equal(m.params[0].len, 1);
    assert_int_equal(router_match(t, 3, sizeof(t[0]), ROUTER_GET, "/x/a", 4, &m), 0);
    assert_int_equal(m.route, 1);
    assert_int_equal(router_match(t, 3, sizeof(t[0]), ROUTER_GET, "/x/latest", 9, &m), 0);
    assert_int_equal(m.route, 1);
}

static void test_empty_table(void **state)
{
    struct router_match m;
    assert_int_equal(router_match(table, 0, sizeof(table[0]), ROUTER_GET, "/", 1, &m), -1);
    assert_int_equal(m.route, -1);
    assert_int_equal(m.allowed, 0);
}

static void test_allow_header(void **state)
{
    char buf[64];
    router_allow_header(ROUTER_GET, buf, sizeof(buf));
    assert_string_equal(buf, "GET");
    router_allow_header(ROUTER_GET | ROUTER_DELETE, buf, sizeof(buf));
    assert_string_equal(buf, "GET, DELETE");
    router_allow_header(ROUTER_DELETE | ROUTER_PUT, buf, sizeof(buf));
    assert_string_equal(buf, "PUT, DELETE");
    router_allow_header(
        ROUTER_GET | ROUTER_POST | ROUTER_PUT | ROUTER_PATCH | ROUTER_DELETE, buf, sizeof(buf));
    assert_string_equal(buf, "GET, POST, PUT, PATCH, DELETE");
    router_allow_header(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
}

static void test_allow_header_small_buffer(void **state)
{
    /* Exactly enough room for "GET, POST". */
    char buf[10];
    router_allow_header(ROUTER_GET | ROUTER_POST, buf, sizeof(buf));
    assert_string_equal(buf, "GET, POST");

    /* Too little room: stays within the buffer and NUL-terminated. */
    char small[8];
    memset(small, 'x', sizeof(small));
    router_allow_header(ROUTER_GET | ROUTER_POST | ROUTER_DELETE, small, sizeof(small));
    assert_true(strnlen(small, sizeof(small)) < sizeof(small));
    assert_memory_equal(small, "GET", 3);
}

static void test_method_name(void **state)
{
    assert_string_equal(router_method_name(ROUTER_GET), "GET");
    assert_string_equal(router_method_name(ROUTER_POST), "POST");
    assert_string_equal(router_method_name(ROUTER_PUT), "PUT");
    assert_string_equal(router_method_name(ROUTER_PATCH), "PATCH");
    assert_string_equal(router_method_name(ROUTER_DELETE), "DELETE");
    assert_string_equal(router_method_name(0), "OTHER");
    assert_string_equal(router_method_name(ROUTER_GET | ROUTER_POST), "OTHER");
}

static void test_param_types(void **state)
{
    struct router_match m;
    (void)state;
    assert_int_equal(match(ROUTER_GET, "/typed/x/y/z.ics", &m), 0);
    assert_string_equal(matched_label(&m), "typed"); /* types are not part of matching */
    assert_int_equal(m.nparams, 3);
    assert_int_equal(m.params[0].type, ROUTER_PARAM_UUID);
    assert_int_equal(m.params[1].type, ROUTER_PARAM_SLUG);
    assert_int_equal(m.params[2].type, ROUTER_PARAM_TOKEN);
    assert_param(&m, 2, "z");
    assert_int_equal(match(ROUTER_PUT, "/api/v1/orgs/a/members/b", &m), 0);
    assert_int_equal(m.params[0].type, ROUTER_PARAM_SLUG);
    assert_int_equal(m.params[1].type, ROUTER_PARAM_UNTYPED);
    assert_int_equal(match(ROUTER_GET, "/odd/1", &m), 0);
    assert_int_equal(m.params[0].type, ROUTER_PARAM_UNKNOWN);
}

static void test_param_valid(void **state)
{
    const char *uuid = "8a6e0804-2bd0-4672-b79d-d97027f8fd1d";
    (void)state;
    assert_true(router_param_valid(ROUTER_PARAM_UUID, uuid, strlen(uuid)));
    assert_false(router_param_valid(ROUTER_PARAM_UUID, uuid, strlen(uuid) - 1));
    assert_false(router_param_valid(ROUTER_PARAM_UUID, "not-a-uuid", 10));
    assert_true(router_param_valid(ROUTER_PARAM_SLUG, "perhe-ry", 8));
    assert_false(router_param_valid(ROUTER_PARAM_SLUG, "Perhe", 5));
    assert_false(router_param_valid(ROUTER_PARAM_SLUG, "perhe\0x", 7)); /* a NUL inside */
    assert_true(router_param_valid(ROUTER_PARAM_TOKEN, "abcdefghijklmnopqrstu_", 22));
    assert_false(router_param_valid(ROUTER_PARAM_TOKEN, "abcdefghijklmnopqrstu", 21));
    assert_false(router_param_valid(ROUTER_PARAM_TOKEN, "abcdefghijklmnopqrstu=", 22));
    assert_true(router_param_valid(ROUTER_PARAM_UNTYPED, "anything", 8));
    assert_false(router_param_valid(ROUTER_PARAM_UNKNOWN, "anything", 8));
    /* The web pages' languages, as their paths write them. */
    assert_true(router_param_valid(ROUTER_PARAM_LANG, "fi", 2));
    assert_true(router_param_valid(ROUTER_PARAM_LANG, "sv", 2));
    assert_true(router_param_valid(ROUTER_PARAM_LANG, "en", 2));
    assert_false(router_param_valid(ROUTER_PARAM_LANG, "FI", 2));
    assert_false(router_param_valid(ROUTER_PARAM_LANG, "de", 2));
    assert_false(router_param_valid(ROUTER_PARAM_LANG, "fin", 3));
    assert_int_equal(router_pattern_typed("/{lang}/groups/{id:uuid}"), 0);
    assert_int_equal(router_pattern_param("/{lang}/groups/{id:uuid}", ROUTER_PARAM_UUID), 1);
}

static void test_pattern_label_and_typed(void **state)
{
    char *label = router_pattern_label("/api/v1/orgs/{slug}/members/{person_id:uuid}");
    (void)state;
    assert_string_equal(label, "/api/v1/orgs/{slug}/members/{person_id}");
    free(label);
    label = router_pattern_label("/calendars/groups/{id:uuid}.ics");
    assert_string_equal(label, "/calendars/groups/{id}.ics");
    free(label);
    assert_int_equal(router_pattern_typed("/calendars/groups/{id:uuid}.ics"), 0);
    assert_int_equal(router_pattern_typed("/calendars/people/{token}.ics"), 0);
    assert_int_equal(router_pattern_typed("/healthz"), 0);
    assert_int_equal(router_pattern_typed("/groups/{id}"), -1);
    assert_int_equal(router_pattern_typed("/groups/{id:number}"), -1);
    assert_int_equal(router_pattern_typed("/groups/{id:uuid"), -1);
    assert_int_equal(router_pattern_param("/api/v1/orgs/{slug}/members/{person_id:uuid}", ROUTER_PARAM_SLUG), 0);
    assert_int_equal(router_pattern_param("/api/v1/orgs/{slug}/members/{person_id:uuid}", ROUTER_PARAM_UUID), 1);
    assert_int_equal(router_pattern_param("/x/{id:uuid}/{slug}", ROUTER_PARAM_SLUG), 1);
    assert_int_equal(router_pattern_param("/api/v1/groups/{id:uuid}", ROUTER_PARAM_SLUG), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_routes),
        cmocka_unit_test(test_method_selects_route),
        cmocka_unit_test(test_params_captured),
        cmocka_unit_test(test_params_reset_between_patterns),
        cmocka_unit_test(test_suffix_param),
        cmocka_unit_test(test_suffix_param_mismatch),
        cmocka_unit_test(test_unknown_path_is_404),
        cmocka_unit_test(test_wrong_method_is_405),
        cmocka_unit_test(test_trailing_slash_no_match),
        cmocka_unit_test(test_empty_segment_no_match),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_path_len_respected),
        cmocka_unit_test(test_max_params),
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_allow_header),
        cmocka_unit_test(test_allow_header_small_buffer),
        cmocka_unit_test(test_method_name),
        cmocka_unit_test(test_param_types),
        cmocka_unit_test(test_param_valid),
        cmocka_unit_test(test_pattern_label_and_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
