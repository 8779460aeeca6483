/* SPDX-License-Identifier: Apache-2.0 */
/* "Load the facts, ask authz, then write": the two-step pattern of handlers
 * that act on a group's people. The first query returns a JSON object with a
 * "group" member (group_json with "_facts"); the check runs authz on it and
 * hands the loaded JSON to the next step, or replies 403/404/503. */
#ifndef PIIRI_FACTS_H
#define PIIRI_FACTS_H

#include "authz.h"
#include "http.h"

#include <jansson.h>

/* next: called with the loaded object (borrowed, freed after next returns). */
typedef void (*facts_next)(struct req_ctx *ctx, json_t *loaded);

struct facts_step {
    struct req_ctx *ctx;
    enum authz_action action;
    facts_next next;
    const char *owner_field;   /* loaded member naming the owner (AUTHZ_SIGNUP_CANCEL) */
};

/* Run sql with params, then authorize step->action on the loaded group;
 * step must live until next is called (put it in ctx->state). */
void facts_load(struct facts_step *step, const char *sql, int nparams, const char *const *params);

#endif
