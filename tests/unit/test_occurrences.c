/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for occurrences.c: a schedule expanded into the "{...}" array
 * literals the session SQL functions take, for windows with no occurrence,
 * one, several and the most one expansion may give. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "occurrences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* 2027-01-05T18:00 in Helsinki (winter, +02:00). */
#define JAN_5_2027_18_HELSINKI 1799164800LL

static json_t *schedule(const char *start, int minutes, const char *rrule)
{
    json_t *s = json_pack("{s:s, s:i, s:s}", "start", start, "duration_minutes", minutes, "timezone",
        "Europe/Helsinki");
    assert_non_null(s);
    if (rrule != NULL)
        json_object_set_new(s, "rrule", json_string(rrule));
    return s;
}

/* Expand and check both literals against want_starts and want_ends. */
static void expect(json_t *s, int64_t from, int64_t until, const char *want_starts, const char *want_ends)
{
    struct occurrence_params p = { NULL, NULL };
    assert_int_equal(occurrences_expand(s, from, until, &p), 0);
    assert_string_equal(p.starts, want_starts);
    assert_string_equal(p.ends, want_ends);
    occurrences_free(&p);
    assert_null(p.starts);
    json_decref(s);
}

/* A group that starts in 2100, a one-off long past, a series that ended: no
 * occurrence in the window is "{}", not a write past the buffer. */
static void test_no_occurrence_is_an_empty_array(void **state)
{
    int64_t y2027 = JAN_5_2027_18_HELSINKI;
    expect(schedule("2100-01-05T18:00", 60, "FREQ=WEEKLY"), y2027, y2027 + 366 * DAY, "{}", "{}");
    expect(schedule("2027-01-05T18:00", 60, NULL), y2027 + 400 * DAY, y2027 + 766 * DAY, "{}", "{}");
    expect(schedule("2027-01-05T18:00", 60, "FREQ=WEEKLY;COUNT=2"), y2027 + 30 * DAY, y2027 + 396 * DAY,
        "{}", "{}");
    expect(schedule("2027-01-05T18:00", 60, "FREQ=DAILY"), y2027, y2027, "{}", "{}");
}

static void test_one_and_several(void **state)
{
    int64_t t = JAN_5_2027_18_HELSINKI;
    expect(schedule("2027-01-05T18:00", 90, NULL), t - DAY, t + DAY, "{1799164800}", "{1799170200}");
    expect(schedule("2027-01-05T18:00", 60, "FREQ=WEEKLY;COUNT=3"), t, t + 366 * DAY,
        "{1799164800,1799769600,1800374400}", "{1799168400,1799773200,1800378000}");
    /* The first instant there is: 0 is a number like any other. */
    expect(schedule("1970-01-01T02:00", 1, NULL), -DAY, DAY, "{0}", "{60}");
}

/* Count the items of "{a,b,...}" and check each is a number in order. */
static int items(const char *literal)
{
    size_t len = strlen(literal);
    assert_true(len >= 2 && literal[0] == '{' && literal[len - 1] == '}');
    if (len == 2)
        return 0;
    int n = 0;
    long long prev = 0;
    for (const char *p = literal + 1; *p != '}'; n++) {
        char *end;
        long long v = strtoll(p, &end, 10);
        assert_true(end > p && (*end == ',' || *end == '}'));
        assert_true(n == 0 || v > prev);
        prev = v;
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* The most one expansion gives: a daily group over five years stops at
 * OCCURRENCES_MAX, and every item is there. */
static void test_the_most_occurrences(void **state)
{
    struct occurrence_params p = { NULL, NULL };
    json_t *s = schedule("2027-01-05T18:00", 60, "FREQ=DAILY");
    int64_t t = JAN_5_2027_18_HELSINKI;
    assert_int_equal(occurrences_expand(s, t, t + 5 * 366 * DAY, &p), 0);
    assert_int_equal(items(p.starts), OCCURRENCES_MAX);
    assert_int_equal(items(p.ends), OCCURRENCES_MAX);
    assert_int_equal(strncmp(p.starts, "{1799164800,1799251200,", 23), 0);
    occurrences_free(&p);
    json_decref(s);
}

static void test_invalid_schedule(void **state)
{
    struct occurrence_params p = { NULL, NULL };
    json_t *s = schedule("2027-01-05T18:00", 60, "FREQ=SECONDLY");
    assert_int_equal(occurrences_expand(s, 0, 1, &p), -1);
    assert_null(p.starts);
    assert_null(p.ends);
    json_decref(s);
}

static void test_format_utc(void **state)
{
    char out[32];
    occurrences_format_utc(JAN_5_2027_18_HELSINKI, out);
    assert_string_equal(out, "2027-01-05T16:00:00Z");
    occurrences_format_utc(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    /* Four digits of year before 1000: "1-01-01" is 2001 to PostgreSQL. */
    occurrences_format_utc(-62135596800LL, out);
    assert_string_equal(out, "0001-01-01T00:00:00Z");
    occurrences_format_utc(-30610224000LL + 3723, out);
    assert_string_equal(out, "1000-01-01T01:02:03Z");
    occurrences_format_utc(-30610224001LL, out);
    assert_string_equal(out, "0999-12-31T23:59:59Z");
    occurrences_format_utc(253402300799LL, out);
    assert_string_equal(out, "9999-12-31T23:59:59Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_occurrence_is_an_empty_array),
        cmocka_unit_test(test_one_and_several),
        cmocka_unit_test(test_the_most_occurrences),
        cmocka_unit_test(test_invalid_schedule),
        cmocka_unit_test(test_format_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
