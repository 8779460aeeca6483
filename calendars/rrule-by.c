/* SPDX-License-Identifier: Apache-2.0 */
/* RRULE BY* parts: which go with which FREQ (RFC 5545 3.3.10), and the
 * combinations libical 3.0.16 expands wrongly, found by comparing its
 * occurrences with python-dateutil's over thousands of random rules. */
#include "cal-internal.h"

#include <stdlib.h>

/* Values of a BY* array: they end at ICAL_RECURRENCE_ARRAY_MAX unless full. */
static size_t rrule_by_len(const short *by, size_t size)
{
    size_t n = 0;

    while (n < size && by[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

#define BY_LEN(r, field) rrule_by_len((r)->field, sizeof((r)->field) / sizeof((r)->field[0]))

static bool rrule_by_has(const short *by)
{
    return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

static bool rrule_by_monthly_or_yearly(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_MONTHLY_RECURRENCE || r->freq == ICAL_YEARLY_RECURRENCE;
}

static bool rrule_by_bad_month(const struct icalrecurrencetype *r)
{
    for (size_t i = 0; i < BY_LEN(r, by_month); i++) {
        int m = icalrecurrencetype_month_month(r->by_month[i]);
        if (icalrecurrencetype_month_is_leap(r->by_month[i]) || m < 1 || m > 12)
            return true;
    }
    return false;
}

/* "1TU" and "-1FR": MONTHLY up to 5, YEARLY up to 53; libical runs the others
 * anyway (a WEEKLY "8MO" starts on a Tuesday). */
static bool rrule_by_bad_numbered_day(const struct icalrecurrencetype *r)
{
    for (size_t i = 0; i < BY_LEN(r, by_day); i++) {
        int pos = abs(icalrecurrencetype_day_position(r->by_day[i]));
        if (pos == 0)
            continue;
        if (!(r->freq == ICAL_MONTHLY_RECURRENCE && pos <= 5) &&
            !(r->freq == ICAL_YEARLY_RECURRENCE && pos <= 53))
            return true;
    }
    return false;
}

static bool rrule_by_weekly_month_day(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_WEEKLY_RECURRENCE && rrule_by_has(r->by_month_day);
}

/* libical's DAILY iterator never matches "-1". */
static bool rrule_by_daily_negative_month_day(const struct icalrecurrencetype *r)
{
    for (size_t i = 0; r->freq == ICAL_DAILY_RECURRENCE && i < BY_LEN(r, by_month_day); i++) {
        if (r->by_month_day[i] < 0)
            return true;
    }
    return false;
}

/* libical reads it in the start's month only, dateutil in every month. */
static bool rrule_by_yearly_month_day_alone(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_YEARLY_RECURRENCE && rrule_by_has(r->by_month_day) &&
           !rrule_by_has(r->by_month);
}

static bool rrule_by_year_day_not_yearly(const struct icalrecurrencetype *r)
{
    return r->freq != ICAL_YEARLY_RECURRENCE && rrule_by_has(r->by_year_day);
}

/* libical refuses to iterate these. */
static bool rrule_by_year_day_with_month(const struct icalrecurrencetype *r)
{
    return rrule_by_has(r->by_year_day) && rrule_by_has(r->by_month);
}

/* libical 3.0.16 gets week numbers wrong: a BYDAY=MO that lands on Tuesdays,
 * week 1 of 2026 without 2026-01-01. */
static bool rrule_by_week_no(const struct icalrecurrencetype *r)
{
    return rrule_by_has(r->by_week_no);
}

/* BYSETPOS picks from a set; libical 3.0.16 builds that set wrongly when its
 * members overlap ("3,-28" in a 30-day month, "1MO,MO") and ignores it in
 * WEEKLY. Plain weekdays cannot overlap, so only they are taken. */
static bool rrule_by_bad_set_pos(const struct icalrecurrencetype *r)
{
    unsigned days = 0;

    if (!rrule_by_has(r->by_set_pos))
        return false;
    if (!rrule_by_monthly_or_yearly(r) || !rrule_by_has(r->by_day) ||
        rrule_by_has(r->by_month_day) || rrule_by_has(r->by_year_day))
        return true;
    for (size_t i = 0; i < BY_LEN(r, by_day); i++) {
        unsigned bit = 1u << icalrecurrencetype_day_day_of_week(r->by_day[i]);
        if (icalrecurrencetype_day_position(r->by_day[i]) != 0 || (days & bit))
            return true;
        days |= bit;
    }
    for (size_t i = 0; i < BY_LEN(r, by_set_pos); i++) {
        if (r->by_set_pos[i] == 0 || abs(r->by_set_pos[i]) > 366)
            return true;
    }
    return false;
}

/* Is there a month in BYMONTH (all, if none) that has one of the BYMONTHDAYs? */
static bool rrule_by_month_days_never(const struct icalrecurrencetype *r)
{
    size_t months = BY_LEN(r, by_month), days = BY_LEN(r, by_month_day);

    for (int m = 1; days > 0 && m <= 12; m++) {
        bool month_in = months == 0;
        for (size_t i = 0; i < months; i++)
            month_in |= icalrecurrencetype_month_month(r->by_month[i]) == m;
        for (size_t i = 0; month_in && i < days; i++) {
            if (abs(r->by_month_day[i]) <= cal_civil_month_days(2000, m))
                return false;
        }
    }
    return days > 0;
}

/* What RFC 5545 (3.3.10) forbids, and what libical 3.0.16 expands wrongly
 * (found by comparing with python-dateutil); each test is true when broken. */
static const struct rrule_by_rule {
    bool (*broken)(const struct icalrecurrencetype *r);
    const char *message;
} rrule_by_rules[] = {
    { rrule_by_bad_month, "BYMONTH must be 1 to 12" },
    { rrule_by_bad_numbered_day,
        "a numbered BYDAY needs FREQ=MONTHLY (1 to 5) or YEARLY (1 to 53)" },
    { rrule_by_weekly_month_day, "BYMONTHDAY cannot be used with FREQ=WEEKLY" },
    { rrule_by_daily_negative_month_day, "a negative BYMONTHDAY needs FREQ=MONTHLY or YEARLY" },
    { rrule_by_yearly_month_day_alone, "BYMONTHDAY with FREQ=YEARLY needs BYMONTH" },
    { rrule_by_year_day_not_yearly, "BYYEARDAY needs FREQ=YEARLY" },
    { rrule_by_year_day_with_month, "BYYEARDAY cannot be combined with BYMONTH" },
    { rrule_by_week_no, "BYWEEKNO is not supported: libical expands it wrongly" },
    { rrule_by_bad_set_pos, "BYSETPOS (1 to 366 or -1 to -366) needs FREQ=MONTHLY or YEARLY and "
                            "a BYDAY of distinct weekdays without numbers" },
    { rrule_by_month_days_never, "no month in BYMONTH has those BYMONTHDAYs" },
};

int cal_rrule_check_by(const struct icalrecurrencetype *r, struct cal_error *err)
{
    for (size_t i = 0; i < sizeof(rrule_by_rules) / sizeof(rrule_by_rules[0]); i++) {
        if (rrule_by_rules[i].broken(r))
            return cal_error_set(err, "schedule.rrule", "%s", rrule_by_rules[i].message);
    }
    return 0;
}
