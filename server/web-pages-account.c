/* SPDX-License-Identifier: Apache-2.0 */
/* My account's pages and forms: the calendar subscription (the personal
 * feed's webcal:// and Google Calendar links, discreet titles, a new link)
 * and my data (the export is the API's own download; erasing the account
 * has a confirmation step). The SQL is the API's: api_me_update,
 * api_calendar_token_rotate, api_erase_person. */
#include "web.h"

#include "api.h"
#include "config.h"
#include "principal.h"
#include "util.h"

#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

static void see_other(struct req_ctx *ctx, const char *rest)
{
    char *to = xasprintf("/%s/%s", ctx->params[0], rest);
    web_see_other(ctx, to);
    free(to);
}

json_t *web_calendar_view(const json_t *me)
{
    const char *webcal = json_string_value(json_object_get(me, "webcal_url"));
    const char *url = json_string_value(json_object_get(me, "calendar_url"));
    json_t *v = json_pack("{s:b}", "discreet", json_is_true(json_object_get(me, "discreet_calendar")));
    if (webcal != NULL && url != NULL) {
        char *cid = evhttp_encode_uri(webcal);
        char *google = xasprintf("https://calendar.google.com/calendar/r?cid=%s", cid ? cid : "");
        json_object_set_new(v, "webcal_url", json_string(webcal));
        json_object_set_new(v, "url", json_string(url));
        json_object_set_new(v, "google_href", json_string(google));
        free(google);
        free(cid);
    }
    return v;
}

static void changed_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    see_other(ctx, "me#calendar");
}

void web_me_calendar(struct req_ctx *ctx)
{
    const char *discreet = json_string_value(json_object_get(ctx->body, "discreet"));
    const char *params[] = { ctx->principal->person_id, NULL, discreet != NULL ? "true" : "false",
        ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT api_me_update($1, $2, $3, $4)", 4, params, changed_cb, ctx);
}

void web_me_calendar_link(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id, ctx->srv->cfg->public_url };
    db_pool_query(ctx->srv->pool, "SELECT api_calendar_token_rotate($1, $2)", 2, params, changed_cb, ctx);
}

void web_me_erase_page(struct req_ctx *ctx)
{
    const char *lang = ctx->params[0];
    web_reply_page(ctx, 200, lang, "erase", json_pack("{s:s}", "title", web_t(lang, "erase_title")));
}

static void erased_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    char *c = xasprintf("%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
        principal_cookie_name(ctx->srv->cfg->public_url),
        strncmp(ctx->srv->cfg->public_url, "https://", 8) == 0 ? "; Secure" : "");
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Set-Cookie", c);
    free(c);
    see_other(ctx, "");
}

void web_me_erase(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    db_pool_query(ctx->srv->pool, "SELECT api_erase_person($1)", 1, params, erased_cb, ctx);
}
