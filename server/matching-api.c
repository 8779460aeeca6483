/* SPDX-License-Identifier: Apache-2.0 */
/* One-to-one matching across an org: batch proposals, retention settings,
 * the access log of requests and the counts; and the steps every matching
 * handler shares (load who is involved, ask authz, go on). */
#include "matching-api.h"

#include "background.h"

#include "log.h"
#include "matching-data.h"
#include "principal.h"
#include "query-params.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCESS_LOG_DEFAULT 200
#define ACCESS_LOG_MAX     1000

/* ---- shared steps ---- */

static void step_free(void *p)
{
    struct matching_step *st = p;
    json_decref(st->clean);
    free(st->clean_text);
    free(st);
}

struct matching_step *matching_step_new(struct req_ctx *ctx)
{
    struct matching_step *st = xcalloc(1, sizeof(*st));
    st->ctx = ctx;
    ctx->state = st;
    ctx->state_free = step_free;
    return st;
}

int matching_step_body(struct matching_step *st, enum matching_body kind, bool partial)
{
    struct invalid inv;
    if (matching_input_parse(kind, st->ctx->body, partial, &st->clean, &inv) != 0) {
        api_reply_invalid(st->ctx, &inv);
        return -1;
    }
    st->clean_text = json_dumps(st->clean, JSON_COMPACT);
    if (st->clean_text == NULL)
        fatalx("out of memory");
    return 0;
}

const char *matching_viewer(struct req_ctx *ctx)
{
    return ctx->principal ? ctx->principal->person_id : NULL;
}

json_t *matching_row_json(struct req_ctx *ctx, const struct db_result *r)
{
    return api_row_json(ctx, r);
}

void matching_target_read(json_t *facts, struct authz_target *t)
{
    json_t *f = json_object_get(facts, "_facts") ?: facts;
    memset(t, 0, sizeof(*t));
    t->org_slug = json_string_value(json_object_get(f, "org"));
    t->requester_id = json_string_value(json_object_get(f, "requester"));
    t->supporter_id = json_string_value(json_object_get(f, "supporter"));
    t->pairing_active = json_is_true(json_object_get(f, "active"));
    t->pairing_accepted = json_is_true(json_object_get(f, "accepted"));
}

static void step_loaded_cb(const struct db_result *r, void *arg)
{
    struct matching_step *st = arg;
    struct authz_target target;
    json_t *loaded = matching_row_json(st->ctx, r);
    if (loaded == NULL)
        return;
    matching_target_read(loaded, &target);
    if (authz_allows(st->ctx->principal, st->action, &target))
        st->next(st, loaded);
    else
        api_reply_forbidden(st->ctx);
    json_decref(loaded);
}

void matching_step_load(struct matching_step *st, const char *sql, enum authz_action action, matching_next next)
{
    struct req_ctx *ctx = st->ctx;
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    st->action = action;
    st->next = next;
    const char *params[] = { ctx->params[0] };
    db_pool_query(ctx->srv->pool, sql, 1, params, step_loaded_cb, st);
}

int matching_authorize_org(struct req_ctx *ctx, enum authz_action action)
{
    struct authz_target target = { .org_slug = ctx->params[0] };
    if (authz_allows(ctx->principal, action, &target))
        return 0;
    api_reply_forbidden(ctx);
    return -1;
}

/* ---- batch proposals ---- */

struct batch {
    struct req_ctx *ctx;
    struct matching_data data;
    json_t *body;               /* the proposals, made on the background thread */
};

static void batch_free(void *p)
{
    struct batch *b = p;
    matching_data_free(&b->data);
    json_decref(b->body);
    free(b);
}

/* On the background thread: the assignment may take tens of milliseconds. */
static void batch_work(void *arg)
{
    struct batch *b = arg;
    b->body = matching_data_proposals(&b->data);
}

static void batch_done(void *arg)
{
    struct batch *b = arg;
    json_t *body = b->body;
    b->body = NULL;
    if (body == NULL) { /* the SQL hands over at most MATCHING_MAX_REQUESTS: a bug */
        log_error("matching: more open requests than the assignment takes");
        http_reply_error(b->ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    http_reply_json(b->ctx, 200, body);
}

static void batch_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK || PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_db_json(ctx, r, 200); /* the error, or 404 */
        return;
    }
    struct batch *b = xcalloc(1, sizeof(*b));
    b->ctx = ctx;
    ctx->state = b;
    ctx->state_free = batch_free;
    if (matching_data_load(PQgetvalue(r->res, 0, 0), &b->data) != 0) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    background_run(ctx->srv->background, batch_work, batch_done, b);
}

void api_matching_proposals(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    const char *params[] = { ctx->params[0], matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT api_matching_batch_data($1, $2)", 2, params, batch_loaded_cb, ctx);
}

/* ---- settings, access log, counts ---- */

void api_matching_settings_get(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_matching_settings_get($1)", 1, params, 200);
}

void api_matching_settings_put(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    struct matching_step *st = matching_step_new(ctx);
    if (matching_step_body(st, MATCHING_BODY_SETTINGS, false) != 0)
        return;
    char days[16];
    snprintf(days, sizeof(days), "%d", (int)json_integer_value(json_object_get(st->clean, "retention_days")));
    const char *params[] = { ctx->params[0], days, matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_matching_settings_put($1, $2, $3)", 3, params, 200);
}

void api_support_requests_access_log(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *request = NULL, *limit_text = NULL;
    int limit = ACCESS_LOG_DEFAULT;
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    if (query_text(ctx, "request_id", 36, &request, &inv) != 0 ||
        query_text(ctx, "limit", 8, &limit_text, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (request != NULL && !valid_uuid(request, strlen(request))) {
        inv = (struct invalid) { "request_id", "must be an id" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (limit_text != NULL && query_int(limit_text, 1, ACCESS_LOG_MAX, &limit) != 0) {
        inv = (struct invalid) { "limit", "must be a whole number from 1 to 1000" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    char limit_param[16];
    snprintf(limit_param, sizeof(limit_param), "%d", limit);
    const char *params[] = { ctx->params[0], request, limit_param };
    api_query_json(ctx, "SELECT api_request_access_log($1, $2, $3)", 3, params, 200);
}

void api_matching_stats(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_matching_stats($1)", 1, params, 200);
}
