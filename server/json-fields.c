/* SPDX-License-Identifier: Apache-2.0 */
/* The field-table walker shared by groups, supporters, support requests and
 * the other bodies that have many fields. */
#include "json-fields.h"

#include "cal.h"
#include "occurrences.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* "schedule.rrule" needs a buffer that outlives the call; one per process
 * is enough because a reply is built at once. */
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

bool json_fields_date(const char *s)
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

static bool item_ok(const struct field *f, const char *s)
{
    switch (f->type) {
    case F_TEXT_LIST:
        return text_ok(s, f->min, f->max);
    case F_ENUM_LIST:
        return in_choices(s, f->choices);
    case F_CODE_LIST:
        return language_code(s);
    default:
        return valid_uuid(s, strlen(s));
    }
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
        if (s == NULL || !item_ok(f, s)) {
            json_decref(clean);
            return f->type == F_ENUM_LIST ? "has an item that is not one of the allowed values"
                : f->type == F_CODE_LIST  ? "must hold ISO 639 language codes such as \"fi\""
                : f->type == F_UUID_LIST  ? "must hold ids"
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
    if (strlen(s) > (size_t)max)
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

/* Stored as the instant in UTC: PostgreSQL never sees the client's text. */
static const char *check_time(const char *s, json_t **out)
{
    int64_t t;
    char utc[32];
    struct tm tm;
    if (s == NULL || cal_parse_rfc3339(s, &t) != 0)
        return "must be an RFC 3339 time with an offset, such as 2026-08-01T09:00:00+03:00";
    time_t tt = (time_t)t;
    if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return "is out of range";
    occurrences_format_utc(t, utc);
    *out = json_string(utc);
    return NULL;
}

static int parse_object(json_t *obj, const struct field *fields, bool partial, const char *prefix,
    json_t **clean, struct invalid *inv);

/* One field: NULL on success with *out (new) set, else the complaint. */
static const char *check_field(json_t *v, const struct field *f, json_t **out, struct invalid *inv,
    bool *nested_failed)
{
    const char *s = json_string_value(v), *why;
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
    case F_BOOL:
        if (!json_is_boolean(v))
            return "must be true or false";
        break;
    case F_TRUE:
        if (!json_is_true(v))
            return "must be true: consent to the processing of what you tell us is needed";
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
        if ((why = check_url(s, f->max)) != NULL)
            return why;
        break;
    case F_TIME:
        return check_time(s, out);
    case F_DATE:
        if (!json_fields_date(s))
            return "must be a date such as 2026-05-31";
        break;
    case F_UUID:
        if (s == NULL || !valid_uuid(s, strlen(s)))
            return "must be an id";
        break;
    case F_TEXT_LIST:
    case F_ENUM_LIST:
    case F_CODE_LIST:
    case F_UUID_LIST:
        return check_list(v, f, out);
    case F_OBJECT:
        if (!json_is_object(v))
            return "must be an object";
        /* A nested object is replaced whole, so it is checked whole. */
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

int json_fields_parse(json_t *obj, const struct field *fields, bool partial, json_t **clean,
    struct invalid *inv)
{
    return parse_object(obj, fields, partial, NULL, clean, inv);
}
