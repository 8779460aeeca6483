-- SPDX-License-Identifier: Apache-2.0
-- Signups with a strict FIFO waitlist, absence notices, attendance, the
-- notification outbox and idempotency keys. Capacity decisions and writes
-- happen in one transaction that locks the row holding the seat count (the
-- session for per-session signups, the group for series signups), so a
-- group is never overbooked whatever the concurrency.

ALTER TABLE groups ADD COLUMN seats_taken int NOT NULL DEFAULT 0 CHECK (seats_taken >= 0);

CREATE SEQUENCE signup_queue_seq;

CREATE TABLE signups (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    group_id uuid NOT NULL,
    session_id uuid,                     -- NULL: the whole series (closed groups, camps)
    person_id uuid NOT NULL REFERENCES persons (id),
    adults int NOT NULL CHECK (adults BETWEEN 0 AND 12),
    children int NOT NULL CHECK (children BETWEEN 0 AND 12),
    seats int GENERATED ALWAYS AS (adults + children) STORED,
    note text,
    status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    queue_seq bigint NOT NULL DEFAULT nextval('signup_queue_seq'), -- place in line
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    cancelled_by uuid,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id),
    CHECK (adults + children >= 1)
);
CREATE INDEX signups_id ON signups (id);
-- One active signup per person and target.
CREATE UNIQUE INDEX signups_one_active ON signups (org_id, group_id,
    coalesce(session_id, '00000000-0000-0000-0000-000000000000'), person_id) WHERE status <> 'cancelled';
-- The line: waitlisted signups of one target in order. A series signup has
-- no session, so the target is written as a non-null key the index can use.
CREATE FUNCTION signup_target(p_session uuid) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(p_session, '00000000-0000-0000-0000-000000000000'::uuid)
$$;
CREATE INDEX signups_line ON signups (org_id, group_id, signup_target(session_id), queue_seq)
    WHERE status = 'waitlisted';
CREATE INDEX signups_person ON signups (person_id);

CREATE TABLE absence_notices (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

CREATE TABLE attendance (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    status text NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    marked_by uuid,
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);
CREATE INDEX attendance_person ON attendance (org_id, person_id);

-- Per-session counts that belong to nobody: anonymous walk-ins, leaders' hours.
CREATE TABLE session_tallies (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    walk_ins int NOT NULL DEFAULT 0 CHECK (walk_ins >= 0),
    volunteer_hours numeric(8, 2) NOT NULL DEFAULT 0 CHECK (volunteer_hours >= 0),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

-- What a person should hear about, written in the transaction that caused
-- it; delivery reads and marks rows later. Payloads hold ids, not content.
CREATE TABLE notification_outbox (
    org_id uuid NOT NULL,
    id bigserial,
    person_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('signup_confirmed', 'signup_waitlisted', 'signup_promoted',
                                       'session_cancelled', 'session_moved')),
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX notification_outbox_unsent ON notification_outbox (created_at) WHERE sent_at IS NULL;

-- A retried POST with the same Idempotency-Key gets the first answer.
CREATE TABLE idempotency_keys (
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    key text NOT NULL,
    target uuid NOT NULL,
    response json,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, key)
);

-- Who takes part ------------------------------------------------------------

CREATE OR REPLACE FUNCTION group_is_participant(p_org uuid, p_group uuid, p_person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups
                   WHERE org_id = p_org AND group_id = p_group AND person_id = p_person
                     AND status = 'confirmed')
$$;

-- Confirmed participants of a session: its own signups and the series'.
CREATE FUNCTION session_participants(p_org uuid, p_group uuid, p_session uuid)
RETURNS SETOF signups LANGUAGE sql STABLE AS $$
    SELECT * FROM signups
    WHERE org_id = p_org AND group_id = p_group AND status = 'confirmed'
      AND (session_id = p_session OR session_id IS NULL)
$$;

CREATE OR REPLACE FUNCTION session_json(s sessions, g groups) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'group_id', s.group_id,
        'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
        'ends_at', rfc3339(s.ends_at, g.schedule_timezone),
        'status', s.status, 'cancel_reason', s.cancel_reason,
        'extra', s.origin = 'extra',
        'seats_taken', CASE WHEN g.access = 'closed' OR g.kind = 'camp' THEN g.seats_taken
                            ELSE s.seats_taken END,
        'capacity', g.capacity, 'sequence', s.sequence)
