/* SPDX-License-Identifier: Apache-2.0 */
/* Registration, login and logout. Passwords are hashed on the background
 * thread through the worker's bounded queue (hasher.h), never on the loop.
 *
 * The rule against guessing (README, docs/api.md): failed logins are
 * counted per email and client address pair, per address, per email and
 * per device, in PostgreSQL. An untrusted client is refused (429) when its
 * pair or its address is over the limit; the email's count only slows its
 * answers down, so nobody can lock an account; a client that shows a
 * device token this person got from a successful login is trusted and
 * only its own device count applies. Registration is throttled per
 * address and per email and answers the same whether or not the address
 * already has an account. */
#include "api-auth.h"

#include "api.h"
#include "auth-keys.h"
#include "email.h"
#include "hasher.h"
#include "log.h"
#include "principal.h"
#include "token.h"
#include "util.h"

#include <event2/bufferevent.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_BYTES 1024
#define LOGIN_WINDOW "15 minutes"
#define LOGIN_MAX_FAILURES_PER_PAIR "5"
#define LOGIN_MAX_FAILURES_PER_ADDRESS "20"
#define LOGIN_MAX_FAILURES_PER_DEVICE "5"
#define LOGIN_SLOW_AFTER 5       /* failures of an email before its answers slow down */
#define LOGIN_SLOW_FIRST_MS 250  /* then this, doubling with every failure */
#define LOGIN_SLOW_MAX_MS 5000   /* up to this */
#define REGISTER_WINDOW "1 hour"
#define REGISTER_MAX_PER_ADDRESS "20"
#define REGISTER_MAX_PER_EMAIL "5"
#define DEVICE_DAYS "180"
#define STATUS_CLIENT_GONE 499   /* logged and counted only: nobody reads it */

struct auth_state {
    struct req_ctx *ctx;
    struct hasher_job *job;     /* admitted, not yet queued; cancelled with the state */
    char *email;                /* registration: as stored (NFC) */
    char *email_key;            /* folded */
    char *password_hash;        /* login: the stored hash, NULL for no account */
    struct auth_keys keys;
    char token[TOKEN_TEXT_LEN + 1];
    char token_hash[TOKEN_HASH_PARAM_LEN + 1];
    char device[TOKEN_TEXT_LEN + 1];           /* login: the device token shown, "" for none */
    char device_hash[TOKEN_HASH_PARAM_LEN + 1];
    char device_key[TOKEN_HASH_PARAM_LEN + 1];
    char new_device[TOKEN_TEXT_LEN + 1];
    char new_device_hash[TOKEN_HASH_PARAM_LEN + 1];
    char person_id[37];
    char attempt_id[37];
    enum hasher_tier tier;
    api_auth_web_done web_done;             /* a web sign-in: a session, not a token */
    void (*web_registered)(struct req_ctx *ctx);
};

static void auth_state_free(void *p)
{
    struct auth_state *st = p;
    hasher_cancel(st->job);
    free(st->email);
    free(st->email_key);
    free(st->password_hash);
    sodium_memzero(st, sizeof(*st));
    free(st);
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

/* The client's socket, for the hasher to notice a client that has left. */
static int request_fd(struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    return bev ? bufferevent_getfd(bev) : -1;
}

static void add_retry_after(struct req_ctx *ctx, int seconds)
{
    char secs[16];
    snprintf(secs, sizeof(secs), "%d", seconds);
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Retry-After", secs);
}

void api_auth_reply_busy(struct req_ctx *ctx)
{
    add_retry_after(ctx, hasher_retry_after(ctx->srv->hasher));
    http_reply_error(ctx, 503, "busy", "The server is busy checking passwords; try again shortly.", NULL);
}

static void reply_too_many(struct req_ctx *ctx, int retry_after, const char *message)
{
    add_retry_after(ctx, retry_after);
    http_reply_error(ctx, 429, "too_many_attempts", message, NULL);
}

/* The answer of a throttle's statement (its first column: seconds to wait,
 * 0 when not throttled); -1 after replying its error or 429 with message. */
int api_auth_throttle_passed(struct req_ctx *ctx, const struct db_result *r, const char *message)
{
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return -1;
    }
    int retry_after = atoi(PQgetvalue(r->res, 0, 0));
    if (retry_after > 0) {
        reply_too_many(ctx, retry_after, message);
        return -1;
    }
    return 0;
}

