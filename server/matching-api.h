/* SPDX-License-Identifier: Apache-2.0 */
/* What the matching handlers share (matching-supporters.c, matching-requests.c,
 * matching-pairings.c, matching-api.c). The pipeline (dispatch.h) has already
 * run what each route declares in routes.c: the typed {id} or {slug}, the
 * principal, the facts loader (ctx->facts: struct pairing_facts,
 * support_request_facts or supporter_facts), the authz action and the body's
 * check; a handler only decides what depends on the facts and sends its
 * statement. */
#ifndef PIIRI_MATCHING_API_H
#define PIIRI_MATCHING_API_H

#include "api.h"
#include "authz.h"
#include "facts.h"
#include "matching-input.h"

#include <jansson.h>

/* A body validated by a route's check (ctx->state). */
struct matching_clean {
    json_t *clean;      /* only the known fields (matching_input_parse) */
    char *text;         /* clean as JSON text, for a jsonb parameter */
};

/* The check of a route: validate the body as kind into a struct
 * matching_clean at ctx->state; -1 after replying 422. */
int matching_check(struct req_ctx *ctx, enum matching_body kind, bool partial) __attribute__((warn_unused_result));
/* The body the route's check validated. */
const struct matching_clean *matching_clean(const struct req_ctx *ctx);
/* A string field of it, or NULL. */
const char *matching_clean_string(const struct req_ctx *ctx, const char *key);
/* An integer field of it, as a SQL parameter. */
void matching_clean_int(const struct req_ctx *ctx, const char *key, char out[16]);

/* Whether authz allows the principal action on the loaded facts, as a
 * boolean SQL parameter ("true"/"false"): the rights that SQL functions
 * taking them use to leave out what may not be seen. */
const char *matching_right(const struct req_ctx *ctx, enum authz_action action);
/* The signed-in person's id (NULL when anonymous). */
const char *matching_viewer(const struct req_ctx *ctx);

#endif
