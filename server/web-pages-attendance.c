/* SPDX-License-Identifier: Apache-2.0 */
/* The leader's attendance page, made for a phone at the meeting: the
 * session on top, the expected people each with present / absent /
 * excused, drop-ins by name, walk-ins with - and +, my volunteer hours and
 * when the attendance was last saved. Every control is a form (POST, then
 * 303 back to the page) through the API's SQL functions, each one safe to
 * send again: records and hours are set, not added; a drop-in and a walk-in
 * change carry an id made when the page was drawn. app.js saves the same
 * changes through the JSON API and queues them while offline. Authorized
 * on the session's facts as the API is (AUTHZ_GROUP_PEOPLE). */
#include "web.h"

#include "api.h"
#include "group-view.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOURS_MAX 10000.0
#define WALK_IN_DELTA_MAX 100

static const char *page_lang(const struct req_ctx *ctx)
{
    return ctx->params[0];
}

/* A new random (version 4) UUID, for the ids a form sends back. */
static void new_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
        b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    if (text != NULL)
        json_object_set_new(view, key, json_string(text));
    free(text);
}

/* "18.05" (fi, sv) or "18:05" (en) of an RFC 3339 time, or NULL. */
static char *clock_text(const char *rfc3339, const char *lang)
{
    struct web_wall w;
    char buf[16];
    if (rfc3339 == NULL || web_wall_parse(rfc3339, &w) != 0)
        return NULL;
    web_format_time(lang, w.hour, w.minute, false, buf, sizeof(buf));
    return xstrdup(buf);
}

/* ---- the page ---- */

/* The three choices of one person, the recorded one checked. */
static json_t *status_options(const char *status, const char *idbase, const char *lang)
{
    json_t *opts = json_array();
    for (const char *const *s = attendance_statuses; *s != NULL; s++) {
        char key[32];
        snprintf(key, sizeof(key), "att_%s", *s);
        json_array_append_new(opts, json_pack("{s:s, s:s, s:s+, s:b}", "value", *s, "label", web_t(lang, key),
            "id", idbase, *s, "checked", status != NULL && strcmp(status, *s) == 0));
    }
    return opts;
}

/* What is recorded of a person, in words: "Merkitty: paikalla", "Ei merkitty". */
static char *status_words(const char *status, const char *lang)
{
    if (status == NULL)
        return xstrdup(web_t(lang, "att_state_none"));
    char key[32];
    snprintf(key, sizeof(key), "att_%s", status);
    return xasprintf("%s %s", web_t(lang, "att_state_label"), web_t(lang, key));
}

/* One person to mark: a participant (kind "records", by person id) or a
 * guest signup ("signups", by signup id). */
static json_t *person_view(struct req_ctx *ctx, const char *kind, const char *id, const char *name,
    const char *status, const json_t *expected)
{
    const char *lang = page_lang(ctx);
    char idbase[64]; /* "r<person id>-": the ids of the person's elements */
    snprintf(idbase, sizeof(idbase), "%c%.36s-", kind[0], id);
    json_t *v = json_pack("{s:s, s:s, s:s, s:o}", "id", id, "name", name ? name : "", "kind", kind, "options",
        status_options(status, idbase, lang));
    json_object_set_new(v, "legend_id", json_sprintf("%slegend", idbase));
    json_object_set_new(v, "state_id", json_sprintf("%sstate", idbase));
    set_text(v, "state_text", status_words(status, lang));
    set_text(v, "action", xasprintf("/%s/sessions/%s/attendance/%s/%s", lang, ctx->params[1], kind, id));
    set_text(v, "api", xasprintf("/api/v1/sessions/%s/attendance/%s/%s", ctx->params[1], kind, id));
    if (json_is_true(json_object_get(expected, "absence_notice"))) {
        json_object_set_new(v, "absence_notice", json_true());
        const char *reason = json_string_value(json_object_get(expected, "absence_reason"));
        if (reason != NULL)
            json_object_set_new(v, "absence_reason", json_string(reason));
    }
    return v;
}

/* The status recorded for person_id among records, or NULL. */
static const char *record_of(const json_t *records, const char *person_id)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "person_id")) ?: "", person_id) == 0)
            return json_string_value(json_object_get(r, "status"));
    }
    return NULL;
}

static json_t *people_view(struct req_ctx *ctx, const json_t *att)
{
    json_t *people = json_array(), *x;
    const json_t *records = json_object_get(att, "records");
    size_t i;
    json_array_foreach(json_object_get(att, "expected"), i, x) {
        const char *pid = json_string_value(json_object_get(x, "person_id"));
        if (pid == NULL)
            continue;
        json_array_append_new(people, person_view(ctx, "records", pid,
            json_string_value(json_object_get(x, "display_name")), record_of(records, pid), x));
    }
    json_array_foreach(json_object_get(att, "guest_signups"), i, x) {
        const char *sid = json_string_value(json_object_get(x, "signup_id"));
        if (sid == NULL)
            continue;
        json_array_append_new(people, person_view(ctx, "signups", sid,
            json_string_value(json_object_get(x, "display_name")), json_string_value(json_object_get(x, "status")),
            NULL));
    }
    return people;
}

