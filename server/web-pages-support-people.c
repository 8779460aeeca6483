/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's supporters: the list (status, room and load, training
 * and the refresher said in words when it is due soon or overdue), adding
 * one of the org's members, and a supporter's form (profile, training and
 * refresher, the pledge, status, room). The form's fields become the API's
 * supporter body, checked by the API's rules (matching-input.c) and stored
 * by its SQL (api_supporter_create, api_supporter_update); a field the
 * API blames comes back beside its field. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "matching-input.h"
#include "util.h"
#include "web-support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const modes[] = { "in_person", "phone", "whatsapp", "teams", "video", NULL };
static const char *const statuses[] = { "active", "paused", "retired", NULL };

/* One form request: the fields sent (or the record's), the field blamed. */
struct supporter_form {
    struct req_ctx *ctx;
    bool adding;
    int status;
    json_t *form;      /* {name: string} */
    const char *field; /* blamed, or NULL */
    const char *key;   /* its message */
};

static void supporter_form_free(void *p)
{
    struct supporter_form *f = p;
    json_decref(f->form);
    free(f);
}

static struct supporter_form *supporter_form_new(struct req_ctx *ctx, bool adding, json_t *form)
{
    struct supporter_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->adding = adding;
    f->status = 200;
    f->form = form;
    ctx->state = f;
    ctx->state_free = supporter_form_free;
    return f;
}

static const char *form_str(const json_t *form, const char *name)
{
    const char *s = json_string_value(json_object_get(form, name));
    return s ? s : "";
}

/* ---- the form's fields from a record, and the API's body from them ---- */

static void put(json_t *form, const char *name, const json_t *v)
{
    if (json_is_string(v))
        json_object_set_new(form, name, json_string(json_string_value(v)));
    else if (json_is_integer(v))
        json_object_set_new(form, name, json_sprintf("%lld", (long long)json_integer_value(v)));
}

static json_t *form_from_record(const json_t *s)
{
    json_t *form = json_object();
    put(form, "public_name", json_object_get(s, "public_name"));
    put(form, "bio", json_object_get(s, "bio"));
    char *t = web_support_join(json_object_get(s, "topics"));
    json_object_set_new(form, "topics", json_string(t));
    free(t);
    t = web_support_join(json_object_get(s, "municipalities"));
    json_object_set_new(form, "municipalities", json_string(t));
    free(t);
    t = web_support_join(json_object_get(s, "languages"));
    json_object_set_new(form, "languages", json_string(t));
    free(t);
    const json_t *m;
    size_t i;
    json_array_foreach(json_object_get(s, "contact_modes"), i, m)
    {
        char name[40];
        snprintf(name, sizeof(name), "mode_%s", json_string_value(m) ?: "");
        json_object_set_new(form, name, json_string("yes"));
    }
    put(form, "max_active", json_object_get(s, "max_active"));
    put(form, "status", json_object_get(s, "status"));
    const json_t *tr = json_object_get(s, "training"), *pl = json_object_get(s, "pledge");
    put(form, "training_course", json_object_get(tr, "course"));
    put(form, "training_completed_on", json_object_get(tr, "completed_on"));
    put(form, "training_refresher_due", json_object_get(tr, "refresher_due"));
    put(form, "pledge_version", json_object_get(pl, "version"));
    put(form, "pledge_signed_on", json_object_get(pl, "signed_on"));
    return form;
}

/* A field's trimmed text as a JSON string, or null when empty. */
static json_t *text_or_null(const json_t *form, const char *name)
{
    const char *s = form_str(form, name);
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return n > 0 ? json_stringn(s, n) : json_null();
}

/* "a, b ,c" as ["a", "b", "c"] (empty items left out). */
static json_t *list_of(const json_t *form, const char *name, bool lower)
{
    json_t *out = json_array();
    char *copy = xstrdup(form_str(form, name)), *rest = NULL;
    for (char *tok = strtok_r(copy, ",", &rest); tok != NULL; tok = strtok_r(NULL, ",", &rest)) {
        while (isspace((unsigned char)*tok))
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && isspace((unsigned char)tok[n - 1]))
            tok[--n] = '\0';
        for (char *c = tok; lower && *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (n > 0)
            json_array_append_new(out, json_string(tok));
    }
    free(copy);
    return out;
}

