/* SPDX-License-Identifier: Apache-2.0 */
/* Group fields as tables (checked by json-fields.c), and the checks only the
 * whole group can answer: the registration window and the schedule. */
#include "group-input.h"

#include "cal.h"
#include "json-fields.h"
#include "reminder-input.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const kinds[] = { "peer_group", "family_cafe", "remote_group", "camp", "self_help",
    "phone_line", "other", NULL };
static const char *const accesses[] = { "open", "closed", NULL };
static const char *const audiences[] = { "public", "members", NULL };
static const char *const modalities[] = { "in_person", "remote", "hybrid", "phone", NULL };
static const char *const target_groups[] = { "affected", "relatives", "families", "anyone", NULL };
static const char *const leader_types[] = { "peer", "professional", "both", NULL };
static const char *const waitlist_policies[] = { "strict", "fit", NULL };

static const struct field location_fields[] = {
    { "name", F_TEXT, false, true, false, 1, 200, 0, 0, NULL, NULL },
    { "address", F_TEXT, false, true, false, 1, 300, 0, 0, NULL, NULL },
    { "municipality", F_TEXT, false, true, false, 1, 100, 0, 0, NULL, NULL },
    { "accessibility", F_TEXT, false, true, false, 1, 1000, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field registration_fields[] = {
    { "opens", F_TIME, false, true, false, 0, 0, 0, 0, NULL, NULL },
    { "closes", F_TIME, false, true, false, 0, 0, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field schedule_fields[] = {
    { "start", F_TEXT, true, false, false, 16, 19, 0, 0, NULL, NULL },
    { "duration_minutes", F_COUNT, true, false, false, 1, 60 * 24 * 31, 0, 0, NULL, NULL },
    { "timezone", F_TEXT, false, false, false, 1, 64, 0, 0, NULL, NULL },
    { "rrule", F_TEXT, false, true, false, 1, 500, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field group_fields[] = {
    { "title", F_TEXT, true, false, false, 1, 200, 0, 0, NULL, NULL },
    { "title_sv", F_TEXT, false, true, false, 1, 200, 0, 0, NULL, NULL },
    { "title_en", F_TEXT, false, true, false, 1, 200, 0, 0, NULL, NULL },
    { "description", F_TEXT, false, true, false, 1, 5000, 0, 0, NULL, NULL },
    { "description_sv", F_TEXT, false, true, false, 1, 5000, 0, 0, NULL, NULL },
    { "description_en", F_TEXT, false, true, false, 1, 5000, 0, 0, NULL, NULL },
    { "kind", F_ENUM, true, false, false, 0, 0, 0, 0, kinds, NULL },
    { "access", F_ENUM, true, false, false, 0, 0, 0, 0, accesses, NULL },
    { "audience", F_ENUM, false, false, false, 0, 0, 0, 0, audiences, NULL },
    { "modality", F_ENUM, true, false, false, 0, 0, 0, 0, modalities, NULL },
    { "location", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, location_fields },
    { "online_url", F_URL, false, true, false, 0, 2000, 0, 0, NULL, NULL },
    { "capacity", F_COUNT, false, true, false, 1, 100000, 0, 0, NULL, NULL },
    { "join_late", F_BOOL, false, false, false, 0, 0, 0, 0, NULL, NULL },
    { "waitlist_policy", F_ENUM, false, false, false, 0, 0, 0, 0, waitlist_policies, NULL },
    { "reminder", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, reminder_fields }, /* null: the org's */
    /* hours an offer from the waitlist holds its seats; null: confirm at once */
    { "waitlist_offer_hours", F_COUNT, false, true, false, 1, 336, 0, 0, NULL, NULL },
    { "languages", F_CODE_LIST, false, false, false, 1, 3, 0, 10, NULL, NULL },
    { "topics", F_TEXT_LIST, false, false, false, 1, 60, 0, 20, NULL, NULL },
    { "target_groups", F_ENUM_LIST, false, false, false, 0, 0, 0, 4, target_groups, NULL },
    { "leader_type", F_ENUM, false, true, false, 0, 0, 0, 0, leader_types, NULL },
    { "anonymous_ok", F_BOOL, false, false, false, 0, 0, 0, 0, NULL, NULL },
    { "cost", F_TEXT, false, true, false, 1, 200, 0, 0, NULL, NULL },
    { "consent_text", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    { "consent_text_sv", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    { "consent_text_en", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    { "leaders", F_UUID_LIST, false, false, false, 0, 0, 0, 20, NULL, NULL },
    { "registration", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, registration_fields },
    { "schedule", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, schedule_fields },
    FIELDS_END,
};

int group_input_parse(json_t *body, bool partial, json_t **clean, struct invalid *inv)
{
    if (json_fields_parse(body, group_fields, partial, clean, inv) != 0)
        return -1;
    if (reminder_input_check(json_object_get(*clean, "reminder"), inv) != 0) {
        json_decref(*clean);
        *clean = NULL;
        return -1;
    }
    return 0;
}

static int check_schedule(json_t *schedule, struct invalid *inv)
{
    struct cal_error err;
    const char *tz = json_string_value(json_object_get(schedule, "timezone"));
    struct cal_schedule s = {
        .start_local = json_string_value(json_object_get(schedule, "start")),
        .duration_minutes = (int)json_integer_value(json_object_get(schedule, "duration_minutes")),
        .timezone = tz ? tz : "Europe/Helsinki",
        .rrule = json_string_value(json_object_get(schedule, "rrule")),
    };
    static char field_name[64], why[sizeof(err.message) + 32]; /* live until the reply */
    if (cal_schedule_validate(&s, &err) == 0)
        return 0;
    snprintf(field_name, sizeof(field_name), "%s", err.field ? err.field : "schedule");
    /* calendars/ says what is wrong in plain words (never quoting input). */
    snprintf(why, sizeof(why), "is not valid: %s", err.message);
    inv->field = field_name;
    inv->message = why;
    return -1;
}

int group_input_check_whole(json_t *merged, struct invalid *inv)
{
    json_t *reg = json_object_get(merged, "registration");
    const char *opens = json_string_value(json_object_get(reg, "opens"));
    const char *closes = json_string_value(json_object_get(reg, "closes"));
    int64_t o, c;
    if (opens && closes && cal_parse_rfc3339(opens, &o) == 0 && cal_parse_rfc3339(closes, &c) == 0 && c <= o) {
        *inv = (struct invalid) { "registration.closes", "must be after registration.opens" };
        return -1;
    }
    json_t *schedule = json_object_get(merged, "schedule");
    if (json_is_object(schedule) && check_schedule(schedule, inv) != 0)
        return -1;
    if (json_is_object(schedule) && json_object_get(schedule, "start") == NULL) {
        *inv = (struct invalid) { "schedule.start", "is required" };
        return -1;
    }
    return 0;
}
