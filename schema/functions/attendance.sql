-- SPDX-License-Identifier: Apache-2.0
-- Absence notices and attendance: records, walk-ins, each leader's hours,
-- drop-ins, guest signups' marks, and the version that is the ETag (tables:
-- 003_signups.sql, 015_waitlist_guests.sql, 016_attendance_concurrency.sql).

-- Writing attendance --------------------------------------------------------------

-- The session, locked for a change to its attendance: one that has started
-- and is not cancelled (422 otherwise; before it, the absence notice is the
-- way to say "I will not come").
CREATE OR REPLACE FUNCTION attendance_lock(p_session uuid) RETURNS sessions LANGUAGE plpgsql AS $$
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
    RETURN s;
END
$$;

-- The version of the session's attendance (its ETag); 0 before any change.
CREATE OR REPLACE FUNCTION attendance_version(s sessions) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT version FROM attendance_versions v
                     WHERE v.org_id = s.org_id AND v.session_id = s.id), 0)
$$;

-- A change to what the attendance shows: a new version, in the same
-- transaction and under the session's row lock, so no two changes share one.
CREATE OR REPLACE FUNCTION attendance_bump(s sessions) RETURNS void LANGUAGE sql AS $$
    INSERT INTO attendance_versions (org_id, session_id, version, changed_at) VALUES (s.org_id, s.id, 1, now())
    ON CONFLICT (org_id, session_id) DO UPDATE SET version = attendance_versions.version + 1, changed_at = now()
$$;

-- When the attendance last changed (NULL: never), for the page's "saved at".
CREATE OR REPLACE FUNCTION attendance_changed_at(s sessions) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT v.changed_at FROM attendance_versions v WHERE v.org_id = s.org_id AND v.session_id = s.id
$$;

