/* SPDX-License-Identifier: Apache-2.0 */
/* The front page: a GET form of filters (it works without JavaScript) over
 * the groups the API lists, each result in words (when it next meets,
 * where, whether there is room). And "/", which sends the browser to the
 * front page in its language. */
#include "web.h"

#include "api.h"
#include "group-view.h"
#include "principal.h"
#include "query-params.h"
#include "util.h"

#include <ctype.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRONT_LIMIT "20"

static const char *const kinds[] = { "peer_group", "family_cafe", "remote_group", "camp", "self_help",
    "phone_line", "other", NULL };
static const char *const modalities[] = { "in_person", "remote", "hybrid", "phone", NULL };
static const char *const languages[] = { "fi", "sv", "en", NULL };
static const char *const audiences[] = { "public", "members", NULL };

/* The form's fields: a select's name, its choices and the catalog prefix
 * of their labels. */
static const struct select {
    const char *name;
    const char *const *choices;
    const char *label_prefix;
} selects[] = {
    { "kind", kinds, "kind_" },
    { "modality", modalities, "modality_" },
    { "language", languages, "language_" },
    { "audience", audiences, "audience_" },
};

struct front_query {
    const char *q, *municipality, *kind, *modality, *language, *audience;
    char municipality_buf[420], kind_buf[32], modality_buf[32], language_buf[16], audience_buf[32];
    char after_rank[QUERY_CURSOR_RANK_LEN], after_time[QUERY_CURSOR_TIME_LEN], after_id[37];
    bool has_cursor;
};

void web_root(struct req_ctx *ctx)
{
    const char *lang = web_request_lang(ctx);
    char *to = xasprintf("/%s/", lang);
    struct evkeyvalq *out = evhttp_request_get_output_headers(ctx->req);
    evhttp_add_header(out, "Location", to);
    evhttp_add_header(out, "Vary", "Accept-Language");
    web_add_headers(ctx);
    free(to);
    http_reply_empty(ctx, 303);
}

void web_lang_root(struct req_ctx *ctx)
{
    char *to = xasprintf("/%s/", ctx->params[0]);
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", to);
    web_add_headers(ctx);
    free(to);
    http_reply_empty(ctx, 301);
}

/* A field the form sent empty is no filter. */
static bool given(struct req_ctx *ctx, const char *name)
{
    const char *v = http_query_param(ctx, name);
    if (v == NULL)
        return false;
    while (isspace((unsigned char)*v))
        v++;
    return *v != '\0';
}

