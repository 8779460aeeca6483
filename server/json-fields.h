/* SPDX-License-Identifier: Apache-2.0 */
/* Request bodies described as tables of fields (name, type, bounds,
 * choices) and checked by one walker: pure code over Jansson values that
 * produces the clean object the SQL functions store, or names the field to
 * blame ("schedule.rrule", "training.completed_on"). */
#ifndef PIIRI_JSON_FIELDS_H
#define PIIRI_JSON_FIELDS_H

#include "validate.h"

#include <jansson.h>
#include <stdbool.h>

enum field_type {
    F_TEXT,       /* string, min..max characters */
    F_ENUM,       /* string, one of choices */
    F_BOOL,
    F_TRUE,       /* exactly true (consent) */
    F_COUNT,      /* integer min..max */
    F_URL,        /* http(s) URL of at most max characters */
    F_TIME,       /* RFC 3339 with an offset; stored as UTC "...Z" */
    F_DATE,       /* "YYYY-MM-DD" */
    F_UUID,
    F_TEXT_LIST,  /* array of strings of min..max characters */
    F_ENUM_LIST,  /* array of choices */
    F_CODE_LIST,  /* array of language codes (2-3 lower-case letters) */
    F_UUID_LIST,  /* array of ids */
    F_OBJECT,     /* nested object checked whole against sub */
};

/* Lists hold min_items..max_items items; repeats are dropped. */
struct field {
    const char *name;
    enum field_type type;
    bool required;   /* on create */
    bool nullable;   /* null clears the value */
    bool fixed;      /* may not be changed by a PATCH */
    int min, max, min_items, max_items;
    const char *const *choices;
    const struct field *sub;
};

#define FIELDS_END { NULL, 0, false, false, false, 0, 0, 0, 0, NULL, NULL }

/* Check obj against fields. partial: a PATCH, where absent fields stay as
 * they are. On success *clean (new) holds only the known fields. */
int json_fields_parse(json_t *obj, const struct field *fields, bool partial, json_t **clean,
    struct invalid *inv) __attribute__((warn_unused_result));

/* "YYYY-MM-DD", a real date in 1900..2199. */
bool json_fields_date(const char *s);

#endif
