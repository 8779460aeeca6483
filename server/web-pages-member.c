/* SPDX-License-Identifier: Apache-2.0 */
/* A member's pages: signing up from a group's form (POST, then 303 to the
 * confirmation: POST-redirect-GET), the confirmation that is enough on its
 * own (what, when, where, status, place in the queue, how to cancel,
 * calendar links), my page (coming sessions, my signups) and cancelling
 * with a confirmation step. The SQL is the API's (api_signup,
 * api_signup_cancel, api_my_signups, api_my_sessions) through
 * web-member.sql. No personal data goes into a URL or a title. */
#include "web.h"

#include "api.h"
#include "config.h"
#include "dispatch.h"
#include "facts.h"
#include "group-view.h"
#include "principal.h"
#include "util.h"
#include "validate.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTY_MAX 12
#define NOTE_MAX_CHARS 500
#define ME_DAYS "60"

/* The page's language: the path's first parameter ({lang}). */
static const char *page_lang(const struct req_ctx *ctx)
{
    return ctx->params[0];
}

/* ---- signing up ---- */

/* A count field of the form ("2"), fallback when empty; -1 when not a
 * whole number from 0 to PARTY_MAX. */
static int form_count(const json_t *body, const char *name, int fallback)
{
    const char *v = json_string_value(json_object_get(body, name));
    if (v == NULL || v[0] == '\0')
        return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n >= 0 && n <= PARTY_MAX ? (int)n : -1;
}

struct signup_state {
    char adults[8], children[8];
};

static void signed_up_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *res = api_row_json(ctx, r);
    if (res == NULL)
        return;
    const char *id = json_string_value(json_object_get(json_object_get(res, "signup"), "id"));
    char *to = xasprintf("/%s/signups/%s", page_lang(ctx), id ? id : "");
    json_decref(res);
    web_see_other(ctx, to);
    free(to);
}

/* Why the group could not take the signup, as the catalog says it. */
static const char *signup_error_key(int status, const char *code)
{
    static const char *const known[] = { "already_signed_up", "registration_closed", "series_ended",
        "session_over", "session_cancelled", "group_archived" };
    for (size_t i = 0; i < ARRAY_LEN(known); i++) {
        if (strcmp(code, known[i]) == 0) {
            static char key[48];
            snprintf(key, sizeof(key), "signup_err_%s", known[i]);
            return key;
        }
    }
    if (status == 403)
        return "signup_err_forbidden";
    return NULL;
}

/* Did the form post to a session's path (/{lang}/sessions/{id}/signup)? */
static bool posted_for_session(struct req_ctx *ctx)
{
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(ctx->req));
    return path != NULL && strstr(path, "/sessions/") != NULL;
}

void web_signup_error_page(struct req_ctx *ctx, int status, const char *key)
{
    const char *lang = page_lang(ctx);
    char *back = !posted_for_session(ctx) ? xasprintf("/%s/groups/%s", lang, ctx->params[1])
                                          : xasprintf("/%s/me", lang);
    json_t *view = json_pack("{s:s, s:s, s:s}", "title", web_t(lang, "signup_error_title"), "text",
        web_t(lang, key ? key : "signup_err_other"), "group_href", back);
    free(back);
    web_reply_page(ctx, status, lang, "signup-error", view);
}

struct refused_page {
    struct req_ctx *ctx;
    int status;
    const char *key; /* static */
};

static void refused_principal_cb(enum principal_outcome outcome, struct principal *p, void *arg)
{
    struct refused_page *rp = arg;
    struct req_ctx *ctx = rp->ctx;
    if (outcome == PRINCIPAL_LOADED)
        ctx->principal = p; /* freed with the request */
    web_signup_error_page(ctx, rp->status, rp->key);
}

/* A refused signup. About a field of the form (the party, the consent):
 * the group's page again, the message beside the field. Anything else the
 * group could not take: a page that says why, with the way back to the
 * group (the group's id is the path's; a session's page leads to my page).
 * Not signed in, no such group: the pages' usual error. */
