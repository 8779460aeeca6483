/* SPDX-License-Identifier: Apache-2.0 */
/* Errors of the web pages as pages: in the page's language, saying in
 * plain words what happened and where to go from here, with the status the
 * API would give. The API's English message is not shown: it is written
 * for programmers. */
#include "web.h"

#include "dispatch.h"
#include "router.h"
#include "util.h"

#include <event2/http.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statuses with words of their own in the catalogs (error_404_title,
 * error_404_text); any other is "error_other_*". */
static const int worded[] = { 400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 503 };

/* A page for signed-in people asked for without signing in: 303 to the
 * sign-in form, which sends the person on to the page (next) afterwards.
 * Only for a page route's GET: a form sent without a session gets the 401
 * page, and the JSON API its 401. False when this is not such a request. */
static bool to_signin(struct req_ctx *ctx, int status)
{
    if (status != 401 || ctx->method != ROUTER_GET || ctx->def == NULL || ctx->def->answers != ROUTE_ANSWERS_HTML)
        return false;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(ctx->req));
    char *to = web_next_path_ok(path) ? xasprintf("/%s/signin?next=%s", web_request_lang(ctx), path)
                                      : xasprintf("/%s/signin", web_request_lang(ctx));
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", to);
    free(to);
    web_add_headers(ctx);
    http_reply_empty(ctx, 303);
    return true;
}

static void web_error_reply(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    if (to_signin(ctx, status))
        return;
    const char *lang = web_request_lang(ctx);
    char which[16], title[40], text[40];
    snprintf(which, sizeof(which), "other");
    for (size_t i = 0; i < sizeof(worded) / sizeof(worded[0]); i++) {
        if (worded[i] == status)
            snprintf(which, sizeof(which), "%d", status);
    }
    snprintf(title, sizeof(title), "error_%s_title", which);
    snprintf(text, sizeof(text), "error_%s_text", which);
    json_t *view = json_pack("{s:s, s:s, s:i}", "title", web_t(lang, title), "text", web_t(lang, text), "status",
        status);
    (void)code;
    (void)message;
    web_reply_page(ctx, status, lang, "error", view);
}

const struct dispatch_html web_dispatch_html = { web_is_page_path, web_error_reply };