static json_t *object_or_null(json_t *o, const char *k1, const char *k2, const char *k3)
{
    bool any = !json_is_null(json_object_get(o, k1)) || !json_is_null(json_object_get(o, k2)) ||
               (k3 != NULL && !json_is_null(json_object_get(o, k3)));
    if (any)
        return o;
    json_decref(o);
    return json_null();
}

/* The API's supporter body from the form; NULL with f->field when a field
 * cannot be read as the API's (a room that is no number). */
static json_t *body_from_form(struct supporter_form *f)
{
    const json_t *form = f->form;
    json_t *b = json_object();
    if (f->adding)
        json_object_set_new(b, "person_id", text_or_null(form, "person_id"));
    json_t *name = text_or_null(form, "public_name");
    if (!json_is_null(name) || f->adding)
        json_object_set_new(b, "public_name", name);
    else
        json_decref(name);
    json_object_set_new(b, "languages", list_of(form, "languages", true));
    json_t *m = json_array();
    for (int i = 0; modes[i] != NULL; i++) {
        char key[40];
        snprintf(key, sizeof(key), "mode_%s", modes[i]);
        if (json_object_get(form, key) != NULL)
            json_array_append_new(m, json_string(modes[i]));
    }
    json_object_set_new(b, "contact_modes", m);
    if (f->adding)
        return b;
    json_object_set_new(b, "bio", text_or_null(form, "bio"));
    json_object_set_new(b, "topics", list_of(form, "topics", false));
    json_object_set_new(b, "municipalities", list_of(form, "municipalities", false));
    const char *room = form_str(form, "max_active");
    char *end = NULL;
    long n = strtol(room, &end, 10);
    if (room[0] == '\0' || *end != '\0' || n < 1 || n > 50) {
        json_decref(b);
        f->field = "max_active";
        f->key = "mm_err_max_active";
        return NULL;
    }
    json_object_set_new(b, "max_active", json_integer(n));
    json_object_set_new(b, "status", json_string(form_str(form, "status")));
    json_object_set_new(b, "training",
        object_or_null(json_pack("{s:o, s:o, s:o}", "course", text_or_null(form, "training_course"),
                           "completed_on", text_or_null(form, "training_completed_on"),
                           "refresher_due", text_or_null(form, "training_refresher_due")),
            "course", "completed_on", "refresher_due"));
    json_object_set_new(b, "pledge",
        object_or_null(json_pack("{s:o, s:o}", "version", text_or_null(form, "pledge_version"),
                           "signed_on", text_or_null(form, "pledge_signed_on")),
            "version", "signed_on", NULL));
    return b;
}

/* The form field an API field stands beside ("training.course" is
 * training_course) and its message's key. */
static void blame(struct supporter_form *f, const char *api_field)
{
    static char field[64];
    static char key[80];
    snprintf(field, sizeof(field), "%s", api_field ? api_field : "public_name");
    for (char *c = field; *c; c++)
        if (*c == '.')
            *c = '_';
    snprintf(key, sizeof(key), "mm_err_%s", field);
    f->field = field;
    f->key = key;
}

/* ---- the views ---- */

static json_t *field_view(const struct supporter_form *f, const char *kind, const char *name,
    const char *label_key, const char *hint_key)
{
    const char *lang = f->ctx->params[0];
    char id[48];
    snprintf(id, sizeof(id), "%s", name);
    json_t *v = json_pack("{s:b, s:s, s:s, s:s, s:s}", kind, true, "id", id, "name", name, "label",
        web_t(lang, label_key), "value", form_str(f->form, name));
    json_object_set_new(
        v, "type", json_string(strstr(name, "_on") || strstr(name, "_due") ? "date" : "text"));
    char described[120] = "";
    if (hint_key != NULL) {
        json_object_set_new(v, "hint", json_string(web_t(lang, hint_key)));
        snprintf(described, sizeof(described), "%s-hint", id);
    }
    if (f->field != NULL && strcmp(f->field, name) == 0) {
        json_object_set_new(v, "error", json_string(web_t(lang, f->key)));
        size_t n = strlen(described);
        snprintf(described + n, sizeof(described) - n, "%s%s-error", n ? " " : "", id);
    }
    if (described[0] != '\0')
        json_object_set_new(v, "described", json_string(described));
    return v;
}

