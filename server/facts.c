/* SPDX-License-Identifier: Apache-2.0 */
/* The shared first step of group-scoped handlers. */
#include "facts.h"

#include "api.h"
#include "group-view.h"

static void loaded_cb(const struct db_result *r, void *arg)
{
    struct facts_step *step = arg;
    struct req_ctx *ctx = step->ctx;
    struct group_facts facts;
    if (r->status != DB_OK || PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_db_json(ctx, r, 200); /* the error, or 404 */
        return;
    }
    json_t *loaded = json_loads(PQgetvalue(r->res, 0, 0), 0, NULL);
    if (loaded == NULL) {
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    if (!json_is_object(json_object_get(loaded, "group"))) {
        json_decref(loaded);
        api_reply_not_found(ctx);
        return;
    }
    group_facts_read(json_object_get(loaded, "group"), &facts);
    if (step->owner_field != NULL)
        facts.target.owner_id = json_string_value(json_object_get(loaded, step->owner_field));
    if (!authz_allows(ctx->principal, step->action, &facts.target)) {
        json_decref(loaded);
        api_reply_forbidden(ctx);
        return;
    }
    step->next(ctx, loaded);
    json_decref(loaded);
}

void facts_load(struct facts_step *step, const char *sql, int nparams, const char *const *params)
{
    db_pool_query(step->ctx->srv->pool, sql, nparams, params, loaded_cb, step);
}
