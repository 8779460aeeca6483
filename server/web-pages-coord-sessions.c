/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's sessions (the routes' authz lets only the org's
 * coordinators and site admins in): the org's sessions by week or by month,
 * the same for one group, and the forms that cancel a session with a reason
 * (a confirmation step with the reason's field), move one and add an extra
 * one, through the API's own SQL (web-coord-sessions.sql over
 * api_session_update and api_session_add). A form refused comes back with
 * what was typed, each message beside its field and in the summary. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "feed-cache.h"
#include "util.h"
#include "validate.h"
#include "web-coord-sessions.h"

#include <event2/http.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX_CHARS 500

/* ---- what the pages share (web-coord-sessions.h) ---- */

const char *web_ms_sent(const struct req_ctx *ctx, const char *name)
{
    return json_string_value(json_object_get(ctx->body, name));
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool web_ms_day_ok(const char *s)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d, n = 0;
    if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || strlen(s) != 10)
        return false;
    if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

bool web_ms_time_ok(const char *s)
{
    int h, m, n = 0;
    if (s == NULL || sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || strlen(s) != 5)
        return false;
    return h >= 0 && h <= 23 && m >= 0 && m <= 59;
}

void web_ms_blame(json_t *errs, const char *field, const char *key)
{
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field, "key", key));
}

static const char *blamed(const json_t *errs, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "field")) ?: "", name) == 0)
            return json_string_value(json_object_get(e, "key"));
    }
    return NULL;
}

json_t *web_ms_field(const char *name, const char *type, const char *label_key, const char *hint_key,
    const char *value, const json_t *errs, const char *lang)
{
    bool textarea = strcmp(type, "textarea") == 0;
    json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", name, "name", name, "type", type, "label",
        web_t(lang, label_key), "value", value ? value : "", textarea ? "is_textarea" : "is_input", true);
    const char *err = blamed(errs, name);
    if (hint_key != NULL)
        json_object_set_new(v, "hint", json_string(web_t(lang, hint_key)));
    if (err != NULL)
        json_object_set_new(v, "error", json_string(web_t(lang, err)));
    if (err != NULL || hint_key != NULL)
        json_object_set_new(v, "described",
            json_sprintf("%s%s%s%s%s", err ? name : "", err ? "-error" : "", err && hint_key ? " " : "",
                hint_key ? name : "", hint_key ? "-hint" : ""));
    if (strcmp(type, "number") == 0) {
        json_object_set_new(v, "type", json_string("text"));
        json_object_set_new(v, "numeric", json_true());
    }
    return v;
}

void web_ms_errors(json_t *view, const json_t *errs, const char *lang)
{
    json_t *list = json_array(), *e;
    size_t i;
    json_array_foreach(errs, i, e)
    {
        json_array_append_new(list,
            json_pack("{s:s, s:s}", "field", json_string_value(json_object_get(e, "field")), "text",
                web_t(lang, json_string_value(json_object_get(e, "key")))));
    }
    json_object_set_new(view, "has_errors", json_boolean(json_array_size(list) > 0));
    json_object_set_new(view, "errors", list);
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    if (text != NULL)
        json_object_set_new(view, key, json_string(text));
    free(text);
}

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* "5 paikkaa varattu, 15 vapaana", "Ei ilmoittautuneita"; new. */
static char *seats_words(const json_t *s, const char *lang)
{
    long taken = (long)json_integer_value(json_object_get(s, "seats_taken"));
    const json_t *cap = json_object_get(s, "capacity");
    if (!json_is_integer(cap))
        return taken > 0 ? web_tn(lang, "ms_taken", taken) : xstrdup(web_t(lang, "ms_nobody"));
    long left = (long)json_integer_value(cap) - taken;
    char *a = web_tn(lang, "ms_taken", taken), *b = web_tn(lang, "ms_free", left > 0 ? left : 0);
    char *both = xasprintf("%s, %s", a, b);
    free(a);
    free(b);
    return both;
}

