/* SPDX-License-Identifier: Apache-2.0 */
/* Links by email (docs/mail.md "Links"): asking for a sign-in, reset or
 * verification mail, seeing what a link would do, and using it. The
 * delivery process makes each link as its message goes out (mail.c); here
 * only its hash is ever looked up.
 *
 * Asking is throttled per client address and per email like registering,
 * and answers the same whether or not the address has an account. A link
 * acts only on POST (mail scanners follow GETs): a GET says what it would
 * do. A sign-in, reset or offer link is used once; using one verifies the
 * address too. The web client's forms use the same steps with a web session for a
 * credential (api.h). */
#include "api-auth.h"

#include "api.h"
#include "auth-keys.h"
#include "email.h"
#include "token.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINK_WINDOW "1 hour"
#define LINK_MAX_PER_ADDRESS "20"
#define LINK_MAX_PER_EMAIL "5"

struct link_state {
    struct req_ctx *ctx;
    struct hasher_job *job;
    char hash[TOKEN_HASH_PARAM_LEN + 1];           /* the link's */
    char credential[TOKEN_TEXT_LEN + 1];           /* signin, reset: a new token or session */
    char credential_hash[TOKEN_HASH_PARAM_LEN + 1];
    char purpose[16];
    api_link_web_done web_done; /* the web client's: a session, a page */
};

static void link_state_free(void *p)
{
    struct link_state *st = p;
    hasher_cancel(st->job);
    sodium_memzero(st, sizeof(*st));
    free(st);
}

/* ---- asking for a link ---- */

static const char *const purposes[] = { "signin", "reset", "verify", NULL };

struct request_state {
    void (*web_sent)(struct req_ctx *ctx); /* the web client's page, or NULL */
};

static void requested_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const struct request_state *rs = ctx->state;
    if (api_auth_throttle_passed(ctx, r, "Too many links asked for from here; wait before trying again.") != 0)
        return;
    if (rs->web_sent != NULL) {
        rs->web_sent(ctx);
        return;
    }
    http_reply_json(ctx, 202, json_pack("{s:s, s:s}", "status", "accepted", "message",
        "If the address has an account, a message with a link is on its way."));
}

