/* SPDX-License-Identifier: Apache-2.0 */
/* The signed-in person: who they are, their feed settings, everything stored
 * about them, and erasing the account. */
#include "api.h"
#include "principal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The database hands out the feed token; the person gets links built on
 * PIIRI_PUBLIC_URL, an https:// (or http://) one and a webcal:// one. */
static void me_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *me = api_row_json(ctx, r);
    if (me == NULL)
        return;
    const char *token = json_string_value(json_object_get(me, "calendar_token"));
    const char *base = ctx->srv->cfg->public_url;
    if (token != NULL) {
        char *url = xasprintf("%s/calendars/people/%s.ics", base, token);
        const char *rest = strstr(url, "://");
        char *webcal = xasprintf("webcal%s", rest ? rest : "://");
        json_object_set_new(me, "calendar_url", json_string(url));
        json_object_set_new(me, "webcal_url", json_string(webcal));
        free(url);
        free(webcal);
    } else {
        json_object_set_new(me, "calendar_url", json_null());
        json_object_set_new(me, "webcal_url", json_null());
    }
    json_object_del(me, "calendar_token");
    http_reply_json(ctx, 200, me);
}

void api_me_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_me($1)", 1, params, me_cb, ctx);
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
        discreet == NULL ? NULL : json_is_true(discreet) ? "true" : "false" };
    db_pool_query(ctx->srv->pool, "SELECT api_me_update($1, $2, $3)", 3, params, me_cb, ctx);
}

/* A new feed link; the old one stops working at once. */
void api_me_calendar_token(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_calendar_token_rotate($1)", 1, params, me_cb, ctx);
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