json_t *web_ms_session_view(const json_t *s, const char *lang, const char *from)
{
    const char *id = str(s, "id") ?: "", *starts = str(s, "starts_at"), *ends = str(s, "ends_at");
    const json_t *g = json_object_get(s, "group");
    const char *gid = str(g, "id") ?: "", *shown = NULL, *title = web_group_text(g, "title", lang, &shown);
    char when[128] = "";
    if (starts == NULL || ends == NULL || web_format_session(lang, starts, ends, when, sizeof(when)) != 0)
        snprintf(when, sizeof(when), "%s", starts ? starts : "");
    bool cancelled = strcmp(str(s, "status") ?: "", "cancelled") == 0;
    const char *q = from != NULL && strcmp(from, "group") == 0 ? "?from=group" : "";
    json_t *v = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:b, s:b}", "id", id, "when_text", when, "datetime", starts,
        "group_title", title ? title : "", "group_title_lang", shown, "cancelled", cancelled, "extra",
        json_is_true(json_object_get(s, "extra")));
    const char *reason = str(s, "cancel_reason");
    if (cancelled && reason != NULL && reason[0] != '\0')
        json_object_set_new(v, "cancel_reason", json_string(reason));
    const char *was = str(s, "moved_from");
    struct web_wall w;
    if (was != NULL && web_wall_parse(was, &w) == 0) {
        char day[40], time[16];
        web_format_day(lang, &w, day, sizeof(day));
        web_format_time(lang, w.hour, w.minute, false, time, sizeof(time));
        set_text(v, "moved_text", xasprintf("%s %s %s", web_t(lang, "ms_moved_from"), day, time));
    }
    set_text(v, "where_text", web_group_where(g, lang));
    set_text(v, "seats_text", seats_words(s, lang));
    long waiting = (long)json_integer_value(json_object_get(s, "waitlisted"));
    if (waiting > 0)
        set_text(v, "waiting_text", web_tn(lang, "today_waiting", waiting));
    set_text(v, "group_href", xasprintf("/%s/groups/%s/sessions", lang, gid));
    set_text(v, "signups_href", xasprintf("/%s/sessions/%s/signups", lang, id));
    set_text(v, "cancel_href", xasprintf("/%s/sessions/%s/cancel%s", lang, id, q));
    set_text(v, "move_href", xasprintf("/%s/sessions/%s/move%s", lang, id, q));
    return v;
}

/* ---- the lists ---- */

static const char *const month_keys[] = { "ms_month_1", "ms_month_2", "ms_month_3", "ms_month_4", "ms_month_5",
    "ms_month_6", "ms_month_7", "ms_month_8", "ms_month_9", "ms_month_10", "ms_month_11", "ms_month_12" };

/* "2026-11-30" as the day alone in words into buf. */
static void day_words(const char *day, const char *lang, char *buf, size_t len)
{
    char wall[24];
    struct web_wall w;
    snprintf(wall, sizeof(wall), "%.10sT00:00", day ? day : "");
    if (web_wall_parse(wall, &w) != 0)
        snprintf(buf, len, "%s", day ? day : "");
    else
        web_format_day(lang, &w, buf, len);
}

/* The period's name ("Viikko 49", "joulukuu 2026") and its days. */
static void period_words(json_t *view, const json_t *p, const char *lang)
{
    bool week = strcmp(str(p, "kind") ?: "", "week") == 0;
    long n = (long)json_integer_value(json_object_get(p, week ? "week" : "month"));
    long year = (long)json_integer_value(json_object_get(p, "year"));
    if (week) {
        char first[40], last[40];
        set_text(view, "period_name", web_tn(lang, "ms_week_name", n));
        day_words(str(p, "first"), lang, first, sizeof(first));
        day_words(str(p, "last"), lang, last, sizeof(last));
        set_text(view, "period_days", xasprintf("%s – %s", first, last));
    } else if (n >= 1 && n <= 12) {
        set_text(view, "period_name", xasprintf("%s %ld", web_t(lang, month_keys[n - 1]), year));
    }
    json_object_set_new(view, "is_week", json_boolean(week));
}

