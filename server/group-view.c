/* SPDX-License-Identifier: Apache-2.0 */
/* The database returns every group with "_facts" (org, leaders, whether the
 * viewer participates); authz decides on them here, in piirid. */
#include "group-view.h"

#include <string.h>

void group_facts_read(json_t *group, struct group_facts *f)
{
    json_t *facts = json_object_get(group, "_facts");
    json_t *leaders = json_object_get(facts, "leaders");
    memset(f, 0, sizeof(*f));
    f->target.org_slug = json_string_value(json_object_get(facts, "org"));
    f->target.closed = strcmp(json_string_value(json_object_get(facts, "access")) ?: "", "open") != 0;
    f->target.participant = json_is_true(json_object_get(facts, "participant"));
    for (size_t i = 0; i < json_array_size(leaders) && i < GROUP_MAX_LEADERS; i++) {
        const char *id = json_string_value(json_array_get(leaders, i));
        if (id != NULL)
            f->leaders[f->target.nleaders++] = id;
    }
    f->target.leaders = f->leaders;
}

void group_view_filter(json_t *group, const struct principal *viewer)
{
    struct group_facts f;
    group_facts_read(group, &f);
    if (!authz_allows(viewer, AUTHZ_GROUP_SEE_LINK, &f.target) &&
        !json_is_null(json_object_get(group, "online_url")))
        json_object_set_new(group, "online_url", json_null());
    json_object_del(group, "_facts");
}
