/* SPDX-License-Identifier: Apache-2.0 */
/* A coordinator's pages of an organization (the routes' authz lets only its
 * coordinators and site admins in): its groups, each with its next session
 * and its room, archived ones apart, and "New group"; archiving a group,
 * with a confirmation step (only the POST archives: the API's
 * api_group_archive). */
#include "web.h"

#include "api.h"
#include "config.h"
#include "dispatch.h"
#include "facts.h"
#include "util.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A group of the list: its card (title, kind, where, next session, room)
 * with the coordinator's links. */
static json_t *manage_card(const json_t *g, const char *lang)
{
    json_t *card = web_group_card(g, lang);
    const char *id = json_string_value(json_object_get(g, "id"));
    json_object_set_new(card, "edit_href", json_sprintf("/%s/groups/%s/edit", lang, id ? id : ""));
    json_object_set_new(
        card, "sessions_href", json_sprintf("/%s/groups/%s/sessions", lang, id ? id : ""));
    json_object_set_new(
        card, "archive_href", json_sprintf("/%s/groups/%s/archive", lang, id ? id : ""));
    return card;
}

static void manage_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const char *lang = ctx->params[0], *slug = ctx->params[1];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    json_t *active = json_array(), *archived = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(page, "groups"), i, g)
    {
        json_array_append_new(
            json_is_true(json_object_get(g, "archived")) ? archived : active, manage_card(g, lang));
    }
    const char *name = json_string_value(json_object_get(json_object_get(page, "org"), "name"));
    char *count = web_tn(lang, "mg_count", (long)json_array_size(active));
    json_t *view = json_pack("{s:s, s:s?, s:s, s:o, s:o, s:b, s:b, s:o, s:o}", "title",
        web_t(lang, "mg_title"), "org_name", name, "count", count, "groups", active,
        "archived_groups", archived, "has_groups", json_array_size(active) > 0, "has_archived",
        json_array_size(archived) > 0, "new_href",
        json_sprintf("/%s/orgs/%s/manage/groups/new", lang, slug), "org_href",
        json_sprintf("/%s/orgs/%s", lang, slug));
    free(count);
    const char *archived_q = http_query_param(ctx, "archived");
    json_object_set_new(view, "archived_notice", json_boolean(archived_q != NULL));
    json_object_set_new(view, "people_href", json_sprintf("/%s/orgs/%s/manage/people", lang, slug));
    /* One-to-one support, when the matching module is on (web-pages-support.c). */
    if (ctx->srv->cfg->matching)
        json_object_set_new(view, "support_href", json_sprintf("/%s/orgs/%s/manage/support", lang, slug));
    json_decref(page);
    web_reply_page(ctx, 200, lang, "manage", view);
}

void web_manage(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1] };
    db_pool_query(ctx->srv->pool, "SELECT web_manage_page($1)", 1, params, manage_got_cb, ctx);
}

/* ---- archiving ---- */

void web_group_archive_page(struct req_ctx *ctx)
{
    const char *lang = ctx->params[0], *id = ctx->params[1];
    const json_t *g = ctx->facts->loaded;
    const char *shown, *title = web_group_text(g, "title", lang, &shown);
    json_t *view = json_pack("{s:s, s:s?, s:s?, s:o, s:o, s:b}", "title", web_t(lang, "ga_title"),
        "group_title", title, "group_title_lang", shown, "action",
        json_sprintf("/%s/groups/%s/archive", lang, id), "back_href",
        json_sprintf("/%s/groups/%s/edit", lang, id), "archived",
        json_is_true(json_object_get(g, "archived")));
    web_reply_page(ctx, 200, lang, "group-archive", view);
}

static void archived_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    char *to =
        xasprintf("/%s/orgs/%s/manage?archived=1", ctx->params[0], ctx->facts->target.org_slug);
    web_see_other(ctx, to);
    free(to);
}

void web_group_archive(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[1] };
    db_pool_query(ctx->srv->pool, "SELECT api_group_archive($1)", 1, params, archived_cb, ctx);
}
