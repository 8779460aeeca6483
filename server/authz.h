/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization: the one place that answers "may this principal do this?".
 * Pure decisions over the principal's site role and memberships; handlers
 * ask here and never decide themselves. */
#ifndef PIIRI_AUTHZ_H
#define PIIRI_AUTHZ_H

#include "principal.h"

#include <stdbool.h>

enum authz_action {
    AUTHZ_ORG_CREATE,          /* create an organization: site admins */
    AUTHZ_ORG_MEMBERS_READ,    /* list an org's members: its coordinators, admins */
    AUTHZ_ORG_MEMBERS_MANAGE,  /* set or remove roles: its coordinators, admins */
};

/* What the action is about. */
struct authz_target {
    const char *org_slug;      /* org-scoped actions */
};

bool authz_allows(const struct principal *p, enum authz_action action, const struct authz_target *target);

#endif
