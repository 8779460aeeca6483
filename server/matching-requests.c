/* SPDX-License-Identifier: Apache-2.0 */
/* Support requests: a person asks an org for one-to-one support. Confidential:
 * the message and preferences reach only those authz names, and every read by
 * anyone but the requester is written to the access log in the same
 * transaction. Candidates are ranked by matching/; a coordinator proposes a
 * pairing with one of them. The routes about one request load its struct
 * support_request_facts and ask authz first (routes.c). */
#include "matching-api.h"

#include "matching-data.h"
#include "query-params.h"

static const char *const statuses[] = { "open", "proposed", "active", "closed", NULL };

int api_support_requests_create_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_REQUEST, false);
}

void api_support_requests_create(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_viewer(ctx), matching_clean(ctx)->text };
    api_query_json(ctx, "SELECT api_support_request_create($1, $2, $3)", 3, params, 201);
}

void api_support_requests_list(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *status;
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

/* ---- one request: read (and log), candidates, a proposal ---- */

void api_support_requests_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_support_request_read($1, $2)", 2, params, 200);
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

void api_support_requests_candidates(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT api_candidates_data($1, $2)", 2, params, candidates_loaded_cb, ctx);
}

int api_support_requests_match_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_MATCH, false);
}

void api_support_requests_match(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_clean_string(ctx, "supporter_id"),
        matching_clean_string(ctx, "note"), matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_support_request_match($1, $2, $3, $4)", 4, params, 201);
}
