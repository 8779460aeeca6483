/* SPDX-License-Identifier: Apache-2.0 */
/* The coordinators' group form, pure: the schedule builder's choices as the
 * API's schedule (the first meeting found from a day and a weekday) and a
 * stored schedule read back into the choices; the form's fields as the
 * API's body; the API's field beside the form's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "web-manage.h"

#include <stdlib.h>
#include <string.h>

static json_t *schedule_of(const char *kind, const char *date, const char *weekday, const char *nth)
{
    json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "sched_kind", kind, "sched_date", date,
        "sched_weekday", weekday, "sched_nth", nth, "sched_time", "18:00", "sched_end_time", "19:30",
        "sched_end_date", "2027-06-06");
    json_t *errs = json_array();
    json_t *s = web_schedule_from_form(form, errs);
    assert_int_equal(json_array_size(errs), 0);
    json_decref(errs);
    json_decref(form);
    return s;
}

static void assert_schedule(json_t *s, const char *start, int minutes, const char *rrule)
{
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "start")), start);
    assert_int_equal(json_integer_value(json_object_get(s, "duration_minutes")), minutes);
    if (rrule == NULL)
        assert_true(json_is_null(json_object_get(s, "rrule")) || json_object_get(s, "rrule") == NULL);
    else
        assert_string_equal(json_string_value(json_object_get(s, "rrule")), rrule);
    json_decref(s);
}

static void test_builder_rules(void **state)
{
    (void)state;
    /* 2027-01-14 is a Thursday: the first Tuesday on or after it is the 19th. */
    assert_schedule(schedule_of("weekly", "2027-01-14", "TU", "1"), "2027-01-19T18:00", 90, "FREQ=WEEKLY;BYDAY=TU");
    assert_schedule(schedule_of("weekly", "2027-01-19", "TU", "1"), "2027-01-19T18:00", 90, "FREQ=WEEKLY;BYDAY=TU");
    assert_schedule(schedule_of("biweekly", "2027-01-14", "SA", "1"), "2027-01-16T18:00", 90,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA");
    /* The second Tuesday of January 2027 is the 12th: past the 14th, so February's 9th. */
    assert_schedule(schedule_of("monthly", "2027-01-14", "TU", "2"), "2027-02-09T18:00", 90,
        "FREQ=MONTHLY;BYDAY=2TU");
    /* The last Friday of January 2027 is the 29th; of February, the 26th. */
    assert_schedule(schedule_of("monthly", "2027-01-14", "FR", "-1"), "2027-01-29T18:00", 90,
        "FREQ=MONTHLY;BYDAY=-1FR");
    assert_schedule(schedule_of("monthly", "2027-01-30", "FR", "-1"), "2027-02-26T18:00", 90,
        "FREQ=MONTHLY;BYDAY=-1FR");
    assert_schedule(schedule_of("single", "2027-03-01", "MO", "1"), "2027-03-01T18:00", 90, NULL);
    /* A camp: from the first day's start to the last day's end. */
    assert_schedule(schedule_of("camp", "2027-06-04", "MO", "1"), "2027-06-04T18:00", 2 * 24 * 60 + 90, NULL);
    json_t *none = schedule_of("none", "", "", "");
    assert_true(json_is_null(none));
}

static void test_builder_blames_its_fields(void **state)
{
    (void)state;
    json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "sched_kind", "weekly", "sched_date", "2027-02-30",
        "sched_weekday", "XX", "sched_time", "18:00", "sched_end_time", "17:00", "sched_count", "0");
    json_t *errs = json_array();
    assert_null(web_schedule_from_form(form, errs));
    char all[256] = "";
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e) {
        strcat(all, json_string_value(json_object_get(e, "field")));
        strcat(all, " ");
    }
    assert_string_equal(all, "sched_date sched_weekday sched_count ");
    json_decref(errs);
    json_decref(form);
}

/* A stored schedule comes back as the choice that makes it. */
static void round_trip(const char *start, int minutes, const char *rrule, const char *kind)
{
    json_t *stored = json_pack("{s:s, s:i, s:s, s:s?}", "start", start, "duration_minutes", minutes, "timezone",
        "Europe/Helsinki", "rrule", rrule);
    json_t *form = json_object();
    web_schedule_to_form(stored, form);
    assert_string_equal(json_string_value(json_object_get(form, "sched_kind")), kind);
    json_t *errs = json_array(), *again = web_schedule_from_form(form, errs);
    assert_true(json_equal(again, stored));
    json_decref(again);
    json_decref(errs);
    json_decref(form);
    json_decref(stored);
}

static void test_stored_schedules_read_back(void **state)
{
    (void)state;
    round_trip("2027-01-19T18:00", 90, "FREQ=WEEKLY;BYDAY=TU", "weekly");
    round_trip("2027-01-19T18:00", 90, "FREQ=WEEKLY;BYDAY=TU;COUNT=10", "weekly");
    round_trip("2027-01-16T10:00", 120, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "biweekly");
    round_trip("2027-02-09T18:00", 90, "FREQ=MONTHLY;BYDAY=2TU", "monthly");
    round_trip("2027-01-29T18:00", 90, "FREQ=MONTHLY;BYDAY=-1FR", "monthly");
    round_trip("2027-03-01T18:00", 90, NULL, "single");
    round_trip("2027-06-04T16:00", 2 * 24 * 60 - 120, NULL, "camp");
    round_trip("2027-01-18T18:00", 90, "FREQ=WEEKLY;BYDAY=MO,TH", "custom");
    round_trip("2027-01-18T18:00", 90, "FREQ=DAILY;COUNT=5", "custom");
}

static void test_form_body_and_blame(void **state)
{
    (void)state;
    json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Ilta", "kind",
        "peer_group", "access", "closed", "modality", "in_person", "capacity", "12", "language_fi", "yes",
        "languages_other", "smn, ru", "topics", " jaksaminen ,, vertaistuki ", "location_name", "Kirjasto",
        "sched_kind", "none");
    json_t *errs = json_array(), *body = web_group_body_from_form(form, errs);
    assert_non_null(body);
    assert_int_equal(json_integer_value(json_object_get(body, "capacity")), 12);
    assert_true(json_is_null(json_object_get(body, "cost")));
    assert_int_equal(json_array_size(json_object_get(body, "languages")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(body, "topics"), 1)), "vertaistuki");
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "location"), "name")), "Kirjasto");
    assert_true(json_is_null(json_object_get(body, "schedule")));
    json_decref(body);
    json_object_set_new(form, "capacity", json_string("12 paikkaa"));
    assert_null(web_group_body_from_form(form, errs));
    assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "field")), "capacity");
    const char *field, *key;
    web_group_form_blame("location.municipality", form, &field, &key);
    assert_string_equal(field, "municipality");
    assert_string_equal(key, "gf_err_municipality");
    web_group_form_blame("schedule.rrule", form, &field, &key);
    assert_string_equal(field, "sched_kind");
    web_group_form_blame("registration.closes", form, &field, &key);
    assert_string_equal(field, "registration_closes");
    json_decref(errs);
    json_decref(form);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_rules),
        cmocka_unit_test(test_builder_blames_its_fields),
        cmocka_unit_test(test_stored_schedules_read_back),
        cmocka_unit_test(test_form_body_and_blame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
