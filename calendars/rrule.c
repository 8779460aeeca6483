/* SPDX-License-Identifier: Apache-2.0 */
/* RRULE text: our limits on top of libical's parser, iterating its wall times,
 * and the rule as a feed shows it. */
#include "cal-internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RRULE_FIELD "schedule.rrule"

struct rrule_part;
/* Checks one part's value; 0 or -1 with err filled. */
typedef int (*rrule_check_fn)(
    const struct rrule_part *part, const char *value, size_t len, struct cal_error *err);

struct rrule_part {
    const char *name;
    rrule_check_fn check; /* NULL: libical checks the value */
    int max;              /* rrule_check_number */
    const char *why;      /* rrule_refuse */
};

/* A number from 1 to max: libical keeps INTERVAL in a short, 70000 wraps. */
static int rrule_check_number(
    const struct rrule_part *part, const char *value, size_t len, struct cal_error *err)
{
    int v = 0;

    if (len == 0 || len > 4 || !cal_civil_parse_digits(value, (int)len, &v) || v < 1 ||
        v > part->max)
        return cal_error_set(
            err, RRULE_FIELD, "%s must be a number from 1 to %d", part->name, part->max);
    return 0;
}

/* YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ: libical also takes
 * "20261231T+40000Z". */
static int rrule_check_until(
    const struct rrule_part *part, const char *value, size_t len, struct cal_error *err)
{
    int d;
    bool ok = (len == 8 || len == 15 || len == 16) && cal_civil_parse_digits(value, 8, &d);

    if (ok && len > 8)
        ok = value[8] == 'T' && cal_civil_parse_digits(value + 9, 6, &d) &&
             (len == 15 || value[15] == 'Z');
    if (!ok)
        return cal_error_set(err, RRULE_FIELD,
            "UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ (UTC) or YYYYMMDDTHHMMSS (local)");
    return 0;
}

/* Valid RFC 5545 that Piiri does not take. */
static int rrule_refuse(
    const struct rrule_part *part, const char *value, size_t len, struct cal_error *err)
{
    return cal_error_set(err, RRULE_FIELD, "%s is not supported: %s", part->name, part->why);
}

static const struct rrule_part rrule_parts[] = {
    { "FREQ", NULL, 0, NULL },
    { "UNTIL", rrule_check_until, 0, NULL },
    { "COUNT", rrule_check_number, CAL_COUNT_MAX, NULL },
    { "INTERVAL", rrule_check_number, CAL_INTERVAL_MAX, NULL },
    { "BYDAY", NULL, 0, NULL },
    { "BYMONTHDAY", NULL, 0, NULL },
    { "BYYEARDAY", NULL, 0, NULL },
    { "BYWEEKNO", NULL, 0, NULL },
    { "BYMONTH", NULL, 0, NULL },
    { "BYSETPOS", NULL, 0, NULL },
    { "WKST", NULL, 0, NULL },
    { "BYHOUR", rrule_refuse, 0, "the time of day is the start's" },
    { "BYMINUTE", rrule_refuse, 0, "the time of day is the start's" },
    { "BYSECOND", rrule_refuse, 0, "the time of day is the start's" },
    { "RSCALE", rrule_refuse, 0, "the calendar is Gregorian" },
    { "SKIP", rrule_refuse, 0, "the calendar is Gregorian" },
};
#define RRULE_PARTS (sizeof(rrule_parts) / sizeof(rrule_parts[0]))

static const struct rrule_part *rrule_part_find(const char *name, size_t len)
{
    for (size_t i = 0; i < RRULE_PARTS; i++) {
        if (strlen(rrule_parts[i].name) == len && strncasecmp(rrule_parts[i].name, name, len) == 0)
            return &rrule_parts[i];
    }
    return NULL;
}

static unsigned rrule_bit(const char *name)
{
    return 1u << (rrule_part_find(name, strlen(name)) - rrule_parts);
}

