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
-- something besides those bookkeeping columns changed. The list names what
-- feeds do NOT read, so a column added later invalidates by default.

CREATE FUNCTION feed_row_visible(r jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT r - ARRAY['seats_taken', 'horizon_until', 'horizon_claimed_until']
$$;

DROP TRIGGER feeds_changed ON groups;
DROP TRIGGER feeds_changed ON sessions;

CREATE TRIGGER feeds_changed AFTER INSERT OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed_update AFTER UPDATE ON groups
    FOR EACH ROW WHEN (feed_row_visible(to_jsonb(OLD)) IS DISTINCT FROM feed_row_visible(to_jsonb(NEW)))
    EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed_update AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (feed_row_visible(to_jsonb(OLD)) IS DISTINCT FROM feed_row_visible(to_jsonb(NEW)))
    EXECUTE FUNCTION feeds_changed();
