/* SPDX-License-Identifier: Apache-2.0 */
/* A group's schedule (as JSON) expanded into the array parameters that the
 * session SQL functions take: "{start,...}" and "{end,...}" in Unix seconds. */
#ifndef PIIRI_OCCURRENCES_H
#define PIIRI_OCCURRENCES_H

#include <jansson.h>
#include <stdint.h>

/* How far ahead sessions are materialised. */
#define HORIZON_SECONDS (366 * 24 * 3600)
/* The most occurrences one expansion may produce (a daily group for a year
 * is 366). */
#define OCCURRENCES_MAX 1500

struct occurrence_params {
    char *starts;   /* new: "{1767196800,...}" */
    char *ends;
};

/* Expand schedule (start, duration_minutes, timezone, rrule) for starts in
 * [from, until). -1 if the schedule cannot be expanded (it was validated, so
 * this is a bug or an absurd rule). */
int occurrences_expand(json_t *schedule, int64_t from, int64_t until, struct occurrence_params *out)
    __attribute__((warn_unused_result));
void occurrences_free(struct occurrence_params *p);
/* "2026-11-22T23:14:34Z"; years 1 to 9999 have four digits ("0050-..."). */
void occurrences_format_utc(int64_t t, char out[32]);

#endif
