/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in and out of the web client: cookies and redirects around the
 * API's login and registration (web-session.h). */
#include "web-session.h"

#include "api.h"
#include "config.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The browser's device token (api-auth.c: a device that signed in before
 * is not locked out by others' failures), kept like a device_token. */
#define DEVICE_COOKIE "piiri_device"
#define DEVICE_COOKIE_HOST "__Host-piiri_device"
#define DEVICE_DAYS 180

static bool https(const struct req_ctx *ctx)
{
    return strncasecmp(ctx->srv->cfg->public_url, "https://", 8) == 0;
}

/* Set-Cookie for name=value (value "" and days 0: delete it). */
static void set_cookie(struct req_ctx *ctx, const char *name, const char *value, int days)
{
    char *c = xasprintf("%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s", name, value,
        (long)days * 86400L, https(ctx) ? "; Secure" : "");
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Set-Cookie", c);
    free(c);
}

/* 303 to /{lang}/rest: the language the form was sent in. */
static void see_other(struct req_ctx *ctx, const char *rest)
{
    char *to = xasprintf("/%s/%s", ctx->params[0], rest);
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", to);
    free(to);
    http_reply_empty(ctx, 303);
}

int web_session_lang_check(struct req_ctx *ctx)
{
    static const char *const langs[] = { "fi", "sv", "en" };
    for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
        if (strcmp(ctx->params[0], langs[i]) == 0)
            return 0;
    }
    api_reply_not_found(ctx);
    return -1;
}

static const char *device_cookie_name(const struct req_ctx *ctx)
{
    return https(ctx) ? DEVICE_COOKIE_HOST : DEVICE_COOKIE;
}

/* The device cookie's value (new), or NULL. */
static char *device_shown(struct req_ctx *ctx)
{
    size_t len;
    const char *header = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Cookie");
    const char *v = principal_cookie_value(header, device_cookie_name(ctx), &len);
    return v != NULL ? xstrndup(v, len) : NULL;
}

static void signed_in(struct req_ctx *ctx, json_t *person, const char *session, const char *device)
{
    (void)person;
    set_cookie(ctx, principal_cookie_name(ctx->srv->cfg->public_url), session, ctx->srv->cfg->token_days);
    set_cookie(ctx, device_cookie_name(ctx), device, DEVICE_DAYS);
    see_other(ctx, "me");
}

void web_session_signin(struct req_ctx *ctx)
{
    char *device = device_shown(ctx);
    api_auth_login_web(ctx, device, signed_in);
    free(device);
}

static void registered(struct req_ctx *ctx)
{
    see_other(ctx, "signin?registered=1");
}

void web_session_register(struct req_ctx *ctx)
{
    api_auth_register_web(ctx, registered);
}

static void signed_out_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    set_cookie(ctx, principal_cookie_name(ctx->srv->cfg->public_url), "", 0);
    see_other(ctx, "");
}

void web_session_signout(struct req_ctx *ctx)
{
    const char *params[] = { ctx->token_hash };
    db_pool_query(ctx->srv->pool, "DELETE FROM web_sessions WHERE token_hash = $1", 1, params, signed_out_cb, ctx);
}