static void request_link(struct req_ctx *ctx, void (*web_sent)(struct req_ctx *ctx))
{
    struct invalid inv;
    const char *email, *purpose;
    if (json_require_string(ctx->body, "email", 1, 254, &email, &inv) != 0 ||
        json_require_enum(ctx->body, "purpose", purposes, &purpose, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    struct request_state *rs = xcalloc(1, sizeof(*rs));
    rs->web_sent = web_sent;
    ctx->state = rs;
    ctx->state_free = free;
    char *key = email_key(email);
    struct auth_keys keys;
    auth_keys_derive("link", key, ctx->client_addr, &keys);
    const char *params[] = { keys.addr, keys.email, key, purpose };
    db_pool_query(ctx->srv->pool,
        "SELECT api_mail_link_request(ARRAY[$1::bytea, $2::bytea], ARRAY[" LINK_MAX_PER_ADDRESS
        ", " LINK_MAX_PER_EMAIL "], interval '" LINK_WINDOW "', $3, $4)",
        4, params, requested_cb, ctx);
    free(key);
}

void api_auth_email_link(struct req_ctx *ctx)
{
    request_link(ctx, NULL);
}

void api_auth_email_link_web(struct req_ctx *ctx, void (*sent)(struct req_ctx *ctx))
{
    request_link(ctx, sent);
}

/* ---- what a link would do ---- */

void api_auth_link_get(struct req_ctx *ctx)
{
    char hash[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param(ctx->params[0], strlen(ctx->params[0]), hash);
    const char *params[] = { hash };
    api_query_json(ctx, "SELECT api_mail_link_get($1)", 1, params, 200);
}

/* ---- using it ---- */

static void used_cb(const struct db_result *r, void *arg)
{
    struct link_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    json_t *answer = api_row_json(ctx, r);
    if (answer == NULL)
        return;
    bool credential = strcmp(st->purpose, "signin") == 0 || strcmp(st->purpose, "reset") == 0;
    if (st->web_done != NULL) {
        st->web_done(ctx, st->purpose, answer, credential ? st->credential : NULL);
        json_decref(answer);
        return;
    }
    if (credential)
        answer = json_pack("{s:s, s:o, s:s}", "status", strcmp(st->purpose, "reset") == 0 ? "reset" : "signed_in",
            "person", answer, "token", st->credential);
    http_reply_json(ctx, 200, answer);
}

static void days_of(const struct req_ctx *ctx, char out[16])
{
    snprintf(out, 16, "%d", ctx->srv->cfg->token_days);
}

static void use_signin(struct link_state *st)
{
    char days[16];
    days_of(st->ctx, days);
    const char *params[] = { st->hash, st->credential_hash, days, st->web_done ? "true" : "false" };
    db_pool_query(st->ctx->srv->pool, "SELECT api_mail_link_signin($1, $2, $3, $4)", 4, params, used_cb, st);
}

static void reset_hashed_cb(enum hasher_outcome outcome, char *hash, void *arg)
{
    struct link_state *st = arg;
    if (outcome == HASHER_GONE) {
        api_auth_reply_gone(st->ctx);
        return;
    }
    if (outcome != HASHER_OK) {
        api_auth_reply_busy(st->ctx);
        return;
    }
    char days[16];
    days_of(st->ctx, days);
    const char *params[] = { st->hash, hash, st->credential_hash, days, st->web_done ? "true" : "false" };
    db_pool_query(st->ctx->srv->pool, "SELECT api_mail_link_reset($1, $2, $3, $4, $5)", 5, params, used_cb, st);
    sodium_memzero(hash, strlen(hash));
    free(hash);
}

/* The new password is checked before the link is spent, and hashed on the
 * background thread like a registration's. */
static void use_reset(struct link_state *st)
{
    struct invalid inv;
    const char *password;
    if (api_auth_check_password(st->ctx->body, &password, &inv) != 0) {
        api_reply_invalid(st->ctx, &inv);
        return;
    }
    struct hasher_job *job = api_auth_admit(st->ctx);
    if (job == NULL)
        return;
    if (hasher_hash(job, HASHER_NEW, password, reset_hashed_cb, st) != 0)
        api_auth_reply_busy(st->ctx);
}

static const char *const answers[] = { "accept", "decline", NULL };

/* An offer's link: the body says which answer ({"answer": "accept"} or
 * "decline"; the web page has a form for each). */
static void use_offer(struct link_state *st)
{
    struct invalid inv;
    const char *answer;
    if (json_require_enum(st->ctx->body, "answer", answers, &answer, &inv) != 0) {
        api_reply_invalid(st->ctx, &inv);
        return;
    }
    const char *params[] = { st->hash, answer };
    db_pool_query(st->ctx->srv->pool, "SELECT api_mail_link_offer($1, $2)", 2, params, used_cb, st);
}

static void looked_up_cb(const struct db_result *r, void *arg)
{
    struct link_state *st = arg;
    json_t *link = api_row_json(st->ctx, r);
    if (link == NULL)
        return;
    snprintf(st->purpose, sizeof(st->purpose), "%s", json_string_value(json_object_get(link, "purpose")));
    json_decref(link);
    const char *params[] = { st->hash };
    if (strcmp(st->purpose, "signin") == 0)
        use_signin(st);
    else if (strcmp(st->purpose, "reset") == 0)
        use_reset(st);
    else if (strcmp(st->purpose, "offer") == 0)
        use_offer(st);
    else if (strcmp(st->purpose, "verify") == 0)
        db_pool_query(st->ctx->srv->pool, "SELECT api_mail_link_verify($1)", 1, params, used_cb, st);
    else
        db_pool_query(st->ctx->srv->pool, "SELECT api_mail_link_unsubscribe($1)", 1, params, used_cb, st);
}

static void use_link(struct req_ctx *ctx, api_link_web_done web_done)
{
    struct link_state *st = xcalloc(1, sizeof(*st));
    st->ctx = ctx;
    st->web_done = web_done;
    ctx->state = st;
    ctx->state_free = link_state_free;
    token_hash_param(ctx->params[web_done ? 1 : 0], TOKEN_TEXT_LEN, st->hash);
    token_generate(st->credential);
    token_hash_param(st->credential, TOKEN_TEXT_LEN, st->credential_hash);
    const char *params[] = { st->hash };
    db_pool_query(ctx->srv->pool, "SELECT api_mail_link_get($1)", 1, params, looked_up_cb, st);
}

void api_auth_link_post(struct req_ctx *ctx)
{
    use_link(ctx, NULL);
}

void api_auth_link_post_web(struct req_ctx *ctx, api_link_web_done done)
{
    use_link(ctx, done);
}

/* The one-click unsubscribe of RFC 8058: a mail program POSTs
 * "List-Unsubscribe=One-Click" with no cookie, no Origin and no CSRF token;
 * the body says nothing the link does not, so it is not read. */
void api_mail_unsubscribe(struct req_ctx *ctx)
{
    char hash[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param(ctx->params[0], TOKEN_TEXT_LEN, hash);
    const char *params[] = { hash };
    api_query_json(ctx, "SELECT api_mail_link_unsubscribe($1)", 1, params, 200);
}
