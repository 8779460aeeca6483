/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's queue of support requests and one request's page: the
 * open requests oldest first with how long each has waited and what it
 * asks for; a request with its text (read through the API's SQL, so the
 * read is in the access log), the ranked candidates with their reasons
 * (matching/, as the API's candidates) and the form that proposes one of
 * them, with a confirmation step before the API's
 * api_support_request_match. The routes' authz lets only the org's
 * coordinators in (AUTHZ_MATCHING_MANAGE). No personal data goes into a
 * URL or a title. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "matching-api.h"
#include "matching-data.h"
#include "util.h"
#include "validate.h"
#include "web-support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX 1000

/* ---- the queue ---- */

static void queue_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *view = web_support_view(ctx, page, "mm_queue_title");
    json_t *items = json_array(), *q;
    size_t i;
    json_array_foreach(json_object_get(page, "requests"), i, q)
    {
        json_t *item = web_support_request_item(
            q, (long)json_integer_value(json_object_get(q, "waiting_days")), lang);
        json_object_set_new(item, "href",
            json_sprintf("/%s/orgs/%s/manage/support/requests/%s", lang, ctx->params[1],
                json_string_value(json_object_get(q, "id")) ?: ""));
        json_array_append_new(items, item);
    }
    char *count = web_tn(lang, "mm_queue_count", (long)json_array_size(items));
    json_object_set_new(view, "count", json_string(count));
    free(count);
    json_object_set_new(view, "has_requests", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "requests", items);
    json_decref(page);
    web_reply_page(ctx, 200, lang, "support-queue", view);
}

void web_support_queue(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1], matching_viewer(ctx) };
    db_pool_query(
        ctx->srv->pool, "SELECT web_support_queue_page($1, $2)", 2, params, queue_got_cb, ctx);
}

/* ---- one request ---- */

/* One request's page or form: what was sent and what is wrong with it. */
struct request_form {
    struct req_ctx *ctx;
    int status;
    const char *field;     /* the form field to blame, or NULL */
    const char *error_key; /* its message in the catalogs */
    const char *supporter; /* the chosen supporter's id (borrowed from the body) */
    const char *note;
};

static void request_form_free(void *p)
{
    free(p);
}

static struct request_form *request_form_new(struct req_ctx *ctx)
{
    struct request_form *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    f->status = 200;
    ctx->state = f;
    ctx->state_free = request_form_free;
    return f;
}

/* The ranked candidates, in the page's words, the chosen one checked. */
static json_t *candidates_view(const json_t *data, const struct request_form *f, const char *lang)
{
    json_t *out = json_array();
    char *text = json_dumps(data, JSON_COMPACT);
    struct matching_data d;
    if (text == NULL || matching_data_load(text, &d) != 0) {
        free(text);
        return out;
    }
    free(text);
    json_t *ranked = matching_data_candidates(&d), *c;
    matching_data_free(&d);
    size_t i;
    json_array_foreach(json_object_get(ranked, "candidates"), i, c)
    {
        const char *id = json_string_value(json_object_get(c, "supporter_id")) ?: "";
        json_t *reasons = json_array(), *why;
        size_t j;
        json_array_foreach(json_object_get(c, "reasons"), j, why)
        {
            char *words = web_support_reason(json_string_value(why) ?: "", lang);
            json_array_append_new(reasons, json_string(words));
            free(words);
        }
        json_array_append_new(
            out, json_pack("{s:s, s:s?, s:I, s:o, s:b, s:o}", "supporter_id", id, "public_name",
                     json_string_value(json_object_get(c, "public_name")), "score",
                     (json_int_t)json_integer_value(json_object_get(c, "score")), "reasons",
                     reasons, "checked", f->supporter != NULL && strcmp(f->supporter, id) == 0,
                     "input_id", json_sprintf("candidate-%zu", i)));
    }
    json_decref(ranked);
    return out;
}

/* The request's own part: its text, who asked, its state, its pairing. */
static void add_request(json_t *view, const json_t *q, long waiting_days, const char *lang)
{
    json_object_set_new(view, "request", web_support_request_item(q, waiting_days, lang));
    const char *status = json_string_value(json_object_get(q, "status"));
    json_object_set_new(
        view, "status_text", json_string(web_support_word(lang, "mm_request_status_", status)));
    json_object_set_new(
        view, "is_open", json_boolean(status != NULL && strcmp(status, "open") == 0));
    json_object_set_new(view, "has_text", json_boolean(json_object_get(q, "message") != NULL));
    json_object_set(view, "message", json_object_get(q, "message"));
    json_object_set(view, "preferences", json_object_get(q, "preferences"));
    json_object_set(
        view, "requester_name", json_object_get(json_object_get(q, "requester"), "display_name"));
    json_object_set_new(view, "purged", json_boolean(json_is_true(json_object_get(q, "purged"))));
    const json_t *pairing = json_object_get(q, "pairing");
    if (json_is_object(pairing)) {
        const char *ps = json_string_value(json_object_get(pairing, "status"));
        json_object_set_new(view, "pairing",
            json_pack("{s:s, s:s?}", "status_text", web_support_word(lang, "mm_status_", ps),
                "supporter_name",
                json_string_value(
                    json_object_get(json_object_get(pairing, "supporter"), "public_name"))));
    }
}

