/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's pairings and the access log: the org's pairings with
 * their states (proposed, accepted and running, declined, closed), closing
 * one that still runs with an outcome through a confirmation step (the
 * API's api_pairing_change, as POST /api/v1/pairings/{id}/close); and who
 * read which request, when and how (the API's access log). */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "matching-api.h"
#include "util.h"
#include "web-support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const outcomes[] = { "completed", "no_longer_needed", "no_contact", "not_a_fit",
    "referred", "other", NULL };

static bool still_open(const char *status)
{
    return status != NULL && (strcmp(status, "proposed") == 0 || strcmp(status, "active") == 0);
}

/* A count from the query string (digits only), or -1. */
static long query_count(struct req_ctx *ctx, const char *name)
{
    const char *s = http_query_param(ctx, name);
    if (s == NULL || s[0] == '\0' || strlen(s) > 6 || strspn(s, "0123456789") != strlen(s))
        return -1;
    return strtol(s, NULL, 10);
}

/* ---- the list ---- */

static json_t *pairing_item(const json_t *p, const char *lang, const char *slug)
{
    const char *id = json_string_value(json_object_get(p, "id")) ?: "";
    const char *status = json_string_value(json_object_get(p, "status"));
    char when[64];
    web_support_when(
        lang, json_string_value(json_object_get(p, "created_local")), false, when, sizeof(when));
    char *topics = web_support_join(json_object_get(p, "topics"));
    json_t *v = json_pack("{s:s?, s:s, s:s, s:s, s:o}", "supporter_name",
        json_string_value(json_object_get(json_object_get(p, "supporter"), "public_name")),
        "status_text", web_support_word(lang, "mm_status_", status), "created_text", when,
        "topics_text", topics, "request_href",
        json_sprintf("/%s/orgs/%s/manage/support/requests/%s", lang, slug,
            json_string_value(json_object_get(p, "request_id")) ?: ""));
    free(topics);
    const char *outcome = json_string_value(json_object_get(p, "outcome"));
    if (outcome != NULL)
        json_object_set_new(
            v, "outcome_text", json_string(web_support_word(lang, "mm_outcome_", outcome)));
    if (still_open(status))
        json_object_set_new(v, "close_href",
            json_sprintf("/%s/orgs/%s/manage/support/pairings/%s/close", lang, slug, id));
    return v;
}

static void pairings_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    json_t *view = web_support_view(ctx, page, "mm_pairings_title");
    json_t *items = json_array(), *p;
    size_t i;
    json_array_foreach(json_object_get(page, "pairings"), i, p)
        json_array_append_new(items, pairing_item(p, lang, ctx->params[1]));
    json_object_set_new(view, "has_pairings", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "pairings", items);
    json_object_set_new(
        view, "closed_notice", json_boolean(http_query_param(ctx, "closed") != NULL));
    long made = query_count(ctx, "made"), failed = query_count(ctx, "failed");
    if (made >= 0) {
        char *text = web_tn(lang, "mm_batch_made", made);
        json_object_set_new(view, "made_text", json_string(text));
        free(text);
    }
    if (failed > 0) {
        char *text = web_tn(lang, "mm_batch_failed", failed);
        json_object_set_new(view, "failed_text", json_string(text));
        free(text);
    }
    json_decref(page);
    web_reply_page(ctx, 200, lang, "support-pairings", view);
}

void web_support_pairings(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1] };
    db_pool_query(
        ctx->srv->pool, "SELECT web_support_pairings_page($1)", 1, params, pairings_got_cb, ctx);
}

/* ---- closing, with its confirmation step ---- */

struct close_form {
    struct req_ctx *ctx;
    int status;
    const char *outcome;   /* chosen, borrowed from the body */
    const char *error_key; /* or NULL */
};

static void close_form_free(void *p)
{
    free(p);
}

