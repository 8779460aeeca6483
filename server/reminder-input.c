/* SPDX-License-Identifier: Apache-2.0 */
/* The reminder setting of an organization or a group, checked. */
#include "reminder-input.h"

#include <ctype.h>
#include <string.h>

static const char *const kinds[] = { "off", "hours_before", "day_before", NULL };

const struct field reminder_fields[] = {
    { "kind", F_ENUM, true, false, false, 0, 0, 0, 0, kinds, NULL },
    { "hours", F_COUNT, false, false, false, 1, 168, 0, 0, NULL, NULL },
    { "at", F_TEXT, false, false, false, 1, 20, 0, 0, NULL, NULL }, /* then wall_time() */
    FIELDS_END,
};

/* "HH:MM", 00:00 to 23:59. */
static bool wall_time(const char *s)
{
    if (strlen(s) != 5 || s[2] != ':')
        return false;
    for (int i = 0; i < 5; i++) {
        if (i != 2 && !isdigit((unsigned char)s[i]))
            return false;
    }
    return (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

int reminder_input_check(const json_t *reminder, struct invalid *inv)
{
    if (!json_is_object(reminder))
        return 0;
    const char *kind = json_string_value(json_object_get(reminder, "kind"));
    const json_t *hours = json_object_get(reminder, "hours");
    const char *at = json_string_value(json_object_get(reminder, "at"));
    bool by_hours = strcmp(kind, "hours_before") == 0, by_day = strcmp(kind, "day_before") == 0;
    if (by_hours != (hours != NULL)) {
        *inv = (struct invalid){ "reminder.hours",
            by_hours ? "is required with hours_before" : "is only for hours_before" };
        return -1;
    }
    if (by_day != (at != NULL)) {
        *inv = (struct invalid){ "reminder.at",
            by_day ? "is required with day_before" : "is only for day_before" };
        return -1;
    }
    if (at != NULL && !wall_time(at)) {
        *inv = (struct invalid){ "reminder.at", "must be a wall time such as 18:00" };
        return -1;
    }
    return 0;
}