-- The requesting leader's own hours (NULL: none recorded).
CREATE OR REPLACE FUNCTION attendance_set_hours(s sessions, p_by uuid, p_hours numeric) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_hours IS NULL OR p_hours = 0 THEN
        DELETE FROM volunteer_hours WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_by;
    ELSE
        INSERT INTO volunteer_hours (org_id, session_id, person_id, hours) VALUES (s.org_id, s.id, p_by, p_hours)
        ON CONFLICT (org_id, session_id, person_id) DO UPDATE
            SET hours = excluded.hours, updated_at = now();
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION attendance_set_walk_ins(s sessions, p_by uuid, p_walk_ins int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO session_tallies (org_id, session_id, walk_ins, updated_by) VALUES (s.org_id, s.id, p_walk_ins, p_by)
    ON CONFLICT (org_id, session_id) DO UPDATE
        SET walk_ins = excluded.walk_ins, updated_by = excluded.updated_by, updated_at = now()
$$;

CREATE OR REPLACE FUNCTION attendance_is_participant(s sessions, p_person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM session_participants(s.org_id, s.group_id, s.id) x WHERE x.person_id = p_person)
$$;

-- Absence notices ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION absence_json(a absence_notices) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('session_id', a.session_id, 'person_id', a.person_id, 'reason', a.reason,
                             'created_at', a.created_at)
$$;

-- Give a notice (p_reason: trimmed by piirid, NULL for none), or give it
-- again after withdrawing it (created: true), or change its reason. A
-- notice given or withdrawn raises the person's feed SEQUENCE (changes).
CREATE OR REPLACE FUNCTION api_absence(p_session uuid, p_person uuid, p_reason text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    a absence_notices;
    v_created boolean;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    IF NOT attendance_is_participant(s, p_person) THEN
        RAISE EXCEPTION 'forbidden' USING ERRCODE = 'PI403',
            HINT = 'Only confirmed participants can send an absence notice.';
    END IF;
    SELECT * INTO a FROM absence_notices
    WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person FOR UPDATE;
    v_created := NOT FOUND OR a.withdrawn_at IS NOT NULL;
    IF NOT FOUND THEN
        INSERT INTO absence_notices (org_id, session_id, person_id, reason)
        VALUES (s.org_id, s.id, p_person, p_reason) RETURNING * INTO a;
    ELSIF a.withdrawn_at IS NOT NULL THEN
        UPDATE absence_notices SET reason = p_reason, withdrawn_at = NULL, changes = changes + 1,
            created_at = now(), updated_at = now()
        WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person RETURNING * INTO a;
    ELSIF a.reason IS DISTINCT FROM p_reason THEN
        UPDATE absence_notices SET reason = p_reason
        WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person RETURNING * INTO a;
    ELSE
        RETURN json_build_object('created', false, 'absence', absence_json(a));
    END IF;
    PERFORM attendance_bump(s);
    RETURN json_build_object('created', v_created, 'absence', absence_json(a));
END
$$;

-- Withdraw the person's notice (nothing to withdraw is fine). The row stays,
-- without its reason, so that the feed's SEQUENCE rises. false: no session.
CREATE OR REPLACE FUNCTION api_absence_withdraw(p_session uuid, p_person uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE absence_notices SET withdrawn_at = now(), reason = NULL, changes = changes + 1, updated_at = now()
    WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person AND withdrawn_at IS NULL;
    IF FOUND THEN
        PERFORM attendance_bump(s);
    END IF;
    RETURN true;
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

CREATE OR REPLACE FUNCTION attendance_drop_in_json(d attendance_drop_ins) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'person_id', d.person_id,
        'display_name', coalesce(d.display_name, (SELECT p.display_name FROM persons p WHERE p.id = d.person_id)))
$$;

CREATE OR REPLACE FUNCTION attendance_drop_ins_json(s sessions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(attendance_drop_in_json(d) ORDER BY d.created_at, d.id), '[]')
    FROM attendance_drop_ins d WHERE d.org_id = s.org_id AND d.session_id = s.id
$$;

CREATE OR REPLACE FUNCTION attendance_hours_json(s sessions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('person_id', h.person_id, 'display_name', p.display_name,
                        'hours', h.hours) ORDER BY p.display_name, h.person_id), '[]')
    FROM volunteer_hours h JOIN persons p ON p.id = h.person_id
    WHERE h.org_id = s.org_id AND h.session_id = s.id
$$;

-- What leaders see. version is piirid's: it becomes the ETag header.
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
        'volunteer_hours', coalesce((SELECT sum(hours) FROM volunteer_hours h
                                     WHERE h.org_id = s.org_id AND h.session_id = s.id), 0),
        'volunteer_hours_by_leader', attendance_hours_json(s),
        'expected', (SELECT coalesce(json_agg(json_build_object('person_id', x.person_id,
                        'display_name', p.display_name, 'adults', x.adults, 'children', x.children,
                        'absence_notice', n.person_id IS NOT NULL, 'absence_reason', n.reason)
                        ORDER BY p.display_name, x.person_id), '[]')
                     FROM session_participants(s.org_id, s.group_id, s.id) x
                     JOIN persons p ON p.id = x.person_id
                     LEFT JOIN absence_notices n ON n.org_id = s.org_id AND n.session_id = s.id
                         AND n.person_id = x.person_id AND n.withdrawn_at IS NULL),
        'guest_signups', attendance_guest_signups_json(s),
        'drop_ins', attendance_drop_ins_json(s),
        'version', attendance_version(s))
$$;

