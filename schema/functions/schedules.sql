-- SPDX-License-Identifier: Apache-2.0
-- A changed schedule: the group's future sessions re-timed to the new rule,
-- so that a coordinator who moves a group to Thursdays gets one meeting a
-- week, not the Tuesdays people signed up for beside the new Thursdays.

-- Has the session been held on the record (attendance, a guest's attendance,
-- walk-ins)? Then it is history, and a new schedule does not touch it.
CREATE OR REPLACE FUNCTION session_has_attendance(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM signup_attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM session_tallies t WHERE t.org_id = s.org_id AND t.session_id = s.id)
$$;

-- Is anyone signed up for the session: for it alone, or for the whole
-- series of a closed group or camp (signups without a session)?
CREATE OR REPLACE FUNCTION session_has_people(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups x
                   WHERE x.org_id = s.org_id AND x.group_id = s.group_id AND x.status <> 'cancelled'
                     AND (x.session_id = s.id OR x.session_id IS NULL))
$$;

-- Tell everyone signed up for the session (with an account: a guest signup
-- has nobody to write to) that it was moved or cancelled.
CREATE OR REPLACE FUNCTION schedule_notify(s sessions, p_kind text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT s.org_id, x.person_id, p_kind, jsonb_build_object('session_id', s.id, 'group_id', s.group_id)
    FROM signups x
    WHERE x.org_id = s.org_id AND x.group_id = s.group_id AND x.status <> 'cancelled'
      AND x.person_id IS NOT NULL AND (x.session_id = s.id OR x.session_id IS NULL)
$$;

-- The future sessions that follow the rule: from the series, not started,
-- not held on the record; in the order they meet.
CREATE OR REPLACE FUNCTION schedule_future_sessions(g groups) RETURNS SETOF sessions LANGUAGE sql STABLE AS $$
    SELECT s.* FROM sessions s
    WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.origin = 'series' AND s.starts_at > now()
      AND NOT session_has_attendance(s)
    ORDER BY s.starts_at, s.id
$$;

-- Re-time the group's future sessions (schedule_future_sessions) to the new
-- occurrences [p_starts, p_ends) (Unix seconds, from now to the horizon):
-- the n-th session becomes the n-th occurrence and keeps its id, signups,
-- absence notices and status (a cancelled one stays cancelled at its new
-- time; a move is superseded by the new time). Surplus occurrences are
-- added; surplus sessions are deleted, or cancelled ("schedule_changed")
-- when anything hangs on them, so no signup is ever lost. Past, held and
-- extra sessions stay as they are; an occurrence one of them already
-- stands for is not made again. People signed up hear of every move and
-- cancellation (the notification outbox). Returns {moved, added, removed}.
CREATE OR REPLACE FUNCTION schedule_retime(g groups, p_starts bigint[], p_ends bigint[], p_horizon timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_old sessions[];
    v_ids uuid[];
    v_new_starts timestamptz[];
    v_new_ends timestamptz[];
    s sessions;
    v_moved json[] := '{}';
    v_added json[] := '{}';
    v_removed json[] := '{}';
    v_old_start timestamptz;
    v_old_end timestamptz;
    v_action text;
    i int;
BEGIN
    v_old := ARRAY(SELECT f FROM schedule_future_sessions(g) f);
    v_ids := ARRAY(SELECT x.id FROM unnest(v_old) x);
    SELECT coalesce(array_agg(to_timestamp(st) ORDER BY st), '{}'), coalesce(array_agg(to_timestamp(en) ORDER BY st), '{}')
    INTO v_new_starts, v_new_ends
    FROM unnest(coalesce(p_starts, '{}'), coalesce(p_ends, '{}')) AS o(st, en)
    WHERE to_timestamp(st) > now()
      AND NOT EXISTS (SELECT 1 FROM sessions k
                      WHERE k.org_id = g.org_id AND k.group_id = g.id
                        AND k.original_start = to_timestamp(st)
                        AND k.id <> ALL (v_ids));
    -- The sessions to re-time give up their occurrence first: the n-th may
    -- take the one another of them still holds (the unique original_start).
    -- A far shift keeps them distinct and out of every feed's reach, and
    -- leaves moved_from alone (sessions_moved_from, feeds.sql).
    UPDATE sessions SET original_start = original_start + interval '100000 years'
    WHERE org_id = g.org_id
      AND id = ANY (v_ids[1:least(cardinality(v_ids), cardinality(v_new_starts))]);
    FOR i IN 1 .. greatest(cardinality(v_old), cardinality(v_new_starts)) LOOP
        IF i <= cardinality(v_old) AND i <= cardinality(v_new_starts) THEN
            v_old_start := v_old[i].starts_at;
            v_old_end := v_old[i].ends_at;
            UPDATE sessions SET original_start = v_new_starts[i], starts_at = v_new_starts[i],
                ends_at = v_new_ends[i],
                sequence = sequence + CASE WHEN (v_old[i].original_start, v_old_start, v_old_end)
                                                IS DISTINCT FROM (v_new_starts[i], v_new_starts[i], v_new_ends[i])
                                           THEN 1 ELSE 0 END,
                updated_at = now()
            WHERE org_id = g.org_id AND id = v_old[i].id
            RETURNING * INTO s;
            IF (v_old_start, v_old_end) IS DISTINCT FROM (s.starts_at, s.ends_at) THEN
                v_moved := v_moved || json_build_object('id', s.id,
                    'old_starts_at', rfc3339(v_old_start, g.schedule_timezone),
                    'old_ends_at', rfc3339(v_old_end, g.schedule_timezone),
                    'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                    'ends_at', rfc3339(s.ends_at, g.schedule_timezone), 'status', s.status);
                PERFORM schedule_notify(s, 'session_moved');
            END IF;
        ELSIF i <= cardinality(v_new_starts) THEN
            INSERT INTO sessions (org_id, group_id, origin, original_start, starts_at, ends_at)
            VALUES (g.org_id, g.id, 'series', v_new_starts[i], v_new_starts[i], v_new_ends[i])
            RETURNING * INTO s;
            v_added := v_added || json_build_object('id', s.id,
                'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                'ends_at', rfc3339(s.ends_at, g.schedule_timezone));
        ELSE
            s := v_old[i];
            v_action := 'deleted';
            IF session_has_people(s) OR session_has_history(s) THEN
                CONTINUE WHEN s.status = 'cancelled';  -- nothing changes for anyone
                v_action := 'cancelled';
                UPDATE sessions SET status = 'cancelled', cancel_reason = 'schedule_changed',
                    sequence = sequence + 1, updated_at = now()
                WHERE org_id = s.org_id AND id = s.id RETURNING * INTO s;
                PERFORM schedule_notify(s, 'session_cancelled');
            ELSE
                DELETE FROM sessions WHERE org_id = s.org_id AND id = s.id;
            END IF;
            v_removed := v_removed || json_build_object('id', s.id,
                'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                'ends_at', rfc3339(s.ends_at, g.schedule_timezone),
                'action', v_action);
        END IF;
    END LOOP;
    -- A horizon round that expanded the old rule must not store it
    -- (horizon_extend, sessions.sql): its claim goes.
    UPDATE groups SET horizon_until = p_horizon, horizon_claimed_until = NULL
    WHERE org_id = g.org_id AND id = g.id;
    RETURN json_build_object('moved', array_to_json(v_moved), 'added', array_to_json(v_added),
                             'removed', array_to_json(v_removed));
END
$$;
