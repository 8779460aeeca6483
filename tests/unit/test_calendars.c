/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for calendars/: zones, DST, recurrence expansion, validation, RFC 3339. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_OCC 64

/* An instant from RFC 3339 text; the test fails if it does not parse. */
static int64_t at(const char *text)
{
    int64_t t = 0;
    if (cal_parse_rfc3339(text, &t) < 0)
        fail_msg("cannot parse %s", text);
    return t;
}

/* Expand a Helsinki schedule of 90 minutes into occ over [from, until). */
static int expand_window(const char *start, const char *rrule, const char *const *exdates,
    const char *from, const char *until, struct cal_occurrence *occ, size_t max)
{
    struct cal_schedule s = { start, 90, NULL, rrule, exdates };
    struct cal_error err = { 0 };
    int n = cal_expand(&s, at(from), at(until), occ, max, &err);
    if (n < 0)
        fail_msg("%s %s: %s %s", start, rrule ? rrule : "(one-off)", err.field, err.message);
    return n;
}

/* The whole of 2026 and 2027. */
static int expand_all(
    const char *start, const char *rrule, const char *const *exdates, struct cal_occurrence *occ)
{
    return expand_window(
        start, rrule, exdates, "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", occ, MAX_OCC);
}

/* Occurrence i starts at this RFC 3339 text in Helsinki time. */
static void assert_starts(const struct cal_occurrence *occ, int i, const char *expected)
{
    char text[CAL_RFC3339_LEN];
    cal_format_rfc3339(occ[i].start_utc, "Europe/Helsinki", text);
    assert_string_equal(text, expected);
    assert_int_equal(occ[i].end_utc - occ[i].start_utc, 90 * 60);
}

static void assert_rejected(const struct cal_schedule *s, const char *field)
{
    struct cal_error err = { 0 };
    struct cal_occurrence occ[2];
    if (cal_schedule_validate(s, &err) != -1)
        fail_msg("accepted start=%s rrule=%s", s->start_local, s->rrule ? s->rrule : "-");
    assert_non_null(err.field);
    if (strcmp(err.field, field) != 0)
        fail_msg("rrule=%s: field %s, expected %s (%s)", s->rrule ? s->rrule : "-", err.field,
            field, err.message);
    assert_true(strlen(err.message) > 0);
    /* cal_expand refuses the same schedules, with the same field. */
    memset(&err, 0, sizeof(err));
    assert_int_equal(cal_expand(s, 0, INT64_MAX, occ, 2, &err), -1);
    assert_string_equal(err.field, field);
}

static void assert_accepted(const struct cal_schedule *s)
{
    struct cal_error err = { 0 };
    if (cal_schedule_validate(s, &err) != 0)
        fail_msg("start=%s rrule=%s: %s %s", s->start_local, s->rrule ? s->rrule : "-", err.field,
            err.message);
}

static void test_zones_known(void **state)
{
    const char *known[] = { "Europe/Helsinki", "America/New_York", "Europe/Mariehamn",
        "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "Etc/UTC", "Europe/Kiev", "Europe/Kyiv" };
    const char *unknown[] = { "Mars/Olympus", "", "europe/helsinki", "Europe/Helsinki ",
        "/freeassociation.sourceforge.net/Europe/Helsinki", "../../../etc/passwd",
        "posix/Europe/Helsinki", "zone.tab", "Europe", "Europe/" };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (!cal_timezone_known(known[i]))
            fail_msg("%s should be known", known[i]);
    }
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        if (cal_timezone_known(unknown[i]))
            fail_msg("%s should be unknown", unknown[i]);
    }
    assert_false(cal_timezone_known(NULL));
}

/* libical's offsets (from the system tzdata) agree with glibc's, hour by hour. */
static void test_offsets_match_glibc(void **state)
{
    const char *zones[] = { "Europe/Helsinki", "America/New_York", "Australia/Lord_Howe",
        "Asia/Kolkata", "America/Santiago" };
    int64_t from = at("2024-01-01T00:00:00Z"), until = at("2031-01-01T00:00:00Z");
    char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        for (int64_t t = from; t < until; t += 3600) {
            time_t tt = (time_t)t;
            struct tm tm;
            char text[CAL_RFC3339_LEN], expected[64];
            localtime_r(&tt, &tm);
            int off = (int)(tm.tm_gmtoff / 60);
            snprintf(expected, sizeof(expected), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
            cal_format_rfc3339(t, zones[z], text);
            if (strcmp(text, expected) != 0)
                fail_msg("%s at %lld: %s, glibc %s", zones[z], (long long)t, text, expected);
        }
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

static void test_weekly(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2026-01-01T00:00:00Z",
        "2026-02-10T00:00:00Z", occ, MAX_OCC);
    assert_int_equal(n, 4);
    assert_starts(occ, 0, "2026-01-13T18:00:00+02:00");
    assert_starts(occ, 3, "2026-02-03T18:00:00+02:00");
    assert_int_equal(occ[0].start_utc, at("2026-01-13T16:00:00Z"));
    assert_string_equal(occ[1].start_local, "2026-01-20T18:00:00");
    for (int i = 1; i < n; i++)
        assert_int_equal(occ[i].start_utc - occ[i - 1].start_utc, 7 * 86400);
}

static void test_weekly_byday_list(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY;BYDAY=TU,TH", NULL,
        "2026-01-01T00:00:00Z", "2026-01-23T00:00:00Z", occ, MAX_OCC);
    assert_int_equal(n, 4);
    assert_string_equal(occ[1].start_local, "2026-01-15T18:00:00");
    assert_string_equal(occ[3].start_local, "2026-01-22T18:00:00");
}

