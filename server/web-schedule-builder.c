/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule builder of the group form: plain choices (weekly on a
 * weekday, every other week, monthly on the n-th weekday, a single date, a
 * camp over several days, or a rule of one's own) made into the API's
 * schedule object, a stored schedule read back into the choices, and the
 * next meetings a schedule gives, for the form's preview. Pure: the dates
 * are counted here, the rules expanded by calendars/. */
#include "web-manage.h"

#include "cal.h"
#include "util.h"
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_codes[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };

struct day {
    int y, m, d;
};

static void blame(json_t *errs, const char *field)
{
    char key[48];
    snprintf(key, sizeof(key), "gf_err_%s", field);
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field, "key", key));
}

static const char *value(const json_t *form, const char *name)
{
    const char *v = json_string_value(json_object_get(form, name));
    return v != NULL ? v : "";
}

/* Days since 1970-01-01 of a Gregorian date (Hinnant's days_from_civil). */
static long days_of(struct day c)
{
    int y = c.m <= 2 ? c.y - 1 : c.y;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static struct day day_of(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    struct day c = { (int)(yoe + era * 400), (int)(mp < 10 ? mp + 3 : mp - 9),
        (int)(doy - (153 * mp + 2) / 5 + 1) };
    if (c.m <= 2)
        c.y++;
    return c;
}

static int weekday_of(long days)
{
    return (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

static int days_in_month(int y, int m)
{
    struct day next = { m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1 };
    return (int)(days_of(next) - days_of((struct day){ y, m, 1 }));
}

/* "2027-01-16": a real date from 2000 to 2199. */
static int parse_day(const char *s, struct day *c)
{
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &c->y, &c->m, &c->d, &n) != 3 || n != 10 || s[10] != '\0' ||
        c->y < 2000 || c->y > 2199 || c->m < 1 || c->m > 12 || c->d < 1 ||
        c->d > days_in_month(c->y, c->m))
        return -1;
    return 0;
}

/* "18:00" (or "18.00", as Finns write it): minutes from midnight. */
static int parse_time(const char *s, int *minutes)
{
    int h, m, n = 0;
    if ((sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 && sscanf(s, "%2d.%2d%n", &h, &m, &n) != 2) ||
        s[n] != '\0' || h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    *minutes = h * 60 + m;
    return 0;
}

static int day_code(const char *s)
{
    for (int i = 0; i < 7; i++) {
        if (strcmp(s, day_codes[i]) == 0)
            return i;
    }
    return -1;
}

/* The n-th (1..4, -1 the last) weekday wd of a month, its day of the month. */
static int nth_weekday(int y, int m, int nth, int wd)
{
    if (nth > 0) {
        int first = 1 + (wd - weekday_of(days_of((struct day){ y, m, 1 })) + 7) % 7;
        return first + 7 * (nth - 1);
    }
    int last = days_in_month(y, m);
    return last - (weekday_of(days_of((struct day){ y, m, last })) - wd + 7) % 7;
}

/* The first meeting on or after from: the weekday's (weekly), or the
 * month's n-th weekday (monthly, nth != 0). */
static struct day first_meeting(struct day from, int wd, int nth)
{
    if (nth == 0)
        return day_of(days_of(from) + (wd - weekday_of(days_of(from)) + 7) % 7);
    struct day c = { from.y, from.m, 0 };
    for (;;) {
        c.d = nth_weekday(c.y, c.m, nth, wd);
        if (days_of(c) >= days_of(from))
            return c;
        c.m = c.m == 12 ? 1 : c.m + 1;
        c.y += c.m == 1 ? 1 : 0;
    }
}

struct builder {
    const char *kind;
    struct day date, end_date;
    int start_min, end_min, wd, nth;
    long count;
};

/* The fields a choice needs, read; each one wrong is blamed. */
static int read_fields(const json_t *form, struct builder *b, json_t *errs)
{
    size_t before = json_array_size(errs);
    bool weekday_rule = strcmp(b->kind, "weekly") == 0 || strcmp(b->kind, "biweekly") == 0 ||
                        strcmp(b->kind, "monthly") == 0;
    if (parse_day(value(form, "sched_date"), &b->date) != 0)
        blame(errs, "sched_date");
    if (parse_time(value(form, "sched_time"), &b->start_min) != 0)
        blame(errs, "sched_time");
    if (parse_time(value(form, "sched_end_time"), &b->end_min) != 0)
        blame(errs, "sched_end_time");
    if (strcmp(b->kind, "camp") == 0 && parse_day(value(form, "sched_end_date"), &b->end_date) != 0)
        blame(errs, "sched_end_date");
    if (weekday_rule && (b->wd = day_code(value(form, "sched_weekday"))) < 0)
        blame(errs, "sched_weekday");
    if (strcmp(b->kind, "monthly") == 0) {
        b->nth = atoi(value(form, "sched_nth"));
        if (b->nth < -1 || b->nth > 4 || b->nth == 0)
            blame(errs, "sched_nth");
    }
    const char *count = value(form, "sched_count");
    char *end;
    b->count = 0;
    if (weekday_rule && count[0] != '\0' &&
        ((b->count = strtol(count, &end, 10)) < 1 || b->count > CAL_COUNT_MAX || *end != '\0'))
        blame(errs, "sched_count");
    if (strcmp(b->kind, "custom") == 0 && value(form, "sched_rrule")[0] == '\0')
        blame(errs, "sched_rrule");
    return json_array_size(errs) == before ? 0 : -1;
}

/* How long a meeting lasts: to the end time the same day, or for a camp to
 * its last day's end time. */
static int duration_of(const struct builder *b, json_t *errs)
{
    long minutes = b->end_min - b->start_min;
    if (strcmp(b->kind, "camp") == 0)
        minutes += (days_of(b->end_date) - days_of(b->date)) * 24 * 60;
    if (minutes <= 0 || minutes > CAL_DURATION_MAX) {
        blame(errs, strcmp(b->kind, "camp") == 0 ? "sched_end_date" : "sched_end_time");
        return -1;
    }
    return (int)minutes;
}

static char *rule_of(const struct builder *b, const json_t *form)
{
    char count[40] = "";
    if (b->count > 0)
        snprintf(count, sizeof(count), ";COUNT=%ld", b->count);
    if (strcmp(b->kind, "weekly") == 0)
        return xasprintf("FREQ=WEEKLY;BYDAY=%s%s", day_codes[b->wd], count);
    if (strcmp(b->kind, "biweekly") == 0)
        return xasprintf("FREQ=WEEKLY;INTERVAL=2;BYDAY=%s%s", day_codes[b->wd], count);
    if (strcmp(b->kind, "monthly") == 0)
        return xasprintf("FREQ=MONTHLY;BYDAY=%d%s%s", b->nth, day_codes[b->wd], count);
    if (strcmp(b->kind, "custom") == 0)
        return xstrdup(value(form, "sched_rrule"));
    return NULL;
}

json_t *web_schedule_from_form(const json_t *form, json_t *errs)
{
    static const char *const kinds[] = { "weekly", "biweekly", "monthly", "single", "camp",
        "custom", NULL };
    struct builder b = { .kind = value(form, "sched_kind") };
    if (b.kind[0] == '\0' || strcmp(b.kind, "none") == 0)
        return json_null();
    bool known = false;
    for (int i = 0; kinds[i] != NULL; i++)
        known = known || strcmp(kinds[i], b.kind) == 0;
    if (!known) {
        blame(errs, "sched_kind");
        return NULL;
    }
    int duration;
    if (read_fields(form, &b, errs) != 0 || (duration = duration_of(&b, errs)) < 0)
        return NULL;
    struct day first = b.date;
    if (b.wd >= 0 && (strcmp(b.kind, "weekly") == 0 || strcmp(b.kind, "biweekly") == 0))
        first = first_meeting(b.date, b.wd, 0);
    else if (strcmp(b.kind, "monthly") == 0)
        first = first_meeting(b.date, b.wd, b.nth);
    char start[48];
    snprintf(start, sizeof(start), "%04d-%02d-%02dT%02d:%02d", first.y, first.m, first.d,
        b.start_min / 60, b.start_min % 60);
    char *rrule = rule_of(&b, form);
    const char *tz = value(form, "timezone");
    json_t *s = json_pack("{s:s, s:i, s:s, s:s?}", "start", start, "duration_minutes", duration,
        "timezone", tz[0] ? tz : CAL_DEFAULT_TIMEZONE, "rrule", rrule);
    free(rrule);
    return s;
}

/* ---- a stored schedule as the builder's choices ---- */

struct parsed_rule {
    char freq[12];
    int interval, wd, nth;
    long count;
    bool other; /* a part the builder has no choice for */
};

static void parse_rule(const char *rrule, struct parsed_rule *r)
{
    char *copy = xstrdup(rrule), *save = NULL;
    *r = (struct parsed_rule){ .interval = 1, .wd = -1 };
    for (char *part = strtok_r(copy, ";", &save); part != NULL; part = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(part, '=');
        if (eq == NULL) {
            r->other = true;
            continue;
        }
        *eq = '\0';
        const char *v = eq + 1;
        char *end;
        if (strcmp(part, "FREQ") == 0)
            snprintf(r->freq, sizeof(r->freq), "%s", v);
        else if (strcmp(part, "INTERVAL") == 0)
            r->interval = (int)strtol(v, &end, 10);
        else if (strcmp(part, "COUNT") == 0)
            r->count = strtol(v, &end, 10);
        else if (strcmp(part, "BYDAY") == 0) {
            r->nth = (int)strtol(v, &end, 10);
            r->wd = day_code(end);
        } else
            r->other = true;
    }
    free(copy);
}

/* Which choice a rule is: weekly, biweekly, monthly, or NULL (custom). */
static const char *choice_of(const struct parsed_rule *r, int start_wd, const struct day *start)
{
    if (r->other || r->wd != start_wd)
        return NULL;
    if (strcmp(r->freq, "WEEKLY") == 0 && r->nth == 0 && (r->interval == 1 || r->interval == 2))
        return r->interval == 1 ? "weekly" : "biweekly";
    if (strcmp(r->freq, "MONTHLY") == 0 && r->interval == 1 && r->nth != 0 &&
        nth_weekday(start->y, start->m, r->nth, r->wd) == start->d)
        return "monthly";
    return NULL;
}

static void set(json_t *form, const char *name, const char *v)
{
    json_object_set_new(form, name, json_string(v));
}

static void set_rule(
    json_t *form, const char *rrule, const struct day *start, long start_days, long end_days)
{
    struct parsed_rule r;
    parse_rule(rrule, &r);
    const char *choice =
        end_days == start_days ? choice_of(&r, weekday_of(start_days), start) : NULL;
    char n[24];
    if (r.wd < 0 || r.wd > 6)
        choice = NULL;
    set(form, "sched_kind", choice != NULL ? choice : "custom");
    if (choice == NULL) {
        set(form, "sched_rrule", rrule);
        return;
    }
    set(form, "sched_weekday", day_codes[r.wd]);
    snprintf(n, sizeof(n), "%d", r.nth != 0 ? r.nth : 1);
    set(form, "sched_nth", n);
    if (r.count > 0) {
        snprintf(n, sizeof(n), "%ld", r.count);
        set(form, "sched_count", n);
    }
}

void web_schedule_to_form(const json_t *schedule, json_t *form)
{
    struct web_wall w;
    const char *start = json_string_value(json_object_get(schedule, "start"));
    if (!json_is_object(schedule) || web_wall_parse(start, &w) != 0) {
        set(form, "sched_kind", "none");
        return;
    }
    const char *rrule = json_string_value(json_object_get(schedule, "rrule"));
    const char *tz = json_string_value(json_object_get(schedule, "timezone"));
    long minutes = (long)json_integer_value(json_object_get(schedule, "duration_minutes"));
    struct day d = { w.year, w.month, w.day };
    long start_days = days_of(d), end_abs = w.hour * 60 + w.minute + minutes;
    struct day end = day_of(start_days + end_abs / (24 * 60));
    char buf[24];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.y, d.m, d.d);
    set(form, "sched_date", buf);
    snprintf(buf, sizeof(buf), "%02d:%02d", w.hour, w.minute);
    set(form, "sched_time", buf);
    snprintf(buf, sizeof(buf), "%02d:%02d", (int)(end_abs / 60 % 24), (int)(end_abs % 60));
    set(form, "sched_end_time", buf);
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", end.y, end.m, end.d);
    set(form, "sched_end_date", buf);
    set(form, "sched_weekday", day_codes[w.wday]);
    if (tz != NULL)
        set(form, "timezone", tz);
    if (rrule != NULL)
        set_rule(form, rrule, &d, start_days, days_of(end));
    else
        set(form, "sched_kind", days_of(end) == start_days ? "single" : "camp");
}

/* ---- the preview ---- */

json_t *web_schedule_next(const json_t *schedule, int64_t now, int n, const char *lang)
{
    json_t *out = json_array();
    if (!json_is_object(schedule) || n <= 0)
        return out;
    const char *tz = json_string_value(json_object_get(schedule, "timezone"));
    struct cal_schedule s = {
        .start_local = json_string_value(json_object_get(schedule, "start")),
        .duration_minutes = (int)json_integer_value(json_object_get(schedule, "duration_minutes")),
        .timezone = tz != NULL ? tz : CAL_DEFAULT_TIMEZONE,
        .rrule = json_string_value(json_object_get(schedule, "rrule")),
    };
    struct cal_occurrence *occ = xcalloc((size_t)n, sizeof(*occ));
    struct cal_error err;
    int got = cal_expand(&s, now, now + 10LL * 366 * 24 * 3600, occ, (size_t)n, &err);
    for (int i = 0; i < got; i++) {
        char starts[CAL_RFC3339_LEN], ends[CAL_RFC3339_LEN], text[120];
        cal_format_rfc3339(occ[i].start_utc, s.timezone, starts);
        cal_format_rfc3339(occ[i].end_utc, s.timezone, ends);
        if (web_format_session(lang, starts, ends, text, sizeof(text)) != 0)
            snprintf(text, sizeof(text), "%s", starts);
        json_array_append_new(out, json_pack("{s:s, s:s}", "text", text, "datetime", starts));
    }
    free(occ);
    return out;
}
