/* SPDX-License-Identifier: Apache-2.0 */
/* RRULE text: our limits on top of libical's parser, iterating its wall times,
 * and a parsed rule written out again with UNTIL in UTC (for feeds). */
#include "cal-internal.h"

#include <stdlib.h>
#include <string.h>

#define RRULE_FIELD "schedule.rrule"

static int rrule_take_until(struct cal_rrule *r, struct cal_error *err)
{
    struct icaltimetype u = r->ical.until;
    struct cal_civil c = { u.year, u.month, u.day, u.hour, u.minute, u.second };

    r->until_kind = CAL_UNTIL_NONE;
    if (icaltime_is_null_time(u))
        return 0;
    if (!cal_civil_valid(&c)) /* libical takes UNTIL=20261301 */
        return cal_error_set(err, RRULE_FIELD, "UNTIL is not a valid date");
    r->until = cal_civil_to_wall(&c);
    if (u.is_date) {
        r->until_kind = CAL_UNTIL_DATE;
        r->until += CAL_DAY - 1;
    } else {
        r->until_kind = icaltime_is_utc(u) ? CAL_UNTIL_UTC : CAL_UNTIL_WALL;
    }
    return 0;
}

int cal_rrule_parse(const char *text, struct cal_rrule *r, struct cal_error *err)
{
    if (cal_rrule_check_text(text, err) < 0)
        return -1;
    icalerror_clear_errno();
    r->ical = icalrecurrencetype_from_string(text);
    if (icalerrno != ICAL_NO_ERROR || r->ical.freq == ICAL_NO_RECURRENCE) {
        icalerror_clear_errno();
        return cal_error_set(err, RRULE_FIELD, "is not a valid RFC 5545 RRULE");
    }
    if (r->ical.freq == ICAL_SECONDLY_RECURRENCE || r->ical.freq == ICAL_MINUTELY_RECURRENCE ||
        r->ical.freq == ICAL_HOURLY_RECURRENCE)
        return cal_error_set(err, RRULE_FIELD, "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
    if (cal_rrule_check_by(&r->ical, err) < 0 || rrule_take_until(r, err) < 0)
        return -1;
    r->count = r->ical.count;
    r->ical.count = 0;
    r->ical.until = icaltime_null_time();
    return 0;
}

static struct icaltimetype rrule_ical_time(int64_t wall, icaltimezone *zone)
{
    struct icaltimetype t = icaltime_null_time();
    struct cal_civil c;

    cal_civil_from_wall(wall, &c);
    t.year = c.year;
    t.month = c.month;
    t.day = c.day;
    t.hour = c.hour;
    t.minute = c.minute;
    t.second = c.second;
    t.zone = zone;
    return t;
}

/* Floating times on purpose: with a zone on DTSTART, libical 3.0.16 moves a
 * 03:30 in the spring gap to 04:30 and keeps 04:30 for every later week. */
icalrecur_iterator *cal_rrule_iterator(
    const struct cal_rrule *r, int64_t start_wall, int64_t bound_wall)
{
    struct icalrecurrencetype rule = r->ical;

    rule.until = rrule_ical_time(bound_wall, NULL);
    icalerror_clear_errno();
    icalrecur_iterator *it = icalrecur_iterator_new(rule, rrule_ical_time(start_wall, NULL));
    icalerror_clear_errno();
    return it;
}

/* Jump to wall times from skip_wall on (icalrecur_iterator_set_start, which
 * libical allows without COUNT only; checked against full iteration over
 * thousands of random rules and windows). Returns false if libical refused,
 * leaving the iterator unusable. */
bool cal_rrule_skip(icalrecur_iterator *it, int64_t skip_wall)
{
    icalerror_clear_errno();
    int ok = icalrecur_iterator_set_start(it, rrule_ical_time(skip_wall, NULL));
    icalerror_clear_errno();
    return ok != 0;
}

bool cal_rrule_next(icalrecur_iterator *it, int64_t *wall)
{
    struct icaltimetype t = icalrecur_iterator_next(it);
    struct cal_civil c = { t.year, t.month, t.day, t.hour, t.minute, t.second };

    if (icaltime_is_null_time(t) || !cal_civil_valid(&c))
        return false;
    *wall = cal_civil_to_wall(&c);
    return true;
}

int cal_rrule_text_utc(
    const struct cal_rrule *r, int64_t until_utc, char *out, size_t size, struct cal_error *err)
{
    struct icalrecurrencetype rule = r->ical;
    rule.count = r->count;
    if (r->until_kind != CAL_UNTIL_NONE)
        rule.until = rrule_ical_time(until_utc, icaltimezone_get_utc_timezone());
    char *text = icalrecurrencetype_as_string_r(&rule);
    if (text == NULL)
        abort(); /* out of memory */
    size_t len = strlen(text);
    int rc = len < size ? 0 : cal_error_set(err, RRULE_FIELD, "the rule does not fit");
    if (rc == 0)
        memcpy(out, text, len + 1);
    icalmemory_free_buffer(text);
    return rc;
}
