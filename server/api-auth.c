/* SPDX-License-Identifier: Apache-2.0 */
/* Registration, login (throttled per email and per client address) and
 * logout. Passwords are hashed on the background thread, never on the loop. */
#include "api.h"
#include "hasher.h"
#include "principal.h"
#include "token.h"
#include "util.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_BYTES 1024
#define LOGIN_WINDOW "15 minutes"
#define LOGIN_MAX_FAILURES_PER_EMAIL "5"
#define LOGIN_MAX_FAILURES_PER_ADDRESS "20"

struct auth_state {
    struct req_ctx *ctx;
    char token[TOKEN_TEXT_LEN + 1];
    char token_hash[TOKEN_HASH_PARAM_LEN + 1];
    char email_key[TOKEN_HASH_PARAM_LEN + 1];
    char addr_key[TOKEN_HASH_PARAM_LEN + 1];
    char person_id[37];
    char attempt_id[37];
};

static void auth_state_free(void *p)
{
    sodium_memzero(p, sizeof(struct auth_state));
    free(p);
}

static struct auth_state *auth_state_new(struct req_ctx *ctx)
{
    struct auth_state *st = xcalloc(1, sizeof(*st));
    st->ctx = ctx;
    ctx->state = st;
    ctx->state_free = auth_state_free;
    return st;
}

static void days_param(struct req_ctx *ctx, char *buf, size_t len)
{
    snprintf(buf, len, "%d", ctx->srv->cfg->token_days);
}

/* {"person": <person JSON from the database>, "token": "..."} */
static void reply_person_token(struct req_ctx *ctx, const struct db_result *r, int status, const char *token)
{
    json_error_t err;
    json_t *person = json_loads(PQgetvalue(r->res, 0, 0), 0, &err);
    if (person == NULL) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    http_reply_json(ctx, status, json_pack("{s:o, s:s}", "person", person, "token", token));
}

static int check_password(json_t *body, const char **out, struct invalid *inv)
{
    json_t *v = json_object_get(body, "password");
    inv->field = "password";
    if (!json_is_string(v)) {
        inv->message = v == NULL ? "is required" : "must be a string";
        return -1;
    }
    *out = json_string_value(v);
    if (utf8_chars(*out) < PASSWORD_MIN_CHARS) {
        inv->message = "must have at least 8 characters";
        return -1;
    }
    if (strlen(*out) > PASSWORD_MAX_BYTES) {
        inv->message = "is too long";
        return -1;
    }
    return 0;
}

/* ---- register ---- */

static void register_done_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(st->ctx, r);
        return;
    }
    reply_person_token(st->ctx, r, 201, st->token);
}

static void register_hashed_cb(int ok, char *hash, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    char days[16];
    if (!ok) {
        http_reply_error(ctx, 503, "busy", "The server is too busy to hash a password; try again.", NULL);
        return;
    }
    token_generate(st->token);
    token_hash_param(st->token, TOKEN_TEXT_LEN, st->token_hash);
    days_param(ctx, days, sizeof(days));
    const char *params[] = { json_string_value(json_object_get(ctx->body, "email")),
        json_string_value(json_object_get(ctx->body, "display_name")), hash, st->token_hash, days };
    db_pool_query(ctx->srv->pool, "SELECT api_register($1, $2, $3, $4, $5)", 5, params, register_done_cb, st);
    free(hash);
}

void api_auth_register(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *email, *password, *name;
    if (json_require_string(ctx->body, "email", 3, 254, &email, &inv) != 0 ||
        check_password(ctx->body, &password, &inv) != 0 ||
        json_require_string(ctx->body, "display_name", 1, 100, &name, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (!valid_email(email)) {
        inv = (struct invalid) { "email", "is not a valid email address" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    hasher_hash(ctx->srv->background, password, register_hashed_cb, auth_state_new(ctx));
}

/* ---- login ---- */

static void reply_bad_credentials(struct req_ctx *ctx)
{
    http_reply_error(ctx, 401, "invalid_credentials", "The email address or the password is wrong.", NULL);
}

static void login_success_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(st->ctx, r);
        return;
    }
    reply_person_token(st->ctx, r, 200, st->token);
}

static void login_verified_cb(int ok, char *hash, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    (void)hash;
    if (!ok) {
        reply_bad_credentials(ctx); /* the attempt is already counted */
        return;
    }
    char days[16];
    days_param(ctx, days, sizeof(days));
    token_generate(st->token);
    token_hash_param(st->token, TOKEN_TEXT_LEN, st->token_hash);
    const char *params[] = { st->person_id, st->token_hash, days, st->email_key, st->attempt_id };
    db_pool_query(ctx->srv->pool, "SELECT api_login_success($1, $2, $3, $4, $5)", 5, params, login_success_cb,
        st);
}

static void login_looked_up_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    int retry_after = atoi(PQgetvalue(r->res, 0, 0));
    if (retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof(secs), "%d", retry_after);
        evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Retry-After", secs);
        http_reply_error(ctx, 429, "too_many_attempts", "Too many failed logins; wait before trying again.",
            NULL);
        return;
    }
    const char *hash = PQgetisnull(r->res, 0, 2) ? NULL : PQgetvalue(r->res, 0, 2);
    snprintf(st->person_id, sizeof(st->person_id), "%s", PQgetvalue(r->res, 0, 1));
    snprintf(st->attempt_id, sizeof(st->attempt_id), "%s", PQgetvalue(r->res, 0, 3));
    const char *password = json_string_value(json_object_get(ctx->body, "password"));
    hasher_verify(ctx->srv->background, hash, password, login_verified_cb, st);
}

void api_auth_login(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *email, *password;
    if (json_require_string(ctx->body, "email", 1, 254, &email, &inv) != 0 ||
        json_require_string(ctx->body, "password", 0, PASSWORD_MAX_BYTES, &password, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    struct auth_state *st = auth_state_new(ctx);
    char *lower = xstrdup(email);
    for (char *c = lower; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    token_key_hash_param("email", lower, st->email_key);
    token_key_hash_param("addr", ctx->client_addr, st->addr_key);
    free(lower);
    const char *params[] = { email, st->email_key, st->addr_key };
    db_pool_query(ctx->srv->pool,
        "SELECT * FROM api_login_attempt($1, ARRAY[$2::bytea, $3::bytea], ARRAY[" LOGIN_MAX_FAILURES_PER_EMAIL
        ", " LOGIN_MAX_FAILURES_PER_ADDRESS "], interval '" LOGIN_WINDOW "')",
        3, params, login_looked_up_cb, st);
}

/* ---- logout ---- */

void api_auth_logout(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->token_hash };
    api_query_empty(ctx, "DELETE FROM auth_tokens WHERE token_hash = $1", 1, params);
}
