/* SPDX-License-Identifier: Apache-2.0 */
/* Dates and times as people of each language write them, in the group's
 * time zone: the SQL writes every time with the offset of that zone, so its
 * wall clock is read straight from the string. Pure.
 *   fi: "ti 24.11.2026 klo 18.00–20.00"  (Kielitoimiston ohjepankki)
 *   sv: "tis 24.11.2026 kl. 18.00–20.00" (Svenska skrivregler, in Finland)
 *   en: "Tue 24 Nov 2026, 18:00–20:00"   (British usage) */
#include "web.h"

#include <stdio.h>
#include <string.h>

static const char *const wday_fi[] = { "su", "ma", "ti", "ke", "to", "pe", "la" };
static const char *const wday_sv[] = { "sön", "mån", "tis", "ons", "tors", "fre", "lör" };
static const char *const wday_en[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const month_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec" };

/* Sakamoto's method: the weekday of a Gregorian date, 0 = Sunday. */
static int weekday(int y, int m, int d)
{
    static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

int web_wall_parse(const char *s, struct web_wall *w)
{
    int n = 0;
    if (s == NULL ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &w->year, &w->month, &w->day, &w->hour, &w->minute, &n) != 5 ||
        n != 16 || w->month < 1 || w->month > 12 || w->day < 1 || w->day > 31 || w->hour > 23 || w->minute > 59 ||
        w->year < 1)
        return -1;
    w->wday = weekday(w->year, w->month, w->day);
    return 0;
}

static bool same_day(const struct web_wall *a, const struct web_wall *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day;
}

void web_format_day(const char *lang, const struct web_wall *w, char *buf, size_t len)
{
    if (strcmp(lang, "en") == 0)
        snprintf(buf, len, "%s %d %s %d", wday_en[w->wday], w->day, month_en[w->month - 1], w->year);
    else
        snprintf(buf, len, "%s %d.%d.%d", strcmp(lang, "sv") == 0 ? wday_sv[w->wday] : wday_fi[w->wday], w->day,
            w->month, w->year);
}

void web_format_time(const char *lang, int hour, int minute, bool short_form, char *buf, size_t len)
{
    if (short_form && minute == 0)
        snprintf(buf, len, "%d", hour);
    else if (strcmp(lang, "en") == 0)
        snprintf(buf, len, "%02d:%02d", hour, minute);
    else
        snprintf(buf, len, "%d.%02d", hour, minute);
}

/* "klo " before a time: the word each language puts there. */
static const char *clock_word(const char *lang)
{
    return strcmp(lang, "sv") == 0 ? "kl. " : strcmp(lang, "en") == 0 ? "" : "klo ";
}

int web_format_session(const char *lang, const char *starts_at, const char *ends_at, char *buf, size_t len)
{
    struct web_wall a, b;
    char day_a[40], day_b[40], time_a[16], time_b[16];
    buf[0] = '\0';
    if (web_wall_parse(starts_at, &a) != 0 || web_wall_parse(ends_at, &b) != 0)
        return -1;
    bool en = strcmp(lang, "en") == 0;
    web_format_day(lang, &a, day_a, sizeof(day_a));
    web_format_time(lang, a.hour, a.minute, false, time_a, sizeof(time_a));
    web_format_time(lang, b.hour, b.minute, false, time_b, sizeof(time_b));
    if (same_day(&a, &b)) {
        /* An en dash between the times, no spaces (both style guides). */
        snprintf(buf, len, "%s%s%s%s–%s", day_a, en ? ", " : " ", clock_word(lang), time_a, time_b);
        return 0;
    }
    web_format_day(lang, &b, day_b, sizeof(day_b));
    /* Over several days (a camp): a spaced dash between two whole times. */
    snprintf(buf, len, "%s%s%s%s – %s%s%s%s", day_a, en ? ", " : " ", clock_word(lang), time_a, day_b,
        en ? ", " : " ", clock_word(lang), time_b);
    return 0;
}
