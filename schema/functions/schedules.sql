-- SPDX-License-Identifier: Apache-2.0
-- A changed schedule: the group's future sessions re-timed to the new rule,
-- so that a coordinator who moves a group to Thursdays gets one meeting a
-- week, not the Tuesdays people signed up for beside the new Thursdays.

-- Has the session been held on the record (attendance, a guest's attendance,
-- walk-ins, a leader's hours, drop-ins)? Then it is history, and a new schedule does not touch it.
CREATE OR REPLACE FUNCTION session_has_attendance(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM signup_attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM session_tallies t WHERE t.org_id = s.org_id AND t.session_id = s.id)
        OR EXISTS (SELECT 1 FROM volunteer_hours h WHERE h.org_id = s.org_id AND h.session_id = s.id)
        OR EXISTS (SELECT 1 FROM attendance_drop_ins d WHERE d.org_id = s.org_id AND d.session_id = s.id)
$$;

-- Is anyone signed up for the session: for it alone, or for the whole
-- series of a closed group or camp (signups without a session)?
CREATE OR REPLACE FUNCTION session_has_people(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups x
                   WHERE x.org_id = s.org_id AND x.group_id = s.group_id AND x.status <> 'cancelled'
                     AND (x.session_id = s.id OR x.session_id IS NULL))
$$;

-- Tell each person signed up (with an account: a guest signup has nobody to
-- write to) whom the change touches: one row per person, however many of
-- their sessions moved, were cancelled or (a series signup) were added, so a
-- weekly series changed is one message, not one per meeting. The payload
-- names those sessions (ids only): the message's calendar part updates each.
CREATE OR REPLACE FUNCTION schedule_notify(g groups, p_sessions uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT g.org_id, x.person_id, 'schedule_changed',
           jsonb_build_object('group_id', g.id, 'session_ids', to_jsonb(array_agg(DISTINCT s.id)))
    FROM signups x
    JOIN sessions s ON s.org_id = x.org_id AND s.group_id = x.group_id
                   AND (s.id = x.session_id OR x.session_id IS NULL)
    WHERE x.org_id = g.org_id AND x.group_id = g.id AND x.status <> 'cancelled'
      AND x.person_id IS NOT NULL AND s.id = ANY (p_sessions)
    GROUP BY x.person_id
    ORDER BY min(x.created_at)
$$;

-- The future sessions that follow the rule: from the series, not started,
-- not held on the record; in the order they meet. Locked, so that a signup
-- for one either comes first (and is seen) or waits for the change.
CREATE OR REPLACE FUNCTION schedule_future_sessions(g groups) RETURNS SETOF sessions LANGUAGE sql AS $$
    SELECT s.* FROM sessions s
    WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.origin = 'series' AND s.starts_at > now()
      AND NOT session_has_attendance(s)
    ORDER BY s.starts_at, s.id
    FOR UPDATE
$$;

-- The session s at its n-th occurrence [p_start, p_end): the item of
-- "moved", or null when its time stays (a session already there is not
-- written at all, so its feeds keep their bytes).
CREATE OR REPLACE FUNCTION schedule_move(s sessions, g groups, p_start timestamptz, p_end timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_old sessions := s;
BEGIN
    UPDATE sessions SET original_start = p_start, starts_at = p_start, ends_at = p_end,
        sequence = sequence + 1, updated_at = now()
    WHERE org_id = s.org_id AND id = s.id
    RETURNING * INTO s;
    IF (v_old.starts_at, v_old.ends_at) = (s.starts_at, s.ends_at) THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object('id', s.id,
        'old_starts_at', rfc3339(v_old.starts_at, g.schedule_timezone),
        'old_ends_at', rfc3339(v_old.ends_at, g.schedule_timezone),
        'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
        'ends_at', rfc3339(s.ends_at, g.schedule_timezone), 'status', s.status);
END
$$;

-- A new session at an occurrence no session stands for: the item of "added".
CREATE OR REPLACE FUNCTION schedule_add(g groups, p_start timestamptz, p_end timestamptz) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
BEGIN
    INSERT INTO sessions (org_id, group_id, origin, original_start, starts_at, ends_at)
    VALUES (g.org_id, g.id, 'series', p_start, p_start, p_end)
    RETURNING * INTO s;
    RETURN json_build_object('id', s.id, 'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                             'ends_at', rfc3339(s.ends_at, g.schedule_timezone));
END
$$;

-- A session the new schedule has no occurrence for: deleted, or cancelled
-- when anyone is signed up or anything else hangs on it (a signup is never
-- lost). The item of "removed", or null for one cancelled already.
CREATE OR REPLACE FUNCTION schedule_remove(s sessions, g groups) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_action text := 'deleted';
BEGIN
    IF session_has_people(s) OR session_has_history(s) THEN
        IF s.status = 'cancelled' THEN
            RETURN NULL;
        END IF;
        v_action := 'cancelled';
        UPDATE sessions SET status = 'cancelled', cancel_reason = 'schedule_changed',
            sequence = sequence + 1, updated_at = now()
        WHERE org_id = s.org_id AND id = s.id RETURNING * INTO s;
    ELSE
        DELETE FROM sessions WHERE org_id = s.org_id AND id = s.id;
    END IF;
    RETURN json_build_object('id', s.id, 'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                             'ends_at', rfc3339(s.ends_at, g.schedule_timezone), 'action', v_action);
END
$$;

-- Re-time the group's future sessions (schedule_future_sessions) to the new
-- occurrences [p_starts, p_ends) (Unix seconds, from now to the horizon):
-- the n-th session becomes the n-th occurrence and keeps its id, signups,
-- absence notices and status (a cancelled one stays cancelled at its new
-- time; a move is superseded by the new time). Surplus occurrences are
-- added, surplus sessions removed (schedule_remove). Past, held and extra
-- sessions stay as they are; an occurrence one of them already stands for
-- is not made again. Each person signed up whom it touches hears of it once
-- (schedule_notify). Returns {moved, added, removed}.
CREATE OR REPLACE FUNCTION schedule_retime(g groups, p_starts bigint[], p_ends bigint[], p_horizon timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_old sessions[] := ARRAY(SELECT f FROM schedule_future_sessions(g) f);
    v_starts timestamptz[];
    v_ends timestamptz[];
    v_moving uuid[];
    v_moved json[] := '{}';
    v_added json[] := '{}';
    v_removed json[] := '{}';
    v_item json;
BEGIN
    SELECT coalesce(array_agg(to_timestamp(st) ORDER BY st), '{}'),
           coalesce(array_agg(to_timestamp(en) ORDER BY st), '{}')
    INTO v_starts, v_ends
    FROM unnest(coalesce(p_starts, '{}'), coalesce(p_ends, '{}')) AS o(st, en)
    WHERE to_timestamp(st) > now()
      AND NOT EXISTS (SELECT 1 FROM sessions k
                      WHERE k.org_id = g.org_id AND k.group_id = g.id
                        AND k.original_start = to_timestamp(st)
                        AND k.id <> ALL (ARRAY(SELECT x.id FROM unnest(v_old) x)));
    -- The sessions that change give up their occurrence first, as the n-th
    -- may take one another of them still holds (original_start is unique).
    -- A far shift keeps them distinct and out of every feed's reach, and
    -- leaves moved_from alone (sessions_moved_from, feeds.sql).
    v_moving := ARRAY(SELECT v_old[i].id FROM generate_series(1, least(cardinality(v_old), cardinality(v_starts))) i
                      WHERE (v_old[i].original_start, v_old[i].starts_at, v_old[i].ends_at)
                            IS DISTINCT FROM (v_starts[i], v_starts[i], v_ends[i]));
    UPDATE sessions SET original_start = original_start + interval '100000 years'
    WHERE org_id = g.org_id AND id = ANY (v_moving);
    FOR i IN 1 .. greatest(cardinality(v_old), cardinality(v_starts)) LOOP
        IF i > cardinality(v_starts) THEN
            v_item := schedule_remove(v_old[i], g);
            IF v_item IS NOT NULL THEN v_removed := v_removed || v_item; END IF;
        ELSIF i > cardinality(v_old) THEN
            v_added := v_added || schedule_add(g, v_starts[i], v_ends[i]);
        ELSIF v_old[i].id = ANY (v_moving) THEN
            v_item := schedule_move(v_old[i], g, v_starts[i], v_ends[i]);
            IF v_item IS NOT NULL THEN v_moved := v_moved || v_item; END IF;
        END IF;
    END LOOP;
    PERFORM schedule_notify(g, ARRAY(
        SELECT (i->>'id')::uuid FROM unnest(v_moved || v_added || v_removed) i
        WHERE i->>'action' IS DISTINCT FROM 'deleted'));
    -- A horizon round that expanded the old rule must not store it
    -- (horizon_extend, sessions.sql): its claim goes.
    UPDATE groups SET horizon_until = p_horizon, horizon_claimed_until = NULL
    WHERE org_id = g.org_id AND id = g.id;
    RETURN json_build_object('moved', array_to_json(v_moved), 'added', array_to_json(v_added),
                             'removed', array_to_json(v_removed));
END
$$;
