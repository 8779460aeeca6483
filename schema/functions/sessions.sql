-- SPDX-License-Identifier: Apache-2.0
-- Sessions, the occurrences of a group's schedule (table: 002_groups.sql),
-- materialised by piirid with libical up to a horizon that a timer extends.

-- JSON shapes ---------------------------------------------------------------

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

-- Does anything hang on the session (signups, attendance, absence notices,
-- tallies)? Then a schedule change cancels it rather than deleting it
-- (schedule_retime, schedules.sql).
CREATE OR REPLACE FUNCTION session_has_history(s sessions) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups x WHERE x.org_id = s.org_id AND x.session_id = s.id)
        OR EXISTS (SELECT 1 FROM attendance a WHERE a.org_id = s.org_id AND a.session_id = s.id)
        OR EXISTS (SELECT 1 FROM absence_notices n WHERE n.org_id = s.org_id AND n.session_id = s.id)
        OR EXISTS (SELECT 1 FROM session_tallies t WHERE t.org_id = s.org_id AND t.session_id = s.id)
        OR EXISTS (SELECT 1 FROM volunteer_hours v WHERE v.org_id = s.org_id AND v.session_id = s.id)
        OR EXISTS (SELECT 1 FROM attendance_drop_ins d WHERE d.org_id = s.org_id AND d.session_id = s.id)
$$;

-- Reading and changing ------------------------------------------------------

CREATE OR REPLACE FUNCTION api_group_sessions(p_id uuid, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('sessions', coalesce(
        (SELECT json_agg(session_json(s, g) ORDER BY s.starts_at, s.id)
         FROM sessions s
         WHERE s.org_id = g.org_id AND s.group_id = g.id
           AND s.ends_at > p_from AND s.starts_at < p_to), '[]'))
    FROM groups g WHERE g.id = p_id
$$;

-- The session with its group, for authorising a change: the facts loader
-- facts_session (server/facts.c) reads it into struct session_facts.
CREATE OR REPLACE FUNCTION api_session_facts(p_id uuid, p_viewer uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('session', session_json(s, g), 'group', group_json(g, p_viewer))
    FROM sessions s JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    WHERE s.id = p_id
$$;

-- Cancel (p_status 'cancelled' with a reason), restore ('scheduled') or move
-- (p_starts/p_ends). Every change raises the sequence, and a cancellation or
-- a move tells the people signed up (the notification outbox).
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
          AND x.person_id IS NOT NULL -- a guest signup has nobody to notify here
          AND (x.session_id = s.id OR x.session_id IS NULL);
    END IF;
    RETURN json_build_object('session', session_json(s, g));
END
$$;

CREATE OR REPLACE FUNCTION api_session_add(p_group uuid, p_starts timestamptz, p_ends timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    g groups;
BEGIN
    SELECT * INTO g FROM groups WHERE id = p_group;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such group.';
    END IF;
    IF p_ends <= p_starts THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'ends_at',
            HINT = 'ends_at must be after starts_at.';
    END IF;
    INSERT INTO sessions (org_id, group_id, origin, starts_at, ends_at)
    VALUES (g.org_id, g.id, 'extra', p_starts, p_ends) RETURNING * INTO s;
    RETURN json_build_object('session', session_json(s, g));
END
$$;

-- The horizon timer ---------------------------------------------------------

-- Claim up to p_limit recurring groups whose sessions end before p_wanted
-- (or that have none yet: groups loaded by SQL, such as the demo data),
-- for two minutes: whoever claims a group extends it, so the work is done
-- once even with many workers and many piirid processes.
CREATE OR REPLACE FUNCTION horizon_claim(p_wanted timestamptz, p_limit int)
RETURNS TABLE (org_id uuid, id uuid, schedule_start text, schedule_duration int,
               schedule_timezone text, schedule_rrule text, horizon_epoch bigint)
LANGUAGE sql AS $$
    UPDATE groups g SET horizon_claimed_until = now() + interval '2 minutes'
    FROM (SELECT c.org_id, c.id FROM groups c
          WHERE c.archived_at IS NULL AND c.schedule_rrule IS NOT NULL
            AND (c.horizon_until IS NULL OR c.horizon_until < p_wanted)
            AND (c.horizon_claimed_until IS NULL OR c.horizon_claimed_until < now())
          ORDER BY c.horizon_until NULLS FIRST LIMIT p_limit
          FOR UPDATE SKIP LOCKED) pick
    WHERE g.org_id = pick.org_id AND g.id = pick.id
    RETURNING g.org_id, g.id, g.schedule_start, g.schedule_duration, g.schedule_timezone,
              g.schedule_rrule, coalesce(extract(epoch FROM g.horizon_until)::bigint, 0)
$$;

-- Add the occurrences [horizon_until, p_horizon) and release the claim,
-- unless the claim is gone: a schedule change (schedule_retime,
-- schedules.sql) took it while the occurrences were expanded from the old
-- rule. The group's row is written first, so the update waits for such a
-- change to commit, and the tables are locked in the order a migrate takes
-- them (groups before sessions), which cannot deadlock with it.
CREATE OR REPLACE FUNCTION horizon_extend(p_org uuid, p_id uuid, p_starts bigint[], p_ends bigint[],
                               p_horizon timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups SET horizon_until = greatest(horizon_until, p_horizon), horizon_claimed_until = NULL
    WHERE org_id = p_org AND id = p_id AND horizon_claimed_until IS NOT NULL;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO sessions (org_id, group_id, origin, original_start, starts_at, ends_at)
    SELECT p_org, p_id, 'series', to_timestamp(st), to_timestamp(st), to_timestamp(en)
    FROM unnest(p_starts, p_ends) AS o(st, en)
    ON CONFLICT (org_id, group_id, original_start) DO NOTHING;
END
$$;
