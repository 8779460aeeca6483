/* SPDX-License-Identifier: Apache-2.0 */
/* Clean VTIMEZONE components: TZID is the IANA name, and the observances are
 * derived from libical's offsets instead of copied from its component, whose
 * "/freeassociation.sourceforge.net/" TZID and history back to 1878 other
 * parsers (python-icalendar) refuse.
 *
 * The rules are those of the year of the zone's last time in the feed, found
 * by sampling offsets and written as yearly RRULEs from 1970 (Helsinki: EET
 * from the last Sunday of October 04:00, EEST from the last Sunday of March
 * 03:00). They are checked against the real transitions from the feed's first
 * time to seven years after its last; where they differ (the zone changed its
 * rules within the feed's span, or its rules are not yearly weekday rules)
 * the real transitions of that span are written as RDATEs instead.
 *
 * DAYLIGHT is the observance with the larger offset: tzdata's "negative DST"
 * (Europe/Dublin's winter GMT, which libical marks as daylight) would confuse
 * clients that assume summer time is ahead. */
#include "ics-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sampling step: since 1970 no two transitions of any zone are less than 6.9
 * days apart (tzdata 2024), so a step holds at most one. */
#define TZ_STEP     (3 * CAL_DAY)
#define TZ_YEAR_MIN 1970
#define TZ_YEAR_MAX 2199
#define TZ_AHEAD    7 /* years after the last time whose transitions must agree */

struct tz_change {
    int64_t utc;
    int from, to;             /* UTC offsets in seconds */
    bool dst;                 /* to > from */
    const char *abbreviation; /* tz_write_history's; borrowed from libical */
};

struct tz_changes {
    struct tz_change *v;
    size_t n, cap;
};

enum tz_rule_kind {
    TZ_RULE_NTH,         /* BYDAY=2SU: the second Sunday */
    TZ_RULE_LAST,        /* BYDAY=-1SU */
    TZ_RULE_ON_OR_AFTER, /* BYDAY=FR;BYMONTHDAY=23,...,29: tzdata's "Fri>=23" */
    TZ_RULE_DATE,        /* BYMONTHDAY=21 */
};
#define TZ_RULE_KINDS 4

/* A yearly transition at a local wall time, read in the offset before it. */
struct tz_rule {
    enum tz_rule_kind kind;
    int month, day, weekday, nth; /* weekday: 0 = Sunday */
    int seconds;                  /* local time of day */
    int from, to;
    bool dst;
};

static const char *const tz_weekdays[7] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };

/* libical expands a zone's transitions up to 2582 only: past that it
 * expands them all again on every call (17 ms) and then forgets summer
 * time. The Gregorian calendar repeats every 400 years, and so do the yearly
 * rules zones follow that far out: later instants are read 400 years (or a
 * multiple) earlier, in 2180..2579. */
#define TZ_FOLD_FROM INT64_C(19249747200) /* 2580-01-01T00:00:00Z */
#define TZ_400_YEARS INT64_C(12622780800) /* 146097 days */

int ics_tz_offset(icaltimezone *zone, int64_t utc)
{
    struct cal_civil c;
    struct icaltimetype tt = icaltime_null_time();
    int is_daylight = 0;

    utc = cal_civil_clamp(utc);
    if (utc >= TZ_FOLD_FROM)
        utc -= ((utc - TZ_FOLD_FROM) / TZ_400_YEARS + 1) * TZ_400_YEARS;
    cal_civil_from_wall(utc, &c);
    tt.year = c.year;
    tt.month = c.month;
    tt.day = c.day;
    tt.hour = c.hour;
    tt.minute = c.minute;
    tt.second = c.second;
    tt.zone = icaltimezone_get_utc_timezone();
    return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &is_daylight);
}

static int64_t tz_year_start(int year)
{
    return cal_civil_to_days(year, 1, 1) * CAL_DAY;
}

static int tz_year_of(int64_t t)
{
    struct cal_civil c;

    cal_civil_from_wall(t, &c);
    return c.year;
}

