/* SPDX-License-Identifier: Apache-2.0 */
/* The database returns every group with "_facts" (org, leaders, whether the
 * viewer participates); authz decides on them here, in piirid. */
#include "group-view.h"

#include "facts.h"

void group_view_filter(json_t *group, const struct principal *viewer)
{
    struct group_facts g;
    struct authz_target t;
    bool see = false;
    if (facts_read_group(group, &g) == 0) { /* without its facts: as for a closed group */
        facts_group_target(&g, &t);
        see = authz_allows(viewer, AUTHZ_GROUP_SEE_LINK, &t);
    }
    if (!see && !json_is_null(json_object_get(group, "online_url")))
        json_object_set_new(group, "online_url", json_null());
    json_object_del(group, "_facts");
}
