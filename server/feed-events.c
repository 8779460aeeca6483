/* SPDX-License-Identifier: Apache-2.0 */
/* A feed's rows as events. A series shows what its sessions say: its rule
 * starts at the first occurrence in the window that has a session (so a
 * schedule changed in the middle of a group does not bring back meetings
 * that never happened, and cancellations older than the window cannot come
 * back either), every later occurrence without a session up to the last one
 * that has one is an EXDATE, cancelled ones are EXDATEs, moved ones
 * overrides, and so are those whose local time parsers read apart.
 * Cancelled and moved sessions say so in their description. */
#include "feed-events.h"

#include "cal.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_OCCURRENCES 1500 /* a daily rule over the 458 days of the window */
#define DISCREET_TITLE "Piiri: vertaistapaaminen"
/* Before the title of a session the person sent an absence notice for ("absent"). */
#define ABSENT_PREFIX "Poissa: "

static struct ics_event *event_add(struct feed_events *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->ev = xrealloc(l->ev, l->cap * sizeof(*l->ev));
    }
    memset(&l->ev[l->n], 0, sizeof(l->ev[0]));
    return &l->ev[l->n++];
}

/* Keep a new string alive as long as the list; returns it (may be NULL). */
static const char *keep(struct feed_events *l, char *text)
{
    if (text == NULL)
        return NULL;
    l->owned = xrealloc(l->owned, (l->nowned + 1) * sizeof(*l->owned));
    l->owned[l->nowned++] = text;
    return text;
}

static const char *uid_add(struct feed_events *l, const char *prefix, const char *id)
{
    return keep(l, xasprintf("%s%s@piiri", prefix, id));
}

