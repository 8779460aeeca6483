/* SPDX-License-Identifier: Apache-2.0 */
/* Role names and membership lookups: pure, shared by authz and its tests. */
#include "principal.h"

#include <string.h>

static const char *const role_names[] = { "none", "member", "leader", "coordinator" };

enum org_role role_from_name(const char *name)
{
    for (int r = ROLE_MEMBER; r <= ROLE_COORDINATOR; r++) {
        if (strcmp(role_names[r], name) == 0)
            return (enum org_role)r;
    }
    return ROLE_NONE;
}

const char *role_name(enum org_role role)
{
    return role_names[role];
}

enum org_role principal_role_in(const struct principal *p, const char *slug)
{
    for (int i = 0; i < p->nmemberships; i++) {
        if (strcmp(p->memberships[i].slug, slug) == 0)
            return p->memberships[i].role;
    }
    return ROLE_NONE;
}