static void test_biweekly(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY;INTERVAL=2", NULL,
        "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", occ, MAX_OCC);
    assert_int_equal(n, 4);
    assert_string_equal(occ[0].start_local, "2026-01-13T18:00:00");
    assert_string_equal(occ[1].start_local, "2026-01-27T18:00:00");
    assert_string_equal(occ[2].start_local, "2026-02-10T18:00:00");
    assert_string_equal(occ[3].start_local, "2026-02-24T18:00:00");
}

static void test_monthly_by_weekday(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    /* 2026-01-06 is January's first Tuesday. */
    int n = expand_all("2026-01-06T18:00", "FREQ=MONTHLY;BYDAY=1TU;COUNT=5", NULL, occ);
    assert_int_equal(n, 5);
    assert_starts(occ, 0, "2026-01-06T18:00:00+02:00");
    assert_starts(occ, 1, "2026-02-03T18:00:00+02:00");
    assert_starts(occ, 2, "2026-03-03T18:00:00+02:00");
    assert_starts(occ, 3, "2026-04-07T18:00:00+03:00");
    assert_starts(occ, 4, "2026-05-05T18:00:00+03:00");
    n = expand_all("2026-01-30T17:00", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_string_equal(occ[1].start_local, "2026-02-27T17:00:00");
    assert_string_equal(occ[2].start_local, "2026-03-27T17:00:00");
}

static void test_monthly_skips_short_months(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-01-31T18:00", "FREQ=MONTHLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_string_equal(occ[1].start_local, "2026-03-31T18:00:00");
    assert_string_equal(occ[2].start_local, "2026-05-31T18:00:00");
}

static void test_until_utc(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    /* Mondays at 18:00 EEST = 15:00Z; June 1 is a Monday. */
    int n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601T000000Z", NULL, occ);
    assert_int_equal(n, 4);
    assert_string_equal(occ[3].start_local, "2026-05-25T18:00:00");
    /* UNTIL is inclusive: exactly the last start's instant. */
    n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601T150000Z", NULL, occ);
    assert_int_equal(n, 5);
    n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601T145959Z", NULL, occ);
    assert_int_equal(n, 4);
}

/* A date UNTIL includes that local day (libical and python stop at its midnight). */
static void test_until_date_and_floating(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601", NULL, occ);
    assert_int_equal(n, 5);
    assert_string_equal(occ[4].start_local, "2026-06-01T18:00:00");
    n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260531", NULL, occ);
    assert_int_equal(n, 4);
    n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601T180000", NULL, occ);
    assert_int_equal(n, 5);
    n = expand_all("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260601T175959", NULL, occ);
    assert_int_equal(n, 4);
}

static void test_count(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-01-13T18:00", "FREQ=WEEKLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_string_equal(occ[2].start_local, "2026-01-27T18:00:00");
    /* COUNT counts from the start even when the window begins later. */
    n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY;COUNT=3", NULL, "2026-01-20T00:00:00Z",
        "2027-01-01T00:00:00Z", occ, MAX_OCC);
    assert_int_equal(n, 2);
    /* An excluded date still counts (RFC 5545: COUNT before EXDATE). */
    const char *ex[] = { "2026-01-20T18:00", NULL };
    n = expand_all("2026-01-13T18:00", "FREQ=WEEKLY;COUNT=3", ex, occ);
    assert_int_equal(n, 2);
    assert_string_equal(occ[1].start_local, "2026-01-27T18:00:00");
    n = expand_all("2026-01-13T18:00", "FREQ=DAILY;COUNT=1000", NULL, occ);
    assert_int_equal(n, MAX_OCC);
}

static void test_exdates(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    const char *ex[] = { "2026-01-20T18:00:00", "2026-02-03T18:00", "2026-01-27T17:00", NULL };
    int n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY", ex, "2026-01-01T00:00:00Z",
        "2026-02-10T00:00:00Z", occ, MAX_OCC);
    /* 01-13, 01-27 (17:00 is not its time); 01-20 and 02-03 are gone. */
    assert_int_equal(n, 2);
    assert_string_equal(occ[0].start_local, "2026-01-13T18:00:00");
    assert_string_equal(occ[1].start_local, "2026-01-27T18:00:00");
    /* The first occurrence can be excluded too, and a one-off. */
    const char *first[] = { "2026-01-13T18:00", NULL };
    n = expand_all("2026-01-13T18:00", "FREQ=WEEKLY;COUNT=2", first, occ);
    assert_int_equal(n, 1);
    assert_string_equal(occ[0].start_local, "2026-01-20T18:00:00");
    n = expand_all("2026-01-13T18:00", NULL, first, occ);
    assert_int_equal(n, 0);
}

/* Spring forward, 2026-03-29 03:00 EET -> 04:00 EEST: weekly Sunday 18:00. */
static void test_dst_spring(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-03-22T18:00", "FREQ=WEEKLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_int_equal(occ[0].start_utc, at("2026-03-22T16:00:00Z"));
    assert_int_equal(occ[1].start_utc, at("2026-03-29T15:00:00Z"));
    assert_int_equal(occ[2].start_utc, at("2026-04-05T15:00:00Z"));
    assert_starts(occ, 1, "2026-03-29T18:00:00+03:00");
}

/* Fall back, 2026-10-25 04:00 EEST -> 03:00 EET. */
static void test_dst_autumn(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-10-18T18:00", "FREQ=WEEKLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_int_equal(occ[0].start_utc, at("2026-10-18T15:00:00Z"));
    assert_int_equal(occ[1].start_utc, at("2026-10-25T16:00:00Z"));
    assert_starts(occ, 1, "2026-10-25T18:00:00+02:00");
}

/* 03:30 on 2026-03-29 does not exist: it starts at 04:30 EEST (01:30Z), keeps
 * its rule time as start_local, and the next week is 03:30 again (libical's
 * zoned iterator would keep 04:30 for ever). */