static void close_got_cb(const struct db_result *r, void *arg)
{
    struct close_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    const json_t *p = json_object_get(page, "pairing");
    const char *status = json_string_value(json_object_get(p, "status"));
    json_t *view = web_support_view(ctx, page, "mm_close_title");
    json_object_set(
        view, "supporter_name", json_object_get(json_object_get(p, "supporter"), "public_name"));
    json_object_set_new(
        view, "status_text", json_string(web_support_word(lang, "mm_status_", status)));
    json_object_set_new(view, "open", json_boolean(still_open(status)));
    json_t *opts = json_array();
    for (int i = 0; outcomes[i] != NULL; i++)
        json_array_append_new(
            opts, json_pack("{s:s, s:s, s:s, s:b}", "id", outcomes[i], "value", outcomes[i],
                      "label", web_support_word(lang, "mm_outcome_", outcomes[i]), "on",
                      f->outcome != NULL && strcmp(f->outcome, outcomes[i]) == 0));
    json_object_set_new(view, "outcomes", opts);
    json_object_set_new(view, "action",
        json_sprintf(
            "/%s/orgs/%s/manage/support/pairings/%s/close", lang, ctx->params[1], ctx->params[2]));
    json_object_set_new(view, "back_href",
        json_sprintf("/%s/orgs/%s/manage/support/pairings", lang, ctx->params[1]));
    bool has = f->error_key != NULL;
    json_object_set_new(view, "has_errors", json_boolean(has));
    json_object_set_new(view, "errors",
        has ? json_pack("[{s:s, s:s}]", "field", "outcome", "text", web_t(lang, f->error_key))
            : json_array());
    if (has)
        json_object_set_new(view, "outcome_error", json_string(web_t(lang, f->error_key)));
    json_decref(page);
    web_reply_page(ctx, f->status, lang, "support-close", view);
}

static void close_page(struct close_form *f)
{
    const char *params[] = { f->ctx->params[1], f->ctx->params[2] };
    db_pool_query(
        f->ctx->srv->pool, "SELECT web_support_pairing_page($1, $2)", 2, params, close_got_cb, f);
}

static struct close_form *close_form_new(struct req_ctx *ctx)
{
    struct close_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->status = 200;
    ctx->state = f;
    ctx->state_free = close_form_free;
    return f;
}

void web_support_close_page(struct req_ctx *ctx)
{
    if (web_support_same_org(ctx))
        close_page(close_form_new(ctx));
}

static void closed_cb(const struct db_result *r, void *arg)
{
    struct close_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    if (r->status == DB_OK) {
        web_support_see_other(ctx, xasprintf("/%s/orgs/%s/manage/support/pairings?closed=1",
                                       ctx->params[0], ctx->params[1]));
        return;
    }
    if (r->status == DB_ERROR && strcmp(r->sqlstate, "PI409") == 0) {
        f->status = 409;
        f->error_key = "mm_err_not_running";
        close_page(f);
        return;
    }
    api_reply_db_error(ctx, r);
}

void web_support_close(struct req_ctx *ctx)
{
    if (!web_support_same_org(ctx))
        return;
    struct close_form *f = close_form_new(ctx);
    const char *outcome = json_string_value(json_object_get(ctx->body, "outcome"));
    for (int i = 0; outcome != NULL && outcomes[i] != NULL; i++)
        if (strcmp(outcome, outcomes[i]) == 0)
            f->outcome = outcomes[i];
    if (f->outcome == NULL) {
        f->status = 422;
        f->error_key = "mm_err_outcome";
        close_page(f);
        return;
    }
    const char *params[] = { ctx->params[2], "close", matching_viewer(ctx), f->outcome, "true",
        "true" };
    db_pool_query(ctx->srv->pool, "SELECT api_pairing_change($1, $2, $3, $4, $5, $6)", 6, params,
        closed_cb, f);
}

/* ---- the access log ---- */

static json_t *entry_item(const json_t *e, const char *lang, const char *slug)
{
    const char *at = json_string_value(json_object_get(e, "at_local"));
    char when[80];
    web_support_when(lang, at, true, when, sizeof(when));
    return json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:o}", "when_text", when, "datetime", at,
        "reader_name",
        json_string_value(json_object_get(json_object_get(e, "reader"), "display_name")),
        "role_text",
        web_support_word(lang, "mm_role_", json_string_value(json_object_get(e, "role"))),
        "action_text",
        web_support_word(lang, "mm_action_", json_string_value(json_object_get(e, "action"))),
        "request_href",
        json_sprintf("/%s/orgs/%s/manage/support/requests/%s", lang, slug,
            json_string_value(json_object_get(e, "request_id")) ?: ""));
}

static void log_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    json_t *view = web_support_view(ctx, page, "mm_log_title");
    json_t *items = json_array(), *e;
    size_t i;
    json_array_foreach(json_object_get(page, "entries"), i, e)
    {
        json_t *item = entry_item(e, lang, ctx->params[1]);
        /* A short name of the request, not its id in full. */
        const char *id = json_string_value(json_object_get(e, "request_id")) ?: "";
        json_object_set_new(item, "request_label", json_sprintf("%.8s", id));
        json_array_append_new(items, item);
    }
    json_object_set_new(view, "has_entries", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "entries", items);
    json_decref(page);
    web_reply_page(ctx, 200, lang, "support-log", view);
}

void web_support_access_log(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1] };
    db_pool_query(
        ctx->srv->pool, "SELECT web_support_access_log_page($1)", 1, params, log_got_cb, ctx);
}
