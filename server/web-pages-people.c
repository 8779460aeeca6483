/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's people pages of an organization (the routes' authz lets
 * only its coordinators and site admins in): its members, leaders and
 * coordinators with a role form each, its open invitations with a withdraw
 * form, and adding someone by email (api_invitation_create: a member at
 * once, or an invitation and its mail); removing a member, with a
 * confirmation step that says what the removal ends; one member's page
 * with how the org's mail to them went (status only). */
#include "web.h"

#include "api.h"
#include "invitation-input.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = { "member", "leader", "coordinator" };
static const char *const languages[] = { "fi", "sv", "en" };

/* The add form's state across its round trips: what was typed and what is
 * wrong with it (a field and its catalog key). */
struct people_form {
    struct req_ctx *ctx;
    int status;
    json_t *sent; /* the form's fields (borrowed from ctx->body), or NULL */
    const char *err_field, *err_key;
};

static struct people_form *people_form_new(struct req_ctx *ctx)
{
    struct people_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->status = 200;
    ctx->state = f;
    ctx->state_free = free;
    return f;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *sent(const struct people_form *f, const char *key)
{
    const char *v = f->sent ? str(f->sent, key) : NULL;
    return v ? v : "";
}

/* The role in the page's words (mp_role_member...). */
static const char *role_words(const char *lang, const char *role)
{
    char key[32];
    snprintf(key, sizeof(key), "mp_role_%s", role ? role : "member");
    return web_t(lang, key);
}

/* A select's options over choices, the one equal to current selected. */
static json_t *options(const char *lang, const char *const *choices, size_t n, const char *prefix,
    const char *current)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof(key), "%s%s", prefix, choices[i]);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", choices[i], "label",
                                     web_t(lang, key), "on", current && strcmp(current, choices[i]) == 0));
    }
    return a;
}

/* "ti 24.11.2026 klo 18.05" of a local RFC 3339 time; "" when it does not parse. */
static json_t *when_text(const char *lang, const char *local)
{
    struct web_wall w;
    char day[48], time[16];
    if (local == NULL || web_wall_parse(local, &w) != 0)
        return json_string("");
    web_format_day(lang, &w, day, sizeof(day));
    web_format_time(lang, w.hour, w.minute, false, time, sizeof(time));
    const char *at = strcmp(lang, "sv") == 0 ? " kl. " : strcmp(lang, "en") == 0 ? ", " : " klo ";
    return json_sprintf("%s%s%s", day, at, time);
}

/* ---- the people page ---- */

static json_t *member_row(const json_t *m, const char *lang, const char *slug, const char *me)
{
    const char *id = str(m, "person_id"), *role = str(m, "role");
    json_t *row = json_pack("{s:s?, s:s?, s:s, s:o, s:o, s:o, s:o, s:b}", "person_id", id, "display_name",
        str(m, "display_name"), "role_text", role_words(lang, role), "role_options",
        options(lang, roles, ARRAY_LEN(roles), "mp_role_", role), "role_action",
        json_sprintf("/%s/orgs/%s/manage/people/%s/role", lang, slug, id ? id : ""), "person_href",
        json_sprintf("/%s/orgs/%s/manage/people/%s", lang, slug, id ? id : ""), "remove_href",
        json_sprintf("/%s/orgs/%s/manage/people/%s/remove", lang, slug, id ? id : ""), "is_me",
        me != NULL && id != NULL && strcmp(me, id) == 0);
    return row;
}

static json_t *invitation_row(const json_t *inv, const char *lang, const char *slug)
{
    const char *id = str(inv, "id");
    return json_pack("{s:s?, s:s, s:o, s:o}", "email", str(inv, "email"), "role_text",
        role_words(lang, str(inv, "role")), "expires", when_text(lang, str(inv, "expires_local")),
        "withdraw_action",
        json_sprintf("/%s/orgs/%s/manage/people/invitations/%s/remove", lang, slug, id ? id : ""));
}

