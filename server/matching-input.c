/* SPDX-License-Identifier: Apache-2.0 */
/* The matching module's fields as tables: name, type, bounds and choices,
 * walked by one validator (nested objects use the same walker). */
#include "matching-input.h"

#include <stdio.h>
#include <string.h>

enum field_type {
    F_TEXT,       /* string, min..max characters */
    F_ENUM,       /* string, one of choices */
    F_COUNT,      /* integer min..max */
    F_DATE,       /* "YYYY-MM-DD" */
    F_UUID,
    F_TRUE,       /* must be exactly true (consent) */
    F_TEXT_LIST,  /* array of strings of min..max characters, min_items..max_items */
    F_ENUM_LIST,  /* array of choices */
    F_CODE_LIST,  /* array of language codes (2-3 lower-case letters) */
    F_OBJECT,     /* nested object, validated whole by sub */
};

struct field {
    const char *name;
    enum field_type type;
    bool required;     /* on create */
    bool nullable;     /* null clears the value */
    bool fixed;        /* may not be changed by a PATCH */
    int min, max, min_items, max_items;
    const char *const *choices;
    const struct field *sub;
};

static const char *const contact_modes[] = { "in_person", "phone", "whatsapp", "teams", "video", NULL };
static const char *const statuses[] = { "active", "paused", "retired", NULL };
static const char *const outcomes[] = { "completed", "no_longer_needed", "no_contact", "not_a_fit", "referred",
    "other", NULL };

#define END { NULL, 0, false, false, false, 0, 0, 0, 0, NULL, NULL }

static const struct field training_fields[] = {
    { "course", F_TEXT, true, false, false, 1, 200, 0, 0, NULL, NULL },
    { "completed_on", F_DATE, false, true, false, 0, 0, 0, 0, NULL, NULL },
    { "refresher_due", F_DATE, false, true, false, 0, 0, 0, 0, NULL, NULL },
    END,
};

