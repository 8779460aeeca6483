/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for mail-calendar.c: the part's events are the feed's own
 * (the same VEVENT bytes), METHOD by kind (CANCEL for a cancelled session;
 * PUBLISH for a changed schedule, its cancelled sessions STATUS:CANCELLED),
 * a waitlisted signup tentative, discreet titles kept out, and no part for
 * a kind about no session or a feed that shows nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "feed-events.h"
#include "ics.h"
#include "mail.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TITLE "Surevien vanhempien ryhmä"

/* A person's feed of one session, as feed_person_json gives it. */
static json_t *feed(const char *status, bool discreet)
{
    json_t *f = json_pack("{s:b, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:i, s:I, s:b}]}",
        "discreet", discreet, "events", "id", "5e551000-0000-4000-8000-000000000007", "title",
        TITLE, "description", "Vertaistukea", "kind", "peer_group", "location",
        "Kallion kirjasto, Helsinki", "timezone", "Europe/Helsinki", "start",
        (json_int_t)1795449600, "end", (json_int_t)1795456800, "status", status, "sequence", 5,
        "modified", (json_int_t)1790000000, "not_attending", 0);
    assert_non_null(f);
    return f;
}

static json_t *view(const char *kind, json_t *calendar)
{
    json_t *v = json_pack("{s:s, s:I, s:s, s:s, s:s}", "org_id",
        "5a1b0000-0000-4000-8000-000000000001", "id", (json_int_t)42, "kind", kind, "language",
        "fi", "email", "aino@example.org");
    assert_non_null(v);
    if (calendar != NULL)
        json_object_set_new(v, "calendar", calendar);
    return v;
}

/* The person's feed as GET /calendars/people/{token}.ics renders it. */
static char *feed_ics(json_t *f)
{
    struct feed_events l = { 0 };
    feed_events_person(&l, f);
    struct ics_calendar cal = { .name = "Piiri", .refresh_minutes = 60, .events = l.ev,
        .nevents = l.n };
    size_t len;
    char *out = ics_render(&cal, &len);
    feed_events_free(&l);
    return out;
}

static void test_the_feeds_event_published(void **state)
{
    static const char *const kinds[] = { "signup_confirmed", "signup_promoted", "session_moved" };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        json_t *f = feed("confirmed", false);
        char *whole = feed_ics(f);
        json_t *v = view(kinds[i], f);
        const char *method = NULL;
        char *part = mail_calendar_render(v, &method);
        assert_non_null(part);
        assert_string_equal(method, "PUBLISH");
        assert_non_null(strstr(part, "\r\nMETHOD:PUBLISH\r\n"));
        assert_null(strstr(part, "X-WR-CALNAME")); /* not a calendar to subscribe to */
        assert_null(strstr(part, "REFRESH-INTERVAL"));
        /* The zone and the event, byte for byte the feed's. */
        assert_non_null(strstr(part, "BEGIN:VTIMEZONE\r\nTZID:Europe/Helsinki\r\n"));
        assert_string_equal(strstr(part, "BEGIN:VTIMEZONE"), strstr(whole, "BEGIN:VTIMEZONE"));
        assert_non_null(strstr(part, "\r\nUID:p-5e551000-0000-4000-8000-000000000007@piiri\r\n"));
        assert_non_null(strstr(part, "\r\nSEQUENCE:5\r\n"));
        assert_non_null(strstr(part, "\r\nSTATUS:CONFIRMED\r\n"));
        assert_non_null(strstr(part, "\r\nSUMMARY:" TITLE "\r\n"));
        free(part);
        free(whole);
        json_decref(v);
    }
}

static void test_a_cancelled_session_cancels(void **state)
{
    json_t *v = view("session_cancelled", feed("cancelled", false));
    const char *method = NULL;
    char *part = mail_calendar_render(v, &method);
    assert_non_null(part);
    assert_string_equal(method, "CANCEL");
    assert_non_null(strstr(part, "\r\nMETHOD:CANCEL\r\n"));
    assert_null(strstr(part, "METHOD:PUBLISH"));
    assert_non_null(strstr(part, "\r\nSTATUS:CANCELLED\r\n"));
    free(part);
    json_decref(v);
}

/* A changed schedule's part holds moved and cancelled sessions in one
 * calendar: PUBLISH, the cancelled ones cancelled by their own STATUS. */
static void test_a_changed_schedule_publishes_its_cancellations(void **state)
{
    json_t *v = view("schedule_changed", feed("cancelled", false));
    const char *method = NULL;
    char *part = mail_calendar_render(v, &method);
    assert_non_null(part);
    assert_string_equal(method, "PUBLISH");
    assert_non_null(strstr(part, "\r\nMETHOD:PUBLISH\r\n"));
    assert_non_null(strstr(part, "\r\nSTATUS:CANCELLED\r\n"));
    free(part);
    json_decref(v);
}

static void test_waitlisted_is_tentative(void **state)
{
    json_t *v = view("signup_waitlisted", feed("tentative", false));
    const char *method = NULL;
    char *part = mail_calendar_render(v, &method);
    assert_non_null(part);
    assert_string_equal(method, "PUBLISH");
    assert_non_null(strstr(part, "\r\nSTATUS:TENTATIVE\r\n"));
    free(part);
    json_decref(v);
}

static void test_discreet_titles_keep_the_group_out(void **state)
{
    json_t *v = view("signup_confirmed", feed("confirmed", true));
    const char *method = NULL;
    char *part = mail_calendar_render(v, &method);
    assert_non_null(part);
    assert_null(strstr(part, "Surevien"));
    assert_null(strstr(part, "Vertaistukea"));
    assert_non_null(strstr(part, "\r\nSUMMARY:Piiri: vertaistapaaminen\r\n"));
    free(part);
    json_decref(v);
}

static void test_no_part_without_a_session(void **state)
{
    const char *method = "x";
    /* A kind about no session, even with events. */
    json_t *v = view("password_reset", feed("confirmed", false));
    assert_null(mail_calendar_render(v, &method));
    assert_null(method);
    json_decref(v);
    /* No events in the feed (a guest's signup, a session out of the window). */
    v = view("signup_confirmed", json_pack("{s:b, s:[]}", "discreet", 0, "events"));
    method = "x";
    assert_null(mail_calendar_render(v, &method));
    assert_null(method);
    json_decref(v);
    /* No calendar at all (a stale row). */
    v = view("session_moved", NULL);
    assert_null(mail_calendar_render(v, &method));
    json_decref(v);
}

/* mail_message_build puts the part on the message. */
static void test_the_message_carries_it(void **state)
{
    json_t *v = view("session_cancelled", feed("cancelled", false));
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_non_null(m.calendar);
    assert_string_equal(m.calendar_method, "CANCEL");
    assert_non_null(strstr(m.calendar, "BEGIN:VCALENDAR\r\n"));
    mail_message_free(&m);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_feeds_event_published),
        cmocka_unit_test(test_a_cancelled_session_cancels),
        cmocka_unit_test(test_a_changed_schedule_publishes_its_cancellations),
        cmocka_unit_test(test_waitlisted_is_tentative),
        cmocka_unit_test(test_discreet_titles_keep_the_group_out),
        cmocka_unit_test(test_no_part_without_a_session),
        cmocka_unit_test(test_the_message_carries_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
