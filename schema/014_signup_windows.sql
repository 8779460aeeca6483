-- SPDX-License-Identifier: Apache-2.0
-- Signup windows: a closed series or a camp stops taking signups when its
-- first session starts, unless the group lets people join late (the rules:
-- signup_window_check in schema/functions/signups.sql). Off by default, so
-- a series that has begun stays among the people who began it.

ALTER TABLE groups ADD COLUMN join_late boolean NOT NULL DEFAULT false;

-- A group change now says whether it means to lower the capacity below the
-- seats taken (api_group_update in schema/functions/groups.sql).
DROP FUNCTION IF EXISTS api_group_update(uuid, jsonb, bigint[], bigint[], timestamp with time zone, uuid, jsonb);