static const struct field pledge_fields[] = {
    { "version", F_TEXT, true, false, false, 1, 50, 0, 0, NULL, NULL },
    { "signed_on", F_DATE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    END,
};

static const struct field supporter_fields[] = {
    { "person_id", F_UUID, true, false, true, 0, 0, 0, 0, NULL, NULL },
    { "public_name", F_TEXT, true, false, false, 1, 60, 0, 0, NULL, NULL },
    { "bio", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    { "topics", F_TEXT_LIST, false, false, false, 1, 60, 0, 20, NULL, NULL },
    { "municipalities", F_TEXT_LIST, false, false, false, 1, 100, 0, 20, NULL, NULL },
    { "languages", F_CODE_LIST, true, false, false, 0, 0, 1, 10, NULL, NULL },
    { "contact_modes", F_ENUM_LIST, true, false, false, 0, 0, 1, 5, contact_modes, NULL },
    { "max_active", F_COUNT, false, false, false, 1, 50, 0, 0, NULL, NULL },
    { "status", F_ENUM, false, false, false, 0, 0, 0, 0, statuses, NULL },
    { "training", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, training_fields },
    { "pledge", F_OBJECT, false, true, false, 0, 0, 0, 0, NULL, pledge_fields },
    END,
};

static const struct field request_fields[] = {
    { "consent", F_TRUE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "topics", F_TEXT_LIST, false, false, false, 1, 60, 0, 20, NULL, NULL },
    { "municipality", F_TEXT, false, true, false, 1, 100, 0, 0, NULL, NULL },
    { "languages", F_CODE_LIST, true, false, false, 0, 0, 1, 10, NULL, NULL },
    { "contact_modes", F_ENUM_LIST, true, false, false, 0, 0, 1, 5, contact_modes, NULL },
    { "message", F_TEXT, false, true, false, 1, 4000, 0, 0, NULL, NULL },
    { "preferences", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    END,
};

static const struct field match_fields[] = {
    { "supporter_id", F_UUID, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "note", F_TEXT, false, true, false, 1, 1000, 0, 0, NULL, NULL },
    END,
};

static const struct field close_fields[] = {
    { "outcome", F_ENUM, true, false, false, 0, 0, 0, 0, outcomes, NULL },
    END,
};

static const struct field contact_fields[] = {
    { "date", F_DATE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "mode", F_ENUM, true, false, false, 0, 0, 0, 0, contact_modes, NULL },
    { "minutes", F_COUNT, true, false, false, 1, 1440, 0, 0, NULL, NULL },
    END,
};

static const struct field settings_fields[] = {
    { "retention_days", F_COUNT, true, false, false, 0, 3650, 0, 0, NULL, NULL },
    END,
};

static const struct field *const tables[] = {
    [MATCHING_BODY_SUPPORTER] = supporter_fields,
    [MATCHING_BODY_REQUEST] = request_fields,
    [MATCHING_BODY_MATCH] = match_fields,
    [MATCHING_BODY_CLOSE] = close_fields,
    [MATCHING_BODY_CONTACT] = contact_fields,
    [MATCHING_BODY_SETTINGS] = settings_fields,
};

/* "training.course" needs a buffer that outlives the call; one per process
 * is enough because the reply is built at once. */
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

bool matching_input_date(const char *s)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* Arrays: every item passes its check; repeats are dropped. */
static const char *check_list(json_t *v, const struct field *f, json_t **out)
{
    if (!json_is_array(v))
        return "must be an array";
    if (json_array_size(v) > (size_t)f->max_items)
        return "has too many items";
    if (json_array_size(v) < (size_t)f->min_items)
        return "must have at least one item";
    json_t *clean = json_array(), *item;
    size_t i;
    json_array_foreach(v, i, item) {
        const char *s = json_string_value(item);
        bool ok = s != NULL &&
            (f->type == F_TEXT_LIST   ? text_ok(s, f->min, f->max)
                : f->type == F_ENUM_LIST ? in_choices(s, f->choices)
                                         : language_code(s));
        if (!ok) {
            json_decref(clean);
            return f->type == F_ENUM_LIST ? "has an item that is not one of the allowed values"
                : f->type == F_CODE_LIST  ? "must hold ISO 639 language codes such as \"fi\""
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

static int parse_object(json_t *obj, const struct field *fields, bool partial, const char *prefix,
    json_t **clean, struct invalid *inv);

/* One field: NULL on success with *out (new) set, else the complaint. */
static const char *check_field(json_t *v, const struct field *f, json_t **out, struct invalid *inv,
    bool *nested_failed)
{
    const char *s = json_string_value(v);
    json_int_t n;
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
    case F_COUNT:
        if (!json_is_integer(v))
            return "must be a whole number";
        n = json_integer_value(v);
        if (n < f->min || n > f->max)
            return n < f->min ? "is too small" : "is too large";
        break;
    case F_DATE:
        if (!matching_input_date(s))
            return "must be a date such as 2026-05-31";
        break;
    case F_UUID:
        if (s == NULL || !valid_uuid(s, strlen(s)))
            return "must be an id";
        break;
    case F_TRUE:
        if (!json_is_true(v))
            return "must be true: consent to the processing of what you tell us is needed";
        break;
    case F_TEXT_LIST:
    case F_ENUM_LIST:
    case F_CODE_LIST:
        return check_list(v, f, out);
    case F_OBJECT:
        if (!json_is_object(v))
            return "must be an object";
        if (parse_object(v, f->sub, false, f->name, out, inv) != 0) {
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
        if (partial && f->fixed && v != NULL)
            why = "cannot be changed";
        else if (v == NULL || json_is_null(v)) {
            if (f->required && !partial)
                why = "is required";
            else if (v != NULL && !f->nullable)
                why = "must not be null";
            else if (v != NULL)
                json_object_set_new(out, f->name, json_null());
        } else
            why = check_field(v, f, &value, inv, &nested_failed);
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

int matching_input_parse(enum matching_body kind, json_t *body, bool partial, json_t **clean,
    struct invalid *inv)
{
    return parse_object(body, tables[kind], partial, NULL, clean, inv);
}
