/* SPDX-License-Identifier: Apache-2.0 */
/* Groups: create, list with filters and a cursor, get, change, archive. The
 * schedule is expanded here (calendars/) and stored with the group in one
 * transaction; who may see a closed group's link is decided by authz. */
#include "api.h"
#include "authz.h"
#include "facts.h"
#include "feed-cache.h"
#include "group-input.h"
#include "group-view.h"
#include "occurrences.h"
#include "principal.h"
#include "query-params.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 100
/* Series that began long ago are materialised from this far back only. */
#define PAST_SECONDS (366 * 24 * 3600)

struct group_change {
    struct req_ctx *ctx;
    json_t *clean;                  /* validated fields (create or patch) */
    char *clean_text;
    struct occurrence_params occ;
    char horizon[32];
    bool confirm_below_taken;       /* ?confirm=capacity_below_taken */
    bool dry_run;                   /* ?dry_run=true: answer, save nothing */
};

static void group_change_free(void *p)
{
    struct group_change *c = p;
    json_decref(c->clean);
    free(c->clean_text);
    occurrences_free(&c->occ);
    free(c);
}

static struct group_change *group_change_new(struct req_ctx *ctx, json_t *clean)
{
    struct group_change *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    c->clean = clean;
    ctx->state = c;
    ctx->state_free = group_change_free;
    return c;
}

static const char *viewer_id(struct req_ctx *ctx)
{
    return ctx->principal ? ctx->principal->person_id : NULL;
}

/* Reply {"group": ...} as the SQL shaped it for the viewer. */
static void reply_group(struct req_ctx *ctx, const struct db_result *r, int status)
{
    json_t *body = api_row_json(ctx, r);
    if (body != NULL)
        http_reply_json(ctx, status, body);
}

/* Expand the schedule of a group for [from, horizon) into c->occ. */
static int expand_schedule(struct group_change *c, json_t *schedule, int64_t from)
{
    int64_t now = (int64_t)time(NULL), horizon = now + HORIZON_SECONDS;
    occurrences_format_utc(horizon, c->horizon);
    if (!json_is_object(schedule))
        return 0;
    if (occurrences_expand(schedule, from, horizon, &c->occ) != 0) {
        struct invalid inv = { "schedule", "cannot be expanded" };
        api_reply_invalid(c->ctx, &inv);
        return -1;
    }
    return 0;
}

/* ---- create ---- */

static void created_cb(const struct db_result *r, void *arg)
{
    struct group_change *c = arg;
    reply_group(c->ctx, r, 201);
}

