/* SPDX-License-Identifier: Apache-2.0 */
/* The pages about the service itself: the privacy notice and the
 * accessibility statement (saavutettavuusseloste, as the Act on the
 * Provision of Digital Services, 306/2019, asks), one template per
 * language, since they are prose rather than strings. No database. */
#include "web.h"

#include "config.h"
#include "server.h"

#include <stdio.h>

static void info_page(struct req_ctx *ctx, const char *name)
{
    const char *lang = ctx->params[0];
    char tpl[48];
    snprintf(tpl, sizeof(tpl), "%s-%s", name, lang);
    json_t *view = json_pack("{s:s, s:s}", "title", web_t(lang, name), "contact_email",
        ctx->srv->cfg->contact_email ? ctx->srv->cfg->contact_email : "");
    web_reply_page(ctx, 200, lang, tpl, view);
}

void web_privacy(struct req_ctx *ctx)
{
    info_page(ctx, "privacy");
}

void web_accessibility(struct req_ctx *ctx)
{
    info_page(ctx, "accessibility");
}
