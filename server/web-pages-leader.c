/* SPDX-License-Identifier: Apache-2.0 */
/* A leader's pages: "Today", the sessions I lead today and the rest of
 * this week (or the next one), each with how many are coming and the links
 * to mark attendance and to who is coming; and who is coming to one
 * session, with party sizes, notes and absence notices, for its group's
 * leaders and its org's coordinators (authorized by the pipeline, as the
 * API's signup lists are). The SQL is web-leader.sql over the API's own
 * functions. No personal data goes into a URL or a title. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "principal.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page's language: the path's first parameter ({lang}). */
static const char *page_lang(const struct req_ctx *ctx)
{
    return ctx->params[0];
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    if (text != NULL)
        json_object_set_new(view, key, json_string(text));
    free(text);
}

/* The group's title in lang into view (title, title_lang) and its page. */
static void add_group(json_t *view, const json_t *group, const char *lang)
{
    const char *shown = NULL, *title = web_group_text(group, "title", lang, &shown);
    json_object_set_new(view, "group_title", json_string(title ? title : ""));
    if (shown != NULL)
        json_object_set_new(view, "group_title_lang", json_string(shown));
    set_text(view, "group_href", xasprintf("/%s/groups/%s", lang,
                                     json_string_value(json_object_get(group, "id")) ?: ""));
    set_text(view, "where_text", web_group_where(group, lang));
}

/* When, and whether it is cancelled, of a session into view. */
static void add_when(json_t *view, const json_t *session, const char *lang)
{
    const char *starts = json_string_value(json_object_get(session, "starts_at"));
    const char *ends = json_string_value(json_object_get(session, "ends_at"));
    char buf[128];
    if (starts != NULL && ends != NULL && web_format_session(lang, starts, ends, buf, sizeof(buf)) == 0)
        json_object_set_new(view, "when_text", json_string(buf));
    if (starts != NULL)
        json_object_set_new(view, "datetime", json_string(starts));
    json_object_set_new(view, "cancelled",
        json_boolean(strcmp(json_string_value(json_object_get(session, "status")) ?: "", "cancelled") == 0));
}

/* "Tulossa 3 henkilöä", or that nobody has signed up; new. */
static char *seats_words(const json_t *session, const char *lang)
{
    long seats = (long)json_integer_value(json_object_get(session, "seats_taken"));
    return seats > 0 ? web_tn(lang, "today_seats", seats) : xstrdup(web_t(lang, "today_seats_none"));
}

/* ---- Today ---- */

/* A session I lead as the Today page shows it. */
static json_t *led_session_view(const json_t *s, const char *lang)
{
    const char *id = json_string_value(json_object_get(s, "id")) ?: "";
    json_t *v = json_pack("{s:s}", "id", id);
    add_when(v, s, lang);
    add_group(v, json_object_get(s, "group"), lang);
    set_text(v, "seats_text", seats_words(s, lang));
    long waiting = (long)json_integer_value(json_object_get(s, "waitlisted"));
    if (waiting > 0)
        set_text(v, "waiting_text", web_tn(lang, "today_waiting", waiting));
    set_text(v, "attendance_href", xasprintf("/%s/sessions/%s/attendance", lang, id));
    set_text(v, "coming_href", xasprintf("/%s/sessions/%s/coming", lang, id));
    return v;
}

static void today_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    const char *lang = page_lang(ctx);
    json_t *today = json_array(), *week = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(page, "sessions"), i, s)
        json_array_append_new(json_is_true(json_object_get(s, "today")) ? today : week, led_session_view(s, lang));
    const json_t *next = json_object_get(page, "next");
    json_t *view = json_pack("{s:s, s:b, s:b, s:b}", "title", web_t(lang, "today_title"), "has_today",
        json_array_size(today) > 0, "has_week", json_array_size(week) > 0, "nothing",
        json_array_size(today) + json_array_size(week) == 0);
    json_object_set_new(view, "today", today);
    json_object_set_new(view, "week", week);
    if (json_is_object(next))
        json_object_set_new(view, "next", led_session_view(next, lang));
    json_decref(page);
    web_reply_page(ctx, 200, lang, "today", view);
}

void web_today(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT web_today_page($1)", 1, params, today_loaded_cb, ctx);
}

/* ---- who is coming ---- */

static json_t *coming_person(const json_t *x, const char *lang)
{
    const json_t *absence = json_object_get(x, "absence");
    const char *note = json_string_value(json_object_get(x, "note"));
    json_t *v = json_pack("{s:s, s:b, s:b}", "name", json_string_value(json_object_get(x, "display_name")) ?: "",
        "on_behalf", json_is_true(json_object_get(x, "on_behalf")), "absent", json_is_object(absence));
    set_text(v, "party_text", web_party_words(x, lang));
    if (note != NULL && note[0] != '\0')
        json_object_set_new(v, "note", json_string(note));
    const char *reason = json_string_value(json_object_get(absence, "reason"));
    if (reason != NULL && reason[0] != '\0')
        json_object_set_new(v, "absence_reason", json_string(reason));
    json_t *pos = json_object_get(x, "waitlist_position");
    if (json_is_integer(pos))
        json_object_set_new(v, "position", json_integer(json_integer_value(pos)));
    return v;
}

static void coming_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    const char *lang = page_lang(ctx);
    const json_t *session = json_object_get(page, "session");
    json_t *confirmed = json_array(), *waitlisted = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "signups"), i, x) {
        bool waiting = strcmp(json_string_value(json_object_get(x, "status")) ?: "", "waitlisted") == 0;
        json_array_append_new(waiting ? waitlisted : confirmed, coming_person(x, lang));
    }
    json_t *view = json_pack("{s:s, s:b, s:b}", "title", web_t(lang, "coming_title"), "has_confirmed",
        json_array_size(confirmed) > 0, "has_waitlisted", json_array_size(waitlisted) > 0);
    json_object_set_new(view, "confirmed", confirmed);
    json_object_set_new(view, "waitlisted", waitlisted);
    add_when(view, session, lang);
    add_group(view, json_object_get(page, "group"), lang);
    if (json_array_size(confirmed) > 0)
        set_text(view, "seats_text", seats_words(session, lang));
    set_text(view, "attendance_href", xasprintf("/%s/sessions/%s/attendance", lang, ctx->params[1]));
    set_text(view, "today_href", xasprintf("/%s/today", lang));
    json_decref(page);
    web_reply_page(ctx, 200, lang, "coming", view);
}

/* The facts (the session) are loaded and authz asked before this. */
void web_coming(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1] };
    db_pool_query(ctx->srv->pool, "SELECT web_coming_page($1)", 1, params, coming_loaded_cb, ctx);
}
