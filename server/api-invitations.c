/* SPDX-License-Identifier: Apache-2.0 */
/* Adding people to an organization by email (docs/api.md "Invitations"):
 * an address with a verified account is a member at once, any other gets
 * an invitation and its mail; the open invitations, and withdrawing one.
 * The routes are authorized on the path's {slug} as the member routes are
 * (AUTHZ_ORG_MEMBERS_MANAGE). */
#include "api.h"

#include "invitation-input.h"
#include "principal.h"

void api_invitations_create(struct req_ctx *ctx)
{
    struct invalid inv;
    struct invitation_input in;
    if (invitation_input_parse(ctx->body, "fi", &in, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], in.email, in.email_key, in.role, in.language,
        ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_invitation_create($1, $2, $3, $4, $5, $6)", 6, params, 201);
    invitation_input_free(&in);
}

void api_invitations_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_invitations_list($1)", 1, params, 200);
}

void api_invitations_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->params[1] };
    api_query_empty(ctx, "SELECT api_invitation_withdraw($1, $2)", 2, params);
}