static void signup_error_reply(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    if (strcmp(code, "consent_required") == 0) {
        web_group_signup_refused(ctx, posted_for_session(ctx), status, "consent", "signup_err_consent");
        return;
    }
    if (strcmp(code, "invalid") == 0) {
        web_group_signup_refused(ctx, posted_for_session(ctx), status, "adults", "signup_err_party");
        return;
    }
    const char *key = status == 401 || status == 404 ? NULL : signup_error_key(status, code);
    if (key == NULL && status != 409 && status != 422 && status != 403) {
        web_dispatch_html.error_reply(ctx, status, code, message);
        return;
    }
    struct refused_page *rp = xcalloc(1, sizeof(*rp));
    rp->ctx = ctx;
    rp->status = status;
    rp->key = key;
    if (ctx->state_free != NULL)
        ctx->state_free(ctx->state); /* the signup's parameters: the pool copied them */
    ctx->state = rp;
    ctx->state_free = free;
    /* The sign-up routes leave the person to their SQL; the page's header
     * shows who is signed in, so it is read now. */
    if (ctx->principal == NULL && ctx->token_hash[0] != '\0')
        principal_load_web_session(ctx->srv->pool, ctx->token_hash, refused_principal_cb, rp);
    else
        web_signup_error_page(ctx, status, key);
}

static void signup_from_form(struct req_ctx *ctx, const char *kind)
{
    ctx->error_reply = signup_error_reply;
    bool session = strcmp(kind, "session") == 0;
    int adults = form_count(ctx->body, "adults", 1), children = form_count(ctx->body, "children", 0);
    const char *note = json_string_value(json_object_get(ctx->body, "note"));
    if (adults < 0 || children < 0 || adults + children < 1 || adults + children > PARTY_MAX) {
        web_group_signup_refused(ctx, session, 422, "adults", "signup_err_party");
        return;
    }
    if (note != NULL && utf8_chars(note) > NOTE_MAX_CHARS) {
        web_group_signup_refused(ctx, session, 422, "note", "signup_err_note_long");
        return;
    }
    struct signup_state *st = xcalloc(1, sizeof(*st));
    ctx->state = st;
    ctx->state_free = free;
    snprintf(st->adults, sizeof(st->adults), "%d", adults);
    snprintf(st->children, sizeof(st->children), "%d", children);
    /* A checked box sends its value; an unchecked one sends nothing. */
    const char *params[] = { ctx->token_hash, kind, ctx->params[1], st->adults, st->children,
        note != NULL && note[0] != '\0' ? note : NULL, NULL,
        json_object_get(ctx->body, "consent") != NULL ? "true" : "false" };
    db_pool_query(ctx->srv->pool, "SELECT api_signup($1, $2, $3, $4, $5, $6, $7, $8)", 8, params, signed_up_cb,
        ctx);
}

void web_signup_group(struct req_ctx *ctx)
{
    signup_from_form(ctx, "group");
}

void web_signup_session(struct req_ctx *ctx)
{
    signup_from_form(ctx, "session");
}

/* ---- what a signup is, in words ---- */

/* The catalog key of a signup's status in words. phase: "past" when its
 * meeting has been (a series': the group's meetings have ended), "now"
 * while it is under way, NULL when it is to come; series: a signup for
 * the whole series. A cancelled signup is cancelled whenever its meeting. */
static const char *status_key(const char *status, const char *phase, bool series)
{
    bool offered = status != NULL && strcmp(status, "offered") == 0;
    bool waiting = offered || (status != NULL && strcmp(status, "waitlisted") == 0);
    if (status != NULL && strcmp(status, "cancelled") == 0)
        return "signup_status_cancelled";
    if (offered && phase == NULL)
        return "signup_status_offered"; /* held, not yet theirs: answered from the offer's mail */
    if (phase != NULL && strcmp(phase, "past") == 0) {
        if (series)
            return waiting ? "signup_status_series_past_waitlisted" : "signup_status_series_past_confirmed";
        return waiting ? "signup_status_past_waitlisted" : "signup_status_past_confirmed";
    }
    if (phase != NULL && strcmp(phase, "now") == 0)
        return waiting ? "signup_status_now_waitlisted" : "signup_status_now_confirmed";
    return waiting ? "signup_status_waitlisted" : "signup_status_confirmed";
}

