/* SPDX-License-Identifier: Apache-2.0 */
/* Groups as a viewer sees them: the privacy filter applied before replying. */
#ifndef PIIRI_GROUP_VIEW_H
#define PIIRI_GROUP_VIEW_H

#include "authz.h"

#include <jansson.h>

/* Drop what viewer may not see (a closed group's online_url) and the
 * internal "_facts". viewer may be NULL. */
void group_view_filter(json_t *group, const struct principal *viewer);

#endif
