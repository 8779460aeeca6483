/* SPDX-License-Identifier: Apache-2.0 */
/* Schedules and time: RRULE validation and expansion into occurrences, IANA
 * zone conversions and RFC 3339 text, on libical. Pure: no libevent, no libpq.
 * Local wall times are "YYYY-MM-DDTHH:MM[:SS]" without an offset; instants are
 * Unix seconds. */
#ifndef PIIRI_CAL_H
#define PIIRI_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAL_LOCAL_LEN        20 /* "YYYY-MM-DDTHH:MM:SS" + NUL */
#define CAL_RFC3339_LEN      26 /* "YYYY-MM-DDTHH:MM:SS+HH:MM" + NUL */
#define CAL_DEFAULT_TIMEZONE "Europe/Helsinki"

#define CAL_DURATION_MAX (60 * 24 * 31) /* minutes; camps span days */
#define CAL_RRULE_MAX    500            /* bytes of RRULE text */
#define CAL_COUNT_MAX    1000
#define CAL_INTERVAL_MAX 1000
#define CAL_EXDATES_MAX  500

/* Which schedule field is to blame (a static string) and why. */
struct cal_error {
    const char *field; /* "schedule.start", "schedule.duration_minutes", "schedule.timezone",
                          "schedule.rrule", "schedule.exdates" */
    char message[160];
};

/* A group's schedule; every pointer is borrowed. */
struct cal_schedule {
    const char *start_local;    /* first occurrence, local wall time "2026-01-13T18:00" or
                                   "...:00" (seconds optional) */
    int duration_minutes;       /* 1 .. CAL_DURATION_MAX */
    const char *timezone;       /* IANA name; NULL means CAL_DEFAULT_TIMEZONE */
    const char *rrule;          /* RFC 5545 RRULE value without "RRULE:", or NULL for a one-off */
    const char *const *exdates; /* NULL-terminated local wall times to skip, or NULL */
};

struct cal_occurrence {
    int64_t start_utc, end_utc;      /* Unix seconds; end = start + duration */
    char start_local[CAL_LOCAL_LEN]; /* the rule's wall time, canonical "YYYY-MM-DDTHH:MM:SS"
                                        (its RECURRENCE-ID); see cal_expand for DST gaps */
};

/* Load every time zone libical knows from the system tzdata. Call once before
 * fork (piirid main) and in tests; the other functions call it if needed. */
void cal_init(void);

/* Is this an IANA zone we accept ("Europe/Helsinki", "America/New_York", "UTC",
 * a few old aliases such as "Europe/Kiev"; not "Mars/Olympus", not "")? */
bool cal_timezone_known(const char *tzid);

/* 0 if valid, else -1 with err->field and a human message (plain ASCII; it
 * quotes nothing of the input but RRULE part names). Rejects: an unparseable
 * start or one outside 1970..2199, a duration out of range, an unknown zone,
 * an RRULE libical rejects or with a malformed value, FREQ=SECONDLY/MINUTELY/
 * HOURLY, BYHOUR/BYMINUTE/BYSECOND (the time of day is the start's),
 * RSCALE/SKIP, BY* parts RFC 5545 forbids for the FREQ, and those libical
 * 3.0.16 expands wrongly (BYWEEKNO; BYSETPOS other than over plain weekdays
 * with MONTHLY/YEARLY; a negative BYMONTHDAY with DAILY; BYMONTHDAY with
 * YEARLY but no BYMONTH; BYYEARDAY with BYMONTH), UNTIL with COUNT, COUNT or
 * INTERVAL outside 1..1000, an UNTIL before the start, a rule with no
 * occurrence in ten years, rule text over 500 bytes, bad or more than 500
 * exdates, and a start that is not itself the rule's first occurrence
 * (calendar apps disagree about such series; field schedule.start, and the
 * message ends with the rule's real first occurrence). */
