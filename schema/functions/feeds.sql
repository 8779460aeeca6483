-- SPDX-License-Identifier: Apache-2.0
-- Calendar feeds (columns: 005_feeds.sql): personal feed tokens, discreet
-- titles, a sequence for each group's series, the data the renderer needs,
-- and a NOTIFY for a change a feed can show, so that every piirid process
-- drops its cached feeds.

-- Feed tokens and sequences -------------------------------------------------------

-- Erasing an account (api_erase_person) revokes its feed too.
CREATE OR REPLACE FUNCTION persons_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.calendar_token := NULL;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER persons_erased BEFORE UPDATE OF erased_at ON persons
    FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL) EXECUTE FUNCTION persons_erased();

-- The series' SEQUENCE (ics_sequence): raised whenever what a feed shows of
-- the group changes, and ics_changed_at (DTSTAMP) set with it.
CREATE OR REPLACE FUNCTION groups_ics_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ROW(NEW.title, NEW.description, NEW.location_name, NEW.location_address, NEW.municipality,
           NEW.online_url, NEW.access, NEW.schedule_start, NEW.schedule_duration,
           NEW.schedule_timezone, NEW.schedule_rrule, NEW.archived_at, NEW.kind)
       IS DISTINCT FROM
       ROW(OLD.title, OLD.description, OLD.location_name, OLD.location_address, OLD.municipality,
           OLD.online_url, OLD.access, OLD.schedule_start, OLD.schedule_duration,
           OLD.schedule_timezone, OLD.schedule_rrule, OLD.archived_at, OLD.kind) THEN
        NEW.ics_sequence := OLD.ics_sequence + 1;
        NEW.ics_changed_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER groups_ics_sequence BEFORE UPDATE ON groups
    FOR EACH ROW EXECUTE FUNCTION groups_ics_sequence();

-- A session's start before its first move (moved_from), for those without
-- an original_start: a feed says a moved session was moved.
CREATE OR REPLACE FUNCTION sessions_moved_from() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.moved_from := coalesce(OLD.moved_from, OLD.starts_at);
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER sessions_moved_from BEFORE UPDATE OF starts_at ON sessions
    FOR EACH ROW WHEN (NEW.starts_at IS DISTINCT FROM OLD.starts_at AND OLD.original_start IS NULL)
    EXECUTE FUNCTION sessions_moved_from();

-- What the renderer needs ---------------------------------------------------------

-- Times as Unix seconds; the link only where the feed may carry it.

