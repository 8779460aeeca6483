/* SPDX-License-Identifier: Apache-2.0 */
/* One-to-one matching across an org: batch proposals, retention settings,
 * the access log of requests and the counts (each for the org's
 * coordinators: AUTHZ_MATCHING_MANAGE on the path's {slug}, asked by the
 * pipeline); and what every matching handler shares: the checked body, the
 * rights passed to SQL. */
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

static void clean_free(void *p)
{
    struct matching_clean *c = p;
    json_decref(c->clean);
    free(c->text);
    free(c);
}

int matching_check(struct req_ctx *ctx, enum matching_body kind, bool partial)
{
    struct invalid inv;
    json_t *clean;
    if (matching_input_parse(kind, ctx->body, partial, &clean, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    struct matching_clean *c = xcalloc(1, sizeof(*c));
    c->clean = clean;
    c->text = json_dumps(clean, JSON_COMPACT);
    if (c->text == NULL)
        fatalx("out of memory");
    ctx->state = c;
    ctx->state_free = clean_free;
    return 0;
}

const struct matching_clean *matching_clean(const struct req_ctx *ctx)
{
    return ctx->state;
}

const char *matching_clean_string(const struct req_ctx *ctx, const char *key)
{
    return json_string_value(json_object_get(matching_clean(ctx)->clean, key));
}

void matching_clean_int(const struct req_ctx *ctx, const char *key, char out[16])
{
    snprintf(out, 16, "%d", (int)json_integer_value(json_object_get(matching_clean(ctx)->clean, key)));
}

const char *matching_right(const struct req_ctx *ctx, enum authz_action action)
{
    return authz_allows(ctx->principal, action, &ctx->facts->target) ? "true" : "false";
}

const char *matching_viewer(const struct req_ctx *ctx)
{
    return ctx->principal ? ctx->principal->person_id : NULL;
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
    const char *params[] = { ctx->params[0], matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT api_matching_batch_data($1, $2)", 2, params, batch_loaded_cb, ctx);
}

/* ---- settings, access log, counts ---- */

void api_matching_settings_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_matching_settings_get($1)", 1, params, 200);
}

int api_matching_settings_put_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_SETTINGS, false);
}

void api_matching_settings_put(struct req_ctx *ctx)
{
    char days[16];
    matching_clean_int(ctx, "retention_days", days);
    const char *params[] = { ctx->params[0], days, matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_matching_settings_put($1, $2, $3)", 3, params, 200);
}

void api_support_requests_access_log(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *request = NULL, *limit_text = NULL;
    int limit = ACCESS_LOG_DEFAULT;
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
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_matching_stats($1)", 1, params, 200);
}
