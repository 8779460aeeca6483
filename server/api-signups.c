/* SPDX-License-Identifier: Apache-2.0 */
/* Signups: sign up (one round trip: the person, the eligibility rules, the
 * capacity decision and the write are one SQL transaction), a coordinator's
 * signup for someone without an account and confirmation by hand, cancel
 * (which promotes the waitlist in the same transaction), and who is coming. */
#include "api.h"
#include "facts.h"
#include "principal.h"

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
    const char *consent; /* "true" or "false": agreed to the group's consent_text */
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
    json_t *consent = json_object_get(body, "consent");
    if (consent != NULL && !json_is_boolean(consent) && !json_is_null(consent)) {
        *inv = (struct invalid) { "consent", "must be true or false" };
        return -1;
    }
    p->consent = json_is_true(consent) ? "true" : "false";
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
    if (read_party(ctx->body, &party, &inv) != 0 || read_idempotency_key(ctx, &key, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->token_hash, kind, ctx->params[0], party.adults, party.children, party.note, key,
        party.consent };
    api_query_json(ctx, "SELECT api_signup($1, $2, $3, $4, $5, $6, $7, $8)", 8, params, 201);
}

void api_signups_group_create(struct req_ctx *ctx)
{
    signup(ctx, "group");
}

void api_signups_session_create(struct req_ctx *ctx)
{
    signup(ctx, "session");
}

/* ---- on someone's behalf: a coordinator (authz asked on the target's
 * facts) signs up a person who phoned in, known by a display name only ---- */

static void signup_on_behalf(struct req_ctx *ctx, const char *kind)
{
    struct party party;
    struct invalid inv;
    const char *key, *name;
    if (json_display_name(ctx->body, true, &name, &inv) != 0 || read_party(ctx->body, &party, &inv) != 0 ||
        read_idempotency_key(ctx, &key, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->principal->person_id, name, kind, ctx->params[0], party.adults, party.children,
        party.note, key, party.consent };
    api_query_json(ctx, "SELECT api_signup_on_behalf($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, params, 201);
}

void api_signups_group_on_behalf(struct req_ctx *ctx)
{
    signup_on_behalf(ctx, "group");
}

void api_signups_session_on_behalf(struct req_ctx *ctx)
{
    signup_on_behalf(ctx, "session");
}

/* ---- cancelling: the signup's facts are loaded and authz asked first ---- */

void api_signups_cancel(struct req_ctx *ctx)
{
    if (strcmp(ctx->facts->u.signup.status ?: "", "cancelled") == 0) {
        http_reply_error(ctx, 409, "already_cancelled", "This signup is already cancelled.", NULL);
        return;
    }
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_signup_cancel($1, $2)", 2, params);
}

/* ---- confirming a waitlisted signup by hand (authz: the org's coordinators) ---- */

void api_signups_confirm(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_signup_confirm($1, $2)", 2, params, 200);
}

/* ---- answering an offer from the waitlist (authz: as cancelling) ---- */

static void answer_offer(struct req_ctx *ctx, const char *answer)
{
    const char *params[] = { ctx->params[0], ctx->principal->person_id, answer };
    api_query_json(ctx, "SELECT api_signup_offer_answer($1, $2, $3, now())", 3, params, 200);
}

void api_signups_offer_accept(struct req_ctx *ctx)
{
    answer_offer(ctx, "accept");
}

void api_signups_offer_decline(struct req_ctx *ctx)
{
    answer_offer(ctx, "decline");
}

/* ---- mine, and who is coming (authorized on the group's facts) ---- */

void api_me_signups(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_my_signups($1)", 1, params, 200);
}

void api_signups_group_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], NULL };
    api_query_json(ctx, "SELECT api_signups_list($1, $2)", 2, params, 200);
}

void api_signups_session_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->facts->u.session.group_id, ctx->params[0] };
    api_query_json(ctx, "SELECT api_signups_list($1, $2)", 2, params, 200);
}
