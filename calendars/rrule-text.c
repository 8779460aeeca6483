/* SPDX-License-Identifier: Apache-2.0 */
/* RRULE text, before libical reads it: the parts we know, their value syntax
 * and our limits. libical's parser is lax (INTERVAL=70000 wraps in a short,
 * "UNTIL=20261231T+40000Z", "BYSETPOS=," and "WKST=BYDAY=SU" pass), so only
 * clean text reaches it. */
#include "cal-internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RRULE_FIELD "schedule.rrule"

struct rrule_text_part;
/* Is this one item of the part's value well formed? */
typedef bool (*rrule_text_item_fn)(const struct rrule_text_part *part, const char *p, size_t len);

struct rrule_text_part {
    const char *name;
    rrule_text_item_fn item; /* NULL: libical checks the value */
    bool list;               /* comma-separated items */
    int max;                 /* numbers: from 1 to max, or -max to max if negative */
    const char *expect;      /* what the value must be, for the message */
    const char *refused;     /* valid RFC 5545 Piiri does not take, and why */
};

static bool rrule_text_weekday(const struct rrule_text_part *part, const char *p, size_t len)
{
    static const char days[] = "MOTUWETHFRSASU";

    for (size_t i = 0; len == 2 && i < sizeof(days) - 1; i += 2) {
        if (strncasecmp(days + i, p, 2) == 0)
            return true;
    }
    return false;
}

/* [+-]digits, never zero (no RFC 5545 list has a zero). */
static bool rrule_text_number(const struct rrule_text_part *part, const char *p, size_t len)
{
    int v;

    if (part->max < 0 && len > 0 && (*p == '+' || *p == '-')) {
        p++;
        len--;
    }
    return len > 0 && len <= 4 && cal_civil_parse_digits(p, (int)len, &v) && v >= 1 &&
           v <= abs(part->max);
}

/* "MO", "1TU", "-1FR", "+53SU". */
static bool rrule_text_day(const struct rrule_text_part *part, const char *p, size_t len)
{
    static const struct rrule_text_part ordinal = { .max = -53 };

    return len >= 2 && (len == 2 || rrule_text_number(&ordinal, p, len - 2)) &&
           rrule_text_weekday(part, p + len - 2, 2);
}

/* YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ. */
static bool rrule_text_until(const struct rrule_text_part *part, const char *p, size_t len)
{
    int d;
    bool ok = (len == 8 || len == 15 || len == 16) && cal_civil_parse_digits(p, 8, &d);

    return ok && (len == 8 || (p[8] == 'T' && cal_civil_parse_digits(p + 9, 6, &d) &&
                                  (len == 15 || p[15] == 'Z')));
}

static const struct rrule_text_part rrule_text_parts[] = {
    { "FREQ", NULL, false, 0, NULL, NULL },
    { "UNTIL", rrule_text_until, false, 0,
        "YYYYMMDD, YYYYMMDDTHHMMSS (local) or YYYYMMDDTHHMMSSZ (UTC)", NULL },
    { "COUNT", rrule_text_number, false, CAL_COUNT_MAX, "a number from 1 to 1000", NULL },
    { "INTERVAL", rrule_text_number, false, CAL_INTERVAL_MAX, "a number from 1 to 1000", NULL },
    { "BYDAY", rrule_text_day, true, 0, "weekdays such as MO or numbered ones such as 1TU, -1FR",
        NULL },
    { "BYMONTHDAY", rrule_text_number, true, -31, "days from 1 to 31 or -31 to -1", NULL },
    { "BYYEARDAY", rrule_text_number, true, -366, "days from 1 to 366 or -366 to -1", NULL },
    { "BYWEEKNO", rrule_text_number, true, -53, "weeks from 1 to 53 or -53 to -1", NULL },
    { "BYMONTH", rrule_text_number, true, 12, "months from 1 to 12", NULL },
    { "BYSETPOS", rrule_text_number, true, -366, "positions from 1 to 366 or -366 to -1", NULL },
    { "WKST", rrule_text_weekday, false, 0, "a weekday such as MO", NULL },
    { "BYHOUR", NULL, false, 0, NULL, "the time of day is the start's" },
    { "BYMINUTE", NULL, false, 0, NULL, "the time of day is the start's" },
    { "BYSECOND", NULL, false, 0, NULL, "the time of day is the start's" },
    { "RSCALE", NULL, false, 0, NULL, "the calendar is Gregorian" },
    { "SKIP", NULL, false, 0, NULL, "the calendar is Gregorian" },
};
#define RRULE_TEXT_PARTS (sizeof(rrule_text_parts) / sizeof(rrule_text_parts[0]))

