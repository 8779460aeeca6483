/* SPDX-License-Identifier: Apache-2.0 */
/* A group's page: what it is, who leads it, where and when it meets (the
 * schedule in plain words, the coming sessions with their room), what it
 * costs, and the sign-up form: one for the series of a closed group or a
 * camp, one per session of an open group. A full group's form joins the
 * waitlist and says so before it is sent. The forms post to the sign-up
 * pages with the page's csrf_token. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "group-view.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_SESSIONS "12" /* coming sessions listed */
#define SESSION_FORMS 4     /* of them, with a form of their own (open groups) */
#define SESSIONS_SHOWN 3    /* of them, before the rest fold out */
#define PARTY_MAX 12        /* adults + children, as the API takes them */

/* A string field of the group, "" when there is none. */
static const char *field(const json_t *g, const char *key)
{
    const char *v = json_string_value(json_object_get(g, key));
    return v != NULL ? v : "";
}

/* A free text the group gave only in Finnish, on a page in another
 * language: marked lang="fi". */
static void set_text(json_t *view, const char *key, const char *text, const char *lang)
{
    if (text == NULL)
        return;
    json_object_set_new(view, key, json_string(text));
    if (strcmp(lang, "fi") != 0) {
        char k[48];
        snprintf(k, sizeof(k), "%s_lang", key);
        json_object_set_new(view, k, json_string("fi"));
    }
}

/* The group's translated text field, with its _lang when it fell back. */
static void set_translated(json_t *view, const json_t *g, const char *field, const char *lang)
{
    const char *shown;
    const char *text = web_group_text(g, field, lang, &shown);
    if (text == NULL)
        return;
    char k[48];
    json_object_set_new(view, field, json_string(text));
    snprintf(k, sizeof(k), "%s_lang", field);
    if (shown != NULL)
        json_object_set_new(view, k, json_string(shown));
}

static void set_word(json_t *view, const char *key, const char *prefix, const char *value, const char *lang)
{
    if (value == NULL)
        return;
    char k[64];
    snprintf(k, sizeof(k), "%s%s", prefix, value);
    json_object_set_new(view, key, json_string(web_t(lang, k)));
}

/* "suomi, ruotsi": the words of a list of codes under a catalog prefix,
 * the codes the catalog does not know left out. */
static char *word_list(const json_t *codes, const char *prefix, const char *lang)
{
    char *out = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c) {
        char k[64];
        snprintf(k, sizeof(k), "%s%s", prefix, json_string_value(c) ? json_string_value(c) : "");
        const char *w = web_t(lang, k);
        if (strcmp(w, k) == 0)
            continue;
        char *next = out ? xasprintf("%s, %s", out, w) : xstrdup(w);
        free(out);
        out = next;
    }
    return out;
}

/* "ti 24.11.2026 klo 18.00": one moment, for the registration window. */
static char *moment(const char *rfc3339, const char *lang)
{
    struct web_wall w;
    char day[40], time[16];
    if (web_wall_parse(rfc3339, &w) != 0)
        return NULL;
    web_format_day(lang, &w, day, sizeof(day));
    web_format_time(lang, w.hour, w.minute, false, time, sizeof(time));
    return xasprintf("%s %s%s", day, strcmp(lang, "sv") == 0 ? "kl. " : strcmp(lang, "en") == 0 ? "" : "klo ",
        time);
}

static void set_registration(json_t *view, const json_t *g, const char *lang)
{
    const json_t *reg = json_object_get(g, "registration");
    const char *keys[] = { "opens", "closes" };
    for (size_t i = 0; i < 2; i++) {
        const char *at = json_string_value(json_object_get(reg, keys[i]));
        char *words = at ? moment(at, lang) : NULL;
        if (words != NULL) {
            char k[32];
            snprintf(k, sizeof(k), "registration_%s", keys[i]);
            json_object_set_new(view, k, json_pack("{s:s, s:s}", "text", words, "datetime", at));
            free(words);
        }
    }
}

static void set_leaders(json_t *view, const json_t *g, const char *lang)
{
    set_word(view, "leader_type", "leader_type_", json_string_value(json_object_get(g, "leader_type")), lang);
    char *names = NULL;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(g, "leaders"), i, l) {
        const char *name = json_string_value(json_object_get(l, "display_name"));
        if (name == NULL)
            continue;
        char *next = names ? xasprintf("%s, %s", names, name) : xstrdup(name);
        free(names);
        names = next;
    }
    if (names != NULL)
        json_object_set_new(view, "leader_names", json_string(names));
    free(names);
}

