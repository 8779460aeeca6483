-- SPDX-License-Identifier: Apache-2.0
-- What the web client's pages read (server/web-pages-*.c): the API's own
-- functions, with what a page shows beside them, so that a page is one
-- round trip too: a group's next session, the room left in it and how many
-- wait for a place.

-- A session as the pages show it: session_json and the length of the line
-- for a place in it (a series signup's line for a closed group or a camp).
CREATE OR REPLACE FUNCTION web_session_json(s sessions, g groups) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT session_json(s, g)::jsonb || jsonb_build_object('waitlisted',
        (SELECT count(*) FROM signups w
         WHERE w.org_id = s.org_id AND w.group_id = s.group_id AND w.status = 'waitlisted'
           AND signup_target(w.session_id) = signup_target(
               CASE WHEN g.access = 'closed' OR g.kind = 'camp' THEN NULL ELSE s.id END)))
$$;

-- The group's next scheduled session that has not started, or NULL.
CREATE OR REPLACE FUNCTION web_next_session(p_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT web_session_json(s, g)
    FROM groups g JOIN sessions s ON s.org_id = g.org_id AND s.group_id = g.id
    WHERE g.id = p_id AND s.status = 'scheduled' AND s.starts_at > now()
    ORDER BY s.starts_at, s.id LIMIT 1
$$;

-- The front page: api_groups_list (the same parameters, the same rules of
-- who sees what), each group with its next session and its organization's
-- name.
CREATE OR REPLACE FUNCTION web_groups_page(p_org text, p_kind text, p_access text, p_audience text,
    p_modality text, p_municipality text, p_language text, p_topic text, p_q text,
    p_from timestamptz, p_to timestamptz, p_after_time timestamptz, p_after_id uuid, p_limit int,
    p_viewer uuid, p_scope jsonb, p_after_rank numeric)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (l::jsonb || jsonb_build_object('groups', coalesce((
        SELECT jsonb_agg(x.g || jsonb_build_object(
                   'next_session', web_next_session((x.g ->> 'id')::uuid),
                   'org_name', (SELECT o.name FROM organizations o WHERE o.slug = x.g ->> 'org'))
               ORDER BY x.n)
        FROM jsonb_array_elements(l::jsonb -> 'groups') WITH ORDINALITY x (g, n)), '[]'::jsonb)))::json
    FROM api_groups_list(p_org, p_kind, p_access, p_audience, p_modality, p_municipality, p_language, p_topic,
        p_q, p_from, p_to, p_after_time, p_after_id, p_limit, p_viewer, p_scope, p_after_rank) l
$$;

-- A group's page: the group as api_group_get shows it to this viewer, its
-- organization, and its coming sessions (at most p_limit) with their room.
CREATE OR REPLACE FUNCTION web_group_page(p_id uuid, p_viewer uuid, p_scope jsonb, p_limit int)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'group', group_seen_json(g, p_viewer, p_scope),
        'org', org_json(o),
        'sessions', coalesce((
            SELECT jsonb_agg(web_session_json(s, g) ORDER BY s.starts_at, s.id)
            FROM (SELECT * FROM sessions s
                  WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.ends_at > now()
                  ORDER BY s.starts_at, s.id LIMIT p_limit) s), '[]'::jsonb))
    FROM groups g JOIN organizations o ON o.id = g.org_id
    WHERE g.id = p_id
$$;

-- An organization's page: the org, its parent's name, and its groups as
-- the front page lists them (at most 100).
CREATE OR REPLACE FUNCTION web_org_page(p_slug text, p_viewer uuid, p_scope jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'parent_name', (SELECT q.name FROM organizations q WHERE q.id = o.parent_id),
        'groups', web_groups_page(o.slug, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  NULL, 100, p_viewer, p_scope, NULL)::json -> 'groups')
    FROM organizations o WHERE o.slug = p_slug
$$;
