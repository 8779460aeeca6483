/* SPDX-License-Identifier: Apache-2.0 */
/* A reminder setting as clients send it, for an organization (its default)
 * or a group (its own): {"kind": "off"}, {"kind": "hours_before", "hours":
 * 1..168} or {"kind": "day_before", "at": "HH:MM"}. Pure code. */
#ifndef PIIRI_REMINDER_INPUT_H
#define PIIRI_REMINDER_INPUT_H

#include "json-fields.h"

/* The object's fields, for a field table's F_OBJECT entry. */
extern const struct field reminder_fields[];

/* Check what the table cannot: each kind has its own value and no other,
 * and "at" is a wall time. reminder: the object json_fields_parse cleaned
 * (NULL or null: nothing to check). inv names "reminder.hours" or
 * "reminder.at". */
int reminder_input_check(const json_t *reminder, struct invalid *inv)
    __attribute__((warn_unused_result));

#endif
