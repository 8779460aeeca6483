/* SPDX-License-Identifier: Apache-2.0 */
/* Group fields as a table: name, type, bounds and choices. One walker
 * validates any object against its table, so nested objects (location,
 * registration, schedule) use the same code. */
#include "group-input.h"

#include "cal.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum field_type {
    F_TEXT,        /* string, min..max characters */
    F_ENUM,        /* string, one of choices */
    F_BOOL,
    F_COUNT,       /* integer min..max, or null where nullable */
    F_URL,         /* http(s) URL up to max characters */
    F_TIME,        /* RFC 3339 with offset, or null */
    F_TEXT_LIST,   /* array of strings, each min..max characters, at most max_items */
    F_ENUM_LIST,   /* array of choices */
    F_CODE_LIST,   /* array of language codes (2-3 lower-case letters) */
    F_UUID_LIST,   /* array of person ids */
    F_OBJECT,      /* nested object validated by sub */
};

struct field {
    const char *name;
    enum field_type type;
    bool required;     /* on create */
    bool nullable;     /* null clears the value */
    int min, max, max_items;
    const char *const *choices;
    const struct field *sub;
};

static const char *const kinds[] = { "peer_group", "family_cafe", "remote_group", "camp", "self_help",
    "phone_line", "other", NULL };
static const char *const accesses[] = { "open", "closed", NULL };
static const char *const audiences[] = { "public", "members", NULL };
static const char *const modalities[] = { "in_person", "remote", "hybrid", "phone", NULL };
static const char *const target_groups[] = { "affected", "relatives", "families", "anyone", NULL };
static const char *const leader_types[] = { "peer", "professional", "both", NULL };

