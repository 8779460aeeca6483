/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for matching-input.c (request bodies) and matching-data.c (the
 * database's JSON into matching.c, candidates and proposals back out). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "matching-data.h"
#include "matching-input.h"

#include <stdlib.h>
#include <string.h>

/* Parse text as kind; returns the failing field, or NULL (and *clean). */
static const char *parse(enum matching_body kind, const char *text, bool partial, json_t **clean)
{
    static char field[64];
    struct invalid inv;
    json_t *body = json_loads(text, 0, NULL), *out = NULL;
    assert_non_null(body);
    int rc = matching_input_parse(kind, body, partial, &out, &inv);
    json_decref(body);
    if (rc == 0) {
        if (clean != NULL)
            *clean = out;
        else
            json_decref(out);
        return NULL;
    }
    strncpy(field, inv.field, sizeof(field) - 1);
    return field;
}

static void test_dates(void **state)
{
    assert_true(matching_input_date("2026-05-31"));
    assert_true(matching_input_date("2024-02-29"));
    assert_true(matching_input_date("2000-02-29"));
    assert_false(matching_input_date("1900-02-29"));
    assert_false(matching_input_date("2026-02-29"));
    assert_false(matching_input_date("2026-04-31"));
    assert_false(matching_input_date("2026-13-01"));
    assert_false(matching_input_date("2026-00-10"));
    assert_false(matching_input_date("31.5.2026"));
    assert_false(matching_input_date("2026-5-31"));
    assert_false(matching_input_date("2026-05-31T00:00"));
    assert_false(matching_input_date(""));
    assert_false(matching_input_date(NULL));
}

static void test_supporter_body(void **state)
{
    json_t *clean;
    const char *ok = "{\"person_id\": \"123e4567-e89b-12d3-a456-426614174000\", \"public_name\": \"Tuomas\","
                     " \"languages\": [\"fi\", \"fi\"], \"contact_modes\": [\"phone\"], \"unknown\": 1,"
                     " \"pledge\": {\"version\": \"1\", \"signed_on\": \"2025-11-15\"}}";
    assert_null(parse(MATCHING_BODY_SUPPORTER, ok, false, &clean));
    assert_null(json_object_get(clean, "unknown"));
    assert_int_equal(json_array_size(json_object_get(clean, "languages")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(clean, "pledge"), "signed_on")),
        "2025-11-15");
    json_decref(clean);

    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{}", false, NULL), "person_id");
    assert_null(parse(MATCHING_BODY_SUPPORTER, "{}", true, NULL));
    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{\"person_id\": \"x\"}", true, NULL), "person_id");
    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{\"training\": {\"course\": \"K\", \"refresher_due\": 1}}",
                            true, NULL),
        "training.refresher_due");
    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{\"pledge\": {}}", true, NULL), "pledge.version");
    assert_null(parse(MATCHING_BODY_SUPPORTER, "{\"training\": null, \"bio\": null}", true, &clean));
    assert_true(json_is_null(json_object_get(clean, "training")));
    json_decref(clean);
    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{\"contact_modes\": [\"phone\", \"fax\"]}", true, NULL),
        "contact_modes");
    assert_string_equal(parse(MATCHING_BODY_SUPPORTER, "{\"languages\": [\"FI\"]}", true, NULL), "languages");
}

static void test_request_body_needs_consent(void **state)
{
    const char *base = "\"languages\": [\"fi\"], \"contact_modes\": [\"phone\"]";
    char text[256];
    snprintf(text, sizeof(text), "{%s}", base);
    assert_string_equal(parse(MATCHING_BODY_REQUEST, text, false, NULL), "consent");
    snprintf(text, sizeof(text), "{%s, \"consent\": false}", base);
    assert_string_equal(parse(MATCHING_BODY_REQUEST, text, false, NULL), "consent");
    snprintf(text, sizeof(text), "{%s, \"consent\": \"true\"}", base);
    assert_string_equal(parse(MATCHING_BODY_REQUEST, text, false, NULL), "consent");
    snprintf(text, sizeof(text), "{%s, \"consent\": true}", base);
    assert_null(parse(MATCHING_BODY_REQUEST, text, false, NULL));
    assert_string_equal(parse(MATCHING_BODY_REQUEST, "{\"consent\": true, \"contact_modes\": [\"phone\"]}", false,
                            NULL),
        "languages");
}