static int tz_weekday(int year, int month, int day)
{
    int64_t w = (cal_civil_to_days(year, month, day) + 4) % 7; /* 1970-01-01 was a Thursday */

    return (int)(w < 0 ? w + 7 : w);
}

static void tz_changes_add(struct tz_changes *cs, const struct tz_change *c)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap == 0 ? 32 : cs->cap * 2;
        struct tz_change *grown = realloc(cs->v, cap * sizeof(*grown));
        if (grown == NULL)
            abort(); /* out of memory */
        cs->v = grown;
        cs->cap = cap;
    }
    cs->v[cs->n++] = *c;
}

/* The real transitions in (a, b]: offsets sampled every TZ_STEP, each change
 * narrowed down to its second. */
static void tz_scan(icaltimezone *zone, int64_t a, int64_t b, struct tz_changes *out)
{
    int off = ics_tz_offset(zone, a);

    for (int64_t lo = a; lo < b;) {
        int64_t hi = b - lo > TZ_STEP ? lo + TZ_STEP : b;
        int next = ics_tz_offset(zone, hi);
        if (next != off) {
            int64_t l = lo, h = hi; /* offset(l) == off, offset(h) == next */
            while (h - l > 1) {
                int64_t mid = l + (h - l) / 2;
                if (ics_tz_offset(zone, mid) == off)
                    l = mid;
                else
                    h = mid;
            }
            struct tz_change c = { h, off, next, next > off, NULL };
            tz_changes_add(out, &c);
            off = next;
        }
        lo = hi;
    }
}

/* Candidate i of the rules a transition may follow, best first; false if
 * that one cannot say it (no fifth Sunday, no Feb 29). After NTH and LAST,
 * "weekday on or after day d" for each d that puts this year's date in its
 * week, then the plain date. */
#define TZ_CANDIDATES 10
static bool tz_rule_candidate(const struct tz_change *c, int i, struct tz_rule *r)
{
    struct cal_civil l;

    cal_civil_from_wall(c->utc + c->from, &l);
    *r = (struct tz_rule){ TZ_RULE_NTH, l.month, l.day, tz_weekday(l.year, l.month, l.day), 0,
        l.hour * 3600 + l.minute * 60 + l.second, c->from, c->to, c->dst };
    int short_month = cal_civil_month_days(2001, l.month); /* February has 28 */
    if (i == 0) {
        r->nth = (l.day - 1) / 7 + 1;
        return r->nth <= 4;
    }
    if (i == 1) {
        r->kind = TZ_RULE_LAST;
        return l.day + 7 > cal_civil_month_days(l.year, l.month);
    }
    if (i < TZ_CANDIDATES - 1) {
        r->kind = TZ_RULE_ON_OR_AFTER;
        r->day = l.day - (i - 2);
        return r->day >= 1 && r->day + 6 <= short_month;
    }
    r->kind = TZ_RULE_DATE;
    return l.day <= short_month;
}

/* The rule's transition in a year, as wall seconds. */
static int64_t tz_rule_wall(const struct tz_rule *r, int year)
{
    int day = r->day, last = cal_civil_month_days(year, r->month);

    switch (r->kind) {
    case TZ_RULE_NTH:
        day = 1 + (r->weekday - tz_weekday(year, r->month, 1) + 7) % 7 + 7 * (r->nth - 1);
        break;
    case TZ_RULE_LAST:
        day = last - (tz_weekday(year, r->month, last) - r->weekday + 7) % 7;
        break;
    case TZ_RULE_ON_OR_AFTER:
        day = r->day + (r->weekday - tz_weekday(year, r->month, r->day) + 7) % 7;
        break;
    case TZ_RULE_DATE:
        break;
    }
    return cal_civil_to_days(year, r->month, day) * CAL_DAY + r->seconds;
}

static int64_t tz_rule_utc(const struct tz_rule *r, int year)
{
    return tz_rule_wall(r, year) - r->from;
}

static bool tz_change_equal(const struct tz_change *a, const struct tz_change *b)
{
    return a->utc == b->utc && a->from == b->from && a->to == b->to && a->dst == b->dst;
}