CREATE OR REPLACE FUNCTION api_attendance_get(p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT attendance_json(s) FROM sessions s WHERE s.id = p_session
$$;

-- Replace the session's records, walk-ins and the requester's hours, if the
-- attendance is still at version p_if_match (412 otherwise: somebody else
-- changed it since it was read; NULL: If-Match: *, any version). Guest
-- signups' marks and drop-ins stay.
CREATE OR REPLACE FUNCTION api_attendance_put(p_session uuid, p_records jsonb, p_walk_ins int, p_hours numeric,
                                   p_by uuid, p_if_match bigint) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
BEGIN
    IF p_if_match IS NOT NULL AND attendance_version(s) <> p_if_match THEN
        RAISE EXCEPTION 'precondition_failed' USING ERRCODE = 'PI412',
            HINT = 'The attendance has changed since it was read: read it again (its ETag) and retry.';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_records) r
               WHERE NOT attendance_is_participant(s, (r->>'person_id')::uuid)) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'records',
            HINT = 'Every record must be for a confirmed participant of this session.';
    END IF;
    DELETE FROM attendance WHERE org_id = s.org_id AND session_id = s.id;
    INSERT INTO attendance (org_id, session_id, person_id, status, marked_by)
    SELECT s.org_id, s.id, (r->>'person_id')::uuid, r->>'status', p_by
    FROM jsonb_array_elements(p_records) r;
    PERFORM attendance_set_walk_ins(s, p_by, p_walk_ins);
    PERFORM attendance_set_hours(s, p_by, p_hours);
    PERFORM attendance_bump(s);
    RETURN attendance_json(s);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'records',
        HINT = 'A person appears twice in records.';
END
$$;