/* Nobody is there to read it; the reply only frees the request. */
void api_auth_reply_gone(struct req_ctx *ctx)
{
    http_reply_error(ctx, STATUS_CLIENT_GONE, "client_gone", "The client closed the connection.", NULL);
}

struct hasher_job *api_auth_admit(struct req_ctx *ctx)
{
    char client[AUTH_CLIENT_LEN];
    auth_client(ctx->client_addr, client);
    struct hasher_job *job = hasher_admit(ctx->srv->hasher, client, request_fd(ctx->req));
    if (job == NULL)
        api_auth_reply_busy(ctx);
    return job;
}

/* A place in the hashing queue for this client; false when a reply (503)
 * has been sent, and with it st freed. */
static bool admit(struct auth_state *st)
{
    struct hasher_job *job = api_auth_admit(st->ctx);
    if (job == NULL)
        return false;
    st->job = job;
    return true;
}

int api_auth_check_password(json_t *body, const char **out, struct invalid *inv)
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

static const char *const mail_languages[] = { "fi", "sv", "en", NULL };

/* The optional "language" of the account's mail: fi, sv or en. */
static int check_language(json_t *body, struct invalid *inv)
{
    const char *lang;
    if (json_object_get(body, "language") == NULL || json_is_null(json_object_get(body, "language"))) {
        json_object_del(body, "language");
        return 0;
    }
    return json_require_enum(body, "language", mail_languages, &lang, inv);
}

static void register_done_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(st->ctx, r);
        return;
    }
    /* The same answer whether the account was made now or existed. */
    if (st->web_registered != NULL) {
        st->web_registered(st->ctx);
        return;
    }
    http_reply_json(st->ctx, 202, json_pack("{s:s, s:s}", "status", "accepted", "message",
        "If this address had no account, it has one now, and a message to confirm the address is on its "
        "way. Sign in with the address and the password."));
}

static void register_hashed_cb(enum hasher_outcome outcome, char *hash, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    if (outcome == HASHER_GONE) {
        api_auth_reply_gone(ctx);
        return;
    }
    if (outcome != HASHER_OK) { /* waited too long, or could not hash */
        api_auth_reply_busy(ctx);
        return;
    }
    const char *params[] = { st->email, st->email_key,
        json_string_value(json_object_get(ctx->body, "display_name")), hash,
        json_string_value(json_object_get(ctx->body, "language")) };
    db_pool_query(ctx->srv->pool, "SELECT api_register_create($1, $2, $3, $4, $5)", 5, params, register_done_cb,
        st);
    sodium_memzero(hash, strlen(hash));
    free(hash);
}

static void register_counted_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    if (api_auth_throttle_passed(ctx, r, "Too many registrations from here; wait before trying again.") != 0)
        return;
    struct hasher_job *job = st->job;
    st->job = NULL;
    const char *password = json_string_value(json_object_get(ctx->body, "password"));
    if (hasher_hash(job, HASHER_NEW, password, register_hashed_cb, st) != 0)
        api_auth_reply_busy(ctx);
}

static struct auth_state *register_start(struct req_ctx *ctx);

void api_auth_register(struct req_ctx *ctx)
{
    (void)register_start(ctx);
}

void api_auth_register_web(struct req_ctx *ctx, void (*registered)(struct req_ctx *ctx))
{
    struct auth_state *st = register_start(ctx);
    if (st != NULL)
        st->web_registered = registered;
}

/* Check the body and count the attempt; NULL when a reply has been sent.
 * The state (owned by ctx) is returned before its statement answers. */