static void test_dst_gap(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-03-29T03:30", NULL, NULL, occ);
    assert_int_equal(n, 1);
    assert_int_equal(occ[0].start_utc, at("2026-03-29T01:30:00Z"));
    assert_string_equal(occ[0].start_local, "2026-03-29T03:30:00");
    assert_starts(occ, 0, "2026-03-29T04:30:00+03:00");
    n = expand_all("2026-03-22T03:30", "FREQ=WEEKLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_starts(occ, 0, "2026-03-22T03:30:00+02:00");
    assert_starts(occ, 1, "2026-03-29T04:30:00+03:00");
    assert_starts(occ, 2, "2026-04-05T03:30:00+03:00");
    /* An exdate matches the rule time or the real local start. */
    const char *by_rule[] = { "2026-03-29T03:30", NULL }, *by_real[] = { "2026-03-29T04:30", NULL };
    assert_int_equal(expand_all("2026-03-22T03:30", "FREQ=WEEKLY;COUNT=3", by_rule, occ), 2);
    assert_int_equal(expand_all("2026-03-22T03:30", "FREQ=WEEKLY;COUNT=3", by_real, occ), 2);
    int64_t t;
    assert_int_equal(cal_local_to_utc("2026-03-29T03:00", NULL, &t), 0);
    assert_int_equal(t, at("2026-03-29T04:00:00+03:00"));
    assert_int_equal(cal_local_to_utc("2026-03-29T02:59:59", NULL, &t), 0);
    assert_int_equal(t, at("2026-03-29T00:59:59Z"));
    assert_int_equal(cal_local_to_utc("2026-03-29T04:00", NULL, &t), 0);
    assert_int_equal(t, at("2026-03-29T01:00:00Z"));
}

/* 03:00-03:59 on 2026-10-25 happens twice: the first (summer) one counts. */
static void test_dst_ambiguous(void **state)
{
    int64_t t;
    assert_int_equal(cal_local_to_utc("2026-10-25T03:30", "Europe/Helsinki", &t), 0);
    assert_int_equal(t, at("2026-10-25T03:30:00+03:00"));
    assert_int_equal(cal_local_to_utc("2026-10-25T03:00", "Europe/Helsinki", &t), 0);
    assert_int_equal(t, at("2026-10-25T00:00:00Z"));
    assert_int_equal(cal_local_to_utc("2026-10-25T02:59:59", "Europe/Helsinki", &t), 0);
    assert_int_equal(t, at("2026-10-24T23:59:59Z"));
    assert_int_equal(cal_local_to_utc("2026-10-25T04:00", "Europe/Helsinki", &t), 0);
    assert_int_equal(t, at("2026-10-25T02:00:00Z"));
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-10-18T03:30", "FREQ=WEEKLY;COUNT=3", NULL, occ);
    assert_int_equal(n, 3);
    assert_starts(occ, 1, "2026-10-25T03:30:00+03:00");
    assert_starts(occ, 2, "2026-11-01T03:30:00+02:00");
}

static void test_dst_new_york(void **state)
{
    int64_t t;
    char text[CAL_RFC3339_LEN];
    /* 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST. */
    assert_int_equal(cal_local_to_utc("2026-03-08T02:30", "America/New_York", &t), 0);
    cal_format_rfc3339(t, "America/New_York", text);
    assert_string_equal(text, "2026-03-08T03:30:00-04:00");
    assert_int_equal(cal_local_to_utc("2026-11-01T01:30", "America/New_York", &t), 0);
    cal_format_rfc3339(t, "America/New_York", text);
    assert_string_equal(text, "2026-11-01T01:30:00-04:00");
    struct cal_schedule s = { "2026-03-01T18:00", 60, "America/New_York", "FREQ=WEEKLY;COUNT=2",
        NULL };
    struct cal_occurrence occ[2];
    assert_int_equal(cal_expand(&s, 0, INT64_MAX, occ, 2, NULL), 2);
    assert_int_equal(occ[0].start_utc, at("2026-03-01T23:00:00Z"));
    assert_int_equal(occ[1].start_utc, at("2026-03-08T22:00:00Z"));
}

static void test_spans_midnight(void **state)
{
    struct cal_schedule s = { "2026-01-16T22:30", 150, NULL, "FREQ=WEEKLY;COUNT=2", NULL };
    struct cal_occurrence occ[4];
    char text[CAL_RFC3339_LEN];
    assert_int_equal(
        cal_expand(&s, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), occ, 4, NULL), 2);
    cal_format_rfc3339(occ[0].end_utc, NULL, text);
    assert_string_equal(text, "2026-01-17T01:00:00+02:00");
    assert_string_equal(occ[1].start_local, "2026-01-23T22:30:00");
    /* A window ending at midnight still has the session that starts before it. */
    assert_int_equal(cal_expand(&s, at("2026-01-16T00:00:00+02:00"),
                         at("2026-01-17T00:00:00+02:00"), occ, 4, NULL),
        1);
}

static void test_camp(void **state)
{
    /* Three days over the autumn change: 72 h of real time, so the local end
     * is an hour "earlier" on the wall clock. */
    struct cal_schedule s = { "2026-10-23T16:00", 3 * 24 * 60, NULL, NULL, NULL };
    struct cal_occurrence occ[4];
    char text[CAL_RFC3339_LEN];
    assert_int_equal(cal_schedule_validate(&s, NULL), 0);
    assert_int_equal(
        cal_expand(&s, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), occ, 4, NULL), 1);
    assert_int_equal(occ[0].end_utc - occ[0].start_utc, 3 * 86400);
    cal_format_rfc3339(occ[0].start_utc, NULL, text);
    assert_string_equal(text, "2026-10-23T16:00:00+03:00");
    cal_format_rfc3339(occ[0].end_utc, NULL, text);
    assert_string_equal(text, "2026-10-26T15:00:00+02:00");
    s.duration_minutes = 60 * 24 * 31;
    assert_int_equal(cal_schedule_validate(&s, NULL), 0);
}

