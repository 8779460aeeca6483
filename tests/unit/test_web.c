/* SPDX-License-Identifier: Apache-2.0 */
/* The web client's pure parts: choosing the language, writing dates and
 * times each language's way, schedules in plain words, Accept-Encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "web.h"

#include <stdlib.h>
#include <string.h>

static void test_negotiation(void **state)
{
    (void)state;
    assert_string_equal(web_lang_negotiate(NULL), "fi");
    assert_string_equal(web_lang_negotiate(""), "fi");
    assert_string_equal(web_lang_negotiate("sv-FI,sv;q=0.9,fi;q=0.8"), "sv");
    assert_string_equal(web_lang_negotiate("en-GB,en;q=0.9"), "en");
    assert_string_equal(web_lang_negotiate("de-DE, de;q=0.9"), "fi");
    assert_string_equal(web_lang_negotiate("de, en;q=0.4, sv;q=0.7"), "sv");
    assert_string_equal(web_lang_negotiate("sv;q=0, en"), "en");       /* q=0 is "not this" */
    assert_string_equal(web_lang_negotiate("en;q=0.5, sv;q=0.5"), "en"); /* equal: the first */
    assert_string_equal(web_lang_negotiate("SV"), "sv");
    assert_string_equal(web_lang_negotiate("*"), "fi");
    assert_string_equal(web_lang_negotiate("sv;q=abc, en;q=0.1"), "en"); /* a broken q counts as 0 */
    assert_string_equal(web_lang_negotiate(";;;,,,-"), "fi");
}

static void test_path_language(void **state)
{
    (void)state;
    assert_string_equal(web_lang_of_path("/sv/groups/x"), "sv");
    assert_string_equal(web_lang_of_path("/en"), "en");
    assert_string_equal(web_lang_of_path("/fi/"), "fi");
    assert_null(web_lang_of_path("/SV/"));
    assert_null(web_lang_of_path("/de/"));
    assert_null(web_lang_of_path("/fin/"));
    assert_null(web_lang_of_path("/api/v1/groups"));
    assert_null(web_lang_of_path("/"));
    assert_true(web_is_page_path("/"));
    assert_true(web_is_page_path("/static/app.css"));
    assert_true(web_is_page_path("/sv/nothing"));
    assert_false(web_is_page_path("/api/v1/me"));
    assert_false(web_is_page_path("/healthz"));
}

