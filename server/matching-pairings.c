/* SPDX-License-Identifier: Apache-2.0 */
/* Pairings: the proposed supporter accepts or declines; the supporter, the
 * requester or a coordinator closes it with an outcome; the supporter keeps
 * a contact log (date, mode, minutes; never content). Every state change is
 * recorded in the database with who and when. */
#include "matching-api.h"

#include <stdio.h>
#include <string.h>

/* "true"/"false" for a boolean SQL parameter. */
static const char *sql_bool(bool b)
{
    return b ? "true" : "false";
}

/* The pairing as the principal may see it: authz decides, on the facts
 * loaded first, whether they see who the supporter is (a requester only
 * once the supporter accepted), the coordinator's note and the history;
 * the SQL leaves out what they may not. */
static void read_pairing(struct matching_step *st, json_t *facts)
{
    struct authz_target target;
    const struct principal *p = st->ctx->principal;
    matching_target_read(facts, &target);
    const char *params[] = { st->ctx->params[0], sql_bool(authz_allows(p, AUTHZ_PAIRING_SEE_SUPPORTER, &target)),
        sql_bool(authz_allows(p, AUTHZ_PAIRING_SEE_NOTE, &target)),
        sql_bool(authz_allows(p, AUTHZ_MATCHING_MANAGE, &target)) };
    api_query_json(st->ctx, "SELECT api_pairing_read($1, $2, $3, $4)", 4, params, 200);
}

void api_pairings_get(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_SEE, read_pairing);
}

void api_me_pairings(struct req_ctx *ctx)
{
    const char *params[] = { matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_my_pairings($1)", 1, params, 200);
}

/* ---- state changes ---- */

/* The answer shows what the actor may see, decided on the facts loaded
 * before the change (accepting does not change what the supporter sees). */
static void change(struct matching_step *st, json_t *facts, const char *action)
{
    struct authz_target target;
    const struct principal *p = st->ctx->principal;
    matching_target_read(facts, &target);
    const char *outcome = json_string_value(json_object_get(st->clean, "outcome"));
    const char *params[] = { st->ctx->params[0], action, matching_viewer(st->ctx), outcome,
        sql_bool(authz_allows(p, AUTHZ_PAIRING_SEE_SUPPORTER, &target)),
        sql_bool(authz_allows(p, AUTHZ_PAIRING_SEE_NOTE, &target)) };
    api_query_json(st->ctx, "SELECT api_pairing_change($1, $2, $3, $4, $5, $6)", 6, params, 200);
}

static void do_accept(struct matching_step *st, json_t *facts)
{
    change(st, facts, "accept");
}

static void do_decline(struct matching_step *st, json_t *facts)
{
    change(st, facts, "decline");
}

static void do_close(struct matching_step *st, json_t *facts)
{
    change(st, facts, "close");
}

void api_pairings_accept(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_RESPOND, do_accept);
}

void api_pairings_decline(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_RESPOND, do_decline);
}

void api_pairings_close(struct req_ctx *ctx)
{
    struct matching_step *st = matching_step_new(ctx);
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    if (matching_step_body(st, MATCHING_BODY_CLOSE, false) != 0)
        return;
    matching_step_load(st, "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_CLOSE, do_close);
}

/* ---- the contact log ---- */

static void list_contacts(struct matching_step *st, json_t *facts)
{
    const char *params[] = { st->ctx->params[0] };
    api_query_json(st->ctx, "SELECT api_pairing_contacts($1)", 1, params, 200);
}

void api_pairings_contacts_list(struct req_ctx *ctx)
{
    matching_step_load(matching_step_new(ctx), "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_CONTACTS,
        list_contacts);
}

static void add_contact(struct matching_step *st, json_t *facts)
{
    char minutes[16];
    snprintf(minutes, sizeof(minutes), "%d", (int)json_integer_value(json_object_get(st->clean, "minutes")));
    const char *params[] = { st->ctx->params[0], matching_viewer(st->ctx),
        json_string_value(json_object_get(st->clean, "date")),
        json_string_value(json_object_get(st->clean, "mode")), minutes };
    api_query_json(st->ctx, "SELECT api_pairing_contact_add($1, $2, $3, $4, $5)", 5, params, 201);
}

void api_pairings_contacts_add(struct req_ctx *ctx)
{
    struct matching_step *st = matching_step_new(ctx);
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    if (matching_step_body(st, MATCHING_BODY_CONTACT, false) != 0)
        return;
    matching_step_load(st, "SELECT api_pairing_facts($1)", AUTHZ_PAIRING_LOG_CONTACT, add_contact);
}
