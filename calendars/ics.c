/* SPDX-License-Identifier: Apache-2.0 */
/* The iCalendar feed: VCALENDAR properties, one VTIMEZONE per zone a TZID
 * names, then the events in the order given. */
#include "ics-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICS_RRULE_LEN 1024 /* cal_schedule_feed_rrule's text, with room for a longer UNTIL */

/* The zones of one rendering, in the order the events first use them. */
struct render_zones {
    struct ics_zone *v;
    size_t n;
};

/* One event's times: in a zone (TZID), or in UTC if the zone is unknown. */
struct render_time {
    struct ics_zone *zone; /* NULL: UTC */
    const char *tzid;      /* for cal_schedule_feed_rrule */
    bool ruled;            /* the series' rule has a time of day (ics_event.rule_start) */
    int64_t time_of_day;   /* that time of day, seconds after local midnight */
};

static const char *const render_statuses[] = {
    [ICS_STATUS_CONFIRMED] = "CONFIRMED",
    [ICS_STATUS_TENTATIVE] = "TENTATIVE",
    [ICS_STATUS_CANCELLED] = "CANCELLED",
};

/* A zone name that can stand unquoted as a parameter value. */
static bool render_tzid_safe(const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '/' || c == '_' || c == '-' || c == '+' || c == '.'))
            return false;
    }
    return name[0] != '\0';
}

/* The rendering's zone for an event's tzid, added on first use; NULL for an
 * unknown zone. */
static struct ics_zone *render_zone(struct render_zones *zs, const char *tzid)
{
    const char *name = tzid != NULL ? tzid : CAL_DEFAULT_TIMEZONE;

    for (size_t i = 0; i < zs->n; i++) {
        if (strcmp(zs->v[i].name, name) == 0)
            return &zs->v[i];
    }
    icaltimezone *zone = cal_tz_find(name);
    if (zone == NULL || !render_tzid_safe(name))
        return NULL;
    struct ics_zone *grown = realloc(zs->v, (zs->n + 1) * sizeof(*grown));
    if (grown == NULL)
        abort(); /* out of memory */
    zs->v = grown;
    zs->v[zs->n] = (struct ics_zone){ name, zone, INT64_MAX, INT64_MIN, false };
    return &zs->v[zs->n++];
}

static void render_zone_note(struct ics_zone *z, int64_t utc)
{
    z->referenced = true;
    if (utc < z->min)
        z->min = utc;
    if (utc > z->max)
        z->max = utc;
}

/* Every instant an event writes with a TZID, so the zone's VTIMEZONE covers it. */
static void render_note_times(const struct ics_event *e, struct ics_zone *z)
{
    if (z == NULL || e->all_day)
        return;
    render_zone_note(z, e->start_utc);
    if (e->end_utc > e->start_utc)
        render_zone_note(z, e->end_utc);
    for (size_t i = 0; i < e->nexdates; i++)
        render_zone_note(z, e->exdates[i]);
    if (e->recurrence_id != 0)
        render_zone_note(z, e->recurrence_id);
}

static int64_t render_wall(const struct render_time *rt, int64_t utc)
{
    utc = cal_civil_clamp(utc);
    if (rt->zone == NULL)
        return utc;
    return cal_civil_clamp(utc + ics_tz_offset(rt->zone->zone, utc));
}

static int64_t render_day(int64_t wall)
{
    return wall >= 0 ? wall / CAL_DAY : -((-wall + CAL_DAY - 1) / CAL_DAY);
}

/* The wall time the series' rule gives the occurrence at utc: its local day
 * (or the day beside it) at the rule's time of day, when that is the same
 * instant; else utc's own wall time. They differ in a spring-forward gap
 * (the rule's 03:30 is 04:30 that day) and, for a zone's historic quirks,
 * around other changes of offset. */
static int64_t render_rule_wall(const struct render_time *rt, int64_t utc)
{
    int64_t wall = render_wall(rt, utc);

    if (rt->zone == NULL || !rt->ruled)
        return wall;
    for (int64_t d = -1; d <= 1; d++) {
        int64_t rule = (render_day(wall) + d) * CAL_DAY + rt->time_of_day;
        if (cal_tz_wall_to_utc(rt->zone->zone, rule) == utc)
            return rule;
    }
    return wall;
}

/* NAME;TZID=zone:local, NAME:utcZ or NAME;VALUE=DATE:date; ruled: the local
 * time as the series' rule has it (render_rule_wall), which parsers compare
 * with the occurrences they make of it. */
