/* SPDX-License-Identifier: Apache-2.0 */
/* Time zones: libical's zones loaded once from the system tzdata, UTC offsets,
 * and wall time <-> UTC with RFC 5545's rules for gaps and repeated hours. */
#include "cal-internal.h"

#include <stdlib.h>
#include <string.h>

struct tz_entry {
    char *name;
    icaltimezone *zone;
};

/* Sorted by name; built once by cal_init and never freed. */
static struct tz_entry *tz_table;
static size_t tz_count;
static bool tz_ready;

/* Old names that are not in zone.tab but that browsers (ICU) and older systems
 * still send. Loading them here keeps libical from reading tzdata files later:
 * it looks up any unknown name on disk, after fork, on the event loop. */
static const char *const tz_aliases[] = {
    "Etc/UTC",
    "Etc/GMT",
    "Europe/Kiev",
    "Asia/Calcutta",
    "Asia/Saigon",
    "Asia/Katmandu",
    "Asia/Rangoon",
    "Atlantic/Faeroe",
    "America/Buenos_Aires",
    "America/Godthab",
    "America/Indianapolis",
};

static int tz_compare(const void *a, const void *b)
{
    return strcmp(((const struct tz_entry *)a)->name, ((const struct tz_entry *)b)->name);
}

static void tz_add(const char *name, icaltimezone *zone)
{
    struct tz_entry *grown = realloc(tz_table, (tz_count + 1) * sizeof(*tz_table));
    char *copy = strdup(name);

    if (grown == NULL || copy == NULL)
        abort(); /* out of memory at start-up */
    tz_table = grown;
    tz_table[tz_count].name = copy;
    tz_table[tz_count].zone = zone;
    tz_count++;
}

/* Load one zone's VTIMEZONE now, so no worker reads tzdata later. */
static void tz_load(const char *name)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);

    if (zone != NULL && icaltimezone_get_component(zone) != NULL)
        tz_add(name, zone);
}

void cal_init(void)
{
    if (tz_ready)
        return;
    tz_ready = true;
    icalerror_set_errors_are_fatal(0);
    icalarray *builtin = icaltimezone_get_builtin_timezones();
    /* Copy the names first: loading a zone replaces its location string. */
    size_t n = builtin != NULL ? builtin->num_elements : 0;
    char **names = calloc(n + 1, sizeof(*names));
    if (names == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *loc = icaltimezone_get_location(icalarray_element_at(builtin, i));
        names[i] = loc != NULL ? strdup(loc) : NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (names[i] != NULL)
            tz_load(names[i]);
        free(names[i]);
    }
    free(names);
    for (size_t i = 0; i < sizeof(tz_aliases) / sizeof(tz_aliases[0]); i++)
        tz_load(tz_aliases[i]);
    /* libical answers "UTC" and "GMT" with its own UTC zone. */
    tz_add("UTC", icaltimezone_get_utc_timezone());
    tz_add("GMT", icaltimezone_get_utc_timezone());
    qsort(tz_table, tz_count, sizeof(*tz_table), tz_compare);
}

icaltimezone *cal_tz_find(const char *tzid)
{
    cal_init();
    if (tzid == NULL)
        tzid = CAL_DEFAULT_TIMEZONE;
    struct tz_entry key = { .name = (char *)tzid };
    struct tz_entry *e = bsearch(&key, tz_table, tz_count, sizeof(*tz_table), tz_compare);
    return e != NULL ? e->zone : NULL;
}

bool cal_timezone_known(const char *tzid)
{
    return tzid != NULL && cal_tz_find(tzid) != NULL;
}

/* Seconds east of UTC at the instant utc. */
int cal_tz_offset(icaltimezone *zone, int64_t utc)
{
    struct cal_civil c;
    struct icaltimetype tt = icaltime_null_time();
    int is_daylight = 0;

    cal_civil_from_wall(cal_civil_clamp(utc), &c);
    tt.year = c.year;
    tt.month = c.month;
    tt.day = c.day;
    tt.hour = c.hour;
    tt.minute = c.minute;
    tt.second = c.second;
    tt.zone = icaltimezone_get_utc_timezone();
    return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &is_daylight);
}

int64_t cal_tz_utc_to_wall(icaltimezone *zone, int64_t utc)
{
    utc = cal_civil_clamp(utc);
    return cal_civil_clamp(utc + cal_tz_offset(zone, utc));
}

/* A wall time has zero, one or two instants. We ask for the offsets a day
 * before and after (no zone changes twice within two days) and keep those
 * that map back. libical's own icaltime_as_timet_with_zone picks the later
 * instant of a repeated hour and moves gap times backwards: both wrong for
 * RFC 5545, which says a gap time is read with the offset before the gap. */
int64_t cal_tz_wall_to_utc(icaltimezone *zone, int64_t wall)
{
    int before = cal_tz_offset(zone, wall - CAL_DAY);
    int after = cal_tz_offset(zone, wall + CAL_DAY);
    int64_t u1 = wall - before, u2 = wall - after;
    bool ok1 = cal_tz_offset(zone, u1) == before;
    bool ok2 = cal_tz_offset(zone, u2) == after;

    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2; /* repeated hour: the first instant */
    if (ok2)
        return u2;
    return u1; /* the usual case, or a gap: the offset before it */
}

bool cal_tz_wall_doubtful(icaltimezone *zone, int64_t wall)
{
    int before = cal_tz_offset(zone, wall - CAL_DAY);
    int after = cal_tz_offset(zone, wall + CAL_DAY);
    bool ok1 = cal_tz_offset(zone, wall - before) == before;
    bool ok2 = cal_tz_offset(zone, wall - after) == after;

    return before != after && ok1 == ok2; /* both: the repeated hour; neither: a gap */
}

bool cal_local_doubtful(const char *local, const char *tzid)
{
    struct cal_civil c;
    icaltimezone *zone = cal_tz_find(tzid);

    return local != NULL && zone != NULL && cal_civil_parse_local(local, &c) == 0 &&
           cal_tz_wall_doubtful(zone, cal_civil_to_wall(&c));
}

int cal_local_to_utc(const char *local, const char *tzid, int64_t *utc)
{
    struct cal_civil c;
    icaltimezone *zone = cal_tz_find(tzid);

    if (local == NULL || zone == NULL || cal_civil_parse_local(local, &c) < 0)
        return -1;
    *utc = cal_tz_wall_to_utc(zone, cal_civil_to_wall(&c));
    return 0;
}

void cal_utc_to_local(int64_t utc, const char *tzid, char out[CAL_LOCAL_LEN])
{
    icaltimezone *zone = cal_tz_find(tzid);

    if (zone == NULL)
        zone = icaltimezone_get_utc_timezone();
    cal_civil_format_local(cal_tz_utc_to_wall(zone, utc), out);
}