/* The rule's transitions from 1970, of the years around [w0, w1), in order. */
static size_t tz_rule_changes(
    const struct tz_rule *r, int64_t w0, int64_t w1, struct tz_change *out, size_t max)
{
    size_t n = 0;
    int first = tz_year_of(w0) - 1 < TZ_YEAR_MIN ? TZ_YEAR_MIN : tz_year_of(w0) - 1;

    for (int year = first; year <= tz_year_of(w1) && n < max; year++)
        out[n++] = (struct tz_change){ tz_rule_utc(r, year), r->from, r->to, r->dst, NULL };
    return n;
}

/* Does the rule give exactly the real transitions of its kind in (w0, w1)? */
static bool tz_rule_agrees(
    const struct tz_rule *r, const struct tz_changes *real, int64_t w0, int64_t w1)
{
    struct tz_change gen[TZ_YEAR_MAX - TZ_YEAR_MIN + TZ_AHEAD + 2];
    size_t n = tz_rule_changes(r, w0, w1, gen, sizeof(gen) / sizeof(gen[0])), g = 0;

    for (size_t i = 0; i < real->n; i++) {
        const struct tz_change *c = &real->v[i];
        if (c->utc <= w0 || c->utc >= w1 || c->dst != r->dst)
            continue;
        while (g < n && gen[g].utc <= w0)
            g++;
        if (g == n || !tz_change_equal(&gen[g], c))
            return false;
        g++;
    }
    while (g < n && gen[g].utc <= w0)
        g++;
    return g == n || gen[g].utc >= w1;
}

/* Do the two rules together give the real offset at w0 and every real
 * transition in (w0, w1)? */
static bool tz_rules_agree(const struct tz_rule rules[2], const struct tz_changes *real, int64_t w0,
    int64_t w1, int offset_w0)
{
    struct tz_change gen[TZ_YEAR_MAX - TZ_YEAR_MIN + TZ_AHEAD + 2];
    int before = rules[0].dst ? rules[0].from : rules[0].to; /* standard time */
    int64_t latest = INT64_MIN;

    for (int k = 0; k < 2; k++) {
        size_t n = tz_rule_changes(&rules[k], w0, w1, gen, sizeof(gen) / sizeof(gen[0]));
        for (size_t i = 0; i < n && gen[i].utc <= w0; i++) {
            if (gen[i].utc > latest)
                latest = gen[i].utc, before = gen[i].to;
        }
    }
    for (size_t i = 0; i < real->n; i++) {
        const struct tz_change *c = &real->v[i];
        if (c->utc > w0 && c->utc < w1 && c->dst != rules[0].dst && c->dst != rules[1].dst)
            return false;
    }
    return before == offset_w0 && tz_rule_agrees(&rules[0], real, w0, w1) &&
           tz_rule_agrees(&rules[1], real, w0, w1);
}

/* Yearly rules for this year's two transitions (summer time on and off) that
 * agree with the real ones over (w0, w1); false if there are none. */
static bool tz_rules_find(const struct tz_changes *real, int year, int64_t w0, int64_t w1,
    int offset_w0, struct tz_rule rules[2])
{
    const struct tz_change *c[2];
    size_t n = 0;

    for (size_t i = 0; i < real->n; i++) {
        if (real->v[i].utc >= tz_year_start(year) && real->v[i].utc < tz_year_start(year + 1)) {
            if (n == 2)
                return false;
            c[n++] = &real->v[i];
        }
    }
    if (n != 2 || c[0]->dst == c[1]->dst || c[0]->to != c[1]->from || c[1]->to != c[0]->from)
        return false;
    for (int k = 0; k < 2; k++) {
        int i = 0;
        while (i < TZ_CANDIDATES &&
               !(tz_rule_candidate(c[k], i, &rules[k]) && tz_rule_agrees(&rules[k], real, w0, w1)))
            i++;
        if (i == TZ_CANDIDATES)
            return false;
    }
    return tz_rules_agree(rules, real, w0, w1, offset_w0);
}

/* The abbreviation of libical's own observance to this offset that began
 * last before wall (or first, if none did); borrowed from the zone. */
