/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's signups (the routes' authz lets only the org's
 * coordinators and site admins in): a session's or a series' signups, the
 * confirmed and offered ones and then the waitlist in line order, with
 * party sizes, who signed up on someone's behalf, notes and offers'
 * deadlines; and what a coordinator does there, through the API's own SQL:
 * confirming a waitlisted signup by hand (api_signup_confirm: a party that
 * does not fit is a 409 page saying so), signing up someone who phoned in
 * (api_signup_on_behalf) and cancelling a signup with a confirmation step
 * (api_signup_cancel, which promotes the waitlist). No name goes into an
 * address or a title. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "principal.h"
#include "util.h"
#include "validate.h"
#include "web-coord-sessions.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTY_MAX 12
#define NOTE_MAX_CHARS 500

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    if (text != NULL)
        json_object_set_new(view, key, json_string(text));
    free(text);
}

/* One signup of the list, with its actions. */
static json_t *signup_view(const json_t *x, const char *lang)
{
    const char *id = str(x, "id") ?: "", *status = str(x, "status") ?: "";
    const char *name = str(x, "display_name"), *note = str(x, "note"), *by = str(x, "signed_up_by_name");
    json_t *v = json_pack("{s:s, s:s, s:b, s:b}", "id", id, "name", name ? name : web_t(lang, "mu_no_name"),
        "on_behalf", json_is_true(json_object_get(x, "on_behalf")), "waitlisted", strcmp(status, "waitlisted") == 0);
    set_text(v, "party_text", web_party_words(x, lang));
    if (note != NULL && note[0] != '\0')
        json_object_set_new(v, "note", json_string(note));
    if (json_is_true(json_object_get(x, "on_behalf")))
        set_text(v, "by_text", xasprintf("%s%s%s", web_t(lang, "mu_by"), by ? " " : "", by ? by : ""));
    const char *expires = str(x, "offer_expires_local");
    struct web_wall w;
    if (strcmp(status, "offered") == 0 && expires != NULL && web_wall_parse(expires, &w) == 0) {
        char day[40], time[16], when[64];
        web_format_day(lang, &w, day, sizeof(day));
        web_format_time(lang, w.hour, w.minute, false, time, sizeof(time));
        snprintf(when, sizeof(when), "%s %s", day, time);
        set_text(v, "offer_text", xasprintf("%s %s", web_t(lang, "mu_offer_until"), when));
    }
    if (json_is_true(json_object_get(x, "consent")) || json_is_object(json_object_get(x, "consent")))
        json_object_set_new(v, "consented", json_true());
    set_text(v, "confirm_action", xasprintf("/%s/manage/signups/%s/confirm", lang, id));
    set_text(v, "cancel_href", xasprintf("/%s/manage/signups/%s/cancel", lang, id));
    return v;
}

/* ---- the list and the on-behalf form ---- */

struct signups_page {
    struct req_ctx *ctx;
    bool session;  /* the path's id is a session's */
    int status;
    json_t *errs;
};

static void signups_page_free(void *p)
{
    struct signups_page *sp = p;
    json_decref(sp->errs);
    free(sp);
}

static struct signups_page *signups_page_new(struct req_ctx *ctx, bool session)
{
    struct signups_page *sp = xcalloc(1, sizeof(*sp));
    sp->ctx = ctx;
    sp->session = session;
    sp->status = 200;
    sp->errs = json_array();
    ctx->state = sp;
    ctx->state_free = signups_page_free;
    return sp;
}

static const char *sent_or(const struct signups_page *sp, const char *name, const char *fallback)
{
    const char *v = sp->ctx->method == ROUTER_POST ? web_ms_sent(sp->ctx, name) : NULL;
    return v != NULL ? v : fallback;
}

