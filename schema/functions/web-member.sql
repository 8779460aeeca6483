-- SPDX-License-Identifier: Apache-2.0
-- What a member's pages read (server/web-pages-member.c): a signup's
-- confirmation and my page, from the API's own functions (signup_json,
-- api_my_signups, api_my_sessions, group_seen_json), one round trip each.

-- One of the person's own signups with its group and its session (a
-- session signup's) or the series' next session; NULL when the signup is
-- not theirs, so that nobody reads another's signup by its id.
CREATE OR REPLACE FUNCTION web_signup_page(p_person uuid, p_signup uuid, p_scope jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'signup', signup_json(x),
        'group', group_seen_json(g, p_person, p_scope),
        'session', (SELECT web_session_json(s, g) FROM sessions s
                    WHERE s.org_id = x.org_id AND s.id = x.session_id),
        'next_session', CASE WHEN x.session_id IS NULL THEN web_next_session(g.id) END,
        -- Whether the meeting is still to come: 'now' while a session
        -- signup's meeting is under way, 'past' when it has ended (a
        -- series': when no session of the group is still to end), else NULL.
        'phase', CASE WHEN x.session_id IS NOT NULL THEN (
                          SELECT CASE WHEN s.ends_at <= now() THEN 'past' WHEN s.starts_at <= now() THEN 'now' END
                          FROM sessions s WHERE s.org_id = x.org_id AND s.id = x.session_id)
                      WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.org_id = g.org_id AND s.group_id = g.id)
                           AND NOT EXISTS (SELECT 1 FROM sessions s
                                           WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.status = 'scheduled'
                                             AND s.ends_at > now()) THEN 'past' END)
    FROM signups x JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    WHERE x.id = p_signup AND x.person_id = p_person
$$;

-- My page: who I am with my feed's links (api_me, on the public URL
-- p_base), my signups (api_my_signups, each saying whether it is over) and the sessions I attend or lead
-- within p_days (api_my_sessions).
CREATE OR REPLACE FUNCTION web_me_page(p_person uuid, p_days int, p_base text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'me', api_me(p_person, p_base),
        -- A session signup whose meeting has begun is history: nothing to cancel.
        'signups', (SELECT coalesce(json_agg(e || jsonb_build_object('over',
                                        e ->> 'session_id' IS NOT NULL AND (e ->> 'starts_at')::timestamptz <= now(),
                                        'past', e ->> 'session_id' IS NOT NULL AND (e ->> 'starts_at')::timestamptz <= now()
                                                AND (SELECT s.ends_at <= now() FROM sessions s
                                                     WHERE s.id = (e ->> 'session_id')::uuid))
                                    ORDER BY n), '[]')
                    FROM jsonb_array_elements((api_my_signups(p_person) -> 'signups')::jsonb) WITH ORDINALITY t (e, n)),
        'sessions', api_my_sessions(p_person, now(), now() + make_interval(days => p_days)) -> 'sessions')
$$;