/* A GET form that goes to another period (hidden fields, one button):
 * forms and not links, so that a crawl of the site meets one of each and
 * not every week there is. */
static json_t *nav_form(const char *kind, const char *period, const char *group, const char *label)
{
    return json_pack("{s:s, s:s, s:s?, s:s}", "name", kind, "value", period ? period : "", "group", group,
        "label", label);
}

struct list_page {
    struct req_ctx *ctx;
    const char *kind;   /* "week" or "month" */
    const char *period; /* as asked, or NULL for the current one */
    const char *group;  /* a group's page, or the org's filter; NULL for all */
    bool group_page;
};

static void list_page_free(void *p)
{
    free(p);
}

static json_t *list_view(const struct list_page *lp, const json_t *page)
{
    const char *lang = lp->ctx->params[0];
    const json_t *org = json_object_get(page, "org"), *p = json_object_get(page, "period");
    const json_t *group = json_object_get(page, "group");
    const char *slug = str(org, "slug") ?: "";
    json_t *view = json_object(), *rows = json_array(), *s;
    size_t i;
    json_array_foreach(json_object_get(page, "sessions"), i, s)
        json_array_append_new(rows, web_ms_session_view(s, lang, lp->group_page ? "group" : NULL));
    json_object_set_new(view, "has_sessions", json_boolean(json_array_size(rows) > 0));
    set_text(view, "count", web_tn(lang, "ms_count", (long)json_array_size(rows)));
    json_object_set_new(view, "sessions", rows);
    json_object_set_new(view, "org_name", json_string(str(org, "name") ?: ""));
    set_text(view, "manage_href", xasprintf("/%s/orgs/%s/manage", lang, slug));
    period_words(view, p, lang);
    char *action = lp->group_page ? xasprintf("/%s/groups/%s/sessions", lang, lp->group)
                                  : xasprintf("/%s/orgs/%s/manage/sessions", lang, slug);
    const char *keep = lp->group_page ? NULL : lp->group;
    bool week = strcmp(lp->kind, "week") == 0;
    json_object_set_new(view, "nav",
        json_pack("[o, o, o]", nav_form(lp->kind, str(p, "prev"), keep, web_t(lang, week ? "ms_prev_week" : "ms_prev_month")),
            nav_form(lp->kind, str(p, "next"), keep, web_t(lang, week ? "ms_next_week" : "ms_next_month")),
            nav_form(week ? "month" : "week", str(p, "other"), keep,
                web_t(lang, week ? "ms_show_month" : "ms_show_week"))));
    json_object_set_new(view, "action", json_string(action));
    free(action);
    if (lp->group_page || json_is_object(group)) {
        const char *shown = NULL, *title = web_group_text(group, "title", lang, &shown);
        json_object_set_new(view, "group_title", json_string(title ? title : ""));
        if (shown != NULL)
            json_object_set_new(view, "group_title_lang", json_string(shown));
        const char *gid = str(group, "id") ?: "";
        set_text(view, "add_href", xasprintf("/%s/groups/%s/sessions/new", lang, gid));
        set_text(view, "edit_href", xasprintf("/%s/groups/%s/edit", lang, gid));
        set_text(view, "group_signups_href", xasprintf("/%s/groups/%s/signups", lang, gid));
        bool series = strcmp(str(group, "access") ?: "", "closed") == 0 || strcmp(str(group, "kind") ?: "", "camp") == 0;
        json_object_set_new(view, "series", json_boolean(series));
    }
    json_object_set_new(view, "group_page", json_boolean(lp->group_page));
    if (!lp->group_page) {
        json_t *options = json_array(), *g;
        json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "", "label", web_t(lang, "ms_all_groups"),
                                           "on", lp->group == NULL));
        json_array_foreach(json_object_get(page, "groups"), i, g)
        {
            const char *shown, *title = web_group_text(g, "title", lang, &shown);
            json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", str(g, "id") ?: "", "label",
                                               title ? title : "", "on",
                                               lp->group != NULL && strcmp(lp->group, str(g, "id") ?: "") == 0));
        }
        json_object_set_new(view, "group_options", options);
        json_object_set_new(view, "period_name_field", json_string(lp->kind));
        json_object_set_new(view, "period_value", json_string(str(p, "this") ?: ""));
    }
    json_object_set_new(view, "title",
        json_string(web_t(lang, lp->group_page ? "ms_group_title" : "ms_title")));
    const char *notices[] = { "cancelled", "moved", "added" };
    for (size_t k = 0; k < 3; k++) {
        if (http_query_param(lp->ctx, notices[k]) != NULL) {
            char key[32];
            snprintf(key, sizeof(key), "ms_notice_%s", notices[k]);
            json_object_set_new(view, "notice", json_string(web_t(lang, key)));
        }
    }
    return view;
}