-- Whole seconds, truncated: a Last-Modified must never be after the Date.
CREATE OR REPLACE FUNCTION epoch(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT floor(extract(epoch FROM t))::bigint
$$;

CREATE OR REPLACE FUNCTION feed_location(g groups) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT nullif(concat_ws(', ', g.location_name, g.location_address, g.municipality), '')
$$;

-- Where a session was meant to be, if it has been moved from there: a feed
-- says so.
CREATE OR REPLACE FUNCTION feed_moved_from(s sessions) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT epoch(p) FROM coalesce(s.original_start, s.moved_from) p WHERE p <> s.starts_at
$$;

-- The feeds' window: 92 days back and 366 ahead, fixed lengths so that a
-- time computed from it (a series' DTSTAMP, below) does not move with the
-- lengths of months. piirid reads the bounds from the feed's JSON.
CREATE OR REPLACE FUNCTION feed_window_from() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT now() - interval '92 days'
$$;

CREATE OR REPLACE FUNCTION feed_window_to() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT now() + interval '366 days'
$$;

-- One group as a series: its rule and the sessions in the window, and those
-- meant for the window that were moved out of it (their override is in the
-- feed). Every event shows the group, so each carries the group's sequence
-- and its ics_changed_at besides its own. The series starts at its first
-- occurrence in the window: the meetings that leave the window count in the
-- master's SEQUENCE and its DTSTAMP (the moment the last one left).
CREATE OR REPLACE FUNCTION feed_group_json(g groups, p_from timestamptz, p_to timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id, 'title', g.title, 'description', g.description, 'kind', g.kind,
        'archived', g.archived_at IS NOT NULL,
        'location', feed_location(g),
        'url', CASE WHEN g.access = 'open' THEN g.online_url END,
        'timezone', g.schedule_timezone, 'start', g.schedule_start,
        'duration_minutes', g.schedule_duration, 'rrule', g.schedule_rrule,
        'sequence', g.ics_sequence + t.sequence + t.gone,
        'modified', epoch(greatest(g.ics_changed_at, t.modified, t.last_gone + interval '92 days')),
        'sessions', (SELECT coalesce(json_agg(json_build_object(
                'id', s.id, 'series', s.origin = 'series', 'original_start', epoch(s.original_start),
                'start', epoch(s.starts_at), 'end', epoch(s.ends_at), 'cancelled', s.status = 'cancelled',
                'cancel_reason', s.cancel_reason, 'moved_from', feed_moved_from(s),
                'sequence', s.sequence + g.ics_sequence,
                'modified', epoch(greatest(s.updated_at, g.ics_changed_at)))
                ORDER BY s.starts_at, s.id), '[]')
            FROM sessions s
            WHERE s.org_id = g.org_id AND s.group_id = g.id
              AND ((s.ends_at > p_from AND s.starts_at < p_to)
                   OR (s.origin = 'series' AND s.original_start >= p_from AND s.original_start < p_to))))
    FROM (SELECT coalesce(sum(s.sequence), 0) AS sequence, max(s.updated_at) AS modified,
                 count(*) FILTER (WHERE s.origin = 'series' AND s.original_start < p_from) AS gone,
                 max(s.original_start) FILTER (WHERE s.origin = 'series' AND s.original_start < p_from)
                     AS last_gone
          FROM sessions s WHERE s.org_id = g.org_id AND s.group_id = g.id) t
$$;

CREATE OR REPLACE FUNCTION api_feed_group(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('name', g.title, 'from', epoch(feed_window_from()), 'to', epoch(feed_window_to()),
        'groups', json_build_array(feed_group_json(g, feed_window_from(), feed_window_to())))
    FROM groups g WHERE g.id = p_id
$$;

-- Every public, unarchived group of the org and of the orgs below it.
CREATE OR REPLACE FUNCTION api_feed_org(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree AS (
        SELECT id, name FROM organizations WHERE slug = p_slug
        UNION ALL
        SELECT o.id, o.name FROM organizations o JOIN tree t ON o.parent_id = t.id)
    SELECT json_build_object(
        'name', (SELECT name FROM organizations WHERE slug = p_slug),
        'from', epoch(feed_window_from()), 'to', epoch(feed_window_to()),
        'groups', coalesce((SELECT json_agg(feed_group_json(g, feed_window_from(), feed_window_to())
                                            ORDER BY g.created_at, g.id)
                            FROM groups g JOIN tree t ON g.org_id = t.id
                            WHERE g.archived_at IS NULL AND g.audience = 'public'), '[]'))
    WHERE EXISTS (SELECT 1 FROM organizations WHERE slug = p_slug)
$$;

-- A person's sessions: their session signups and every session of the
-- series they joined, each a standalone event. The link goes to confirmed
-- participants only. SEQUENCE never goes down for the person: each earlier
-- signup of theirs in the group counts two, so signing up again after a
-- cancellation (even onto the waitlist) is above a confirmation before it,
-- and every absence notice given or withdrawn counts one (the notice's row
-- stays when it is withdrawn). A session with a notice is not_attending:
-- the event is shown free (TRANSP:TRANSPARENT) with a marker in its title.
--
-- The feed and the calendar part of a mail (mail_view) are this one query,
-- so a message's events are the feed's own. A mail narrows it: p_signup to
-- one signup's sessions, p_session to one session, p_next to the next that
-- many sessions not yet begun. NULL: no narrowing (the feed).
--
-- PL/pgSQL, so the connection keeps the query's plan: as a SQL function
-- called from PL/pgSQL (mail_view, once per message) it was parsed and
-- planned again on every call, most of a message's database time.
CREATE OR REPLACE FUNCTION feed_person_json(p persons, p_signup uuid, p_session uuid, p_next int) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
        'discreet', p.discreet_calendar,
        'events', (SELECT coalesce(json_agg(e.event ORDER BY e.starts_at, e.id), '[]') FROM (
            SELECT s.starts_at, s.id, json_build_object(
                'id', s.id, 'title', g.title, 'description', g.description, 'kind', g.kind,
                'location', feed_location(g),
                'url', CASE WHEN x.status = 'confirmed' OR g.access = 'open' THEN g.online_url END,
                'timezone', g.schedule_timezone,
                'start', epoch(s.starts_at), 'end', epoch(s.ends_at),
                'status', CASE WHEN s.status = 'cancelled' OR g.archived_at IS NOT NULL THEN 'cancelled'
                               WHEN x.status IN ('waitlisted', 'offered') THEN 'tentative' ELSE 'confirmed' END,
                'cancel_reason', s.cancel_reason, 'moved_from', feed_moved_from(s),
                'sequence', s.sequence + g.ics_sequence + p.feed_sequence
                            + 2 * (SELECT count(*) FROM signups y
                                   WHERE y.person_id = x.person_id AND y.org_id = x.org_id
                                     AND y.group_id = x.group_id
                                     AND (y.created_at, y.id) < (x.created_at, x.id))
                            + CASE x.status WHEN 'confirmed' THEN 1 ELSE 0 END
                            + coalesce(n.changes, 0),
                'not_attending', n.person_id IS NOT NULL AND n.withdrawn_at IS NULL,
                'modified', epoch(greatest(s.updated_at, g.ics_changed_at, x.updated_at, p.feed_changed_at,
                                           n.updated_at))) AS event
            FROM signups x
            JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
            JOIN sessions s ON s.org_id = x.org_id AND s.group_id = x.group_id
                           AND (s.id = x.session_id OR x.session_id IS NULL)
            LEFT JOIN absence_notices n ON n.org_id = s.org_id AND n.session_id = s.id AND n.person_id = p.id
            WHERE x.person_id = p.id AND x.status <> 'cancelled'
              AND s.ends_at > feed_window_from() AND s.starts_at < feed_window_to()
              AND (p_signup IS NULL OR x.id = p_signup)
              AND (p_session IS NULL OR s.id = p_session)
              AND (p_next IS NULL OR s.starts_at > now())
            ORDER BY s.starts_at, s.id
            LIMIT p_next) e)));
END
$$;

CREATE OR REPLACE FUNCTION api_feed_person(p_token text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT feed_person_json(p, NULL, NULL, NULL)
    FROM persons p WHERE p.calendar_token = p_token AND p.erased_at IS NULL
$$;

CREATE OR REPLACE FUNCTION api_calendar_token_rotate(p_person uuid, p_base text) RETURNS json LANGUAGE sql AS $$
    UPDATE persons SET calendar_token = piiri_new_feed_token() WHERE id = p_person;
    SELECT api_me(p_person, p_base);
$$;

-- Cache invalidation --------------------------------------------------------------

-- Cache invalidation: one small NOTIFY per write transaction (PostgreSQL
-- folds identical notifications of a transaction into one). Signups send
-- none: personal feeds are not cached, and a NOTIFY serialises commits,
-- which a signup storm must not pay for.
CREATE OR REPLACE FUNCTION feeds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piiri_feeds', '');
    RETURN NULL;
END
$$;

-- An updated group or session row notifies only when something besides the
-- bookkeeping columns changed: each signup and cancellation (seats_taken)
-- and each horizon round in each worker (horizon_claimed_until,
-- horizon_until) would otherwise drop every worker's cached feeds, and the
-- next fetch of each feed would render it again (for a large org, tens of
-- milliseconds of database and worker time). The list names what feeds do
-- NOT read, so a column added later invalidates by default.
CREATE OR REPLACE FUNCTION feed_row_visible(r jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT r - ARRAY['seats_taken', 'horizon_until', 'horizon_claimed_until']
$$;

-- An inserted or deleted row sends one; an updated row only when a feed can
-- show the change (feed_row_visible). Statement triggers would fire also for
-- statements that changed no row.
CREATE OR REPLACE TRIGGER feeds_changed AFTER INSERT OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION feeds_changed();

CREATE OR REPLACE TRIGGER feeds_changed_update AFTER UPDATE ON groups
    FOR EACH ROW WHEN (feed_row_visible(to_jsonb(OLD)) IS DISTINCT FROM feed_row_visible(to_jsonb(NEW)))
    EXECUTE FUNCTION feeds_changed();

CREATE OR REPLACE TRIGGER feeds_changed AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION feeds_changed();

CREATE OR REPLACE TRIGGER feeds_changed_update AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (feed_row_visible(to_jsonb(OLD)) IS DISTINCT FROM feed_row_visible(to_jsonb(NEW)))
    EXECUTE FUNCTION feeds_changed();

CREATE OR REPLACE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();

CREATE OR REPLACE TRIGGER feeds_changed AFTER UPDATE OF calendar_token, discreet_calendar, feed_sequence, erased_at ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();
