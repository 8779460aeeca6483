/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of a group as clients send it (POST creates, PATCH changes):
 * pure code over Jansson values, producing the clean object the SQL
 * functions store. */
#ifndef PIIRI_GROUP_INPUT_H
#define PIIRI_GROUP_INPUT_H

#include "validate.h"

#include <jansson.h>
#include <stdbool.h>

/* Validate body. partial: a PATCH, where absent fields stay as they are and
 * required fields may be missing. On success *clean (new) holds only the
 * known fields, normalized (RFC 3339 times as given, arrays deduplicated);
 * on failure inv names the field ("schedule.rrule", "capacity", ...). */
int group_input_parse(json_t *body, bool partial, json_t **clean, struct invalid *inv)
    __attribute__((warn_unused_result));

/* Check what only the whole group can tell: the registration window closes
 * after it opens, and the schedule is valid (calendars/). merged is the
 * stored group with the patch applied. */
int group_input_check_whole(json_t *merged, struct invalid *inv) __attribute__((warn_unused_result));

#endif
