/* SPDX-License-Identifier: Apache-2.0 */
/* The matching module's fields as tables: name, type, bounds and choices,
 * checked by the shared walker in json-fields.c. */
#include "matching-input.h"

#include "json-fields.h"

#include <stdio.h>
#include <string.h>

static const char *const contact_modes[] = { "in_person", "phone", "whatsapp", "teams", "video", NULL };
static const char *const statuses[] = { "active", "paused", "retired", NULL };
static const char *const outcomes[] = { "completed", "no_longer_needed", "no_contact", "not_a_fit", "referred",
    "other", NULL };

static const struct field training_fields[] = {
    { "course", F_TEXT, true, false, false, 1, 200, 0, 0, NULL, NULL },
    { "completed_on", F_DATE, false, true, false, 0, 0, 0, 0, NULL, NULL },
    { "refresher_due", F_DATE, false, true, false, 0, 0, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field pledge_fields[] = {
    { "version", F_TEXT, true, false, false, 1, 50, 0, 0, NULL, NULL },
    { "signed_on", F_DATE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    FIELDS_END,
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
    FIELDS_END,
};

static const struct field request_fields[] = {
    { "consent", F_TRUE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "topics", F_TEXT_LIST, false, false, false, 1, 60, 0, 20, NULL, NULL },
    { "municipality", F_TEXT, false, true, false, 1, 100, 0, 0, NULL, NULL },
    { "languages", F_CODE_LIST, true, false, false, 0, 0, 1, 10, NULL, NULL },
    { "contact_modes", F_ENUM_LIST, true, false, false, 0, 0, 1, 5, contact_modes, NULL },
    { "message", F_TEXT, false, true, false, 1, 4000, 0, 0, NULL, NULL },
    { "preferences", F_TEXT, false, true, false, 1, 2000, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field match_fields[] = {
    { "supporter_id", F_UUID, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "note", F_TEXT, false, true, false, 1, 1000, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field close_fields[] = {
    { "outcome", F_ENUM, true, false, false, 0, 0, 0, 0, outcomes, NULL },
    FIELDS_END,
};

static const struct field contact_fields[] = {
    { "date", F_DATE, true, false, false, 0, 0, 0, 0, NULL, NULL },
    { "mode", F_ENUM, true, false, false, 0, 0, 0, 0, contact_modes, NULL },
    { "minutes", F_COUNT, true, false, false, 1, 1440, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field settings_fields[] = {
    { "retention_days", F_COUNT, true, false, false, 0, 3650, 0, 0, NULL, NULL },
    FIELDS_END,
};

static const struct field *const tables[] = {
    [MATCHING_BODY_SUPPORTER] = supporter_fields,
    [MATCHING_BODY_REQUEST] = request_fields,
    [MATCHING_BODY_MATCH] = match_fields,
    [MATCHING_BODY_CLOSE] = close_fields,
    [MATCHING_BODY_CONTACT] = contact_fields,
    [MATCHING_BODY_SETTINGS] = settings_fields,
};

bool matching_input_date(const char *s)
{
    return json_fields_date(s);
}

int matching_input_parse(enum matching_body kind, json_t *body, bool partial, json_t **clean,
    struct invalid *inv)
{
    return json_fields_parse(body, tables[kind], partial, clean, inv);
}
