/* SPDX-License-Identifier: Apache-2.0 */
/* Groups as a viewer sees them: the facts authz needs, read from the JSON
 * the database returns, and the privacy filter applied before replying. */
#ifndef PIIRI_GROUP_VIEW_H
#define PIIRI_GROUP_VIEW_H

#include "authz.h"

#include <jansson.h>

#define GROUP_MAX_LEADERS 20

struct group_facts {
    struct authz_target target;
    const char *leaders[GROUP_MAX_LEADERS]; /* borrowed from the JSON */
};

/* Read "_facts" of a group object (borrowed: valid while group lives). */
void group_facts_read(json_t *group, struct group_facts *facts);
/* Drop what viewer may not see (a closed group's online_url) and the
 * internal "_facts". viewer may be NULL. */
void group_view_filter(json_t *group, const struct principal *viewer);

#endif
