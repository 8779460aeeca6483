/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the array literals of occurrences.c: a schedule and
 * a window from the input's lines, expanded by occurrences_expand; the
 * "{...}" texts must hold exactly the starts and ends cal_expand gives for
 * the same window, in order, and "{}" when it gives none (a window before
 * the start, after the end, or empty). */
#include "cal.h"
#include "occurrences.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELDS 6

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

/* Lines: rrule ("-" for none), start, zone ("" for the default), duration,
 * then the window as seconds from the start and its length in seconds. */
static void split(char *text, const char *line[FIELDS])
{
    for (int i = 0; i < FIELDS; i++) {
        line[i] = text;
        char *nl = text ? strchr(text, '\n') : NULL;
        if (nl != NULL)
            *nl++ = '\0';
        text = nl;
        if (line[i] == NULL)
            line[i] = "";
    }
}

/* The items of literal, which must be "{}" or "{n,n,...}", equal want[0..n). */
static void check_literal(const char *literal, const struct cal_occurrence *occ, int n, bool ends)
{
    const char *p = literal;
    check(*p++ == '{');
    for (int i = 0; i < n; i++) {
        char *end;
        long long v = strtoll(p, &end, 10);
        check(end > p && v == (long long)(ends ? occ[i].end_utc : occ[i].start_utc));
        check(*end == (i + 1 < n ? ',' : '}'));
        p = end + (i + 1 < n);
    }
    check(*p++ == '}' && *p == '\0');
}

static json_t *schedule_json(const char *line[FIELDS])
{
    json_t *s = json_pack("{s:s, s:i}", "start", line[1], "duration_minutes", atoi(line[3]));
    if (s == NULL)
        return NULL; /* the start is not UTF-8: JSON cannot hold it */
    if (line[2][0] != '\0' && json_object_set_new(s, "timezone", json_string(line[2])) != 0)
        json_object_del(s, "timezone");
    if (strcmp(line[0], "-") != 0 && json_object_set_new(s, "rrule", json_string(line[0])) != 0)
        json_object_del(s, "rrule");
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct cal_occurrence occ[OCCURRENCES_MAX];
    const char *line[FIELDS];
    struct cal_error err;
    char *text = strndup((const char *)data, size);
    if (text == NULL)
        abort();
    cal_init();
    split(text, line);
    json_t *js = schedule_json(line);
    if (js == NULL) {
        free(text);
        return 0;
    }
    const char *tz = json_string_value(json_object_get(js, "timezone"));
    struct cal_schedule s = {
        .start_local = line[1],
        .duration_minutes = atoi(line[3]),
        .timezone = tz ? tz : "Europe/Helsinki",
        .rrule = json_string_value(json_object_get(js, "rrule")),
    };
    int64_t start = 0;
    if (cal_local_to_utc(s.start_local, s.timezone, &start) != 0)
        start = 1798761600; /* 2027-01-01 */
    /* Up to about 3 years either side of the start, up to 2 years long. */
    int64_t from = start + strtoll(line[4], NULL, 10) % (3 * 366 * 86400LL);
    int64_t until = from + llabs(strtoll(line[5], NULL, 10) % (2 * 366 * 86400LL));
    struct occurrence_params p = { NULL, NULL };
    int n = cal_expand(&s, from, until, occ, OCCURRENCES_MAX, &err);
    int rc = occurrences_expand(js, from, until, &p);
    check(rc == (n < 0 ? -1 : 0));
    if (rc == 0) {
        check_literal(p.starts, occ, n, false);
        check_literal(p.ends, occ, n, true);
        occurrences_free(&p);
    }
    json_decref(js);
    free(text);
    return 0;
}
