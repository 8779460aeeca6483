-- SPDX-License-Identifier: Apache-2.0
-- Attendance reports: aggregates only (tables: 003_signups.sql). The
-- matching counts are api_matching_stats in matching.sql.

-- p_from_text/p_to_text: dates (days in the org's zone, p_to inclusive) or
-- RFC 3339 times; p_to must not come before p_from. No such org: NULLs.
CREATE OR REPLACE FUNCTION report_window(p_org text, p_from_text text, p_to_text text,
                                         OUT v_from timestamptz, OUT v_to timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz text;
BEGIN
    SELECT timezone INTO tz FROM organizations WHERE slug = p_org;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_from := CASE WHEN length(p_from_text) = 10 THEN p_from_text::date::timestamp AT TIME ZONE tz
                   ELSE p_from_text::timestamptz END;
    v_to := CASE WHEN length(p_to_text) = 10 THEN (p_to_text::date + 1)::timestamp AT TIME ZONE tz
                 ELSE p_to_text::timestamptz END;
    IF v_to <= v_from THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'to',
            HINT = 'to must not come before from.';
    END IF;
END
$$;

-- Two JSON objects as one, the keys of A first, in order (jsonb would sort them).
CREATE OR REPLACE FUNCTION json_object_concat(a json, b json)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT (left(a::text, -1) || ', ' || substr(b::text, 2))::json
$$;

-- The numbers of the sessions of P_ORGS (of one group when P_GROUP is not
-- NULL) that started in [p_from, p_to) and have been held: not cancelled
-- and started by now (a session ahead counts nothing). A present record
-- counts its person's party (a parent with two children is three visits:
-- the signup for that session or the series, one adult without one);
-- walk-ins are a count of their own. A guest signup (a coordinator's, for
-- someone without an account) present counts its party as visits, but is
-- among no unique or first-time participants (no person to count once). A
-- drop-in is one adult's visit: a member who dropped in is a participant
-- like anyone present, a guest typed in by name is not. Volunteer hours are
-- every leader's, summed. A held session with neither records
-- nor a tally is "not recorded", not a session nobody came to. Days: the
-- local days a held session covers up to today (a camp's days).
-- First-time participants are people whose first present ever (in the
-- group, or in any group of P_ORGS) is in the period, so they are always
-- among the unique participants.
CREATE OR REPLACE FUNCTION attendance_numbers(p_orgs uuid[], p_group uuid, p_from timestamptz,
                                              p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH held AS (
        SELECT s.*, o.timezone FROM sessions s JOIN organizations o ON o.id = s.org_id
        WHERE s.org_id = ANY (p_orgs) AND (p_group IS NULL OR s.group_id = p_group)
          AND s.status = 'scheduled' AND s.starts_at >= p_from AND s.starts_at < p_to
          AND s.starts_at <= now()),
    present AS (
        SELECT a.person_id, coalesce(party.adults, 1) AS adults, coalesce(party.children, 0) AS children
        FROM attendance a JOIN held h ON h.org_id = a.org_id AND h.id = a.session_id
        LEFT JOIN LATERAL (
            SELECT su.adults, su.children FROM signups su
            WHERE su.org_id = a.org_id AND su.group_id = h.group_id AND su.person_id = a.person_id
              AND (su.session_id = h.id OR su.session_id IS NULL)
            ORDER BY su.status = 'cancelled', su.session_id IS NULL, su.created_at DESC
            LIMIT 1) party ON true
        WHERE a.status = 'present'
        UNION ALL  -- a guest signup present: its party, and nobody's person
        SELECT NULL, x.adults, x.children
        FROM signup_attendance a JOIN held h ON h.org_id = a.org_id AND h.id = a.session_id
        JOIN signups x ON x.org_id = a.org_id AND x.id = a.signup_id
        WHERE a.status = 'present'
        UNION ALL  -- a drop-in: one adult, a member's person or a guest's nobody
        SELECT d.person_id, 1, 0
        FROM attendance_drop_ins d JOIN held h ON h.org_id = d.org_id AND h.id = d.session_id),
    -- The held sessions' rows are looked up by session (a lateral join): a
    -- hash join would read every row of the org's for each group of a report.
    tallies AS (
        SELECT t.* FROM held h CROSS JOIN LATERAL (
            SELECT * FROM session_tallies t WHERE t.org_id = h.org_id AND t.session_id = h.id) t),
    hours AS (
        SELECT v.* FROM held h CROSS JOIN LATERAL (
            SELECT * FROM volunteer_hours v WHERE v.org_id = h.org_id AND v.session_id = h.id) v),
    firsts AS (  -- each person's first presence ever in a held session, with a record or as a drop-in
        SELECT p.person_id, min(s.starts_at) AS first_at
        FROM sessions s CROSS JOIN LATERAL (
            SELECT a.person_id FROM attendance a
            WHERE a.org_id = s.org_id AND a.session_id = s.id AND a.status = 'present'
            UNION ALL
            SELECT d.person_id FROM attendance_drop_ins d
            WHERE d.org_id = s.org_id AND d.session_id = s.id AND d.person_id IS NOT NULL) p
        WHERE s.org_id = ANY (p_orgs) AND (p_group IS NULL OR s.group_id = p_group)
          AND s.status = 'scheduled' AND s.starts_at <= now()
        GROUP BY p.person_id),
    days AS (
        SELECT count(*) AS n FROM held h,
            generate_series((h.starts_at AT TIME ZONE h.timezone)::date,
                            least(((h.ends_at - interval '1 microsecond') AT TIME ZONE h.timezone)::date,
                                  (now() AT TIME ZONE h.timezone)::date),
                            interval '1 day') d),
    visits AS (
        SELECT coalesce(sum(adults), 0) AS adults, coalesce(sum(children), 0) AS children FROM present),
    walk_ins AS (SELECT coalesce(sum(walk_ins), 0) AS n FROM tallies)
    SELECT json_build_object(
        'sessions_held', (SELECT count(*) FROM held),
        'sessions_not_recorded', (SELECT count(*) FROM held h
            WHERE NOT EXISTS (SELECT 1 FROM attendance a WHERE a.org_id = h.org_id AND a.session_id = h.id)
              AND NOT EXISTS (SELECT 1 FROM signup_attendance a WHERE a.org_id = h.org_id AND a.session_id = h.id)
              AND NOT EXISTS (SELECT 1 FROM session_tallies t WHERE t.org_id = h.org_id AND t.session_id = h.id)
              AND NOT EXISTS (SELECT 1 FROM volunteer_hours v WHERE v.org_id = h.org_id AND v.session_id = h.id)
              AND NOT EXISTS (SELECT 1 FROM attendance_drop_ins d
                              WHERE d.org_id = h.org_id AND d.session_id = h.id)),
        'days_held', (SELECT n FROM days),
        'visits', (SELECT adults + children FROM visits) + (SELECT n FROM walk_ins),
        'adult_visits', (SELECT adults FROM visits),
        'child_visits', (SELECT children FROM visits),
        'walk_in_visits', (SELECT n FROM walk_ins),
        'unique_participants', (SELECT count(DISTINCT person_id) FROM present),
        'first_time_participants', (SELECT count(*) FROM firsts f
            WHERE f.first_at >= p_from AND f.first_at < p_to),
        'volunteer_hours', (SELECT coalesce(sum(hours), 0) FROM hours))
$$;

CREATE OR REPLACE FUNCTION attendance_report(p_org text, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH o AS (SELECT id, slug FROM organizations WHERE slug = p_org)
    SELECT json_build_object(
        'org', o.slug,
        'from', p_from, 'to', p_to,
        'groups', coalesce((SELECT json_agg(
                     json_object_concat(json_build_object('group_id', g.id, 'title', g.title),
                                        attendance_numbers(ARRAY[o.id], g.id, p_from, p_to))
                     ORDER BY g.created_at, g.id)
                   FROM groups g WHERE g.org_id = o.id), '[]'),
        'total', attendance_numbers(ARRAY[o.id], NULL, p_from, p_to))
    FROM o
$$;

-- An umbrella organization's roll-up: the numbers of the umbrella itself and
-- of every association under it (at any depth), one row each, and their
-- total (people counted once however many of them they visited). Numbers
-- and organizations only: no group, no person.
CREATE OR REPLACE FUNCTION attendance_rollup(p_org text, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree AS (
        SELECT id, slug, name, created_at, 0 AS depth FROM organizations WHERE slug = p_org
        UNION ALL
        SELECT c.id, c.slug, c.name, c.created_at, t.depth + 1
        FROM organizations c JOIN tree t ON c.parent_id = t.id)
    SELECT json_build_object(
        'org', p_org,
        'from', p_from, 'to', p_to,
        'organizations', (SELECT json_agg(
                     json_object_concat(json_build_object('org', t.slug, 'name', t.name),
                                        attendance_numbers(ARRAY[t.id], NULL, p_from, p_to))
                     ORDER BY t.depth, t.created_at, t.slug) FROM tree t),
        'total', attendance_numbers((SELECT array_agg(id) FROM tree), NULL, p_from, p_to))
    WHERE EXISTS (SELECT 1 FROM tree)
$$;

CREATE OR REPLACE FUNCTION api_attendance_report(p_org text, p_from_text text, p_to_text text)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT attendance_report(p_org, w.v_from, w.v_to) FROM report_window(p_org, p_from_text, p_to_text) w
    WHERE w.v_from IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION api_attendance_rollup(p_org text, p_from_text text, p_to_text text)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT attendance_rollup(p_org, w.v_from, w.v_to) FROM report_window(p_org, p_from_text, p_to_text) w
    WHERE w.v_from IS NOT NULL
$$;
