/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/orgs/{slug}/mail: how the org's mail went, for its
 * coordinators: the outbox rows newest first, filtered by status, paged by
 * an opaque cursor. Status only: the SQL (api_org_mail) leaves out the
 * address and everything the message said. */
#include "api.h"
#include "query-params.h"

#include <stdio.h>
#include <stdlib.h>

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 100

static const char *const params_known[] = { "status", "limit", "cursor", NULL };
static const char *const statuses[] = { "queued", "sent", "skipped", "failed", NULL };

struct mail_query {
    const char *status;
    char status_buf[16], after_time[QUERY_CURSOR_TIME_LEN], after_id[37], limit[8];
    bool has_cursor;
};

/* ?status= (a filter, as the group list's), ?limit=, ?cursor= (a row number's). */
static int read_query(struct req_ctx *ctx, struct mail_query *mq, struct invalid *inv)
{
    const char *limit;
    int n = LIMIT_DEFAULT;
    if (query_filter(ctx, "status", 10, statuses, mq->status_buf, sizeof(mq->status_buf), &mq->status, inv) ||
        query_text(ctx, "limit", 4, &limit, inv))
        return -1;
    if (limit != NULL && query_int(limit, 1, LIMIT_MAX, &n) != 0) {
        *inv = (struct invalid) { "limit", "must be a whole number from 1 to 100" };
        return -1;
    }
    snprintf(mq->limit, sizeof(mq->limit), "%d", n);
    return query_serial_cursor(ctx, "cursor", mq->after_time, mq->after_id, &mq->has_cursor, inv);
}


void api_org_mail(struct req_ctx *ctx)
{
    struct mail_query mq = { 0 };
    struct invalid inv;
    const char *unknown = query_unknown(ctx, params_known);
    if (unknown != NULL) {
        query_reply_unknown(ctx, unknown);
        return;
    }
    if (read_query(ctx, &mq, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], mq.status, mq.has_cursor ? mq.after_time : NULL,
        mq.has_cursor ? mq.after_id : NULL, mq.limit };
    db_pool_query(ctx->srv->pool, "SELECT api_org_mail($1, $2, $3, $4, $5)", 5, params, api_reply_page_cb, ctx);
}
