/* SPDX-License-Identifier: Apache-2.0 */
/* What the matching handlers share (matching-supporters.c, matching-requests.c,
 * matching-pairings.c, matching-api.c): load who is involved in a supporter,
 * request or pairing, ask authz, then go on; and the body validation step. */
#ifndef PIIRI_MATCHING_API_H
#define PIIRI_MATCHING_API_H

#include "api.h"
#include "authz.h"
#include "matching-input.h"

#include <jansson.h>

struct matching_step;

/* facts: the loaded JSON (borrowed, freed after the call returns). */
typedef void (*matching_next)(struct matching_step *st, json_t *loaded);

/* Per-request state, owned by ctx (ctx->state). */
struct matching_step {
    struct req_ctx *ctx;
    enum authz_action action;
    matching_next next;
    json_t *clean;      /* the validated body, if any */
    char *clean_text;   /* clean as JSON text */
};

struct matching_step *matching_step_new(struct req_ctx *ctx);
/* Validate the body as kind into st->clean and st->clean_text; -1 after
 * replying 422. */
int matching_step_body(struct matching_step *st, enum matching_body kind, bool partial)
    __attribute__((warn_unused_result));
/* Run sql with the {id} parameter ($1; 404 when it is not a UUID or no row
 * comes back), read the facts ({"org", "requester", "supporter", "active", "accepted"},
 * at the top or under "_facts"), authorize action, then call next. */
void matching_step_load(struct matching_step *st, const char *sql, enum authz_action action, matching_next next);
/* The authz target described by facts (strings borrowed from it). */
void matching_target_read(json_t *facts, struct authz_target *t);
/* Authorize action on the org in the {slug} parameter; 403 and -1 if not. */
int matching_authorize_org(struct req_ctx *ctx, enum authz_action action) __attribute__((warn_unused_result));
/* The signed-in person's id. */
const char *matching_viewer(struct req_ctx *ctx);
/* Parse the one JSON value of a successful query; NULL after replying. */
json_t *matching_row_json(struct req_ctx *ctx, const struct db_result *r);

#endif