static void test_one_off_window(void **state)
{
    struct cal_occurrence occ[2];
    assert_int_equal(expand_window("2026-06-10T12:00", NULL, NULL, "2026-06-10T09:00:00Z",
                         "2026-06-10T09:00:01Z", occ, 2),
        1);
    assert_int_equal(expand_window("2026-06-10T12:00", NULL, NULL, "2026-06-10T09:00:01Z",
                         "2027-01-01T00:00:00Z", occ, 2),
        0);
    assert_int_equal(expand_window("2026-06-10T12:00", NULL, NULL, "2026-01-01T00:00:00Z",
                         "2026-06-10T09:00:00Z", occ, 2),
        0);
}

/* [from, until): a start at from is in, a start at until is out. */
static void test_window_boundaries(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2026-01-20T16:00:00Z",
        "2026-02-03T16:00:00Z", occ, MAX_OCC);
    assert_int_equal(n, 2);
    assert_string_equal(occ[0].start_local, "2026-01-20T18:00:00");
    assert_string_equal(occ[1].start_local, "2026-01-27T18:00:00");
    n = expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2026-01-20T16:00:01Z",
        "2026-02-03T16:00:01Z", occ, MAX_OCC);
    assert_int_equal(n, 2);
    assert_string_equal(occ[0].start_local, "2026-01-27T18:00:00");
    /* Empty and reversed windows. */
    assert_int_equal(expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2026-01-20T16:00:00Z",
                         "2026-01-20T16:00:00Z", occ, MAX_OCC),
        0);
    assert_int_equal(expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2026-02-20T16:00:00Z",
                         "2026-01-20T16:00:00Z", occ, MAX_OCC),
        0);
    /* A window before the start. */
    assert_int_equal(expand_window("2026-01-13T18:00", "FREQ=WEEKLY", NULL, "2025-01-01T00:00:00Z",
                         "2026-01-13T16:00:00Z", occ, MAX_OCC),
        0);
}

static void test_max_truncation(void **state)
{
    struct cal_occurrence occ[MAX_OCC];
    int n = expand_all("2026-01-13T18:00", "FREQ=DAILY", NULL, occ);
    assert_int_equal(n, MAX_OCC);
    memset(occ, 0x5a, sizeof(occ));
    n = expand_window("2026-01-13T18:00", "FREQ=DAILY", NULL, "2026-01-01T00:00:00Z",
        "2027-01-01T00:00:00Z", occ, 3);
    assert_int_equal(n, 3);
    assert_string_equal(occ[0].start_local, "2026-01-13T18:00:00");
    assert_string_equal(occ[2].start_local, "2026-01-15T18:00:00");
    assert_int_equal((unsigned char)occ[3].start_local[0], 0x5a); /* untouched */
    struct cal_schedule s = { "2026-01-13T18:00", 60, NULL, "FREQ=DAILY", NULL };
    assert_int_equal(cal_expand(&s, 0, INT64_MAX, NULL, 0, NULL), 0);
}

/* An open-ended window and a far one stay bounded in time and steps. */
static void test_far_windows(void **state)
{
    struct cal_schedule s = { "1970-01-01T00:00", 60, "UTC", "FREQ=DAILY", NULL };
    struct cal_occurrence occ[4];
    assert_int_equal(cal_expand(&s, at("2199-12-30T00:00:00Z"), INT64_MAX, occ, 4, NULL), 4);
    assert_string_equal(occ[0].start_local, "2199-12-30T00:00:00");
    assert_int_equal(cal_expand(&s, INT64_MIN, INT64_MAX, occ, 4, NULL), 4);
    assert_string_equal(occ[3].start_local, "1970-01-04T00:00:00");
    s.start_local = "2199-12-31T23:59:59";
    s.rrule = "FREQ=YEARLY;INTERVAL=1000";
    assert_int_equal(cal_expand(&s, INT64_MIN, INT64_MAX, occ, 4, NULL), 1);
}

/* A late window (libical jumps ahead) gives the same occurrences as the tail
 * of a window from the start (libical walks every one). */