static const char *tz_abbreviation(icaltimezone *zone, int to, int64_t wall)
{
    icalcomponent *vtz = icaltimezone_get_component(zone);
    const char *best = NULL, *earliest = NULL;
    int64_t best_start = INT64_MIN, earliest_start = INT64_MAX;

    if (vtz == NULL)
        return NULL;
    icalcompiter it = icalcomponent_begin_component(vtz, ICAL_ANY_COMPONENT);
    for (icalcomponent *sub = icalcompiter_deref(&it); sub != NULL; sub = icalcompiter_next(&it)) {
        icalproperty *p_to = icalcomponent_get_first_property(sub, ICAL_TZOFFSETTO_PROPERTY);
        icalproperty *p_start = icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
        icalproperty *p_name = icalcomponent_get_first_property(sub, ICAL_TZNAME_PROPERTY);
        if (p_to == NULL || p_start == NULL || p_name == NULL ||
            icalproperty_get_tzoffsetto(p_to) != to)
            continue;
        struct icaltimetype t = icalproperty_get_dtstart(p_start);
        struct cal_civil c = { t.year, t.month, t.day, t.hour, t.minute, t.second };
        if (!cal_civil_valid(&c))
            continue;
        int64_t start = cal_civil_to_wall(&c);
        if (start <= wall && start > best_start)
            best_start = start, best = icalproperty_get_tzname(p_name);
        if (start < earliest_start)
            earliest_start = start, earliest = icalproperty_get_tzname(p_name);
    }
    return best != NULL ? best : earliest;
}

static void tz_put_offset(struct ics_out *o, const char *name, int offset)
{
    char text[8];
    int a = abs(offset);

    text[0] = offset < 0 ? '-' : '+';
    cal_civil_put_digits(text + 1, a / 3600 % 100, 2);
    cal_civil_put_digits(text + 3, a / 60 % 60, 2);
    text[5] = '\0';
    if (a % 60 != 0) {
        cal_civil_put_digits(text + 5, a % 60, 2);
        text[7] = '\0';
    }
    ics_line_put(o, name, text);
}

/* BEGIN:STANDARD or DAYLIGHT up to its DTSTART. */
static void tz_observance_begin(
    struct ics_out *o, bool dst, int from, int to, int64_t start_wall, const char *abbreviation)
{
    char local[ICS_LOCAL_LEN];

    ics_line_put(o, "BEGIN", dst ? "DAYLIGHT" : "STANDARD");
    if (abbreviation != NULL)
        ics_line_put_text(o, "TZNAME", abbreviation);
    tz_put_offset(o, "TZOFFSETFROM", from);
    tz_put_offset(o, "TZOFFSETTO", to);
    ics_time_local(start_wall, local);
    ics_line_put(o, "DTSTART", local);
}

static void tz_observance_end(struct ics_out *o, bool dst)
{
    ics_line_put(o, "END", dst ? "DAYLIGHT" : "STANDARD");
}

static void tz_rule_text(const struct tz_rule *r, char *out, size_t size)
{
    int n = snprintf(out, size, "FREQ=YEARLY;BYMONTH=%d", r->month);

    switch (r->kind) {
    case TZ_RULE_NTH:
        snprintf(out + n, size - (size_t)n, ";BYDAY=%d%s", r->nth, tz_weekdays[r->weekday]);
        break;
    case TZ_RULE_LAST:
        snprintf(out + n, size - (size_t)n, ";BYDAY=-1%s", tz_weekdays[r->weekday]);
        break;
    case TZ_RULE_ON_OR_AFTER:
        snprintf(out + n, size - (size_t)n, ";BYDAY=%s;BYMONTHDAY=%d,%d,%d,%d,%d,%d,%d",
            tz_weekdays[r->weekday], r->day, r->day + 1, r->day + 2, r->day + 3, r->day + 4,
            r->day + 5, r->day + 6);
        break;
    case TZ_RULE_DATE:
        snprintf(out + n, size - (size_t)n, ";BYMONTHDAY=%d", r->day);
        break;
    }
}

