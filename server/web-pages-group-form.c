/* SPDX-License-Identifier: Apache-2.0 */
/* The coordinators' group form, new and edit: every field of the API's
 * group, checked by the API's own rules (group-input.c) and written by its
 * SQL (api_group_create, api_group_update). "Preview" shows the form again
 * with the schedule's next ten meetings and, for a group that has sessions,
 * the API's dry run of the change (what moves, what is added, what goes);
 * a changed schedule is saved only once its change has been shown. A form
 * refused comes back with what was typed and each message beside its
 * field. */
#include "web.h"

#include "api.h"
#include "cal.h"
#include "dispatch.h"
#include "facts.h"
#include "feed-cache.h"
#include "group-input.h"
#include "group-view.h"
#include "occurrences.h"
#include "principal.h"
#include "util.h"
#include "web-manage.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREVIEW_DATES 10
/* A new group's series is made from this far back, as the API's create. */
#define PAST_SECONDS (366 * 24 * 3600)

/* One form request: what was sent, what is wrong, what the preview shows. */
struct group_form {
    struct req_ctx *ctx;
    bool editing;
    bool preview;
    int status;
    json_t *form;        /* the fields, as strings (new) */
    json_t *errs;        /* [{field, key}] */
    json_t *clean;       /* the checked body */
    json_t *next;        /* the preview's dates, or NULL */
    json_t *change;      /* the dry run's schedule_change, or NULL */
    char *schedule_text; /* the schedule being saved, as compact JSON, or NULL */
    char *clean_text;
    char *scope;
    struct occurrence_params occ;
    char horizon[32];
    bool saved;
    bool saved_full;      /* saved, and what was lowered is over-full now */
    bool ask_capacity;    /* refused: lowering the capacity below the seats taken */
    bool confirm_capacity; /* the form says it means that */
};

static void group_form_free(void *p)
{
    struct group_form *f = p;
    json_decref(f->form);
    json_decref(f->errs);
    json_decref(f->clean);
    json_decref(f->next);
    json_decref(f->change);
    free(f->schedule_text);
    free(f->clean_text);
    free(f->scope);
    occurrences_free(&f->occ);
    free(f);
}

static struct group_form *group_form_new(struct req_ctx *ctx, bool editing, json_t *form)
{
    struct group_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->editing = editing;
    f->status = 200;
    f->form = form;
    f->errs = json_array();
    ctx->state = f;
    ctx->state_free = group_form_free;
    return f;
}

static const char *org_slug(const struct group_form *f)
{
    return f->editing ? f->ctx->facts->target.org_slug : f->ctx->params[1];
}

/* ---- the page ---- */