/* The notice a redirect's ?done= asks for, if it is one of ours. */
static const char *notice_key(struct req_ctx *ctx)
{
    static const char *const done[] = { "added", "invited", "role", "removed", "withdrawn" };
    const char *q = http_query_param(ctx, "done");
    for (size_t i = 0; q != NULL && i < ARRAY_LEN(done); i++) {
        if (strcmp(q, done[i]) == 0) {
            static char key[32];
            snprintf(key, sizeof(key), "mp_done_%s", done[i]);
            return key;
        }
    }
    return NULL;
}

static json_t *add_form_view(const struct people_form *f, const char *lang, const char *slug)
{
    const char *role = f->sent ? sent(f, "role") : "member";
    const char *language = f->sent ? sent(f, "language") : lang;
    json_t *v = json_pack("{s:o, s:s, s:o, s:o}", "action",
        json_sprintf("/%s/orgs/%s/manage/people/add", lang, slug), "email", sent(f, "email"),
        "role_options", options(lang, roles, ARRAY_LEN(roles), "mp_role_", role), "language_options",
        options(lang, languages, ARRAY_LEN(languages), "mp_lang_", language));
    if (f->err_key != NULL) {
        const char *field = f->err_field ? f->err_field : "email";
        char key[32];
        snprintf(key, sizeof(key), "%s_error", field);
        json_object_set_new(v, key, json_string(web_t(lang, f->err_key)));
        json_object_set_new(v, "errors",
            json_pack("[{s:s, s:s}]", "field", field, "text", web_t(lang, f->err_key)));
        json_object_set_new(v, "has_errors", json_true());
    }
    return v;
}

static void people_got_cb(const struct db_result *r, void *arg)
{
    struct people_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0], *slug = ctx->params[1];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *members = json_array(), *invitations = json_array(), *it;
    size_t i;
    json_array_foreach(json_object_get(page, "members"), i, it)
        json_array_append_new(members, member_row(it, lang, slug, ctx->principal->person_id));
    json_array_foreach(json_object_get(page, "invitations"), i, it)
        json_array_append_new(invitations, invitation_row(it, lang, slug));
    char *count = web_tn(lang, "mp_count", (long)json_array_size(members));
    json_t *view = add_form_view(f, lang, slug);
    json_object_update_new(view,
        json_pack("{s:s, s:s?, s:s, s:o, s:b, s:o, s:b, s:o, s:o}", "title", web_t(lang, "mp_title"),
            "org_name", str(json_object_get(page, "org"), "name"), "count", count, "members", members,
            "has_members", json_array_size(members) > 0, "invitations", invitations, "has_invitations",
            json_array_size(invitations) > 0, "manage_back_href",
            json_sprintf("/%s/orgs/%s/manage", lang, slug), "page_path",
            json_sprintf("/orgs/%s/manage/people", slug)));
    free(count);
    const char *notice = f->sent == NULL ? notice_key(ctx) : NULL;
    if (notice != NULL)
        json_object_set_new(view, "notice", json_string(web_t(lang, notice)));
    json_decref(page);
    web_reply_page(ctx, f->status, lang, "people", view);
}

static void people_page(struct people_form *f)
{
    const char *params[] = { f->ctx->params[1] };
    db_pool_query(f->ctx->srv->pool, "SELECT web_people_page($1)", 1, params, people_got_cb, f);
}

void web_people(struct req_ctx *ctx)
{
    people_page(people_form_new(ctx));
}

/* ---- adding by email ---- */

/* The form again, with its one problem beside its field. */
static void add_refused(struct people_form *f, int status, const char *field, const char *key)
{
    f->status = status;
    f->err_field = field;
    f->err_key = key;
    people_page(f);
}

