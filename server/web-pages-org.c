/* SPDX-License-Identifier: Apache-2.0 */
/* An organization's page: its name, the umbrella it belongs to, and its
 * groups as the front page shows them. */
#include "web.h"

#include "api.h"
#include "group-view.h"
#include "principal.h"
#include "util.h"

#include <stdlib.h>

static void got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    const char *lang = ctx->params[0];
    const json_t *org = json_object_get(page, "org");
    json_t *cards = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(page, "groups"), i, g) json_array_append_new(cards, web_group_card(g, lang));
    char *count = web_tn(lang, "results_all", (long)json_array_size(cards));
    json_t *view = json_pack("{s:s?, s:s?, s:o, s:b, s:s}", "title", json_string_value(json_object_get(org, "name")),
        "parent_name", json_string_value(json_object_get(page, "parent_name")), "groups", cards, "has_groups",
        json_array_size(cards) > 0, "count", count);
    free(count);
    json_decref(page);
    web_reply_page(ctx, 200, lang, "org", view);
}

void web_org(struct req_ctx *ctx)
{
    if (web_page_from_cache(ctx))
        return;
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[1], ctx->principal ? ctx->principal->person_id : NULL, scope };
    db_pool_query(ctx->srv->pool, "SELECT web_org_page($1, $2, $3)", 3, params, got_cb, ctx);
    free(scope); /* the pool copied it */
}