static void list_got_cb(const struct db_result *r, void *arg)
{
    struct list_page *lp = arg;
    json_t *page = api_row_json(lp->ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    if (json_is_true(json_object_get(page, "bad_period"))) {
        json_decref(page);
        http_reply_error(lp->ctx, 400, "invalid", "week must be YYYY-Www, month YYYY-MM", lp->kind);
        return;
    }
    json_t *view = list_view(lp, page);
    json_decref(page);
    web_reply_page(lp->ctx, 200, lp->ctx->params[0], "ms-sessions", view);
}

/* The period asked for (?week= or ?month=, the week by default, or
 * default_kind) and the group; -1 when the query is wrong (replied). */
static int read_list_query(struct list_page *lp, const char *default_kind)
{
    const char *week = http_query_param(lp->ctx, "week"), *month = http_query_param(lp->ctx, "month");
    const char *group = lp->group_page ? NULL : http_query_param(lp->ctx, "group");
    lp->kind = week != NULL ? "week" : month != NULL ? "month" : default_kind;
    lp->period = week != NULL ? week : month;
    if (lp->period != NULL && lp->period[0] == '\0')
        lp->period = NULL;
    if (group != NULL && group[0] != '\0') {
        if (!valid_uuid(group, strlen(group))) {
            http_reply_error(lp->ctx, 400, "invalid", "group must be a group's id", "group");
            return -1;
        }
        lp->group = group;
    }
    return 0;
}

static void list_query(struct list_page *lp, const char *slug)
{
    const char *params[] = { slug, lp->group, lp->kind, lp->period };
    db_pool_query(lp->ctx->srv->pool, "SELECT web_ms_sessions_page($1, $2, $3, $4)", 4, params, list_got_cb, lp);
}

static struct list_page *list_page_new(struct req_ctx *ctx)
{
    struct list_page *lp = xcalloc(1, sizeof(*lp));
    lp->ctx = ctx;
    ctx->state = lp;
    ctx->state_free = list_page_free;
    return lp;
}

void web_ms_org_sessions(struct req_ctx *ctx)
{
    struct list_page *lp = list_page_new(ctx);
    if (read_list_query(lp, "week") == 0)
        list_query(lp, ctx->params[1]);
}

void web_ms_group_sessions(struct req_ctx *ctx)
{
    struct list_page *lp = list_page_new(ctx);
    lp->group_page = true;
    lp->group = ctx->params[1];
    if (read_list_query(lp, "month") == 0)
        list_query(lp, ctx->facts->target.org_slug);
}

/* ---- one session's forms: cancel, move ---- */

/* One form request: what was sent and what is wrong. */
struct session_form {
    struct req_ctx *ctx;
    const char *name; /* "cancel", "move", "add" */
    int status;
    json_t *errs;
};

static void session_form_free(void *p)
{
    struct session_form *f = p;
    json_decref(f->errs);
    free(f);
}

static struct session_form *session_form_new(struct req_ctx *ctx, const char *name)
{
    struct session_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->name = name;
    f->status = 200;
    f->errs = json_array();
    ctx->state = f;
    ctx->state_free = session_form_free;
    return f;
}

static bool from_group(struct req_ctx *ctx)
{
    const char *from = ctx->method == ROUTER_POST ? web_ms_sent(ctx, "from") : http_query_param(ctx, "from");
    return from != NULL && strcmp(from, "group") == 0;
}

/* Where a session's form goes back to: the group's month or the org's week
 * that holds the session, with the notice. */
static char *back_path(struct req_ctx *ctx, const json_t *s, const char *notice)
{
    const char *lang = ctx->params[0], *starts = str(s, "starts_at") ?: "";
    if (from_group(ctx))
        return xasprintf("/%s/groups/%s/sessions?month=%.7s%s%s", lang, str(s, "group_id") ?: "", starts,
            notice ? "&" : "", notice ? notice : "");
    return xasprintf("/%s/orgs/%s/manage/sessions?week=%s%s%s", lang, ctx->facts->target.org_slug,
        str(s, "week") ?: "", notice ? "&" : "", notice ? notice : "");
}

/* "18:00" of an RFC 3339 time, "2026-12-01" of its day. */
static char *wall_part(const char *rfc3339, bool day)
{
    if (rfc3339 == NULL || strlen(rfc3339) < 16)
        return xstrdup("");
    return day ? xasprintf("%.10s", rfc3339) : xasprintf("%.5s", rfc3339 + 11);
}

/* The field's value: what was sent, else the session's (fallback, new). */
static const char *kept(struct session_form *f, const char *name, char *fallback, json_t *tmp)
{
    const char *sent = f->ctx->method == ROUTER_POST ? web_ms_sent(f->ctx, name) : NULL;
    json_array_append_new(tmp, json_string(fallback));
    free(fallback);
    return sent != NULL ? sent : json_string_value(json_array_get(tmp, json_array_size(tmp) - 1));
}

static json_t *session_form_view(struct session_form *f, const json_t *page)
{
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0], *id = ctx->params[1];
    const json_t *s = json_object_get(page, "session");
    json_t *view = json_object(), *fields = json_array(), *tmp = json_array();
    json_object_set_new(view, "session", web_ms_session_view(s, lang, from_group(ctx) ? "group" : NULL));
    json_object_set_new(view, "from_group", json_boolean(from_group(ctx)));
    set_text(view, "back_href", back_path(ctx, s, NULL));
    bool cancel = strcmp(f->name, "cancel") == 0;
    json_object_set_new(view, "title", json_string(web_t(lang, cancel ? "ms_cancel_title" : "ms_move_title")));
    json_object_set_new(view, "is_cancel", json_boolean(cancel));
    set_text(view, "action", xasprintf("/%s/sessions/%s/%s", lang, id, f->name));
    json_object_set_new(view, "button", json_string(web_t(lang, cancel ? "ms_cancel_button" : "ms_move_button")));
    json_object_set_new(view, "keep", json_string(web_t(lang, cancel ? "ms_cancel_keep" : "ms_back")));
    if (cancel) {
        json_array_append_new(fields, web_ms_field("reason", "textarea", "ms_reason_label", "ms_reason_hint",
                                          kept(f, "reason", xstrdup(""), tmp), f->errs, lang));
        json_object_set_new(view, "explained", json_string(web_t(lang, "ms_cancel_explained")));
    } else {
        const char *starts = str(s, "starts_at"), *ends = str(s, "ends_at");
        json_array_append_new(fields, web_ms_field("date", "date", "ms_date_label", NULL,
                                          kept(f, "date", wall_part(starts, true), tmp), f->errs, lang));
        json_array_append_new(fields, web_ms_field("start_time", "time", "ms_start_label", "ms_time_hint",
                                          kept(f, "start_time", wall_part(starts, false), tmp), f->errs, lang));
        json_array_append_new(fields, web_ms_field("end_time", "time", "ms_end_label", "ms_end_time_hint",
                                          kept(f, "end_time", wall_part(ends, false), tmp), f->errs, lang));
        json_object_set_new(view, "explained", json_string(web_t(lang, "ms_move_explained")));
    }
    json_object_set_new(view, "fields", fields);
    json_object_set_new(view, "done",
        json_boolean(strcmp(str(s, "status") ?: "", "cancelled") == 0 && cancel));
    web_ms_errors(view, f->errs, lang);
    json_decref(tmp);
    return view;
}