void feed_events_free(struct feed_events *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((void *)l->ev[i].exdates);
    for (size_t i = 0; i < l->nowned; i++)
        free(l->owned[i]);
    free(l->owned);
    free(l->ev);
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t num(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static void note_modified(struct feed_events *l, int64_t t)
{
    if (t > l->modified)
        l->modified = t;
}

/* ---- what a session says about itself ---- */

/* "ti 6.4.2027 klo 18.00": a local time as a Finnish reader writes it. */
static void finnish_time(int64_t utc, const char *tzid, char *out, size_t size)
{
    static const char *const days[] = { "su", "ma", "ti", "ke", "to", "pe", "la" };
    char local[CAL_LOCAL_LEN];
    int y, mo, d, h, mi;

    cal_utc_to_local(utc, tzid, local);
    if (sscanf(local, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5) {
        snprintf(out, size, "%s", local);
        return;
    }
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 12 };
    (void)timegm(&tm); /* fills in tm_wday */
    snprintf(out, size, "%s %d.%d.%d klo %d.%02d", days[tm.tm_wday % 7], d, mo, y, h, mi);
}

/* The line a cancelled or moved session puts before the group's description
 * (NULL: neither). The cancel reason is left out of discreet feeds: it is
 * free text about the group. */
static char *session_note(json_t *s, bool cancelled, const char *tzid, bool discreet)
{
    const char *reason = discreet ? NULL : str(s, "cancel_reason");
    json_t *moved = json_object_get(s, "moved_from");

    if (cancelled)
        return reason != NULL && reason[0] != '\0' ? xasprintf("Peruttu: %s", reason)
                                                   : xstrdup("Peruttu.");
    if (!json_is_integer(moved))
        return NULL;
    char when[64];
    finnish_time((int64_t)json_integer_value(moved), tzid, when, sizeof(when));
    return xasprintf("Siirretty, alun perin %s.", when);
}

/* note, a blank line, text; either may be NULL. */
static char *text_join(const char *note, const char *text)
{
    if (note == NULL)
        return text != NULL ? xstrdup(text) : NULL;
    return text != NULL ? xasprintf("%s\n\n%s", note, text) : xstrdup(note);
}

/* ---- group and org feeds ---- */

/* The group's fields every event of it shares. */
static void group_fields(struct ics_event *e, json_t *g)
{
    e->summary = str(g, "title");
    e->description = str(g, "description");
    e->location = str(g, "location") ?: str(g, "url");
    e->url = str(g, "url");
    e->tzid = str(g, "timezone") ?: CAL_DEFAULT_TIMEZONE;
}

/* The group's description with the session's note, if it has one. */
static void session_description(
    struct feed_events *l, struct ics_event *e, json_t *s, bool cancelled)
{
    char *note = session_note(s, cancelled, e->tzid, false);
    if (note != NULL)
        e->description = keep(l, text_join(note, e->description));
    free(note);
}

static void standalone_session(struct feed_events *l, json_t *g, json_t *s)
{
    struct ics_event *e = event_add(l);
    bool cancelled = json_is_true(json_object_get(s, "cancelled"));
    group_fields(e, g);
    session_description(l, e, s, cancelled);
    e->uid = uid_add(l, "", str(s, "id"));
    e->start_utc = num(s, "start");
    e->end_utc = num(s, "end");
    e->all_day = strcmp(str(g, "kind") ?: "", "camp") == 0;
    e->sequence = (int)num(s, "sequence");
    e->dtstamp = e->last_modified = num(s, "modified");
    e->status = cancelled ? ICS_STATUS_CANCELLED : ICS_STATUS_CONFIRMED;
    note_modified(l, e->last_modified);
}

/* A series and its sessions: at[i] is the session of occurrence i, or NULL. */
struct series {
    json_t *g;
    struct cal_schedule sch;
    struct cal_occurrence *occ;
    int nocc;
    json_t **at;
    bool *matched; /* per session: it is an occurrence of the rule */
};

static int occ_find(const struct series *sr, int64_t start)
{
    int lo = 0, hi = sr->nocc - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (sr->occ[mid].start_utc == start)
            return mid;
        if (sr->occ[mid].start_utc < start)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Each series session to its occurrence; the first and last index that have
 * one, or -1. */
static void series_match(struct series *sr, json_t *sessions, int *first, int *last)
{
    json_t *s;
    size_t k;
    *first = *last = -1;
    json_array_foreach(sessions, k, s) {
        if (!json_is_true(json_object_get(s, "series")))
            continue;
        int i = occ_find(sr, num(s, "original_start"));
        if (i < 0 || sr->at[i] != NULL)
            continue;
        sr->at[i] = s;
        sr->matched[k] = true;
        if (*first < 0 || i < *first)
            *first = i;
        if (i > *last)
            *last = i;
    }
}

/* m: a copy of the master (event_add may move the list). */
static void series_override(struct feed_events *l, const struct ics_event *m, json_t *s)
{
    struct ics_event *o = event_add(l);
    *o = *m; /* the group's fields, UID, SEQUENCE and the rule's start */
    o->rrule = NULL;
    o->exdates = NULL;
    o->nexdates = 0;
    session_description(l, o, s, false);
    o->recurrence_id = num(s, "original_start");
    o->start_utc = num(s, "start");
    o->end_utc = num(s, "end");
    o->dtstamp = o->last_modified = num(s, "modified");
    note_modified(l, o->last_modified);
}

static size_t series_session_index(json_t *sessions, const json_t *s)
{
    json_t *x;
    size_t k;
    json_array_foreach(sessions, k, x) {
        if (x == s)
            return k;
    }
    return 0;
}

/* The series' first occurrence: the first with a session whose local time
 * parsers read alike. One at a time that they read in different ways (a
 * spring-forward gap, the repeated autumn hour) before it is its session's
 * own event: as the series' DTSTART, each parser would expand the whole rule
 * from another instant. -1 if there is none. */
static void series_first_clear(struct series *sr, json_t *sessions, int *first, int last)
{
    while (*first >= 0 && *first <= last &&
           (sr->at[*first] == NULL ||
               cal_local_doubtful(sr->occ[*first].start_local, sr->sch.timezone))) {
        if (sr->at[*first] != NULL)
            sr->matched[series_session_index(sessions, sr->at[*first])] = false;
        (*first)++;
    }
    if (*first > last)
        *first = -1;
}

/* The master from occurrence first on, with its EXDATEs and overrides; false
 * if the rule cannot be shown from there. */
static bool series_events(struct feed_events *l, struct series *sr, int first, int last)
{
    char rule[CAL_RRULE_MAX + 64];
    struct cal_error err;
    int64_t duration = (int64_t)sr->sch.duration_minutes * 60;

    if (cal_schedule_rrule_from(&sr->sch, sr->occ[first].start_local, rule, sizeof(rule), &err) < 0)
        return false;
    int64_t *exdates = xcalloc((size_t)(sr->nocc - first) + 1, sizeof(*exdates));
    size_t master = l->n, nex = 0;
    struct ics_event *m = event_add(l);
    group_fields(m, sr->g);
    m->uid = uid_add(l, "", str(sr->g, "id"));
    m->start_utc = sr->occ[first].start_utc;
    m->end_utc = m->start_utc + duration;
    m->rule_start = keep(l, xstrdup(sr->occ[first].start_local));
    m->rrule = keep(l, xstrdup(rule));
    m->sequence = (int)num(sr->g, "sequence");
    m->dtstamp = m->last_modified = num(sr->g, "modified");
    m->status = ICS_STATUS_CONFIRMED;
    m->exdates = exdates;
    note_modified(l, m->last_modified);
    for (int i = first; i < sr->nocc; i++) {
        json_t *s = sr->at[i];
        if (s == NULL) {
            if (i < last) /* a meeting the rule has and the sessions do not */
                exdates[nex++] = sr->occ[i].start_utc;
        } else if (json_is_true(json_object_get(s, "cancelled"))) {
            exdates[nex++] = sr->occ[i].start_utc;
        } else if (num(s, "start") != sr->occ[i].start_utc ||
                   num(s, "end") != sr->occ[i].start_utc + duration ||
                   cal_local_doubtful(sr->occ[i].start_local, sr->sch.timezone)) {
            /* Moved, or at a local time parsers read in different ways (a
             * spring-forward gap, the repeated autumn hour): the override
             * says the instant. */
            struct ics_event copy = l->ev[master];
            series_override(l, &copy, s);
        }
    }
    l->ev[master].nexdates = nex;
    return true;
}

/* A recurring group: one master with RRULE and EXDATEs, overrides for moved
 * occurrences, and standalone events for sessions outside the rule (extra
 * ones, those kept from an earlier schedule, and those whose occurrence is
 * before the window). */
static void series(struct feed_events *l, json_t *g, int64_t from, int64_t to)
{
    struct series sr = { .g = g, .sch = { .start_local = str(g, "start"),
        .duration_minutes = (int)num(g, "duration_minutes"), .timezone = str(g, "timezone"),
        .rrule = str(g, "rrule") } };
    struct cal_error err;
    json_t *sessions = json_object_get(g, "sessions"), *s;
    size_t n = json_array_size(sessions), k;
    int first, last;

    sr.occ = xcalloc(MAX_OCCURRENCES, sizeof(*sr.occ));
    sr.nocc = cal_expand(&sr.sch, from, to, sr.occ, MAX_OCCURRENCES, &err);
    sr.at = xcalloc(sr.nocc > 0 ? (size_t)sr.nocc : 1, sizeof(*sr.at));
    sr.matched = xcalloc(n + 1, sizeof(*sr.matched));
    if (sr.nocc > 0) {
        series_match(&sr, sessions, &first, &last);
        series_first_clear(&sr, sessions, &first, last);
    } else if (sr.nocc == 0 && cal_expand(&sr.sch, to, INT64_MAX, sr.occ, 1, &err) == 1) {
        sr.nocc = 1; /* a series that begins after the window: its rule as it is */
        first = last = 0;
    } else {
        first = last = -1;
    }
    if (first < 0 || !series_events(l, &sr, first, last))
        memset(sr.matched, 0, (n + 1) * sizeof(*sr.matched));
    json_array_foreach(sessions, k, s) {
        if (!sr.matched[k])
            standalone_session(l, g, s);
    }
    free(sr.matched);
    free(sr.at);
    free(sr.occ);
}

static void group_events(struct feed_events *l, json_t *g, int64_t from, int64_t to)
{
    size_t i, first = l->n;
    if (str(g, "rrule") != NULL && str(g, "start") != NULL) {
        series(l, g, from, to);
    } else {
        json_t *s;
        json_array_foreach(json_object_get(g, "sessions"), i, s) standalone_session(l, g, s);
    }
    /* An archived group's feed stays, with everything cancelled, so that
     * subscribed calendars take the events away. */
    if (json_is_true(json_object_get(g, "archived"))) {
        for (i = first; i < l->n; i++)
            l->ev[i].status = ICS_STATUS_CANCELLED;
    }
}

void feed_events_groups(struct feed_events *l, json_t *feed)
{
    int64_t from = num(feed, "from"), to = num(feed, "to");
    json_t *g;
    size_t i;
    json_array_foreach(json_object_get(feed, "groups"), i, g) group_events(l, g, from, to);
}

/* ---- personal feeds ---- */

/* A participant's event carries the meeting link in DESCRIPTION too. */
static char *description_with_link(const char *description, const char *url)
{
    if (url == NULL)
        return description ? xstrdup(description) : NULL;
    return description ? xasprintf("%s\n\n%s", description, url) : xstrdup(url);
}

void feed_events_person(struct feed_events *l, json_t *feed)
{
    bool discreet = json_is_true(json_object_get(feed, "discreet"));
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(feed, "events"), i, x) {
        struct ics_event *e = event_add(l);
        const char *status = str(x, "status") ?: "";
        bool cancelled = strcmp(status, "cancelled") == 0;
        group_fields(e, x);
        char *note = session_note(x, cancelled, e->tzid, discreet);
        char *text = text_join(note, discreet ? NULL : str(x, "description"));
        e->description = keep(l, description_with_link(text, e->url));
        free(text);
        free(note);
        if (discreet)
            e->summary = DISCREET_TITLE;
        /* An absence notice: the person is not coming, so the time is free
         * and the title says so first. */
        if (json_is_true(json_object_get(x, "not_attending"))) {
            e->transparent = true;
            e->summary = keep(l, xasprintf("%s%s", ABSENT_PREFIX, e->summary ? e->summary : ""));
        }
        e->uid = uid_add(l, "p-", str(x, "id"));
        e->start_utc = num(x, "start");
        e->end_utc = num(x, "end");
        e->all_day = strcmp(str(x, "kind") ?: "", "camp") == 0;
        e->sequence = (int)num(x, "sequence");
        e->dtstamp = e->last_modified = num(x, "modified");
        e->status = cancelled ? ICS_STATUS_CANCELLED
            : strcmp(status, "tentative") == 0 ? ICS_STATUS_TENTATIVE
                                               : ICS_STATUS_CONFIRMED;
        note_modified(l, e->last_modified);
    }
}
