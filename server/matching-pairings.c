/* SPDX-License-Identifier: Apache-2.0 */
/* Pairings: the proposed supporter accepts or declines; the supporter, the
 * requester or a coordinator closes it with an outcome; the supporter keeps
 * a contact log (date, mode, minutes; never content). Every state change is
 * recorded in the database with who and when. Each route about one pairing
 * loads its struct pairing_facts and asks authz first (routes.c). */
#include "matching-api.h"

/* The pairing as the principal may see it: authz decides, on the facts
 * loaded first, whether they see who the supporter is (a requester only
 * once the supporter accepted), the coordinator's note and the history;
 * the SQL leaves out what they may not. */
void api_pairings_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], matching_right(ctx, AUTHZ_PAIRING_SEE_SUPPORTER),
        matching_right(ctx, AUTHZ_PAIRING_SEE_NOTE), matching_right(ctx, AUTHZ_MATCHING_MANAGE) };
    api_query_json(ctx, "SELECT api_pairing_read($1, $2, $3, $4)", 4, params, 200);
}

void api_me_pairings(struct req_ctx *ctx)
{
    const char *params[] = { matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_my_pairings($1)", 1, params, 200);
}

/* ---- state changes ---- */

/* The answer shows what the actor may see, decided on the facts loaded
 * before the change (accepting does not change what the supporter sees). */
static void change(struct req_ctx *ctx, const char *action, const char *outcome)
{
    const char *params[] = { ctx->params[0], action, matching_viewer(ctx), outcome,
        matching_right(ctx, AUTHZ_PAIRING_SEE_SUPPORTER), matching_right(ctx, AUTHZ_PAIRING_SEE_NOTE) };
    api_query_json(ctx, "SELECT api_pairing_change($1, $2, $3, $4, $5, $6)", 6, params, 200);
}

void api_pairings_accept(struct req_ctx *ctx)
{
    change(ctx, "accept", NULL);
}

void api_pairings_decline(struct req_ctx *ctx)
{
    change(ctx, "decline", NULL);
}

int api_pairings_close_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_CLOSE, false);
}

void api_pairings_close(struct req_ctx *ctx)
{
    change(ctx, "close", matching_clean_string(ctx, "outcome"));
}

/* ---- the contact log ---- */

void api_pairings_contacts_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_pairing_contacts($1)", 1, params, 200);
}

int api_pairings_contacts_add_check(struct req_ctx *ctx)
{
    return matching_check(ctx, MATCHING_BODY_CONTACT, false);
}

void api_pairings_contacts_add(struct req_ctx *ctx)
{
    char minutes[16];
    matching_clean_int(ctx, "minutes", minutes);
    const char *params[] = { ctx->params[0], matching_viewer(ctx), matching_clean_string(ctx, "date"),
        matching_clean_string(ctx, "mode"), minutes };
    api_query_json(ctx, "SELECT api_pairing_contact_add($1, $2, $3, $4, $5)", 5, params, 201);
}