static void session_form_cb(const struct db_result *r, void *arg)
{
    struct session_form *f = arg;
    json_t *page = api_row_json(f->ctx, r);
    if (page == NULL)
        return;
    json_t *view = session_form_view(f, page);
    json_decref(page);
    web_reply_page(f->ctx, f->status, f->ctx->params[0], "ms-session-form", view);
}

static void session_form_page(struct session_form *f)
{
    const char *params[] = { f->ctx->params[1] };
    db_pool_query(f->ctx->srv->pool, "SELECT web_ms_session_page($1)", 1, params, session_form_cb, f);
}

/* The form again with status, each message beside its field. */
static void session_form_refused(struct session_form *f, int status)
{
    f->status = status;
    session_form_page(f);
}

/* The API's refusal of a field (422 about ends_at, starts_at) is the end
 * time's or the start's message on the form; other failures the error page. */
static bool session_form_failed(struct session_form *f, const struct db_result *r, void (*again)(struct session_form *))
{
    if (r->status == DB_OK)
        return false;
    const char *field = r->status == DB_ERROR ? PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (field != NULL && strcmp(r->sqlstate, "PI422") == 0 &&
        (strcmp(field, "ends_at") == 0 || strcmp(field, "starts_at") == 0)) {
        web_ms_blame(f->errs, strcmp(field, "ends_at") == 0 ? "end_time" : "start_time",
            strcmp(field, "ends_at") == 0 ? "ms_err_end_after" : "ms_err_start");
        f->status = 422;
        again(f);
        return true;
    }
    api_reply_db_error(f->ctx, r);
    return true;
}

