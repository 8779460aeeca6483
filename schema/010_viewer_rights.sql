-- SPDX-License-Identifier: Apache-2.0
-- What a viewer may not see is left out by the SQL itself, from what piirid
-- passes: the group functions that answer a viewer take the viewer's scope
-- (group_link_visible in schema/functions/groups.sql leaves out a closed
-- group's online_url; the rule is AUTHZ_GROUP_SEE_LINK in server/authz.h),
-- and the person's own view takes the public URL and sends the feed token
-- only inside its links (api_me in schema/functions/people.sql). Their old
-- signatures go; the new ones are in those files.

DROP FUNCTION IF EXISTS api_group_create(text, jsonb, bigint[], bigint[], timestamptz, uuid);
DROP FUNCTION IF EXISTS api_group_update(uuid, jsonb, bigint[], bigint[], timestamptz, uuid);
DROP FUNCTION IF EXISTS api_group_get(uuid, uuid);
DROP FUNCTION IF EXISTS api_groups_list(text, text, text, text, text, text, text, text, text,
    timestamptz, timestamptz, timestamptz, uuid, int, uuid);
DROP FUNCTION IF EXISTS api_calendar_token_rotate(uuid);
DROP FUNCTION IF EXISTS api_me_update(uuid, text, boolean);
DROP FUNCTION IF EXISTS api_me(uuid);
