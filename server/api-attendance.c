/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance marked by a group's leaders on their phones: per person
 * present/absent/excused, anonymous walk-ins and each leader's volunteer
 * hours. Two leaders on two phones do not wipe each other out: GET gives
 * the attendance's ETag (a version the database raises with every change),
 * the whole-session PUT must send it back in If-Match, and PATCH changes
 * the walk-ins and the requester's hours alone. */
#include "api.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS_MAX 1000
#define WALK_INS_MAX 100000
#define HOURS_MAX 10000

const char *const attendance_statuses[] = { "present", "absent", "excused", NULL };

struct attendance_put {
    char *records;          /* clean JSON array */
    char walk_ins[16], hours[32], if_match[24];
    bool has_walk_ins, has_hours;
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
        for (const char *const *s = attendance_statuses; status && *s; s++)
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

/* walk_ins and volunteer_hours, each optional (has_*: given). */
static int read_tallies(json_t *body, struct attendance_put *a, struct invalid *inv)
{
    json_t *w = json_object_get(body, "walk_ins"), *h = json_object_get(body, "volunteer_hours");
    if (w != NULL && (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > WALK_INS_MAX)) {
        *inv = (struct invalid) { "walk_ins", "must be a whole number of 0 or more" };
        return -1;
    }
    snprintf(a->walk_ins, sizeof(a->walk_ins), "%lld", w ? (long long)json_integer_value(w) : 0LL);
    a->has_walk_ins = w != NULL;
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

/* Is h "*" (with white space around it)? */
static bool is_any(const char *h)
{
    h += strspn(h, " \t");
    if (*h != '*')
        return false;
    h++;
    return h[strspn(h, " \t")] == '\0';
}

/* If-Match holds one strong ETag as GET gave it ("v<version>"), or "*"
 * (any version: out is left empty). Anything else cannot match the
 * current attendance: version -1, so 412. */
static void read_if_match(const char *h, char *out, size_t size)
{
    unsigned long long v;
    char end;
    if (sscanf(h, " \"v%llu\"%c", &v, &end) == 1 || (sscanf(h, " \"v%llu\" %c", &v, &end) == 1))
        snprintf(out, size, "%llu", v);
    else if (is_any(h))
        out[0] = '\0';
    else
        snprintf(out, size, "-1");
}

static struct attendance_put *attendance_state(struct req_ctx *ctx)
{
    struct attendance_put *a = xcalloc(1, sizeof(*a));
    ctx->state = a;
    ctx->state_free = attendance_put_free;
    return a;
}

/* Before the session's facts are loaded: the records and the tallies. */
int api_attendance_put_check(struct req_ctx *ctx)
{
    struct invalid inv;
    struct attendance_put *a = attendance_state(ctx);
    if (read_records(ctx->body, &a->records, &inv) != 0 || read_tallies(ctx->body, a, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    return 0;
}

int api_attendance_patch_check(struct req_ctx *ctx)
{
    struct invalid inv;
    struct attendance_put *a = attendance_state(ctx);
    if (read_tallies(ctx->body, a, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    return 0;
}

/* The attendance with its version as the ETag header; a "created" member
 * (drop-ins) picks 201 or 200, else ctx->ok_status. */
static void attendance_reply_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    int status = ctx->ok_status; /* read first: a reply below frees ctx */
    json_t *body = api_row_json(ctx, r), *created;
    char etag[32];
    if (body == NULL)
        return;
    snprintf(etag, sizeof(etag), "\"v%" JSON_INTEGER_FORMAT "\"", json_integer_value(json_object_get(body, "version")));
    json_object_del(body, "version");
    if ((created = json_object_get(body, "created")) != NULL) {
        status = json_is_true(created) ? 201 : 200;
        json_object_del(body, "created");
    }
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "ETag", etag);
    http_reply_json(ctx, status, body);
}

void api_attendance_query(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params)
{
    ctx->ok_status = 200;
    db_pool_query(ctx->srv->pool, sql, nparams, params, attendance_reply_cb, ctx);
}

void api_attendance_mark(struct req_ctx *ctx, const char *sql)
{
    struct invalid inv;
    const char *status;
    if (json_require_enum(ctx->body, "status", attendance_statuses, &status, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], ctx->params[1], status, ctx->principal->person_id };
    api_attendance_query(ctx, sql, 4, params);
}

/* Authorized on the session's facts (AUTHZ_GROUP_PEOPLE); so only those
 * who may read the ETag hear that it is missing. */
void api_attendance_put(struct req_ctx *ctx)
{
    struct attendance_put *a = ctx->state;
    const char *im = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-Match");
    if (im == NULL) {
        http_reply_error(ctx, 428, "if_match_required",
            "Send If-Match with the attendance's ETag (from GET), so that no other leader's marks are lost.", NULL);
        return;
    }
    read_if_match(im, a->if_match, sizeof(a->if_match));
    const char *params[] = { ctx->params[0], a->records, a->walk_ins, a->has_hours ? a->hours : NULL,
        ctx->principal->person_id, a->if_match[0] != '\0' ? a->if_match : NULL };
    api_attendance_query(ctx, "SELECT api_attendance_put($1, $2, $3, $4, $5, $6)", 6, params);
}

void api_attendance_patch(struct req_ctx *ctx)
{
    struct attendance_put *a = ctx->state;
    const char *params[] = { ctx->params[0], a->has_walk_ins ? a->walk_ins : NULL, a->has_hours ? a->hours : NULL,
        ctx->principal->person_id };
    api_attendance_query(ctx, "SELECT api_attendance_patch($1, $2, $3, $4)", 4, params);
}

void api_attendance_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_attendance_query(ctx, "SELECT api_attendance_get($1)", 1, params);
}
