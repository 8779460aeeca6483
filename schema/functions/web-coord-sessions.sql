-- SPDX-License-Identifier: Apache-2.0
-- What a coordinator's sessions and signups pages read and write
-- (server/web-pages-coord-sessions.c, web-pages-coord-signups.c): an org's
-- sessions by week or month, one session's or series' signups, and the
-- changes made on them through the API's own functions (api_session_update,
-- api_session_add, api_signup_cancel), with what a page needs to go back to
-- (the week a session is in). One round trip each; who may is decided
-- before (authz).

-- A session as the coordinator's list shows it: web_session_json, its
-- group as the pages show one, and where it was before it was moved (NULL
-- when it is where its schedule or its adding put it).
CREATE OR REPLACE FUNCTION web_ms_session_json(s sessions, g groups) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT web_session_json(s, g) || jsonb_build_object(
        'group', group_view_json(g, true),
        'moved_from', (SELECT rfc3339(p, g.schedule_timezone)
                       FROM coalesce(s.original_start, s.moved_from) p WHERE p <> s.starts_at),
        'week', to_char(s.starts_at AT TIME ZONE g.schedule_timezone, 'IYYY-"W"IW'))
$$;

-- The first day of a period in the org's zone: p_kind 'week' with p_period
-- 'YYYY-Www' or 'month' with 'YYYY-MM', the current one when p_period is
-- NULL; NULL when p_period does not name one (2026-W54, 2026-13).
CREATE OR REPLACE FUNCTION web_ms_period_start(p_kind text, p_period text, p_tz text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_day date;
BEGIN
    IF p_period IS NULL THEN
        RETURN date_trunc(p_kind, now() AT TIME ZONE p_tz)::date;
    END IF;
    BEGIN
        v_day := CASE WHEN p_kind = 'week' THEN to_date(p_period || '-1', 'IYYY-"W"IW-ID')
                      ELSE to_date(p_period || '-01', 'YYYY-MM-DD') END;
    EXCEPTION WHEN OTHERS THEN
        RETURN NULL;
    END;
    -- to_date wraps what is out of range: only a period written back the same is one.
    IF to_char(v_day, CASE WHEN p_kind = 'week' THEN 'IYYY-"W"IW' ELSE 'YYYY-MM' END) <> p_period THEN
        RETURN NULL;
    END IF;
    RETURN v_day;
END
$$;

-- An org's sessions in a week or a month (web_ms_period_start), of one of
-- its groups when p_group is given: the org, its groups (for the filter),
-- the period (first and last day, its name, the ones before and after and
-- the other kind's around it) and the sessions starting in it, in order.
-- NULL when there is no such org, the group is not the org's, or the
-- period is no period ('bad_period' is then true).
CREATE OR REPLACE FUNCTION web_ms_sessions_page(p_slug text, p_group uuid, p_kind text, p_period text)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH o AS (
        SELECT o.*, web_ms_period_start(p_kind, p_period, o.timezone) AS first
        FROM organizations o
        WHERE o.slug = p_slug
          AND (p_group IS NULL OR EXISTS (SELECT 1 FROM groups g WHERE g.org_id = o.id AND g.id = p_group))),
    p AS (
        SELECT o.*, (o.first + CASE WHEN p_kind = 'week' THEN interval '1 week' ELSE interval '1 month' END)::date
                    AS after
        FROM o)
    SELECT CASE WHEN p.first IS NULL THEN json_build_object('bad_period', true) ELSE json_build_object(
        'org', org_json(o),
        'groups', coalesce((
            SELECT json_agg(json_build_object('id', g.id, 'title', g.title, 'title_sv', g.title_sv,
                                              'title_en', g.title_en) ORDER BY lower(g.title), g.id)
            FROM groups g WHERE g.org_id = p.id AND g.archived_at IS NULL), '[]'::json),
        'group', (SELECT group_view_json(g, true) FROM groups g WHERE g.org_id = p.id AND g.id = p_group),
        'period', json_build_object(
            'kind', p_kind, 'first', p.first, 'last', p.after - 1,
            'week', extract(week FROM p.first)::int, 'month', extract(month FROM p.first)::int,
            'year', extract(year FROM p.first)::int,
            'this', to_char(p.first, CASE WHEN p_kind = 'week' THEN 'IYYY-"W"IW' ELSE 'YYYY-MM' END),
            'prev', to_char(CASE WHEN p_kind = 'week' THEN p.first - 7
                                 ELSE (p.first - interval '1 month')::date END,
                            CASE WHEN p_kind = 'week' THEN 'IYYY-"W"IW' ELSE 'YYYY-MM' END),
            'next', to_char(p.after, CASE WHEN p_kind = 'week' THEN 'IYYY-"W"IW' ELSE 'YYYY-MM' END),
            -- The switch: the month a week begins in, a month's first week.
            'other', CASE WHEN p_kind = 'week' THEN to_char(p.first, 'YYYY-MM')
                          ELSE to_char(p.first, 'IYYY-"W"IW') END),
        'sessions', coalesce((
            SELECT json_agg(web_ms_session_json(s, g) ORDER BY s.starts_at, s.id)
            FROM sessions s JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
            WHERE s.org_id = p.id AND (p_group IS NULL OR g.id = p_group)
              AND (p_group IS NOT NULL OR g.archived_at IS NULL)
              AND s.starts_at >= p.first::timestamp AT TIME ZONE p.timezone
              AND s.starts_at < p.after::timestamp AT TIME ZONE p.timezone), '[]'::json)) END
    FROM p JOIN organizations o ON o.id = p.id
$$;

-- One session for its forms (cancel, move): web_ms_session_json and the
-- group's org. NULL when there is no such session.
CREATE OR REPLACE FUNCTION web_ms_session_page(p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('session', web_ms_session_json(s, g), 'org', org_json(o))
    FROM sessions s
    JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    JOIN organizations o ON o.id = g.org_id
    WHERE s.id = p_session
$$;

-- A wall time of the group's zone as a time (a time the clocks skip is
-- read as the zone's rules read it).
CREATE OR REPLACE FUNCTION web_ms_wall(g groups, p_day date, p_time time) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT (p_day + p_time) AT TIME ZONE g.schedule_timezone
$$;

-- Cancel a session with a reason (api_session_update, which tells those
-- signed up): the session as the list shows it.
CREATE OR REPLACE FUNCTION web_ms_session_cancel(p_session uuid, p_reason text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    g groups;
BEGIN
    PERFORM api_session_update(p_session, 'cancelled', p_reason, NULL, NULL);
    SELECT * INTO s FROM sessions WHERE id = p_session;
    SELECT * INTO g FROM groups WHERE org_id = s.org_id AND id = s.group_id;
    RETURN json_build_object('session', web_ms_session_json(s, g));
END
$$;

-- Move a session to p_day from p_start to p_end, wall times of its group's
-- zone. A session over several days (a camp) keeps its number of days: it
-- ends that many days after p_day. api_session_update refuses an end not
-- after the start (422, ends_at).
CREATE OR REPLACE FUNCTION web_ms_session_move(p_session uuid, p_day date, p_start time, p_end time) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    g groups;
    v_days int;
BEGIN
    SELECT * INTO s FROM sessions WHERE id = p_session;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
    END IF;
    SELECT * INTO g FROM groups WHERE org_id = s.org_id AND id = s.group_id;
    v_days := (s.ends_at AT TIME ZONE g.schedule_timezone)::date - (s.starts_at AT TIME ZONE g.schedule_timezone)::date;
    PERFORM api_session_update(p_session, NULL, NULL, web_ms_wall(g, p_day, p_start),
                               web_ms_wall(g, p_day + v_days, p_end));
    SELECT * INTO s FROM sessions WHERE id = p_session;
    RETURN json_build_object('session', web_ms_session_json(s, g));
END
$$;

-- An extra session of a group on p_day from p_start to p_end, wall times
-- of its zone (api_session_add): the session as the list shows it.
CREATE OR REPLACE FUNCTION web_ms_session_add(p_group uuid, p_day date, p_start time, p_end time) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    g groups;
    v_id uuid;
BEGIN
    SELECT * INTO g FROM groups WHERE id = p_group;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such group.';
    END IF;
    v_id := (api_session_add(p_group, web_ms_wall(g, p_day, p_start), web_ms_wall(g, p_day, p_end))
             -> 'session' ->> 'id')::uuid;
    SELECT * INTO s FROM sessions WHERE org_id = g.org_id AND id = v_id;
    RETURN json_build_object('session', web_ms_session_json(s, g));
END
$$;

-- Signups -------------------------------------------------------------------

-- A listed signup (api_signups_list's) with what the coordinator's page
-- says of it besides: the name of whoever signed it up on someone's behalf
-- and an offer's deadline in the group's zone.
CREATE OR REPLACE FUNCTION web_mu_signup_json(e jsonb, g groups) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT e || jsonb_build_object(
        'signed_up_by_name', (SELECT p.display_name FROM persons p WHERE p.id = (e ->> 'signed_up_by')::uuid),
        'offer_expires_local', (SELECT rfc3339((e ->> 'offer_expires_at')::timestamptz, g.schedule_timezone)))
$$;

-- The signups of a group's series (p_session NULL) or of a session, as its
-- coordinators see them: the group, the session (web_ms_session_json) or
-- NULL, the org, what a signup is made for here ('group' for a closed
-- group's or a camp's series, 'session' for an open group's session, NULL
-- for an open group without a session: it takes no series signups), the
-- free places, and the active signups, confirmed and offered first, then
-- the waitlist in line order. NULL when there is no such group or session.
CREATE OR REPLACE FUNCTION web_mu_signups_page(p_group uuid, p_session uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH t AS (
        SELECT g, s, o, (g.access = 'closed' OR g.kind = 'camp') AS series
        FROM groups g
        JOIN organizations o ON o.id = g.org_id
        LEFT JOIN sessions s ON s.org_id = g.org_id AND s.id = p_session
        WHERE g.id = p_group AND (p_session IS NULL OR s.id IS NOT NULL))
    SELECT json_build_object(
        'group', group_view_json(t.g, true),
        'session', CASE WHEN p_session IS NOT NULL THEN web_ms_session_json(t.s, t.g) END,
        'org', org_json(t.o),
        'target', CASE WHEN t.series THEN 'group' WHEN p_session IS NOT NULL THEN 'session' END,
        'consent_text', (t.g).consent_text,
        'capacity', (t.g).capacity,
        'seats_taken', CASE WHEN t.series THEN (t.g).seats_taken ELSE (t.s).seats_taken END,
        'signups', (SELECT coalesce(json_agg(web_mu_signup_json(e, t.g)
                                             ORDER BY CASE e ->> 'status' WHEN 'waitlisted' THEN 1 ELSE 0 END, k),
                                    '[]')
                    FROM jsonb_array_elements((api_signups_list((t.g).id,
                             CASE WHEN t.series THEN NULL ELSE p_session END) -> 'signups')::jsonb)
                         WITH ORDINALITY AS l (e, k)
                    WHERE t.series OR p_session IS NOT NULL))
    FROM t
$$;

-- One signup for its cancel step and the confirm's refusal: its listing
-- (web_mu_signup_json), its group and session, and the free places of what
-- it is for. NULL when there is no such signup.
CREATE OR REPLACE FUNCTION web_mu_signup_page(p_signup uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'signup', web_mu_signup_json(signup_listed_json(x, p.display_name)::jsonb, g),
        'cancelled', x.status = 'cancelled',
        'seats', x.seats,
        'free', CASE WHEN g.capacity IS NULL THEN NULL
                     ELSE greatest(g.capacity - CASE WHEN x.session_id IS NULL THEN g.seats_taken
                                                     ELSE s.seats_taken END, 0) END,
        'group', group_view_json(g, true),
        'session', CASE WHEN s.id IS NOT NULL THEN web_ms_session_json(s, g) END)
    FROM signups x
    JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    LEFT JOIN sessions s ON s.org_id = x.org_id AND s.id = x.session_id
    LEFT JOIN persons p ON p.id = x.person_id
    WHERE x.id = p_signup
$$;
