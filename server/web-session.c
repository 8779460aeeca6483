/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in and out of the web client: cookies and redirects around the
 * API's login and registration (web-session.h). */
#include "web-session.h"

#include "api.h"
#include "config.h"
#include "dispatch.h"
#include "principal.h"
#include "util.h"
#include "web.h"

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
    web_see_other(ctx, to);
    free(to);
}

/* Where the person goes once signed in: the form's (or the query's) next
 * when it is a path of this site's pages (web_next_path_ok), else my page.
 * Borrowed from the request, or NULL for my page. */
static const char *next_path(struct req_ctx *ctx)
{
    const char *next = ctx->body ? json_string_value(json_object_get(ctx->body, "next")) : NULL;
    if (next == NULL)
        next = http_query_param(ctx, "next");
    return web_next_path_ok(next) ? next : NULL;
}

/* 303 to next, or to my page. */
static void see_next(struct req_ctx *ctx)
{
    const char *next = next_path(ctx);
    if (next == NULL) {
        see_other(ctx, "me");
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", next);
    web_add_headers(ctx);
    http_reply_empty(ctx, 303);
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
    see_next(ctx);
}

void web_session_start(struct req_ctx *ctx, const char *session)
{
    set_cookie(ctx, principal_cookie_name(ctx->srv->cfg->public_url), session, ctx->srv->cfg->token_days);
    see_next(ctx);
}

/* ---- the forms and their errors ---- */

#define FORM_MAX_ERRORS 3

struct form_error {
    const char *field; /* the input's id */
    const char *key;   /* its message in the catalogs */
};

/* The form page tpl again (status), with what the person typed (never the
 * password) and the errors beside their fields and in the summary. */
static void reply_form(struct req_ctx *ctx, int status, const char *tpl, const struct form_error *errors, int n)
{
    const char *lang = web_request_lang(ctx);
    static const char *const echoed[] = { "email", "display_name" };
    json_t *view = json_pack("{s:s, s:b}", "title", web_t(lang, strcmp(tpl, "signin") == 0 ? "signin_title"
                                                                                       : "register_title"),
        "has_errors", n > 0);
    json_t *list = json_array();
    for (size_t i = 0; i < ARRAY_LEN(echoed); i++) {
        const char *v = ctx->body ? json_string_value(json_object_get(ctx->body, echoed[i])) : NULL;
        if (v != NULL)
            json_object_set_new(view, echoed[i], json_string(v));
    }
    for (int i = 0; i < n; i++) {
        char name[48];
        const char *text = web_t(lang, errors[i].key);
        snprintf(name, sizeof(name), "%s_error", errors[i].field);
        json_object_set_new(view, name, json_string(text));
        json_array_append_new(list, json_pack("{s:s, s:s}", "field", errors[i].field, "text", text));
    }
    json_object_set_new(view, "errors", list);
    const char *notice = http_query_param(ctx, "registered");
    json_object_set_new(view, "registered", json_boolean(notice != NULL && strcmp(notice, "1") == 0));
    const char *next = next_path(ctx);
    if (next != NULL)
        json_object_set_new(view, "next", json_string(next));
    web_reply_page(ctx, status, lang, tpl, view);
}

/* The field a validation message of the API names ("password must ..."). */
static const char *field_of(const char *message)
{
    static const char *const fields[] = { "email", "password", "display_name" };
    for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
        size_t n = strlen(fields[i]);
        if (strncmp(message, fields[i], n) == 0 && (message[n] == ' ' || message[n] == ':'))
            return fields[i];
    }
    return "email";
}

/* The API's refusal as the form's error; false for what is no fault of the
 * form (the error page then). */
static bool form_error_of(const char *code, const char *message, struct form_error *e)
{
    if (strcmp(code, "invalid_credentials") == 0)
        *e = (struct form_error) { "password", "err_invalid_credentials" };
    else if (strcmp(code, "too_many_attempts") == 0)
        *e = (struct form_error) { "email", "err_too_many_attempts" };
    else if (strcmp(code, "busy") == 0)
        *e = (struct form_error) { "email", "err_busy" };
    else if (strcmp(code, "invalid") == 0) {
        const char *field = field_of(message);
        *e = (struct form_error) { field,
            strcmp(field, "email") == 0          ? "err_email_invalid"
                : strcmp(field, "password") == 0 ? "err_password_short"
                                                 : "err_field_invalid" };
    } else
        return false;
    return true;
}

static void form_error_reply(struct req_ctx *ctx, const char *tpl, int status, const char *code,
    const char *message)
{
    struct form_error e;
    if (form_error_of(code, message, &e))
        reply_form(ctx, status, tpl, &e, 1);
    else
        web_dispatch_html.error_reply(ctx, status, code, message);
}

static void signin_error_reply(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    form_error_reply(ctx, "signin", status, code, message);
}

static void register_error_reply(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    form_error_reply(ctx, "register", status, code, message);
}

/* Is the form's field there and not empty? */
static bool filled(const struct req_ctx *ctx, const char *name)
{
    const char *v = json_string_value(json_object_get(ctx->body, name));
    return v != NULL && v[0] != '\0';
}

/* A signed-in person asking for a sign-in form goes to their page. */
static bool already_in(struct req_ctx *ctx)
{
    if (ctx->principal == NULL)
        return false;
    see_next(ctx);
    return true;
}

void web_session_signin_page(struct req_ctx *ctx)
{
    if (!already_in(ctx))
        reply_form(ctx, 200, "signin", NULL, 0);
}

void web_session_register_page(struct req_ctx *ctx)
{
    if (!already_in(ctx))
        reply_form(ctx, 200, "register", NULL, 0);
}

void web_session_signin(struct req_ctx *ctx)
{
    struct form_error errors[FORM_MAX_ERRORS];
    int n = 0;
    if (!filled(ctx, "email"))
        errors[n++] = (struct form_error) { "email", "err_email_required" };
    if (!filled(ctx, "password"))
        errors[n++] = (struct form_error) { "password", "err_password_required" };
    if (n > 0) {
        reply_form(ctx, 422, "signin", errors, n);
        return;
    }
    ctx->error_reply = signin_error_reply;
    char *device = device_shown(ctx);
    api_auth_login_web(ctx, device, signed_in);
    free(device);
}

/* On to the sign-in form, with the page the person came for (next). */
static void registered(struct req_ctx *ctx)
{
    const char *next = next_path(ctx);
    char *rest = next ? xasprintf("signin?registered=1&next=%s", next) : xstrdup("signin?registered=1");
    see_other(ctx, rest);
    free(rest);
}

void web_session_register(struct req_ctx *ctx)
{
    struct form_error errors[FORM_MAX_ERRORS];
    int n = 0;
    if (!filled(ctx, "display_name"))
        errors[n++] = (struct form_error) { "display_name", "err_display_name_required" };
    if (!filled(ctx, "email"))
        errors[n++] = (struct form_error) { "email", "err_email_required" };
    if (!filled(ctx, "password"))
        errors[n++] = (struct form_error) { "password", "err_password_required" };
    if (n > 0) {
        reply_form(ctx, 422, "register", errors, n);
        return;
    }
    /* The account's mail comes in the language it registered in. */
    json_object_set_new(ctx->body, "language", json_string(ctx->params[0]));
    ctx->error_reply = register_error_reply;
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
