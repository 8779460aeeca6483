/* SPDX-License-Identifier: Apache-2.0 */
/* Proleptic Gregorian arithmetic on wall seconds, and the local wall time text. */
#include "cal-internal.h"

#include <string.h>

static bool civil_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int cal_civil_month_days(int year, int month)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (month == 2 && civil_leap(year))
        return 29;
    return days[month - 1];
}

/* Days since 1970-01-01; Howard Hinnant's days_from_civil, exact for any year. */
int64_t cal_civil_to_days(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

/* The inverse of cal_civil_to_days (civil_from_days). */
static void civil_from_days(int64_t z, struct cal_civil *c)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);

    c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->month = month;
    c->year = (int)(yoe + era * 400 + (month <= 2));
}

int64_t cal_civil_to_wall(const struct cal_civil *c)
{
    return cal_civil_to_days(c->year, c->month, c->day) * CAL_DAY + c->hour * 3600 +
           c->minute * 60 + c->second;
}

void cal_civil_from_wall(int64_t wall, struct cal_civil *c)
{
    int64_t days = wall / CAL_DAY, rest = wall % CAL_DAY;

    if (rest < 0) { /* floor, not truncation, before 1970 */
        rest += CAL_DAY;
        days--;
    }
    civil_from_days(days, c);
    c->hour = (int)(rest / 3600);
    c->minute = (int)(rest / 60 % 60);
    c->second = (int)(rest % 60);
}

int64_t cal_civil_clamp(int64_t t)
{
    static const int64_t lo = INT64_C(-62135596800), hi = INT64_C(253402300799);

    return t < lo ? lo : t > hi ? hi : t;
}

bool cal_civil_valid(const struct cal_civil *c)
{
    return c->year >= 1 && c->year <= 9999 && c->month >= 1 && c->month <= 12 && c->day >= 1 &&
           c->day <= cal_civil_month_days(c->year, c->month) && c->hour >= 0 && c->hour <= 23 &&
           c->minute >= 0 && c->minute <= 59 && c->second >= 0 && c->second <= 59;
}

/* Exactly n ASCII digits (no sign, no spaces, unlike sscanf). */
bool cal_civil_parse_digits(const char *p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", nothing before or after. */
int cal_civil_parse_local(const char *text, struct cal_civil *c)
{
    size_t len = strnlen(text, CAL_LOCAL_LEN);

    if (len != 16 && len != 19)
        return -1;
    if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':')
        return -1;
    if (!cal_civil_parse_digits(text, 4, &c->year) ||
        !cal_civil_parse_digits(text + 5, 2, &c->month) ||
        !cal_civil_parse_digits(text + 8, 2, &c->day) ||
        !cal_civil_parse_digits(text + 11, 2, &c->hour) ||
        !cal_civil_parse_digits(text + 14, 2, &c->minute))
        return -1;
    c->second = 0;
    if (len == 19 && (text[16] != ':' || !cal_civil_parse_digits(text + 17, 2, &c->second)))
        return -1;
    return cal_civil_valid(c) ? 0 : -1;
}

/* Exactly n digits of a value from 0 to 10^n - 1, without a NUL. */
void cal_civil_put_digits(char *p, int value, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void cal_civil_format_local(int64_t wall, char out[CAL_LOCAL_LEN])
{
    struct cal_civil c;

    cal_civil_from_wall(cal_civil_clamp(wall), &c);
    memcpy(out, "YYYY-MM-DDTHH:MM:SS", CAL_LOCAL_LEN);
    cal_civil_put_digits(out, c.year, 4);
    cal_civil_put_digits(out + 5, c.month, 2);
    cal_civil_put_digits(out + 8, c.day, 2);
    cal_civil_put_digits(out + 11, c.hour, 2);
    cal_civil_put_digits(out + 14, c.minute, 2);
    cal_civil_put_digits(out + 17, c.second, 2);
}

int cal_local_canonical(const char *local, char out[CAL_LOCAL_LEN])
{
    struct cal_civil c;

    if (local == NULL || cal_civil_parse_local(local, &c) < 0)
        return -1;
    cal_civil_format_local(cal_civil_to_wall(&c), out);
    return 0;
}