/* "ti 24.11.2026 klo 18.00–20.00" for a session JSON, or NULL. */
static char *when_text(const json_t *session, const char *lang)
{
    const char *starts = json_string_value(json_object_get(session, "starts_at"));
    const char *ends = json_string_value(json_object_get(session, "ends_at"));
    char buf[128];
    if (starts == NULL || ends == NULL || web_format_session(lang, starts, ends, buf, sizeof(buf)) != 0)
        return NULL;
    return xstrdup(buf);
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    if (text != NULL)
        json_object_set_new(view, key, json_string(text));
    free(text);
}

/* Status, queue position and the cancel link of a signup into view; phase
 * as status_key's. A meeting that has begun has nothing to cancel and no
 * queue to stand in. */
static void add_signup_words(json_t *view, const json_t *signup, const char *lang, const char *phase)
{
    const char *id = json_string_value(json_object_get(signup, "id"));
    const char *status = json_string_value(json_object_get(signup, "status"));
    json_t *pos = json_object_get(signup, "waitlist_position");
    bool series = !json_is_string(json_object_get(signup, "session_id"));
    bool over = phase != NULL;
    bool cancelled = status != NULL && strcmp(status, "cancelled") == 0;
    json_object_set_new(view, "status_text", json_string(web_t(lang, status_key(status, phase, series))));
    json_object_set_new(view, "waitlisted", json_boolean(!over && status && strcmp(status, "waitlisted") == 0));
    if (json_is_integer(pos) && !over)
        set_text(view, "position_text", web_tn(lang, "queue_position", (long)json_integer_value(pos)));
    if (!cancelled && !over)
        set_text(view, "cancel_href", xasprintf("/%s/signups/%s/cancel", lang, id ? id : ""));
    set_text(view, "href", xasprintf("/%s/signups/%s", lang, id ? id : ""));
}

/* The public URL without its scheme ("piiri.example"), for webcal:// links. */
static const char *public_host(const struct req_ctx *ctx)
{
    const char *u = ctx->srv->cfg->public_url, *p = strstr(u, "://");
    return p ? p + 3 : u;
}

/* ---- the confirmation (and the cancel step, over the same data) ---- */

static json_t *signup_view(struct req_ctx *ctx, const json_t *page)
{
    const char *lang = page_lang(ctx), *title_lang = NULL;
    const json_t *group = json_object_get(page, "group"), *signup = json_object_get(page, "signup");
    const json_t *session = json_object_get(page, "session");
    if (!json_is_object(session))
        session = json_object_get(page, "next_session");
    const char *gid = json_string_value(json_object_get(group, "id"));
    const char *title = web_group_text(group, "title", lang, &title_lang);
    json_t *view = json_pack("{s:s, s:s, s:b}", "title", web_t(lang, "signup_page_title"), "group_title",
        title ? title : "", "series", json_object_get(signup, "session_id") == NULL ||
            json_is_null(json_object_get(signup, "session_id")));
    if (title_lang != NULL)
        json_object_set_new(view, "group_title_lang", json_string(title_lang));
    set_text(view, "group_href", xasprintf("/%s/groups/%s", lang, gid ? gid : ""));
    set_text(view, "when_text", json_is_object(session) ? when_text(session, lang) : NULL);
    set_text(view, "where_text", web_group_where(group, lang));
    set_text(view, "webcal_href", xasprintf("webcal://%s/calendars/groups/%s.ics", public_host(ctx), gid ? gid : ""));
    json_object_set_new(view, "me_href", json_sprintf("/%s/me", lang));
    add_signup_words(view, signup, lang, json_string_value(json_object_get(page, "phase")));
    json_object_set_new(view, "session_cancelled", json_boolean(json_is_object(session) &&
        strcmp(json_string_value(json_object_get(session, "status")) ?: "", "cancelled") == 0));
    const char *id = json_string_value(json_object_get(signup, "id"));
    json_object_set_new(view, "cancel_action", json_sprintf("/%s/signups/%s/cancel", lang, id ? id : ""));
    return view;
}