-- Change the walk-ins and the requester's hours, each only when given (a
-- body with neither changes nothing, not even the version).
CREATE OR REPLACE FUNCTION api_attendance_patch(p_session uuid, p_walk_ins int, p_hours numeric, p_by uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
BEGIN
    IF p_walk_ins IS NOT NULL THEN
        PERFORM attendance_set_walk_ins(s, p_by, p_walk_ins);
    END IF;
    IF p_hours IS NOT NULL THEN
        PERFORM attendance_set_hours(s, p_by, p_hours);
    END IF;
    IF p_walk_ins IS NOT NULL OR p_hours IS NOT NULL THEN
        PERFORM attendance_bump(s);
    END IF;
    RETURN attendance_json(s);
END
$$;

-- Set (p_status) one participant's record, or clear it (NULL), leaving the
-- others as they are.
CREATE OR REPLACE FUNCTION api_attendance_record_set(p_session uuid, p_person uuid, p_status text, p_by uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
BEGIN
    IF p_status IS NULL THEN
        DELETE FROM attendance WHERE org_id = s.org_id AND session_id = s.id AND person_id = p_person;
    ELSIF NOT attendance_is_participant(s, p_person) THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404',
            HINT = 'No confirmed participant of this session has that id.';
    ELSE
        INSERT INTO attendance (org_id, session_id, person_id, status, marked_by)
        VALUES (s.org_id, s.id, p_person, p_status, p_by)
        ON CONFLICT (org_id, session_id, person_id) DO UPDATE
            SET status = excluded.status, marked_by = excluded.marked_by, marked_at = now();
    END IF;
    PERFORM attendance_bump(s);
    RETURN attendance_json(s);
END
$$;

-- Drop-ins --------------------------------------------------------------------------

-- Somebody present without a signup, under the client's id p_id: an org
-- member (p_person) or a guest by name (p_name). The same id again with the
-- same body changes nothing (created: false); with another body, or for
-- another session, it is a conflict.
CREATE OR REPLACE FUNCTION api_attendance_drop_in_put(p_session uuid, p_id uuid, p_person uuid, p_name text,
                                                      p_by uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
    d attendance_drop_ins;
BEGIN
    SELECT * INTO d FROM attendance_drop_ins WHERE org_id = s.org_id AND id = p_id;
    IF FOUND THEN
        IF d.session_id = s.id AND d.person_id IS NOT DISTINCT FROM p_person
           AND d.display_name IS NOT DISTINCT FROM p_name THEN
            RETURN json_object_concat(json_build_object('created', false), attendance_json(s));
        END IF;
        RAISE EXCEPTION 'drop_in_exists' USING ERRCODE = 'PI409',
            HINT = 'A drop-in with this id exists with other details.';
    END IF;
    IF p_person IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = s.org_id AND m.person_id = p_person) THEN
            RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'person_id',
                HINT = 'person_id must be a member of the group''s organization.';
        END IF;
        IF attendance_is_participant(s, p_person) THEN
            RAISE EXCEPTION 'signed_up' USING ERRCODE = 'PI409', DETAIL = 'person_id',
                HINT = 'This person is signed up for the session: mark their record instead.';
        END IF;
        IF EXISTS (SELECT 1 FROM attendance_drop_ins x
                   WHERE x.org_id = s.org_id AND x.session_id = s.id AND x.person_id = p_person) THEN
            RAISE EXCEPTION 'already_dropped_in' USING ERRCODE = 'PI409', DETAIL = 'person_id',
                HINT = 'This person is already marked as a drop-in of the session.';
        END IF;
    END IF;
    INSERT INTO attendance_drop_ins (org_id, id, session_id, person_id, display_name, marked_by)
    VALUES (s.org_id, p_id, s.id, p_person, p_name, p_by);
    PERFORM attendance_bump(s);
    RETURN json_object_concat(json_build_object('created', true), attendance_json(s));
END
$$;

-- Remove a drop-in (none with that id in the session is fine).
CREATE OR REPLACE FUNCTION api_attendance_drop_in_delete(p_session uuid, p_id uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
BEGIN
    DELETE FROM attendance_drop_ins WHERE org_id = s.org_id AND session_id = s.id AND id = p_id;
    IF FOUND THEN
        PERFORM attendance_bump(s);
    END IF;
    RETURN true;
END
$$;

-- Walk-ins counted on several phones ---------------------------------------------

-- One press of + or - (p_delta) under the phone's id p_id: applied once,
-- however often it is sent (created: false the second time); the same id
-- with another delta, or for another session, is a conflict. The count
-- stays within 0 to 100000: what the change did (applied) is remembered,
-- so a -1 on 0 does nothing, now and when it is sent again.
CREATE OR REPLACE FUNCTION api_attendance_walk_in_change(p_session uuid, p_id uuid, p_delta int, p_by uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
    c walk_in_changes;
    v_now int;
    v_new int;
BEGIN
    SELECT * INTO c FROM walk_in_changes WHERE org_id = s.org_id AND id = p_id;
    IF FOUND THEN
        IF c.session_id = s.id AND c.delta = p_delta THEN
            RETURN json_object_concat(json_build_object('created', false), attendance_json(s));
        END IF;
        RAISE EXCEPTION 'walk_in_change_exists' USING ERRCODE = 'PI409',
            HINT = 'A walk-in change with this id exists with another delta.';
    END IF;
    v_now := coalesce((SELECT walk_ins FROM session_tallies t WHERE t.org_id = s.org_id AND t.session_id = s.id), 0);
    v_new := least(greatest(v_now + p_delta, 0), 100000);
    INSERT INTO walk_in_changes (org_id, id, session_id, delta, applied, marked_by)
    VALUES (s.org_id, p_id, s.id, p_delta, v_new - v_now, p_by);
    PERFORM attendance_set_walk_ins(s, p_by, v_new);
    PERFORM attendance_bump(s);
    RETURN json_object_concat(json_build_object('created', true), attendance_json(s));
END
$$;

-- Attendance of guest signups -----------------------------------------------------

-- Set (p_status) or remove (NULL) the record of a guest signup in a
-- session that has started and is not cancelled (422 otherwise): the
-- signup must be a confirmed guest signup of that session or its series.
CREATE OR REPLACE FUNCTION api_attendance_signup_set(p_session uuid, p_signup uuid, p_status text, p_by uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions := attendance_lock(p_session);
BEGIN
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
    PERFORM attendance_bump(s);
    RETURN attendance_json(s);
END
$$;