/* A yearly observance from its 1970 date, named as in the given year. */
static void tz_write_rule(struct ics_out *o, icaltimezone *zone, const struct tz_rule *r, int year)
{
    char rrule[160];

    tz_observance_begin(o, r->dst, r->from, r->to, tz_rule_wall(r, TZ_YEAR_MIN),
        tz_abbreviation(zone, r->to, tz_rule_wall(r, year)));
    tz_rule_text(r, rrule, sizeof(rrule));
    ics_line_put(o, "RRULE", rrule);
    tz_observance_end(o, r->dst);
}

static bool tz_same_observance(const struct tz_change *a, const struct tz_change *b)
{
    const char *x = a->abbreviation, *y = b->abbreviation;

    return a->dst == b->dst && a->from == b->from && a->to == b->to &&
           (x == y || (x != NULL && y != NULL && strcmp(x, y) == 0));
}

/* The offset at a, then every real transition after it, as observances with
 * DTSTART and RDATEs, one per offsets and abbreviation. */
static void tz_write_history(
    struct ics_out *o, icaltimezone *zone, int64_t a, struct tz_changes *real)
{
    int offset = ics_tz_offset(zone, a);
    bool dst = real->n > 0 && !real->v[0].dst; /* summer time if the next change ends it */
    char local[ICS_LOCAL_LEN];

    tz_observance_begin(
        o, dst, offset, offset, a + offset, tz_abbreviation(zone, offset, a + offset));
    tz_observance_end(o, dst);
    for (size_t i = 0; i < real->n; i++) {
        struct tz_change *c = &real->v[i];
        c->abbreviation = tz_abbreviation(zone, c->to, c->utc + c->from);
    }
    for (size_t i = 0; i < real->n; i++) {
        const struct tz_change *c = &real->v[i];
        size_t first = 0;
        while (!tz_same_observance(&real->v[first], c))
            first++;
        if (first < i)
            continue; /* written as an RDATE of an earlier one */
        tz_observance_begin(o, c->dst, c->from, c->to, c->utc + c->from, c->abbreviation);
        for (size_t j = i + 1; j < real->n; j++) {
            if (tz_same_observance(&real->v[j], c)) {
                ics_time_local(real->v[j].utc + real->v[j].from, local);
                ics_line_put(o, "RDATE", local);
            }
        }
        tz_observance_end(o, c->dst);
    }
}

static int64_t tz_clamp(int64_t t)
{
    int64_t lo = tz_year_start(TZ_YEAR_MIN), hi = tz_year_start(TZ_YEAR_MAX + 1) - 1;

    return t < lo ? lo : t > hi ? hi : t;
}

void ics_tz_write(struct ics_out *o, const struct ics_zone *z)
{
    struct tz_changes real = { 0 };
    struct tz_rule rules[2];
    int64_t w0 = tz_clamp(z->min), last = tz_clamp(z->max);
    int year = tz_year_of(last);
    int64_t a = tz_year_start(tz_year_of(w0)), w1 = tz_year_start(year + TZ_AHEAD);

    tz_scan(z->zone, a, w1, &real);
    int offset_w0 = ics_tz_offset(z->zone, w0);
    ics_line_put(o, "BEGIN", "VTIMEZONE");
    ics_line_put_text(o, "TZID", z->name);
    size_t i = 0;
    while (i < real.n && real.v[i].utc <= w0)
        i++;
    if (i == real.n) {
        /* No transitions from the first time on: one STANDARD since 1970. */
        tz_observance_begin(o, false, offset_w0, offset_w0, tz_year_start(TZ_YEAR_MIN),
            tz_abbreviation(z->zone, offset_w0, last + offset_w0));
        tz_observance_end(o, false);
    } else if (tz_rules_find(&real, year, w0, w1, offset_w0, rules)) {
        int s = rules[0].dst ? 1 : 0; /* STANDARD first */
        tz_write_rule(o, z->zone, &rules[s], year);
        tz_write_rule(o, z->zone, &rules[1 - s], year);
    } else {
        tz_write_history(o, z->zone, a, &real);
    }
    ics_line_put(o, "END", "VTIMEZONE");
    free(real.v);
}
