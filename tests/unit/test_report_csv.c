/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for report-csv.c: the language a request asks for, and the
 * semicolon variant (cells holding a semicolon quoted, decimal commas). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csv.h"
#include "report-csv.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

static char *drain(struct evbuffer *out)
{
    size_t len = evbuffer_get_length(out);
    char *s = malloc(len + 1);
    assert_non_null(s);
    evbuffer_remove(out, s, len);
    s[len] = '\0';
    return s;
}

static void test_lang_tags(void **state)
{
    assert_int_equal(report_lang_parse("fi"), REPORT_LANG_FI);
    assert_int_equal(report_lang_parse("FI-fi"), REPORT_LANG_FI);
    assert_int_equal(report_lang_parse("sv-FI"), REPORT_LANG_SV);
    assert_int_equal(report_lang_parse("en"), REPORT_LANG_EN);
    assert_int_equal(report_lang_parse("fil"), -1);
    assert_int_equal(report_lang_parse("de"), -1);
    assert_int_equal(report_lang_parse(""), -1);
}

static void test_accept_language_by_q(void **state)
{
    assert_int_equal(report_lang_accept(NULL), REPORT_LANG_KEYS);
    assert_int_equal(report_lang_accept(""), REPORT_LANG_KEYS);
    assert_int_equal(report_lang_accept("de-DE,de;q=0.9"), REPORT_LANG_KEYS);
    assert_int_equal(report_lang_accept("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7"), REPORT_LANG_FI);
    assert_int_equal(report_lang_accept("en;q=0.5, sv-FI"), REPORT_LANG_SV);
    assert_int_equal(report_lang_accept("de, en;q=0.3, fi;q=0.4"), REPORT_LANG_FI);
    assert_int_equal(report_lang_accept("fi;q=0, en"), REPORT_LANG_EN);
    assert_int_equal(report_lang_accept("*;q=0.5,,, sv ; q=0.2"), REPORT_LANG_SV);
}

static void test_cells_with_the_separator_are_quoted(void **state)
{
    struct evbuffer *out = evbuffer_new();
    csv_cell_sep(out, "Kahvila; Tampere", ';');
    evbuffer_add(out, "|", 1);
    csv_cell_sep(out, "Kahvila, Tampere", ';');
    evbuffer_add(out, "|", 1);
    csv_cell_sep(out, "=1;2", ';');
    char *got = drain(out);
    assert_string_equal(got, "\"Kahvila; Tampere\"|Kahvila, Tampere|\"'=1;2\"");
    free(got);
    evbuffer_free(out);
}

static void test_semicolons_and_decimal_commas(void **state)
{
    json_t *report = json_pack("{s:[{s:s,s:s,s:i,s:f}],s:{s:i,s:f}}", "groups", "group_id", "g1", "title",
        "Perhekahvila; Tampere", "visits", 7, "volunteer_hours", 2.5, "total", "visits", 7, "volunteer_hours",
        10000.75);
    assert_non_null(report);
    struct report_csv how = { REPORT_LANG_FI, true, "groups", false };
    struct evbuffer *out = evbuffer_new();
    report_csv_write(out, &how, report);
    char *got = drain(out);
    assert_memory_equal(got, "\xEF\xBB\xBFRyhmän tunniste;Ryhmä;", strlen("\xEF\xBB\xBFRyhmän tunniste;Ryhmä;"));
    const char *row = strstr(got, "\r\ng1;");
    assert_non_null(row);
    assert_non_null(strstr(row, "g1;\"Perhekahvila; Tampere\";0;0;0;7;0;0;0;0;0;2,5\r\n"));
    assert_non_null(strstr(got, "\r\n;Yhteensä;0;0;0;7;0;0;0;0;0;10000,75\r\n"));
    free(got);
    evbuffer_free(out);
    json_decref(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_tags),
        cmocka_unit_test(test_accept_language_by_q),
        cmocka_unit_test(test_cells_with_the_separator_are_quoted),
        cmocka_unit_test(test_semicolons_and_decimal_commas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
