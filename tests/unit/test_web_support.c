/* SPDX-License-Identifier: Apache-2.0 */
/* What the coordinators' support pages say in the page's words: the
 * candidates' reasons (matching/ writes them in English, for the API), a
 * request's ways of contact and languages, a date. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "web-support.h"
#include "web.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    web_init();
    return 0;
}

static void assert_reason(const char *lang, const char *reason, const char *words)
{
    char *got = web_support_reason(reason, lang);
    assert_string_equal(got, words);
    free(got);
}

static void test_reasons_in_the_pages_words(void **state)
{
    assert_reason("fi", "shared topics: uupumus, uni", "yhteiset aiheet: uupumus, uni");
    assert_reason("sv", "same municipality: Tampere", "samma kommun: Tampere");
    assert_reason("fi", "shared contact modes: phone, in_person",
        "yhteinen yhteydenpito: puhelin, tapaaminen kasvokkain");
    assert_reason("sv", "speaks fi, sv", "talar: finska, svenska");
    assert_reason(
        "en", "speaks fi, se", "speaks: Finnish, se"); /* a code without a name stays a code */
    assert_reason("fi", "1 of 3 places taken", "1/3 paikkaa käytössä");
    assert_reason("en", "0 of 2 places taken", "0 of 2 places taken");
    assert_reason("fi", "something new", "something new"); /* unknown: as it is */
}

static void test_lists_in_words(void **state)
{
    json_t *modes = json_pack("[s, s]", "whatsapp", "video");
    char *s = web_support_modes(modes, "fi");
    assert_string_equal(s, "WhatsApp, videopuhelu");
    free(s);
    json_t *none = json_array();
    s = web_support_langs(none, "sv");
    assert_string_equal(s, "");
    free(s);
    json_decref(modes);
    json_decref(none);
}

static void test_a_date_as_a_day(void **state)
{
    char buf[64];
    web_support_when("fi", "2027-11-15", false, buf, sizeof(buf));
    assert_string_equal(buf, "ma 15.11.2027");
    web_support_when("en", "2026-12-03T14:05:00+02:00", true, buf, sizeof(buf));
    assert_string_equal(buf, "Thu 3 Dec 2026 14:05");
    web_support_when("fi", "not a date", false, buf, sizeof(buf));
    assert_string_equal(buf, "");
    web_support_when("fi", NULL, false, buf, sizeof(buf));
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons_in_the_pages_words),
        cmocka_unit_test(test_lists_in_words),
        cmocka_unit_test(test_a_date_as_a_day),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