static void test_late_window_matches_walk(void **state)
{
    static const char *const rules[][2] = {
        { "2026-01-13T18:00", "FREQ=WEEKLY;INTERVAL=2" },
        { "2026-01-13T18:00", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA" },
        { "2026-01-30T17:00", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1" },
        { "2026-01-06T18:00", "FREQ=MONTHLY;INTERVAL=5;BYDAY=1TU" },
        { "2028-02-29T12:00", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29" },
        { "2026-03-22T03:30", "FREQ=DAILY;INTERVAL=9;UNTIL=20400101T000000Z" },
    };
    static struct cal_occurrence all[2000], late[2000];
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        struct cal_schedule s = { rules[i][0], 60, NULL, rules[i][1], NULL };
        int64_t from = at("2026-01-01T00:00:00Z"), until = at("2046-01-01T00:00:00Z");
        int n = cal_expand(&s, from, until, all, 2000, NULL);
        assert_true(n > 0 && n < 2000);
        for (int64_t cut = at("2031-07-17T05:00:00Z"); cut < until; cut += 191 * 86400 + 3607) {
            int k = 0;
            while (k < n && all[k].start_utc < cut)
                k++;
            int m = cal_expand(&s, cut, until, late, 2000, NULL);
            if (m != n - k)
                fail_msg(
                    "%s from %lld: %d, walking gives %d", rules[i][1], (long long)cut, m, n - k);
            for (int j = 0; j < m; j++)
                assert_string_equal(late[j].start_local, all[k + j].start_local);
        }
    }
}

static void test_default_zone(void **state)
{
    struct cal_schedule a = { "2026-07-01T12:00", 60, NULL, NULL, NULL };
    struct cal_schedule b = { "2026-07-01T12:00", 60, "Europe/Helsinki", NULL, NULL };
    struct cal_occurrence x, y;
    assert_int_equal(cal_expand(&a, 0, INT64_MAX, &x, 1, NULL), 1);
    assert_int_equal(cal_expand(&b, 0, INT64_MAX, &y, 1, NULL), 1);
    assert_int_equal(x.start_utc, y.start_utc);
    assert_int_equal(x.start_utc, at("2026-07-01T09:00:00Z"));
}

static void test_rfc3339_format(void **state)
{
    char text[CAL_RFC3339_LEN];
    cal_format_rfc3339(at("2026-01-13T16:00:00Z"), "Europe/Helsinki", text);
    assert_string_equal(text, "2026-01-13T18:00:00+02:00");
    cal_format_rfc3339(at("2026-03-29T15:00:00Z"), NULL, text);
    assert_string_equal(text, "2026-03-29T18:00:00+03:00");
    cal_format_rfc3339(at("2026-03-29T15:00:00Z"), "UTC", text);
    assert_string_equal(text, "2026-03-29T15:00:00+00:00");
    cal_format_rfc3339(at("2026-03-29T15:00:00Z"), "Mars/Olympus", text);
    assert_string_equal(text, "2026-03-29T15:00:00+00:00");
    cal_format_rfc3339(at("2026-07-01T12:00:00Z"), "Asia/Kolkata", text);
    assert_string_equal(text, "2026-07-01T17:30:00+05:30");
    cal_format_rfc3339(0, "America/New_York", text);
    assert_string_equal(text, "1969-12-31T19:00:00-05:00");
    cal_format_rfc3339(INT64_MAX, "UTC", text);
    assert_string_equal(text, "9999-12-31T23:59:59+00:00");
    cal_format_rfc3339(INT64_MIN, "UTC", text);
    assert_string_equal(text, "0001-01-01T00:00:00+00:00");
    /* Helsinki's mean time, +01:39:49 until 1921, shows as whole minutes. */
    cal_format_rfc3339(at("1900-01-01T00:00:00Z"), NULL, text);
    assert_string_equal(text, "1900-01-01T01:39:00+01:39");
}

static void test_rfc3339_round_trips(void **state)
{
    const char *texts[] = { "2026-01-13T18:00:00+02:00", "2026-03-29T18:00:00+03:00",
        "2026-10-25T03:30:00+03:00", "2026-10-25T03:30:00+02:00" };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char text[CAL_RFC3339_LEN];
        cal_format_rfc3339(at(texts[i]), "Europe/Helsinki", text);
        assert_string_equal(text, texts[i]);
    }
    assert_int_equal(at("2026-03-29T18:00:00+03:00"), at("2026-03-29T15:00:00Z"));
    assert_int_equal(at("2026-01-13T18:00:00+02:00"), at("2026-01-13T16:00:00z"));
    assert_int_equal(at("2026-01-13T16:00:00Z"), 1768320000);
    assert_int_equal(at("2026-01-13t16:00:00.999999Z"), 1768320000);
    assert_int_equal(at("2026-01-13T16:00:00.5-00:00"), 1768320000);
    assert_int_equal(at("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(at("2016-12-31T23:59:60Z"), at("2017-01-01T00:00:00Z"));
    assert_int_equal(at("2024-02-29T12:00:00+14:00"), at("2024-02-28T22:00:00Z"));
    /* A wall time and back, through every hour of a DST year. */
    for (int64_t t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 3600) {
        char local[CAL_LOCAL_LEN], text[CAL_RFC3339_LEN];
        int64_t back;
        cal_format_rfc3339(t, NULL, text);
        assert_int_equal(at(text), t);
        cal_utc_to_local(t, NULL, local);
        assert_int_equal(cal_local_to_utc(local, NULL, &back), 0);
        /* Only the repeated hour maps back to its first instant. */
        if (back != t)
            assert_int_equal(back, t - 3600);
    }
}

static void test_rfc3339_malformed(void **state)
{
    const char *bad[] = { "", "2026-01-13", "2026-01-13T16:00:00", "2026-01-13T16:00Z",
        "2026-01-13 16:00:00Z", "2026-01-13T16:00:00+2:00", "2026-01-13T16:00:00+0200",
        "2026-01-13T16:00:00+24:00", "2026-01-13T16:00:00+02:60", "2026-01-13T16:00:00.Z",
        "2026-01-13T16:00:00Z ", " 2026-01-13T16:00:00Z", "2026-02-29T16:00:00Z",
        "2026-13-01T16:00:00Z", "2026-01-13T24:00:00Z", "2026-01-13T16:60:00Z",
        "2026-01-13T16:00:60Z", "2026-01-13T16:00:00ZZ", "+2026-01-13T16:00:00Z",
        "2026-01-13T16:00:00+02:00:00", "20260113T160000Z", "2026-01-13T16:00:00.12a+02:00" };
    int64_t t = 42;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (cal_parse_rfc3339(bad[i], &t) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(cal_parse_rfc3339(NULL, &t), -1);
    assert_int_equal(t, 42);
}

static void test_local_to_utc(void **state)
{
    int64_t t = 7;
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00", "Mars/Olympus", &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00", "", &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00+02:00", NULL, &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00Z", NULL, &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13 18:00", NULL, &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13", NULL, &t), -1);
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00:00.5", NULL, &t), -1);
    assert_int_equal(cal_local_to_utc(NULL, NULL, &t), -1);
    assert_int_equal(t, 7);
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00", NULL, &t), 0);
    assert_int_equal(t, at("2026-01-13T16:00:00Z"));
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00:30", "America/New_York", &t), 0);
    assert_int_equal(t, at("2026-01-13T23:00:30Z"));
    assert_int_equal(cal_local_to_utc("2026-01-13T18:00", "Europe/Kiev", &t), 0);
    assert_int_equal(t, at("2026-01-13T16:00:00Z"));
}

static void test_local_canonical(void **state)
{
    char out[CAL_LOCAL_LEN];
    assert_int_equal(cal_local_canonical("2026-01-13T18:00", out), 0);
    assert_string_equal(out, "2026-01-13T18:00:00");
    assert_int_equal(cal_local_canonical("2028-02-29T23:59:59", out), 0);
    assert_string_equal(out, "2028-02-29T23:59:59");
    assert_int_equal(cal_local_canonical("2026-02-29T18:00", out), -1);
    assert_int_equal(cal_local_canonical("2026-1-13T18:00", out), -1);
    assert_int_equal(cal_local_canonical("2026-01-13T18:0", out), -1);
    assert_int_equal(cal_local_canonical("2026-01-13T18:00:", out), -1);
    assert_int_equal(cal_local_canonical("2026-01-13T-1:00", out), -1);
    assert_int_equal(cal_local_canonical(NULL, out), -1);
    cal_utc_to_local(at("2026-03-29T01:00:00Z"), "Europe/Helsinki", out);
    assert_string_equal(out, "2026-03-29T04:00:00");
    cal_utc_to_local(at("2026-03-29T01:00:00Z"), "Mars/Olympus", out);
    assert_string_equal(out, "2026-03-29T01:00:00");
}

static void test_validate_accepts(void **state)
{
    static const char *rules[] = { "FREQ=WEEKLY", "freq=weekly;byday=tu", "FREQ=WEEKLY;",
        "FREQ=WEEKLY;COUNT=1000", "FREQ=WEEKLY;INTERVAL=1000", "FREQ=DAILY;INTERVAL=1",
        "FREQ=WEEKLY;BYDAY=TU;WKST=SU", "FREQ=MONTHLY;BYMONTHDAY=13",
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", "FREQ=MONTHLY;BYDAY=MO,TU,WE;BYSETPOS=5,-1",
        "FREQ=YEARLY;BYMONTH=1;BYDAY=2TU", "FREQ=YEARLY;BYYEARDAY=13",
        "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=13", "FREQ=DAILY;BYMONTHDAY=13,14",
        "FREQ=MONTHLY;BYMONTHDAY=-19", "FREQ=WEEKLY;UNTIL=20260113T160000Z" };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        struct cal_schedule s = { "2026-01-13T18:00", 90, NULL, rules[i], NULL };
        assert_accepted(&s);
    }
    struct cal_schedule s = { "2026-01-13T18:00:00", 1, "UTC", NULL, NULL };
    assert_accepted(&s);
    static const char *many[CAL_EXDATES_MAX + 2];
    for (int i = 0; i < CAL_EXDATES_MAX + 1; i++)
        many[i] = "2026-02-03T18:00";
    many[CAL_EXDATES_MAX] = NULL;
    struct cal_schedule e = { "2026-01-13T18:00", 90, NULL, "FREQ=WEEKLY", many };
    assert_accepted(&e);
    /* A long rule within 500 bytes is fine (BYMONTHDAY would overflow libical's
     * 32 slots: libical refuses that). */
    char rule[CAL_RRULE_MAX + 2] = "FREQ=YEARLY;BYYEARDAY=13";
    while (strlen(rule) + 3 <= CAL_RRULE_MAX)
        strcat(rule, ",13");
    struct cal_schedule l = { "2026-01-13T18:00", 90, NULL, rule, NULL };
    assert_accepted(&l);
}

struct rejection {
    const char *start, *timezone, *rrule;
    int duration;
    const char *field;
};

static void test_validate_rejects(void **state)
{
    static const struct rejection cases[] = {
        { "2026-01-13", NULL, NULL, 90, "schedule.start" },
        { "2026-01-13T18:00+02:00", NULL, NULL, 90, "schedule.start" },
        { "2026-01-13T18:00Z", NULL, NULL, 90, "schedule.start" },
        { "2026-02-30T18:00", NULL, NULL, 90, "schedule.start" },
        { "1969-12-31T18:00", NULL, NULL, 90, "schedule.start" },
        { "2200-01-01T00:00", NULL, NULL, 90, "schedule.start" },
        { "", NULL, NULL, 90, "schedule.start" },
        { NULL, NULL, NULL, 90, "schedule.start" },
        { "2026-01-13T18:00", NULL, NULL, 0, "schedule.duration_minutes" },
        { "2026-01-13T18:00", NULL, NULL, -5, "schedule.duration_minutes" },
        { "2026-01-13T18:00", NULL, NULL, 60 * 24 * 31 + 1, "schedule.duration_minutes" },
        { "2026-01-13T18:00", "Mars/Olympus", NULL, 90, "schedule.timezone" },
        { "2026-01-13T18:00", "", NULL, 90, "schedule.timezone" },
        { "2026-01-13T18:00", "../../etc/passwd", NULL, 90, "schedule.timezone" },
        { "2026-01-13T18:00", NULL, "", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "RRULE:FREQ=WEEKLY", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=FORTNIGHTLY", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;BYDAY=XX", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;FOO=1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;X-FOO=1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "COUNT=3", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY ", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY\r\nX", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=SECONDLY", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MINUTELY", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=HOURLY", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20260601T000000Z;COUNT=3", 90,
            "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;COUNT=1001", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;COUNT=0", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;COUNT=-1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;COUNT=99999999999", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;COUNT=3;COUNT=4", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;INTERVAL=1001", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;INTERVAL=70000", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;INTERVAL=0", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=DAILY;BYHOUR=18", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=DAILY;BYMINUTE=0", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=DAILY;BYSECOND=0", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;RSCALE=GREGORIAN", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;SKIP=FORWARD", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;BYDAY=2TU", 90, "schedule.rrule" },
        /* Fuzz: values libical reads leniently. */
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;WKST=BYDAY=SU", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;WKST=MOBYDAY=SU", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=,", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=0TU", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;BYDAY=TU,", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYMONTHDAY=0", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYMONTHDAY=13;BYMONTH=+1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=6TU", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=YEARLY;BYMONTH=13", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=YEARLY;BYMONTH=1L", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;BYMONTHDAY=13", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYYEARDAY=13", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYWEEKNO=3", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=YEARLY;BYYEARDAY=13;BYMONTH=1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYSETPOS=1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=0", 90, "schedule.rrule" },
        /* Where libical 3.0.16 and python-dateutil disagree, libical being wrong:
         * week numbers, negative days in DAILY, a yearly day in the start's
         * month only, BYSETPOS over overlapping sets or in WEEKLY. */
        { "2026-01-13T18:00", NULL, "FREQ=YEARLY;BYWEEKNO=3;BYDAY=TU", 90, "schedule.rrule" },
        /* Fuzz: libical named 2026-01-06 the first occurrence of this from
         * 2026-01-01, then 2026-01-17 from 2026-01-06, and so on. */
        { "2026-01-01T10:00", "UTC", "FREQ=YEARLY;BYWEEKNO=2", 30, "schedule.rrule" },
        { "2026-01-06T10:00", "UTC", "FREQ=YEARLY;BYWEEKNO=2", 30, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=DAILY;BYMONTHDAY=-1", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=YEARLY;BYMONTHDAY=13", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYMONTHDAY=13,-19;BYSETPOS=1", 90,
            "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=2TU,TU;BYSETPOS=2", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=TU,TU;BYSETPOS=2", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=2", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31", 90,
            "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20261301", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=garbage", 90, "schedule.rrule" },
        /* libical takes this one, with some time of its own making. */
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20261231T+40000Z", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=2026-12-31", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20261231T000000z", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20261231Z", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20260113T155959Z", 90, "schedule.rrule" },
        { "2026-01-13T18:00", NULL, "FREQ=WEEKLY;UNTIL=20260112", 90, "schedule.rrule" },
        /* Not an occurrence of its own rule: the first Tuesday is 2026-01-06. */
        { "2026-01-13T18:00", NULL, "FREQ=MONTHLY;BYDAY=1TU", 90, "schedule.start" },
        { "2026-01-12T18:00", NULL, "FREQ=WEEKLY;BYDAY=TU", 90, "schedule.start" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cal_schedule s = { cases[i].start, cases[i].duration, cases[i].timezone,
            cases[i].rrule, NULL };
        assert_rejected(&s, cases[i].field);
    }
}

static void test_validate_rejects_long_rule(void **state)
{
    char rule[CAL_RRULE_MAX + 8] = "FREQ=YEARLY;BYMONTHDAY=13";
    while (strlen(rule) <= CAL_RRULE_MAX)
        strcat(rule, ",1");
    struct cal_schedule s = { "2026-01-13T18:00", 90, NULL, rule, NULL };
    assert_rejected(&s, "schedule.rrule");
}

static void test_validate_rejects_exdates(void **state)
{
    const char *bad[] = { "2026-01-20T18:00", "2026-01-20", NULL };
    struct cal_schedule s = { "2026-01-13T18:00", 90, NULL, "FREQ=WEEKLY", bad };
    assert_rejected(&s, "schedule.exdates");
    const char *offset[] = { "2026-01-20T18:00:00+02:00", NULL };
    s.exdates = offset;
    assert_rejected(&s, "schedule.exdates");
    static const char *many[CAL_EXDATES_MAX + 2];
    for (int i = 0; i < CAL_EXDATES_MAX + 1; i++)
        many[i] = "2026-02-03T18:00";
    s.exdates = many;
    assert_rejected(&s, "schedule.exdates");
}

/* The message names the real first occurrence, so a client can offer it. */
static void test_validate_unsynchronised_start_message(void **state)
{
    struct cal_schedule s = { "2026-01-12T18:00", 90, NULL, "FREQ=WEEKLY;BYDAY=TU", NULL };
    struct cal_error err = { 0 };
    assert_int_equal(cal_schedule_validate(&s, &err), -1);
    assert_non_null(strstr(err.message, "2026-01-13T18:00:00"));
    assert_int_equal(cal_schedule_validate(&s, NULL), -1);
}

static void test_validate_messages(void **state)
{
    struct cal_schedule s = { "2026-01-13T18:00", 90, NULL, "FREQ=WEEKLY;COUNT=5000", NULL };
    struct cal_error err = { 0 };
    assert_int_equal(cal_schedule_validate(&s, &err), -1);
    assert_string_equal(err.message, "COUNT must be a number from 1 to 1000");
    s.rrule = "FREQ=DAILY;BYHOUR=9";
    assert_int_equal(cal_schedule_validate(&s, &err), -1);
    assert_string_equal(err.message, "BYHOUR is not supported: the time of day is the start's");
    s.rrule = "FREQ=WEEKLY;bogus=1";
    assert_int_equal(cal_schedule_validate(&s, &err), -1);
    assert_string_equal(err.message, "unknown part \"bogus\"");
    /* Input outside the RRULE alphabet is never quoted back. */
    s.rrule = "FREQ=WEEKLY;\xc3\xa4=1";
    assert_int_equal(cal_schedule_validate(&s, &err), -1);
    assert_string_equal(err.message, "is not an RFC 5545 RRULE value");
}

static void test_rrule_for_feed(void **state)
{
    char out[CAL_RRULE_MAX + 64];
    struct cal_error err = { 0 };
    struct cal_schedule s = { "2026-05-04T18:00", 90, NULL, "FREQ=WEEKLY;UNTIL=20260601;BYDAY=MO",
        NULL };
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), 0);
    /* The end of June 1 in Helsinki (EEST) as UTC. */
    assert_string_equal(out, "FREQ=WEEKLY;UNTIL=20260601T205959Z;BYDAY=MO");
    s.rrule = "FREQ=WEEKLY;UNTIL=20260601T180000";
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;UNTIL=20260601T150000Z");
    s.rrule = "FREQ=WEEKLY;UNTIL=20260601T150000Z";
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;UNTIL=20260601T150000Z");
    s.rrule = "freq=weekly;interval=2;count=10";
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;COUNT=10;INTERVAL=2");
    assert_int_equal(cal_schedule_feed_rrule(&s, out, 5, &err), -1);
    s.rrule = NULL;
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), -1);
    s.rrule = "FREQ=HOURLY";
    assert_int_equal(cal_schedule_feed_rrule(&s, out, sizeof(out), &err), -1);
    assert_string_equal(err.field, "schedule.rrule");
}

