/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/groups: filters checked here, matched in one SQL function,
 * pages by an opaque cursor (base64url of the last row's sort key). */
#include "api.h"
#include "group-view.h"
#include "principal.h"
#include "query-params.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 100

static const char *const kinds[] = { "peer_group", "family_cafe", "remote_group", "camp", "self_help",
    "phone_line", "other", NULL };
static const char *const accesses[] = { "open", "closed", NULL };
static const char *const audiences[] = { "public", "members", NULL };
static const char *const modalities[] = { "in_person", "remote", "hybrid", "phone", NULL };

struct list_query {
    const char *org, *kind, *access, *audience, *modality, *municipality, *language, *topic, *q;
    char from[32], to[32], after_time[QUERY_CURSOR_TIME_LEN], after_id[37], limit[8];
    bool has_from, has_to, has_cursor;
};

static int read_query(struct req_ctx *ctx, struct list_query *lq, struct invalid *inv)
{
    const char *limit;
    int n = LIMIT_DEFAULT;
    memset(lq, 0, sizeof(*lq));
    if (query_text(ctx, "org", 63, &lq->org, inv) || query_choice(ctx, "kind", kinds, &lq->kind, inv) ||
        query_choice(ctx, "access", accesses, &lq->access, inv) ||
        query_choice(ctx, "audience", audiences, &lq->audience, inv) ||
        query_choice(ctx, "modality", modalities, &lq->modality, inv) ||
        query_text(ctx, "municipality", 100, &lq->municipality, inv) ||
        query_text(ctx, "language", 3, &lq->language, inv) || query_text(ctx, "topic", 60, &lq->topic, inv) ||
        query_text(ctx, "q", 200, &lq->q, inv) ||
        query_time(ctx, "from", lq->from, &lq->has_from, inv) || query_time(ctx, "to", lq->to, &lq->has_to, inv) ||
        query_text(ctx, "limit", 4, &limit, inv))
        return -1;
    if (limit != NULL && query_int(limit, 1, LIMIT_MAX, &n) != 0) {
        *inv = (struct invalid) { "limit", "must be a whole number from 1 to 100" };
        return -1;
    }
    snprintf(lq->limit, sizeof(lq->limit), "%d", n);
    return query_cursor(ctx, "cursor", lq->after_time, lq->after_id, &lq->has_cursor, inv);
}

static void listed_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *body = api_row_json(ctx, r);
    if (body == NULL)
        return;
    const char *next = json_string_value(json_object_get(body, "next"));
    if (next != NULL) {
        char *cursor = query_cursor_encode(next);
        json_object_set_new(body, "next_cursor", json_string(cursor));
        free(cursor);
    } else
        json_object_set_new(body, "next_cursor", json_null());
    json_object_del(body, "next");
    http_reply_json(ctx, 200, body);
}

void api_groups_list(struct req_ctx *ctx)
{
    struct list_query lq;
    struct invalid inv;
    if (read_query(ctx, &lq, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { lq.org, lq.kind, lq.access, lq.audience, lq.modality, lq.municipality, lq.language,
        lq.topic, lq.q, lq.has_from ? lq.from : NULL, lq.has_to ? lq.to : NULL,
        lq.has_cursor ? lq.after_time : NULL, lq.has_cursor ? lq.after_id : NULL, lq.limit,
        ctx->principal ? ctx->principal->person_id : NULL, scope };
    db_pool_query(ctx->srv->pool,
        "SELECT api_groups_list($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)", 16, params,
        listed_cb, ctx);
    free(scope); /* the pool copied it */
}
