/* SPDX-License-Identifier: Apache-2.0 */
/* Errors of the web pages as pages: in the page's language, saying in
 * plain words what happened and where to go from here, with the status the
 * API would give. The API's English message is not shown: it is written
 * for programmers. */
#include "web.h"

#include "dispatch.h"

#include <stdio.h>
#include <string.h>

/* The statuses with words of their own in the catalogs (error_404_title,
 * error_404_text); any other is "error_other_*". */
static const int worded[] = { 400, 401, 403, 404, 405, 409, 413, 422, 429, 503 };

static void web_error_reply(struct req_ctx *ctx, int status, const char *code, const char *message)
{
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
