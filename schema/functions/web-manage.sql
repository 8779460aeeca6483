-- SPDX-License-Identifier: Apache-2.0
-- What a coordinator's pages read (server/web-pages-manage.c): an
-- organization's groups with their next session (archived ones too), and
-- what the group form needs besides the group (the people who may lead),
-- one round trip each. Who may read them is decided before (authz).

-- The org's groups for its coordinators: every group, archived ones
-- included (the page lists them apart), each as group_view_json (the
-- coordinator sees every link) with its next session and its room.
CREATE OR REPLACE FUNCTION web_manage_page(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'groups', coalesce((
            SELECT json_agg(group_view_json(g, true)::jsonb
                            || jsonb_build_object('next_session', web_next_session(g.id))
                            ORDER BY g.archived_at IS NOT NULL, lower(g.title), g.id)
            FROM groups g WHERE g.org_id = o.id), '[]'::json))
    FROM organizations o WHERE o.slug = p_slug
$$;

-- The group form's page: the org, the people who may lead its groups (its
-- leaders and coordinators, by name) and, to edit one, the group as its
-- coordinators see it (NULL for a new group). NULL when the org is not
-- there, or the group is not the org's.
CREATE OR REPLACE FUNCTION web_group_form_page(p_slug text, p_group uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'people', coalesce((
            SELECT json_agg(json_build_object('person_id', p.id, 'display_name', p.display_name)
                            ORDER BY lower(p.display_name), p.id)
            FROM memberships m JOIN persons p ON p.id = m.person_id
            WHERE m.org_id = o.id AND m.role IN ('leader', 'coordinator')), '[]'::json),
        'group', (SELECT group_view_json(g, true) FROM groups g WHERE g.org_id = o.id AND g.id = p_group))
    FROM organizations o
    WHERE o.slug = p_slug
      AND (p_group IS NULL OR EXISTS (SELECT 1 FROM groups g WHERE g.org_id = o.id AND g.id = p_group))
$$;