static void set_schedule(json_t *view, const json_t *g, const char *lang)
{
    const json_t *s = json_object_get(g, "schedule");
    if (!json_is_object(s))
        return;
    char *words = web_schedule_words(lang, json_string_value(json_object_get(s, "start")),
        (int)json_integer_value(json_object_get(s, "duration_minutes")),
        json_string_value(json_object_get(s, "rrule")));
    if (words != NULL)
        json_object_set_new(view, "schedule_words", json_string(words));
    free(words);
    const char *tz = json_string_value(json_object_get(s, "timezone"));
    if (tz != NULL && strcmp(tz, "Europe/Helsinki") != 0)
        json_object_set_new(view, "timezone", json_string(tz));
}

/* The party's choices: 0..12 (adults from 1 by default). */
static json_t *counts(int from, int chosen)
{
    json_t *a = json_array();
    for (int n = from; n <= PARTY_MAX; n++)
        json_array_append_new(a, json_pack("{s:i, s:b}", "n", n, "selected", n == chosen));
    return a;
}

/* One sign-up form: where it posts, its ids' suffix, whether it joins the
 * waitlist, and the consent the group asks for (in the page's language,
 * else Finnish, marked). */
static json_t *signup_form(const json_t *g, const char *lang, const char *action, const char *suffix, bool full,
    const char *label, bool open_first)
{
    json_t *form = json_pack("{s:s, s:s, s:b, s:s?, s:b, s:o, s:o}", "action", action, "suffix", suffix, "full",
        full, "label", label, "open", open_first, "adults", counts(0, 1), "children", counts(0, 0));
    set_translated(form, g, "consent_text", lang);
    return form;
}

/* The sessions and, for an open group, a form per coming session; for a
 * closed group or a camp, one form for the series. */
static void set_sessions(json_t *view, const json_t *g, const json_t *sessions, const char *lang)
{
    const char *id = json_string_value(json_object_get(g, "id"));
    bool series = strcmp(field(g, "access"), "closed") == 0 || strcmp(field(g, "kind"), "camp") == 0;
    json_t *list = json_array(), *forms = json_array(), *s;
    bool full_series = false;
    size_t i;
    json_array_foreach(sessions, i, s) {
        json_t *v = web_session_view(s, lang);
        bool cancelled = json_is_true(json_object_get(v, "cancelled"));
        if (i == 0 && series && json_is_true(json_object_get(v, "limited"))) {
            /* A series has one count of places: said once, by its form. */
            full_series = json_is_true(json_object_get(v, "full"));
            json_object_set(view, "series_room", json_object_get(v, "room"));
        }
        if (series)
            json_object_set_new(v, "limited", json_false());
        if (!series && !cancelled && json_array_size(forms) < SESSION_FORMS) {
            char *action = xasprintf("/%s/sessions/%s/signup", lang, json_string_value(json_object_get(s, "id")));
            char suffix[8];
            snprintf(suffix, sizeof(suffix), "-%zu", json_array_size(forms) + 1);
            json_array_append_new(forms, signup_form(g, lang, action, suffix, json_is_true(json_object_get(v, "full")),
                json_string_value(json_object_get(v, "text")), json_array_size(forms) == 0));
            free(action);
        }
        json_array_append_new(list, v);
    }
    bool archived = json_is_true(json_object_get(g, "archived"));
    if (series && !archived && json_array_size(list) > 0) {
        char *action = xasprintf("/%s/groups/%s/signup", lang, id ? id : "");
        json_array_append_new(forms, signup_form(g, lang, action, "", full_series, NULL, true));
        free(action);
    }
    if (archived)
        json_array_clear(forms);
    json_object_set_new(view, "has_sessions", json_boolean(json_array_size(list) > 0));
    /* The next few in sight, the rest behind a fold: on a phone a dozen dates
     * would push the sign-up form far down. */
    json_t *more = json_array();
    while (json_array_size(list) > SESSIONS_SHOWN) {
        json_array_append(more, json_array_get(list, SESSIONS_SHOWN));
        json_array_remove(list, SESSIONS_SHOWN);
    }
    if (json_array_size(more) > 0) {
        char *label = web_tn(lang, "g_more_sessions", (long)json_array_size(more));
        json_object_set_new(view, "more_sessions_label", json_string(label));
        free(label);
    }
    json_object_set_new(view, "sessions", list);
    json_object_set_new(view, "more_sessions", more);
    json_object_set_new(view, "has_forms", json_boolean(json_array_size(forms) > 0));
    json_object_set_new(view, "forms", forms);
    json_object_set_new(view, "series", json_boolean(series));
}