static json_t *modes_view(const struct supporter_form *f)
{
    const char *lang = f->ctx->params[0];
    json_t *v = field_view(f, "is_checks", "contact_modes", "mm_field_contact_modes", NULL);
    json_t *opts = json_array();
    for (int i = 0; modes[i] != NULL; i++) {
        char name[40], key[40];
        snprintf(name, sizeof(name), "mode_%s", modes[i]);
        snprintf(key, sizeof(key), "mm_mode_%s", modes[i]);
        json_array_append_new(
            opts, json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", name, "name", name, "value", "yes",
                      "label", web_t(lang, key), "on", json_object_get(f->form, name) != NULL));
    }
    json_object_set_new(v, "options", opts);
    return v;
}

static json_t *status_view(const struct supporter_form *f)
{
    const char *lang = f->ctx->params[0];
    json_t *v = field_view(f, "is_select", "status", "mm_field_status", NULL);
    json_t *opts = json_array();
    for (int i = 0; statuses[i] != NULL; i++)
        json_array_append_new(
            opts, json_pack("{s:s, s:s, s:b}", "value", statuses[i], "label",
                      web_support_word(lang, "mm_supporter_status_", statuses[i]), "on",
                      strcmp(form_str(f->form, "status"), statuses[i]) == 0));
    json_object_set_new(v, "options", opts);
    return v;
}

static json_t *members_view(const struct supporter_form *f, const json_t *members)
{
    const char *lang = f->ctx->params[0];
    json_t *v = field_view(f, "is_select", "person_id", "mm_field_person", NULL);
    json_t *opts = json_pack(
        "[{s:s, s:s, s:b}]", "value", "", "label", web_t(lang, "mm_choose_member"), "on", false);
    const json_t *m;
    size_t i;
    json_array_foreach(members, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "person_id")) ?: "";
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", id, "label",
                                        json_string_value(json_object_get(m, "display_name")) ?: "",
                                        "on", strcmp(form_str(f->form, "person_id"), id) == 0));
    }
    json_object_set_new(v, "options", opts);
    return v;
}

static void add_errors(json_t *view, const struct supporter_form *f)
{
    bool has = f->field != NULL;
    json_object_set_new(view, "has_errors", json_boolean(has));
    json_object_set_new(view, "errors",
        has ? json_pack("[{s:s, s:s}]", "field", f->field, "text", web_t(f->ctx->params[0], f->key))
            : json_array());
}

/* The refresher in words: overdue, due soon, or when. */
static void add_training(json_t *item, const json_t *s, const char *lang)
{
    const json_t *tr = json_object_get(s, "training");
    char day[64];
    if (json_is_object(tr)) {
        web_support_when(
            lang, json_string_value(json_object_get(tr, "completed_on")), false, day, sizeof(day));
        json_object_set_new(item, "training_text",
            json_sprintf("%s%s%s", json_string_value(json_object_get(tr, "course")) ?: "",
                day[0] ? ", " : "", day));
        web_support_when(
            lang, json_string_value(json_object_get(tr, "refresher_due")), false, day, sizeof(day));
        if (day[0] != '\0')
            json_object_set_new(item, "refresher_day", json_string(day));
    }
    const char *state = json_string_value(json_object_get(s, "refresher"));
    if (state != NULL)
        json_object_set_new(
            item, "refresher_state", json_string(web_support_word(lang, "mm_refresher_", state)));
    json_object_set_new(item, "refresher_alert",
        json_boolean(
            state != NULL && (strcmp(state, "overdue") == 0 || strcmp(state, "soon") == 0)));
    const json_t *pl = json_object_get(s, "pledge");
    web_support_when(
        lang, json_string_value(json_object_get(pl, "signed_on")), false, day, sizeof(day));
    json_object_set_new(
        item, "pledge_text", json_string(day[0] ? day : web_t(lang, "mm_pledge_none")));
}

