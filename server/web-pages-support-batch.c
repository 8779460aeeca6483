/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's batch proposals: the API's matching/proposals shown as a
 * preview (who would be proposed to whom, and why; the reads are logged
 * as the API's are), and made only when the coordinator confirms it with
 * the form's POST, each proposal through the API's
 * api_support_request_match (web_support_batch_make). The form carries
 * the pairs the preview showed, one box each (ticked; untick one not to
 * propose it), so nothing but what was seen is proposed. */
#include "web.h"

#include "api.h"
#include "background.h"
#include "dispatch.h"
#include "matching-api.h"
#include "matching-data.h"
#include "util.h"
#include "validate.h"
#include "web-support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The pairs one form carries, a box each (a form has at most
 * FORM_MAX_FIELDS fields): the oldest requests' first; the page, opened
 * again, shows the rest. */
#define BATCH_MAX_PAIRS 50
#define UUID_LEN        36

struct batch_preview {
    struct req_ctx *ctx;
    json_t *page;
    struct matching_data data;
    bool loaded;
    json_t *proposals; /* made on the background thread */
    int status;
    const char *error_key; /* a form sent with no box ticked, or NULL */
};

static void batch_preview_free(void *p)
{
    struct batch_preview *b = p;
    json_decref(b->page);
    if (b->loaded)
        matching_data_free(&b->data);
    json_decref(b->proposals);
    free(b);
}

/* On the background thread: the assignment may take tens of milliseconds. */
static void preview_work(void *arg)
{
    struct batch_preview *b = arg;
    b->proposals = matching_data_proposals(&b->data);
}

static const json_t *request_by_id(const json_t *requests, const char *id)
{
    const json_t *q;
    size_t i;
    json_array_foreach(requests, i, q)
    {
        if (strcmp(json_string_value(json_object_get(q, "id")) ?: "", id) == 0)
            return q;
    }
    return NULL;
}

/* Whole days since the request was made (its created_at). */
static long waiting_days(const json_t *q)
{
    struct web_wall w;
    if (web_wall_parse(json_string_value(json_object_get(q, "created_at")), &w) != 0)
        return 0;
    struct tm tm = { .tm_year = w.year - 1900,
        .tm_mon = w.month - 1,
        .tm_mday = w.day,
        .tm_hour = w.hour,
        .tm_min = w.minute };
    time_t made = timegm(&tm), now = time(NULL);
    return now > made ? (long)((now - made) / 86400) : 0;
}

static json_t *proposal_item(
    const json_t *p, const json_t *page, const char *lang, const char *slug)
{
    const char *rid = json_string_value(json_object_get(p, "request_id")) ?: "";
    const json_t *q =
        request_by_id(json_object_get(json_object_get(page, "data"), "requests"), rid);
    json_t *item = json_object();
    if (q != NULL) {
        /* The request as the batch data has it, with its day in the org's zone. */
        json_t *local = json_deep_copy(q);
        json_object_set(
            local, "created_local", json_object_get(json_object_get(page, "created_local"), rid));
        json_decref(item);
        item = web_support_request_item(local, waiting_days(q), lang);
        json_decref(local);
    }
    json_object_set_new(
        item, "href", json_sprintf("/%s/orgs/%s/manage/support/requests/%s", lang, slug, rid));
    json_object_set(item, "public_name", json_object_get(p, "public_name"));
    json_t *reasons = json_array(), *why;
    size_t j;
    json_array_foreach(json_object_get(p, "reasons"), j, why)
    {
        char *words = web_support_reason(json_string_value(why) ?: "", lang);
        json_array_append_new(reasons, json_string(words));
        free(words);
    }
    json_object_set_new(item, "reasons", reasons);
    return item;
}

