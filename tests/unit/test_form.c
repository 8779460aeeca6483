/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for form.c: form bodies decode as browsers encode them, and
 * what a handler could misread (a name twice, no name, bad UTF-8, a NUL,
 * too many fields) is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "form.h"

#include <stdio.h>
#include <string.h>

static json_t *parsed(const char *body)
{
    json_t *obj = NULL;
    const char *cause = NULL;
    assert_int_equal(form_parse(body, strlen(body), &obj, &cause), 0);
    assert_non_null(obj);
    return obj;
}

static void refused(const char *body, size_t len)
{
    json_t *obj = (json_t *)1;
    const char *cause = NULL;
    assert_int_equal(form_parse(body, len, &obj, &cause), -1);
    assert_null(obj);
    assert_non_null(cause);
}

static void test_decodes_as_browsers_encode(void **state)
{
    (void)state;
    json_t *f = parsed("email=a%40example.org&note=hei+vaan%21&name=%C3%84iti&empty=");
    assert_string_equal(json_string_value(json_object_get(f, "email")), "a@example.org");
    assert_string_equal(json_string_value(json_object_get(f, "note")), "hei vaan!");
    assert_string_equal(json_string_value(json_object_get(f, "name")), "\xc3\x84iti");
    assert_string_equal(json_string_value(json_object_get(f, "empty")), "");
    json_decref(f);
}

static void test_empty_body_is_an_empty_form(void **state)
{
    (void)state;
    json_t *f = parsed("");
    assert_int_equal(json_object_size(f), 0);
    json_decref(f);
}

static void test_refusals(void **state)
{
    (void)state;
    refused("a=1&a=2", 7);
    refused("=1", 2);
    refused("a=%FF", 5);
    refused("a=1\0b=2", 7);
    refused("a", 1);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    char body[FORM_MAX_FIELDS * 8 + 16] = "";
    size_t n = 0;
    for (int i = 0; i <= FORM_MAX_FIELDS; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%sf%d=x", i ? "&" : "", i);
    refused(body, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decodes_as_browsers_encode),
        cmocka_unit_test(test_empty_body_is_an_empty_form),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_too_many_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
