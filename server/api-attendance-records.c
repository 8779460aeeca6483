/* SPDX-License-Identifier: Apache-2.0 */
/* One thing at a time in a session's attendance, so that two leaders
 * marking on two phones touch only what each marked: one participant's
 * record, and drop-ins (somebody present without a signup: an org member
 * or a guest by name) under an id the client makes, so a change queued
 * offline and sent again makes no second drop-in; and each press of a
 * walk-in's + or - likewise under the client's id, so that two phones
 * counting at once both count and a change sent twice counts once.
 * Authorized on the
 * session's facts (AUTHZ_GROUP_PEOPLE). */
#include "api.h"
#include "principal.h"

#include <stdio.h>
#include <string.h>

#define WALK_IN_DELTA_MAX 100

/* PUT {"status": ...}: set one participant's record. */
void api_attendance_record_put(struct req_ctx *ctx)
{
    api_attendance_mark(ctx, "SELECT api_attendance_record_set($1, $2, $3, $4)");
}

/* DELETE: nothing recorded for the person any more (204 also when nothing was). */
void api_attendance_record_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->params[1], ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_attendance_record_set($1, $2, NULL, $3) IS NOT NULL", 3, params);
}

/* {person_id} or {display_name}, exactly one. */
static int read_drop_in(json_t *body, const char **person, const char **name, struct invalid *inv)
{
    json_t *p = json_object_get(body, "person_id");
    if (json_display_name(body, false, name, inv) != 0)
        return -1;
    *person = NULL;
    if (p != NULL && !json_is_null(p)) {
        *person = json_string_value(p);
        if (*person == NULL || !valid_uuid(*person, strlen(*person))) {
            *inv = (struct invalid) { "person_id", "must be a person's id" };
            return -1;
        }
    }
    if ((*person == NULL) == (*name == NULL)) {
        *inv = (struct invalid) { *person ? "display_name" : "person_id",
            *person ? "must not be given with person_id" : "or display_name is required" };
        return -1;
    }
    return 0;
}

/* PUT {person_id}|{display_name}: 201 the first time, 200 when repeated. */
void api_attendance_drop_in_put(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *person, *name;
    if (read_drop_in(ctx->body, &person, &name, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], ctx->params[1], person, name, ctx->principal->person_id };
    api_attendance_query(ctx, "SELECT api_attendance_drop_in_put($1, $2, $3, $4, $5)", 5, params);
}

void api_attendance_drop_in_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->params[1] };
    api_query_empty(ctx, "SELECT api_attendance_drop_in_delete($1, $2)", 2, params);
}

/* PUT {"delta": n} under the client's change id: 201 the first time, 200
 * when the same change comes again. */
void api_attendance_walk_in_put(struct req_ctx *ctx)
{
    json_t *d = json_object_get(ctx->body, "delta");
    json_int_t n = json_is_integer(d) ? json_integer_value(d) : 0;
    if (n == 0 || n < -WALK_IN_DELTA_MAX || n > WALK_IN_DELTA_MAX) {
        struct invalid inv = { "delta", "must be a whole number from -100 to 100, not 0" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    char delta[16];
    snprintf(delta, sizeof(delta), "%d", (int)n);
    const char *params[] = { ctx->params[0], ctx->params[1], delta, ctx->principal->person_id };
    api_attendance_query(ctx, "SELECT api_attendance_walk_in_change($1, $2, $3, $4)", 4, params);
}