static json_t *supporter_item(const json_t *s, const char *lang, const char *slug)
{
    const char *id = json_string_value(json_object_get(s, "id")) ?: "";
    json_t *item = json_pack("{s:s?, s:s?, s:s, s:o}", "public_name",
        json_string_value(json_object_get(s, "public_name")), "display_name",
        json_string_value(json_object_get(s, "display_name")), "status_text",
        web_support_word(
            lang, "mm_supporter_status_", json_string_value(json_object_get(s, "status"))),
        "href", json_sprintf("/%s/orgs/%s/manage/support/supporters/%s", lang, slug, id));
    char n[16], m[16];
    snprintf(
        n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(s, "active_pairings")));
    snprintf(m, sizeof(m), "%lld", (long long)json_integer_value(json_object_get(s, "max_active")));
    json_object_set_new(item, "load_text", json_sprintf("%s / %s", n, m));
    json_object_set_new(
        item, "not_member", json_boolean(!json_is_true(json_object_get(s, "member"))));
    add_training(item, s, lang);
    return item;
}

static void supporters_got_cb(const struct db_result *r, void *arg)
{
    struct supporter_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    json_t *view = web_support_view(ctx, page, "mm_supporters_title");
    json_t *items = json_array(), *s;
    size_t i;
    json_array_foreach(json_object_get(page, "supporters"), i, s)
        json_array_append_new(items, supporter_item(s, lang, ctx->params[1]));
    json_object_set_new(view, "has_supporters", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "supporters", items);
    const json_t *members = json_object_get(page, "members");
    json_object_set_new(view, "has_members", json_boolean(json_array_size(members) > 0));
    json_object_set_new(view, "add_fields",
        json_pack("[o, o, o, o]", members_view(f, members),
            field_view(f, "is_input", "public_name", "mm_field_public_name", "mm_hint_public_name"),
            field_view(f, "is_input", "languages", "mm_field_languages", "mm_hint_languages"),
            modes_view(f)));
    json_object_set_new(view, "add_action",
        json_sprintf("/%s/orgs/%s/manage/support/supporters", lang, ctx->params[1]));
    add_errors(view, f);
    json_decref(page);
    web_reply_page(ctx, f->status, lang, "support-supporters", view);
}

static void supporters_page(struct supporter_form *f)
{
    const char *params[] = { f->ctx->params[1] };
    db_pool_query(f->ctx->srv->pool, "SELECT web_support_supporters_page($1)", 1, params,
        supporters_got_cb, f);
}

void web_support_supporters(struct req_ctx *ctx)
{
    supporters_page(supporter_form_new(ctx, true, json_pack("{s:s}", "languages", "fi")));
}

static void supporter_got_cb(const struct db_result *r, void *arg)
{
    struct supporter_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    if (f->form == NULL)
        f->form = form_from_record(json_object_get(page, "supporter"));
    json_t *view = web_support_view(ctx, page, "mm_supporter_title");
    json_object_set(view, "display_name", json_object_get(page, "display_name"));
    json_t *profile = json_pack("[o, o, o, o, o, o]",
        field_view(f, "is_input", "public_name", "mm_field_public_name", "mm_hint_public_name"),
        field_view(f, "is_textarea", "bio", "mm_field_bio", NULL),
        field_view(f, "is_input", "topics", "mm_field_topics", "mm_hint_commas"),
        field_view(f, "is_input", "municipalities", "mm_field_municipalities", "mm_hint_commas"),
        field_view(f, "is_input", "languages", "mm_field_languages", "mm_hint_languages"),
        modes_view(f));
    json_t *room = json_pack("[o, o]",
        field_view(f, "is_input", "max_active", "mm_field_max_active", "mm_hint_max_active"),
        status_view(f));
    json_t *training = json_pack("[o, o, o]",
        field_view(f, "is_input", "training_course", "mm_field_training_course", NULL),
        field_view(f, "is_input", "training_completed_on", "mm_field_training_completed_on", NULL),
        field_view(
            f, "is_input", "training_refresher_due", "mm_field_training_refresher_due", NULL));
    json_t *pledge = json_pack("[o, o]",
        field_view(f, "is_input", "pledge_version", "mm_field_pledge_version", NULL),
        field_view(
            f, "is_input", "pledge_signed_on", "mm_field_pledge_signed_on", "mm_hint_pledge"));
    json_object_set_new(view, "fieldsets",
        json_pack("[{s:s, s:o}, {s:s, s:o}, {s:s, s:o}, {s:s, s:o}]", "legend",
            web_t(lang, "mm_fs_profile"), "fields", profile, "legend", web_t(lang, "mm_fs_room"),
            "fields", room, "legend", web_t(lang, "mm_fs_training"), "fields", training, "legend",
            web_t(lang, "mm_fs_pledge"), "fields", pledge));
    json_object_set_new(view, "action",
        json_sprintf(
            "/%s/orgs/%s/manage/support/supporters/%s", lang, ctx->params[1], ctx->params[2]));
    json_object_set_new(
        view, "saved", json_boolean(f->field == NULL && http_query_param(ctx, "saved") != NULL));
    add_errors(view, f);
    json_decref(page);
    web_reply_page(ctx, f->status, lang, "support-supporter", view);
}