static json_t *group_view(const json_t *page, const char *lang)
{
    const json_t *g = json_object_get(page, "group"), *org = json_object_get(page, "org");
    const json_t *loc = json_object_get(g, "location");
    json_t *view = json_object();
    set_translated(view, g, "title", lang);
    set_translated(view, g, "description", lang);
    /* The page's title is the group's (a group is not personal data). */
    if (json_object_get(view, "title") == NULL)
        json_object_set_new(view, "title", json_string(""));
    set_word(view, "kind", "kind_", json_string_value(json_object_get(g, "kind")), lang);
    json_object_set_new(view, "access", json_string(web_group_access(g, lang)));
    set_word(view, "modality", "modality_", json_string_value(json_object_get(g, "modality")), lang);
    json_object_set_new(view, "members_only",
        json_boolean(strcmp(field(g, "audience"), "members") == 0));
    json_object_set_new(view, "archived", json_boolean(json_is_true(json_object_get(g, "archived"))));
    char *where = web_group_where(g, lang);
    json_object_set_new(view, "where", json_string(where));
    free(where);
    const char *address = json_string_value(json_object_get(loc, "address"));
    if (address != NULL)
        json_object_set_new(view, "address", json_string(address));
    set_text(view, "venue_accessibility", json_string_value(json_object_get(loc, "accessibility")), lang);
    set_text(view, "cost", json_string_value(json_object_get(g, "cost")), lang);
    const char *url = json_string_value(json_object_get(g, "online_url"));
    if (url != NULL)
        json_object_set_new(view, "online_url", json_string(url));
    json_object_set_new(view, "anonymous_ok", json_boolean(json_is_true(json_object_get(g, "anonymous_ok"))));
    char *langs = word_list(json_object_get(g, "languages"), "language_", lang);
    char *targets = word_list(json_object_get(g, "target_groups"), "target_", lang);
    if (langs != NULL)
        json_object_set_new(view, "languages", json_string(langs));
    if (targets != NULL)
        json_object_set_new(view, "target_groups", json_string(targets));
    free(langs);
    free(targets);
    set_leaders(view, g, lang);
    set_schedule(view, g, lang);
    set_registration(view, g, lang);
    const char *slug = json_string_value(json_object_get(org, "slug"));
    char *org_href = xasprintf("/%s/orgs/%s", lang, slug ? slug : "");
    json_object_set_new(view, "org", json_pack("{s:s?, s:s}", "name",
        json_string_value(json_object_get(org, "name")), "href", org_href));
    free(org_href);
    set_sessions(view, g, json_object_get(page, "sessions"), lang);
    return view;
}

static void got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    const char *lang = ctx->params[0];
    json_t *view = group_view(page, lang);
    json_decref(page);
    web_reply_page(ctx, 200, lang, "group", view);
}

/* ---- a sign-up form that came back ---- */

struct refusal {
    struct req_ctx *ctx;
    bool session; /* the path's id is a session's */
    int status;
    const char *field, *key; /* static */
    char *scope;
};

static void refusal_free(void *p)
{
    struct refusal *rf = p;
    free(rf->scope);
    free(rf);
}

/* The count the person chose, when it is one of the form's choices. */
static int typed_count(const json_t *body, const char *name, int fallback)
{
    const char *v = json_string_value(json_object_get(body, name));
    char *end;
    long n = v != NULL && v[0] != '\0' ? strtol(v, &end, 10) : -1;
    return n >= 0 && n <= PARTY_MAX && *end == '\0' ? (int)n : fallback;
}

/* What the person typed into the form, and the error beside its field. */
static void refill_form(json_t *form, const json_t *body, const char *error_key, const char *text)
{
    json_object_set_new(form, "adults", counts(0, typed_count(body, "adults", 1)));
    json_object_set_new(form, "children", counts(0, typed_count(body, "children", 0)));
    const char *note = json_string_value(json_object_get(body, "note"));
    if (note != NULL && note[0] != '\0')
        json_object_set_new(form, "note", json_string(note));
    json_object_set_new(form, "consent_checked", json_boolean(json_object_get(body, "consent") != NULL));
    json_object_set_new(form, error_key, json_string(text));
    json_object_set_new(form, "open", json_true());
}

