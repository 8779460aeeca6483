/* SPDX-License-Identifier: Apache-2.0 */
/* Who is asking: the person behind a bearer token, their site role and their
 * memberships, loaded in one query before the route's handler runs. */
#ifndef PIIRI_PRINCIPAL_H
#define PIIRI_PRINCIPAL_H

#include <stdbool.h>

struct req_ctx;

enum org_role { ROLE_NONE = 0, ROLE_MEMBER, ROLE_LEADER, ROLE_COORDINATOR };

struct membership {
    char org_id[37];
    char slug[64];
    enum org_role role;
};

struct principal {
    char person_id[37];
    bool is_admin;
    char token_hash[67];          /* bytea parameter of the token in use */
    int nmemberships;
    struct membership *memberships;
};

/* Role name to enum; ROLE_NONE for an unknown name. */
enum org_role role_from_name(const char *name);
const char *role_name(enum org_role role);
/* The principal's role in the org with this slug, ROLE_NONE if not a member. */
enum org_role principal_role_in(const struct principal *p, const char *slug);

/* Read the bearer token, load the principal into ctx->principal and run the
 * route's handler, or reply 401. optional: without an Authorization header
 * the handler runs with no principal. */
void principal_authenticate(struct req_ctx *ctx, bool optional);
void principal_free(struct principal *p);
/* For one-round-trip handlers that resolve the person in their own SQL:
 * the hash of a well-formed bearer token into out, or reply 401 and -1. */
int principal_token_param(struct req_ctx *ctx, char out[67]) __attribute__((warn_unused_result));

#endif
