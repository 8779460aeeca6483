/* SPDX-License-Identifier: Apache-2.0 */
/* Links by email in the web client (docs/web.md): the forms that ask for a
 * sign-in link, a password reset or the verification again; the page a
 * link opens, which says what the link would do and does it only when its
 * form is sent (mail scanners open links); and a person's mail
 * preferences. The steps are the API's (api-auth-links.c, api-me-mail.c);
 * a sign-in or reset ends in a session cookie (web-session.h). */
#include "web.h"

#include "api.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "principal.h"
#include "token.h"
#include "util.h"
#include "web-session.h"

#include <event2/http.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The messages a person may turn off, in the order the page shows them
 * (mail_optional_kinds() in SQL). */
static const char *const optional_kinds[] = { "signup_confirmed", "signup_waitlisted",
    "signup_promoted", "session_cancelled", "session_moved", NULL };

static const char *const languages[] = { "fi", "sv", "en", NULL };

static const char *form_value(const struct req_ctx *ctx, const char *name)
{
    return ctx->body ? json_string_value(json_object_get(ctx->body, name)) : NULL;
}

/* ---- asking for a link ---- */

/* "signin", "reset" or "verify", from the form or the query; signin when
 * it is none of them. */
static const char *purpose_of(struct req_ctx *ctx)
{
    const char *p = form_value(ctx, "purpose");
    if (p == NULL)
        p = http_query_param(ctx, "purpose");
    if (p != NULL && (strcmp(p, "reset") == 0 || strcmp(p, "verify") == 0))
        return p;
    return "signin";
}

static void reply_email_form(struct req_ctx *ctx, int status, bool sent, const char *error_key)
{
    const char *lang = ctx->params[0], *purpose = purpose_of(ctx);
    char title[40], intro[40];
    snprintf(title, sizeof(title), "email_link_%s_title", purpose);
    snprintf(intro, sizeof(intro), "email_link_%s_intro", purpose);
    json_t *view = json_pack("{s:s, s:s, s:s, s:b, s:b}", "title",
        web_t(lang, sent ? "email_link_sent_title" : title), "intro", web_t(lang, intro), "purpose",
        purpose, "sent", sent, "has_errors", error_key != NULL);
    const char *email = form_value(ctx, "email");
    if (email != NULL && !sent)
        json_object_set_new(view, "email", json_string(email));
    json_t *errors = json_array();
    if (error_key != NULL) {
        json_object_set_new(view, "email_error", json_string(web_t(lang, error_key)));
        json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "email", "text", web_t(lang, error_key)));
    }
    json_object_set_new(view, "errors", errors);
    web_reply_page(ctx, status, lang, "email-link", view);
}

void web_email_link_page(struct req_ctx *ctx)
{
    reply_email_form(ctx, 200, false, NULL);
}

static void email_link_sent(struct req_ctx *ctx)
{
    reply_email_form(ctx, 200, true, NULL);
}

static void email_link_error(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    (void)message;
    if (strcmp(code, "too_many_attempts") == 0)
        reply_email_form(ctx, status, false, "err_too_many_attempts");
    else if (strcmp(code, "invalid") == 0)
        reply_email_form(ctx, status, false, "err_email_invalid");
    else
        web_dispatch_html.error_reply(ctx, status, code, message);
}

void web_email_link(struct req_ctx *ctx)
{
    const char *email = form_value(ctx, "email");
    if (email == NULL || email[0] == '\0') {
        reply_email_form(ctx, 422, false, "err_email_required");
        return;
    }
    json_object_set_new(ctx->body, "purpose", json_string(purpose_of(ctx)));
    ctx->error_reply = email_link_error;
    api_auth_email_link_web(ctx, email_link_sent);
}

/* ---- the page a link opens ---- */

/* The link page: what the link does (purpose, with kind for an
 * unsubscribe), or gone, or done ("verified", "unsubscribed"). */
static void reply_link(struct req_ctx *ctx, int status, const char *state, const char *kind,
    const char *password_error)
{
    const char *lang = ctx->params[0];
    char title[40];
    snprintf(title, sizeof(title), "link_%s_title", state);
    json_t *view = json_pack("{s:s, s:s, s:b, s:b}", "title", web_t(lang, title), "token", ctx->params[1],
        state, true, "has_errors", password_error != NULL);
    if (kind != NULL) {
        char kind_key[48];
        snprintf(kind_key, sizeof(kind_key), "mail_kind_%s", kind);
        json_object_set_new(view, "kind_label", json_string(web_t(lang, kind_key)));
    }
    json_t *errors = json_array();
    if (password_error != NULL) {
        json_object_set_new(view, "password_error", json_string(web_t(lang, password_error)));
        json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "password", "text", web_t(lang, password_error)));
    }
    json_object_set_new(view, "errors", errors);
    web_reply_page(ctx, status, lang, "link", view);
}

