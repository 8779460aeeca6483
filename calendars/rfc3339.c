/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 3339 timestamps with an offset, as the API shows session times. */
#include "cal-internal.h"

#include <stdlib.h>
#include <string.h>

void cal_format_rfc3339(int64_t utc, const char *tzid, char out[CAL_RFC3339_LEN])
{
    icaltimezone *zone = cal_tz_find(tzid);

    if (zone == NULL)
        zone = icaltimezone_get_utc_timezone();
    utc = cal_civil_clamp(utc);
    /* Offsets before ~1920 had seconds (Helsinki +01:39:49); RFC 3339 has
     * none, so show whole minutes and the wall time that matches them. */
    int offset = cal_tz_offset(zone, utc) / 60 * 60;
    int minutes = abs(offset) / 60;
    cal_civil_format_local(utc + offset, out);
    out[CAL_LOCAL_LEN - 1] = offset < 0 ? '-' : '+';
    cal_civil_put_digits(out + CAL_LOCAL_LEN, minutes / 60, 2);
    out[CAL_LOCAL_LEN + 2] = ':';
    cal_civil_put_digits(out + CAL_LOCAL_LEN + 3, minutes % 60, 2);
    out[CAL_RFC3339_LEN - 1] = '\0';
}

/* "Z", "+HH:MM" or "-HH:MM" and the end of the text; seconds east in *offset. */
static int rfc3339_offset(const char *p, int *offset)
{
    int hours, minutes;

    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        *offset = 0;
        return 0;
    }
    if ((p[0] != '+' && p[0] != '-') || !cal_civil_parse_digits(p + 1, 2, &hours) || p[3] != ':' ||
        !cal_civil_parse_digits(p + 4, 2, &minutes) || p[6] != '\0')
        return -1;
    if (hours > 23 || minutes > 59)
        return -1;
    *offset = (p[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS" at the start of text; a leap second (:60 after :59,
 * valid RFC 3339) is read as :59 with *leap set, to count as the next second. */
static int rfc3339_datetime(const char *text, struct cal_civil *c, bool *leap)
{
    char head[CAL_LOCAL_LEN];

    memcpy(head, text, CAL_LOCAL_LEN - 1);
    head[CAL_LOCAL_LEN - 1] = '\0';
    if (head[10] == 't')
        head[10] = 'T';
    *leap = memcmp(head + 14, "59:60", 5) == 0;
    if (*leap)
        memcpy(head + 17, "59", 2);
    return cal_civil_parse_local(head, c);
}

int cal_parse_rfc3339(const char *text, int64_t *utc)
{
    struct cal_civil c;
    bool leap;
    int offset;

    if (text == NULL || strnlen(text, CAL_LOCAL_LEN - 1) < CAL_LOCAL_LEN - 1 ||
        rfc3339_datetime(text, &c, &leap) < 0)
        return -1;
    const char *p = text + CAL_LOCAL_LEN - 1;
    if (*p == '.') {
        /* Fractional seconds: at least one digit, dropped. */
        if (p[1] < '0' || p[1] > '9')
            return -1;
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    }
    if (rfc3339_offset(p, &offset) < 0)
        return -1;
    *utc = cal_civil_to_wall(&c) + leap - offset;
    return 0;
}
