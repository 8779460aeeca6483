/* SPDX-License-Identifier: Apache-2.0 */
/* Organizations and their members. Who may do what is decided by authz.
 * A removal or a demotion takes effect on the person's next request (authz
 * reads the memberships loaded with each request); the database also ends
 * what hangs on the membership in the same transaction: group leadership
 * (removal, or demotion to member) and pairings as a supporter (removal). */
#include "api.h"
#include "principal.h"
#include "reminder-input.h"

#include <stdlib.h>

void api_orgs_list(struct req_ctx *ctx)
{
    api_query_json(ctx, "SELECT api_orgs_list()", 0, NULL, 200);
}

void api_orgs_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_org_get($1)", 1, params, 200);
}

void api_orgs_create(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *slug, *name, *parent, *tz;
    if (json_require_string(ctx->body, "slug", 2, 63, &slug, &inv) != 0 ||
        json_require_string(ctx->body, "name", 1, 200, &name, &inv) != 0 ||
        json_optional_string(ctx->body, "parent", 2, 63, &parent, &inv) != 0 ||
        json_optional_string(ctx->body, "timezone", 1, 64, &tz, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (!valid_slug(slug)) {
        inv = (struct invalid) { "slug", "must be lower-case letters and digits joined by single hyphens" };
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { slug, name, parent, tz ? tz : "Europe/Helsinki" };
    api_query_json(ctx, "SELECT api_org_create($1, $2, $3, $4)", 4, params, 201);
}

static const struct field org_fields[] = {
    { "reminder", F_OBJECT, false, false, false, 0, 0, 0, 0, NULL, reminder_fields },
    FIELDS_END,
};

/* The settings an organization's coordinators change: its default reminder. */
void api_orgs_patch(struct req_ctx *ctx)
{
    struct invalid inv;
    json_t *clean;
    if (json_fields_parse(ctx->body, org_fields, true, &clean, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    if (reminder_input_check(json_object_get(clean, "reminder"), &inv) != 0) {
        json_decref(clean);
        api_reply_invalid(ctx, &inv);
        return;
    }
    char *text = json_dumps(clean, JSON_COMPACT);
    json_decref(clean);
    const char *params[] = { ctx->params[0], text };
    api_query_json(ctx, "SELECT api_org_update($1, $2)", 2, params, 200);
    free(text);
}

/* The member routes are authorized on the path's {slug} (routes.c). */

void api_members_list(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0] };
    api_query_json(ctx, "SELECT api_members_list($1)", 1, params, 200);
}

static const char *const role_choices[] = { "member", "leader", "coordinator", NULL };

void api_members_put(struct req_ctx *ctx)
{
    struct invalid inv;
    const char *role;
    if (json_require_enum(ctx->body, "role", role_choices, &role, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], ctx->params[1], role };
    api_query_json(ctx, "SELECT api_membership_put($1, $2, $3)", 3, params, 200);
}

void api_members_delete(struct req_ctx *ctx)
{
    /* The remover is recorded on every pairing the removal ends. */
    const char *params[] = { ctx->params[0], ctx->params[1], ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_membership_delete($1, $2, $3)", 3, params);
}