$$;

CREATE FUNCTION waitlist_position(x signups) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x.status <> 'waitlisted' THEN NULL ELSE
        (SELECT count(*)::int FROM signups w
         WHERE w.org_id = x.org_id AND w.group_id = x.group_id
           AND signup_target(w.session_id) = signup_target(x.session_id)
           AND w.status = 'waitlisted' AND w.queue_seq <= x.queue_seq) END
$$;

CREATE FUNCTION signup_json(x signups) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'group_id', x.group_id, 'session_id', x.session_id,
        'status', x.status, 'waitlist_position', waitlist_position(x),
        'adults', x.adults, 'children', x.children, 'seats', x.seats, 'note', x.note,
        'created_at', x.created_at)
$$;

CREATE FUNCTION outbox_add(p_org uuid, p_person uuid, p_kind text, p_payload jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    VALUES (p_org, p_person, p_kind, p_payload)
$$;

-- The waitlist ---------------------------------------------------------------

-- Promote from the head of the line while the head fits. The caller holds
-- the lock on the row that counts the seats. Returns the seats now taken.
CREATE FUNCTION waitlist_promote(p_org uuid, p_group uuid, p_session uuid, p_capacity int, p_taken int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    w signups;
BEGIN
    FOR w IN SELECT * FROM signups
             WHERE org_id = p_org AND group_id = p_group
               AND signup_target(session_id) = signup_target(p_session) AND status = 'waitlisted'
             ORDER BY queue_seq LOOP
        EXIT WHEN p_capacity IS NOT NULL AND p_taken + w.seats > p_capacity;
        UPDATE signups SET status = 'confirmed', updated_at = now()
        WHERE org_id = w.org_id AND id = w.id;
        p_taken := p_taken + w.seats;
        PERFORM outbox_add(p_org, w.person_id, 'signup_promoted',
            jsonb_build_object('signup_id', w.id, 'group_id', p_group, 'session_id', p_session));
    END LOOP;
    RETURN p_taken;
END
$$;

-- Store the seat count on the row that holds it.
CREATE FUNCTION seats_store(p_org uuid, p_group uuid, p_session uuid, p_taken int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_session IS NULL THEN
        UPDATE groups SET seats_taken = p_taken WHERE org_id = p_org AND id = p_group;
    ELSE
        UPDATE sessions SET seats_taken = p_taken WHERE org_id = p_org AND id = p_session;
    END IF;
END
$$;

-- Signing up: one round trip, one transaction ----------------------------------

CREATE FUNCTION signup_fail(p_code text, p_status text, p_field text, p_hint text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', p_code USING ERRCODE = 'PI' || p_status, DETAIL = coalesce(p_field, ''),
        HINT = p_hint;
END
$$;

-- p_token: hash of the bearer token (the person is resolved here, so the
-- whole request is one round trip). p_kind: 'group' (series) or 'session'.
CREATE FUNCTION api_signup(p_token bytea, p_kind text, p_target uuid, p_adults int, p_children int,
                           p_note text, p_key text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_person uuid;
    g groups;
    s sessions;
    v_session uuid;
    v_taken int;
    v_seats int := p_adults + p_children;
    v_waiting boolean;
    x signups;
    v_response json;
    v_key_target uuid;
BEGIN
    SELECT t.person_id INTO v_person FROM auth_tokens t
    WHERE t.token_hash = p_token AND t.expires_at > now();
    IF v_person IS NULL THEN
        RAISE EXCEPTION 'unauthorized' USING ERRCODE = 'PI401',
            HINT = 'Sign in: send Authorization: Bearer TOKEN.';
    END IF;

    IF p_key IS NOT NULL THEN
        -- Waits for a concurrent request with the same key to finish.
        INSERT INTO idempotency_keys (person_id, key, target) VALUES (v_person, p_key, p_target)
        ON CONFLICT DO NOTHING;
        SELECT k.target, k.response INTO v_key_target, v_response FROM idempotency_keys k
        WHERE k.person_id = v_person AND k.key = p_key;
        IF v_key_target <> p_target THEN
            RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'Idempotency-Key',
                HINT = 'This Idempotency-Key was used for another request.';
        END IF;
        IF v_response IS NOT NULL THEN
            RETURN v_response;
        END IF;
    END IF;

    IF p_kind = 'group' THEN
        SELECT * INTO g FROM groups WHERE id = p_target FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such group.';
        END IF;
        IF g.access <> 'closed' AND g.kind <> 'camp' THEN
            PERFORM signup_fail('wrong_signup_kind', '409', NULL,
                'This group is open: sign up for a session instead.');
        END IF;
        v_taken := g.seats_taken;
    ELSE
        SELECT * INTO s FROM sessions WHERE id = p_target FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
        END IF;
        SELECT * INTO g FROM groups WHERE org_id = s.org_id AND id = s.group_id;
        IF g.access = 'closed' OR g.kind = 'camp' THEN
            PERFORM signup_fail('wrong_signup_kind', '409', NULL,
                'This group takes signups for the whole series: sign up for the group.');
        END IF;
        IF s.status = 'cancelled' THEN
            PERFORM signup_fail('session_cancelled', '409', NULL, 'This session is cancelled.');
        END IF;
        IF s.ends_at < now() THEN
            PERFORM signup_fail('session_over', '409', NULL, 'This session is over.');
        END IF;
        v_session := s.id;
        v_taken := s.seats_taken;
    END IF;

    IF g.archived_at IS NOT NULL THEN
        PERFORM signup_fail('group_archived', '409', NULL, 'This group no longer runs.');
    END IF;
    IF g.audience = 'members' AND NOT EXISTS (
            SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.person_id = v_person) THEN
        PERFORM signup_fail('members_only', '403', NULL,
            'Only members of the organization may sign up for this group.');
    END IF;
    IF (g.registration_opens IS NOT NULL AND now() < g.registration_opens)
       OR (g.registration_closes IS NOT NULL AND now() > g.registration_closes) THEN
        PERFORM signup_fail('registration_closed', '409', NULL, 'Registration is not open now.');
    END IF;
    IF g.capacity IS NOT NULL AND v_seats > g.capacity THEN
        PERFORM signup_fail('invalid', '422', 'seats', 'The party is larger than the group.');
    END IF;
    IF EXISTS (SELECT 1 FROM signups
               WHERE org_id = g.org_id AND group_id = g.id
                 AND coalesce(session_id, '00000000-0000-0000-0000-000000000000') =
                     coalesce(v_session, '00000000-0000-0000-0000-000000000000')
                 AND person_id = v_person AND status <> 'cancelled') THEN
        PERFORM signup_fail('already_signed_up', '409', NULL, 'You have already signed up.');
    END IF;

    -- Strict FIFO: while anyone waits, newcomers queue behind them.
    v_waiting := EXISTS (SELECT 1 FROM signups
                         WHERE org_id = g.org_id AND group_id = g.id
                           AND signup_target(session_id) = signup_target(v_session)
                           AND status = 'waitlisted');
    INSERT INTO signups (org_id, group_id, session_id, person_id, adults, children, note, status)
    VALUES (g.org_id, g.id, v_session, v_person, p_adults, p_children, p_note,
            CASE WHEN g.capacity IS NULL OR (NOT v_waiting AND v_taken + v_seats <= g.capacity)
                 THEN 'confirmed' ELSE 'waitlisted' END)
    RETURNING * INTO x;
    IF x.status = 'confirmed' THEN
        PERFORM seats_store(g.org_id, g.id, v_session, v_taken + x.seats);
    END IF;
    PERFORM outbox_add(g.org_id, v_person,
        CASE x.status WHEN 'confirmed' THEN 'signup_confirmed' ELSE 'signup_waitlisted' END,
        jsonb_build_object('signup_id', x.id, 'group_id', g.id, 'session_id', v_session));

    v_response := json_build_object('signup', json_build_object('id', x.id, 'status', x.status,
        'waitlist_position', waitlist_position(x), 'seats', x.seats));
    IF p_key IS NOT NULL THEN
        UPDATE idempotency_keys SET response = v_response WHERE person_id = v_person AND key = p_key;
    END IF;
    RETURN v_response;
END
$$;

-- The signup with its group, for authorising a cancellation.
CREATE FUNCTION api_signup_facts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('owner', x.person_id, 'status', x.status, 'group', group_json(g, NULL))
    FROM signups x JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    WHERE x.id = p_id
$$;

-- Cancel and promote, in one transaction under the seat-count lock.
CREATE FUNCTION api_signup_cancel(p_id uuid, p_by uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    x signups;
    g groups;
    s sessions;
    v_taken int;
BEGIN
    SELECT * INTO x FROM signups WHERE id = p_id;
    IF NOT FOUND OR x.status = 'cancelled' THEN
        RETURN false;
    END IF;
    -- Lock the seat count first (the order signing up uses), then re-read.
    IF x.session_id IS NULL THEN
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id FOR UPDATE;
        v_taken := g.seats_taken;
    ELSE
        SELECT * INTO s FROM sessions WHERE org_id = x.org_id AND id = x.session_id FOR UPDATE;
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id;
        v_taken := s.seats_taken;
    END IF;
    SELECT * INTO x FROM signups WHERE org_id = x.org_id AND id = p_id;
    IF x.status = 'cancelled' THEN
        RETURN false;
    END IF;
    UPDATE signups SET status = 'cancelled', cancelled_at = now(), cancelled_by = p_by, updated_at = now()
    WHERE org_id = x.org_id AND id = x.id;
    IF x.status = 'confirmed' THEN
        v_taken := waitlist_promote(x.org_id, x.group_id, x.session_id, g.capacity, v_taken - x.seats);
        PERFORM seats_store(x.org_id, x.group_id, x.session_id, v_taken);
    END IF;
    RETURN true;
END
$$;

CREATE FUNCTION api_my_signups(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signups', coalesce(json_agg(
        (signup_json(x)::jsonb || jsonb_build_object(
            'group_title', g.title,
            -- a session signup's time; a series has its sessions listing
            'starts_at', rfc3339(s.starts_at, g.schedule_timezone)))::json
        ORDER BY x.created_at DESC), '[]'))
    FROM signups x
    JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    LEFT JOIN sessions s ON s.org_id = x.org_id AND s.id = x.session_id
    WHERE x.person_id = p_person
$$;

-- Who is coming: p_session NULL lists the series signups of a group.
CREATE FUNCTION api_signups_list(p_group uuid, p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signups', coalesce(json_agg(json_build_object(
            'id', x.id, 'person_id', x.person_id, 'display_name', p.display_name,
            'adults', x.adults, 'children', x.children, 'status', x.status,
            'waitlist_position', waitlist_position(x), 'note', x.note)
        ORDER BY x.status, x.queue_seq), '[]'))
    FROM signups x JOIN persons p ON p.id = x.person_id
    WHERE x.group_id = p_group AND x.session_id IS NOT DISTINCT FROM p_session
      AND x.status <> 'cancelled'
$$;

-- Absence notices ---------------------------------------------------------------

CREATE FUNCTION api_absence(p_session uuid, p_person uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    a absence_notices;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM session_participants(s.org_id, s.group_id, s.id) x
                   WHERE x.person_id = p_person) THEN
        RAISE EXCEPTION 'forbidden' USING ERRCODE = 'PI403',
            HINT = 'Only confirmed participants can send an absence notice.';
    END IF;
    INSERT INTO absence_notices (org_id, session_id, person_id) VALUES (s.org_id, s.id, p_person)
    ON CONFLICT DO NOTHING RETURNING * INTO a;
    IF a.session_id IS NULL THEN
        SELECT * INTO a FROM absence_notices
        WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person;
        RETURN json_build_object('created', false, 'absence', json_build_object(
            'session_id', a.session_id, 'person_id', a.person_id, 'created_at', a.created_at));
    END IF;
    RETURN json_build_object('created', true, 'absence', json_build_object(
        'session_id', a.session_id, 'person_id', a.person_id, 'created_at', a.created_at));
END
$$;

-- Attendance --------------------------------------------------------------------

CREATE FUNCTION attendance_json(s sessions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'session_id', s.id,
        'records', (SELECT coalesce(json_agg(json_build_object('person_id', a.person_id,
                        'display_name', p.display_name, 'status', a.status)
                        ORDER BY p.display_name, a.person_id), '[]')
                    FROM attendance a JOIN persons p ON p.id = a.person_id
                    WHERE a.org_id = s.org_id AND a.session_id = s.id),
        'walk_ins', coalesce((SELECT walk_ins FROM session_tallies t
                              WHERE t.org_id = s.org_id AND t.session_id = s.id), 0),
        'volunteer_hours', coalesce((SELECT volunteer_hours FROM session_tallies t
                                     WHERE t.org_id = s.org_id AND t.session_id = s.id), 0),
        'expected', (SELECT coalesce(json_agg(json_build_object('person_id', x.person_id,
                        'display_name', p.display_name, 'adults', x.adults, 'children', x.children,
                        'absence_notice', EXISTS (SELECT 1 FROM absence_notices n
                            WHERE n.org_id = s.org_id AND n.session_id = s.id
                              AND n.person_id = x.person_id))
                        ORDER BY p.display_name, x.person_id), '[]')
                     FROM session_participants(s.org_id, s.group_id, s.id) x
                     JOIN persons p ON p.id = x.person_id))
$$;

CREATE FUNCTION api_attendance_get(p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT attendance_json(s) FROM sessions s WHERE s.id = p_session
$$;

-- Replace the session's records (PUT is idempotent).
CREATE FUNCTION api_attendance_put(p_session uuid, p_records jsonb, p_walk_ins int, p_hours numeric,
                                   p_by uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_records) r
               WHERE NOT EXISTS (SELECT 1 FROM session_participants(s.org_id, s.group_id, s.id) x
                                 WHERE x.person_id = (r->>'person_id')::uuid)) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'records',
            HINT = 'Every record must be for a confirmed participant of this session.';
    END IF;
    DELETE FROM attendance WHERE org_id = s.org_id AND session_id = s.id;
    INSERT INTO attendance (org_id, session_id, person_id, status, marked_by)
    SELECT s.org_id, s.id, (r->>'person_id')::uuid, r->>'status', p_by
    FROM jsonb_array_elements(p_records) r;
    INSERT INTO session_tallies (org_id, session_id, walk_ins, volunteer_hours, updated_by)
    VALUES (s.org_id, s.id, p_walk_ins, coalesce(p_hours, 0), p_by)
    ON CONFLICT (org_id, session_id) DO UPDATE
        SET walk_ins = excluded.walk_ins, volunteer_hours = excluded.volunteer_hours,
            updated_by = excluded.updated_by, updated_at = now();
    RETURN attendance_json(s);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'records',
        HINT = 'A person appears twice in records.';
END
$$;

-- Reports: aggregates only ------------------------------------------------------

-- p_from_text/p_to_text: dates (days in the org's zone, p_to inclusive) or
-- RFC 3339 times; p_to must not come before p_from.
CREATE FUNCTION api_attendance_report(p_org text, p_from_text text, p_to_text text)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text;
    v_from timestamptz;
    v_to timestamptz;
BEGIN
    SELECT timezone INTO tz FROM organizations WHERE slug = p_org;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v_from := CASE WHEN length(p_from_text) = 10 THEN p_from_text::date::timestamp AT TIME ZONE tz
                   ELSE p_from_text::timestamptz END;
    v_to := CASE WHEN length(p_to_text) = 10 THEN (p_to_text::date + 1)::timestamp AT TIME ZONE tz
                 ELSE p_to_text::timestamptz END;
    IF v_to <= v_from THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'to',
            HINT = 'to must not come before from.';
    END IF;
    RETURN attendance_report(p_org, v_from, v_to);
END
$$;

CREATE FUNCTION attendance_report(p_org text, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH o AS (SELECT id, slug FROM organizations WHERE slug = p_org),
    held AS (
        SELECT s.* FROM sessions s JOIN o ON s.org_id = o.id
        WHERE s.status = 'scheduled' AND s.starts_at >= p_from AND s.starts_at < p_to
          AND s.starts_at <= now()),
    present AS (
        SELECT a.person_id, h.group_id FROM attendance a
        JOIN held h ON h.org_id = a.org_id AND h.id = a.session_id
        WHERE a.status = 'present'),
    firsts AS (  -- each person's first presence per group and in the org
        SELECT a.person_id, s.group_id, min(s.starts_at) AS first_at
        FROM attendance a JOIN sessions s ON s.org_id = a.org_id AND s.id = a.session_id
        JOIN o ON a.org_id = o.id
        WHERE a.status = 'present' AND s.status = 'scheduled'
        GROUP BY a.person_id, s.group_id),
    per_group AS (
        SELECT g.id AS group_id, g.title, g.created_at,
            (SELECT count(*) FROM held h WHERE h.group_id = g.id) AS sessions_held,
            (SELECT count(*) FROM present p WHERE p.group_id = g.id) +
            (SELECT coalesce(sum(t.walk_ins), 0) FROM session_tallies t
             JOIN held h ON h.org_id = t.org_id AND h.id = t.session_id WHERE h.group_id = g.id)
                AS visits,
            (SELECT count(DISTINCT p.person_id) FROM present p WHERE p.group_id = g.id)
                AS unique_participants,
            (SELECT count(*) FROM firsts f WHERE f.group_id = g.id
               AND f.first_at >= p_from AND f.first_at < p_to) AS first_time_participants,
            (SELECT coalesce(sum(t.volunteer_hours), 0) FROM session_tallies t
             JOIN held h ON h.org_id = t.org_id AND h.id = t.session_id WHERE h.group_id = g.id)
                AS volunteer_hours
        FROM groups g JOIN o ON g.org_id = o.id)
    SELECT json_build_object(
        'org', (SELECT slug FROM o),
        'from', p_from, 'to', p_to,
        'groups', coalesce((SELECT json_agg(json_build_object('group_id', group_id, 'title', title,
                     'sessions_held', sessions_held, 'visits', visits,
                     'unique_participants', unique_participants,
                     'first_time_participants', first_time_participants,
                     'volunteer_hours', volunteer_hours) ORDER BY created_at, group_id)
                   FROM per_group), '[]'),
        'total', json_build_object(
            'sessions_held', (SELECT count(*) FROM held),
            'visits', (SELECT count(*) FROM present) +
                      (SELECT coalesce(sum(t.walk_ins), 0) FROM session_tallies t
                       JOIN held h ON h.org_id = t.org_id AND h.id = t.session_id),
            'unique_participants', (SELECT count(DISTINCT person_id) FROM present),
            'first_time_participants', (SELECT count(*) FROM (
                SELECT person_id FROM firsts GROUP BY person_id
                HAVING min(first_at) >= p_from AND min(first_at) < p_to) f),
            'volunteer_hours', (SELECT coalesce(sum(t.volunteer_hours), 0) FROM session_tallies t
                                JOIN held h ON h.org_id = t.org_id AND h.id = t.session_id)))
    WHERE EXISTS (SELECT 1 FROM o)
$$;

-- Session changes now tell the people concerned ---------------------------------

CREATE OR REPLACE FUNCTION api_session_update(p_id uuid, p_status text, p_reason text,
                                              p_starts timestamptz, p_ends timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    g groups;
    v_kind text;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    IF coalesce(p_ends, s.ends_at) <= coalesce(p_starts, s.starts_at) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'ends_at',
            HINT = 'ends_at must be after starts_at.';
    END IF;
    v_kind := CASE WHEN p_status = 'cancelled' AND s.status <> 'cancelled' THEN 'session_cancelled'
                   WHEN p_starts IS NOT NULL AND (p_starts <> s.starts_at OR p_ends <> s.ends_at)
                   THEN 'session_moved' END;
    UPDATE sessions SET
        status = coalesce(p_status, status),
        cancel_reason = CASE WHEN p_status = 'cancelled' THEN p_reason
                             WHEN p_status = 'scheduled' THEN NULL ELSE cancel_reason END,
        starts_at = coalesce(p_starts, starts_at),
        ends_at = coalesce(p_ends, ends_at),
        sequence = sequence + 1,
        updated_at = now()
    WHERE org_id = s.org_id AND id = s.id
    RETURNING * INTO s;
    SELECT * INTO g FROM groups WHERE org_id = s.org_id AND id = s.group_id;
    IF v_kind IS NOT NULL THEN
        INSERT INTO notification_outbox (org_id, person_id, kind, payload)
        SELECT s.org_id, x.person_id, v_kind, jsonb_build_object('session_id', s.id, 'group_id', g.id)
        FROM signups x
        WHERE x.org_id = s.org_id AND x.group_id = g.id AND x.status <> 'cancelled'
          AND (x.session_id = s.id OR x.session_id IS NULL);
    END IF;
    RETURN json_build_object('session', session_json(s, g));
END
$$;

-- Erasing an account now also clears what the person wrote in notes.
CREATE OR REPLACE FUNCTION api_erase_person(p_person uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM auth_tokens WHERE person_id = p_person;
    DELETE FROM memberships WHERE person_id = p_person;
    DELETE FROM idempotency_keys WHERE person_id = p_person;
    UPDATE signups SET note = NULL WHERE person_id = p_person;
    UPDATE persons SET email = NULL, display_name = NULL, password_hash = NULL,
                       is_admin = false, erased_at = now()
    WHERE id = p_person;
$$;

-- The export now includes signups, absence notices and attendance.
CREATE OR REPLACE FUNCTION api_export(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'person', person_json(p),
        'memberships', person_memberships_json(p.id),
        'tokens', (SELECT coalesce(json_agg(json_build_object('created_at', t.created_at,
                                                           'expires_at', t.expires_at)
                                             ORDER BY t.created_at), '[]')
                   FROM auth_tokens t WHERE t.person_id = p.id),
        'signups', (SELECT coalesce(json_agg(signup_json(x) ORDER BY x.created_at), '[]')
                    FROM signups x WHERE x.person_id = p.id),
        'absence_notices', (SELECT coalesce(json_agg(json_build_object('session_id', n.session_id,
                                'created_at', n.created_at) ORDER BY n.created_at), '[]')
                            FROM absence_notices n WHERE n.person_id = p.id),
        'attendance', (SELECT coalesce(json_agg(json_build_object('session_id', a.session_id,
                           'status', a.status, 'marked_at', a.marked_at) ORDER BY a.marked_at), '[]')
                       FROM attendance a WHERE a.person_id = p.id),
        'exported_at', now())
    FROM persons p WHERE p.id = p_person
$$;

-- A schedule change keeps sessions that people signed up for or that have
-- attendance: they are no longer "untouched".
CREATE OR REPLACE FUNCTION session_has_history(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups x WHERE x.org_id = s.org_id AND x.session_id = s.id)
        OR EXISTS (SELECT 1 FROM attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM absence_notices n WHERE n.org_id = s.org_id AND n.session_id = s.id)
        OR EXISTS (SELECT 1 FROM session_tallies t WHERE t.org_id = s.org_id AND t.session_id = s.id)
$$;

-- More room (a larger capacity) lets the waitlists move up at once.
CREATE FUNCTION groups_capacity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    v_taken int;
BEGIN
    IF NEW.capacity IS NOT NULL AND OLD.capacity IS NOT NULL AND NEW.capacity <= OLD.capacity THEN
        RETURN NEW;
    END IF;
    v_taken := waitlist_promote(NEW.org_id, NEW.id, NULL, NEW.capacity, NEW.seats_taken);
    IF v_taken <> NEW.seats_taken THEN
        PERFORM seats_store(NEW.org_id, NEW.id, NULL, v_taken);
    END IF;
    FOR s IN SELECT * FROM sessions x
             WHERE x.org_id = NEW.org_id AND x.group_id = NEW.id AND x.ends_at > now()
               AND EXISTS (SELECT 1 FROM signups w WHERE w.org_id = x.org_id AND w.session_id = x.id
                             AND w.status = 'waitlisted')
             ORDER BY x.starts_at FOR UPDATE LOOP
        v_taken := waitlist_promote(NEW.org_id, NEW.id, s.id, NEW.capacity, s.seats_taken);
        PERFORM seats_store(NEW.org_id, NEW.id, s.id, v_taken);
    END LOOP;
    RETURN NEW;
END
$$;

CREATE TRIGGER groups_capacity_changed AFTER UPDATE OF capacity ON groups
    FOR EACH ROW EXECUTE FUNCTION groups_capacity_changed();
