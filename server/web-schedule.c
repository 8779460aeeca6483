/* SPDX-License-Identifier: Apache-2.0 */
/* A group's schedule in plain words, as a person would say it: "joka toinen
 * lauantai klo 10–12", "varannan lördag kl. 10–12", "every other Saturday,
 * 10:00–12:00". Only the rules that words say well: weekly (every, every
 * other, every third...), on weekdays of the month (the first Tuesday), on
 * a day of the month, daily. Anything else gets no words, and the page
 * lists the sessions instead. Pure. */
#include "web.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_codes[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };

static const char *const day_fi[] = { "sunnuntai", "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai",
    "lauantai" };
static const char *const day_fi_ess[] = { "sunnuntaina", "maanantaina", "tiistaina", "keskiviikkona", "torstaina",
    "perjantaina", "lauantaina" };
static const char *const day_sv[] = { "söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag" };
static const char *const day_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday" };

/* Every n-th: index n (2..4); 1 is plain "every". */
static const char *const every_fi[] = { NULL, "joka", "joka toinen", "joka kolmas", "joka neljäs" };
static const char *const every_sv[] = { NULL, "varje", "varannan", "var tredje", "var fjärde" };
static const char *const every_en[] = { NULL, "every", "every other", "every third", "every fourth" };

/* The n-th weekday of the month: 1..4, and -1 for the last (index 0). */
static const char *const nth_fi[] = { "viimeisenä", "ensimmäisenä", "toisena", "kolmantena", "neljäntenä" };
static const char *const nth_sv[] = { "sista", "första", "andra", "tredje", "fjärde" };
static const char *const nth_en[] = { "last", "first", "second", "third", "fourth" };

struct rule {
    char freq[12];
    int interval;
    int days[7], ndays; /* weekdays, 0 = Sunday */
    int nth;            /* 1TU: 1; -1TU: -1; 0: none */
    int monthday;       /* BYMONTHDAY, 0: none */
};

static int day_code(const char *s)
{
    for (int i = 0; i < 7; i++) {
        if (strncmp(s, day_codes[i], 2) == 0 && s[2] == '\0')
            return i;
    }
    return -1;
}

/* BYDAY=TU,TH or BYDAY=1TU / -1FR (one day only). */
static int parse_days(char *v, struct rule *r)
{
    for (char *save = NULL, *d = strtok_r(v, ",", &save); d != NULL; d = strtok_r(NULL, ",", &save)) {
        char *code = d;
        if (*code == '-' || *code == '+' || (*code >= '0' && *code <= '9')) {
            char *end;
            long n = strtol(code, &end, 10);
            if (r->ndays > 0 || (n != -1 && (n < 1 || n > 4)))
                return -1;
            r->nth = (int)n;
            code = end;
        } else if (r->nth != 0)
            return -1;
        int day = day_code(code);
        if (day < 0 || r->ndays == 7)
            return -1;
        r->days[r->ndays++] = day;
    }
    return r->nth != 0 && r->ndays != 1 ? -1 : 0;
}

/* COUNT, UNTIL and WKST change nothing that the words say. */
static int parse_rule(const char *rrule, struct rule *r)
{
    char *copy = xstrdup(rrule), *save = NULL;
    int rc = 0;
    memset(r, 0, sizeof(*r));
    r->interval = 1;
    for (char *part = strtok_r(copy, ";", &save); part != NULL && rc == 0; part = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(part, '=');
        if (eq == NULL) {
            rc = -1;
            break;
        }
        *eq = '\0';
        char *v = eq + 1;
        if (strcmp(part, "FREQ") == 0)
            snprintf(r->freq, sizeof(r->freq), "%s", v);
        else if (strcmp(part, "INTERVAL") == 0)
            r->interval = atoi(v);
        else if (strcmp(part, "BYDAY") == 0)
            rc = parse_days(v, r);
        else if (strcmp(part, "BYMONTHDAY") == 0)
            r->monthday = atoi(v);
        else if (strcmp(part, "COUNT") != 0 && strcmp(part, "UNTIL") != 0 && strcmp(part, "WKST") != 0)
            rc = -1;
    }
    free(copy);
    return rc;
}