static struct auth_state *register_start(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *email, *password, *name, *why;
    char *stored, *key;
    if (json_require_string(ctx->body, "email", 3, 254, &email, &inv) != 0 ||
        api_auth_check_password(ctx->body, &password, &inv) != 0 || json_display_name(ctx->body, true, &name, &inv) != 0 ||
        check_language(ctx->body, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return NULL;
    }
    if (email_identity(email, &stored, &key, &why) != 0) {
        inv = (struct invalid) { "email", why };
        api_reply_invalid(ctx, &inv);
        return NULL;
    }
    struct auth_state *st = auth_state_new(ctx);
    st->email = stored;
    st->email_key = key;
    auth_keys_derive("register", key, ctx->client_addr, &st->keys);
    if (!admit(st))
        return NULL;
    const char *params[] = { st->keys.addr, st->keys.email };
    db_pool_query(ctx->srv->pool,
        "SELECT api_register_begin(ARRAY[$1::bytea, $2::bytea], ARRAY[" REGISTER_MAX_PER_ADDRESS
        ", " REGISTER_MAX_PER_EMAIL "], interval '" REGISTER_WINDOW "')",
        2, params, register_counted_cb, st);
    return st;
}

/* ---- login ---- */

static void reply_bad_credentials(struct req_ctx *ctx)
{
    http_reply_error(ctx, 401, "invalid_credentials", "The email address or the password is wrong.", NULL);
}

static void login_finished_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    json_t *person = api_row_json(ctx, r);
    if (person == NULL)
        return;
    bool kept = PQgetvalue(r->res, 0, 1)[0] == 't';
    if (st->web_done != NULL) {
        st->web_done(ctx, person, st->token, kept ? st->device : st->new_device);
        json_decref(person);
        return;
    }
    http_reply_json(ctx, 200, json_pack("{s:o, s:s, s:s}", "person", person, "token", st->token,
        "device_token", kept ? st->device : st->new_device));
}

static void login_forgive(struct auth_state *st);

static void login_verified_cb(enum hasher_outcome outcome, char *hash, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    (void)hash;
    if (outcome == HASHER_GONE) {
        api_auth_reply_gone(ctx); /* the attempt stays counted */
        return;
    }
    if (outcome == HASHER_LATE) {
        login_forgive(st);
        return;
    }
    if (outcome != HASHER_OK) {
        reply_bad_credentials(ctx); /* the attempt is already counted */
        return;
    }
    char days[16];
    days_param(ctx, days, sizeof(days));
    token_generate(st->token);
    token_hash_param(st->token, TOKEN_TEXT_LEN, st->token_hash);
    token_generate(st->new_device);
    token_hash_param(st->new_device, TOKEN_TEXT_LEN, st->new_device_hash);
    const char *shown = st->device[0] ? st->device_hash : NULL;
    const char *shown_key = st->device[0] ? st->device_key : NULL;
    const char *params[] = { st->person_id, st->token_hash, days, st->attempt_id, st->keys.pair, shown,
        shown_key, st->new_device_hash, DEVICE_DAYS };
    db_pool_query(ctx->srv->pool,
        st->web_done != NULL ? "SELECT * FROM web_login_finish($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                             : "SELECT * FROM api_login_finish($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        9, params, login_finished_cb, st);
}

static void login_forgiven_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    (void)r;
    api_auth_reply_busy(st->ctx);
}

/* Turned away unchecked (503 busy): the attempt should not count as a failure. */
static void login_forgive(struct auth_state *st)
{
    const char *params[] = { st->attempt_id };
    db_pool_query(st->ctx->srv->pool, "DELETE FROM login_failures WHERE attempt_id = $1", 1, params,
        login_forgiven_cb, st);
}

static void login_queue(struct auth_state *st)
{
    struct req_ctx *ctx = st->ctx;
    struct hasher_job *job = st->job;
    st->job = NULL;
    const char *password = json_string_value(json_object_get(ctx->body, "password"));
    if (hasher_verify(job, st->tier, st->password_hash, password, login_verified_cb, st) != 0)
        login_forgive(st);
}

static void login_slowed_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    login_queue(arg);
}

/* How long an untrusted login for an email with this many recent failures
 * waits before its password is checked. */
