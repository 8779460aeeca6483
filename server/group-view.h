/* SPDX-License-Identifier: Apache-2.0 */
/* Groups as a viewer sees them: what the SQL is told about the viewer so
 * that it leaves out what they may not see (group_link_visible in
 * schema/functions/groups.sql, the rule of AUTHZ_GROUP_SEE_LINK). */
#ifndef PIIRI_GROUP_VIEW_H
#define PIIRI_GROUP_VIEW_H

#include "principal.h"

/* The viewer's scope, the p_scope parameter of the group functions:
 * {"admin": bool, "coordinator": [org ids], "leader": [org ids where the
 * role is leader or coordinator]}, from the principal loaded with this
 * request. New string; NULL for anyone not signed in. */
char *group_view_scope(const struct principal *viewer);

#endif