struct page_load {
    struct req_ctx *ctx;
    const char *tpl;
    char *scope;
};

static void page_load_free(void *p)
{
    struct page_load *pl = p;
    free(pl->scope);
    free(pl);
}

static void signup_loaded_cb(const struct db_result *r, void *arg)
{
    struct page_load *pl = arg;
    struct req_ctx *ctx = pl->ctx;
    json_t *page = api_row_json(ctx, r); /* NULL: not theirs, 404 */
    if (page == NULL)
        return;
    json_t *view = signup_view(ctx, page);
    json_decref(page);
    web_reply_page(ctx, 200, page_lang(ctx), pl->tpl, view);
}

static void signup_page(struct req_ctx *ctx, const char *tpl)
{
    struct page_load *pl = xcalloc(1, sizeof(*pl));
    pl->ctx = ctx;
    pl->tpl = tpl;
    pl->scope = group_view_scope(ctx->principal);
    ctx->state = pl;
    ctx->state_free = page_load_free;
    const char *params[] = { ctx->principal->person_id, ctx->params[1], pl->scope };
    db_pool_query(ctx->srv->pool, "SELECT web_signup_page($1, $2, $3)", 3, params, signup_loaded_cb, pl);
}

void web_signup(struct req_ctx *ctx)
{
    signup_page(ctx, "signup");
}

void web_signup_cancel_page(struct req_ctx *ctx)
{
    signup_page(ctx, "signup-cancel");
}

/* Done: back to my page. */
static void cancelled_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    char *to = xasprintf("/%s/me", page_lang(ctx));
    web_see_other(ctx, to);
    free(to);
}

/* The facts (the signup) are loaded and authz asked before this. */
void web_signup_cancel(struct req_ctx *ctx)
{
    if (strcmp(ctx->facts->u.signup.status ?: "", "cancelled") == 0) {
        char *to = xasprintf("/%s/me", page_lang(ctx));
        web_see_other(ctx, to); /* sent twice: it is cancelled all the same */
        free(to);
        return;
    }
    const char *params[] = { ctx->params[1], ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_signup_cancel($1, $2)", 2, params, cancelled_cb, ctx);
}

/* ---- an absence notice, from my page ---- */

/* The facts (the session) are loaded and authz asked before this. */
void web_absence(struct req_ctx *ctx)
{
    absence_give(ctx, ctx->params[1], cancelled_cb);
}

/* "I can come after all": the notice withdrawn (sent twice, nothing to withdraw). */
void web_absence_withdraw(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_absence_withdraw($1, $2)", 2, params, cancelled_cb, ctx);
}

/* ---- my page ---- */

static json_t *my_signups(const json_t *signups, const char *lang)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(signups, i, x) {
        json_t *v = json_pack("{s:O}", "group_title", json_object_get(x, "group_title"));
        const json_t *when = json_object_get(x, "starts_at");
        json_t *next = json_object_get(x, "next_session");
        struct web_wall w;
        if (json_is_string(when) && web_wall_parse(json_string_value(when), &w) == 0) {
            char day[64], time[16];
            web_format_day(lang, &w, day, sizeof(day));
            web_format_time(lang, w.hour, w.minute, false, time, sizeof(time));
            set_text(v, "when_text", xasprintf("%s %s", day, time));
        } else if (json_is_object(next))
            set_text(v, "when_text", when_text(next, lang));
        /* my page says: begun (over), and ended (past) */
        const char *phase = json_is_true(json_object_get(x, "past")) ? "past"
            : json_is_true(json_object_get(x, "over"))               ? "now"
                                                                     : NULL;
        add_signup_words(v, x, lang, phase);
        json_array_append_new(out, v);
    }
    return out;
}