static void test_small_bodies(void **state)
{
    assert_null(parse(MATCHING_BODY_CLOSE, "{\"outcome\": \"referred\"}", false, NULL));
    assert_string_equal(parse(MATCHING_BODY_CLOSE, "{\"outcome\": \"account_erased\"}", false, NULL), "outcome");
    assert_null(parse(MATCHING_BODY_CONTACT, "{\"date\": \"2026-01-02\", \"mode\": \"teams\", \"minutes\": 1440}",
        false, NULL));
    assert_string_equal(parse(MATCHING_BODY_CONTACT, "{\"date\": \"2026-01-02\", \"mode\": \"teams\", \"minutes\": 0}",
                            false, NULL),
        "minutes");
    assert_null(parse(MATCHING_BODY_SETTINGS, "{\"retention_days\": 0}", false, NULL));
    assert_string_equal(parse(MATCHING_BODY_SETTINGS, "{\"retention_days\": 3651}", false, NULL), "retention_days");
    assert_string_equal(parse(MATCHING_BODY_MATCH, "{\"note\": \"x\"}", false, NULL), "supporter_id");
}

static const char data_text[] =
    "{\"requests\": ["
    " {\"id\": \"r1\", \"person_id\": \"p1\", \"topics\": [\"rekrytointi\"], \"municipality\": \"Espoo\","
    "  \"languages\": [\"fi\"], \"contact_modes\": [\"phone\"], \"declined\": []},"
    " {\"id\": \"r2\", \"person_id\": \"p2\", \"topics\": [], \"municipality\": null,"
    "  \"languages\": [\"sv\"], \"contact_modes\": [\"phone\"], \"declined\": []}],"
    " \"supporters\": ["
    " {\"id\": \"s1\", \"person_id\": \"q1\", \"public_name\": \"Kaksikielinen\", \"topics\": [\"rekrytointi\"],"
    "  \"municipalities\": [\"Espoo\"], \"languages\": [\"fi\", \"sv\"], \"contact_modes\": [\"phone\"],"
    "  \"status\": \"active\", \"load\": 0, \"max_active\": 1},"
    " {\"id\": \"s2\", \"person_id\": \"q2\", \"public_name\": \"Oululainen\", \"topics\": [],"
    "  \"municipalities\": [\"Oulu\"], \"languages\": [\"fi\"], \"contact_modes\": [\"phone\"],"
    "  \"status\": \"active\", \"load\": 0, \"max_active\": 1},"
    " {\"id\": \"s3\", \"person_id\": \"q3\", \"public_name\": null, \"topics\": [],"
    "  \"municipalities\": [], \"languages\": [\"fi\"], \"contact_modes\": [],"
    "  \"status\": \"paused\", \"load\": 0, \"max_active\": 1}]}";

static void test_data_candidates_and_proposals(void **state)
{
    struct matching_data d;
    assert_int_equal(matching_data_load(data_text, &d), 0);
    assert_int_equal(d.nrequests, 2);
    assert_int_equal(d.nsupporters, 3);
    assert_false(d.supporters[2].active);
    assert_null(d.requests[1].municipality);

    json_t *c = matching_data_candidates(&d);
    json_t *list = json_object_get(c, "candidates");
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(first, "supporter_id")), "s1");
    assert_string_equal(json_string_value(json_object_get(first, "public_name")), "Kaksikielinen");
    assert_int_equal(json_integer_value(json_object_get(first, "score")), 65);
    assert_string_equal(json_string_value(json_array_get(json_object_get(first, "reasons"), 1)),
        "same municipality: Espoo");
    json_decref(c);

    json_t *p = matching_data_proposals(&d);
    json_t *props = json_object_get(p, "proposals");
    assert_int_equal(json_array_size(props), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(props, 0), "supporter_id")), "s2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(props, 1), "supporter_id")), "s1");
    assert_int_equal(json_integer_value(json_object_get(p, "total_score")), 20);
    assert_int_equal(json_array_size(json_object_get(p, "unmatched")), 0);
    json_decref(p);
    matching_data_free(&d);
}

static void test_data_rejects_other_shapes(void **state)
{
    struct matching_data d;
    assert_int_equal(matching_data_load("", &d), -1);
    assert_int_equal(matching_data_load("[]", &d), -1);
    assert_int_equal(matching_data_load("{\"requests\": []}", &d), -1);
    assert_int_equal(matching_data_load("{\"requests\": [{}], \"supporters\": []}", &d), -1);
    assert_int_equal(matching_data_load("{\"requests\": [], \"supporters\": []}", &d), 0);
    json_t *p = matching_data_proposals(&d);
    assert_int_equal(json_integer_value(json_object_get(p, "matched")), 0);
    json_decref(p);
    json_t *c = matching_data_candidates(&d);
    assert_int_equal(json_array_size(json_object_get(c, "candidates")), 0);
    json_decref(c);
    matching_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_supporter_body),
        cmocka_unit_test(test_request_body_needs_consent),
        cmocka_unit_test(test_small_bodies),
        cmocka_unit_test(test_data_candidates_and_proposals),
        cmocka_unit_test(test_data_rejects_other_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
