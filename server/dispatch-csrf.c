/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-site request refusals: Origin, Sec-Fetch-Site and the session's
 * CSRF token (why: dispatch-csrf.h). */
#include "dispatch-csrf.h"

#include "config.h"
#include "dispatch.h"
#include "router.h"
#include "token.h"

#include <event2/http.h>
#include <string.h>
#include <strings.h>

static bool unsafe(const struct req_ctx *ctx)
{
    return (ctx->method & (ROUTER_POST | ROUTER_PUT | ROUTER_PATCH | ROUTER_DELETE)) != 0;
}

static void reply_csrf_failed(struct req_ctx *ctx)
{
    http_reply_error(ctx, 403, "csrf_failed",
        "This form is out of date or was sent from another site: reload the page and send it again.", NULL);
}

/* Is origin the scheme, host and port of the public URL? */
static bool our_origin(const char *public_url, const char *origin)
{
    const char *host = strstr(public_url, "://");
    if (host == NULL)
        return false;
    size_t n = (size_t)(host + 3 - public_url) + strcspn(host + 3, "/?#");
    return strlen(origin) == n && strncasecmp(origin, public_url, n) == 0;
}

/* Origin, when sent, is ours; Sec-Fetch-Site, when sent, is not another site's. */
static bool same_origin(const struct req_ctx *ctx)
{
    const struct evkeyvalq *h = evhttp_request_get_input_headers(ctx->req);
    const char *origin = evhttp_find_header(h, "Origin");
    const char *site = evhttp_find_header(h, "Sec-Fetch-Site");
    if (origin != NULL && !our_origin(ctx->srv->cfg->public_url, origin))
        return false;
    return site == NULL || strcasecmp(site, "same-origin") == 0 || strcasecmp(site, "none") == 0;
}

bool dispatch_csrf_origin_passed(struct req_ctx *ctx)
{
    if (!unsafe(ctx) || same_origin(ctx))
        return true;
    reply_csrf_failed(ctx);
    return false;
}

/* The token the request carries: the form's field, else the header. */
static const char *sent_token(const struct req_ctx *ctx)
{
    if (ctx->def->body == ROUTE_BODY_FORM && ctx->body != NULL) {
        const char *field = json_string_value(json_object_get(ctx->body, "csrf"));
        if (field != NULL)
            return field;
    }
    return evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-CSRF-Token");
}

bool dispatch_csrf_passed(struct req_ctx *ctx, const char *token, size_t len)
{
    token_csrf(token, len, ctx->csrf);
    if (!unsafe(ctx))
        return true;
    const char *sent = sent_token(ctx);
    if (!same_origin(ctx) || sent == NULL || !token_equal(sent, ctx->csrf)) {
        reply_csrf_failed(ctx);
        return false;
    }
    if (ctx->def->body == ROUTE_BODY_FORM && ctx->body != NULL)
        json_object_del(ctx->body, "csrf");
    return true;
}