static int slow_down_ms(int email_failures)
{
    if (email_failures < LOGIN_SLOW_AFTER)
        return 0;
    int steps = email_failures - LOGIN_SLOW_AFTER;
    if (steps >= 16)
        return LOGIN_SLOW_MAX_MS;
    long ms = (long)LOGIN_SLOW_FIRST_MS << steps;
    return ms > LOGIN_SLOW_MAX_MS ? LOGIN_SLOW_MAX_MS : (int)ms;
}

static void login_begun_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;
    if (api_auth_throttle_passed(ctx, r, "Too many failed logins; wait before trying again.") != 0)
        return;
    if (!PQgetisnull(r->res, 0, 2))
        st->password_hash = xstrdup(PQgetvalue(r->res, 0, 2));
    snprintf(st->person_id, sizeof(st->person_id), "%s", PQgetvalue(r->res, 0, 1));
    snprintf(st->attempt_id, sizeof(st->attempt_id), "%s", PQgetvalue(r->res, 0, 3));
    bool trusted = PQgetvalue(r->res, 0, 4)[0] == 't';
    bool clean = PQgetvalue(r->res, 0, 5)[0] == 't';
    st->tier = trusted ? HASHER_TRUSTED : clean ? HASHER_CLEAN : HASHER_SUSPECT;
    int wait_ms = trusted ? 0 : slow_down_ms(atoi(PQgetvalue(r->res, 0, 6)));
    if (wait_ms == 0) {
        login_queue(st);
        return;
    }
    struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
    if (event_base_once(ctx->srv->base, -1, EV_TIMEOUT, login_slowed_cb, st, &tv) != 0)
        fatalx("cannot add a timer");
}

/* The device token shown, if it looks like one of ours; anything else is
 * as if none was shown. */
static void use_device(struct auth_state *st, const char *device)
{
    if (device != NULL && token_well_formed(device, strlen(device))) {
        snprintf(st->device, sizeof(st->device), "%s", device);
        token_hash_param(device, TOKEN_TEXT_LEN, st->device_hash);
        token_key_hash_param("device", device, st->device_key);
    }
}

static int read_device(struct auth_state *st, struct invalid *inv)
{
    const char *device;
    if (json_optional_string(st->ctx->body, "device_token", 0, 256, &device, inv) != 0)
        return -1;
    use_device(st, device);
    return 0;
}

static void login_start(struct auth_state *st);

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
    if (read_device(st, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    login_start(st);
}

void api_auth_login_web(struct req_ctx *ctx, const char *device, api_auth_web_done done)
{
    struct invalid inv;
    const char *email, *password;
    if (json_require_string(ctx->body, "email", 1, 254, &email, &inv) != 0 ||
        json_require_string(ctx->body, "password", 0, PASSWORD_MAX_BYTES, &password, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    struct auth_state *st = auth_state_new(ctx);
    st->web_done = done;
    use_device(st, device);
    login_start(st);
}

/* Step 1 of every login, with the body checked and the device read. */
static void login_start(struct auth_state *st)
{
    struct req_ctx *ctx = st->ctx;
    const char *email = json_string_value(json_object_get(ctx->body, "email"));
    st->email_key = email_key(email);
    auth_keys_derive("login", st->email_key, ctx->client_addr, &st->keys);
    if (!admit(st))
        return;
    const char *device = st->device[0] ? st->device_hash : NULL;
    const char *device_key = st->device[0] ? st->device_key : NULL;
    const char *params[] = { st->email_key, st->keys.pair, st->keys.addr, st->keys.email, device, device_key };
    db_pool_query(ctx->srv->pool,
        "SELECT * FROM api_login_begin($1, $2, $3, $4, $5, $6, ARRAY[" LOGIN_MAX_FAILURES_PER_PAIR
        ", " LOGIN_MAX_FAILURES_PER_ADDRESS ", " LOGIN_MAX_FAILURES_PER_DEVICE "], interval '" LOGIN_WINDOW "')",
        6, params, login_begun_cb, st);
}

/* ---- logout ---- */

void api_auth_logout(struct req_ctx *ctx)
{
    const char *params[] = { ctx->token_hash };
    api_query_empty(ctx,
        "WITH t AS (DELETE FROM auth_tokens WHERE token_hash = $1) DELETE FROM web_sessions WHERE token_hash = $1",
        1, params);
}
