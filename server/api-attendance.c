/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance marked by a group's leaders on their phones: per person
 * present/absent/excused, anonymous walk-ins and volunteer hours. PUT
 * replaces the session's records, so a retry does no harm. */
#include "api.h"
#include "principal.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS_MAX 1000
#define WALK_INS_MAX 100000
#define HOURS_MAX 10000

static const char *const statuses[] = { "present", "absent", "excused", NULL };

struct attendance_put {
    char *records;          /* clean JSON array */
    char walk_ins[16], hours[32];
    bool has_hours;
};

static void attendance_put_free(void *p)
{
    struct attendance_put *a = p;
    free(a->records);
    free(a);
}

/* records: [{person_id, status}], each person once. */
static int read_records(json_t *body, char **out, struct invalid *inv)
{
    json_t *records = json_object_get(body, "records"), *clean = json_array(), *r;
    size_t i;
    *inv = (struct invalid) { "records", "must be an array of {person_id, status}" };
    if (!json_is_array(records) || json_array_size(records) > RECORDS_MAX)
        goto bad;
    json_array_foreach(records, i, r) {
        const char *person = json_string_value(json_object_get(r, "person_id"));
        const char *status = json_string_value(json_object_get(r, "status"));
        bool known = false;
        for (const char *const *s = statuses; status && *s; s++)
            known = known || strcmp(*s, status) == 0;
        if (person == NULL || !valid_uuid(person, strlen(person)) || !known) {
            inv->message = known || status == NULL ? "must hold person ids and statuses"
                                                   : "has a status other than present, absent or excused";
            goto bad;
        }
        json_array_append_new(clean, json_pack("{s:s, s:s}", "person_id", person, "status", status));
    }
    *out = json_dumps(clean, JSON_COMPACT);
    json_decref(clean);
    return 0;
bad:
    json_decref(clean);
    return -1;
}

static int read_tallies(json_t *body, struct attendance_put *a, struct invalid *inv)
{
    json_t *w = json_object_get(body, "walk_ins"), *h = json_object_get(body, "volunteer_hours");
    if (w != NULL && (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > WALK_INS_MAX)) {
        *inv = (struct invalid) { "walk_ins", "must be a whole number of 0 or more" };
        return -1;
    }
    snprintf(a->walk_ins, sizeof(a->walk_ins), "%lld", w ? (long long)json_integer_value(w) : 0LL);
    if (h != NULL && !json_is_null(h)) {
        if (!json_is_number(h) || json_number_value(h) < 0 || json_number_value(h) > HOURS_MAX) {
            *inv = (struct invalid) { "volunteer_hours", "must be a number of hours, 0 or more" };
            return -1;
        }
        snprintf(a->hours, sizeof(a->hours), "%.2f", json_number_value(h));
        a->has_hours = true;
    }
    return 0;
}

/* Before the session's facts are loaded: the records and tallies. */
int api_attendance_put_check(struct req_ctx *ctx)
{
    struct invalid inv;
    struct attendance_put *a = xcalloc(1, sizeof(*a));
    ctx->state = a;
    ctx->state_free = attendance_put_free;
    if (read_records(ctx->body, &a->records, &inv) != 0 || read_tallies(ctx->body, a, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    return 0;
}

/* Authorized on the session's facts (AUTHZ_GROUP_PEOPLE). */
void api_attendance_put(struct req_ctx *ctx)
{
    struct attendance_put *a = ctx->state;
    const char *params[] = { ctx->params[0], a->records, a->walk_ins, a->has_hours ? a->hours : NULL,
        ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_attendance_put($1, $2, $3, $4, $5)", 5, params, 200);
}

void api_attendance_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_attendance_get($1)", 1, params, 200);
}
