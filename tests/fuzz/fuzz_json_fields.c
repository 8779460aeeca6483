/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the request-body walker (json-fields.c) through its
 * users: the first byte picks the body (a group, or one of the matching
 * module's) and POST or PATCH, the rest is the body as http.c parses it.
 * A refusal names a field and says why in a message the API does not
 * truncate; an acceptance gives an object of known fields that is accepted
 * again as it is, and a group whose whole checks pass has a schedule that
 * expands into array literals. */
#include "group-input.h"
#include "matching-input.h"
#include "occurrences.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KINDS 7 /* the group, then the six matching bodies */

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static int parse(int kind, json_t *body, bool partial, json_t **clean, struct invalid *inv)
{
    if (kind == 0)
        return group_input_parse(body, partial, clean, inv);
    return matching_input_parse((enum matching_body)(kind - 1), body, partial, clean, inv);
}

/* "schedule.rrule", "title": table names, and what api_reply_invalid makes
 * of them fits its 320 bytes. */
static void check_refusal(const struct invalid *inv)
{
    check(inv->field != NULL && inv->message != NULL);
    size_t n = strlen(inv->field);
    check(n > 0 && n < 64);
    for (size_t i = 0; i < n; i++)
        check((inv->field[i] >= 'a' && inv->field[i] <= 'z') || inv->field[i] == '_' || inv->field[i] == '.');
    check(inv->message[0] != '\0');
    check(n + 1 + strlen(inv->message) + 1 < 320);
}

/* Every key of clean was sent (the walker adds nothing of its own). */
static void check_keys(json_t *clean, json_t *body)
{
    const char *key;
    json_t *v;
    check(json_is_object(clean));
    json_object_foreach(clean, key, v) {
        json_t *sent = json_object_get(body, key);
        check(sent != NULL);
        if (json_is_object(v))
            check_keys(v, sent);
    }
}

/* A whole group's schedule expands into "{n,...}" literals with as many
 * starts as ends. */
static void check_schedule(json_t *group)
{
    json_t *schedule = json_object_get(group, "schedule");
    struct occurrence_params p = { NULL, NULL };
    if (!json_is_object(schedule))
        return;
    int64_t from = 1798761600; /* 2027-01-01 */
    if (occurrences_expand(schedule, from, from + HORIZON_SECONDS, &p) != 0)
        return;
    size_t ns = strlen(p.starts), ne = strlen(p.ends), commas = 0;
    check(ns >= 2 && p.starts[0] == '{' && p.starts[ns - 1] == '}');
    check(ne >= 2 && p.ends[0] == '{' && p.ends[ne - 1] == '}');
    for (size_t i = 0; i < ns; i++)
        commas += p.starts[i] == ',';
    for (size_t i = 0; i < ne; i++)
        commas -= p.ends[i] == ',';
    check(commas == 0);
    occurrences_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int kind = data[0] % KINDS;
    bool partial = data[0] & 0x80;
    json_error_t err;
    /* As http.c reads bodies; it answers anything but an object itself. */
    json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    json_t *clean = NULL, *again = NULL;
    struct invalid inv = { NULL, NULL };
    if (parse(kind, body, partial, &clean, &inv) != 0) {
        check_refusal(&inv);
        json_decref(body);
        return 0;
    }
    check_keys(clean, body);
    check(parse(kind, clean, partial, &again, &inv) == 0);
    check(json_equal(clean, again));
    if (kind == 0) {
        inv = (struct invalid) { NULL, NULL };
        if (group_input_check_whole(clean, &inv) == 0)
            check_schedule(clean);
        else
            check_refusal(&inv);
    }
    json_decref(again);
    json_decref(clean);
    json_decref(body);
    return 0;
}
