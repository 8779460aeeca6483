/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions of a group: list a window, add a one-off, cancel, restore or
 * move one. Every change raises the session's sequence (calendar feeds). */
#include "api.h"
#include "cal.h"
#include "occurrences.h"
#include "principal.h"
#include "query-params.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define WINDOW_MAX_SECONDS (3 * 366 * DAY)
#define SESSION_MAX_SECONDS (31 * DAY)
#define REASON_MAX_CHARS 500

/* ---- list ---- */

static const char *const window_params[] = { "from", "to", NULL };

/* from and to of a listing: by default from a day ago to a year ahead, at
 * most three years. Replies and returns -1 when they are wrong, or when the
 * query string holds another parameter. */
static int read_window(struct req_ctx *ctx, char from[32], char to[32])
{
    bool has_from, has_to;
    struct invalid inv;
    int64_t f, t, now = (int64_t)time(NULL);
    const char *unknown = query_unknown(ctx, window_params);
    if (unknown != NULL) {
        query_reply_unknown(ctx, unknown);
        return -1;
    }
    if (query_time(ctx, "from", from, &has_from, &inv) != 0 || query_time(ctx, "to", to, &has_to, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    if (!has_from)
        occurrences_format_utc(now - DAY, from);
    if (cal_parse_rfc3339(from, &f) != 0)
        f = now;
    if (!has_to)
        occurrences_format_utc(f + 366 * DAY, to);
    if (cal_parse_rfc3339(to, &t) != 0)
        t = f;
    if (t <= f || t - f > WINDOW_MAX_SECONDS) {
        inv = (struct invalid) { "to", "must be after from, at most three years later" };
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    return 0;
}

void api_group_sessions_list(struct req_ctx *ctx)
{
    char from[32], to[32];
    if (read_window(ctx, from, to) != 0)
        return;
    const char *params[] = { ctx->params[0], from, to };
    api_query_json(ctx, "SELECT api_group_sessions($1, $2, $3)", 3, params, 200);
}

/* The sessions the person attends or leads, each with their role and status. */
void api_me_sessions(struct req_ctx *ctx)
{
    char from[32], to[32];
    if (read_window(ctx, from, to) != 0)
        return;
    const char *params[] = { ctx->principal->person_id, from, to };
    api_query_json(ctx, "SELECT api_my_sessions($1, $2, $3)", 3, params, 200);
}

/* ---- changes: checked, then the dispatcher loads the facts and asks authz ---- */

/* The write, decided by the check before the facts were loaded. */
struct session_change {
    const char *sql;       /* with parameters below */
    int nparams;
    int status;            /* on success */
    const char *params[5];
    char starts[32], ends[32];
};

static void session_change_free(void *p)
{
    free(p);
}

static struct session_change *session_change_new(struct req_ctx *ctx)
{
    struct session_change *c = xcalloc(1, sizeof(*c));
    ctx->state = c;
    ctx->state_free = session_change_free;
    return c;
}

/* Read starts_at/ends_at (RFC 3339) from the body into c; both or neither. */
static int read_times(json_t *body, struct session_change *c, bool required, struct invalid *inv)
{
    const char *s = json_string_value(json_object_get(body, "starts_at"));
    const char *e = json_string_value(json_object_get(body, "ends_at"));
    int64_t st, en;
    bool any = json_object_get(body, "starts_at") || json_object_get(body, "ends_at");
    if (!any && !required)
        return 0;
    if (s == NULL || cal_parse_rfc3339(s, &st) != 0) {
        *inv = (struct invalid) { "starts_at", "must be an RFC 3339 time with an offset" };
        return -1;
    }
    if (e == NULL || cal_parse_rfc3339(e, &en) != 0) {
        *inv = (struct invalid) { "ends_at", "must be an RFC 3339 time with an offset" };
        return -1;
    }
    if (en <= st || en - st > SESSION_MAX_SECONDS) {
        *inv = (struct invalid) { "ends_at", "must be after starts_at, within 31 days" };
        return -1;
    }
    occurrences_format_utc(st, c->starts);
    occurrences_format_utc(en, c->ends);
    return 1;
}

/* The change as the check left it in ctx->state. */
static void session_write(struct req_ctx *ctx)
{
    struct session_change *c = ctx->state;
    api_query_json(ctx, c->sql, c->nparams, c->params, c->status);
}

int api_group_sessions_add_check(struct req_ctx *ctx)
{
    struct invalid inv;
    struct session_change *c = session_change_new(ctx);
    if (read_times(ctx->body, c, true, &inv) < 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    c->sql = "SELECT api_session_add($1, $2, $3)";
    c->nparams = 3;
    c->status = 201;
    c->params[0] = ctx->params[0];
    c->params[1] = c->starts;
    c->params[2] = c->ends;
    return 0;
}

void api_group_sessions_add(struct req_ctx *ctx)
{
    session_write(ctx);
}

static const char *const statuses[] = { "cancelled", "scheduled", NULL };

int api_sessions_patch_check(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *status = NULL, *reason = NULL;
    struct session_change *c = session_change_new(ctx);
    if ((json_object_get(ctx->body, "status") &&
            json_require_enum(ctx->body, "status", statuses, &status, &inv) != 0) ||
        json_optional_string(ctx->body, "reason", 1, REASON_MAX_CHARS, &reason, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    int moved = read_times(ctx->body, c, false, &inv);
    if (moved < 0 || (status == NULL && moved == 0)) {
        if (moved == 0)
            inv = (struct invalid) { "status", "or starts_at and ends_at must be given" };
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    c->sql = "SELECT api_session_update($1, $2, $3, $4, $5)";
    c->nparams = 5;
    c->status = 200;
    c->params[0] = ctx->params[0];
    c->params[1] = status;
    c->params[2] = reason;
    c->params[3] = moved ? c->starts : NULL;
    c->params[4] = moved ? c->ends : NULL;
    return 0;
}

void api_sessions_patch(struct req_ctx *ctx)
{
    session_write(ctx);
}