static const char *str_or(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *change_item(
    const json_t *item, const char *lang, const char *starts, const char *ends)
{
    char text[120];
    const char *s = json_string_value(json_object_get(item, starts));
    if (web_format_session(
            lang, s, json_string_value(json_object_get(item, ends)), text, sizeof(text)) != 0)
        snprintf(text, sizeof(text), "%s", s ? s : "");
    return json_pack("{s:s, s:s?}", "text", text, "datetime", s);
}

/* The dry run's lists in words: moved (from, to), added, removed (deleted,
 * or cancelled because something hangs on it). */
static json_t *change_view(const json_t *change, const char *lang)
{
    json_t *moved = json_array(), *added = json_array(), *removed = json_array(), *it;
    size_t i;
    json_array_foreach(json_object_get(change, "moved"), i, it)
    {
        json_t *v = change_item(it, lang, "starts_at", "ends_at");
        json_object_set_new(v, "old", change_item(it, lang, "old_starts_at", "old_ends_at"));
        json_object_set_new(v, "cancelled",
            json_boolean(strcmp(str_or(json_object_get(it, "status")), "cancelled") == 0));
        json_array_append_new(moved, v);
    }
    json_array_foreach(json_object_get(change, "added"), i, it)
        json_array_append_new(added, change_item(it, lang, "starts_at", "ends_at"));
    json_array_foreach(json_object_get(change, "removed"), i, it)
    {
        json_t *v = change_item(it, lang, "starts_at", "ends_at");
        json_object_set_new(v, "kept_cancelled",
            json_boolean(strcmp(str_or(json_object_get(it, "action")), "cancelled") == 0));
        json_array_append_new(removed, v);
    }
    bool none = json_array_size(moved) + json_array_size(added) + json_array_size(removed) == 0;
    return json_pack("{s:o, s:o, s:o, s:b, s:b, s:b, s:b}", "moved", moved, "added", added,
        "removed", removed, "has_moved", json_array_size(moved) > 0, "has_added",
        json_array_size(added) > 0, "has_removed", json_array_size(removed) > 0, "nothing", none);
}

static json_t *form_page_view(struct group_form *f, const json_t *page)
{
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0], *slug = org_slug(f);
    json_t *view = web_group_form_view(f->form, f->errs, json_object_get(page, "people"), lang);
    json_object_set_new(
        view, "title", json_string(web_t(lang, f->editing ? "gf_title_edit" : "gf_title_new")));
    json_object_set_new(view, "org_name",
        json_string(str_or(json_object_get(json_object_get(page, "org"), "name"))));
    json_object_set_new(view, "manage_href", json_sprintf("/%s/orgs/%s/manage", lang, slug));
    json_object_set_new(view, "editing", json_boolean(f->editing));
    if (f->editing) {
        const char *id = ctx->params[1];
        const json_t *g = json_object_get(page, "group");
        json_object_set_new(view, "action", json_sprintf("/%s/groups/%s/edit", lang, id));
        json_object_set_new(view, "group_href", json_sprintf("/%s/groups/%s", lang, id));
        json_object_set_new(view, "archive_href", json_sprintf("/%s/groups/%s/archive", lang, id));
        json_object_set_new(
            view, "archived", json_boolean(json_is_true(json_object_get(g, "archived"))));
        json_object_set_new(view, "page_path", json_sprintf("/groups/%s/edit", id));
    } else {
        json_object_set_new(
            view, "action", json_sprintf("/%s/orgs/%s/manage/groups/new", lang, slug));
        json_object_set_new(view, "page_path", json_sprintf("/orgs/%s/manage/groups/new", slug));
    }
    json_object_set_new(view, "saved", json_boolean(f->saved && !f->saved_full));
    json_object_set_new(view, "saved_full", json_boolean(f->saved_full));
    json_object_set_new(view, "ask_capacity", json_boolean(f->ask_capacity));
    if (f->next != NULL) {
        json_object_set_new(view, "preview", json_true());
        json_object_set(view, "next_dates", f->next);
        json_object_set_new(view, "has_next_dates", json_boolean(json_array_size(f->next) > 0));
    }
    if (f->change != NULL)
        json_object_set_new(view, "change", change_view(f->change, lang));
    if (f->change != NULL && f->schedule_text != NULL)
        json_object_set_new(view, "checked_schedule", json_string(f->schedule_text));
    return view;
}

static void form_page_cb(const struct db_result *r, void *arg)
{
    struct group_form *f = arg;
    json_t *page = api_row_json(f->ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *view = form_page_view(f, page);
    json_decref(page);
    web_reply_page(f->ctx, f->status, f->ctx->params[0], "group-form", view);
}

/* The form again (its fields, the people who may lead, the org's name). */
static void form_page(struct group_form *f)
{
    const char *params[] = { org_slug(f), f->editing ? f->ctx->params[1] : NULL };
    db_pool_query(
        f->ctx->srv->pool, "SELECT web_group_form_page($1, $2)", 2, params, form_page_cb, f);
}

static void refused(struct group_form *f, const char *api_field, const char *code)
{
    const char *field, *key;
    web_group_form_blame(api_field, f->form, &field, &key);
    if (code != NULL && strcmp(code, "capacity_below_taken") == 0) {
        key = "gf_err_capacity_below_taken";
        f->ask_capacity = true; /* the form offers to lower it anyway */
    }
    json_array_append_new(f->errs, json_pack("{s:s, s:s}", "field", field, "key", key));
    f->status = 422;
    json_decref(f->next);
    json_decref(f->change);
    f->next = f->change = NULL;
    form_page(f);
}

/* A database refusal of a field (422, or 409 about a field) comes back as
 * the form; anything else is the error page. */
static bool refused_by_db(struct group_form *f, const struct db_result *r)
{
    if (r->status != DB_ERROR ||
        (strcmp(r->sqlstate, "PI422") != 0 && strcmp(r->sqlstate, "PI409") != 0))
        return false;
    const char *field = PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL);
    if (field == NULL || field[0] == '\0')
        return false;
    refused(f, field, PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY));
    return true;
}

