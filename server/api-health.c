/* SPDX-License-Identifier: Apache-2.0 */
/* Liveness, readiness and Prometheus metrics. */
#include "api.h"
#include "metrics.h"

#include <event2/buffer.h>
#include <stdlib.h>

static const char healthy[] = "{\"status\":\"ok\"}";
static const char ready[] = "{\"status\":\"ready\"}";

void api_healthz(struct req_ctx *ctx)
{
    http_reply_json_text(ctx, 200, healthy, sizeof(healthy) - 1);
}

static void readyz_done_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    http_reply_json_text(ctx, 200, ready, sizeof(ready) - 1);
}

void api_readyz(struct req_ctx *ctx)
{
    db_pool_query(ctx->srv->pool, "SELECT 1", 0, NULL, readyz_done_cb, ctx);
}

void api_metrics(struct req_ctx *ctx)
{
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        abort();
    metrics_render(buf, route_metric_labels);
    http_reply_text(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", buf);
    evbuffer_free(buf);
}