/* What the database refused, in the form's words; false for anything else. */
static bool add_refused_by_db(struct people_form *f, const struct db_result *r)
{
    static const struct {
        const char *code, *key;
        int status;
    } known[] = {
        { "already_member", "mp_err_already_member", 409 },
        { "already_invited", "mp_err_already_invited", 409 },
        { "too_many_invitations", "mp_err_too_many", 429 },
    };
    if (r->status != DB_ERROR)
        return false;
    const char *code = PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY);
    for (size_t i = 0; code != NULL && i < ARRAY_LEN(known); i++) {
        if (strcmp(code, known[i].code) == 0) {
            add_refused(f, known[i].status, "email", known[i].key);
            return true;
        }
    }
    return false;
}

static void added_cb(const struct db_result *r, void *arg)
{
    struct people_form *f = arg;
    if (add_refused_by_db(f, r))
        return;
    json_t *answer = api_row_json(f->ctx, r);
    if (answer == NULL)
        return;
    bool member = json_object_get(answer, "membership") != NULL;
    json_decref(answer);
    char *to = xasprintf("/%s/orgs/%s/manage/people?done=%s", f->ctx->params[0], f->ctx->params[1],
        member ? "added" : "invited");
    web_see_other(f->ctx, to);
    free(to);
}

/* An address pasted with a space or a line break around it is still that address. */
static void trim_email(json_t *body)
{
    const char *e = str(body, "email");
    if (e == NULL)
        return;
    size_t start = strspn(e, " \t\r\n"), end = strlen(e);
    while (end > start && strchr(" \t\r\n", e[end - 1]) != NULL)
        end--;
    json_object_set_new(body, "email", json_stringn(e + start, end - start));
}

void web_people_add(struct req_ctx *ctx)
{
    struct people_form *f = people_form_new(ctx);
    f->sent = ctx->body;
    trim_email(ctx->body);
    struct invalid inv;
    struct invitation_input in;
    if (invitation_input_parse(ctx->body, ctx->params[0], &in, &inv) != 0) {
        /* The field to blame and its message: mp_err_email, _role, _language. */
        const char *field = strcmp(inv.field, "role") == 0 ? "role"
                            : strcmp(inv.field, "language") == 0 ? "language"
                                                                  : "email";
        add_refused(f, 422, field,
            field[0] == 'r'       ? "mp_err_role"
            : field[0] == 'l'     ? "mp_err_language"
                                  : "mp_err_email");
        return;
    }
    const char *params[] = { ctx->params[1], in.email, in.email_key, in.role, in.language,
        ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_invitation_create($1, $2, $3, $4, $5, $6)", 6, params,
        added_cb, f);
    invitation_input_free(&in);
}

/* ---- a member's role, an invitation withdrawn ---- */

/* 303 back to the list with its notice, or the 404 page when the
 * statement's one boolean is false. */
static void done_cb(const struct db_result *r, void *arg, const char *done)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    if (PQntuples(r->res) != 1 || strcmp(PQgetvalue(r->res, 0, 0), "t") != 0) {
        api_reply_not_found(ctx);
        return;
    }
    char *to = xasprintf("/%s/orgs/%s/manage/people?done=%s", ctx->params[0], ctx->params[1], done);
    web_see_other(ctx, to);
    free(to);
}

static void role_set_cb(const struct db_result *r, void *arg)
{
    done_cb(r, arg, "role");
}

static void withdrawn_cb(const struct db_result *r, void *arg)
{
    done_cb(r, arg, "withdrawn");
}

static void removed_cb(const struct db_result *r, void *arg)
{
    done_cb(r, arg, "removed");
}

void web_person_role(struct req_ctx *ctx)
{
    const char *role = str(ctx->body, "role");
    bool known = false;
    for (size_t i = 0; role != NULL && i < ARRAY_LEN(roles); i++)
        known = known || strcmp(role, roles[i]) == 0;
    if (!known) {
        http_reply_error(ctx, 422, "invalid", "role is not one of the allowed values.", "role");
        return;
    }
    const char *params[] = { ctx->params[1], ctx->params[2], role };
    db_pool_query(ctx->srv->pool, "SELECT web_member_role($1, $2, $3)", 3, params, role_set_cb, ctx);
}