/* Where the sign-in form may send a person on to: only a page of this site. */
static void test_next_path(void **state)
{
    (void)state;
    static const char *const good[] = { "/fi/me", "/sv/today", "/en/sessions/0b1c-2d/coming",
        "/fi/signups/0b1c-2d", "/fi/" };
    static const char *const bad[] = { NULL, "", "/", "/fi", "fi/me", "/FI/me", "/de/me", "/api/v1/me",
        "//evil.example", "///evil.example", "/fi//evil.example", "https://evil.example/fi/",
        "/\\evil.example", "/fi/\\evil", "/fi/../../evil", "/fi/..", "javascript:alert(1)", "/fi/me#x",
        "/fi/%2F%2Fevil", "/fi/me\r\nSet-Cookie: a=b", "/fi/a b", "/fi/\x01", "/fi/groups?q=x&next=//evil", "/fi/m\xc3\xa4" };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(web_next_path_ok(good[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (web_next_path_ok(bad[i]))
            fail_msg("taken as next: %s", bad[i] ? bad[i] : "(null)");
    }
    char long_path[600];
    memset(long_path, 'a', sizeof(long_path) - 1);
    memcpy(long_path, "/fi/", 4);
    long_path[sizeof(long_path) - 1] = '\0';
    assert_false(web_next_path_ok(long_path));
}

static void session(const char *lang, const char *a, const char *b, const char *want)
{
    char buf[120];
    assert_int_equal(web_format_session(lang, a, b, buf, sizeof(buf)), 0);
    assert_string_equal(buf, want);
}

static void test_session_times(void **state)
{
    (void)state;
    session("fi", "2026-11-24T18:00:00+02:00", "2026-11-24T20:00:00+02:00", "ti 24.11.2026 klo 18.00–20.00");
    session("sv", "2026-11-24T18:00:00+02:00", "2026-11-24T20:00:00+02:00", "tis 24.11.2026 kl. 18.00–20.00");
    session("en", "2026-11-24T18:00:00+02:00", "2026-11-24T20:00:00+02:00", "Tue 24 Nov 2026, 18:00–20:00");
    /* The wall clock of the group's zone, whatever the offset: summer time. */
    session("fi", "2027-06-05T09:30:00+03:00", "2027-06-05T11:00:00+03:00", "la 5.6.2027 klo 9.30–11.00");
    session("en", "2027-06-05T09:30:00-04:00", "2027-06-05T11:00:00-04:00", "Sat 5 Jun 2027, 09:30–11:00");
    /* A camp over days names both. */
    session("fi", "2027-06-04T16:00:00+03:00", "2027-06-06T14:00:00+03:00",
        "pe 4.6.2027 klo 16.00 – su 6.6.2027 klo 14.00");
    session("sv", "2027-06-04T16:00:00+03:00", "2027-06-06T14:00:00+03:00",
        "fre 4.6.2027 kl. 16.00 – sön 6.6.2027 kl. 14.00");
    session("en", "2027-12-31T22:00:00+02:00", "2028-01-01T01:00:00+02:00",
        "Fri 31 Dec 2027, 22:00 – Sat 1 Jan 2028, 01:00");
    char buf[40];
    assert_int_equal(web_format_session("fi", "yesterday", "2026-11-24T20:00:00+02:00", buf, sizeof(buf)), -1);
    assert_int_equal(web_format_session("fi", "2026-13-24T18:00:00+02:00", "2026-11-24T20:00:00+02:00", buf,
                         sizeof(buf)),
        -1);
    assert_int_equal(web_format_session("fi", NULL, NULL, buf, sizeof(buf)), -1);
}

static void words(const char *lang, const char *start, int minutes, const char *rrule, const char *want)
{
    char *got = web_schedule_words(lang, start, minutes, rrule);
    if (want == NULL) {
        if (got != NULL)
            fail_msg("%s %s: expected no words, got \"%s\"", lang, rrule ? rrule : "(none)", got);
        return;
    }
    if (got == NULL)
        fail_msg("%s %s: expected \"%s\", got none", lang, rrule ? rrule : "(none)", want);
    assert_string_equal(got, want);
    free(got);
}

static void test_schedule_words(void **state)
{
    (void)state;
    /* 2027-01-16 is a Saturday, 2027-01-12 a Tuesday. */
    words("fi", "2027-01-16T10:00", 120, "FREQ=WEEKLY;INTERVAL=2", "joka toinen lauantai klo 10–12");
    words("sv", "2027-01-16T10:00", 120, "FREQ=WEEKLY;INTERVAL=2", "varannan lördag kl. 10–12");
    words("en", "2027-01-16T10:00", 120, "FREQ=WEEKLY;INTERVAL=2", "every other Saturday, 10:00–12:00");
    words("fi", "2027-01-12T17:30", 120, "FREQ=WEEKLY;BYDAY=TU", "joka tiistai klo 17.30–19.30");
    words("fi", "2027-01-12T18:00", 90, "FREQ=WEEKLY", "joka tiistai klo 18.00–19.30");
    words("fi", "2027-01-11T18:00", 120, "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10", "joka maanantai ja torstai klo 18–20");
    words("sv", "2027-01-11T18:00", 120, "FREQ=WEEKLY;BYDAY=MO,WE,TH", "varje måndag, onsdag och torsdag kl. 18–20");
    words("fi", "2027-01-12T18:00", 120, "FREQ=WEEKLY;INTERVAL=3;UNTIL=20270601T000000Z",
        "joka kolmas tiistai klo 18–20");
    words("fi", "2027-01-05T18:00", 120, "FREQ=MONTHLY;BYDAY=1TU", "kuukauden ensimmäisenä tiistaina klo 18–20");
    words("sv", "2027-01-05T18:00", 120, "FREQ=MONTHLY;BYDAY=1TU", "första tisdagen i månaden kl. 18–20");
    words("en", "2027-01-29T18:00", 120, "FREQ=MONTHLY;BYDAY=-1FR", "the last Friday of the month, 18:00–20:00");
    words("fi", "2027-01-15T12:00", 60, "FREQ=MONTHLY", "kuukauden 15. päivänä klo 12–13");
    words("en", "2027-01-15T12:00", 60, "FREQ=MONTHLY;BYMONTHDAY=15", "on day 15 of every month, 12:00–13:00");
    words("fi", "2027-01-15T09:00", 30, "FREQ=DAILY", "joka päivä klo 9.00–9.30");
    /* What plain words do not say well: none, and the sessions are listed. */
    words("fi", "2027-01-16T10:00", 120, NULL, NULL);
    words("fi", "2027-01-16T10:00", 120, "FREQ=WEEKLY;INTERVAL=5", NULL);
    words("fi", "2027-01-16T10:00", 120, "FREQ=YEARLY", NULL);
    words("fi", "2027-01-16T10:00", 120, "FREQ=MONTHLY;BYDAY=1TU,3TU", NULL);
    words("fi", "2027-01-16T10:00", 120, "FREQ=WEEKLY;BYMONTH=1", NULL);
    words("fi", "2027-01-31T10:00", 120, "FREQ=MONTHLY", NULL); /* not every month has a 31st */
    words("fi", "2027-01-16T23:00", 120, "FREQ=WEEKLY", NULL);  /* past midnight */
    words("fi", "2027-06-04T16:00", 2760, "FREQ=YEARLY", NULL);
    words("fi", "garbage", 120, "FREQ=WEEKLY", NULL);
    words("fi", "2027-01-16T10:00", 120, "FREQ=WEEKLY;BYDAY=XX", NULL);
    words("fi", "2027-01-16T10:00", 120, "nonsense", NULL);
}

static void test_gzip_accepted(void **state)
{
    (void)state;
    assert_true(web_accepts_gzip("gzip"));
    assert_true(web_accepts_gzip("deflate, gzip;q=0.5, br"));
    assert_true(web_accepts_gzip("GZIP"));
    assert_true(web_accepts_gzip("*"));
    assert_false(web_accepts_gzip(NULL));
    assert_false(web_accepts_gzip(""));
    assert_false(web_accepts_gzip("identity"));
    assert_false(web_accepts_gzip("gzip;q=0"));
    assert_false(web_accepts_gzip("gzip; q=0.000"));
    assert_false(web_accepts_gzip("x-gzip2, br"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_path_language),
        cmocka_unit_test(test_next_path),
        cmocka_unit_test(test_session_times),
        cmocka_unit_test(test_schedule_words),
        cmocka_unit_test(test_gzip_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
