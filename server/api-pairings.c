/* SPDX-License-Identifier: Apache-2.0 */
/* Pairings: the proposed supporter accepts or declines; the supporter, the
 * requester or a coordinator closes it with an outcome; the supporter keeps
 * a contact log (date, mode, minutes; never content). Every state change is
 * recorded in the database with who and when. */
#include "api-matching.h"

#include <stdio.h>
#include <string.h>

/* The pairing, with its history for the org's coordinators only and the
 * coordinator's note for them and the supporter. */
static void got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    struct authz_target target;
    json_t *loaded = matching_row_json(ctx, r);
    if (loaded == NULL)
        return;
    matching_target_read(loaded, &target);
    if (!authz_allows(ctx->principal, AUTHZ_PAIRING_SEE, &target)) {
        json_decref(loaded);
        api_reply_forbidden(ctx);
        return;
    }
    json_t *pairing = json_object_get(loaded, "pairing");
    if (authz_allows(ctx->principal, AUTHZ_MATCHING_MANAGE, &target))
        json_object_set(pairing, "events", json_object_get(loaded, "events"));
    if (!authz_allows(ctx->principal, AUTHZ_PAIRING_SEE_NOTE, &target))
        json_object_del(pairing, "note");
    http_reply_json(ctx, 200, json_pack("{s:O}", "pairing", pairing));
    json_decref(loaded);
}

void api_pairings_get(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    const char *params[] = { ctx->params[0] };
    db_pool_query(ctx->srv->pool, "SELECT api_pairing_get($1)", 1, params, got_cb, ctx);
}

void api_me_pairings(struct req_ctx *ctx)
{
    const char *params[] = { matching_viewer(ctx) };
    api_query_json(ctx, "SELECT api_my_pairings($1)", 1, params, 200);
}

/* ---- state changes ---- */

static void changed_cb(const struct db_result *r, void *arg)
{
    struct matching_step *st = arg;
    json_t *body = matching_row_json(st->ctx, r);
    if (body == NULL)
        return;
    if (!st->see_note)
        json_object_del(json_object_get(body, "pairing"), "note");
    http_reply_json(st->ctx, 200, body);
}

static void change(struct matching_step *st, json_t *facts, const char *action)
{
    struct authz_target target;
    matching_target_read(facts, &target);
    st->see_note = authz_allows(st->ctx->principal, AUTHZ_PAIRING_SEE_NOTE, &target);
    const char *outcome = json_string_value(json_object_get(st->clean, "outcome"));
    const char *params[] = { st->ctx->params[0], action, matching_viewer(st->ctx), outcome };
    db_pool_query(st->ctx->srv->pool, "SELECT api_pairing_change($1, $2, $3, $4)", 4, params, changed_cb, st);
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
