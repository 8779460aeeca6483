/* SPDX-License-Identifier: Apache-2.0 */
/* Shared internals of the iCalendar renderer: the output buffer with its
 * content-line writer, time text, and VTIMEZONE components. Not for use
 * outside calendars/. */
#ifndef PIIRI_ICS_INTERNAL_H
#define PIIRI_ICS_INTERNAL_H

#include "cal-internal.h"
#include "ics.h"

#define ICS_LINE_MAX 75 /* octets per physical line, without CRLF (RFC 5545 3.1) */

/* The growing output; col is the octets on the current physical line. */
struct ics_out {
    char *data;
    size_t len, cap;
    size_t col;
};

/* ics-line.c */
void ics_out_init(struct ics_out *o, size_t hint);
/* Printable ASCII the caller has checked (names, parameters, numbers, dates):
 * folded anywhere. */
void ics_line_ascii(struct ics_out *o, const char *s, size_t n);
void ics_line_str(struct ics_out *o, const char *s);
/* A TEXT value, escaped and made valid UTF-8; folded between characters and
 * never inside an escape. */
void ics_line_text(struct ics_out *o, const char *s);
/* A URI value, or false (nothing written) if it has a space, a control
 * character or invalid UTF-8. */
bool ics_line_uri_ok(const char *s);
void ics_line_uri(struct ics_out *o, const char *s);
void ics_line_end(struct ics_out *o);
/* "NAME:value\r\n" for a checked ASCII value, and for a TEXT value. */
void ics_line_put(struct ics_out *o, const char *name, const char *value);
void ics_line_put_text(struct ics_out *o, const char *name, const char *text);

/* Time text, from wall seconds (cal_civil_to_wall's) or UTC seconds. */
#define ICS_DATE_LEN  9  /* "20270111" + NUL */
#define ICS_LOCAL_LEN 16 /* "20270111T180000" + NUL */
#define ICS_UTC_LEN   17 /* "20270111T160000Z" + NUL */
void ics_time_date(int64_t wall, char out[ICS_DATE_LEN]);
void ics_time_local(int64_t wall, char out[ICS_LOCAL_LEN]);
void ics_time_utc(int64_t utc, char out[ICS_UTC_LEN]);

/* ics-tz.c: a zone the feed's times are written in, and the span of UTC
 * instants written in it (every DTSTART, DTEND, EXDATE and RECURRENCE-ID). */
struct ics_zone {
    const char *name; /* the IANA name, borrowed from an event (or CAL_DEFAULT_TIMEZONE) */
    icaltimezone *zone;
    int64_t min, max;
    bool referenced; /* some TZID names it, so it gets a VTIMEZONE */
};

/* The zone's UTC offset at utc, in seconds east. */
int ics_tz_offset(icaltimezone *zone, int64_t utc);
/* The VTIMEZONE for z: its current rules as yearly RRULEs when they give the
 * real offsets over the span, else its real transitions as RDATEs. */
void ics_tz_write(struct ics_out *o, const struct ics_zone *z);

#endif
