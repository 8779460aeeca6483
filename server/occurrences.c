/* SPDX-License-Identifier: Apache-2.0 */
/* Expansion with calendars/ and formatting of PostgreSQL array literals. */
#include "occurrences.h"

#include "cal.h"
#include "strbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* "{}" when no occurrence falls in the window (a group starting in 2100, an
 * ended series): the builder sizes the text, not arithmetic here. */
static char *array_literal(const struct cal_occurrence *occ, int n, int ends)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addc(&sb, '{');
    for (int i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%lld", i ? "," : "", (long long)(ends ? occ[i].end_utc : occ[i].start_utc));
    strbuf_addc(&sb, '}');
    return strbuf_take(&sb);
}

int occurrences_expand(json_t *schedule, int64_t from, int64_t until, struct occurrence_params *out)
{
    struct cal_error err;
    const char *tz = json_string_value(json_object_get(schedule, "timezone"));
    struct cal_schedule s = {
        .start_local = json_string_value(json_object_get(schedule, "start")),
        .duration_minutes = (int)json_integer_value(json_object_get(schedule, "duration_minutes")),
        .timezone = tz ? tz : "Europe/Helsinki",
        .rrule = json_string_value(json_object_get(schedule, "rrule")),
    };
    struct cal_occurrence *occ = xcalloc(OCCURRENCES_MAX, sizeof(*occ));
    int n = cal_expand(&s, from, until, occ, OCCURRENCES_MAX, &err);
    if (n >= 0) {
        out->starts = array_literal(occ, n, 0);
        out->ends = array_literal(occ, n, 1);
    }
    free(occ);
    return n < 0 ? -1 : 0;
}

void occurrences_free(struct occurrence_params *p)
{
    free(p->starts);
    free(p->ends);
    p->starts = p->ends = NULL;
}

/* Four digits of year even before 1000 (strftime's %Y gives "1" for year 1,
 * which PostgreSQL reads as 2001). */
void occurrences_format_utc(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
        tm.tm_min, tm.tm_sec);
}
