-- SPDX-License-Identifier: Apache-2.0
-- Calendar feeds: personal feed tokens, discreet titles, a sequence for each
-- group's series, the data the renderer needs, and one NOTIFY per write
-- transaction so that every piirid process drops its cached feeds.

-- A feed token is a read capability the person can rotate; unlike a sign-in
-- token it is shown again (GET /api/v1/me), so it is kept as it is.
-- 122 random bits (a v4 UUID) in 22 URL-safe characters.
CREATE FUNCTION piiri_new_feed_token() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'),
                           '+/', '-_'), '=')
$$;

ALTER TABLE persons ADD COLUMN calendar_token text DEFAULT piiri_new_feed_token();
ALTER TABLE persons ADD COLUMN discreet_calendar boolean NOT NULL DEFAULT false;
-- Raised when the person's choices change how every event of their feed
-- reads (discreet titles), so that SEQUENCE and LAST-MODIFIED follow.
ALTER TABLE persons ADD COLUMN feed_sequence int NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN feed_changed_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX persons_calendar_token ON persons (calendar_token) WHERE calendar_token IS NOT NULL;

-- Erasing an account (api_erase_person) revokes its feed too.
CREATE FUNCTION persons_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.calendar_token := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER persons_erased BEFORE UPDATE OF erased_at ON persons
    FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL) EXECUTE FUNCTION persons_erased();

-- The series' SEQUENCE: raised whenever what a feed shows of the group changes.
ALTER TABLE groups ADD COLUMN ics_sequence int NOT NULL DEFAULT 0;

CREATE FUNCTION groups_ics_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ROW(NEW.title, NEW.description, NEW.location_name, NEW.location_address, NEW.municipality,
           NEW.online_url, NEW.access, NEW.schedule_start, NEW.schedule_duration,
           NEW.schedule_timezone, NEW.schedule_rrule, NEW.archived_at, NEW.kind)
       IS DISTINCT FROM
       ROW(OLD.title, OLD.description, OLD.location_name, OLD.location_address, OLD.municipality,
           OLD.online_url, OLD.access, OLD.schedule_start, OLD.schedule_duration,
           OLD.schedule_timezone, OLD.schedule_rrule, OLD.archived_at, OLD.kind) THEN
        NEW.ics_sequence := OLD.ics_sequence + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER groups_ics_sequence BEFORE UPDATE ON groups
    FOR EACH ROW EXECUTE FUNCTION groups_ics_sequence();

-- Cache invalidation: one small NOTIFY per write transaction (PostgreSQL
-- folds identical notifications of a transaction into one). Signups send
-- none: personal feeds are not cached, and a NOTIFY serialises commits,
-- which a signup storm must not pay for.
CREATE FUNCTION feeds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piiri_feeds', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE ON groups
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();
CREATE TRIGGER feeds_changed AFTER UPDATE OF calendar_token, discreet_calendar, feed_sequence, erased_at ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION feeds_changed();

-- What the renderer needs ------------------------------------------------------
-- Times as Unix seconds; the link only where the feed may carry it.