static json_t *drop_ins_view(struct req_ctx *ctx, const json_t *att)
{
    json_t *out = json_array(), *d;
    size_t i;
    json_array_foreach(json_object_get(att, "drop_ins"), i, d) {
        const char *id = json_string_value(json_object_get(d, "id"));
        json_t *v = json_pack("{s:s}", "name", json_string_value(json_object_get(d, "display_name")) ?: "");
        set_text(v, "remove_action", xasprintf("/%s/sessions/%s/attendance/drop-ins/%s/remove", page_lang(ctx),
                                         ctx->params[1], id ? id : ""));
        set_text(v, "api", xasprintf("/api/v1/sessions/%s/attendance/drop-ins/%s", ctx->params[1], id ? id : ""));
        json_array_append_new(out, v);
    }
    return out;
}

/* My own hours ("1.5"), "" when none. */
static char *my_hours(const json_t *att, const char *me)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(att, "volunteer_hours_by_leader"), i, h) {
        if (strcmp(json_string_value(json_object_get(h, "person_id")) ?: "", me) == 0) {
            char buf[32];
            snprintf(buf, sizeof(buf), "%g", json_number_value(json_object_get(h, "hours")));
            return xstrdup(buf);
        }
    }
    return xstrdup("");
}

/* The marking part: only for a session that has started and is not cancelled. */
static void add_marking(struct req_ctx *ctx, json_t *view, const json_t *att)
{
    const char *lang = page_lang(ctx), *sid = ctx->params[1];
    char walk_minus[37], walk_plus[37], drop_in[37];
    new_uuid(walk_minus);
    new_uuid(walk_plus);
    new_uuid(drop_in);
    json_t *people = people_view(ctx, att), *drop_ins = drop_ins_view(ctx, att);
    json_object_set_new(view, "has_people", json_boolean(json_array_size(people) > 0));
    json_object_set_new(view, "people", people);
    json_object_set_new(view, "has_drop_ins", json_boolean(json_array_size(drop_ins) > 0));
    json_object_set_new(view, "drop_ins", drop_ins);
    json_object_set_new(view, "walk_ins", json_integer(json_integer_value(json_object_get(att, "walk_ins"))));
    json_object_set_new(view, "walk_minus_id", json_string(walk_minus));
    json_object_set_new(view, "walk_plus_id", json_string(walk_plus));
    json_object_set_new(view, "drop_in_id", json_string(drop_in));
    set_text(view, "my_hours", my_hours(att, ctx->principal->person_id));
    set_text(view, "action_base", xasprintf("/%s/sessions/%s/attendance", lang, sid));
    set_text(view, "api_base", xasprintf("/api/v1/sessions/%s/attendance", sid));
}

static void attendance_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    const char *lang = page_lang(ctx), *title_lang = NULL;
    const json_t *group = json_object_get(page, "group"), *att = json_object_get(page, "attendance");
    const char *title = web_group_text(group, "title", lang, &title_lang);
    bool started = json_is_true(json_object_get(page, "started"));
    bool cancelled = json_is_true(json_object_get(page, "cancelled"));
    json_t *view = json_pack("{s:s, s:s, s:b, s:b, s:b}", "title", web_t(lang, "att_title"), "group_title",
        title ? title : "", "cancelled", cancelled, "not_started", !started && !cancelled, "open",
        started && !cancelled);
    if (title_lang != NULL)
        json_object_set_new(view, "group_title_lang", json_string(title_lang));
    json_t *session = web_session_view(json_object_get(page, "session"), lang);
    json_object_set_new(view, "session", session);
    set_text(view, "where_text", web_group_where(group, lang));
    const char *gid = json_string_value(json_object_get(group, "id"));
    set_text(view, "group_href", xasprintf("/%s/groups/%s", lang, gid ? gid : ""));
    char *at = clock_text(json_string_value(json_object_get(page, "changed_at")), lang);
    if (at != NULL) {
        const char *tpl = web_t(lang, "att_saved_at"), *p = strstr(tpl, "{time}");
        set_text(view, "saved_text", p ? xasprintf("%.*s%s%s", (int)(p - tpl), tpl, at, p + 6) : xstrdup(tpl));
    } else
        json_object_set_new(view, "saved_text", json_string(web_t(lang, "att_nothing_saved")));
    free(at);
    if (started && !cancelled)
        add_marking(ctx, view, att);
    json_decref(page);
    web_reply_page(ctx, 200, lang, "attendance", view);
}

struct att_page {
    char *scope;
};

static void att_page_free(void *p)
{
    struct att_page *a = p;
    free(a->scope);
    free(a);
}

void web_attendance(struct req_ctx *ctx)
{
    struct att_page *a = xcalloc(1, sizeof(*a));
    a->scope = group_view_scope(ctx->principal);
    ctx->state = a;
    ctx->state_free = att_page_free;
    const char *params[] = { ctx->params[1], ctx->principal->person_id, a->scope };
    db_pool_query(ctx->srv->pool, "SELECT web_attendance_page($1, $2, $3)", 3, params, attendance_loaded_cb, ctx);
}

