/* SPDX-License-Identifier: Apache-2.0 */
/* Supporters: trained peers with a public introduction. The org's list and
 * a supporter's page are public (never an email, phone or training record);
 * the whole record is for the org's coordinators and the supporter. The
 * routes about one supporter load its struct supporter_facts first
 * (routes.c). */
#include "matching-api.h"

void api_supporters_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_supporters_public($1)", 1, params, 200);
}

int api_supporters_create_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_SUPPORTER, false);
}

void api_supporters_create(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_clean(ctx)->text };
    api_query_json(ctx, "SELECT api_supporter_create($1, $2)", 2, params, 201);
}

/* The whole record or the public introduction, as authz says on the facts;
 * the SQL leaves out the rest, and has no public page for a supporter who
 * is not listed (retired, no longer a member). */
void api_supporters_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_right(ctx, AUTHZ_SUPPORTER_SEE_RECORD) };
    api_query_json(ctx, "SELECT api_supporter_read($1, $2)", 2, params, 200);
}

int api_supporters_patch_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_SUPPORTER, true);
}

void api_supporters_patch(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_clean(ctx)->text };
    api_query_json(ctx, "SELECT api_supporter_update($1, $2)", 2, params, 200);
}

void api_supporters_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_empty(ctx, "SELECT api_supporter_delete($1)", 1, params);
}