/* Only what an RRULE value can hold reaches libical, so messages may quote it. */
static bool rrule_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '=' ||
           c == ';' || c == ',' || c == '+' || c == '-';
}

/* One "NAME=VALUE"; *seen collects the parts met so far, by table index. */
static int rrule_check_part(const char *text, size_t len, unsigned *seen, struct cal_error *err)
{
    const char *eq = memchr(text, '=', len);

    if (eq == NULL)
        return cal_error_set(
            err, RRULE_FIELD, "\"%.*s\" is not NAME=VALUE", (int)(len > 20 ? 20 : len), text);
    const struct rrule_part *part = rrule_part_find(text, (size_t)(eq - text));
    if (part == NULL)
        return cal_error_set(err, RRULE_FIELD, "unknown part \"%.*s\"",
            (int)(eq - text > 20 ? 20 : eq - text), text);
    unsigned bit = rrule_bit(part->name);
    if (*seen & bit)
        return cal_error_set(err, RRULE_FIELD, "%s is given twice", part->name);
    *seen |= bit;
    if (part->check == NULL)
        return 0;
    return part->check(part, eq + 1, len - (size_t)(eq - text) - 1, err);
}

static int rrule_check_text(const char *text, struct cal_error *err)
{
    size_t len = strnlen(text, CAL_RRULE_MAX + 1);
    unsigned seen = 0;

    if (len > CAL_RRULE_MAX)
        return cal_error_set(err, RRULE_FIELD, "is longer than %d bytes", CAL_RRULE_MAX);
    for (size_t i = 0; i < len; i++) {
        if (!rrule_char_ok(text[i]))
            return cal_error_set(err, RRULE_FIELD, "is not an RFC 5545 RRULE value");
    }
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, ";");
        if (n > 0 && rrule_check_part(p, n, &seen, err) < 0)
            return -1;
        p += n + (p[n] == ';');
    }
    if ((seen & rrule_bit("UNTIL")) && (seen & rrule_bit("COUNT")))
        return cal_error_set(err, RRULE_FIELD, "UNTIL and COUNT cannot both be given");
    return 0;
}