/* The on-behalf form's fields. */
static json_t *on_behalf_fields(const struct signups_page *sp, const json_t *page, const char *lang)
{
    json_t *fields = json_array();
    json_array_append_new(fields, web_ms_field("display_name", "text", "mu_name_label", "mu_name_hint",
                                      sent_or(sp, "display_name", ""), sp->errs, lang));
    json_array_append_new(fields, web_ms_field("adults", "number", "mu_adults_label", NULL,
                                      sent_or(sp, "adults", "1"), sp->errs, lang));
    json_array_append_new(fields, web_ms_field("children", "number", "mu_children_label", NULL,
                                      sent_or(sp, "children", "0"), sp->errs, lang));
    json_array_append_new(fields, web_ms_field("note", "textarea", "mu_note_label", "mu_note_hint",
                                      sent_or(sp, "note", ""), sp->errs, lang));
    return fields;
}

static json_t *signups_view(struct signups_page *sp, const json_t *page)
{
    struct req_ctx *ctx = sp->ctx;
    const char *lang = ctx->params[0], *id = ctx->params[1];
    const json_t *g = json_object_get(page, "group"), *s = json_object_get(page, "session");
    const char *gid = str(g, "id") ?: "", *shown = NULL, *title = web_group_text(g, "title", lang, &shown);
    json_t *view = json_pack("{s:s, s:s, s:s?}", "title", web_t(lang, "mu_title"), "group_title", title ? title : "",
        "group_title_lang", shown);
    json_t *confirmed = json_array(), *waitlisted = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(page, "signups"), i, x)
    {
        bool waiting = strcmp(str(x, "status") ?: "", "waitlisted") == 0;
        json_array_append_new(waiting ? waitlisted : confirmed, signup_view(x, lang));
    }
    json_object_set_new(view, "has_confirmed", json_boolean(json_array_size(confirmed) > 0));
    json_object_set_new(view, "has_waitlisted", json_boolean(json_array_size(waitlisted) > 0));
    json_object_set_new(view, "confirmed", confirmed);
    json_object_set_new(view, "waitlisted", waitlisted);
    if (json_is_object(s))
        json_object_set_new(view, "session", web_ms_session_view(s, lang, NULL));
    else
        set_text(view, "where_text", web_group_where(g, lang));
    const char *target = str(page, "target");
    json_object_set_new(view, "takes_signups", json_boolean(target != NULL));
    json_object_set_new(view, "series", json_boolean(target != NULL && strcmp(target, "group") == 0));
    const json_t *cap = json_object_get(page, "capacity");
    long taken = (long)json_integer_value(json_object_get(page, "seats_taken"));
    char *taken_text = web_tn(lang, "ms_taken", taken);
    if (json_is_integer(cap)) {
        long left = (long)json_integer_value(cap) - taken;
        char *free_text = web_tn(lang, "ms_free", left > 0 ? left : 0);
        set_text(view, "seats_text", xasprintf("%s, %s", taken_text, free_text));
        free(free_text);
    } else {
        set_text(view, "seats_text", xstrdup(taken_text));
    }
    free(taken_text);
    json_object_set_new(view, "fields", on_behalf_fields(sp, page, lang));
    const char *consent = str(page, "consent_text");
    if (consent != NULL && consent[0] != '\0') {
        json_object_set_new(view, "consent_text", json_string(consent));
        const char *ticked = sent_or(sp, "consent", NULL);
        json_object_set_new(view, "consent_on", json_boolean(ticked != NULL && strcmp(ticked, "yes") == 0));
        const char *err = NULL;
        size_t k;
        json_array_foreach(sp->errs, k, x)
        {
            if (strcmp(str(x, "field") ?: "", "consent") == 0)
                err = web_t(lang, str(x, "key"));
        }
        if (err != NULL)
            json_object_set_new(view, "consent_error", json_string(err));
    }
    set_text(view, "action", xasprintf("/%s/%s/%s/signups/on-behalf", lang, sp->session ? "sessions" : "groups", id));
    set_text(view, "group_sessions_href", xasprintf("/%s/groups/%s/sessions", lang, gid));
    if (sp->session && target != NULL && strcmp(target, "group") == 0)
        set_text(view, "group_signups_href", xasprintf("/%s/groups/%s/signups", lang, gid));
    set_text(view, "coming_href", sp->session ? xasprintf("/%s/sessions/%s/coming", lang, id) : NULL);
    const char *notice = http_query_param(ctx, "done");
    if (notice != NULL) {
        char key[40];
        snprintf(key, sizeof(key), "mu_notice_%.20s", notice);
        const char *text = web_t(lang, key);
        if (strcmp(text, key) != 0) /* a word the catalogs have */
            json_object_set_new(view, "notice", json_string(text));
    }
    web_ms_errors(view, sp->errs, lang);
    return view;
}