static int read_query(struct req_ctx *ctx, struct front_query *fq, struct invalid *inv)
{
    memset(fq, 0, sizeof(*fq));
#define F(name, max, choices) \
    (given(ctx, #name) && \
        query_filter(ctx, #name, max, choices, fq->name##_buf, sizeof(fq->name##_buf), &fq->name, inv) != 0)
    if (F(municipality, 100, NULL) || F(kind, 20, kinds) || F(modality, 20, modalities) ||
        F(language, 3, languages) || F(audience, 20, audiences))
        return -1;
#undef F
    if (given(ctx, "q") && query_text(ctx, "q", 200, &fq->q, inv) != 0)
        return -1;
    if (!given(ctx, "cursor"))
        return 0;
    if (fq->q != NULL)
        return query_ranked_cursor(ctx, "cursor", fq->after_rank, fq->after_time, fq->after_id, &fq->has_cursor,
            inv);
    return query_cursor(ctx, "cursor", fq->after_time, fq->after_id, &fq->has_cursor, inv);
}

/* The form as sent, to show it again: the words, and each select's options
 * with the chosen one marked. */
static json_t *form_view(struct req_ctx *ctx, const char *lang)
{
    json_t *form = json_pack("{s:s?, s:s?}", "q", given(ctx, "q") ? http_query_param(ctx, "q") : NULL,
        "municipality", given(ctx, "municipality") ? http_query_param(ctx, "municipality") : NULL);
    for (size_t i = 0; i < ARRAY_LEN(selects); i++) {
        const struct select *s = &selects[i];
        const char *chosen = http_query_param(ctx, s->name);
        json_t *options = json_array();
        for (const char *const *c = s->choices; *c; c++) {
            char key[48];
            snprintf(key, sizeof(key), "%s%s", s->label_prefix, *c);
            json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", *c, "label", web_t(lang, key),
                "selected", chosen != NULL && strcmp(chosen, *c) == 0));
        }
        json_object_set_new(form, s->name, options);
    }
    return form;
}

/* The next page's link: this query with the cursor replaced. */
static char *more_href(struct req_ctx *ctx, const char *lang, const char *cursor)
{
    static const char *const keep[] = { "q", "municipality", "kind", "modality", "language", "audience" };
    char *href = xasprintf("/%s/?", lang);
    for (size_t i = 0; i < ARRAY_LEN(keep); i++) {
        if (!given(ctx, keep[i]))
            continue;
        char *enc = evhttp_uriencode(http_query_param(ctx, keep[i]), -1, 1);
        char *next = xasprintf("%s%s=%s&", href, keep[i], enc ? enc : "");
        free(enc);
        free(href);
        href = next;
    }
    char *next = xasprintf("%scursor=%s#results", href, cursor);
    free(href);
    return next;
}

/* Whether the query narrows the list: by words too (with_words), or by the
 * filters alone (whose fold-out is then open, so that what is in use shows). */
static bool filtered_by(struct req_ctx *ctx, bool with_words)
{
    static const char *const names[] = { "q", "municipality", "kind", "modality", "language", "audience" };
    for (size_t i = with_words ? 0 : 1; i < ARRAY_LEN(names); i++) {
        if (given(ctx, names[i]))
            return true;
    }
    return false;
}

static bool filtered(struct req_ctx *ctx)
{
    return filtered_by(ctx, true);
}

static void listed_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0];
    json_t *body = api_row_json(ctx, r);
    if (body == NULL)
        return; /* replied (an HTML error page) */
    json_t *cards = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(body, "groups"), i, g) json_array_append_new(cards, web_group_card(g, lang));
    size_t n = json_array_size(cards);
    const char *next = json_string_value(json_object_get(body, "next"));
    char *count = web_tn(lang, next ? "results_first" : filtered(ctx) ? "results_found" : "results_all", (long)n);
    json_t *view = json_pack("{s:s, s:o, s:o, s:b, s:s, s:b, s:b}", "title", web_t(lang, "front_title"), "form",
        form_view(ctx, lang), "groups", cards, "has_groups", n > 0, "count", count, "searched", filtered(ctx),
        "filters_open", filtered_by(ctx, false));
    free(count);
    if (next != NULL) {
        char *cursor = query_cursor_encode(next);
        char *href = more_href(ctx, lang, cursor);
        json_object_set_new(view, "more_href", json_string(href));
        free(href);
        free(cursor);
    }
    json_decref(body);
    web_reply_page(ctx, 200, lang, "front", view);
}

void web_front(struct req_ctx *ctx)
{
    if (web_page_from_cache(ctx))
        return;
    struct front_query fq;
    struct invalid inv;
    if (read_query(ctx, &fq, &inv) != 0) {
        api_reply_invalid(ctx, &inv); /* a 422 page */
        return;
    }
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { NULL, fq.kind, NULL, fq.audience, fq.modality, fq.municipality, fq.language, NULL,
        fq.q, NULL, NULL, fq.has_cursor ? fq.after_time : NULL, fq.has_cursor ? fq.after_id : NULL, FRONT_LIMIT,
        ctx->principal ? ctx->principal->person_id : NULL, scope,
        fq.has_cursor && fq.q != NULL ? fq.after_rank : NULL };
    db_pool_query(ctx->srv->pool,
        "SELECT web_groups_page($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)", 17,
        params, listed_cb, ctx);
    free(scope); /* the pool copied it */
}
