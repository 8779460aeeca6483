/* SPDX-License-Identifier: Apache-2.0 */
/* Support requests: a person asks an org for one-to-one support. Confidential:
 * the message and preferences reach only those authz names, and every read by
 * anyone but the requester is written to the access log in the same
 * transaction. Candidates are ranked by matching.c; a coordinator proposes a
 * pairing with one of them. */
#include "matching-api.h"

#include "matching-data.h"
#include "query-params.h"

#include <string.h>

static const char *const statuses[] = { "open", "proposed", "active", "closed", NULL };

void api_support_requests_create(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_SUPPORT_REQUEST_CREATE) != 0)
        return;
    struct matching_step *st = matching_step_new(ctx);
    if (matching_step_body(st, MATCHING_BODY_REQUEST, false) != 0)
        return;
    const char *params[] = { ctx->params[0], matching_viewer(ctx), st->clean_text };
    api_query_json(ctx, "SELECT api_support_request_create($1, $2, $3)", 3, params, 201);
}

void api_support_requests_list(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *status;
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    if (query_choice(ctx, "status", statuses, &status, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], matching_viewer(ctx), status };
    api_query_json(ctx, "SELECT api_support_requests_list($1, $2, $3)", 3, params, 200);
}

void api_me_support_requests(struct req_ctx *ctx)
{
    const char *params[] = { matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_my_support_requests($1)", 1, params, 200);
}

/* ---- one request: load who is involved, authorize, read (and log) ---- */

static void read_request(struct matching_step *st, json_t *facts)
{
    const char *params[] = { st->ctx->params[0], matching_viewer(st->ctx) };
    api_query_json(st->ctx, "SELECT api_support_request_read($1, $2)", 2, params, 200);
}

void api_support_requests_get(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_support_request_facts($1)",
        AUTHZ_SUPPORT_REQUEST_READ, read_request);
}

static void candidates_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    struct matching_data d;
    if (r->status != DB_OK || PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_db_json(ctx, r, 200); /* the error, or 404 */
        return;
    }
    if (matching_data_load(PQgetvalue(r->res, 0, 0), &d) != 0) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    json_t *body = matching_data_candidates(&d);
    matching_data_free(&d);
    http_reply_json(ctx, 200, body);
}

static void load_candidates(struct matching_step *st, json_t *facts)
{
    struct req_ctx *ctx = st->ctx;
    const char *params[] = { ctx->params[0], matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT api_candidates_data($1, $2)", 2, params, candidates_loaded_cb, ctx);
}

void api_support_requests_candidates(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_support_request_facts($1)", AUTHZ_MATCHING_MANAGE,
        load_candidates);
}

static void propose(struct matching_step *st, json_t *facts)
{
    const char *supporter = json_string_value(json_object_get(st->clean, "supporter_id"));
    const char *note = json_string_value(json_object_get(st->clean, "note"));
    const char *params[] = { st->ctx->params[0], supporter, note, matching_viewer(st->ctx) };
    api_query_json(st->ctx, "SELECT api_support_request_match($1, $2, $3, $4)", 4, params, 201);
}

void api_support_requests_match(struct req_ctx *ctx)
{
    struct matching_step *st = matching_step_new(ctx);
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    if (matching_step_body(st, MATCHING_BODY_MATCH, false) != 0)
        return;
    matching_step_load(st, "SELECT api_support_request_facts($1)", AUTHZ_MATCHING_MANAGE, propose);
}
