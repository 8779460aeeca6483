/* SPDX-License-Identifier: Apache-2.0 */
/* Supporters: trained peers with a public introduction. The org's list and
 * a supporter's page are public (never an email, phone or training record);
 * the whole record is for the org's coordinators and the supporter. */
#include "matching-api.h"

#include <string.h>

void api_supporters_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_supporters_public($1)", 1, params, 200);
}

void api_supporters_create(struct req_ctx *ctx)
{
    if (matching_authorize_org(ctx, AUTHZ_MATCHING_MANAGE) != 0)
        return;
    struct matching_step *st = matching_step_new(ctx);
    if (matching_step_body(st, MATCHING_BODY_SUPPORTER, false) != 0)
        return;
    const char *params[] = { ctx->params[0], st->clean_text };
    api_query_json(ctx, "SELECT api_supporter_create($1, $2)", 2, params, 201);
}

/* The whole record or the public introduction, as authz says; a supporter
 * who is not listed (retired, no longer a member) has no public page. */
static void got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    struct authz_target target;
    json_t *loaded = matching_row_json(ctx, r);
    if (loaded == NULL)
        return;
    matching_target_read(loaded, &target);
    bool whole = authz_allows(ctx->principal, AUTHZ_SUPPORTER_SEE_RECORD, &target);
    bool listed = json_is_true(json_object_get(json_object_get(loaded, "_facts"), "listed"));
    json_t *view = json_object_get(loaded, whole ? "supporter" : "public");
    if (!whole && !listed) {
        json_decref(loaded);
        api_reply_not_found(ctx);
        return;
    }
    http_reply_json(ctx, 200, json_pack("{s:O}", "supporter", view));
    json_decref(loaded);
}

void api_supporters_get(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    const char *params[] = { ctx->params[0] };
    db_pool_query(ctx->srv->pool, "SELECT api_supporter_get($1)", 1, params, got_cb, ctx);
}

static void update(struct matching_step *st, json_t *loaded)
{
    const char *params[] = { st->ctx->params[0], st->clean_text };
    api_query_json(st->ctx, "SELECT api_supporter_update($1, $2)", 2, params, 200);
}

void api_supporters_patch(struct req_ctx *ctx)
{
    struct matching_step *st = matching_step_new(ctx);
    if (matching_step_body(st, MATCHING_BODY_SUPPORTER, true) != 0)
        return;
    matching_step_load(st, "SELECT api_supporter_get($1)", AUTHZ_MATCHING_MANAGE, update);
}

static void delete(struct matching_step *st, json_t *loaded)
{
    const char *params[] = { st->ctx->params[0] };
    api_query_empty(st->ctx, "SELECT api_supporter_delete($1)", 1, params);
}

void api_supporters_delete(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_supporter_get($1)", AUTHZ_MATCHING_MANAGE, delete);
}