/* A feed that starts a series at a later occurrence keeps its end: COUNT
 * loses the occurrences before it (exdated ones count too), UNTIL stays. */
static void test_rrule_from_a_later_occurrence(void **state)
{
    char out[CAL_RRULE_MAX + 64];
    struct cal_error err = { 0 };
    const char *const exdates[] = { "2026-05-11T18:00", NULL };
    struct cal_schedule s = { "2026-05-04T18:00", 90, NULL, "FREQ=WEEKLY;BYDAY=MO;COUNT=10", exdates };
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-05-18T18:00:00", out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;COUNT=8;BYDAY=MO");
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-05-04T18:00:00", out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;COUNT=10;BYDAY=MO");
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-07-13T18:00:00", out, sizeof(out), &err), -1);
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-04-27T18:00:00", out, sizeof(out), &err), -1);
    s.rrule = "FREQ=WEEKLY;UNTIL=20260601;BYDAY=MO";
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-05-25T18:00:00", out, sizeof(out), &err), 0);
    assert_string_equal(out, "FREQ=WEEKLY;UNTIL=20260601T205959Z;BYDAY=MO");
    s.rrule = NULL;
    assert_int_equal(cal_schedule_rrule_from(&s, "2026-05-04T18:00:00", out, sizeof(out), &err), -1);
}

