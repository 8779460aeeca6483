/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for calendars/ics: escaping, folding, times and zones, all-day
 * events, VTIMEZONE content, determinism. With --sample FILE, --zones FILE
 * ZONE... or --builtin-vtimezone ZONE it writes calendars for
 * tests/integration/test_ics_render.py instead. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cal.h"
#include "ics.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An instant from RFC 3339 text; the test fails if it does not parse. */
static int64_t at(const char *text)
{
    int64_t t = 0;
    if (cal_parse_rfc3339(text, &t) < 0)
        fail_msg("cannot parse %s", text);
    return t;
}

/* A minimal valid event: the tests change what they look at. */
static struct ics_event event(const char *uid, const char *start, const char *end)
{
    return (struct ics_event){
        .uid = uid,
        .dtstamp = at("2026-12-01T08:00:00Z"),
        .tzid = "Europe/Helsinki",
        .start_utc = at(start),
        .end_utc = at(end),
    };
}

/* Physical lines: CRLF after each, at most 75 octets, each valid UTF-8 on its
 * own (no character split by a fold), continuation lines after a space. */
static void assert_lines_ok(const char *ics, size_t len)
{
    size_t line = 0;

    assert_int_equal(strlen(ics), len);
    assert_true(len >= 2 && ics[len - 2] == '\r' && ics[len - 1] == '\n');
    for (size_t i = 0; i < len;) {
        const char *crlf = strstr(ics + i, "\r\n");
        if (crlf == NULL)
            fail_msg("line %zu has no CRLF", line);
        size_t n = (size_t)(crlf - (ics + i));
        if (n > 75)
            fail_msg("line %zu has %zu octets: %.*s", line, n, (int)n, ics + i);
        if (memchr(ics + i, '\n', n) != NULL || memchr(ics + i, '\r', n) != NULL)
            fail_msg("line %zu has a bare CR or LF", line);
        char *copy = strndup(ics + i, n);
        assert_non_null(copy);
        /* libical's validator would be circular; a hand check of UTF-8 here. */
        for (const unsigned char *p = (const unsigned char *)copy; *p != '\0';) {
            int k = *p < 0x80             ? 1
                    : (*p & 0xE0) == 0xC0 ? 2
                    : (*p & 0xF0) == 0xE0 ? 3
                    : (*p & 0xF8) == 0xF0 ? 4
                                          : 0;
            if (k == 0)
                fail_msg("line %zu: a split or invalid UTF-8 character: %s", line, copy);
            for (int j = 1; j < k; j++) {
                if ((p[j] & 0xC0) != 0x80)
                    fail_msg("line %zu: a split UTF-8 character: %s", line, copy);
            }
            p += k;
        }
        free(copy);
        i += n + 2;
        line++;
    }
}