static json_t *my_sessions(const json_t *sessions, const char *lang)
{
    json_t *out = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(sessions, i, s) {
        const char *status = json_string_value(json_object_get(s, "my_status"));
        char key[48];
        snprintf(key, sizeof(key), "my_status_%s", status ? status : "confirmed");
        json_t *v = json_pack("{s:O, s:s, s:b}", "group_title", json_object_get(s, "group_title"), "status_text",
            web_t(lang, key), "cancelled", strcmp(json_string_value(json_object_get(s, "status")) ?: "", "cancelled") == 0);
        set_text(v, "when_text", when_text(s, lang));
        /* An absence notice is for a confirmed participant's coming session. */
        const char *role = json_string_value(json_object_get(s, "role"));
        bool can_notify = role && strcmp(role, "participant") == 0 && status && strcmp(status, "confirmed") == 0 &&
            !json_is_true(json_object_get(v, "cancelled"));
        if (can_notify)
            set_text(v, "absence_action", xasprintf("/%s/sessions/%s/absence", lang,
                                              json_string_value(json_object_get(s, "id")) ?: ""));
        /* ...and a notice sent can be taken back until the meeting. */
        bool can_withdraw = role && strcmp(role, "participant") == 0 && status &&
            strcmp(status, "not_attending") == 0 && !json_is_true(json_object_get(v, "cancelled"));
        if (can_withdraw)
            set_text(v, "withdraw_action", xasprintf("/%s/sessions/%s/absence/withdraw", lang,
                                               json_string_value(json_object_get(s, "id")) ?: ""));
        /* A session I lead: its attendance page, where the meeting is marked. */
        if (role && strcmp(role, "leader") == 0 && !json_is_true(json_object_get(v, "cancelled")))
            set_text(v, "attendance_href", xasprintf("/%s/sessions/%s/attendance", lang,
                                               json_string_value(json_object_get(s, "id")) ?: ""));
        set_text(v, "id", xstrdup(json_string_value(json_object_get(s, "id")) ?: ""));
        json_array_append_new(out, v);
    }
    return out;
}

/* The orgs I coordinate, by name, each with the way to its groups (the
 * header's links know only the slugs the principal carries). */
static json_t *coordinated_orgs(const json_t *me, const char *lang)
{
    json_t *out = json_array(), *m;
    size_t i;
    json_array_foreach(json_object_get(me, "memberships"), i, m) {
        const json_t *org = json_object_get(m, "org");
        const char *role = json_string_value(json_object_get(m, "role"));
        const char *slug = json_string_value(json_object_get(org, "slug"));
        if (role == NULL || strcmp(role, "coordinator") != 0 || slug == NULL)
            continue;
        json_array_append_new(out, json_pack("{s:O, s:o}", "name", json_object_get(org, "name"), "href",
                                       json_sprintf("/%s/orgs/%s/manage", lang, slug)));
    }
    return out;
}

static void me_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    const char *lang = page_lang(ctx);
    json_t *signups = my_signups(json_object_get(page, "signups"), lang);
    json_t *sessions = my_sessions(json_object_get(page, "sessions"), lang);
    json_t *view = json_pack("{s:s, s:b, s:b, s:o, s:o}", "title", web_t(lang, "me_title"), "has_signups",
        json_array_size(signups) > 0, "has_sessions", json_array_size(sessions) > 0, "signups", signups,
        "sessions", sessions);
    json_object_set_new(view, "calendar", web_calendar_view(json_object_get(page, "me")));
    json_object_set_new(view, "coordinated_orgs", coordinated_orgs(json_object_get(page, "me"), lang));
    json_decref(page);
    web_reply_page(ctx, 200, lang, "me", view);
}

void web_me(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id, ME_DAYS, ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT web_me_page($1, $2, $3)", 3, params, me_loaded_cb, ctx);
}
