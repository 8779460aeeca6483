-- SPDX-License-Identifier: Apache-2.0
-- Attendance reports: aggregates only (tables: 003_signups.sql). The
-- matching counts are api_matching_stats in matching.sql.

-- p_from_text/p_to_text: dates (days in the org's zone, p_to inclusive) or
-- RFC 3339 times; p_to must not come before p_from.
CREATE OR REPLACE FUNCTION api_attendance_report(p_org text, p_from_text text, p_to_text text)
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

CREATE OR REPLACE FUNCTION attendance_report(p_org text, p_from timestamptz, p_to timestamptz)
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
