/* SPDX-License-Identifier: Apache-2.0 */
/* Liveness, readiness and Prometheus metrics (for loopback clients and the
 * holder of the metrics token). */
#include "api.h"
#include "metrics-access.h"
#include "metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>
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

/* Loopback clients, or the holder of PIIRI_METRICS_TOKEN: the counters show
 * how the service is used, which is nobody else's business. */
static bool metrics_allowed(struct req_ctx *ctx)
{
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Authorization");
    switch (metrics_access_check(ctx->client_addr, auth, ctx->srv->cfg->metrics_token)) {
    case METRICS_ACCESS_ALLOWED:
        return true;
    case METRICS_ACCESS_UNAUTHORIZED:
        evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "WWW-Authenticate", "Bearer");
        http_reply_error(ctx, 401, "unauthorized", "Send Authorization: Bearer with the metrics token.", NULL);
        return false;
    case METRICS_ACCESS_FORBIDDEN:
        break;
    }
    http_reply_error(ctx, 403, "forbidden", "Metrics are served to loopback clients only.", NULL);
    return false;
}

void api_metrics(struct req_ctx *ctx)
{
    if (!metrics_allowed(ctx))
        return;
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        abort();
    metrics_render(buf);
    http_reply_text(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", buf);
    evbuffer_free(buf);
}
