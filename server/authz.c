/* SPDX-License-Identifier: Apache-2.0 */
/* The authorization rules, one function per kind of action. Organizations
 * are independent: a coordinator of an umbrella org has no rights in its
 * member associations (their data is theirs). */
#include "authz.h"

#include <stddef.h>

static bool is_coordinator_of(const struct principal *p, const char *slug)
{
    return slug != NULL && principal_role_in(p, slug) == ROLE_COORDINATOR;
}

bool authz_allows(const struct principal *p, enum authz_action action, const struct authz_target *t)
{
    if (p == NULL)
        return false;
    if (p->is_admin)
        return true;
    switch (action) {
    case AUTHZ_ORG_CREATE:
        return false;
    case AUTHZ_ORG_MEMBERS_READ:
    case AUTHZ_ORG_MEMBERS_MANAGE:
        return t != NULL && is_coordinator_of(p, t->org_slug);
    }
    return false;
}
