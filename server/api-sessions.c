/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions of a group: list a window, add a one-off, cancel, restore or
 * move one. Every change raises the session's sequence (calendar feeds). */
#include "api.h"
#include "authz.h"
#include "cal.h"
#include "group-view.h"
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

void api_group_sessions_list(struct req_ctx *ctx)
{
    char from[32], to[32];
    bool has_from, has_to;
    struct invalid inv;
    int64_t f, t, now = (int64_t)time(NULL);
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    if (query_time(ctx, "from", from, &has_from, &inv) != 0 || query_time(ctx, "to", to, &has_to, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    /* Default: from a day ago to a year ahead. */
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
        return;
    }
    const char *params[] = { ctx->params[0], from, to };
    api_query_json(ctx, "SELECT api_group_sessions($1, $2, $3)", 3, params, 200);
}

/* ---- changes: load the group's facts, authorise, write ---- */

struct session_change {
    struct req_ctx *ctx;
    const char *sql;       /* the write, with parameters below */
    int nparams;
    const char *params[5];
    char starts[32], ends[32];
};

static void session_change_free(void *p)
{
    free(p);
}

static void written_cb(const struct db_result *r, void *arg)
{
    struct session_change *c = arg;
    api_reply_db_json(c->ctx, r, strncmp(c->sql, "SELECT api_session_add", 22) == 0 ? 201 : 200);
}

/* facts_json: {"group": {...}} or {"session":..., "group": {...}}. */
static void facts_loaded_cb(const struct db_result *r, void *arg)
{
    struct session_change *c = arg;
    struct req_ctx *ctx = c->ctx;
    struct group_facts facts;
    if (r->status != DB_OK || PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_db_json(ctx, r, 200); /* the error, or 404 */
        return;
    }
    json_t *loaded = json_loads(PQgetvalue(r->res, 0, 0), 0, NULL);
    json_t *group = json_object_get(loaded, "group") ?: loaded;
    group_facts_read(group, &facts);
    bool allowed = authz_allows(ctx->principal, AUTHZ_GROUP_EDIT, &facts.target);
    json_decref(loaded);
    if (!allowed) {
        api_reply_forbidden(ctx);
        return;
    }
    db_pool_query(ctx->srv->pool, c->sql, c->nparams, c->params, written_cb, c);
}

static struct session_change *session_change_new(struct req_ctx *ctx)
{
    struct session_change *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    ctx->state = c;
    ctx->state_free = session_change_free;
    return c;
}

/* Read starts_at/ends_at (RFC 3339) from the body into c; both or neither. */
static int read_times(struct session_change *c, bool required, struct invalid *inv)
{
    json_t *body = c->ctx->body;
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

void api_group_sessions_add(struct req_ctx *ctx)
{
    struct invalid inv;
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct session_change *c = session_change_new(ctx);
    if (read_times(c, true, &inv) < 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    c->sql = "SELECT api_session_add($1, $2, $3)";
    c->nparams = 3;
    c->params[0] = ctx->params[0];
    c->params[1] = c->starts;
    c->params[2] = c->ends;
    const char *params[] = { ctx->params[0], NULL };
    db_pool_query(ctx->srv->pool, "SELECT api_group_facts($1, $2)", 2, params, facts_loaded_cb, c);
}

static const char *const statuses[] = { "cancelled", "scheduled", NULL };

void api_sessions_patch(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *status = NULL, *reason = NULL;
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct session_change *c = session_change_new(ctx);
    if ((json_object_get(ctx->body, "status") &&
            json_require_enum(ctx->body, "status", statuses, &status, &inv) != 0) ||
        json_optional_string(ctx->body, "reason", 1, REASON_MAX_CHARS, &reason, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    int moved = read_times(c, false, &inv);
    if (moved < 0 || (status == NULL && moved == 0)) {
        if (moved == 0)
            inv = (struct invalid) { "status", "or starts_at and ends_at must be given" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    c->sql = "SELECT api_session_update($1, $2, $3, $4, $5)";
    c->nparams = 5;
    c->params[0] = ctx->params[0];
    c->params[1] = status;
    c->params[2] = reason;
    c->params[3] = moved ? c->starts : NULL;
    c->params[4] = moved ? c->ends : NULL;
    const char *params[] = { ctx->params[0], NULL };
    db_pool_query(ctx->srv->pool, "SELECT api_session_facts($1, $2)", 2, params, facts_loaded_cb, c);
}