/* Local times calendar programs read in different ways. */
static void test_local_doubtful(void **state)
{
    assert_true(cal_local_doubtful("2027-03-28T03:30", "Europe/Helsinki"));  /* the gap */
    assert_true(cal_local_doubtful("2027-10-31T03:30", "Europe/Helsinki"));  /* twice */
    assert_false(cal_local_doubtful("2027-03-28T04:30", "Europe/Helsinki"));
    assert_false(cal_local_doubtful("2027-10-31T04:30", "Europe/Helsinki"));
    assert_false(cal_local_doubtful("2027-03-28T02:30", "Europe/Helsinki"));
    assert_true(cal_local_doubtful("2027-03-14T02:30", "America/New_York"));
    assert_false(cal_local_doubtful("2027-03-28T03:30", "UTC"));
    assert_false(cal_local_doubtful("2027-03-28T03:30", "Mars/Olympus"));
    assert_false(cal_local_doubtful("nope", "Europe/Helsinki"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones_known),
        cmocka_unit_test(test_offsets_match_glibc),
        cmocka_unit_test(test_weekly),
        cmocka_unit_test(test_weekly_byday_list),
        cmocka_unit_test(test_biweekly),
        cmocka_unit_test(test_monthly_by_weekday),
        cmocka_unit_test(test_monthly_skips_short_months),
        cmocka_unit_test(test_until_utc),
        cmocka_unit_test(test_until_date_and_floating),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_exdates),
        cmocka_unit_test(test_dst_spring),
        cmocka_unit_test(test_dst_autumn),
        cmocka_unit_test(test_dst_gap),
        cmocka_unit_test(test_dst_ambiguous),
        cmocka_unit_test(test_dst_new_york),
        cmocka_unit_test(test_spans_midnight),
        cmocka_unit_test(test_camp),
        cmocka_unit_test(test_one_off_window),
        cmocka_unit_test(test_window_boundaries),
        cmocka_unit_test(test_max_truncation),
        cmocka_unit_test(test_far_windows),
        cmocka_unit_test(test_late_window_matches_walk),
        cmocka_unit_test(test_default_zone),
        cmocka_unit_test(test_rfc3339_format),
        cmocka_unit_test(test_rfc3339_round_trips),
        cmocka_unit_test(test_rfc3339_malformed),
        cmocka_unit_test(test_local_to_utc),
        cmocka_unit_test(test_local_canonical),
        cmocka_unit_test(test_validate_accepts),
        cmocka_unit_test(test_validate_rejects),
        cmocka_unit_test(test_validate_rejects_long_rule),
        cmocka_unit_test(test_validate_rejects_exdates),
        cmocka_unit_test(test_validate_unsynchronised_start_message),
        cmocka_unit_test(test_validate_messages),
        cmocka_unit_test(test_rrule_for_feed),
        cmocka_unit_test(test_rrule_from_a_later_occurrence),
        cmocka_unit_test(test_local_doubtful),
    };
    cal_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
