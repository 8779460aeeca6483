-- SPDX-License-Identifier: Apache-2.0
-- Absence notices and attendance with the per-session tallies (tables:
-- 003_signups.sql).

-- Absence notices ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION api_absence(p_session uuid, p_person uuid, p_reason text) RETURNS json
LANGUAGE plpgsql AS $$
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
    INSERT INTO absence_notices (org_id, session_id, person_id, reason)
    VALUES (s.org_id, s.id, p_person, nullif(btrim(p_reason), ''))
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

-- The session's confirmed guest signups (made by a coordinator for someone
-- without an account) with what is recorded of each (status null: nothing).
CREATE OR REPLACE FUNCTION attendance_guest_signups_json(s sessions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('signup_id', x.id, 'display_name', x.guest_name,
                        'adults', x.adults, 'children', x.children, 'status', a.status)
                        ORDER BY x.guest_name, x.id), '[]')
    FROM session_participants(s.org_id, s.group_id, s.id) x
    LEFT JOIN signup_attendance a ON a.org_id = s.org_id AND a.session_id = s.id AND a.signup_id = x.id
    WHERE x.person_id IS NULL
$$;

CREATE OR REPLACE FUNCTION attendance_json(s sessions) RETURNS json LANGUAGE sql STABLE AS $$
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
                     JOIN persons p ON p.id = x.person_id),
        'guest_signups', attendance_guest_signups_json(s))
$$;

CREATE OR REPLACE FUNCTION api_attendance_get(p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT attendance_json(s) FROM sessions s WHERE s.id = p_session
$$;

-- Replace the session's records (PUT is idempotent).
CREATE OR REPLACE FUNCTION api_attendance_put(p_session uuid, p_records jsonb, p_walk_ins int, p_hours numeric,
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

-- Attendance of guest signups -----------------------------------------------------

-- Set (p_status) or remove (NULL) the record of a guest signup in a
-- session that has started and is not cancelled (422 otherwise): the
-- signup must be a confirmed guest signup of that session or its series.
CREATE OR REPLACE FUNCTION api_attendance_signup_set(p_session uuid, p_signup uuid, p_status text, p_by uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    IF s.status = 'cancelled' THEN
        RAISE EXCEPTION 'session_cancelled' USING ERRCODE = 'PI422', HINT = 'This session is cancelled.';
    END IF;
    IF s.starts_at > now() THEN
        RAISE EXCEPTION 'session_not_started' USING ERRCODE = 'PI422',
            HINT = 'Attendance can be recorded once the session has started.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM session_participants(s.org_id, s.group_id, s.id) x
                   WHERE x.id = p_signup AND x.person_id IS NULL) THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404',
            HINT = 'No confirmed guest signup of this session has that id.';
    END IF;
    IF p_status IS NULL THEN
        DELETE FROM signup_attendance WHERE org_id = s.org_id AND session_id = s.id AND signup_id = p_signup;
    ELSE
        INSERT INTO signup_attendance (org_id, session_id, signup_id, status, marked_by)
        VALUES (s.org_id, s.id, p_signup, p_status, p_by)
        ON CONFLICT (org_id, session_id, signup_id) DO UPDATE
            SET status = excluded.status, marked_by = excluded.marked_by, marked_at = now();
    END IF;
    RETURN attendance_json(s);
END
$$;