static void signups_got_cb(const struct db_result *r, void *arg)
{
    struct signups_page *sp = arg;
    json_t *page = api_row_json(sp->ctx, r);
    if (page == NULL)
        return;
    json_t *view = signups_view(sp, page);
    json_decref(page);
    web_reply_page(sp->ctx, sp->status, sp->ctx->params[0], "mu-signups", view);
}

static void signups_query(struct signups_page *sp)
{
    struct req_ctx *ctx = sp->ctx;
    const char *params[] = { sp->session ? ctx->facts->u.session.group_id : ctx->params[1],
        sp->session ? ctx->params[1] : NULL };
    db_pool_query(ctx->srv->pool, "SELECT web_mu_signups_page($1, $2)", 2, params, signups_got_cb, sp);
}

void web_mu_session_signups(struct req_ctx *ctx)
{
    signups_query(signups_page_new(ctx, true));
}

void web_mu_group_signups(struct req_ctx *ctx)
{
    signups_query(signups_page_new(ctx, false));
}

/* A count of the party as a form sends it ("2"), 0 to 12; -1 otherwise. */
static int party_count(const char *s)
{
    char *end = NULL;
    if (s == NULL || s[0] == '\0')
        return -1;
    long n = strtol(s, &end, 10);
    return *end == '\0' && n >= 0 && n <= PARTY_MAX ? (int)n : -1;
}

/* The API's words for a refusal (its code, and the field it blames) as
 * the form's: a field's message beside it, anything else in the summary. */
static void blame_refusal(struct signups_page *sp, const char *code, const char *field)
{
    char key[48];
    if (field != NULL && (strcmp(field, "seats") == 0 || strcmp(field, "adults") == 0)) {
        web_ms_blame(sp->errs, "adults", "mu_err_seats");
        return;
    }
    if (field != NULL && strcmp(field, "consent") == 0) {
        web_ms_blame(sp->errs, "consent", "mu_err_consent");
        return;
    }
    snprintf(key, sizeof(key), "mu_err_%.30s", code ? code : "");
    const char *lang = sp->ctx->params[0];
    web_ms_blame(sp->errs, "display_name", strcmp(web_t(lang, key), key) != 0 ? key : "mu_err_refused");
}

static void signed_up_cb(const struct db_result *r, void *arg)
{
    struct signups_page *sp = arg;
    if (r->status == DB_ERROR && r->sqlstate[0] == 'P' && r->sqlstate[1] == 'I' && strcmp(r->sqlstate, "PI404") != 0 &&
        strcmp(r->sqlstate, "PI503") != 0) {
        const char *field = PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL);
        blame_refusal(sp, PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY), field && field[0] ? field : NULL);
        sp->status = strcmp(r->sqlstate, "PI422") == 0 ? 422 : 409;
        signups_query(sp);
        return;
    }
    json_t *answer = api_row_json(sp->ctx, r);
    if (answer == NULL)
        return;
    const char *status = str(json_object_get(answer, "signup"), "status") ?: "";
    char *to = xasprintf("/%s/%s/%s/signups?done=%s", sp->ctx->params[0], sp->session ? "sessions" : "groups",
        sp->ctx->params[1], status);
    json_decref(answer);
    web_see_other(sp->ctx, to);
    free(to);
}