int cal_schedule_validate(const struct cal_schedule *s, struct cal_error *err)
    __attribute__((warn_unused_result));

/* Occurrences whose start is in [from_utc, until_utc), in order, at most max;
 * returns how many were written to out, or -1 with err if the schedule is
 * invalid. A weekly 18:00 stays at 18:00 local across DST. A wall time in a
 * spring-forward gap starts later by the gap (RFC 5545: 03:30 becomes 04:30
 * local), but its start_local keeps the rule's 03:30; an ambiguous fall-back
 * time is the first (summer) instant. An UNTIL in UTC bounds the instant, a
 * date-only UNTIL includes that whole local day. Exdates match start_local (or
 * the real local start in a gap). A one-off (rrule NULL) has exactly one
 * occurrence unless an exdate removes it. */
int cal_expand(const struct cal_schedule *s, int64_t from_utc, int64_t until_utc,
    struct cal_occurrence *out, size_t max, struct cal_error *err)
    __attribute__((warn_unused_result));

/* The schedule's RRULE for an iCalendar feed: UNTIL rewritten in UTC (RFC 5545
 * wants UTC with a TZID'd DTSTART; a date-only UNTIL becomes the end of that
 * local day), the rest as libical renders it. 0, or -1 if the schedule is
 * invalid (err filled), it has no rule, or out is too small. */
int cal_schedule_feed_rrule(
    const struct cal_schedule *s, char *out, size_t size, struct cal_error *err)
    __attribute__((warn_unused_result));

/* The rule of a feed that shows the series from one of its later
 * occurrences on (from_local, a start_local of cal_expand): the schedule
 * started there has the same occurrences from there on, so only COUNT
 * changes, lowered by the occurrences before it; UNTIL is written in UTC,
 * as cal_schedule_feed_rrule writes it. The text is a rule for a schedule
 * whose start_local is from_local. 0, or -1 if the schedule is invalid, has
 * no rule, from_local is not one of its occurrences, or out is too small. */
int cal_schedule_rrule_from(const struct cal_schedule *s, const char *from_local, char *out,
    size_t size, struct cal_error *err) __attribute__((warn_unused_result));

/* Local wall time + zone (NULL: CAL_DEFAULT_TIMEZONE) -> UTC with the gap and
 * ambiguity rules of cal_expand. -1 if unparseable or the zone is unknown. */
int cal_local_to_utc(const char *local, const char *tzid, int64_t *utc)
    __attribute__((warn_unused_result));

/* Is the local time one that calendar programs read differently: in a
 * spring-forward gap (there is no such time) or in the repeated hour of the
 * autumn (there are two)? RFC 5545 takes the offset before a gap and the
 * first of two, as cal_local_to_utc does, but not every parser follows it.
 * False for an unknown zone or a malformed time. */
bool cal_local_doubtful(const char *local, const char *tzid);

/* UTC -> the zone's wall time "YYYY-MM-DDTHH:MM:SS" (unknown zone: UTC). */
void cal_utc_to_local(int64_t utc, const char *tzid, char out[CAL_LOCAL_LEN]);

/* "2026-01-13T18:00" -> "2026-01-13T18:00:00"; -1 if not a valid wall time. */
int cal_local_canonical(const char *local, char out[CAL_LOCAL_LEN])
    __attribute__((warn_unused_result));

/* UTC -> "2026-03-29T18:00:00+03:00" in the zone (NULL: CAL_DEFAULT_TIMEZONE;
 * unknown: "+00:00"). Years are clamped to 0001..9999. */
void cal_format_rfc3339(int64_t utc, const char *tzid, char out[CAL_RFC3339_LEN]);

/* RFC 3339 with an offset or Z ("2026-03-29T18:00:00+03:00", fractional
 * seconds allowed and dropped) -> UTC; -1 if malformed. */
int cal_parse_rfc3339(const char *text, int64_t *utc) __attribute__((warn_unused_result));

#endif