-- Whole seconds, truncated: a Last-Modified must never be after the Date.
CREATE FUNCTION epoch(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT floor(extract(epoch FROM t))::bigint
$$;

CREATE FUNCTION feed_location(g groups) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT nullif(concat_ws(', ', g.location_name, g.location_address, g.municipality), '')
$$;

-- One group as a series: its rule and the sessions in the window.
CREATE FUNCTION feed_group_json(g groups, p_from timestamptz, p_to timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id, 'title', g.title, 'description', g.description, 'kind', g.kind,
        'archived', g.archived_at IS NOT NULL,
        'location', feed_location(g),
        'url', CASE WHEN g.access = 'open' THEN g.online_url END,
        'timezone', g.schedule_timezone, 'start', g.schedule_start,
        'duration_minutes', g.schedule_duration, 'rrule', g.schedule_rrule,
        'sequence', g.ics_sequence + coalesce((SELECT sum(s.sequence) FROM sessions s
                                               WHERE s.org_id = g.org_id AND s.group_id = g.id), 0),
        'modified', epoch(greatest(g.updated_at, (SELECT max(s.updated_at) FROM sessions s
                                                 WHERE s.org_id = g.org_id AND s.group_id = g.id))),
        'sessions', (SELECT coalesce(json_agg(json_build_object(
                'id', s.id, 'series', s.origin = 'series', 'original_start', epoch(s.original_start),
                'start', epoch(s.starts_at), 'end', epoch(s.ends_at), 'cancelled', s.status = 'cancelled',
                'cancel_reason', s.cancel_reason, 'sequence', s.sequence, 'modified', epoch(s.updated_at))
                ORDER BY s.starts_at, s.id), '[]')
            FROM sessions s
            WHERE s.org_id = g.org_id AND s.group_id = g.id
              AND s.ends_at > p_from AND s.starts_at < p_to))
$$;

CREATE FUNCTION api_feed_group(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('name', g.title, 'groups', json_build_array(
        feed_group_json(g, now() - interval '3 months', now() + interval '12 months')))
    FROM groups g WHERE g.id = p_id
$$;

-- Every public, unarchived group of the org and of the orgs below it.
CREATE FUNCTION api_feed_org(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree AS (
        SELECT id, name FROM organizations WHERE slug = p_slug
        UNION ALL
        SELECT o.id, o.name FROM organizations o JOIN tree t ON o.parent_id = t.id)
    SELECT json_build_object(
        'name', (SELECT name FROM organizations WHERE slug = p_slug),
        'groups', coalesce((SELECT json_agg(feed_group_json(g, now() - interval '3 months',
                                                            now() + interval '12 months')
                                            ORDER BY g.created_at, g.id)
                            FROM groups g JOIN tree t ON g.org_id = t.id
                            WHERE g.archived_at IS NULL AND g.audience = 'public'), '[]'))
    WHERE EXISTS (SELECT 1 FROM organizations WHERE slug = p_slug)
$$;

-- A person's sessions: their session signups and every session of the
-- series they joined, each a standalone event. The link goes to confirmed
-- participants only.
CREATE FUNCTION api_feed_person(p_token text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'discreet', p.discreet_calendar,
        'events', (SELECT coalesce(json_agg(json_build_object(
                'id', s.id, 'title', g.title, 'description', g.description, 'kind', g.kind,
                'location', feed_location(g),
                'url', CASE WHEN x.status = 'confirmed' OR g.access = 'open' THEN g.online_url END,
                'timezone', g.schedule_timezone,
                'start', epoch(s.starts_at), 'end', epoch(s.ends_at),
                'status', CASE WHEN s.status = 'cancelled' OR g.archived_at IS NOT NULL THEN 'cancelled'
                               WHEN x.status = 'waitlisted' THEN 'tentative' ELSE 'confirmed' END,
                'cancel_reason', s.cancel_reason,
                'sequence', s.sequence + g.ics_sequence + p.feed_sequence
                            + CASE x.status WHEN 'confirmed' THEN 1 ELSE 0 END,
                'modified', epoch(greatest(s.updated_at, g.updated_at, x.updated_at, p.feed_changed_at)))
                ORDER BY s.starts_at, s.id), '[]')
            FROM signups x
            JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
            JOIN sessions s ON s.org_id = x.org_id AND s.group_id = x.group_id
                           AND (s.id = x.session_id OR x.session_id IS NULL)
            WHERE x.person_id = p.id AND x.status <> 'cancelled'
              AND s.ends_at > now() - interval '3 months'
              AND s.starts_at < now() + interval '12 months'))
    FROM persons p WHERE p.calendar_token = p_token AND p.erased_at IS NULL
$$;

-- The person's own view now carries the feed settings (piirid turns the
-- token into calendar_url and webcal_url).
CREATE OR REPLACE FUNCTION api_me(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('person', person_json(p), 'memberships', person_memberships_json(p.id),
                             'calendar_token', p.calendar_token,
                             'discreet_calendar', p.discreet_calendar)
    FROM persons p WHERE p.id = p_person
$$;

CREATE FUNCTION api_me_update(p_person uuid, p_display_name text, p_discreet boolean) RETURNS json
LANGUAGE sql AS $$
    UPDATE persons SET display_name = coalesce(p_display_name, display_name),
                       discreet_calendar = coalesce(p_discreet, discreet_calendar),
                       feed_sequence = feed_sequence + CASE WHEN p_discreet IS DISTINCT FROM discreet_calendar
                                                             AND p_discreet IS NOT NULL THEN 1 ELSE 0 END,
                       feed_changed_at = CASE WHEN p_discreet IS DISTINCT FROM discreet_calendar
                                               AND p_discreet IS NOT NULL THEN now() ELSE feed_changed_at END
    WHERE id = p_person;
    SELECT api_me(p_person);
$$;

CREATE FUNCTION api_calendar_token_rotate(p_person uuid) RETURNS json LANGUAGE sql AS $$
    UPDATE persons SET calendar_token = piiri_new_feed_token() WHERE id = p_person;
    SELECT api_me(p_person);
$$;

-- The export now covers the feed settings and one-to-one support too: the
-- person's own requests, their supporter profiles and the pairings of both.
CREATE OR REPLACE FUNCTION api_export(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'person', person_json(p),
        'memberships', person_memberships_json(p.id),
        'tokens', (SELECT coalesce(json_agg(json_build_object('created_at', t.created_at,
                                                           'expires_at', t.expires_at)
                                             ORDER BY t.created_at), '[]')
                   FROM auth_tokens t WHERE t.person_id = p.id),
        'calendar', json_build_object('discreet_titles', p.discreet_calendar,
                                      'has_feed_link', p.calendar_token IS NOT NULL),
        'signups', (SELECT coalesce(json_agg(signup_json(x) ORDER BY x.created_at), '[]')
                    FROM signups x WHERE x.person_id = p.id),
        'absence_notices', (SELECT coalesce(json_agg(json_build_object('session_id', n.session_id,
                                'created_at', n.created_at) ORDER BY n.created_at), '[]')
                            FROM absence_notices n WHERE n.person_id = p.id),
        'attendance', (SELECT coalesce(json_agg(json_build_object('session_id', a.session_id,
                           'status', a.status, 'marked_at', a.marked_at) ORDER BY a.marked_at), '[]')
                       FROM attendance a WHERE a.person_id = p.id),
        'support_requests', (SELECT coalesce(json_agg(json_build_object(
                                 'id', r.id, 'org_id', r.org_id, 'status', r.status, 'topics', r.topics,
                                 'municipality', r.municipality, 'languages', r.languages,
                                 'contact_modes', r.contact_modes, 'message', r.message,
                                 'preferences', r.preferences, 'consent_at', r.consent_at,
                                 'created_at', r.created_at, 'closed_at', r.closed_at,
                                 'pairings', (SELECT coalesce(json_agg(json_build_object(
                                         'id', q.id, 'status', q.status, 'outcome', q.outcome,
                                         'created_at', q.created_at) ORDER BY q.created_at), '[]')
                                     FROM pairings q WHERE q.org_id = r.org_id AND q.request_id = r.id))
                                 ORDER BY r.created_at), '[]')
                             FROM support_requests r WHERE r.requester_id = p.id),
        'supporter_profiles', (SELECT coalesce(json_agg(json_build_object(
                                   'id', s.id, 'org_id', s.org_id, 'public_name', s.public_name,
                                   'bio', s.bio, 'topics', s.topics, 'municipalities', s.municipalities,
                                   'languages', s.languages, 'contact_modes', s.contact_modes,
                                   'max_active', s.max_active, 'status', s.status,
                                   'training_course', s.training_course,
                                   'training_completed_on', s.training_completed_on,
                                   'training_refresher_due', s.training_refresher_due,
                                   'pledge_version', s.pledge_version,
                                   'pledge_signed_on', s.pledge_signed_on,
                                   'pairings', (SELECT coalesce(json_agg(json_build_object(
                                           'id', q.id, 'status', q.status, 'outcome', q.outcome,
                                           'created_at', q.created_at) ORDER BY q.created_at), '[]')
                                       FROM pairings q WHERE q.org_id = s.org_id AND q.supporter_id = s.id))
                                   ORDER BY s.created_at), '[]')
                               FROM supporters s WHERE s.person_id = p.id AND s.deleted_at IS NULL),
        'exported_at', now())
    FROM persons p WHERE p.id = p_person
$$;
