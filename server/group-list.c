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

static const char *const params_known[] = { "org", "kind", "access", "audience", "modality", "municipality",
    "language", "topic", "q", "from", "to", "limit", "cursor", NULL };

struct list_query {
    const char *org, *kind, *access, *audience, *modality, *municipality, *language, *topic, *q;
    char org_buf[260], kind_buf[32], access_buf[32], audience_buf[32], modality_buf[32], municipality_buf[420],
        language_buf[16], topic_buf[260];
    char from[32], to[32], after_rank[QUERY_CURSOR_RANK_LEN], after_time[QUERY_CURSOR_TIME_LEN], after_id[37],
        limit[8];
    bool has_from, has_to, has_cursor;
};

/* The filters compare without regard to case and the spaces around them. */
static int read_filters(struct req_ctx *ctx, struct list_query *lq, struct invalid *inv)
{
#define F(name, max, choices) \
    query_filter(ctx, #name, max, choices, lq->name##_buf, sizeof(lq->name##_buf), &lq->name, inv)
    return F(org, 63, NULL) || F(kind, 20, kinds) || F(access, 20, accesses) || F(audience, 20, audiences) ||
        F(modality, 20, modalities) || F(municipality, 100, NULL) || F(language, 3, NULL) || F(topic, 60, NULL);
#undef F
}

static int read_query(struct req_ctx *ctx, struct list_query *lq, struct invalid *inv)
{
    const char *limit;
    int n = LIMIT_DEFAULT;
    memset(lq, 0, sizeof(*lq));
    if (read_filters(ctx, lq, inv) || query_text(ctx, "q", 200, &lq->q, inv) ||
        query_time(ctx, "from", lq->from, &lq->has_from, inv) || query_time(ctx, "to", lq->to, &lq->has_to, inv) ||
        query_text(ctx, "limit", 4, &limit, inv))
        return -1;
    if (limit != NULL && query_int(limit, 1, LIMIT_MAX, &n) != 0) {
        *inv = (struct invalid) { "limit", "must be a whole number from 1 to 100" };
        return -1;
    }
    snprintf(lq->limit, sizeof(lq->limit), "%d", n);
    /* A search is ranked: its cursor holds the rank of the last row too. */
    if (lq->q != NULL)
        return query_ranked_cursor(ctx, "cursor", lq->after_rank, lq->after_time, lq->after_id, &lq->has_cursor,
            inv);
    return query_cursor(ctx, "cursor", lq->after_time, lq->after_id, &lq->has_cursor, inv);
}


void api_groups_list(struct req_ctx *ctx)
{
    struct list_query lq;
    struct invalid inv;
    const char *unknown = query_unknown(ctx, params_known);
    if (unknown != NULL) {
        query_reply_unknown(ctx, unknown);
        return;
    }
    if (read_query(ctx, &lq, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { lq.org, lq.kind, lq.access, lq.audience, lq.modality, lq.municipality, lq.language,
        lq.topic, lq.q, lq.has_from ? lq.from : NULL, lq.has_to ? lq.to : NULL,
        lq.has_cursor ? lq.after_time : NULL, lq.has_cursor ? lq.after_id : NULL, lq.limit,
        ctx->principal ? ctx->principal->person_id : NULL, scope,
        lq.has_cursor && lq.q != NULL ? lq.after_rank : NULL };
    db_pool_query(ctx->srv->pool,
        "SELECT api_groups_list($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)", 17,
        params,
        api_reply_page_cb, ctx);
    free(scope); /* the pool copied it */
}
