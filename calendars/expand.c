/* SPDX-License-Identifier: Apache-2.0 */
/* Expansion: the occurrences of a validated schedule inside a window of time,
 * and the rule of a feed that shows the series from a later occurrence on. */
#include "cal-internal.h"

#include <limits.h>
#include <stdlib.h>

/* Where occurrences go: those starting in [from, until), at most max. */
struct window {
    int64_t from, until;
    struct cal_occurrence *out;
    size_t max, n;
};

static int expand_wall_compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static bool expand_excluded(const struct cal_plan *p, int64_t wall, int64_t utc)
{
    if (bsearch(&wall, p->exdates, p->exdate_count, sizeof(wall), expand_wall_compare))
        return true;
    /* In a spring-forward gap the real local start differs: accept it too. */
    int64_t real = cal_tz_utc_to_wall(p->zone, utc);
    return real != wall &&
           bsearch(&real, p->exdates, p->exdate_count, sizeof(real), expand_wall_compare);
}

/* Add the occurrence at this wall time if it is in the window; false once full. */
static bool expand_emit(const struct cal_plan *p, struct window *w, int64_t wall)
{
    int64_t utc = cal_tz_wall_to_utc(p->zone, wall);

    if (utc < w->from || utc >= w->until || expand_excluded(p, wall, utc))
        return true;
    struct cal_occurrence *o = &w->out[w->n++];
    o->start_utc = utc;
    o->end_utc = utc + p->duration;
    cal_civil_format_local(wall, o->start_local);
    return w->n < w->max;
}

/* An instant is never more than a day and a half from its wall time, so wall
 * times two days past the window (or past UNTIL) cannot matter. */
static int64_t expand_wall_bound(int64_t utc)
{
    return utc >= CAL_WALL_LIMIT - 2 * CAL_DAY ? CAL_WALL_LIMIT : utc + 2 * CAL_DAY;
}

/* A new iterator, moved close to the window when that saves steps: a daily
 * rule from 1970 would otherwise walk 80000 days to reach 2199. Not with
 * COUNT, which counts from the start (and keeps the walk under 1000 steps). */
static icalrecur_iterator *expand_iterator(const struct cal_plan *p, int64_t from, int64_t bound)
{
    icalrecur_iterator *it = cal_rrule_iterator(&p->rrule, p->start_wall, bound);

    if (it == NULL || p->rrule.count > 0 || from <= p->start_wall + 2 * CAL_DAY)
        return it;
    /* Two days before: an instant is within a day and a half of its wall time. */
    int64_t skip = from >= CAL_WALL_LIMIT ? CAL_WALL_LIMIT : from - 2 * CAL_DAY;
    if (cal_rrule_skip(it, skip))
        return it;
    icalrecur_iterator_free(it);
    return cal_rrule_iterator(&p->rrule, p->start_wall, bound);
}

/* COUNT and UNTIL are applied here, not by libical: COUNT counts from the
 * start, and UNTIL compares instants in the schedule's zone. */
static void expand_rule(const struct cal_plan *p, struct window *w)
{
    int64_t stop = expand_wall_bound(w->until), wall, last = p->start_wall - 1;
    bool has_until = p->rrule.until_kind != CAL_UNTIL_NONE;
    int64_t bound = has_until && expand_wall_bound(p->until_utc) < stop
                        ? expand_wall_bound(p->until_utc)
                        : stop;
    icalrecur_iterator *it = expand_iterator(p, w->from, bound);
    int seen = 0;

    if (it == NULL)
        return; /* cal_schedule_plan has had libical accept this rule */
    for (int steps = 0; steps < CAL_ITERATIONS_MAX && cal_rrule_next(it, &wall); steps++) {
        if (wall <= last)
            continue; /* never backwards or twice, whatever libical does */
        last = wall;
        if ((p->rrule.count > 0 && ++seen > p->rrule.count) || wall >= stop)
            break;
        if (has_until && cal_tz_wall_to_utc(p->zone, wall) > p->until_utc)
            break;
        if (!expand_emit(p, w, wall))
            break;
    }
    icalrecur_iterator_free(it);
}

/* By instant; insertion sort, as the occurrences come (nearly) in order. */
static void expand_sort(struct cal_occurrence *o, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct cal_occurrence key = o[i];
        size_t j = i;
        for (; j > 0 && o[j - 1].start_utc > key.start_utc; j--)
            o[j] = o[j - 1];
        o[j] = key;
    }
}

int cal_expand(const struct cal_schedule *s, int64_t from_utc, int64_t until_utc,
    struct cal_occurrence *out, size_t max, struct cal_error *err)
{
    struct cal_plan p;
    struct window w = { from_utc, until_utc, out, max < INT_MAX ? max : INT_MAX, 0 };

    if (cal_schedule_plan(s, &p, err) < 0)
        return -1;
    if (w.max == 0 || from_utc >= until_utc)
        return 0;
    if (p.recurring)
        expand_rule(&p, &w);
    else
        expand_emit(&p, &w, p.start_wall);
    expand_sort(out, w.n);
    return (int)w.n;
}

/* How many occurrences of the rule come before the instant (at most COUNT,
 * which counts the exdated ones too). */
static int expand_count_before(const struct cal_schedule *s, int64_t utc, int count)
{
    struct cal_occurrence *occ = calloc((size_t)count, sizeof(*occ));
    struct cal_schedule all = *s;
    struct cal_error err;

    if (occ == NULL)
        abort(); /* out of memory */
    all.exdates = NULL;
    int n = cal_expand(&all, INT64_MIN, utc, occ, (size_t)count, &err);
    free(occ);
    return n < 0 ? 0 : n;
}

int cal_schedule_rrule_from(const struct cal_schedule *s, const char *from_local, char *out,
    size_t size, struct cal_error *err)
{
    struct cal_plan p, later;
    struct cal_schedule from = *s;

    from.start_local = from_local;
    from.exdates = NULL;
    if (cal_schedule_plan(s, &p, err) < 0 || cal_schedule_plan(&from, &later, err) < 0)
        return -1;
    if (!p.recurring)
        return cal_error_set(err, "schedule.rrule", "a one-off has no rule");
    if (later.start_wall < p.start_wall)
        return cal_error_set(err, "schedule.start", "is before the series' start");
    if (p.rrule.count > 0) {
        int64_t from_utc = cal_tz_wall_to_utc(p.zone, later.start_wall);
        int before = expand_count_before(s, from_utc, p.rrule.count);
        if (before >= p.rrule.count)
            return cal_error_set(err, "schedule.start", "is after the series' last occurrence");
        p.rrule.count -= before;
    }
    return cal_rrule_text_utc(&p.rrule, p.until_utc, out, size, err);
}