static void render_time_line(struct ics_out *o, const char *name, const struct render_time *rt,
    int64_t utc, bool date, bool ruled)
{
    char text[ICS_UTC_LEN];

    ruled = ruled && rt->ruled;
    int64_t wall = ruled ? render_rule_wall(rt, utc) : render_wall(rt, utc);

    ics_line_str(o, name);
    if (date) {
        ics_line_str(o, ";VALUE=DATE:");
        ics_time_date(render_wall(rt, utc), text);
    } else if (rt->zone == NULL || (!ruled && cal_tz_wall_doubtful(rt->zone->zone, wall))) {
        /* An instant of its own in the repeated autumn hour is UTC: its
         * local time would name two. (A series' times are the rule's.) */
        ics_line_ascii(o, ":", 1);
        ics_time_utc(utc, text);
    } else {
        ics_line_str(o, ";TZID=");
        ics_line_str(o, rt->zone->name);
        ics_line_ascii(o, ":", 1);
        ics_time_local(wall, text);
    }
    ics_line_str(o, text);
    ics_line_end(o);
}

/* The all-day DTEND: the day after the day of the event's last second (so an
 * end at local midnight ends the day before), and at least the day after the
 * first. */
static void render_all_day_end(
    struct ics_out *o, const struct render_time *rt, const struct ics_event *e)
{
    char text[ICS_DATE_LEN];
    int64_t first = render_day(render_wall(rt, e->start_utc)), last = first;

    if (e->end_utc > e->start_utc)
        last = render_day(render_wall(rt, e->end_utc) - 1);
    if (last < first)
        last = first;
    ics_time_date((last + 1) * CAL_DAY, text);
    ics_line_put(o, "DTEND;VALUE=DATE", text);
}

