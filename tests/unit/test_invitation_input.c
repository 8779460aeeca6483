/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for invitation-input.c: an address is stored as accounts keep
 * it and keyed as they are, the role and the language are one of theirs,
 * and each refusal names its field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "invitation-input.h"

#include <jansson.h>
#include <string.h>

static int parse(const char *json, struct invitation_input *in, struct invalid *inv)
{
    json_t *body = json_loads(json, 0, NULL);
    assert_non_null(body);
    int rc = invitation_input_parse(body, "sv", in, inv);
    json_decref(body);
    return rc;
}

static void test_an_address_is_keyed_as_accounts_are(void **state)
{
    struct invitation_input in;
    struct invalid inv;
    assert_int_equal(parse("{\"email\": \"\xc3\x84iti@Example.org\", \"role\": \"leader\"}", &in, &inv), 0);
    assert_string_equal(in.email, "\xc3\x84iti@Example.org");
    assert_string_equal(in.email_key, "\xc3\xa4iti@example.org");
    assert_string_equal(in.role, "leader");
    assert_string_equal(in.language, "sv"); /* the fallback */
    invitation_input_free(&in);
    assert_int_equal(parse("{\"email\": \"a@example.org\", \"role\": \"member\", \"language\": \"en\"}", &in, &inv), 0);
    assert_string_equal(in.language, "en");
    invitation_input_free(&in);
}

static void test_each_refusal_names_its_field(void **state)
{
    static const struct {
        const char *json, *field;
    } cases[] = {
        { "{\"role\": \"member\"}", "email" },
        { "{\"email\": \"no address\", \"role\": \"member\"}", "email" },
        { "{\"email\": \"a\xe2\x80\x8b@example.org\", \"role\": \"member\"}", "email" }, /* U+200B */
        { "{\"email\": \"a@example.org\"}", "role" },
        { "{\"email\": \"a@example.org\", \"role\": \"admin\"}", "role" },
        { "{\"email\": \"a@example.org\", \"role\": \"member\", \"language\": \"de\"}", "language" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct invitation_input in;
        struct invalid inv;
        assert_int_equal(parse(cases[i].json, &in, &inv), -1);
        assert_string_equal(inv.field, cases[i].field);
        assert_null(in.email);
        assert_null(in.email_key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_address_is_keyed_as_accounts_are),
        cmocka_unit_test(test_each_refusal_names_its_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