static void supporter_page(struct supporter_form *f)
{
    const char *params[] = { f->ctx->params[1], f->ctx->params[2] };
    db_pool_query(f->ctx->srv->pool, "SELECT web_support_supporter_page($1, $2)", 2, params,
        supporter_got_cb, f);
}

void web_support_supporter(struct req_ctx *ctx)
{
    if (web_support_same_org(ctx))
        supporter_page(supporter_form_new(ctx, false, NULL));
}

/* ---- saving ---- */

static void form_again(struct supporter_form *f, int status)
{
    f->status = status;
    if (f->adding)
        supporters_page(f);
    else
        supporter_page(f);
}

static void saved_cb(const struct db_result *r, void *arg)
{
    struct supporter_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    if (r->status == DB_ERROR &&
        (strcmp(r->sqlstate, "PI422") == 0 || strcmp(r->sqlstate, "PI409") == 0)) {
        const char *field = PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL);
        const char *code = PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY);
        blame(f, field);
        if (code != NULL && strcmp(code, "supporter_exists") == 0)
            f->key = "mm_err_supporter_exists";
        form_again(f, strcmp(r->sqlstate, "PI409") == 0 ? 409 : 422);
        return;
    }
    json_t *row = api_row_json(ctx, r);
    if (row == NULL)
        return;
    const char *id = json_string_value(json_object_get(json_object_get(row, "supporter"), "id"));
    web_support_see_other(ctx, xasprintf("/%s/orgs/%s/manage/support/supporters/%s?saved=1",
                                   ctx->params[0], ctx->params[1], id ?: ""));
    json_decref(row);
}

static void save(struct supporter_form *f)
{
    struct req_ctx *ctx = f->ctx;
    json_t *body = body_from_form(f), *clean;
    if (body == NULL) {
        form_again(f, 422);
        return;
    }
    struct invalid inv;
    if (matching_input_parse(MATCHING_BODY_SUPPORTER, body, !f->adding, &clean, &inv) != 0) {
        json_decref(body);
        blame(f, inv.field);
        form_again(f, 422);
        return;
    }
    json_decref(body);
    char *text = json_dumps(clean, JSON_COMPACT);
    json_decref(clean);
    const char *params[] = { f->adding ? ctx->params[1] : ctx->params[2], text };
    db_pool_query(ctx->srv->pool,
        f->adding ? "SELECT api_supporter_create($1, $2)" : "SELECT api_supporter_update($1, $2)",
        2, params, saved_cb, f);
    free(text);
}

void web_support_supporter_add(struct req_ctx *ctx)
{
    save(supporter_form_new(ctx, true, json_deep_copy(ctx->body)));
}

void web_support_supporter_save(struct req_ctx *ctx)
{
    if (web_support_same_org(ctx))
        save(supporter_form_new(ctx, false, json_deep_copy(ctx->body)));
}