/* "klo 10–12", "kl. 17.30–19.30", "10:00–12:00"; NULL past midnight. */
static char *time_words(const char *lang, const struct web_wall *w, int minutes)
{
    int end = w->hour * 60 + w->minute + minutes;
    if (minutes <= 0 || end > 24 * 60)
        return NULL;
    char a[16], b[16];
    bool en = strcmp(lang, "en") == 0;
    web_format_time(lang, w->hour, w->minute, !en, a, sizeof(a));
    web_format_time(lang, end / 60 % 24, end % 60, !en, b, sizeof(b));
    /* Both or neither shortened: "klo 10–12.30" reads as a typo. */
    if (!en && (w->minute != 0 || end % 60 != 0)) {
        web_format_time(lang, w->hour, w->minute, false, a, sizeof(a));
        web_format_time(lang, end / 60 % 24, end % 60, false, b, sizeof(b));
    }
    return xasprintf("%s%s–%s", en ? "" : strcmp(lang, "sv") == 0 ? "kl. " : "klo ", a, b);
}

/* "tiistai ja torstai", "tisdag och torsdag", "Tuesday and Thursday". */
static char *day_list(const char *lang, const struct rule *r)
{
    const char *const *names = strcmp(lang, "sv") == 0 ? day_sv : strcmp(lang, "en") == 0 ? day_en : day_fi;
    const char *and = strcmp(lang, "sv") == 0 ? " och " : strcmp(lang, "en") == 0 ? " and " : " ja ";
    char *out = xstrdup(names[r->days[0]]);
    for (int i = 1; i < r->ndays; i++) {
        char *next = xasprintf("%s%s%s", out, i == r->ndays - 1 ? and : ", ", names[r->days[i]]);
        free(out);
        out = next;
    }
    return out;
}

static char *weekly_words(const char *lang, const struct rule *r, const char *when)
{
    if (r->interval < 1 || r->interval > 4 || r->nth != 0 || r->monthday != 0)
        return NULL;
    char *days = day_list(lang, r);
    char *out;
    if (strcmp(lang, "sv") == 0)
        out = xasprintf("%s %s %s", every_sv[r->interval], days, when);
    else if (strcmp(lang, "en") == 0)
        out = xasprintf("%s %s, %s", every_en[r->interval], days, when);
    else
        out = xasprintf("%s %s %s", every_fi[r->interval], days, when);
    free(days);
    return out;
}

static char *monthly_words(const char *lang, const struct rule *r, const struct web_wall *start, const char *when)
{
    if (r->interval != 1)
        return NULL;
    if (r->nth != 0) {
        int n = r->nth < 0 ? 0 : r->nth, d = r->days[0];
        if (strcmp(lang, "sv") == 0)
            return xasprintf("%s %sen i månaden %s", nth_sv[n], day_sv[d], when);
        if (strcmp(lang, "en") == 0)
            return xasprintf("the %s %s of the month, %s", nth_en[n], day_en[d], when);
        return xasprintf("kuukauden %s %s %s", nth_fi[n], day_fi_ess[d], when);
    }
    if (r->ndays != 0)
        return NULL;
    int day = r->monthday != 0 ? r->monthday : start->day;
    if (day < 1 || day > 28) /* not every month has a 29th */
        return NULL;
    if (strcmp(lang, "sv") == 0)
        return xasprintf("den %d varje månad %s", day, when);
    if (strcmp(lang, "en") == 0)
        return xasprintf("on day %d of every month, %s", day, when);
    return xasprintf("kuukauden %d. päivänä %s", day, when);
}

char *web_schedule_words(const char *lang, const char *start, int duration_minutes, const char *rrule)
{
    struct web_wall w;
    struct rule r;
    if (rrule == NULL || web_wall_parse(start, &w) != 0 || parse_rule(rrule, &r) != 0)
        return NULL;
    char *when = time_words(lang, &w, duration_minutes);
    if (when == NULL)
        return NULL;
    char *out = NULL;
    if (strcmp(r.freq, "WEEKLY") == 0) {
        if (r.ndays == 0)
            r.days[r.ndays++] = w.wday;
        out = weekly_words(lang, &r, when);
    } else if (strcmp(r.freq, "MONTHLY") == 0)
        out = monthly_words(lang, &r, &w, when);
    else if (strcmp(r.freq, "DAILY") == 0 && r.interval == 1 && r.ndays == 0 && r.monthday == 0)
        out = xasprintf("%s%s", strcmp(lang, "sv") == 0 ? "varje dag " : strcmp(lang, "en") == 0 ? "every day, "
                                                                                                 : "joka päivä ",
            when);
    free(when);
    return out;
}
