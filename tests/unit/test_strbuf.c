/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for strbuf.c: the growing string stays terminated and exact
 * across growth, and an empty one is "". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static void test_empty_is_an_empty_string(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    char *s = strbuf_take(&sb);
    assert_string_equal(s, "");
    assert_null(sb.data);
    free(s);
    strbuf_free(&sb);
}

static void test_pieces(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addc(&sb, '{');
    strbuf_addf(&sb, "%lld,%s", -9223372036854775807LL - 1, "x");
    strbuf_adds(&sb, "");
    strbuf_add(&sb, "yz!", 2);
    strbuf_addc(&sb, '}');
    assert_int_equal(sb.len, strlen("{-9223372036854775808,xyz}"));
    char *s = strbuf_take(&sb);
    assert_string_equal(s, "{-9223372036854775808,xyz}");
    free(s);
}

/* Growth at every size from the first allocation on: each step leaves the
 * exact text so far, terminated. */
static void test_growth(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    char want[5001];
    for (size_t i = 0; i < 5000; i++) {
        char c = (char)('a' + i % 26);
        if (i % 3 == 0)
            strbuf_addc(&sb, c);
        else
            strbuf_addf(&sb, "%c", c);
        want[i] = c;
        want[i + 1] = '\0';
        assert_int_equal(sb.len, i + 1);
        assert_true(sb.cap > sb.len);
        assert_int_equal(sb.data[sb.len], '\0');
    }
    assert_string_equal(sb.data, want);
    strbuf_free(&sb);
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
}

/* One piece far larger than the first allocation. */
static void test_one_large_piece(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = 100000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'q', n);
    big[n] = '\0';
    strbuf_adds(&sb, "<");
    strbuf_addf(&sb, "%s>", big);
    assert_int_equal(sb.len, n + 2);
    assert_int_equal(sb.data[0], '<');
    assert_int_equal(sb.data[n + 1], '>');
    assert_int_equal(sb.data[n + 2], '\0');
    free(big);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_is_an_empty_string),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_one_large_piece),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