/* The calendar with CRLF + space folds undone. */
static char *unfold(const char *ics)
{
    char *out = strdup(ics), *w = out;
    assert_non_null(out);
    for (const char *r = ics; *r != '\0';) {
        if (r[0] == '\r' && r[1] == '\n' && r[2] == ' ') {
            r += 3;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
    return out;
}

/* Render and check the physical lines; the result is unfolded. */
static char *render_unfolded(const struct ics_event *events, size_t n)
{
    struct ics_calendar cal = { "Piiri", NULL, 0, events, n, NULL };
    size_t len;
    char *ics = ics_render(&cal, &len);
    assert_lines_ok(ics, len);
    char *flat = unfold(ics);
    free(ics);
    return flat;
}

static bool has_line(const char *flat, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = strstr(flat, line); p != NULL; p = strstr(p + 1, line)) {
        if ((p == flat || p[-1] == '\n') && strncmp(p + n, "\r\n", 2) == 0)
            return true;
    }
    return false;
}

static void assert_line(const char *flat, const char *line)
{
    if (!has_line(flat, line))
        fail_msg("no line \"%s\" in:\n%s", line, flat);
}

/* No line of the events starts with prefix (VTIMEZONEs may have RRULEs). */
static void assert_no_line_starting(const char *flat, const char *prefix)
{
    const char *events = strstr(flat, "BEGIN:VEVENT");
    assert_non_null(events);
    for (const char *p = strstr(events, prefix); p != NULL; p = strstr(p + 1, prefix)) {
        if (p == flat || p[-1] == '\n')
            fail_msg("unexpected line %s... in:\n%s", prefix, flat);
    }
}

static size_t count(const char *flat, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(flat, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_calendar_properties(void **state)
{
    struct ics_event e = event("a@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:30:00+02:00");
    struct ics_calendar cal = { "Perhekahvila, Kallio", "Kuvaus; pitkä", 60, &e, 1, NULL };
    size_t len;
    char *ics = ics_render(&cal, &len);

    assert_lines_ok(ics, len);
    assert_true(strncmp(ics,
                    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piiri//Piiri 1.0//FI\r\n"
                    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nNAME:Perhekahvila\\, Kallio\r\n"
                    "X-WR-CALNAME:Perhekahvila\\, Kallio\r\nX-WR-CALDESC:Kuvaus\\; pitkä\r\n"
                    "REFRESH-INTERVAL;VALUE=DURATION:PT60M\r\nX-PUBLISHED-TTL:PT60M\r\n"
                    "BEGIN:VTIMEZONE\r\n",
                    strlen("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piiri//Piiri 1.0//FI\r\n"
                           "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nNAME:Perhekahvila\\, Kallio\r\n"
                           "X-WR-CALNAME:Perhekahvila\\, Kallio\r\nX-WR-CALDESC:Kuvaus\\; pitkä\r\n"
                           "REFRESH-INTERVAL;VALUE=DURATION:PT60M\r\nX-PUBLISHED-TTL:PT60M\r\n"
                           "BEGIN:VTIMEZONE\r\n")) == 0);
    assert_string_equal(
        ics + len - strlen("END:VEVENT\r\nEND:VCALENDAR\r\n"), "END:VEVENT\r\nEND:VCALENDAR\r\n");
    free(ics);

    /* No name, description or refresh interval: none of their lines. */
    struct ics_calendar bare = { NULL, NULL, 0, NULL, 0, NULL };
    ics = ics_render(&bare, &len);
    assert_lines_ok(ics, len);
    assert_string_equal(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Piiri//Piiri 1.0//FI\r\n"
                             "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n");
    free(ics);
}

/* A mail that cancels its events says so in METHOD; a feed publishes. */
static void test_method(void **state)
{
    struct ics_event e = event("p-a@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:30:00+02:00");
    e.status = ICS_STATUS_CANCELLED;
    struct ics_calendar cal = { .events = &e, .nevents = 1, .method = "CANCEL" };
    size_t len;
    char *ics = ics_render(&cal, &len);

    assert_lines_ok(ics, len);
    assert_non_null(strstr(ics, "\r\nCALSCALE:GREGORIAN\r\nMETHOD:CANCEL\r\nBEGIN:VTIMEZONE\r\n"));
    assert_null(strstr(ics, "METHOD:PUBLISH"));
    assert_non_null(strstr(ics, "\r\nSTATUS:CANCELLED\r\n"));
    free(ics);
}

static void test_event_properties(void **state)
{
    struct ics_event e =
        event("s-1@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:30:00+02:00");
    e.sequence = 4;
    e.last_modified = at("2026-12-02T09:30:15Z");
    e.summary = "Vertaisryhmä";
    e.description = "Tervetuloa";
    e.location = "Kirjasto";
    e.url = "https://meet.example.org/r/abc?x=1&y=2";
    e.status = ICS_STATUS_CONFIRMED;
    char *flat = render_unfolded(&e, 1);

    const char *expected = "BEGIN:VEVENT\r\nUID:s-1@piiri\r\nSEQUENCE:4\r\n"
                           "DTSTAMP:20261201T080000Z\r\nLAST-MODIFIED:20261202T093015Z\r\n"
                           "DTSTART;TZID=Europe/Helsinki:20270111T180000\r\n"
                           "DTEND;TZID=Europe/Helsinki:20270111T193000\r\n"
                           "SUMMARY:Vertaisryhmä\r\nDESCRIPTION:Tervetuloa\r\nLOCATION:Kirjasto\r\n"
                           "URL:https://meet.example.org/r/abc?x=1&y=2\r\nSTATUS:CONFIRMED\r\n"
                           "END:VEVENT\r\n";
    if (strstr(flat, expected) == NULL)
        fail_msg("expected\n%s\nin\n%s", expected, flat);
    free(flat);

    /* Optional parts left out: no LAST-MODIFIED, texts, URL or STATUS; a
     * negative SEQUENCE is 0; an end not after the start has no DTEND. */
    e = event("s-2@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T18:00:00+02:00");
    e.sequence = -3;
    flat = render_unfolded(&e, 1);
    expected = "BEGIN:VEVENT\r\nUID:s-2@piiri\r\nSEQUENCE:0\r\nDTSTAMP:20261201T080000Z\r\n"
               "DTSTART;TZID=Europe/Helsinki:20270111T180000\r\nEND:VEVENT\r\n";
    if (strstr(flat, expected) == NULL)
        fail_msg("expected\n%s\nin\n%s", expected, flat);
    free(flat);
}

static void test_text_escaping(void **state)
{
    struct ics_event e =
        event("esc@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
    e.summary = "Äidit, isät; lapset \\ muut";
    e.description = "Rivi 1\nRivi 2\r\nRivi 3\rRivi 4: \"lainaus\"\tsarkain";
    e.location = "Sörnäisten kirjasto, 2. krs; sali \"Ö\"";
    char *flat = render_unfolded(&e, 1);

    assert_line(flat, "SUMMARY:Äidit\\, isät\\; lapset \\\\ muut");
    assert_line(flat, "DESCRIPTION:Rivi 1\\nRivi 2\\nRivi 3\\nRivi 4: \"lainaus\"\tsarkain");
    assert_line(flat, "LOCATION:Sörnäisten kirjasto\\, 2. krs\\; sali \"Ö\"");
    free(flat);

    /* Other control characters go; invalid UTF-8 becomes U+FFFD. */
    e.summary = "a\x01"
                "b\x7f"
                "c\x1b[31md";
    e.description = "bad \xC3 end, overlong \xC0\xAF, surrogate \xED\xA0\x80, ok \xE2\x82\xAC";
    e.location = "\xF4\x90\x80\x80 too big";
    flat = render_unfolded(&e, 1);
    assert_line(flat, "SUMMARY:abc[31md");
    assert_line(flat, "DESCRIPTION:bad \xEF\xBF\xBD end\\, overlong \xEF\xBF\xBD\xEF\xBF\xBD\\, "
                      "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\\, ok €");
    assert_line(flat, "LOCATION:\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD too big");
    free(flat);

    /* The calendar's name is TEXT too; so is a UID. */
    e.uid = "x,y;z@piiri";
    flat = render_unfolded(&e, 1);
    assert_line(flat, "UID:x\\,y\\;z@piiri");
    free(flat);
}

/* The SUMMARY line of a rendering, physical lines and all, up to "DESCRIPTION". */
static char *summary_lines(const char *summary)
{
    struct ics_event e = event("f@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
    e.summary = summary;
    e.description = "";
    struct ics_calendar cal = { NULL, NULL, 0, &e, 1, NULL };
    size_t len;
    char *ics = ics_render(&cal, &len);
    assert_lines_ok(ics, len);
    char *from = strstr(ics, "SUMMARY:"), *to = strstr(ics, "DESCRIPTION:");
    assert_non_null(from);
    assert_non_null(to);
    char *out = strndup(from, (size_t)(to - from));
    free(ics);
    return out;
}

static char *repeat(char c, size_t n, const char *tail)
{
    char *s = malloc(n + strlen(tail) + 1);
    assert_non_null(s);
    memset(s, c, n);
    strcpy(s + n, tail);
    return s;
}

static void test_folding(void **state)
{
    /* "SUMMARY:" is 8 octets: 67 more make exactly 75, no fold. */
    char *text = repeat('a', 67, "");
    char *lines = summary_lines(text);
    assert_int_equal(strlen(lines), 77);
    assert_string_equal(lines + 75, "\r\n");
    free(lines);
    free(text);

    /* 68: the 76th octet goes to a continuation line after one space. */
    text = repeat('a', 68, "");
    lines = summary_lines(text);
    assert_string_equal(lines + 75, "\r\n a\r\n");
    free(lines);
    free(text);

    /* "ä" (2 octets) at octets 75-76 is not split: the line ends at 74. */
    text = repeat('a', 66, "äb");
    lines = summary_lines(text);
    assert_int_equal(strstr(lines, "\r\n") - lines, 74);
    assert_string_equal(lines + 74, "\r\n äb\r\n");
    free(lines);
    free(text);

    /* "€" (3 octets) straddling 75 and a 4-octet emoji the same way. */
    text = repeat('a', 65, "€x");
    lines = summary_lines(text);
    assert_string_equal(lines + 73, "\r\n €x\r\n");
    free(lines);
    free(text);
    text = repeat('a', 64, "\xF0\x9F\x8C\xB2y");
    lines = summary_lines(text);
    assert_string_equal(lines + 72, "\r\n \xF0\x9F\x8C\xB2y\r\n");
    free(lines);
    free(text);

    /* An escape is not split either: "\," at octets 75-76 moves whole. */
    text = repeat('a', 66, ",");
    lines = summary_lines(text);
    assert_string_equal(lines + 74, "\r\n \\,\r\n");
    free(lines);
    free(text);

    /* Continuation lines hold 74 octets after their space. */
    text = repeat('b', 67 + 74 + 3, "");
    lines = summary_lines(text);
    assert_int_equal(strlen(lines), 75 + 2 + 75 + 2 + 4 + 2);
    assert_int_equal(lines[77], ' ');
    free(lines);
    free(text);

    /* Long Finnish text: every line within 75 octets, nothing lost. */
    char long_text[4000] = "";
    for (int i = 0; i < 60; i++)
        strcat(long_text, "Öisin äänet ja €-hinnat, ");
    lines = summary_lines(long_text);
    char *flat = unfold(lines);
    assert_int_equal(strlen(flat), strlen("SUMMARY:") + strlen(long_text) + 60 + 2);
    free(flat);
    free(lines);
}

static void test_utc_and_unknown_zone(void **state)
{
    struct ics_event e = event("u@piiri", "2027-07-01T18:00:00+03:00", "2027-07-01T19:00:00+03:00");
    e.tzid = "Mars/Olympus";
    e.rrule = "FREQ=WEEKLY;UNTIL=20270801T180000";
    char *flat = render_unfolded(&e, 1);

    assert_line(flat, "DTSTART:20270701T150000Z");
    assert_line(flat, "DTEND:20270701T160000Z");
    /* Read as UTC; Thursdays at 15:00Z, so the end of that UTC day. */
    assert_line(flat, "RRULE:FREQ=WEEKLY;UNTIL=20270801T235959Z");
    assert_int_equal(count(flat, "VTIMEZONE"), 0);
    assert_int_equal(count(flat, "TZID"), 0);
    free(flat);

    /* NULL is the default zone. */
    e.tzid = NULL;
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:20270701T180000");
    assert_line(flat, "TZID:Europe/Helsinki");
    free(flat);
}

static void test_exdate_in_tzid(void **state)
{
    /* Weekly 18:00 Helsinki; one cancelled in winter time, one in summer. */
    int64_t exdates[] = { at("2027-03-15T18:00:00+02:00"), at("2027-04-05T18:00:00+03:00") };
    struct ics_event e = event("x@piiri", "2027-03-01T18:00:00+02:00", "2027-03-01T19:30:00+02:00");
    e.rrule = "FREQ=WEEKLY;BYDAY=MO";
    e.exdates = exdates;
    e.nexdates = 2;
    char *flat = render_unfolded(&e, 1);

    assert_line(flat, "RRULE:FREQ=WEEKLY;BYDAY=MO");
    assert_line(flat, "EXDATE;TZID=Europe/Helsinki:20270315T180000");
    assert_line(flat, "EXDATE;TZID=Europe/Helsinki:20270405T180000");
    free(flat);

    /* New York: the same instants in its own wall time. */
    e.tzid = "America/New_York";
    e.start_utc = at("2027-03-01T18:00:00-05:00");
    e.end_utc = at("2027-03-01T19:00:00-05:00");
    exdates[0] = at("2027-03-08T18:00:00-05:00");
    exdates[1] = at("2027-03-15T18:00:00-04:00");
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART;TZID=America/New_York:20270301T180000");
    assert_line(flat, "EXDATE;TZID=America/New_York:20270308T180000");
    assert_line(flat, "EXDATE;TZID=America/New_York:20270315T180000");
    free(flat);
}

/* Sundays at 03:30 from the spring-forward Sunday, when 03:30 is 04:30
 * (01:30Z): DTSTART, the RRULE's start and the EXDATEs carry the rule's
 * 03:30, whatever the instants' own wall times are. */
static void test_rule_start_in_a_gap(void **state)
{
    int64_t exdates[] = { at("2027-03-28T01:30:00Z"), at("2027-04-11T03:30:00+03:00") };
    struct ics_event e = event("g@piiri", "2027-03-28T01:30:00Z", "2027-03-28T03:00:00Z");
    e.rrule = "FREQ=WEEKLY;BYDAY=SU;COUNT=4";
    e.rule_start = "2027-03-28T03:30:00";
    e.exdates = exdates;
    e.nexdates = 2;
    char *flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:20270328T033000");
    assert_line(flat, "EXDATE;TZID=Europe/Helsinki:20270328T033000");
    assert_line(flat, "EXDATE;TZID=Europe/Helsinki:20270411T033000");
    assert_line(flat, "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=SU");
    free(flat);
    e.rule_start = NULL; /* each instant's own wall time, as before */
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:20270328T043000");
    free(flat);
}

/* An event's own time in the repeated autumn hour would name two instants:
 * it is written in UTC (the first 03:30 as much as the second). */
static void test_own_time_in_the_repeated_hour_is_utc(void **state)
{
    struct ics_event e = event("a@piiri", "2027-10-31T03:30:00+02:00", "2027-10-31T05:00:00+02:00");
    char *flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART:20271031T013000Z");
    assert_line(flat, "DTEND;TZID=Europe/Helsinki:20271031T050000");
    free(flat);
    e.start_utc = at("2027-10-31T03:30:00+03:00");
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART:20271031T003000Z");
    free(flat);
}

static void test_recurrence_id(void **state)
{
    struct ics_event e[2] = {
        event("r@piiri", "2027-03-01T18:00:00+02:00", "2027-03-01T19:30:00+02:00"),
        event("r@piiri", "2027-04-13T17:00:00+03:00", "2027-04-13T18:30:00+03:00"),
    };
    e[0].rrule = "FREQ=WEEKLY;COUNT=10";
    e[1].recurrence_id = at("2027-04-12T18:00:00+03:00");
    e[1].sequence = 2;
    char *flat = render_unfolded(e, 2);

    assert_line(flat, "RECURRENCE-ID;TZID=Europe/Helsinki:20270412T180000");
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:20270413T170000");
    assert_int_equal(count(flat, "RECURRENCE-ID"), 1);
    assert_int_equal(count(flat, "RRULE:FREQ=WEEKLY;COUNT=10"), 1);
    /* The master first, as given. */
    assert_true(strstr(flat, "RRULE:") < strstr(flat, "RECURRENCE-ID"));
    free(flat);
}

static void test_until_in_utc(void **state)
{
    struct ics_event e = event("u@piiri", "2027-03-01T18:00:00+02:00", "2027-03-01T19:30:00+02:00");
    /* UNTIL in UTC at the end of the local day of the last occurrence it lets
     * in: Mondays 18:00 from 2027-03-01, the last on Monday 2027-05-31, whose
     * day ends at 23:59:59 EEST, 20:59:59Z. Clients that misplace summer
     * occurrences by DTSTART's winter offset keep the last one. */
    const struct {
        const char *rrule, *expected;
    } cases[] = {
        /* A local UNTIL: 18:00 EEST, that occurrence included. */
        { "FREQ=WEEKLY;UNTIL=20270531T180000", "FREQ=WEEKLY;UNTIL=20270531T205959Z" },
        /* A date: that whole local day. */
        { "FREQ=WEEKLY;UNTIL=20270531", "FREQ=WEEKLY;UNTIL=20270531T205959Z" },
        /* UTC already: 15:00Z is 18:00 EEST. */
        { "FREQ=WEEKLY;UNTIL=20270531T150000Z", "FREQ=WEEKLY;UNTIL=20270531T205959Z" },
        /* Before that day's 18:00: the last is the Monday before (its day ends
         * on Sunday the 30th). */
        { "FREQ=WEEKLY;UNTIL=20270531T175959", "FREQ=WEEKLY;UNTIL=20270530T205959Z" },
        /* Winter time: 23:59:59 EET is 21:59:59Z; lower case is fine. */
        { "freq=weekly;byday=mo;until=20270301T180000",
            "FREQ=WEEKLY;UNTIL=20270301T215959Z;BYDAY=MO" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char line[128];
        e.rrule = cases[i].rrule;
        char *flat = render_unfolded(&e, 1);
        snprintf(line, sizeof(line), "RRULE:%s", cases[i].expected);
        assert_line(flat, line);
        free(flat);
    }

    /* Rules cal_schedule_feed_rrule refuses are left out; the event stays. */
    const char *refused[] = { "FREQ=HOURLY", "BOGUS", "FREQ=WEEKLY\r\nX-EVIL:1", "",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20270601" };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        e.rrule = refused[i];
        char *flat = render_unfolded(&e, 1);
        assert_no_line_starting(flat, "RRULE");
        assert_no_line_starting(flat, "X-EVIL");
        assert_line(flat, "DTSTART;TZID=Europe/Helsinki:20270301T180000");
        free(flat);
    }
}

static void test_all_day_camp(void **state)
{
    struct ics_event e =
        event("camp@piiri", "2027-06-14T14:00:00+03:00", "2027-06-17T14:00:00+03:00");
    e.all_day = true;
    e.summary = "Perheleiri";
    char *flat = render_unfolded(&e, 1);

    assert_line(flat, "DTSTART;VALUE=DATE:20270614");
    assert_line(flat, "DTEND;VALUE=DATE:20270618");
    assert_int_equal(count(flat, "VTIMEZONE"), 0); /* dates need no zone */
    free(flat);

    /* Ending at local midnight: that day is not part of it. */
    e.end_utc = at("2027-06-17T00:00:00+03:00");
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTEND;VALUE=DATE:20270617");
    free(flat);

    /* Dates are local: 23:30 UTC on the 13th is already the 14th in Helsinki. */
    e.start_utc = at("2027-06-13T23:30:00Z");
    e.end_utc = at("2027-06-14T20:00:00Z");
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTART;VALUE=DATE:20270614");
    assert_line(flat, "DTEND;VALUE=DATE:20270615");
    free(flat);

    /* No end, or one before the start: one day. */
    e.end_utc = e.start_utc;
    flat = render_unfolded(&e, 1);
    assert_line(flat, "DTEND;VALUE=DATE:20270615");
    free(flat);

    /* An all-day series: EXDATE, RECURRENCE-ID and UNTIL are dates too. */
    int64_t exdate = at("2027-06-21T00:00:00+03:00");
    struct ics_event s[2] = {
        event("days@piiri", "2027-06-14T00:00:00+03:00", "2027-06-15T00:00:00+03:00"),
        event("days@piiri", "2027-06-29T00:00:00+03:00", "2027-06-30T00:00:00+03:00"),
    };
    s[0].all_day = s[1].all_day = true;
    s[0].rrule = "FREQ=WEEKLY;UNTIL=20270705";
    s[0].exdates = &exdate;
    s[0].nexdates = 1;
    s[1].recurrence_id = at("2027-06-28T00:00:00+03:00");
    flat = render_unfolded(s, 2);
    assert_line(flat, "DTSTART;VALUE=DATE:20270614");
    assert_line(flat, "DTEND;VALUE=DATE:20270615");
    assert_line(flat, "RRULE:FREQ=WEEKLY;UNTIL=20270705");
    assert_line(flat, "EXDATE;VALUE=DATE:20270621");
    assert_line(flat, "RECURRENCE-ID;VALUE=DATE:20270628");
    free(flat);
}

static void test_status(void **state)
{
    const struct {
        enum ics_status status;
        const char *line;
    } cases[] = {
        { ICS_STATUS_CONFIRMED, "STATUS:CONFIRMED" },
        { ICS_STATUS_TENTATIVE, "STATUS:TENTATIVE" },
        { ICS_STATUS_CANCELLED, "STATUS:CANCELLED" },
        { ICS_STATUS_NONE, NULL },
        { (enum ics_status)17, NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ics_event e =
            event("st@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
        e.status = cases[i].status;
        char *flat = render_unfolded(&e, 1);
        if (cases[i].line != NULL)
            assert_line(flat, cases[i].line);
        else
            assert_no_line_starting(flat, "STATUS");
        free(flat);
    }
}

/* An event the person will not attend is free time; others say nothing
 * (OPAQUE is the default). */
static void test_transparent(void **state)
{
    struct ics_event e = event("tr@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
    e.status = ICS_STATUS_CONFIRMED;
    char *flat = render_unfolded(&e, 1);
    assert_no_line_starting(flat, "TRANSP");
    free(flat);
    e.transparent = true;
    flat = render_unfolded(&e, 1);
    assert_line(flat, "TRANSP:TRANSPARENT");
    if (strstr(flat, "STATUS:CONFIRMED\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n") == NULL)
        fail_msg("TRANSP not at the end of the event:\n%s", flat);
    free(flat);
}

static void test_url_checked(void **state)
{
    const char *refused[] = { "https://x.example/a\r\nX-EVIL:1", "https://x.example/a\nb",
        "https://x.example/\x01", "https://x.example/a b", "https://x.example/\x7f",
        "https://x.example/\xC3" };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct ics_event e =
            event("url@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
        e.url = refused[i];
        char *flat = render_unfolded(&e, 1);
        assert_no_line_starting(flat, "URL");
        assert_no_line_starting(flat, "X-EVIL");
        free(flat);
    }
    /* A long one folds; commas and semicolons stay as they are (not TEXT). */
    struct ics_event e =
        event("url@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
    char url[300] = "https://teams.example.com/l/meetup-join/19%3ameeting_abc;x=1,2/";
    while (strlen(url) < 250)
        strcat(url, "0123456789");
    e.url = url;
    char *flat = render_unfolded(&e, 1);
    char line[320];
    snprintf(line, sizeof(line), "URL:%s", url);
    assert_line(flat, line);
    free(flat);
}

static void test_event_without_uid_skipped(void **state)
{
    struct ics_event e[2] = {
        event(NULL, "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00"),
        event("b@piiri", "2027-01-12T18:00:00+02:00", "2027-01-12T19:00:00+02:00"),
    };
    e[0].tzid = "Asia/Tokyo";
    char *flat = render_unfolded(e, 2);
    assert_int_equal(count(flat, "BEGIN:VEVENT"), 1);
    assert_line(flat, "UID:b@piiri");
    assert_int_equal(count(flat, "Asia/Tokyo"), 0);
    free(flat);
}

/* The VTIMEZONE block of a rendering of one event in the zone. */
static char *vtimezone_of(const char *tzid, const char *start)
{
    struct ics_event e = event("tz@piiri", start, start);
    e.tzid = tzid;
    char *flat = render_unfolded(&e, 1);
    char *from = strstr(flat, "BEGIN:VTIMEZONE"), *to = strstr(flat, "END:VTIMEZONE\r\n");
    assert_non_null(from);
    assert_non_null(to);
    char *out = strndup(from, (size_t)(to - from) + strlen("END:VTIMEZONE\r\n"));
    free(flat);
    return out;
}

static void test_vtimezone_helsinki(void **state)
{
    char *vtz = vtimezone_of("Europe/Helsinki", "2027-01-11T18:00:00+02:00");
    assert_string_equal(vtz, "BEGIN:VTIMEZONE\r\n"
                             "TZID:Europe/Helsinki\r\n"
                             "BEGIN:STANDARD\r\n"
                             "TZNAME:EET\r\n"
                             "TZOFFSETFROM:+0300\r\n"
                             "TZOFFSETTO:+0200\r\n"
                             "DTSTART:19701025T040000\r\n"
                             "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
                             "END:STANDARD\r\n"
                             "BEGIN:DAYLIGHT\r\n"
                             "TZNAME:EEST\r\n"
                             "TZOFFSETFROM:+0200\r\n"
                             "TZOFFSETTO:+0300\r\n"
                             "DTSTART:19700329T030000\r\n"
                             "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
                             "END:DAYLIGHT\r\n"
                             "END:VTIMEZONE\r\n");
    free(vtz);
}

static void test_vtimezone_new_york(void **state)
{
    char *vtz = vtimezone_of("America/New_York", "2027-01-11T18:00:00-05:00");
    assert_string_equal(vtz, "BEGIN:VTIMEZONE\r\n"
                             "TZID:America/New_York\r\n"
                             "BEGIN:STANDARD\r\n"
                             "TZNAME:EST\r\n"
                             "TZOFFSETFROM:-0400\r\n"
                             "TZOFFSETTO:-0500\r\n"
                             "DTSTART:19701101T020000\r\n"
                             "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"
                             "END:STANDARD\r\n"
                             "BEGIN:DAYLIGHT\r\n"
                             "TZNAME:EDT\r\n"
                             "TZOFFSETFROM:-0500\r\n"
                             "TZOFFSETTO:-0400\r\n"
                             "DTSTART:19700308T020000\r\n"
                             "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
                             "END:DAYLIGHT\r\n"
                             "END:VTIMEZONE\r\n");
    free(vtz);
}

static void test_vtimezone_without_dst(void **state)
{
    char *vtz = vtimezone_of("Asia/Tokyo", "2027-01-11T18:00:00+09:00");
    assert_string_equal(vtz, "BEGIN:VTIMEZONE\r\n"
                             "TZID:Asia/Tokyo\r\n"
                             "BEGIN:STANDARD\r\n"
                             "TZNAME:JST\r\n"
                             "TZOFFSETFROM:+0900\r\n"
                             "TZOFFSETTO:+0900\r\n"
                             "DTSTART:19700101T000000\r\n"
                             "END:STANDARD\r\n"
                             "END:VTIMEZONE\r\n");
    free(vtz);
    /* UTC too, and a zone that dropped DST before the feed (Mexico, 2022). */
    vtz = vtimezone_of("UTC", "2027-01-11T18:00:00Z");
    assert_non_null(strstr(vtz, "TZID:UTC\r\nBEGIN:STANDARD\r\n"));
    assert_non_null(strstr(vtz, "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\n"));
    free(vtz);
    vtz = vtimezone_of("America/Mexico_City", "2027-01-11T18:00:00-06:00");
    assert_non_null(strstr(vtz, "TZOFFSETFROM:-0600\r\nTZOFFSETTO:-0600\r\n"));
    assert_null(strstr(vtz, "DAYLIGHT"));
    free(vtz);
}

static void test_vtimezone_other_rules(void **state)
{
    /* Israel: the Friday before the last Sunday of March ("Fri>=23"). */
    char *vtz = vtimezone_of("Asia/Jerusalem", "2027-01-11T18:00:00+02:00");
    assert_non_null(
        strstr(vtz, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29\r\n"));
    free(vtz);
    /* Southern hemisphere: summer time over the new year. */
    vtz = vtimezone_of("Australia/Sydney", "2027-01-11T18:00:00+11:00");
    assert_non_null(
        strstr(vtz, "TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\nDTSTART:19700405T030000\r\n"
                    "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\n"));
    free(vtz);
    /* Dublin: tzdata's "negative DST" still comes out as summer DAYLIGHT +0100. */
    vtz = vtimezone_of("Europe/Dublin", "2027-01-11T18:00:00Z");
    assert_non_null(
        strstr(vtz, "BEGIN:DAYLIGHT\r\nTZNAME:IST\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\n"));
    free(vtz);
    /* Morocco's Ramadan changes are no yearly rule: real transitions as RDATEs. */
    vtz = vtimezone_of("Africa/Casablanca", "2027-01-11T18:00:00+01:00");
    assert_null(strstr(vtz, "RRULE"));
    assert_true(count(vtz, "RDATE:") >= 10);
    free(vtz);
}

/* A feed spanning Helsinki's change of rules in 1981 (no DST before) writes
 * the real transitions, not today's rules. */
static void test_vtimezone_history(void **state)
{
    struct ics_event e[2] = {
        event("old@piiri", "1979-06-01T18:00:00+02:00", "1979-06-01T19:00:00+02:00"),
        event("new@piiri", "1983-06-01T18:00:00+03:00", "1983-06-01T19:00:00+03:00"),
    };
    char *flat = render_unfolded(e, 2);
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:19790601T180000");
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:19830601T180000");
    assert_null(strstr(flat, "RRULE:FREQ=YEARLY"));
    assert_line(flat, "DTSTART:19790101T020000"); /* the offset at the start of the span */
    assert_line(flat, "DTSTART:19810329T020000"); /* the first summer time */
    free(flat);
}

/* Our VTIMEZONE, read back by libical's parser, gives the offsets of
 * libical's own zone, every 3 hours over the feed's span and up to the start
 * of the seventh year after it (Morocco's RDATEs stop there). */
static void test_vtimezone_offsets_round_trip(void **state)
{
    const char *zones[] = { "Europe/Helsinki", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
        "Australia/Lord_Howe", "America/Santiago", "Asia/Jerusalem", "Europe/Dublin",
        "Africa/Casablanca", "Pacific/Chatham", "America/Mexico_City", "Asia/Kolkata",
        "America/St_Johns" };
    icaltimezone *utc = icaltimezone_get_utc_timezone();

    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        char *vtz = vtimezone_of(zones[z], "2026-11-01T12:00:00Z");
        icalcomponent *comp = icalparser_parse_string(vtz);
        assert_non_null(comp);
        icaltimezone *ours = icaltimezone_new();
        assert_true(icaltimezone_set_component(ours, comp));
        icaltimezone *theirs = icaltimezone_get_builtin_timezone(zones[z]);
        for (int64_t t = at("2026-11-01T00:00:00Z"); t < at("2033-01-01T00:00:00Z");
             t += 3 * 3600) {
            struct icaltimetype tt = icaltime_from_timet_with_zone((time_t)t, 0, utc);
            int d1, d2;
            int mine = icaltimezone_get_utc_offset_of_utc_time(ours, &tt, &d1);
            int real = icaltimezone_get_utc_offset_of_utc_time(theirs, &tt, &d2);
            if (mine != real)
                fail_msg(
                    "%s at %lld: ours %d, libical %d\n%s", zones[z], (long long)t, mine, real, vtz);
        }
        icaltimezone_free(ours, 1);
        free(vtz);
    }
}

static void test_vtimezone_once_per_zone_before_events(void **state)
{
    struct ics_event e[5] = {
        event("1@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00"),
        event("2@piiri", "2027-01-12T18:00:00-05:00", "2027-01-12T19:00:00-05:00"),
        event("3@piiri", "2027-01-13T18:00:00+02:00", "2027-01-13T19:00:00+02:00"),
        event("4@piiri", "2027-01-14T18:00:00+09:00", "2027-01-14T19:00:00+09:00"),
        event("5@piiri", "2027-06-14T14:00:00+10:00", "2027-06-17T14:00:00+10:00"),
    };
    e[1].tzid = "America/New_York";
    e[3].tzid = "Asia/Tokyo";
    e[4].tzid = "Australia/Sydney";
    e[4].all_day = true; /* dates only: no VTIMEZONE for Sydney */
    char *flat = render_unfolded(e, 5);

    assert_int_equal(count(flat, "BEGIN:VTIMEZONE"), 3);
    assert_int_equal(count(flat, "TZID:Europe/Helsinki\r\n"), 1);
    assert_int_equal(count(flat, "Australia/Sydney"), 0);
    /* In the order of first use, all before the first event. */
    char *hel = strstr(flat, "TZID:Europe/Helsinki"), *ny = strstr(flat, "TZID:America/New_York");
    char *tokyo = strstr(flat, "TZID:Asia/Tokyo"), *first = strstr(flat, "BEGIN:VEVENT");
    assert_true(hel < ny && ny < tokyo && tokyo < first);
    /* No libical prefix or location anywhere. */
    assert_null(strstr(flat, "freeassociation"));
    assert_null(strstr(flat, "X-LIC"));
    /* Events in the order given. */
    assert_true(strstr(flat, "UID:1@") < strstr(flat, "UID:2@"));
    assert_true(strstr(flat, "UID:4@") < strstr(flat, "UID:5@"));
    free(flat);
}

static void test_deterministic(void **state)
{
    int64_t exdate = at("2027-04-05T18:00:00+03:00");
    struct ics_event e[3] = {
        event("d1@piiri", "2027-03-01T18:00:00+02:00", "2027-03-01T19:30:00+02:00"),
        event("d2@piiri", "2027-06-14T14:00:00+03:00", "2027-06-17T14:00:00+03:00"),
        event("d3@piiri", "2027-01-11T18:00:00-05:00", "2027-01-11T19:00:00-05:00"),
    };
    e[0].rrule = "FREQ=WEEKLY;UNTIL=20270601";
    e[0].exdates = &exdate;
    e[0].nexdates = 1;
    e[0].summary = "Äänet, hiljaisuus; ja \\ kaikki";
    e[1].all_day = true;
    e[2].tzid = "America/New_York";
    struct ics_calendar cal = { "Piiri", "Kuvaus", 30, e, 3, NULL };
    size_t len1, len2, len3;
    char *a = ics_render(&cal, &len1);
    /* Something else in between: libical extends its zone tables lazily. */
    char *vtz = vtimezone_of("America/New_York", "2090-01-01T00:00:00Z");
    char *b = ics_render(&cal, &len2);
    char *c = ics_render(&cal, &len3);

    assert_int_equal(len1, len2);
    assert_int_equal(len1, len3);
    assert_memory_equal(a, b, len1);
    assert_memory_equal(a, c, len1);
    free(a);
    free(b);
    free(c);
    free(vtz);
}

static void test_extreme_times(void **state)
{
    int64_t exdates[] = { INT64_MIN, INT64_MAX, 0, -1 };
    struct ics_event e =
        event("far@piiri", "2027-01-11T18:00:00+02:00", "2027-01-11T19:00:00+02:00");
    e.start_utc = INT64_MIN;
    e.end_utc = INT64_MAX;
    e.dtstamp = INT64_MAX;
    e.last_modified = INT64_MIN;
    e.recurrence_id = INT64_MAX;
    e.exdates = exdates;
    e.nexdates = 4;
    char *flat = render_unfolded(&e, 1);
    assert_line(flat, "DTSTAMP:99991231T235959Z");
    assert_line(flat, "LAST-MODIFIED:00010101T000000Z");
    free(flat);
    e.all_day = true;
    flat = render_unfolded(&e, 1);
    free(flat);
}

/* Found by fuzzing: past 2582 libical re-expands a zone on every call (17 ms
 * each) and then drops summer time. Such instants are read 400 years earlier,
 * where the yearly rules give the same local time. */
static void test_far_future_keeps_rules(void **state)
{
    struct ics_event e[2] = {
        event("far1@piiri", "3027-07-01T12:00:00Z", "3027-07-01T13:00:00Z"),
        event("far2@piiri", "9999-01-15T12:00:00Z", "9999-01-15T13:00:00Z"),
    };
    int64_t exdates[200];
    for (size_t i = 0; i < 200; i++)
        exdates[i] = e[0].start_utc + (int64_t)i * 7 * 86400;
    e[0].exdates = exdates;
    e[0].nexdates = 200;
    char *flat = render_unfolded(e, 2);
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:30270701T150000"); /* EEST */
    assert_line(flat, "EXDATE;TZID=Europe/Helsinki:30270708T150000");
    assert_line(flat, "DTSTART;TZID=Europe/Helsinki:99990115T140000"); /* EET */
    free(flat);
}

/* ---- calendars for tests/integration/test_ics_render.py ---------------- */

static int write_calendar(const char *path, const struct ics_calendar *cal)
{
    size_t len;
    char *ics = ics_render(cal, &len);
    FILE *f = fopen(path, "wb");
    int rc = f != NULL && fwrite(ics, 1, len, f) == len && fclose(f) == 0 ? 0 : 1;
    free(ics);
    if (rc != 0)
        fprintf(stderr, "test_ics: cannot write %s\n", path);
    return rc;
}

/* A group feed (weekly Helsinki series across the 2027-03-28 DST change, one
 * occurrence cancelled, one moved), a camp, and personal-feed style events. */
static int write_sample(const char *path)
{
    static int64_t exdates[1];
    static char long_text[2048];
    exdates[0] = at("2027-04-05T18:00:00+03:00");
    long_text[0] = '\0';
    for (int i = 0; i < 12; i++)
        strcat(long_text, "Pöytä 1, sali \"Ä\"; tervetuloa! Ääliöt älä lyö, ööliä läikkyy. ");
    strcat(long_text, "\nToinen rivi\\loppu");
    struct ics_event events[] = {
        {
            .uid = "series-7@piiri.example",
            .sequence = 3,
            .dtstamp = at("2027-02-01T10:00:00Z"),
            .last_modified = at("2027-02-01T10:00:00Z"),
            .summary = "Vertaisryhmä: omaiset, läheiset; \\ tervetuloa",
            .description = long_text,
            .location = "Kallion kirjasto, Viides linja 11, Helsinki",
            .url = "https://piiri.example/groups/7",
            .tzid = "Europe/Helsinki",
            .start_utc = at("2027-03-01T18:00:00+02:00"),
            .end_utc = at("2027-03-01T19:30:00+02:00"),
            .rrule = "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270531T180000",
            .exdates = exdates,
            .nexdates = 1,
            .status = ICS_STATUS_CONFIRMED,
        },
        {
            .uid = "series-7@piiri.example",
            .sequence = 4,
            .dtstamp = at("2027-02-02T10:00:00Z"),
            .last_modified = at("2027-02-02T10:00:00Z"),
            .summary = "Vertaisryhmä (siirretty)",
            .tzid = "Europe/Helsinki",
            .start_utc = at("2027-04-13T17:00:00+03:00"),
            .end_utc = at("2027-04-13T18:30:00+03:00"),
            .recurrence_id = at("2027-04-12T18:00:00+03:00"),
            .status = ICS_STATUS_CONFIRMED,
        },
        {
            .uid = "camp-3@piiri.example",
            .dtstamp = at("2027-01-15T09:00:00Z"),
            .summary = "Perheleiri",
            .location = "Leirikeskus, Hämeenlinna",
            .tzid = "Europe/Helsinki",
            .start_utc = at("2027-06-14T14:00:00+03:00"),
            .end_utc = at("2027-06-17T14:00:00+03:00"),
            .all_day = true,
        },
        {
            .uid = "session-901@piiri.example",
            .sequence = 1,
            .dtstamp = at("2027-01-20T12:00:00Z"),
            .summary = "Piiri: vertaistapaaminen",
            .tzid = "Europe/Helsinki",
            .start_utc = at("2027-02-03T17:30:00+02:00"),
            .end_utc = at("2027-02-03T19:00:00+02:00"),
            .status = ICS_STATUS_CANCELLED,
        },
        {
            .uid = "session-902@piiri.example",
            .dtstamp = at("2027-01-20T12:00:00Z"),
            .summary = "Piiri: vertaistapaaminen",
            .url = "https://meet.example.org/r/xyz",
            .tzid = "America/New_York",
            .start_utc = at("2027-03-16T18:00:00-04:00"),
            .end_utc = at("2027-03-16T19:00:00-04:00"),
            .status = ICS_STATUS_TENTATIVE,
        },
        {
            .uid = "session-903@piiri.example",
            .dtstamp = at("2027-01-20T12:00:00Z"),
            .summary = "Etätapaaminen",
            .tzid = "Asia/Tokyo",
            .start_utc = at("2027-03-17T20:00:00+09:00"),
            .end_utc = at("2027-03-17T21:00:00+09:00"),
        },
    };
    struct ics_calendar cal = { "Piiri: Kallion ryhmät", "Vertaistukea, kahvia; ja \\ juttua", 60,
        events, sizeof(events) / sizeof(events[0]), NULL };
    return write_calendar(path, &cal);
}

/* One weekly series per zone, from 2026-11 on, to check offsets elsewhere. */
static int write_zones(const char *path, int nzones, char **zones)
{
    struct ics_event *events = calloc((size_t)nzones, sizeof(*events));
    static char uids[64][64];
    if (events == NULL || nzones > 64)
        return 1;
    for (int i = 0; i < nzones; i++) {
        snprintf(uids[i], sizeof(uids[i]), "zone-%d@piiri.example", i);
        events[i] = event(uids[i], "2026-11-01T12:00:00Z", "2026-11-01T13:00:00Z");
        events[i].tzid = zones[i];
        events[i].summary = zones[i];
    }
    struct ics_calendar cal = { "zones", NULL, 0, events, (size_t)nzones, NULL };
    int rc = write_calendar(path, &cal);
    free(events);
    return rc;
}

/* libical's own component for the zone, as it comes, to stdout. */
static int write_builtin_vtimezone(const char *tzid)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(tzid);
    icalcomponent *comp = zone != NULL ? icaltimezone_get_component(zone) : NULL;
    if (comp == NULL) {
        fprintf(stderr, "test_ics: no builtin zone %s\n", tzid);
        return 1;
    }
    char *text = icalcomponent_as_ical_string_r(comp);
    fputs(text, stdout);
    free(text);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_properties),
        cmocka_unit_test(test_method),
        cmocka_unit_test(test_event_properties),
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_utc_and_unknown_zone),
        cmocka_unit_test(test_exdate_in_tzid),
        cmocka_unit_test(test_rule_start_in_a_gap),
        cmocka_unit_test(test_own_time_in_the_repeated_hour_is_utc),
        cmocka_unit_test(test_recurrence_id),
        cmocka_unit_test(test_until_in_utc),
        cmocka_unit_test(test_all_day_camp),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_transparent),
        cmocka_unit_test(test_url_checked),
        cmocka_unit_test(test_event_without_uid_skipped),
        cmocka_unit_test(test_vtimezone_helsinki),
        cmocka_unit_test(test_vtimezone_new_york),
        cmocka_unit_test(test_vtimezone_without_dst),
        cmocka_unit_test(test_vtimezone_other_rules),
        cmocka_unit_test(test_vtimezone_history),
        cmocka_unit_test(test_vtimezone_offsets_round_trip),
        cmocka_unit_test(test_vtimezone_once_per_zone_before_events),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_extreme_times),
        cmocka_unit_test(test_far_future_keeps_rules),
    };
    cal_init();
    if (argc == 3 && strcmp(argv[1], "--sample") == 0)
        return write_sample(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "--zones") == 0)
        return write_zones(argv[2], argc - 3, argv + 3);
    if (argc == 3 && strcmp(argv[1], "--builtin-vtimezone") == 0)
        return write_builtin_vtimezone(argv[2]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