/* The party and the name sent; false when something is wrong (errs). */
static bool read_on_behalf(struct signups_page *sp, const char **name, int *adults, int *children)
{
    struct invalid inv;
    struct req_ctx *ctx = sp->ctx;
    if (json_display_name(ctx->body, true, name, &inv) != 0)
        web_ms_blame(sp->errs, "display_name", "mu_err_name");
    *adults = party_count(web_ms_sent(ctx, "adults"));
    *children = party_count(web_ms_sent(ctx, "children"));
    if (*adults < 0)
        web_ms_blame(sp->errs, "adults", "mu_err_adults");
    if (*children < 0)
        web_ms_blame(sp->errs, "children", "mu_err_children");
    if (*adults >= 0 && *children >= 0 && (*adults + *children < 1 || *adults + *children > PARTY_MAX))
        web_ms_blame(sp->errs, "adults", "mu_err_party");
    const char *note = web_ms_sent(ctx, "note");
    if (note != NULL && utf8_chars(note) > NOTE_MAX_CHARS)
        web_ms_blame(sp->errs, "note", "mu_err_note");
    return json_array_size(sp->errs) == 0;
}

static void on_behalf(struct req_ctx *ctx, bool session)
{
    struct signups_page *sp = signups_page_new(ctx, session);
    const char *name;
    int adults, children;
    if (!read_on_behalf(sp, &name, &adults, &children)) {
        sp->status = 422;
        signups_query(sp);
        return;
    }
    /* A closed group's or a camp's signups are the series': the session's
     * page signs up for its group. */
    bool series = !session || ctx->facts->u.session.group.closed;
    const char *target = session && series ? ctx->facts->u.session.group_id : ctx->params[1];
    const char *note = web_ms_sent(ctx, "note"), *consent = web_ms_sent(ctx, "consent");
    char a[8], c[8];
    snprintf(a, sizeof(a), "%d", adults);
    snprintf(c, sizeof(c), "%d", children);
    const char *params[] = { ctx->principal->person_id, name, series ? "group" : "session", target, a, c,
        note != NULL && note[0] != '\0' ? note : NULL, NULL,
        consent != NULL && strcmp(consent, "yes") == 0 ? "true" : "false" };
    db_pool_query(ctx->srv->pool, "SELECT api_signup_on_behalf($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9, params,
        signed_up_cb, sp);
}

void web_mu_session_on_behalf(struct req_ctx *ctx)
{
    on_behalf(ctx, true);
}

void web_mu_group_on_behalf(struct req_ctx *ctx)
{
    on_behalf(ctx, false);
}

/* ---- one signup: confirming, cancelling ---- */

/* The signups page a signup is listed on: its session's, or its series';
 * with "?done=" and what was done, when something was. */
static char *list_path(const char *lang, const json_t *page, const char *done)
{
    const json_t *s = json_object_get(page, "session");
    char *path = json_is_object(s) ? xasprintf("/%s/sessions/%s/signups", lang, str(s, "id") ?: "")
                                   : xasprintf("/%s/groups/%s/signups", lang,
                                         str(json_object_get(page, "group"), "id") ?: "");
    if (done == NULL)
        return path;
    char *with = xasprintf("%s?done=%s", path, done);
    free(path);
    return with;
}

struct signup_action {
    struct req_ctx *ctx;
    int status;      /* of the refusal page, or 0 */
    char code[40];   /* the API's code of the refusal */
};

static void signup_action_free(void *p)
{
    free(p);
}

static struct signup_action *signup_action_new(struct req_ctx *ctx)
{
    struct signup_action *a = xcalloc(1, sizeof(*a));
    a->ctx = ctx;
    ctx->state = a;
    ctx->state_free = signup_action_free;
    return a;
}