static const struct field location_fields[] = {
    { "name", F_TEXT, false, true, 1, 200, 0, NULL, NULL },
    { "address", F_TEXT, false, true, 1, 300, 0, NULL, NULL },
    { "municipality", F_TEXT, false, true, 1, 100, 0, NULL, NULL },
    { "accessibility", F_TEXT, false, true, 1, 1000, 0, NULL, NULL },
    { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static const struct field registration_fields[] = {
    { "opens", F_TIME, false, true, 0, 0, 0, NULL, NULL },
    { "closes", F_TIME, false, true, 0, 0, 0, NULL, NULL },
    { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static const struct field schedule_fields[] = {
    { "start", F_TEXT, true, false, 16, 19, 0, NULL, NULL },
    { "duration_minutes", F_COUNT, true, false, 1, 60 * 24 * 31, 0, NULL, NULL },
    { "timezone", F_TEXT, false, false, 1, 64, 0, NULL, NULL },
    { "rrule", F_TEXT, false, true, 1, 500, 0, NULL, NULL },
    { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static const struct field group_fields[] = {
    { "title", F_TEXT, true, false, 1, 200, 0, NULL, NULL },
    { "title_sv", F_TEXT, false, true, 1, 200, 0, NULL, NULL },
    { "title_en", F_TEXT, false, true, 1, 200, 0, NULL, NULL },
    { "description", F_TEXT, false, true, 1, 5000, 0, NULL, NULL },
    { "description_sv", F_TEXT, false, true, 1, 5000, 0, NULL, NULL },
    { "description_en", F_TEXT, false, true, 1, 5000, 0, NULL, NULL },
    { "kind", F_ENUM, true, false, 0, 0, 0, kinds, NULL },
    { "access", F_ENUM, true, false, 0, 0, 0, accesses, NULL },
    { "audience", F_ENUM, false, false, 0, 0, 0, audiences, NULL },
    { "modality", F_ENUM, true, false, 0, 0, 0, modalities, NULL },
    { "location", F_OBJECT, false, true, 0, 0, 0, NULL, location_fields },
    { "online_url", F_URL, false, true, 0, 2000, 0, NULL, NULL },
    { "capacity", F_COUNT, false, true, 1, 100000, 0, NULL, NULL },
    { "languages", F_CODE_LIST, false, false, 1, 3, 10, NULL, NULL },
    { "topics", F_TEXT_LIST, false, false, 1, 60, 20, NULL, NULL },
    { "target_groups", F_ENUM_LIST, false, false, 0, 0, 4, target_groups, NULL },
    { "leader_type", F_ENUM, false, true, 0, 0, 0, leader_types, NULL },
    { "anonymous_ok", F_BOOL, false, false, 0, 0, 0, NULL, NULL },
    { "cost", F_TEXT, false, true, 1, 200, 0, NULL, NULL },
    { "leaders", F_UUID_LIST, false, false, 0, 0, 20, NULL, NULL },
    { "registration", F_OBJECT, false, true, 0, 0, 0, NULL, registration_fields },
    { "schedule", F_OBJECT, false, true, 0, 0, 0, NULL, schedule_fields },
    { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

/* Field names for errors: "schedule.rrule" needs a buffer that outlives the
 * call; one per process is enough because a reply is built at once. */
static char field_name[64];

static int fail(struct invalid *inv, const char *prefix, const char *name, const char *message)
{
    if (prefix != NULL) {
        snprintf(field_name, sizeof(field_name), "%s.%s", prefix, name);
        inv->field = field_name;
    } else
        inv->field = name;
    inv->message = message;
    return -1;
}

static bool in_choices(const char *s, const char *const *choices)
{
    for (const char *const *c = choices; *c; c++) {
        if (strcmp(*c, s) == 0)
            return true;
    }
    return false;
}

static bool text_ok(const char *s, int min, int max)
{
    size_t chars = utf8_chars(s);
    return chars >= (size_t)min && chars <= (size_t)max;
}

static bool language_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    }
    return true;
}

/* Arrays: every item passes item_ok and duplicates are dropped. */
static const char *check_list(json_t *v, const struct field *f, json_t **out)
{
    if (!json_is_array(v))
        return "must be an array";
    if (json_array_size(v) > (size_t)f->max_items)
        return "has too many items";
    json_t *clean = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        const char *s = json_string_value(item);
        bool ok = s != NULL &&
            (f->type == F_TEXT_LIST   ? text_ok(s, f->min, f->max)
                : f->type == F_ENUM_LIST ? in_choices(s, f->choices)
                : f->type == F_CODE_LIST ? language_code(s)
                                         : valid_uuid(s, strlen(s)));
        if (!ok) {
            json_decref(clean);
            return f->type == F_ENUM_LIST ? "has an item that is not one of the allowed values"
                : f->type == F_CODE_LIST  ? "must hold ISO 639 language codes such as \"fi\""
                : f->type == F_UUID_LIST  ? "must hold person ids"
                                          : "has an item that is empty or too long";
        }
        bool seen = false;
        for (size_t j = 0; j < json_array_size(clean) && !seen; j++)
            seen = strcmp(json_string_value(json_array_get(clean, j)), s) == 0;
        if (!seen)
            json_array_append(clean, item);
    }
    *out = clean;
    return NULL;
}

static const char *check_url(const char *s, int max)
{
    size_t n = strlen(s);
    if (n > (size_t)max)
        return "is too long";
    const char *host = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    if (host == NULL || *host == '\0' || *host == '/')
        return "must be an http:// or https:// address";
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p <= ' ')
            return "must not contain spaces";
    }
    return NULL;
}

static int parse_object(json_t *obj, const struct field *fields, bool partial, const char *prefix,
    json_t **clean, struct invalid *inv);

/* One field: NULL on success with *out (new) set, else the complaint. */
static const char *check_field(json_t *v, const struct field *f, bool partial, json_t **out, struct invalid *inv,
    bool *nested_failed)
{
    const char *s = json_string_value(v);
    json_int_t n;
    int64_t t;
    switch (f->type) {
    case F_TEXT:
        if (s == NULL)
            return "must be a string";
        if (!text_ok(s, f->min, f->max))
            return utf8_chars(s) < (size_t)f->min ? "is too short" : "is too long";
        break;
    case F_ENUM:
        if (s == NULL || !in_choices(s, f->choices))
            return "is not one of the allowed values";
        break;
    case F_BOOL:
        if (!json_is_boolean(v))
            return "must be true or false";
        break;
    case F_COUNT:
        if (!json_is_integer(v))
            return "must be a whole number";
        n = json_integer_value(v);
        if (n < f->min || n > f->max)
            return n < f->min ? "is too small" : "is too large";
        break;
    case F_URL:
        if (s == NULL)
            return "must be a string";
        if ((s = check_url(s, f->max)) != NULL)
            return s;
        break;
    case F_TIME: {
        char utc[32];
        if (s == NULL || cal_parse_rfc3339(s, &t) != 0)
            return "must be an RFC 3339 time with an offset, such as 2026-08-01T09:00:00+03:00";
        /* Stored as the instant in UTC: PostgreSQL never sees the client's text. */
        time_t tt = (time_t)t;
        struct tm tm;
        if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
            return "is out of range";
        strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
        *out = json_string(utc);
        return NULL;
    }
    case F_TEXT_LIST:
    case F_ENUM_LIST:
    case F_CODE_LIST:
    case F_UUID_LIST:
        return check_list(v, f, out);
    case F_OBJECT:
        if (!json_is_object(v))
            return "must be an object";
        if (parse_object(v, f->sub, partial && f->sub != schedule_fields, f->name, out, inv) != 0) {
            *nested_failed = true;
            return "";
        }
        return NULL;
    }
    *out = json_incref(v);
    return NULL;
}

static int parse_object(json_t *obj, const struct field *fields, bool partial, const char *prefix,
    json_t **clean, struct invalid *inv)
{
    json_t *out = json_object();
    for (const struct field *f = fields; f->name; f++) {
        json_t *v = json_object_get(obj, f->name), *value = NULL;
        bool nested_failed = false;
        const char *why = NULL;
        if (v == NULL || json_is_null(v)) {
            if (f->required && !partial)
                why = "is required";
            else if (v != NULL && !f->nullable)
                why = "must not be null";
            else if (v != NULL)
                json_object_set_new(out, f->name, json_null());
        } else
            why = check_field(v, f, partial, &value, inv, &nested_failed);
        if (why != NULL) {
            json_decref(out);
            return nested_failed ? -1 : fail(inv, prefix, f->name, why);
        }
        if (value != NULL)
            json_object_set_new(out, f->name, value);
    }
    *clean = out;
    return 0;
}

int group_input_parse(json_t *body, bool partial, json_t **clean, struct invalid *inv)
{
    return parse_object(body, group_fields, partial, NULL, clean, inv);
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
    static char why[sizeof(err.message) + 32];
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
    if (opens && closes && cal_parse_rfc3339(opens, &o) == 0 && cal_parse_rfc3339(closes, &c) == 0 && c <= o)
        return fail(inv, "registration", "closes", "must be after registration.opens");
    json_t *schedule = json_object_get(merged, "schedule");
    if (json_is_object(schedule) && check_schedule(schedule, inv) != 0)
        return -1;
    if (json_is_object(schedule) && json_object_get(schedule, "start") == NULL)
        return fail(inv, "schedule", "start", "is required");
    return 0;
}
