/* SPDX-License-Identifier: Apache-2.0 */
/* The signed-in person: who they are, their feed settings, everything stored
 * about them, and erasing the account. */
#include "api.h"
#include "principal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The person's own view, the links of their personal feed built by the SQL
 * on PIIRI_PUBLIC_URL (api_me): sent as it comes, in the compact form. */
static void me_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *me = api_row_json(ctx, r);
    if (me != NULL)
        http_reply_json(ctx, 200, me);
}

void api_me_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id, ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT api_me($1, $2)", 2, params, me_cb, ctx);
}

void api_me_patch(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *name;
    json_t *discreet = json_object_get(ctx->body, "discreet_calendar");
    if (json_display_name(ctx->body, false, &name, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (discreet != NULL && !json_is_boolean(discreet)) {
        inv = (struct invalid) { "discreet_calendar", "must be true or false" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->principal->person_id, name,
        discreet == NULL ? NULL : json_is_true(discreet) ? "true" : "false", ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT api_me_update($1, $2, $3, $4)", 4, params, me_cb, ctx);
}

/* A new feed link; the old one stops working at once. */
void api_me_calendar_token(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id, ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT api_calendar_token_rotate($1, $2)", 2, params, me_cb, ctx);
}

void api_me_export(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Content-Disposition",
        "attachment; filename=\"piiri-export.json\"");
    api_query_json(ctx, "SELECT api_export($1)", 1, params, 200);
}

void api_me_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_erase_person($1)", 1, params);
}