void api_groups_create(struct req_ctx *ctx)
{
    struct invalid inv;
    json_t *clean;
    if (group_input_parse(ctx->body, false, &clean, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    struct group_change *c = group_change_new(ctx, clean);
    if (group_input_check_whole(clean, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (expand_schedule(c, json_object_get(clean, "schedule"), (int64_t)time(NULL) - PAST_SECONDS) != 0)
        return;
    c->clean_text = json_dumps(clean, JSON_COMPACT);
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[0], c->clean_text, c->occ.starts, c->occ.ends, c->horizon,
        viewer_id(ctx), scope };
    db_pool_query(ctx->srv->pool, "SELECT api_group_create($1, $2, $3, $4, $5, $6, $7)", 7, params, created_cb, c);
    free(scope);
}

/* ---- get ---- */

static void got_cb(const struct db_result *r, void *arg)
{
    reply_group(arg, r, 200);
}

void api_groups_get(struct req_ctx *ctx)
{
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[0], viewer_id(ctx), scope };
    db_pool_query(ctx->srv->pool, "SELECT api_group_get($1, $2, $3)", 3, params, got_cb, ctx);
    free(scope); /* the pool copied it */
}

/* ---- change and archive: load, authorise, write ---- */

static void updated_cb(const struct db_result *r, void *arg)
{
    struct group_change *c = arg;
    /* The change's NOTIFY reaches this worker's LISTEN connection a moment
     * later: drop the feeds now, so that the coordinator's next look at the
     * group's feed (most likely sent to this worker) never joins a render
     * from before the change. Other workers learn it from the NOTIFY. */
    if (r->status == DB_OK && !c->dry_run)
        feed_cache_invalidate();
    reply_group(c->ctx, r, 200);
}

/* The stored group with the patch laid over it, for whole-group checks. */
static json_t *merged_group(json_t *stored, json_t *patch)
{
    json_t *merged = json_deep_copy(stored);
    json_object_update(merged, patch);
    return merged;
}

/* Leaders may change their group (the route's AUTHZ_GROUP_EDIT), but only
 * coordinators choose who leads it: a leader sending "leaders" at all (even
 * the same list) is refused, so nobody can hand out access to the
 * participants' names and notes. */
static bool may_set_leaders(struct req_ctx *ctx, json_t *patch)
{
    return json_object_get(patch, "leaders") == NULL ||
        authz_allows(ctx->principal, AUTHZ_GROUP_SET_LEADERS, &ctx->facts->target);
}

/* The consent a group asks for is worded by coordinators: a leader's patch
 * that sends any consent_text field is refused. */
static bool may_set_consent(struct req_ctx *ctx, json_t *patch)
{
    static const char *const keys[] = { "consent_text", "consent_text_sv", "consent_text_en" };
    bool sent = false;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        sent = sent || json_object_get(patch, keys[i]) != NULL;
    return !sent || authz_allows(ctx->principal, AUTHZ_GROUP_SET_CONSENT, &ctx->facts->target);
}

static const char *const patch_params[] = { "confirm", "dry_run", NULL };
static const char *const confirmations[] = { "capacity_below_taken", NULL };
static const char *const booleans[] = { "true", "false", NULL };

/* Before the group's facts are loaded: the patch itself, whether it means
 * to lower the capacity below the seats taken (the database decides whether
 * it does), and whether it is only to be tried (dry_run). */
int api_groups_patch_check(struct req_ctx *ctx)
{
    struct invalid inv;
    json_t *clean;
    const char *confirm, *dry_run, *unknown = query_unknown(ctx, patch_params);
    if (unknown != NULL) {
        query_reply_unknown(ctx, unknown);
        return -1;
    }
    if (query_choice(ctx, "confirm", confirmations, &confirm, &inv) != 0
        || query_choice(ctx, "dry_run", booleans, &dry_run, &inv) != 0
        || group_input_parse(ctx->body, true, &clean, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return -1;
    }
    struct group_change *c = group_change_new(ctx, clean);
    c->confirm_below_taken = confirm != NULL;
    c->dry_run = dry_run != NULL && strcmp(dry_run, "true") == 0;
    return 0;
}

/* The stored group (the facts loaded) with the patch laid over it is
 * checked whole, then written. */
void api_groups_patch(struct req_ctx *ctx)
{
    struct group_change *c = ctx->state;
    struct invalid inv;
    if (!may_set_leaders(ctx, c->clean) || !may_set_consent(ctx, c->clean)) {
        api_reply_forbidden(ctx);
        return;
    }
    json_t *merged = merged_group(ctx->facts->loaded, c->clean);
    int rc = group_input_check_whole(merged, &inv);
    json_t *schedule = json_object_get(c->clean, "schedule");
    if (rc == 0 && schedule != NULL)
        rc = expand_schedule(c, json_object_get(merged, "schedule"), (int64_t)time(NULL)) == 0 ? 0 : 1;
    json_decref(merged);
    if (rc != 0) {
        if (rc < 0)
            api_reply_invalid(ctx, &inv);
        return;
    }
    c->clean_text = json_dumps(c->clean, JSON_COMPACT);
    char *scope = group_view_scope(ctx->principal);
    const char *params[] = { ctx->params[0], c->clean_text, c->occ.starts, c->occ.ends,
        c->horizon[0] ? c->horizon : NULL, viewer_id(ctx), scope, c->confirm_below_taken ? "true" : "false" };
    db_pool_query(ctx->srv->pool,
        c->dry_run ? "SELECT api_group_update_dry_run($1, $2, $3, $4, $5, $6, $7, $8)"
                   : "SELECT api_group_update($1, $2, $3, $4, $5, $6, $7, $8)",
        8, params, updated_cb, c);
    free(scope);
}

void api_groups_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_empty(ctx, "SELECT api_group_archive($1)", 1, params);
}