static void link_looked_up_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status == DB_ERROR && strcmp(r->sqlstate, "PI410") == 0) {
        reply_link(ctx, 410, "gone", NULL, NULL);
        return;
    }
    json_t *link = api_row_json(ctx, r);
    if (link == NULL)
        return;
    const char *purpose = json_string_value(json_object_get(link, "purpose"));
    reply_link(ctx, 200, purpose, json_string_value(json_object_get(link, "kind")), NULL);
    json_decref(link);
}

void web_link_page(struct req_ctx *ctx)
{
    char hash[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param(ctx->params[1], TOKEN_TEXT_LEN, hash);
    const char *params[] = { hash };
    db_pool_query(ctx->srv->pool, "SELECT api_mail_link_get($1)", 1, params, link_looked_up_cb, ctx);
}

static void link_used(struct req_ctx *ctx, const char *purpose, json_t *answer, const char *session)
{
    if (session != NULL) {
        web_session_start(ctx, session);
        return;
    }
    bool unsubscribed = strcmp(purpose, "unsubscribe") == 0;
    reply_link(ctx, 200, unsubscribed ? "unsubscribed" : "verified",
        unsubscribed ? json_string_value(json_object_get(answer, "kind")) : NULL, NULL);
}

static void link_error(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    if (strcmp(code, "link_gone") == 0)
        reply_link(ctx, 410, "gone", NULL, NULL);
    else if (strcmp(code, "invalid") == 0) /* the new password */
        reply_link(ctx, 422, "reset", NULL,
            form_value(ctx, "password") && form_value(ctx, "password")[0] ? "err_password_short"
                                                                          : "err_password_required");
    else
        web_dispatch_html.error_reply(ctx, status, code, message);
}

void web_link(struct req_ctx *ctx)
{
    ctx->error_reply = link_error;
    api_auth_link_post_web(ctx, link_used);
}

/* ---- mail preferences ---- */

static json_t *kinds_view(const json_t *prefs, const char *lang)
{
    json_t *list = json_array();
    json_t *messages = json_object_get(prefs, "messages");
    for (size_t i = 0; optional_kinds[i] != NULL; i++) {
        char key[48];
        snprintf(key, sizeof(key), "mail_kind_%s", optional_kinds[i]);
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "kind", optional_kinds[i], "label",
            web_t(lang, key), "on", json_is_true(json_object_get(messages, optional_kinds[i]))));
    }
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "kind", "reminders", "label",
        web_t(lang, "mail_kind_session_reminder"), "on", json_is_true(json_object_get(prefs, "reminders"))));
    return list;
}

static json_t *languages_view(const json_t *prefs, const char *lang)
{
    json_t *list = json_array();
    const char *mine = json_string_value(json_object_get(prefs, "language"));
    static const char *const names[] = { "suomi", "svenska", "English" };
    (void)lang;
    for (size_t i = 0; languages[i] != NULL; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", languages[i], "name", names[i],
            "checked", mine != NULL && strcmp(mine, languages[i]) == 0));
    return list;
}

static void prefs_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *prefs = api_row_json(ctx, r);
    if (prefs == NULL)
        return;
    const char *lang = ctx->params[0], *saved = http_query_param(ctx, "saved");
    json_t *view = json_pack("{s:s, s:b, s:b, s:o, s:o}", "title", web_t(lang, "mail_prefs_title"),
        "email_verified", json_is_true(json_object_get(prefs, "email_verified")), "saved",
        saved != NULL && strcmp(saved, "1") == 0, "kinds", kinds_view(prefs, lang), "languages",
        languages_view(prefs, lang));
    json_object_set(view, "email", json_object_get(prefs, "email"));
    json_decref(prefs);
    web_reply_page(ctx, 200, lang, "mail-prefs", view);
}

void web_mail_prefs(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_me_mail($1)", 1, params, prefs_cb, ctx);
}

static void prefs_saved_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    char *to = xasprintf("/%s/me/mail?saved=1", ctx->params[0]);
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", to);
    free(to);
    web_add_headers(ctx);
    http_reply_empty(ctx, 303);
}

/* The form sends every box that is ticked: one not sent is off. */
void web_mail_prefs_save(struct req_ctx *ctx)
{
    json_t *change = json_pack("{s:b, s:o}", "reminders", form_value(ctx, "reminders") != NULL, "messages",
        json_object());
    const char *language = form_value(ctx, "language");
    for (size_t i = 0; language != NULL && languages[i] != NULL; i++) {
        if (strcmp(language, languages[i]) == 0)
            json_object_set_new(change, "language", json_string(language));
    }
    json_t *messages = json_object_get(change, "messages");
    for (size_t i = 0; optional_kinds[i] != NULL; i++)
        json_object_set_new(messages, optional_kinds[i], json_boolean(form_value(ctx, optional_kinds[i]) != NULL));
    char *text = json_dumps(change, JSON_COMPACT);
    json_decref(change);
    if (text == NULL)
        fatalx("out of memory");
    const char *params[] = { ctx->principal->person_id, text };
    db_pool_query(ctx->srv->pool, "SELECT api_me_mail_update($1, $2)", 2, params, prefs_saved_cb, ctx);
    free(text);
}