static const struct rrule_text_part *rrule_text_find(const char *name, size_t len)
{
    for (size_t i = 0; i < RRULE_TEXT_PARTS; i++) {
        const char *known = rrule_text_parts[i].name;
        if (strlen(known) == len && strncasecmp(known, name, len) == 0)
            return &rrule_text_parts[i];
    }
    return NULL;
}

static unsigned rrule_text_bit(const char *name)
{
    return 1u << (rrule_text_find(name, strlen(name)) - rrule_text_parts);
}

/* Only what an RRULE value can hold reaches libical, so messages may quote it. */
static bool rrule_text_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '=' ||
           c == ';' || c == ',' || c == '+' || c == '-';
}

static int rrule_text_value(
    const struct rrule_text_part *part, const char *value, size_t len, struct cal_error *err)
{
    size_t start = 0;

    if (part->refused != NULL)
        return cal_error_set(
            err, RRULE_FIELD, "%s is not supported: %s", part->name, part->refused);
    while (part->item != NULL) {
        const char *comma = part->list ? memchr(value + start, ',', len - start) : NULL;
        size_t end = comma != NULL ? (size_t)(comma - value) : len;
        if (!part->item(part, value + start, end - start))
            return cal_error_set(err, RRULE_FIELD, "%s must be %s", part->name, part->expect);
        if (comma == NULL)
            break;
        start = end + 1;
    }
    return 0;
}

/* One "NAME=VALUE"; *seen collects the parts met so far, by table index. */
static int rrule_text_part(const char *text, size_t len, unsigned *seen, struct cal_error *err)
{
    const char *eq = memchr(text, '=', len);
    int name_len = (int)(eq != NULL ? eq - text : (ptrdiff_t)len);

    if (eq == NULL)
        return cal_error_set(
            err, RRULE_FIELD, "\"%.*s\" is not NAME=VALUE", name_len > 20 ? 20 : name_len, text);
    const struct rrule_text_part *part = rrule_text_find(text, (size_t)name_len);
    if (part == NULL)
        return cal_error_set(
            err, RRULE_FIELD, "unknown part \"%.*s\"", name_len > 20 ? 20 : name_len, text);
    unsigned bit = rrule_text_bit(part->name);
    if (*seen & bit)
        return cal_error_set(err, RRULE_FIELD, "%s is given twice", part->name);
    *seen |= bit;
    return rrule_text_value(part, eq + 1, len - (size_t)name_len - 1, err);
}

int cal_rrule_check_text(const char *text, struct cal_error *err)
{
    size_t len = strnlen(text, CAL_RRULE_MAX + 1);
    unsigned seen = 0;

    if (len > CAL_RRULE_MAX)
        return cal_error_set(err, RRULE_FIELD, "is longer than %d bytes", CAL_RRULE_MAX);
    for (size_t i = 0; i < len; i++) {
        if (!rrule_text_char_ok(text[i]))
            return cal_error_set(err, RRULE_FIELD, "is not an RFC 5545 RRULE value");
    }
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, ";");
        if (n > 0 && rrule_text_part(p, n, &seen, err) < 0)
            return -1;
        p += n + (p[n] == ';');
    }
    if ((seen & rrule_text_bit("UNTIL")) && (seen & rrule_text_bit("COUNT")))
        return cal_error_set(err, RRULE_FIELD, "UNTIL and COUNT cannot both be given");
    return 0;
}