static void preview_done(void *arg)
{
    struct batch_preview *b = arg;
    struct req_ctx *ctx = b->ctx;
    const char *lang = ctx->params[0];
    if (b->proposals == NULL) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    json_t *view = web_support_view(ctx, b->page, "mm_batch_title");
    json_t *items = json_array(), *p;
    size_t i;
    json_array_foreach(json_object_get(b->proposals, "proposals"), i, p)
    {
        if (i >= BATCH_MAX_PAIRS) {
            json_object_set_new(view, "more", json_true());
            break;
        }
        json_t *item = proposal_item(p, b->page, lang, ctx->params[1]);
        json_object_set_new(item, "pair_name", json_sprintf("pair_%zu", i));
        json_object_set_new(item, "pair",
            json_sprintf("%s:%s", json_string_value(json_object_get(p, "request_id")) ?: "",
                json_string_value(json_object_get(p, "supporter_id")) ?: ""));
        json_array_append_new(items, item);
    }
    json_object_set_new(view, "has_proposals", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "proposals", items);
    size_t unmatched = json_array_size(json_object_get(b->proposals, "unmatched"));
    if (unmatched > 0) {
        char *text = web_tn(lang, "mm_batch_unmatched", (long)unmatched);
        json_object_set_new(view, "unmatched_text", json_string(text));
        free(text);
    }
    json_object_set_new(
        view, "action", json_sprintf("/%s/orgs/%s/manage/support/proposals", lang, ctx->params[1]));
    bool has = b->error_key != NULL;
    json_object_set_new(view, "has_errors", json_boolean(has));
    json_object_set_new(view, "errors",
        has ? json_pack("[{s:s, s:s}]", "field", "pair_0", "text", web_t(lang, b->error_key))
            : json_array());
    web_reply_page(ctx, b->status, lang, "support-batch", view);
}

static void preview_got_cb(const struct db_result *r, void *arg)
{
    struct batch_preview *b = arg;
    struct req_ctx *ctx = b->ctx;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    b->page = page;
    char *text = json_dumps(json_object_get(page, "data"), JSON_COMPACT);
    b->loaded = text != NULL && matching_data_load(text, &b->data) == 0;
    free(text);
    if (!b->loaded) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    background_run(ctx->srv->background, preview_work, preview_done, b);
}

/* The preview (again, with status and the error's key when a form came
 * back). */
static void preview(struct req_ctx *ctx, int status, const char *error_key)
{
    struct batch_preview *b = xcalloc(1, sizeof(*b));
    b->ctx = ctx;
    b->status = status;
    b->error_key = error_key;
    ctx->state = b;
    ctx->state_free = batch_preview_free;
    const char *params[] = { ctx->params[1], matching_viewer(ctx) };
    db_pool_query(
        ctx->srv->pool, "SELECT web_support_batch_page($1, $2)", 2, params, preview_got_cb, b);
}

void web_support_batch(struct req_ctx *ctx)
{
    preview(ctx, 200, NULL);
}

/* ---- confirmed: made ---- */

/* "rid:sid" as {request_id, supporter_id}, or NULL when it is not that. */
static json_t *pair_of(const char *p)
{
    if (p == NULL || strlen(p) != 2 * UUID_LEN + 1 || !valid_uuid(p, UUID_LEN) ||
        p[UUID_LEN] != ':' || !valid_uuid(p + UUID_LEN + 1, UUID_LEN))
        return NULL;
    return json_pack("{s:s%, s:s%}", "request_id", p, (size_t)UUID_LEN, "supporter_id",
        p + UUID_LEN + 1, (size_t)UUID_LEN);
}

/* The ticked boxes (pair_0 ... pair_49) as [{request_id, supporter_id}];
 * NULL when one is not a pair. */
static json_t *pairs_of(const json_t *body)
{
    json_t *out = json_array();
    for (int i = 0; i < BATCH_MAX_PAIRS; i++) {
        char name[24];
        snprintf(name, sizeof(name), "pair_%d", i);
        const json_t *v = json_object_get(body, name);
        if (v == NULL)
            continue;
        json_t *pair = pair_of(json_string_value(v));
        if (pair == NULL) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, pair);
    }
    return out;
}

static void made_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *row = api_row_json(ctx, r);
    if (row == NULL)
        return;
    web_support_see_other(
        ctx, xasprintf("/%s/orgs/%s/manage/support/pairings?made=%lld&failed=%lld", ctx->params[0],
                 ctx->params[1], (long long)json_integer_value(json_object_get(row, "made")),
                 (long long)json_integer_value(json_object_get(row, "failed"))));
    json_decref(row);
}

void web_support_batch_make(struct req_ctx *ctx)
{
    json_t *pairs = pairs_of(ctx->body);
    if (pairs == NULL || json_array_size(pairs) == 0) {
        json_decref(pairs);
        preview(ctx, 422, "mm_err_batch_none");
        return;
    }
    char *text = json_dumps(pairs, JSON_COMPACT);
    json_decref(pairs);
    const char *params[] = { ctx->params[1], text, matching_viewer(ctx) };
    db_pool_query(
        ctx->srv->pool, "SELECT web_support_batch_make($1, $2, $3)", 3, params, made_cb, ctx);
    free(text);
}
