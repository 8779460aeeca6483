/* SPDX-License-Identifier: Apache-2.0 */
/* Schedules: checking start, duration, zone, rule and exdates, field by field,
 * into the plan that expand.c walks; and the checked rule as a feed shows it. */
#include "cal-internal.h"

#include <stdlib.h>

/* Ten years: a rule whose first occurrence is further away is not a schedule. */
#define SCHEDULE_FIRST_WITHIN (10 * 366 * (int64_t)CAL_DAY)

static int plan_start(const char *text, struct cal_plan *p, struct cal_error *err)
{
    struct cal_civil c;

    if (text == NULL || cal_civil_parse_local(text, &c) < 0)
        return cal_error_set(
            err, "schedule.start", "must be a local time YYYY-MM-DDTHH:MM[:SS] without an offset");
    if (c.year < CAL_YEAR_MIN || c.year > CAL_YEAR_MAX)
        return cal_error_set(
            err, "schedule.start", "must be in the years %d to %d", CAL_YEAR_MIN, CAL_YEAR_MAX);
    p->start_wall = cal_civil_to_wall(&c);
    return 0;
}

static int plan_duration(int minutes, struct cal_plan *p, struct cal_error *err)
{
    if (minutes < 1 || minutes > CAL_DURATION_MAX)
        return cal_error_set(
            err, "schedule.duration_minutes", "must be from 1 to %d minutes", CAL_DURATION_MAX);
    p->duration = (int64_t)minutes * 60;
    return 0;
}

static int plan_zone(const char *tzid, struct cal_plan *p, struct cal_error *err)
{
    p->zone = cal_tz_find(tzid);
    if (p->zone == NULL)
        return cal_error_set(
            err, "schedule.timezone", "is not an IANA time zone we know, such as Europe/Helsinki");
    return 0;
}

/* The start must be the rule's first occurrence: for any other start Google
 * adds it as an extra occurrence, libical skips it and python's
 * recurring-ical-events counts COUNT after it. */
static int plan_first_occurrence(const struct cal_plan *p, struct cal_error *err)
{
    icalrecur_iterator *it =
        cal_rrule_iterator(&p->rrule, p->start_wall, p->start_wall + SCHEDULE_FIRST_WITHIN);
    int64_t first;
    char text[CAL_LOCAL_LEN];

    if (it == NULL)
        return cal_error_set(err, "schedule.rrule", "is not a rule libical can expand");
    bool found = cal_rrule_next(it, &first);
    icalrecur_iterator_free(it);
    if (!found)
        return cal_error_set(
            err, "schedule.rrule", "has no occurrence in the ten years after the start");
    if (first == p->start_wall)
        return 0;
    cal_civil_format_local(first, text);
    return cal_error_set(err, "schedule.start",
        "is not an occurrence of the rule; its first occurrence is %s", text);
}

static int plan_rule(const char *text, struct cal_plan *p, struct cal_error *err)
{
    p->recurring = text != NULL;
    if (!p->recurring)
        return 0;
    if (cal_rrule_parse(text, &p->rrule, err) < 0)
        return -1;
    switch (p->rrule.until_kind) {
    case CAL_UNTIL_NONE:
        break;
    case CAL_UNTIL_UTC:
        p->until_utc = p->rrule.until;
        break;
    case CAL_UNTIL_WALL:
    case CAL_UNTIL_DATE:
        p->until_utc = cal_tz_wall_to_utc(p->zone, p->rrule.until);
        break;
    }
    if (p->rrule.until_kind != CAL_UNTIL_NONE &&
        p->until_utc < cal_tz_wall_to_utc(p->zone, p->start_wall))
        return cal_error_set(err, "schedule.rrule", "UNTIL is before the start");
    return plan_first_occurrence(p, err);
}

static int plan_wall_compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int plan_exdates(const char *const *exdates, struct cal_plan *p, struct cal_error *err)
{
    struct cal_civil c;

    p->exdate_count = 0;
    for (size_t i = 0; exdates != NULL && exdates[i] != NULL; i++) {
        if (i == CAL_EXDATES_MAX)
            return cal_error_set(
                err, "schedule.exdates", "has more than %d dates", CAL_EXDATES_MAX);
        if (cal_civil_parse_local(exdates[i], &c) < 0)
            return cal_error_set(err, "schedule.exdates",
                "item %zu must be a local time YYYY-MM-DDTHH:MM[:SS] without an offset", i);
        p->exdates[p->exdate_count++] = cal_civil_to_wall(&c);
    }
    qsort(p->exdates, p->exdate_count, sizeof(p->exdates[0]), plan_wall_compare);
    return 0;
}

int cal_schedule_plan(const struct cal_schedule *s, struct cal_plan *p, struct cal_error *err)
{
    if (plan_start(s->start_local, p, err) < 0 || plan_duration(s->duration_minutes, p, err) < 0 ||
        plan_zone(s->timezone, p, err) < 0 || plan_rule(s->rrule, p, err) < 0 ||
        plan_exdates(s->exdates, p, err) < 0)
        return -1;
    return 0;
}

int cal_schedule_validate(const struct cal_schedule *s, struct cal_error *err)
{
    struct cal_plan p;

    return cal_schedule_plan(s, &p, err);
}

int cal_schedule_feed_rrule(
    const struct cal_schedule *s, char *out, size_t size, struct cal_error *err)
{
    struct cal_plan p;

    if (cal_schedule_plan(s, &p, err) < 0)
        return -1;
    if (!p.recurring)
        return cal_error_set(err, "schedule.rrule", "a one-off has no rule");
    return cal_rrule_text_utc(&p.rrule, p.until_utc, out, size, err);
}