/* ---- the forms: each a change, then 303 back to the page ---- */

static void back_to_page(struct req_ctx *ctx)
{
    char *to = xasprintf("/%s/sessions/%s/attendance", page_lang(ctx), ctx->params[1]);
    web_see_other(ctx, to);
    free(to);
}

static void changed_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    back_to_page(ctx);
}

static const char *form_field(const struct req_ctx *ctx, const char *name)
{
    return json_string_value(json_object_get(ctx->body, name));
}

static void reply_invalid(struct req_ctx *ctx, const char *field, const char *message)
{
    struct invalid inv = { field, message };
    api_reply_invalid(ctx, &inv);
}

/* A status field: present, absent, excused; or "" (nothing recorded). */
static int form_status(struct req_ctx *ctx, const char **out)
{
    const char *s = form_field(ctx, "status");
    *out = NULL;
    if (s == NULL || s[0] == '\0')
        return 0;
    for (const char *const *k = attendance_statuses; *k != NULL; k++) {
        if (strcmp(*k, s) == 0) {
            *out = *k;
            return 0;
        }
    }
    return -1;
}

static void mark_from_form(struct req_ctx *ctx, const char *sql)
{
    const char *status;
    if (form_status(ctx, &status) != 0) {
        reply_invalid(ctx, "status", "must be present, absent or excused");
        return;
    }
    if (status == NULL) {
        back_to_page(ctx); /* a form sent without a choice changes nothing */
        return;
    }
    const char *params[] = { ctx->params[1], ctx->params[2], status, ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, sql, 4, params, changed_cb, ctx);
}

void web_attendance_record(struct req_ctx *ctx)
{
    mark_from_form(ctx, "SELECT api_attendance_record_set($1, $2, $3, $4) IS NOT NULL");
}

void web_attendance_signup(struct req_ctx *ctx)
{
    mark_from_form(ctx, "SELECT api_attendance_signup_set($1, $2, $3, $4) IS NOT NULL");
}

/* A guest by name under the form's drop_in_id (made when the page was
 * drawn, so a form sent twice adds one drop-in). */
void web_attendance_drop_in(struct req_ctx *ctx)
{
    const char *id = form_field(ctx, "drop_in_id");
    const char *name;
    struct invalid inv;
    if (id == NULL || !valid_uuid(id, strlen(id))) {
        reply_invalid(ctx, "drop_in_id", "must be the id the page gave");
        return;
    }
    if (json_display_name(ctx->body, true, &name, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[1], id, NULL, name, ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_attendance_drop_in_put($1, $2, $3, $4, $5) IS NOT NULL", 5, params,
        changed_cb, ctx);
}

void web_attendance_drop_in_remove(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], ctx->params[2] };
    db_pool_query(ctx->srv->pool, "SELECT api_attendance_drop_in_delete($1, $2)", 2, params, changed_cb, ctx);
}

/* One press of - or + (delta) under the form's change_id. */
void web_attendance_walk_ins(struct req_ctx *ctx)
{
    const char *id = form_field(ctx, "change_id"), *d = form_field(ctx, "delta");
    char *end = NULL;
    long n = d ? strtol(d, &end, 10) : 0;
    if (id == NULL || !valid_uuid(id, strlen(id))) {
        reply_invalid(ctx, "change_id", "must be the id the page gave");
        return;
    }
    if (d == NULL || *d == '\0' || *end != '\0' || n == 0 || n < -WALK_IN_DELTA_MAX || n > WALK_IN_DELTA_MAX) {
        reply_invalid(ctx, "delta", "must be a whole number from -100 to 100, not 0");
        return;
    }
    char delta[16];
    snprintf(delta, sizeof(delta), "%ld", n);
    const char *params[] = { ctx->params[1], id, delta, ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_attendance_walk_in_change($1, $2, $3, $4) IS NOT NULL", 4, params,
        changed_cb, ctx);
}

/* My hours: "1.5" or "1,5" as people write it; empty or 0 removes them. */
void web_attendance_hours(struct req_ctx *ctx)
{
    const char *h = form_field(ctx, "hours");
    char buf[32], *end;
    if (h == NULL || strlen(h) >= sizeof(buf)) {
        reply_invalid(ctx, "hours", "must be a number of hours, 0 or more");
        return;
    }
    snprintf(buf, sizeof(buf), "%s", h);
    for (char *p = buf; *p; p++)
        *p = *p == ',' ? '.' : *p;
    double v = buf[0] == '\0' ? 0 : strtod(buf, &end);
    if (buf[0] != '\0' && (*end != '\0' || !(v >= 0 && v <= HOURS_MAX))) {
        reply_invalid(ctx, "hours", "must be a number of hours, 0 or more");
        return;
    }
    snprintf(buf, sizeof(buf), "%.2f", v);
    const char *params[] = { ctx->params[1], NULL, buf, ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_attendance_patch($1, $2, $3, $4) IS NOT NULL", 4, params, changed_cb,
        ctx);
}
