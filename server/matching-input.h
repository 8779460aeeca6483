/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of the matching module's request bodies (supporters, support
 * requests, proposals, closing, contacts, settings): pure code over Jansson
 * values, producing the clean objects the SQL functions store. */
#ifndef PIIRI_MATCHING_INPUT_H
#define PIIRI_MATCHING_INPUT_H

#include "validate.h"

#include <jansson.h>
#include <stdbool.h>

enum matching_body {
    MATCHING_BODY_SUPPORTER,  /* POST .../supporters, PATCH /supporters/{id} */
    MATCHING_BODY_REQUEST,    /* POST .../support-requests */
    MATCHING_BODY_MATCH,      /* POST /support-requests/{id}/match */
    MATCHING_BODY_CLOSE,      /* POST /pairings/{id}/close */
    MATCHING_BODY_CONTACT,    /* POST /pairings/{id}/contacts */
    MATCHING_BODY_SETTINGS,   /* PUT .../matching/settings */
};

/* Validate body as kind. partial: a PATCH, where absent fields stay as they
 * are (and person_id may not be sent). On success *clean (new) holds only
 * the known fields, lists without repeats; on failure inv names the field
 * ("training.completed_on", "consent", ...). */
int matching_input_parse(enum matching_body kind, json_t *body, bool partial, json_t **clean,
    struct invalid *inv) __attribute__((warn_unused_result));

/* "YYYY-MM-DD", a real date in 1900..2199. */
bool matching_input_date(const char *s);

#endif
