/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's batch proposals: the API's matching/proposals shown as a
 * preview (who would be proposed to whom, and why; the reads are logged
 * as the API's are), and made only when the coordinator confirms it with
 * the form's POST, each proposal through the API's
 * api_support_request_match (web_support_batch_make). The form carries
 * exactly the pairs the preview showed, so nothing other than what was
 * seen is proposed. */
#include "web.h"

#include "api.h"
#include "background.h"
#include "dispatch.h"
#include "matching-api.h"
#include "matching-data.h"
#include "strbuf.h"
#include "util.h"
#include "validate.h"
#include "web-support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pairs the form may carry: the hidden field is one line of them. */
#define BATCH_MAX_PAIRS 2000
#define UUID_LEN        36

struct batch_preview {
    struct req_ctx *ctx;
    json_t *page;
    struct matching_data data;
    bool loaded;
    json_t *proposals; /* made on the background thread */
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

static json_t *proposal_item(const json_t *p, const json_t *requests, const char *lang, const char *slug)
{
    const char *rid = json_string_value(json_object_get(p, "request_id")) ?: "";
    const json_t *q = request_by_id(requests, rid);
    json_t *item = q ? web_support_request_item(q, -1, lang) : json_object();
    json_object_set_new(item, "href", json_sprintf("/%s/orgs/%s/manage/support/requests/%s", lang, slug, rid));
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
    const json_t *requests = json_object_get(json_object_get(b->page, "data"), "requests");
    json_t *items = json_array(), *p;
    struct strbuf pairs = STRBUF_INIT;
    size_t i;
    json_array_foreach(json_object_get(b->proposals, "proposals"), i, p)
    {
        if (i >= BATCH_MAX_PAIRS)
            break;
        json_array_append_new(items, proposal_item(p, requests, lang, ctx->params[1]));
        strbuf_addf(&pairs, "%s%s:%s", i ? "," : "", json_string_value(json_object_get(p, "request_id")) ?: "",
            json_string_value(json_object_get(p, "supporter_id")) ?: "");
    }
    char *pairs_text = strbuf_take(&pairs);
    json_object_set_new(view, "pairs", json_string(pairs_text));
    free(pairs_text);
    json_object_set_new(view, "has_proposals", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "proposals", items);
    size_t unmatched = json_array_size(json_object_get(b->proposals, "unmatched"));
    if (unmatched > 0) {
        char *text = web_tn(lang, "mm_batch_unmatched", (long)unmatched);
        json_object_set_new(view, "unmatched_text", json_string(text));
        free(text);
    }
    json_object_set_new(view, "action", json_sprintf("/%s/orgs/%s/manage/support/proposals", lang, ctx->params[1]));
    web_reply_page(ctx, 200, lang, "support-batch", view);
}

static void preview_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    struct batch_preview *b = xcalloc(1, sizeof(*b));
    b->ctx = ctx;
    b->page = page;
    ctx->state = b;
    ctx->state_free = batch_preview_free;
    char *text = json_dumps(json_object_get(page, "data"), JSON_COMPACT);
    b->loaded = text != NULL && matching_data_load(text, &b->data) == 0;
    free(text);
    if (!b->loaded) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    background_run(ctx->srv->background, preview_work, preview_done, b);
}

void web_support_batch(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT web_support_batch_page($1, $2)", 2, params, preview_got_cb, ctx);
}

/* ---- confirmed: made ---- */

/* "rid:sid,rid:sid" as [{request_id, supporter_id}], or NULL when it is
 * not that (or empty). */
static json_t *pairs_of(const char *text)
{
    if (text == NULL || text[0] == '\0')
        return NULL;
    json_t *out = json_array();
    const char *p = text;
    for (;;) {
        if (strlen(p) < 2 * UUID_LEN + 1 || !valid_uuid(p, UUID_LEN) || p[UUID_LEN] != ':' ||
            !valid_uuid(p + UUID_LEN + 1, UUID_LEN) || json_array_size(out) >= BATCH_MAX_PAIRS) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, json_pack("{s:s%, s:s%}", "request_id", p, (size_t)UUID_LEN, "supporter_id",
                                       p + UUID_LEN + 1, (size_t)UUID_LEN));
        p += 2 * UUID_LEN + 1;
        if (*p == '\0')
            return out;
        if (*p != ',') {
            json_decref(out);
            return NULL;
        }
        p++;
    }
}

static void made_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *row = api_row_json(ctx, r);
    if (row == NULL)
        return;
    web_support_see_other(ctx, xasprintf("/%s/orgs/%s/manage/support/pairings?made=%lld&failed=%lld", ctx->params[0],
                                   ctx->params[1], (long long)json_integer_value(json_object_get(row, "made")),
                                   (long long)json_integer_value(json_object_get(row, "failed"))));
    json_decref(row);
}

void web_support_batch_make(struct req_ctx *ctx)
{
    json_t *pairs = pairs_of(json_string_value(json_object_get(ctx->body, "pairs")));
    if (pairs == NULL) {
        http_reply_error(ctx, 422, "invalid", "Nothing to propose.", "pairs");
        return;
    }
    char *text = json_dumps(pairs, JSON_COMPACT);
    json_decref(pairs);
    const char *params[] = { ctx->params[1], text, matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT web_support_batch_make($1, $2, $3)", 3, params, made_cb, ctx);
    free(text);
}