/* Did the statement fail? Then its error has been answered: a field's as
 * the form, anything else as the error page. */
static bool failed(struct group_form *f, const struct db_result *r)
{
    if (r->status == DB_OK)
        return false;
    if (!refused_by_db(f, r))
        api_reply_db_error(f->ctx, r);
    return true;
}

/* ---- reading what was sent ---- */

/* The body the form makes, checked by the API's rules; NULL when the form
 * came back (replied). */
static json_t *checked_body(struct group_form *f)
{
    struct invalid inv;
    json_t *body = web_group_body_from_form(f->form, f->errs), *clean;
    if (body == NULL) {
        f->status = 422;
        form_page(f);
        return NULL;
    }
    if (f->editing) {
        /* The same schedule is not sent: a PATCH of it re-times the sessions
         * and would undo a session moved by hand. */
        json_t *stored = web_group_form_from_group(f->ctx->facts->loaded);
        json_t *errs = json_array(), *was = web_schedule_from_form(stored, errs);
        if (was != NULL && json_equal(was, json_object_get(body, "schedule")))
            json_object_del(body, "schedule");
        json_decref(was);
        json_decref(errs);
        json_decref(stored);
    }
    int rc = group_input_parse(body, f->editing, &clean, &inv);
    json_decref(body);
    if (rc != 0) {
        refused(f, inv.field, NULL);
        return NULL;
    }
    json_t *merged = json_deep_copy(f->editing ? f->ctx->facts->loaded : clean);
    if (f->editing)
        json_object_update(merged, clean);
    rc = group_input_check_whole(merged, &inv);
    json_decref(merged);
    if (rc != 0) {
        json_decref(clean);
        refused(f, inv.field, NULL);
        return NULL;
    }
    return clean;
}

/* The schedule's sessions up to the horizon, as the API's create and
 * update expand them. */
static int expand(struct group_form *f, int64_t from)
{
    json_t *schedule = json_object_get(f->clean, "schedule");
    int64_t now = (int64_t)time(NULL);
    occurrences_format_utc(now + HORIZON_SECONDS, f->horizon);
    if (!json_is_object(schedule))
        return 0;
    if (occurrences_expand(schedule, from, now + HORIZON_SECONDS, &f->occ) != 0) {
        refused(f, "schedule", NULL);
        return -1;
    }
    return 0;
}

static bool wants_preview(const struct req_ctx *ctx)
{
    const char *a = json_string_value(json_object_get(ctx->body, "step"));
    return a != NULL && strcmp(a, "preview") == 0;
}

/* The fields sent, without what is not a field (csrf, the buttons). */
static json_t *sent_fields(struct req_ctx *ctx)
{
    json_t *form = json_deep_copy(ctx->body);
    json_object_del(form, "csrf");
    json_object_del(form, "step");
    json_object_del(form, "checked_schedule");
    json_object_del(form, "confirm_capacity");
    return form;
}

/* ---- a new group ---- */

void web_group_new_page(struct req_ctx *ctx)
{
    form_page(group_form_new(ctx, false, web_group_form_defaults()));
}

static void created_cb(const struct db_result *r, void *arg)
{
    struct group_form *f = arg;
    if (failed(f, r))
        return;
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    const char *id = json_string_value(json_object_get(json_object_get(answer, "group"), "id"));
    char *to = xasprintf("/%s/groups/%s/edit?saved=1", f->ctx->params[0], id ? id : "");
    json_decref(answer);
    web_see_other(f->ctx, to);
    free(to);
}