/* The form that posted here (its action is the request's path), or NULL. */
static json_t *posted_form(struct req_ctx *ctx, json_t *view)
{
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(ctx->req));
    size_t i;
    json_t *form;
    json_array_foreach(json_object_get(view, "forms"), i, form) {
        const char *action = json_string_value(json_object_get(form, "action"));
        if (path != NULL && action != NULL && strcmp(action, path) == 0)
            return form;
    }
    return NULL;
}

static void refused_loaded_cb(const struct db_result *r, void *arg)
{
    struct refusal *rf = arg;
    struct req_ctx *ctx = rf->ctx;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *view = group_view(page, lang);
    json_t *form = posted_form(ctx, view);
    if (form == NULL) {
        /* The session has no form on the page any more: the words alone. */
        json_decref(page);
        json_decref(view);
        web_signup_error_page(ctx, rf->status, rf->key);
        return;
    }
    const char *text = web_t(lang, rf->key), *suffix = json_string_value(json_object_get(form, "suffix"));
    char error_key[32], anchor[48];
    snprintf(error_key, sizeof(error_key), "%s_error", strcmp(rf->field, "adults") == 0 ? "party" : rf->field);
    snprintf(anchor, sizeof(anchor), "%s%s", rf->field, suffix ? suffix : "");
    refill_form(form, ctx->body, error_key, text);
    json_object_set_new(view, "has_errors", json_true());
    json_object_set_new(view, "errors", json_pack("[{s:s, s:s}]", "field", anchor, "text", text));
    const char *gid = json_string_value(json_object_get(json_object_get(page, "group"), "id"));
    json_object_set_new(view, "page_path", json_sprintf("/groups/%s", gid ? gid : ""));
    json_decref(page);
    web_reply_page(ctx, rf->status, lang, "group", view);
}

static void refused_load(struct refusal *rf)
{
    struct req_ctx *ctx = rf->ctx;
    rf->scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[1], ctx->principal ? ctx->principal->person_id : NULL, rf->scope,
        GROUP_SESSIONS };
    db_pool_query(ctx->srv->pool,
        rf->session ? "SELECT web_group_page((SELECT group_id FROM sessions WHERE id = $1), $2, $3, $4)"
                    : "SELECT web_group_page($1, $2, $3, $4)",
        4, params, refused_loaded_cb, rf);
}

/* The sign-up routes leave the person to their SQL; the page shows who is
 * signed in (the header, what a participant sees), so it is read now. A
 * cookie that does not sign in shows the page signed out. */
static void refused_principal_cb(enum principal_outcome outcome, struct principal *p, void *arg)
{
    struct refusal *rf = arg;
    if (outcome == PRINCIPAL_LOADED)
        rf->ctx->principal = p; /* freed with the request */
    refused_load(rf);
}

void web_group_signup_refused(struct req_ctx *ctx, bool session, int status, const char *field, const char *key)
{
    struct refusal *rf = xcalloc(1, sizeof(*rf));
    rf->ctx = ctx;
    rf->session = session;
    rf->status = status;
    rf->field = field;
    rf->key = key;
    if (ctx->state_free != NULL)
        ctx->state_free(ctx->state); /* the signup's parameters: the pool copied them */
    ctx->state = rf;
    ctx->state_free = refusal_free;
    ctx->error_reply = web_dispatch_html.error_reply; /* the page is gone: the usual error page */
    if (ctx->principal == NULL && ctx->token_hash[0] != '\0')
        principal_load_web_session(ctx->srv->pool, ctx->token_hash, refused_principal_cb, rf);
    else
        refused_load(rf);
}

void web_group(struct req_ctx *ctx)
{
    if (web_page_from_cache(ctx))
        return;
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[1], ctx->principal ? ctx->principal->person_id : NULL, scope,
        GROUP_SESSIONS };
    db_pool_query(ctx->srv->pool, "SELECT web_group_page($1, $2, $3, $4)", 4, params, got_cb, ctx);
    free(scope); /* the pool copied it */
}
