-- SPDX-License-Identifier: Apache-2.0
-- Feed caches: a NOTIFY only for a change a feed can show.
--
-- Every piirid worker drops all its cached feeds on each notification, and
-- the next fetch of each feed renders it again (for a large org, tens of
-- milliseconds of database and worker time). The statement triggers of
-- 005_feeds.sql sent one for every statement on groups and sessions, also
-- for statements that changed no row (statement triggers fire anyway) and
-- for columns no feed reads: each signup and cancellation (seats_taken),
-- each horizon round in each worker (horizon_claimed_until, horizon_until).
-- Now an inserted or deleted row sends one, and an updated row only when
-- something besides those bookkeeping columns changed (feed_row_visible).
-- The row triggers are in schema/functions/feeds.sql; here the statement
-- triggers of groups and sessions go.

DROP TRIGGER IF EXISTS feeds_changed ON groups;
DROP TRIGGER IF EXISTS feeds_changed ON sessions;
