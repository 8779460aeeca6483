/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for messages.c: Accept-Language picks the language a client
 * prefers most among fi, sv and en (English when none), and a message
 * without a translation stays as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "messages.h"

static void test_accept_language(void **state)
{
    (void)state;
    assert_int_equal(messages_lang(NULL), MESSAGES_EN);
    assert_int_equal(messages_lang(""), MESSAGES_EN);
    assert_int_equal(messages_lang("fi"), MESSAGES_FI);
    assert_int_equal(messages_lang("sv-FI,sv;q=0.9,en;q=0.8"), MESSAGES_SV);
    assert_int_equal(messages_lang("de-DE, en;q=0.5, fi;q=0.7"), MESSAGES_FI);
    assert_int_equal(messages_lang("fi;q=0, en"), MESSAGES_EN);
    assert_int_equal(messages_lang("fil, se, *"), MESSAGES_EN);
    assert_int_equal(messages_lang("en, fi"), MESSAGES_EN); /* equal q: the first */
    assert_int_equal(messages_lang("FI-fi"), MESSAGES_FI);
}

static void test_sentences(void **state)
{
    (void)state;
    const char *en = "You may not do this.";
    assert_ptr_equal(messages_sentence(MESSAGES_EN, "forbidden", en), en);
    assert_string_equal(messages_sentence(MESSAGES_FI, "forbidden", en), "Sinulla ei ole oikeutta tähän.");
    assert_string_equal(messages_sentence(MESSAGES_SV, "not_found", "No such group."), "Det här finns inte.");
    /* Another sentence of a code whose table entry names its sentence: untranslated. */
    const char *metrics = "Metrics are served to loopback clients only.";
    assert_ptr_equal(messages_sentence(MESSAGES_FI, "forbidden", metrics), metrics);
    assert_ptr_equal(messages_sentence(MESSAGES_SV, "no_such_code", en), en);
}

static void test_phrases(void **state)
{
    (void)state;
    assert_string_equal(messages_phrase(MESSAGES_FI, "is required"), "puuttuu");
    assert_string_equal(messages_phrase(MESSAGES_SV, "is required"), "saknas");
    const char *other = "must be a colour";
    assert_ptr_equal(messages_phrase(MESSAGES_FI, other), other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_language),
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_phrases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