static void add_form(json_t *view, const struct request_form *f, const char *lang)
{
    struct req_ctx *ctx = f->ctx;
    json_object_set_new(view, "propose_action",
        json_sprintf("/%s/orgs/%s/manage/support/requests/%s/propose", lang, ctx->params[1],
            ctx->params[2]));
    json_object_set_new(view, "note", json_string(f->note ? f->note : ""));
    bool has = f->error_key != NULL;
    json_object_set_new(view, "has_errors", json_boolean(has));
    json_object_set_new(view, "errors",
        has ? json_pack("[{s:s, s:s}]", "field", f->field ? f->field : "candidates", "text",
                  web_t(lang, f->error_key))
            : json_array());
    if (has && f->field != NULL && strcmp(f->field, "note") == 0)
        json_object_set_new(view, "note_error", json_string(web_t(lang, f->error_key)));
    else if (has)
        json_object_set_new(view, "supporter_error", json_string(web_t(lang, f->error_key)));
    json_object_set_new(
        view, "proposed_notice", json_boolean(http_query_param(ctx, "proposed") != NULL));
}

static void request_got_cb(const struct db_result *r, void *arg)
{
    struct request_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *view = web_support_view(ctx, page, "mm_request_title");
    add_request(view, json_object_get(page, "request"),
        (long)json_integer_value(json_object_get(page, "waiting_days")), lang);
    json_t *candidates = candidates_view(json_object_get(page, "data"), f, lang);
    json_object_set_new(view, "has_candidates", json_boolean(json_array_size(candidates) > 0));
    json_object_set_new(view, "candidates", candidates);
    add_form(view, f, lang);
    json_decref(page);
    web_reply_page(ctx, f->status, lang, "support-request", view);
}

/* The request's page (again): its text read and logged, the candidates. */
static void request_page(struct request_form *f)
{
    struct req_ctx *ctx = f->ctx;
    /* The text only for those the API lets read it (not a site admin who
     * does not coordinate the org). */
    const char *params[] = { ctx->params[1], ctx->params[2], matching_viewer(ctx),
        matching_right(ctx, AUTHZ_SUPPORT_REQUEST_READ) };
    db_pool_query(ctx->srv->pool, "SELECT web_support_request_page($1, $2, $3, $4)", 4, params,
        request_got_cb, f);
}

void web_support_request(struct req_ctx *ctx)
{
    if (web_support_same_org(ctx))
        request_page(request_form_new(ctx));
}

static void refused(struct request_form *f, int status, const char *field, const char *key)
{
    f->status = status;
    f->field = field;
    f->error_key = key;
    request_page(f);
}

/* ---- proposing: the confirmation step, then the API's match ---- */

static void confirm_got_cb(const struct db_result *r, void *arg)
{
    struct request_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    const char *lang = ctx->params[0];
    if (r->status == DB_OK && PQntuples(r->res) == 1 && PQgetisnull(r->res, 0, 0)) {
        refused(f, 422, "candidates", "mm_err_supporter");
        return;
    }
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return;
    json_t *view = web_support_view(ctx, page, "mm_propose_title");
    json_object_set(
        view, "supporter_name", json_object_get(json_object_get(page, "supporter"), "public_name"));
    json_object_set_new(view, "supporter_id", json_string(f->supporter));
    json_object_set_new(view, "note", json_string(f->note ? f->note : ""));
    json_object_set_new(view, "has_note", json_boolean(f->note != NULL));
    json_object_set_new(view, "action",
        json_sprintf("/%s/orgs/%s/manage/support/requests/%s/propose", lang, ctx->params[1],
            ctx->params[2]));
    json_object_set_new(view, "back_href",
        json_sprintf(
            "/%s/orgs/%s/manage/support/requests/%s", lang, ctx->params[1], ctx->params[2]));
    json_decref(page);
    web_reply_page(ctx, 200, lang, "support-propose", view);
}

/* A refusal of the API's match as the request's page with its message. */
static void matched_cb(const struct db_result *r, void *arg)
{
    struct request_form *f = arg;
    struct req_ctx *ctx = f->ctx;
    if (r->status == DB_OK) {
        web_support_see_other(ctx, xasprintf("/%s/orgs/%s/manage/support/requests/%s?proposed=1",
                                       ctx->params[0], ctx->params[1], ctx->params[2]));
        return;
    }
    const char *code =
        r->status == DB_ERROR ? PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    static const struct {
        const char *code;
        int status;
        const char *key;
    } refusals[] = {
        { "request_not_open", 409, "mm_err_not_open" },
        { "supporter_full", 409, "mm_err_full" },
        { "supporter_unavailable", 409, "mm_err_unavailable" },
        { "invalid", 422, "mm_err_supporter" },
    };
    for (size_t i = 0; code != NULL && i < ARRAY_LEN(refusals); i++) {
        if (strcmp(code, refusals[i].code) == 0) {
            refused(f, refusals[i].status, "candidates", refusals[i].key);
            return;
        }
    }
    api_reply_db_error(ctx, r);
}

void web_support_propose(struct req_ctx *ctx)
{
    if (!web_support_same_org(ctx))
        return;
    struct request_form *f = request_form_new(ctx);
    f->supporter = web_support_field(ctx, "supporter_id");
    f->note = web_support_field(ctx, "note");
    if (f->supporter == NULL || !valid_uuid(f->supporter, strlen(f->supporter))) {
        f->supporter = NULL;
        refused(f, 422, "candidates", "mm_err_choose");
        return;
    }
    if (f->note != NULL && utf8_chars(f->note) > NOTE_MAX) {
        refused(f, 422, "note", "mm_err_note");
        return;
    }
    const char *step = json_string_value(json_object_get(ctx->body, "step"));
    if (step == NULL || strcmp(step, "confirm") != 0) {
        const char *params[] = { ctx->params[1], f->supporter };
        db_pool_query(ctx->srv->pool, "SELECT web_support_supporter_page($1, $2)", 2, params,
            confirm_got_cb, f);
        return;
    }
    const char *params[] = { ctx->params[2], f->supporter, f->note, matching_viewer(ctx) };
    db_pool_query(ctx->srv->pool, "SELECT api_support_request_match($1, $2, $3, $4)", 4, params,
        matched_cb, f);
}