/* The signup's page: the cancel step, or why a confirmation was refused. */
static void signup_page_cb(const struct db_result *r, void *arg)
{
    struct signup_action *a = arg;
    json_t *page = api_row_json(a->ctx, r);
    if (page == NULL)
        return;
    const char *lang = a->ctx->params[0];
    const json_t *g = json_object_get(page, "group"), *s = json_object_get(page, "session");
    const json_t *x = json_object_get(page, "signup");
    const char *shown = NULL, *title = web_group_text(g, "title", lang, &shown);
    json_t *view = json_pack("{s:s, s:s?, s:o, s:b}", "group_title", title ? title : "", "group_title_lang", shown,
        "signup", signup_view(x, lang), "cancelled", json_is_true(json_object_get(page, "cancelled")));
    if (json_is_object(s))
        json_object_set_new(view, "session", web_ms_session_view(s, lang, NULL));
    set_text(view, "back_href", list_path(lang, page, NULL));
    if (a->status != 0) {
        long seats = (long)json_integer_value(json_object_get(page, "seats"));
        long left = (long)json_integer_value(json_object_get(page, "free"));
        json_object_set_new(view, "title", json_string(web_t(lang, "mu_confirm_refused_title")));
        if (strcmp(a->code, "does_not_fit") == 0) {
            char *p = web_tn(lang, "mu_party_of", seats), *f = web_tn(lang, "mu_free_places", left);
            set_text(view, "refusal", xasprintf("%s %s %s", web_t(lang, "mu_does_not_fit"), p, f));
            free(p);
            free(f);
        } else {
            json_object_set_new(view, "refusal", json_string(web_t(lang, "mu_not_waitlisted")));
        }
        web_reply_page(a->ctx, a->status, lang, "mu-refused", view);
    } else {
        json_object_set_new(view, "title", json_string(web_t(lang, "mu_cancel_title")));
        set_text(view, "action", xasprintf("/%s/manage/signups/%s/cancel", lang, a->ctx->params[1]));
        web_reply_page(a->ctx, 200, lang, "mu-cancel", view);
    }
    json_decref(page);
}

static void signup_page(struct signup_action *a)
{
    const char *params[] = { a->ctx->params[1] };
    db_pool_query(a->ctx->srv->pool, "SELECT web_mu_signup_page($1)", 1, params, signup_page_cb, a);
}

static void done_cb(const struct db_result *r, void *arg)
{
    struct signup_action *a = arg;
    if (r->status == DB_ERROR && strcmp(r->sqlstate, "PI409") == 0) {
        /* not_waitlisted, does_not_fit: the page says which, in words. */
        snprintf(a->code, sizeof(a->code), "%s", PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY) ?: "");
        a->status = 409;
        signup_page(a);
        return;
    }
    json_t *answer = api_row_json(a->ctx, r);
    if (answer == NULL)
        return;
    char *to = list_path(a->ctx->params[0], json_object_get(answer, "page"), json_is_true(json_object_get(answer, "cancelled")) ? "cancelled" : "confirmed");
    json_decref(answer);
    web_see_other(a->ctx, to);
    free(to);
}

void web_mu_confirm(struct req_ctx *ctx)
{
    struct signup_action *a = signup_action_new(ctx);
    const char *params[] = { ctx->params[1], ctx->principal->person_id };
    db_pool_query(ctx->srv->pool,
        "SELECT json_build_object('signup', api_signup_confirm($1, $2) -> 'signup', 'page', web_mu_signup_page($1))", 2,
        params, done_cb, a);
}

void web_mu_cancel_page(struct req_ctx *ctx)
{
    signup_page(signup_action_new(ctx));
}

void web_mu_cancel(struct req_ctx *ctx)
{
    struct signup_action *a = signup_action_new(ctx);
    const char *params[] = { ctx->params[1], ctx->principal->person_id };
    db_pool_query(ctx->srv->pool,
        "SELECT json_build_object('cancelled', true, 'done', api_signup_cancel($1, $2), 'page', web_mu_signup_page($1))",
        2, params, done_cb, a);
}