void web_group_new(struct req_ctx *ctx)
{
    struct group_form *f = group_form_new(ctx, false, sent_fields(ctx));
    if ((f->clean = checked_body(f)) == NULL)
        return;
    if (wants_preview(ctx)) {
        f->next = web_schedule_next(json_object_get(f->clean, "schedule"), (int64_t)time(NULL),
            PREVIEW_DATES, ctx->params[0]);
        form_page(f);
        return;
    }
    if (expand(f, (int64_t)time(NULL) - PAST_SECONDS) != 0)
        return;
    f->clean_text = json_dumps(f->clean, JSON_COMPACT);
    f->scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[1], f->clean_text, f->occ.starts, f->occ.ends, f->horizon,
        ctx->principal->person_id, f->scope };
    db_pool_query(ctx->srv->pool, "SELECT api_group_create($1, $2, $3, $4, $5, $6, $7)", 7, params,
        created_cb, f);
}

/* ---- editing ---- */

void web_group_edit_page(struct req_ctx *ctx)
{
    struct group_form *f = group_form_new(ctx, true, web_group_form_from_group(ctx->facts->loaded));
    const char *saved = http_query_param(ctx, "saved");
    f->saved = saved != NULL;
    f->saved_full = saved != NULL && strcmp(saved, "full") == 0;
    form_page(f);
}

static void updated_cb(const struct db_result *r, void *arg)
{
    struct group_form *f = arg;
    if (failed(f, r))
        return;
    feed_cache_invalidate(); /* as the API's change: this worker's feeds at once */
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    /* A capacity lowered below the seats taken: the page says the group is
     * full until places free up, and that nobody lost theirs. */
    bool full = json_array_size(json_object_get(answer, "over_capacity")) > 0;
    json_decref(answer);
    char *to = xasprintf(
        "/%s/groups/%s/edit?saved=%s", f->ctx->params[0], f->ctx->params[1], full ? "full" : "1");
    web_see_other(f->ctx, to);
    free(to);
}

static void dry_run_cb(const struct db_result *r, void *arg)
{
    struct group_form *f = arg;
    if (failed(f, r))
        return;
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    f->change = json_incref(json_object_get(answer, "schedule_change"));
    if (f->change == NULL)
        f->change = json_object();
    json_decref(answer);
    form_page(f);
}

/* Has this very schedule's change been shown on the form that was sent? */
static bool change_shown(struct group_form *f)
{
    const char *shown = json_string_value(json_object_get(f->ctx->body, "checked_schedule"));
    return shown != NULL && f->schedule_text != NULL && strcmp(shown, f->schedule_text) == 0;
}

void web_group_edit(struct req_ctx *ctx)
{
    struct group_form *f = group_form_new(ctx, true, sent_fields(ctx));
    const char *confirm = json_string_value(json_object_get(ctx->body, "confirm_capacity"));
    f->confirm_capacity = confirm != NULL && strcmp(confirm, "yes") == 0;
    if ((f->clean = checked_body(f)) == NULL)
        return;
    json_t *schedule = json_object_get(f->clean, "schedule");
    if (schedule != NULL)
        f->schedule_text = json_dumps(schedule, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    /* A new schedule is saved only after its change was seen. */
    f->preview = wants_preview(ctx) || (schedule != NULL && !change_shown(f));
    if (f->preview)
        f->next = web_schedule_next(
            json_is_object(schedule) ? schedule : json_object_get(ctx->facts->loaded, "schedule"),
            (int64_t)time(NULL), PREVIEW_DATES, ctx->params[0]);
    if (schedule != NULL && expand(f, (int64_t)time(NULL)) != 0)
        return;
    if (f->preview && schedule == NULL) {
        form_page(f);
        return;
    }
    f->clean_text = json_dumps(f->clean, JSON_COMPACT);
    f->scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[1], f->clean_text, f->occ.starts, f->occ.ends,
        f->horizon[0] ? f->horizon : NULL, ctx->principal->person_id, f->scope,
        f->confirm_capacity ? "true" : "false" };
    db_pool_query(ctx->srv->pool,
        f->preview ? "SELECT api_group_update_dry_run($1, $2, $3, $4, $5, $6, $7, $8)"
                   : "SELECT api_group_update($1, $2, $3, $4, $5, $6, $7, $8)",
        8, params, f->preview ? dry_run_cb : updated_cb, f);
}
