/* SPDX-License-Identifier: Apache-2.0 */
/* The viewer's scope for the SQL that shapes groups: the same memberships
 * authz decides on, so the SQL and authz.c apply AUTHZ_GROUP_SEE_LINK to
 * the same facts (tests/group-see-link.cases holds both to one table). */
#include "group-view.h"

#include "log.h"

#include <jansson.h>
#include <stdlib.h>

char *group_view_scope(const struct principal *viewer)
{
    if (viewer == NULL)
        return NULL;
    json_t *coordinator = json_array(), *leader = json_array();
    for (int i = 0; i < viewer->nmemberships; i++) {
        const struct membership *m = &viewer->memberships[i];
        if (m->role == ROLE_COORDINATOR)
            json_array_append_new(coordinator, json_string(m->org_id));
        if (m->role >= ROLE_LEADER)
            json_array_append_new(leader, json_string(m->org_id));
    }
    json_t *scope = json_pack("{s:b, s:o, s:o}", "admin", viewer->is_admin, "coordinator", coordinator, "leader", leader);
    char *text = scope ? json_dumps(scope, JSON_COMPACT) : NULL;
    if (text == NULL)
        fatalx("out of memory");
    json_decref(scope);
    return text;
}