void web_ms_cancel_page(struct req_ctx *ctx)
{
    session_form_page(session_form_new(ctx, "cancel"));
}

void web_ms_move_page(struct req_ctx *ctx)
{
    session_form_page(session_form_new(ctx, "move"));
}

static void changed_cb(const struct db_result *r, void *arg)
{
    struct session_form *f = arg;
    if (session_form_failed(f, r, session_form_page))
        return;
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    feed_cache_invalidate(); /* as the API's change: this worker's feeds at once */
    char *to = back_path(f->ctx, json_object_get(answer, "session"),
        strcmp(f->name, "cancel") == 0 ? "cancelled=1" : "moved=1");
    json_decref(answer);
    web_see_other(f->ctx, to);
    free(to);
}

void web_ms_cancel(struct req_ctx *ctx)
{
    struct session_form *f = session_form_new(ctx, "cancel");
    const char *reason = web_ms_sent(ctx, "reason");
    size_t chars = reason ? utf8_chars(reason) : 0;
    if (chars == 0 || chars > REASON_MAX_CHARS) {
        web_ms_blame(f->errs, "reason", chars == 0 ? "ms_err_reason" : "ms_err_reason_long");
        session_form_refused(f, 422);
        return;
    }
    const char *params[] = { ctx->params[1], reason };
    db_pool_query(ctx->srv->pool, "SELECT web_ms_session_cancel($1, $2)", 2, params, changed_cb, f);
}