/* Values of a BY* array: they end at ICAL_RECURRENCE_ARRAY_MAX unless full. */
static size_t rrule_by_len(const short *by, size_t size)
{
    size_t n = 0;

    while (n < size && by[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

#define BY_LEN(r, field) rrule_by_len((r)->field, sizeof((r)->field) / sizeof((r)->field[0]))

static bool rrule_has(const short *by)
{
    return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

static bool rrule_monthly_or_yearly(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_MONTHLY_RECURRENCE || r->freq == ICAL_YEARLY_RECURRENCE;
}

static bool rrule_bad_month(const struct icalrecurrencetype *r)
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
static bool rrule_bad_numbered_day(const struct icalrecurrencetype *r)
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

static bool rrule_weekly_month_day(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_WEEKLY_RECURRENCE && rrule_has(r->by_month_day);
}

/* libical's DAILY iterator never matches "-1". */
static bool rrule_daily_negative_month_day(const struct icalrecurrencetype *r)
{
    for (size_t i = 0; r->freq == ICAL_DAILY_RECURRENCE && i < BY_LEN(r, by_month_day); i++) {
        if (r->by_month_day[i] < 0)
            return true;
    }
    return false;
}

/* libical reads it in the start's month only, dateutil in every month. */
static bool rrule_yearly_month_day_alone(const struct icalrecurrencetype *r)
{
    return r->freq == ICAL_YEARLY_RECURRENCE && rrule_has(r->by_month_day) &&
           !rrule_has(r->by_month);
}

static bool rrule_year_day_not_yearly(const struct icalrecurrencetype *r)
{
    return r->freq != ICAL_YEARLY_RECURRENCE && rrule_has(r->by_year_day);
}

/* libical refuses to iterate these. */
static bool rrule_year_day_with_month(const struct icalrecurrencetype *r)
{
    return rrule_has(r->by_year_day) && rrule_has(r->by_month);
}

/* libical 3.0.16 gets week numbers wrong: a BYDAY=MO that lands on Tuesdays,
 * week 1 of 2026 without 2026-01-01. */
static bool rrule_week_no(const struct icalrecurrencetype *r)
{
    return rrule_has(r->by_week_no);
}

/* BYSETPOS picks from a set; libical 3.0.16 builds that set wrongly when its
 * members overlap ("3,-28" in a 30-day month, "1MO,MO") and ignores it in
 * WEEKLY. Plain weekdays cannot overlap, so only they are taken. */
static bool rrule_bad_set_pos(const struct icalrecurrencetype *r)
{
    unsigned days = 0;

    if (!rrule_has(r->by_set_pos))
        return false;
    if (!rrule_monthly_or_yearly(r) || !rrule_has(r->by_day) || rrule_has(r->by_month_day) ||
        rrule_has(r->by_year_day))
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
static bool rrule_month_days_never(const struct icalrecurrencetype *r)
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
    { rrule_bad_month, "BYMONTH must be 1 to 12" },
    { rrule_bad_numbered_day, "a numbered BYDAY needs FREQ=MONTHLY (1 to 5) or YEARLY (1 to 53)" },
    { rrule_weekly_month_day, "BYMONTHDAY cannot be used with FREQ=WEEKLY" },
    { rrule_daily_negative_month_day, "a negative BYMONTHDAY needs FREQ=MONTHLY or YEARLY" },
    { rrule_yearly_month_day_alone, "BYMONTHDAY with FREQ=YEARLY needs BYMONTH" },
    { rrule_year_day_not_yearly, "BYYEARDAY needs FREQ=YEARLY" },
    { rrule_year_day_with_month, "BYYEARDAY cannot be combined with BYMONTH" },
    { rrule_week_no, "BYWEEKNO is not supported: libical expands it wrongly" },
    { rrule_bad_set_pos, "BYSETPOS (1 to 366 or -1 to -366) needs FREQ=MONTHLY or YEARLY and "
                         "a BYDAY of distinct weekdays without numbers" },
    { rrule_month_days_never, "no month in BYMONTH has those BYMONTHDAYs" },
};

static int rrule_check_by_parts(const struct icalrecurrencetype *r, struct cal_error *err)
{
    for (size_t i = 0; i < sizeof(rrule_by_rules) / sizeof(rrule_by_rules[0]); i++) {
        if (rrule_by_rules[i].broken(r))
            return cal_error_set(err, RRULE_FIELD, "%s", rrule_by_rules[i].message);
    }
    return 0;
}

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
    if (rrule_check_text(text, err) < 0)
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
    if (rrule_check_by_parts(&r->ical, err) < 0 || rrule_take_until(r, err) < 0)
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

bool cal_rrule_next(icalrecur_iterator *it, int64_t *wall)
{
    struct icaltimetype t = icalrecur_iterator_next(it);
    struct cal_civil c = { t.year, t.month, t.day, t.hour, t.minute, t.second };

    if (icaltime_is_null_time(t) || !cal_civil_valid(&c))
        return false;
    *wall = cal_civil_to_wall(&c);
    return true;
}

int cal_rrule_for_feed(const struct cal_schedule *s, char *out, size_t size, struct cal_error *err)
{
    struct cal_plan p;

    if (cal_schedule_plan(s, &p, err) < 0)
        return -1;
    if (!p.recurring)
        return cal_error_set(err, RRULE_FIELD, "a one-off has no rule");
    struct icalrecurrencetype rule = p.rrule.ical;
    rule.count = p.rrule.count;
    if (p.rrule.until_kind != CAL_UNTIL_NONE)
        rule.until = rrule_ical_time(p.until_utc, icaltimezone_get_utc_timezone());
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
