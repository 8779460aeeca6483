/* SPDX-License-Identifier: Apache-2.0 */
/* Shared internals of calendars/: civil time, zones, parsed rules and the
 * validated form of a schedule. Not for use outside calendars/. */
#ifndef PIIRI_CAL_INTERNAL_H
#define PIIRI_CAL_INTERNAL_H

#include "cal.h"

#include <libical/ical.h>

/* Seconds of a "wall" time: the local date and time counted as if it were UTC,
 * so wall arithmetic is plain integer arithmetic. */
#define CAL_DAY      86400
#define CAL_YEAR_MIN 1970 /* schedule starts and exdates */
#define CAL_YEAR_MAX 2199
/* Wall times past this are never expanded (libical's zones end in 2582). */
#define CAL_WALL_LIMIT INT64_C(19880899200) /* 2600-01-01T00:00:00 */
/* No expansion asks libical for more occurrences than this. */
#define CAL_ITERATIONS_MAX 100000

struct cal_civil {
    int year, month, day, hour, minute, second;
};

/* error.c: fill err (may be NULL) and return -1. Every file reports through
 * it, so it lives apart from them all (schedule.c and rrule.c call each
 * other's neighbours otherwise). */
int cal_error_set(struct cal_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* civil.c */
int cal_civil_month_days(int year, int month);
int64_t cal_civil_to_days(int year, int month, int day);
int64_t cal_civil_to_wall(const struct cal_civil *c);
void cal_civil_from_wall(int64_t wall, struct cal_civil *c);
/* Into 0001-01-01T00:00:00 .. 9999-12-31T23:59:59, where text and libical work. */
int64_t cal_civil_clamp(int64_t t);
bool cal_civil_valid(const struct cal_civil *c);
int cal_civil_parse_local(const char *text, struct cal_civil *c)
    __attribute__((warn_unused_result));
void cal_civil_format_local(int64_t wall, char out[CAL_LOCAL_LEN]);
void cal_civil_put_digits(char *p, int value, int n);
bool cal_civil_parse_digits(const char *p, int n, int *out) __attribute__((warn_unused_result));

/* tz.c: the zone for tzid (NULL: the default), NULL if unknown; borrowed and
 * alive for the process. */
icaltimezone *cal_tz_find(const char *tzid);
int cal_tz_offset(icaltimezone *zone, int64_t utc);
int64_t cal_tz_wall_to_utc(icaltimezone *zone, int64_t wall);
int64_t cal_tz_utc_to_wall(icaltimezone *zone, int64_t utc);
/* Is the wall time in a gap or a repeated hour (cal_local_doubtful)? */
bool cal_tz_wall_doubtful(icaltimezone *zone, int64_t wall);

/* rrule.c */
enum cal_until_kind {
    CAL_UNTIL_NONE,
    CAL_UNTIL_UTC,  /* UNTIL=20260601T000000Z */
    CAL_UNTIL_WALL, /* UNTIL=20260601T000000, read in the schedule's zone */
    CAL_UNTIL_DATE, /* UNTIL=20260601, the whole local day included */
};

/* A parsed rule; libical's copy has COUNT and UNTIL removed because
 * expand.c applies them itself (libical gets DST and date UNTILs wrong). */
struct cal_rrule {
    struct icalrecurrencetype ical;
    int count; /* 0: none */
    enum cal_until_kind until_kind;
    int64_t until; /* UTC for CAL_UNTIL_UTC, else wall (a date: its last second) */
};

int cal_rrule_parse(const char *text, struct cal_rrule *r, struct cal_error *err)
    __attribute__((warn_unused_result));
/* The rule as text, with UNTIL (if it has one) as until_utc in UTC; COUNT
 * as parsed. 0, or -1 and err if it does not fit in size. */
int cal_rrule_text_utc(
    const struct cal_rrule *r, int64_t until_utc, char *out, size_t size, struct cal_error *err)
    __attribute__((warn_unused_result));
/* rrule-text.c: 0 if the text has only parts we know, well formed. */
int cal_rrule_check_text(const char *text, struct cal_error *err)
    __attribute__((warn_unused_result));
/* rrule-by.c: 0 if the BY* parts are ones we expand right, else -1 and err. */
int cal_rrule_check_by(const struct icalrecurrencetype *r, struct cal_error *err)
    __attribute__((warn_unused_result));
/* A new iterator over the rule's wall times from start_wall, which libical
 * may stop after bound_wall; NULL if libical refuses. */
icalrecur_iterator *cal_rrule_iterator(
    const struct cal_rrule *r, int64_t start_wall, int64_t bound_wall);
bool cal_rrule_skip(icalrecur_iterator *it, int64_t skip_wall);
/* The next wall time, or false at the end. */
bool cal_rrule_next(icalrecur_iterator *it, int64_t *wall);

/* schedule.c: a validated schedule, ready to expand. */
struct cal_plan {
    int64_t start_wall;
    int64_t duration; /* seconds */
    icaltimezone *zone;
    bool recurring;
    struct cal_rrule rrule;
    int64_t until_utc; /* the rule's UNTIL as an instant, if it has one */
    size_t exdate_count;
    int64_t exdates[CAL_EXDATES_MAX]; /* wall times, sorted */
};

int cal_schedule_plan(const struct cal_schedule *s, struct cal_plan *p, struct cal_error *err)
    __attribute__((warn_unused_result));

#endif