/* The date and the two times of a form into errs; true when all are there. */
static bool read_day_and_times(struct session_form *f)
{
    if (!web_ms_day_ok(web_ms_sent(f->ctx, "date")))
        web_ms_blame(f->errs, "date", "ms_err_date");
    if (!web_ms_time_ok(web_ms_sent(f->ctx, "start_time")))
        web_ms_blame(f->errs, "start_time", "ms_err_time");
    if (!web_ms_time_ok(web_ms_sent(f->ctx, "end_time")))
        web_ms_blame(f->errs, "end_time", "ms_err_time");
    return json_array_size(f->errs) == 0;
}

void web_ms_move(struct req_ctx *ctx)
{
    struct session_form *f = session_form_new(ctx, "move");
    if (!read_day_and_times(f)) {
        session_form_refused(f, 422);
        return;
    }
    const char *params[] = { ctx->params[1], web_ms_sent(ctx, "date"), web_ms_sent(ctx, "start_time"),
        web_ms_sent(ctx, "end_time") };
    db_pool_query(ctx->srv->pool, "SELECT web_ms_session_move($1, $2, $3, $4)", 4, params, changed_cb, f);
}

/* ---- an extra session of a group ---- */

static void add_form_page(struct session_form *f)
{
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0], *id = ctx->params[1];
    const json_t *g = ctx->facts->loaded;
    const char *shown = NULL, *title = web_group_text(g, "title", lang, &shown);
    json_t *view = json_pack("{s:s, s:s, s:s?}", "title", web_t(lang, "ms_add_title"), "group_title",
        title ? title : "", "group_title_lang", shown), *fields = json_array();
    bool post = ctx->method == ROUTER_POST;
    json_array_append_new(fields, web_ms_field("date", "date", "ms_date_label", NULL,
                                      post ? web_ms_sent(ctx, "date") : "", f->errs, lang));
    json_array_append_new(fields, web_ms_field("start_time", "time", "ms_start_label", "ms_time_hint",
                                      post ? web_ms_sent(ctx, "start_time") : "", f->errs, lang));
    json_array_append_new(fields, web_ms_field("end_time", "time", "ms_end_label", "ms_end_time_hint",
                                      post ? web_ms_sent(ctx, "end_time") : "", f->errs, lang));
    json_object_set_new(view, "fields", fields);
    set_text(view, "where_text", web_group_where(g, lang));
    set_text(view, "action", xasprintf("/%s/groups/%s/sessions/new", lang, id));
    set_text(view, "back_href", xasprintf("/%s/groups/%s/sessions", lang, id));
    web_ms_errors(view, f->errs, lang);
    web_reply_page(ctx, f->status, lang, "ms-add", view);
}

void web_ms_add_page(struct req_ctx *ctx)
{
    add_form_page(session_form_new(ctx, "add"));
}

static void added_cb(const struct db_result *r, void *arg)
{
    struct session_form *f = arg;
    if (session_form_failed(f, r, add_form_page))
        return;
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    feed_cache_invalidate();
    const json_t *s = json_object_get(answer, "session");
    char *to = xasprintf("/%s/groups/%s/sessions?month=%.7s&added=1", f->ctx->params[0], f->ctx->params[1],
        str(s, "starts_at") ?: "");
    json_decref(answer);
    web_see_other(f->ctx, to);
    free(to);
}

void web_ms_add(struct req_ctx *ctx)
{
    struct session_form *f = session_form_new(ctx, "add");
    if (!read_day_and_times(f)) {
        f->status = 422;
        add_form_page(f);
        return;
    }
    const char *params[] = { ctx->params[1], web_ms_sent(ctx, "date"), web_ms_sent(ctx, "start_time"),
        web_ms_sent(ctx, "end_time") };
    db_pool_query(ctx->srv->pool, "SELECT web_ms_session_add($1, $2, $3, $4)", 4, params, added_cb, f);
}