/* "20270531T150000Z" -> UTC seconds; false if it is not that. */
static bool render_parse_utc(const char *v, int64_t *utc)
{
    char iso[CAL_LOCAL_LEN];
    struct cal_civil c;

    if (strlen(v) < 16 || v[8] != 'T' || v[15] != 'Z')
        return false;
    snprintf(
        iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", v, v + 4, v + 6, v + 9, v + 11, v + 13);
    if (cal_civil_parse_local(iso, &c) < 0)
        return false;
    *utc = cal_civil_to_wall(&c);
    return true;
}

/* UNTIL moved to the end of the local day of the last occurrence it lets in.
 * The rules Piiri takes have one occurrence a day at most, at the start's
 * wall time, so the occurrences stay the same; but a client that reads the
 * series in DTSTART's offset (recurring-ical-events with pytz) and so puts a
 * summer occurrence an hour late no longer loses the last one. All-day
 * series get that day as a DATE, as RFC 5545 wants with a DATE DTSTART. */
static void render_until(
    char *value, const struct ics_event *e, icaltimezone *zone, int64_t start_wall)
{
    int64_t until;

    if (!render_parse_utc(value, &until))
        return;
    int64_t day = render_day(cal_tz_utc_to_wall(zone, until));
    int64_t time_of_day = start_wall - render_day(start_wall) * CAL_DAY;
    if (cal_tz_wall_to_utc(zone, day * CAL_DAY + time_of_day) > until)
        day--; /* that day's occurrence is after UNTIL */
    if (e->all_day) {
        char date[ICS_DATE_LEN];
        ics_time_date(day * CAL_DAY, date);
        memmove(value + 8, value + 16, strlen(value + 16) + 1);
        memcpy(value, date, 8);
        return;
    }
    char utc[ICS_UTC_LEN];
    ics_time_utc(cal_tz_wall_to_utc(zone, day * CAL_DAY + CAL_DAY - 1), utc);
    memcpy(value, utc, 16);
}

/* The RRULE as cal_schedule_feed_rrule gives it (UNTIL in UTC), with UNTIL moved
 * by render_until; false if it refuses the rule. */
static bool render_rrule(const struct ics_event *e, const struct render_time *rt, char *out)
{
    char local[CAL_LOCAL_LEN];
    struct cal_error err;
    icaltimezone *zone = rt->zone != NULL ? rt->zone->zone : icaltimezone_get_utc_timezone();
    int64_t start_wall = render_rule_wall(rt, e->start_utc);

    cal_civil_format_local(start_wall, local);
    struct cal_schedule s = { local, 1, rt->tzid, e->rrule, NULL };
    if (cal_schedule_feed_rrule(&s, out, ICS_RRULE_LEN, &err) < 0)
        return false;
    char *until = strstr(out, "UNTIL=");
    if (until != NULL)
        render_until(until + 6, e, zone, start_wall);
    return true;
}

static void render_text(struct ics_out *o, const char *name, const char *text)
{
    if (text != NULL)
        ics_line_put_text(o, name, text);
}

static void render_event_times(
    struct ics_out *o, const struct ics_event *e, const struct render_time *rt)
{
    char rrule[ICS_RRULE_LEN];

    /* An override's own start is an instant of its own, not the rule's. */
    render_time_line(o, "DTSTART", rt, e->start_utc, e->all_day, e->recurrence_id == 0);
    if (e->all_day)
        render_all_day_end(o, rt, e);
    else if (e->end_utc > e->start_utc)
        render_time_line(o, "DTEND", rt, e->end_utc, false, false);
    if (e->rrule != NULL && render_rrule(e, rt, rrule))
        ics_line_put(o, "RRULE", rrule);
    for (size_t i = 0; i < e->nexdates; i++)
        render_time_line(o, "EXDATE", rt, e->exdates[i], e->all_day, true);
    if (e->recurrence_id != 0)
        render_time_line(o, "RECURRENCE-ID", rt, e->recurrence_id, e->all_day, true);
}

static void render_event(struct ics_out *o, const struct ics_event *e, struct ics_zone *zone)
{
    char number[24], utc[ICS_UTC_LEN];
    struct render_time rt = { zone, zone != NULL ? zone->name : "UTC", false, 0 };
    struct cal_civil c;

    if (e->rule_start != NULL && cal_civil_parse_local(e->rule_start, &c) == 0) {
        int64_t wall = cal_civil_to_wall(&c);
        rt.ruled = true;
        rt.time_of_day = wall - render_day(wall) * CAL_DAY;
    }

    ics_line_put(o, "BEGIN", "VEVENT");
    ics_line_put_text(o, "UID", e->uid);
    snprintf(number, sizeof(number), "%d", e->sequence > 0 ? e->sequence : 0);
    ics_line_put(o, "SEQUENCE", number);
    ics_time_utc(e->dtstamp, utc);
    ics_line_put(o, "DTSTAMP", utc);
    if (e->last_modified != 0) {
        ics_time_utc(e->last_modified, utc);
        ics_line_put(o, "LAST-MODIFIED", utc);
    }
    render_event_times(o, e, &rt);
    render_text(o, "SUMMARY", e->summary);
    render_text(o, "DESCRIPTION", e->description);
    render_text(o, "LOCATION", e->location);
    if (e->url != NULL && ics_line_uri_ok(e->url)) {
        ics_line_str(o, "URL:");
        ics_line_uri(o, e->url);
        ics_line_end(o);
    }
    if (e->status > ICS_STATUS_NONE && e->status <= ICS_STATUS_CANCELLED)
        ics_line_put(o, "STATUS", render_statuses[e->status]);
    if (e->transparent)
        ics_line_put(o, "TRANSP", "TRANSPARENT");
    ics_line_put(o, "END", "VEVENT");
}

static void render_header(struct ics_out *o, const struct ics_calendar *cal)
{
    ics_line_put(o, "BEGIN", "VCALENDAR");
    ics_line_put(o, "VERSION", "2.0");
    ics_line_put(o, "PRODID", ICS_PRODID);
    ics_line_put(o, "CALSCALE", "GREGORIAN");
    ics_line_put(o, "METHOD", cal->method != NULL ? cal->method : "PUBLISH");
    render_text(o, "NAME", cal->name);
    render_text(o, "X-WR-CALNAME", cal->name);
    render_text(o, "X-WR-CALDESC", cal->description);
    if (cal->refresh_minutes > 0) {
        char duration[24];
        snprintf(duration, sizeof(duration), "PT%dM", cal->refresh_minutes);
        ics_line_put(o, "REFRESH-INTERVAL;VALUE=DURATION", duration);
        ics_line_put(o, "X-PUBLISHED-TTL", duration);
    }
}

char *ics_render(const struct ics_calendar *cal, size_t *len)
{
    struct ics_out o;
    struct render_zones zones = { NULL, 0 };
    size_t *zone_of = NULL; /* each event's index in zones, or SIZE_MAX */

    cal_init();
    if (cal->nevents > 0 && (zone_of = calloc(cal->nevents, sizeof(*zone_of))) == NULL)
        abort(); /* out of memory */
    for (size_t i = 0; i < cal->nevents; i++) {
        const struct ics_event *e = &cal->events[i];
        struct ics_zone *z = render_zone(&zones, e->tzid);
        zone_of[i] = z != NULL ? (size_t)(z - zones.v) : SIZE_MAX;
        if (e->uid != NULL)
            render_note_times(e, z);
    }
    ics_out_init(&o, 1024 + cal->nevents * 640);
    render_header(&o, cal);
    for (size_t i = 0; i < zones.n; i++) {
        if (zones.v[i].referenced)
            ics_tz_write(&o, &zones.v[i]);
    }
    for (size_t i = 0; i < cal->nevents; i++) {
        if (cal->events[i].uid != NULL)
            render_event(&o, &cal->events[i], zone_of[i] != SIZE_MAX ? &zones.v[zone_of[i]] : NULL);
    }
    ics_line_put(&o, "END", "VCALENDAR");
    o.data[o.len] = '\0';
    *len = o.len;
    free(zone_of);
    free(zones.v);
    return o.data;
}
