-- SPDX-License-Identifier: Apache-2.0
-- What a leader's pages read (server/web-pages-leader.c): the sessions a
-- person leads this week and who is coming to one, from the API's own
-- functions (web_session_json, group_view_json, api_signups_list,
-- absence_json), one round trip each.

-- A session a person leads, as the "Today" page lists it: the session with
-- its seats taken and its waitlist (web_session_json) and its group.
CREATE OR REPLACE FUNCTION web_led_session_json(s sessions, g groups) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (web_session_json(s, g) || jsonb_build_object('group', group_view_json(g, true)))::json
$$;

-- The sessions p_person leads (a leader of the group) from the start of
-- today to the end of this week (Monday to Sunday), each day reckoned in
-- its group's zone; a session under way since yesterday counts too. When
-- there is none, 'next' is the next one after it, or NULL. 'today': the
-- session is today's (or began before it and is still under way).
CREATE OR REPLACE FUNCTION web_today_page(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    WITH led AS (
        SELECT s, g, (s.starts_at AT TIME ZONE g.schedule_timezone)::date AS day,
               (now() AT TIME ZONE g.schedule_timezone)::date AS today
        FROM group_leaders l
        JOIN groups g ON g.org_id = l.org_id AND g.id = l.group_id
        JOIN sessions s ON s.org_id = g.org_id AND s.group_id = g.id
        WHERE l.person_id = p_person AND g.archived_at IS NULL),
    week AS (
        SELECT * FROM led
        WHERE (day >= today OR (s).ends_at > now())
          AND day < today + (8 - extract(isodow FROM today)::int))
    SELECT json_build_object(
        'sessions', (SELECT coalesce(json_agg((web_led_session_json(w.s, w.g)::jsonb
                                               || jsonb_build_object('today', w.day <= w.today))
                                              ORDER BY (w.s).starts_at, (w.s).id), '[]') FROM week w),
        'next', CASE WHEN NOT EXISTS (SELECT 1 FROM week) THEN (
            SELECT web_led_session_json(l.s, l.g) FROM led l
            WHERE (l.s).status = 'scheduled' AND (l.s).starts_at > now()
            ORDER BY (l.s).starts_at, (l.s).id LIMIT 1) END)
$$;

-- Who is coming to a session: its group, the session, and the active
-- signups for it (api_signups_list: a closed group's or a camp's are the
-- series', an open group's the session's own), confirmed first, then the
-- waitlist in line order, each with the person's absence notice for this
-- session (absence_json) or NULL. NULL when there is no such session.
CREATE OR REPLACE FUNCTION web_coming_page(p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'group', group_view_json(g, true),
        'session', web_session_json(s, g),
        'signups', (SELECT coalesce(json_agg(e || jsonb_build_object('absence',
                            (SELECT absence_json(n) FROM absence_notices n
                             WHERE n.org_id = s.org_id AND n.session_id = s.id AND n.withdrawn_at IS NULL
                               AND n.person_id = (e ->> 'person_id')::uuid))
                        ORDER BY k), '[]')
                    FROM jsonb_array_elements((api_signups_list(g.id,
                            CASE WHEN g.access = 'closed' OR g.kind = 'camp' THEN NULL ELSE s.id END)
                         -> 'signups')::jsonb) WITH ORDINALITY t (e, k)))
    FROM sessions s JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    WHERE s.id = p_session
$$;
