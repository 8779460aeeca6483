/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for schedules: rule, start, zone, duration and exdates from
 * the input, validated and, if valid, expanded over two years; the results are
 * checked for order, window and duration, so wrong answers crash too. */
#include "cal.h"

#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX      600
#define OCCURRENCES_MAX 1000
#define TWO_YEARS       (2 * 366 * 86400LL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fields are the input's lines: rrule ("-" for none), start, zone ("" for
 * none), duration, then exdates. */
struct fields {
    char *text;
    const char *line[FIELDS_MAX + 1];
    size_t count;
};

static void fields_split(const uint8_t *data, size_t size, struct fields *f)
{
    f->text = malloc(size + 1);
    if (f->text == NULL)
        abort();
    memcpy(f->text, data, size);
    f->text[size] = '\0';
    f->count = 0;
    for (char *p = f->text; f->count < FIELDS_MAX;) {
        f->line[f->count++] = p;
        p = strchr(p, '\n');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    f->line[f->count] = NULL;
}

static const char *fields_get(const struct fields *f, size_t i)
{
    return i < f->count ? f->line[i] : "";
}

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static void check_occurrences(const struct cal_schedule *s, const struct cal_occurrence *o, int n,
    int64_t from, int64_t until)
{
    char canonical[CAL_LOCAL_LEN];

    check(n >= 0 && n <= OCCURRENCES_MAX);
    check(s->rrule != NULL || n <= 1);
    for (int i = 0; i < n; i++) {
        check(o[i].start_utc >= from && o[i].start_utc < until);
        check(o[i].end_utc - o[i].start_utc == (int64_t)s->duration_minutes * 60);
        check(i == 0 || o[i].start_utc > o[i - 1].start_utc);
        check(cal_local_canonical(o[i].start_local, canonical) == 0);
        check(strcmp(canonical, o[i].start_local) == 0);
    }
}

/* A later window, where libical jumps ahead instead of walking, must give the
 * tail of the full one. */
static void check_late_window(const struct cal_schedule *s, const struct cal_occurrence *all, int n,
    int64_t start, size_t size)
{
    static struct cal_occurrence late[OCCURRENCES_MAX];
    struct cal_error err;
    int64_t cut = start + (int64_t)(size * 7919 % (size_t)TWO_YEARS);
    int k = 0;

    if (n >= OCCURRENCES_MAX)
        return; /* the full window was cut short */
    while (k < n && all[k].start_utc < cut)
        k++;
    int m = cal_expand(s, cut, start + TWO_YEARS, late, OCCURRENCES_MAX, &err);
    check(m == n - k);
    for (int j = 0; j < m; j++)
        check(late[j].start_utc == all[k + j].start_utc);
}

/* The text helpers on the same fields: no crash, and format/parse agree. */
static void fuzz_text(const struct fields *f, const char *tz)
{
    int64_t t;
    char text[CAL_RFC3339_LEN], local[CAL_LOCAL_LEN];

    if (cal_parse_rfc3339(fields_get(f, 1), &t) == 0) {
        int64_t back;
        cal_format_rfc3339(t, tz, text);
        check(cal_parse_rfc3339(text, &back) == 0);
        check(back == t || t < -62135596800LL || t > 253402300799LL);
    }
    if (cal_local_to_utc(fields_get(f, 1), tz, &t) == 0) {
        cal_utc_to_local(t, tz, local);
        check(cal_local_canonical(local, local) == 0);
    }
}

/* A start that is not the rule's first occurrence is refused with that
 * occurrence at the end of the message: retry with it, so the fuzzer reaches
 * expansion for rules whose start it could not guess. */
static bool retry_start(const struct cal_error *err, char start[CAL_LOCAL_LEN])
{
    size_t len = strlen(err->message);

    if (strcmp(err->field, "schedule.start") != 0 || len < CAL_LOCAL_LEN - 1)
        return false;
    return cal_local_canonical(err->message + len - (CAL_LOCAL_LEN - 1), start) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct cal_occurrence occ[OCCURRENCES_MAX];
    struct fields f;
    struct cal_error err;
    char rule[1024], first[CAL_LOCAL_LEN];
    int64_t start;

    cal_init();
    fields_split(data, size, &f);
    const char *tz = f.count > 2 && f.line[2][0] != '\0' ? f.line[2] : NULL;
    struct cal_schedule s = {
        .start_local = fields_get(&f, 1),
        .duration_minutes = atoi(fields_get(&f, 3)),
        .timezone = tz,
        .rrule = strcmp(fields_get(&f, 0), "-") == 0 ? NULL : fields_get(&f, 0),
        .exdates = f.count > 4 ? &f.line[4] : NULL,
    };
    int valid = cal_schedule_validate(&s, &err);
    check(valid == 0 || (valid == -1 && err.field != NULL && err.message[0] != '\0'));
    if (valid != 0 && s.rrule != NULL && retry_start(&err, first)) {
        s.start_local = first;
        valid = cal_schedule_validate(&s, &err);
        check(valid == 0 || strcmp(err.field, "schedule.start") != 0);
    }
    if (valid == 0 && cal_local_to_utc(s.start_local, tz, &start) == 0) {
        int n = cal_expand(&s, start, start + TWO_YEARS, occ, OCCURRENCES_MAX, &err);
        check_occurrences(&s, occ, n, start, start + TWO_YEARS);
        check_late_window(&s, occ, n, start, size);
        /* The start is the first occurrence, unless an exdate removed it. */
        check(n == 0 || occ[0].start_utc == start || s.exdates != NULL);
        if (s.rrule != NULL)
            check(cal_schedule_feed_rrule(&s, rule, sizeof(rule), &err) == 0);
    } else if (valid != 0) {
        check(cal_expand(&s, 0, TWO_YEARS, occ, OCCURRENCES_MAX, &err) == -1);
    }
    fuzz_text(&f, tz);
    free(f.text);
    return 0;
}