void web_invitation_withdraw(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], ctx->params[2] };
    db_pool_query(
        ctx->srv->pool, "SELECT api_invitation_withdraw($1, $2)", 2, params, withdrawn_cb, ctx);
}

/* ---- one member: their mail, removing them ---- */

static json_t *message_row(const json_t *m, const char *lang)
{
    char kind[48], status[48];
    snprintf(kind, sizeof(kind), "mp_kind_%s", str(m, "kind") ? str(m, "kind") : "");
    snprintf(status, sizeof(status), "mp_status_%s", str(m, "status") ? str(m, "status") : "");
    json_t *code = json_object_get(m, "last_code");
    json_t *row = json_pack("{s:s, s:s, s:s?, s:o, s:b, s:I}", "kind", web_t(lang, kind), "status",
        web_t(lang, status), "status_code", str(m, "status"), "created", when_text(lang, str(m, "created_local")),
        "failed", str(m, "status") && strcmp(str(m, "status"), "failed") == 0, "attempts",
        json_integer_value(json_object_get(m, "attempts")));
    if (str(m, "done_local") != NULL)
        json_object_set_new(row, "done", when_text(lang, str(m, "done_local")));
    if (json_is_integer(code))
        json_object_set_new(row, "last_code", json_integer(json_integer_value(code)));
    return row;
}

static json_t *person_view(const json_t *page, const char *lang, const char *slug)
{
    const json_t *p = json_object_get(page, "person");
    const char *id = str(p, "person_id");
    json_t *messages = json_array(), *it;
    size_t i;
    json_array_foreach(json_object_get(page, "messages"), i, it)
        json_array_append_new(messages, message_row(it, lang));
    return json_pack("{s:s?, s:s?, s:s, s:o, s:b, s:o, s:o, s:o}", "person_name", str(p, "display_name"),
        "org_name", str(json_object_get(page, "org"), "name"), "role_text",
        role_words(lang, str(p, "role")), "messages", messages, "has_messages",
        json_array_size(messages) > 0, "people_href", json_sprintf("/%s/orgs/%s/manage/people", lang, slug),
        "remove_action", json_sprintf("/%s/orgs/%s/manage/people/%s/remove", lang, slug, id ? id : ""),
        "remove_href", json_sprintf("/%s/orgs/%s/manage/people/%s/remove", lang, slug, id ? id : ""));
}

static void person_got_cb(const struct db_result *r, void *arg, const char *template)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: 404 when not a member */
    json_t *view = person_view(page, lang, ctx->params[1]);
    json_object_set_new(view, "title",
        json_string(web_t(lang, strcmp(template, "person") == 0 ? "mp_person_title" : "mp_remove_title")));
    json_object_set_new(view, "is_me",
        json_boolean(strcmp(str(json_object_get(page, "person"), "person_id"), ctx->principal->person_id) == 0));
    json_decref(page);
    web_reply_page(ctx, 200, lang, template, view);
}

static void person_page_cb(const struct db_result *r, void *arg)
{
    person_got_cb(r, arg, "person");
}

static void remove_page_cb(const struct db_result *r, void *arg)
{
    person_got_cb(r, arg, "person-remove");
}

void web_person(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], ctx->params[2] };
    db_pool_query(ctx->srv->pool, "SELECT web_person_page($1, $2)", 2, params, person_page_cb, ctx);
}

void web_person_remove_page(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], ctx->params[2] };
    db_pool_query(ctx->srv->pool, "SELECT web_person_page($1, $2)", 2, params, remove_page_cb, ctx);
}

void web_person_remove(struct req_ctx *ctx)
{
    /* The remover is recorded on every pairing the removal ends (the API's). */
    const char *params[] = { ctx->params[1], ctx->params[2], ctx->principal->person_id };
    db_pool_query(
        ctx->srv->pool, "SELECT api_membership_delete($1, $2, $3)", 3, params, removed_cb, ctx);
}
