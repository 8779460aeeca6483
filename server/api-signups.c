/* SPDX-License-Identifier: Apache-2.0 */
/* Signups: sign up (one round trip: the person, the eligibility rules, the
 * capacity decision and the write are one SQL transaction), cancel (which
 * promotes the waitlist in the same transaction), and who is coming. */
#include "api.h"
#include "facts.h"
#include "principal.h"
#include "token.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTY_MAX 12
#define NOTE_MAX_CHARS 500
#define IDEMPOTENCY_KEY_MAX 100

/* ---- signing up ---- */

struct party {
    char adults[16], children[16];
    const char *note;
};

static int read_count(json_t *body, const char *key, int fallback, int *out, struct invalid *inv)
{
    json_t *v = json_object_get(body, key);
    if (v == NULL || json_is_null(v)) {
        *out = fallback;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > PARTY_MAX) {
        *inv = (struct invalid) { key, "must be a whole number from 0 to 12" };
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

static int read_party(json_t *body, struct party *p, struct invalid *inv)
{
    int adults, children;
    if (read_count(body, "adults", 1, &adults, inv) != 0 || read_count(body, "children", 0, &children, inv) != 0 ||
        json_optional_string(body, "note", 0, NOTE_MAX_CHARS, &p->note, inv) != 0)
        return -1;
    if (adults + children < 1 || adults + children > PARTY_MAX) {
        *inv = (struct invalid) { "adults", "and children must add up to 1 to 12 people" };
        return -1;
    }
    snprintf(p->adults, sizeof(p->adults), "%d", adults);
    snprintf(p->children, sizeof(p->children), "%d", children);
    return 0;
}

/* A sane Idempotency-Key: 1..100 printable ASCII characters. */
static int read_idempotency_key(struct req_ctx *ctx, const char **out, struct invalid *inv)
{
    const char *k = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Idempotency-Key");
    *out = k;
    if (k == NULL)
        return 0;
    size_t n = strlen(k);
    bool ok = n > 0 && n <= IDEMPOTENCY_KEY_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] > 0x20 && k[i] < 0x7f;
    if (!ok)
        *inv = (struct invalid) { "Idempotency-Key", "must be 1 to 100 printable characters" };
    return ok ? 0 : -1;
}

static void signup(struct req_ctx *ctx, const char *kind)
{
    struct party party;
    struct invalid inv;
    const char *key;
    char token[TOKEN_HASH_PARAM_LEN + 1];
    if (principal_token_param(ctx, token) != 0)
        return;
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    if (read_party(ctx->body, &party, &inv) != 0 || read_idempotency_key(ctx, &key, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { token, kind, ctx->params[0], party.adults, party.children, party.note, key };
    api_query_json(ctx, "SELECT api_signup($1, $2, $3, $4, $5, $6, $7)", 7, params, 201);
}

void api_signups_group_create(struct req_ctx *ctx)
{
    signup(ctx, "group");
}

void api_signups_session_create(struct req_ctx *ctx)
{
    signup(ctx, "session");
}

/* ---- cancelling ---- */

static void cancel_authorized(struct req_ctx *ctx, json_t *loaded)
{
    if (strcmp(json_string_value(json_object_get(loaded, "status")) ?: "", "cancelled") == 0) {
        http_reply_error(ctx, 409, "already_cancelled", "This signup is already cancelled.", NULL);
        return;
    }
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_signup_cancel($1, $2)", 2, params);
}

static struct facts_step *facts_step_new(struct req_ctx *ctx, enum authz_action action, facts_next next)
{
    struct facts_step *step = xcalloc(1, sizeof(*step));
    step->ctx = ctx;
    step->action = action;
    step->next = next;
    ctx->state = step;
    ctx->state_free = free;
    return step;
}

void api_signups_cancel(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct facts_step *step = facts_step_new(ctx, AUTHZ_SIGNUP_CANCEL, cancel_authorized);
    step->owner_field = "owner";
    const char *params[] = { ctx->params[0] };
    facts_load(step, "SELECT api_signup_facts($1)", 1, params);
}

/* ---- mine, and who is coming ---- */

void api_me_signups(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_my_signups($1)", 1, params, 200);
}

static void group_list_authorized(struct req_ctx *ctx, json_t *loaded)
{
    (void)loaded;
    const char *params[] = { ctx->params[0], NULL };
    api_query_json(ctx, "SELECT api_signups_list($1, $2)", 2, params, 200);
}

void api_signups_group_list(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct facts_step *step = facts_step_new(ctx, AUTHZ_GROUP_PEOPLE, group_list_authorized);
    const char *params[] = { ctx->params[0], NULL };
    facts_load(step, "SELECT json_build_object('group', api_group_facts($1, $2))", 2, params);
}

static void session_list_authorized(struct req_ctx *ctx, json_t *loaded)
{
    const char *group = json_string_value(json_object_get(json_object_get(loaded, "session"), "group_id"));
    const char *params[] = { group, ctx->params[0] };
    api_query_json(ctx, "SELECT api_signups_list($1, $2)", 2, params, 200);
}

void api_signups_session_list(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct facts_step *step = facts_step_new(ctx, AUTHZ_GROUP_PEOPLE, session_list_authorized);
    const char *params[] = { ctx->params[0], NULL };
    facts_load(step, "SELECT api_session_facts($1, $2)", 2, params);
}

/* ---- absence notices ---- */

static void absence_done_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    json_t *body = json_loads(PQgetvalue(r->res, 0, 0), 0, NULL);
    if (body == NULL) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    int status = json_is_true(json_object_get(body, "created")) ? 201 : 200;
    json_object_del(body, "created");
    http_reply_json(ctx, status, body);
}

static void absence_authorized(struct req_ctx *ctx, json_t *loaded)
{
    (void)loaded;
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_absence($1, $2)", 2, params, absence_done_cb, ctx);
}

void api_absence_create(struct req_ctx *ctx)
{
    if (!valid_uuid(ctx->params[0], strlen(ctx->params[0]))) {
        api_reply_not_found(ctx);
        return;
    }
    struct facts_step *step = facts_step_new(ctx, AUTHZ_ABSENCE_NOTICE, absence_authorized);
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    facts_load(step, "SELECT api_session_facts($1, $2)", 2, params);
}
