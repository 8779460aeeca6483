/* SPDX-License-Identifier: Apache-2.0 */
/* iCalendar (RFC 5545) rendering: rows in, bytes out; pure, deterministic.
 * CRLF lines folded at 75 octets on UTF-8 boundaries, TEXT escaped, one clean
 * VTIMEZONE (TZID = the IANA name, the zone's current rules) per zone used,
 * times as DTSTART;TZID=..., never floating. The same input gives the same
 * bytes: nothing comes from the clock or from hash order.
 *
 * libical underneath: call from one thread at a time (piirid's workers are
 * single-threaded processes; cal_init loads the zones before they fork). */
#ifndef PIIRI_ICS_H
#define PIIRI_ICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICS_PRODID "-//Piiri//Piiri 1.0//FI" /* the feed format's; stays as releases change */

enum ics_status {
    ICS_STATUS_NONE,
    ICS_STATUS_CONFIRMED,
    ICS_STATUS_TENTATIVE,
    ICS_STATUS_CANCELLED
};

/* One VEVENT; every pointer is borrowed. TEXT fields may hold any bytes:
 * backslash, semicolon, comma and newlines (LF, CRLF, CR) are escaped, other
 * ASCII control characters dropped, invalid UTF-8 replaced by U+FFFD. */
struct ics_event {
    const char *uid;            /* stable forever; an event without one is left out */
    int sequence;               /* a negative one is written as 0 */
    int64_t dtstamp;            /* UTC seconds, from the data (not the clock) */
    int64_t last_modified;      /* UTC seconds; 0 = omitted */
    const char *summary;        /* TEXT; NULL = omitted */
    const char *description;    /* TEXT; NULL = omitted */
    const char *location;       /* TEXT; NULL = omitted */
    const char *url;            /* URI; NULL = omitted, and so is one with a space, a control
                                   character or invalid UTF-8 */
    const char *tzid;           /* IANA zone of DTSTART/DTEND/EXDATE/RECURRENCE-ID; NULL =
                                   CAL_DEFAULT_TIMEZONE; one cal_timezone_known refuses = the
                                   times are written in UTC ("...Z") */
    int64_t start_utc, end_utc; /* DTEND is left out unless end_utc > start_utc */
    bool all_day;               /* DTSTART;VALUE=DATE local start date, DTEND;VALUE=DATE the day
                                   after the local end date's last day (exclusive): camp
                                   2027-06-14 14:00 .. 2027-06-17 14:00 -> 20270614 .. 20270618;
                                   an end at local midnight ends the day before; EXDATE,
                                   RECURRENCE-ID and UNTIL are dates too */
    const char *rrule;          /* series master only: RFC 5545 RRULE value, written as
                                   cal_schedule_feed_rrule gives it, with UNTIL in UTC at the end of
                                   the local day of the last occurrence it lets in (the same
                                   occurrences); left out if cal_schedule_feed_rrule refuses it (the
                                   master then shows once) */
    const int64_t *exdates;     /* series master: original UTC starts of cancelled occurrences,
                                   each an EXDATE;TZID=<tzid>:local, in the order given */
    size_t nexdates;
    int64_t recurrence_id;  /* an override of a series occurrence: its original UTC start ->
                               RECURRENCE-ID;TZID=<tzid>:local; 0 = none */
    const char *rule_start; /* series master and its overrides: the master's DTSTART as the
                               rule has it, a local time in tzid ("2027-03-28T03:30:00"). The
                               master's DTSTART and RRULE, every EXDATE and RECURRENCE-ID are
                               then written at the rule's time of day: in a spring-forward gap
                               (03:30 that is 04:30) or the repeated autumn hour an instant's own
                               wall time differs, and parsers expand the rule from the wall time
                               written. NULL = each instant's own wall time */
    enum ics_status status; /* ICS_STATUS_NONE (or a value out of range) = omitted */
    bool transparent;       /* TRANSP:TRANSPARENT (the time is not busy); false = omitted (OPAQUE) */
};

struct ics_calendar {
    const char *name;        /* NAME and X-WR-CALNAME; NULL = omitted */
    const char *description; /* X-WR-CALDESC; NULL = omitted */
    int refresh_minutes;     /* REFRESH-INTERVAL;VALUE=DURATION:PT<n>M and X-PUBLISHED-TTL:PT<n>M;
                                0 (or less) = omitted */
    const struct ics_event *events; /* rendered in this order */
    size_t nevents;
    const char *method; /* METHOD (RFC 5546): "PUBLISH" (a feed) or "CANCEL" (a mail that cancels
                           its events); NULL = PUBLISH */
};

/* Render to a new malloc'd buffer (*len bytes, also NUL-terminated); the caller
 * frees it. Aborts only on out of memory. */
char *ics_render(const struct ics_calendar *cal, size_t *len);

#endif
