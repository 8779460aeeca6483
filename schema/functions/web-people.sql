-- SPDX-License-Identifier: Apache-2.0
-- What the coordinators' people pages read (server/web-pages-people.c):
-- the org's members with their roles and its open invitations, and one
-- member with how the org's mail to them went, one round trip each. Who
-- may read them is decided before (authz: the org's coordinators, admins).

-- The people page: the org, its members (api_members_list's), its open
-- invitations (invitation_json, with the expiry in the org's local time).
-- NULL when the org is not there.
CREATE OR REPLACE FUNCTION web_people_page(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'members', api_members_list(p_slug)->'members',
        'invitations', coalesce((
            SELECT json_agg(invitation_json(i)::jsonb
                            || jsonb_build_object('expires_local', rfc3339(i.expires_at, o.timezone))
                            ORDER BY i.invited_at DESC, i.id)
            FROM invitations i WHERE i.org_id = o.id AND invitation_open(i)), '[]'::json))
    FROM organizations o WHERE o.slug = p_slug
$$;

-- One member's page: their name and role, and the org's last 50 messages
-- to them, newest first, as the org's mail status shows a row (api_org_mail:
-- kind, status, tries, times; never the address or what it said). NULL
-- when the person is not a member of the org.
CREATE OR REPLACE FUNCTION web_person_page(p_slug text, p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'person', json_build_object('person_id', p.id, 'display_name', p.display_name, 'role', m.role),
        'messages', coalesce((
            SELECT json_agg(json_build_object(
                       'id', x.id, 'kind', x.kind, 'status', x.status, 'attempts', x.attempts,
                       'last_code', x.last_code, 'created_at', x.created_at, 'sent_at', x.sent_at,
                       'done_at', x.done_at, 'created_local', rfc3339(x.created_at, o.timezone),
                       'done_local', rfc3339(x.done_at, o.timezone)) ORDER BY x.created_at DESC, x.id DESC)
            FROM (SELECT * FROM notification_outbox n
                  WHERE n.org_id = o.id AND n.person_id = p.id
                  ORDER BY n.created_at DESC, n.id DESC LIMIT 50) x), '[]'::json))
    FROM organizations o
    JOIN memberships m ON m.org_id = o.id
    JOIN persons p ON p.id = m.person_id
    WHERE o.slug = p_slug AND m.person_id = p_person
$$;

-- A member's new role from their row's form: only someone who is a member
-- already (the API's PUT would add anyone). false when they are not.
CREATE OR REPLACE FUNCTION web_member_role(p_slug text, p_person uuid, p_role text) RETURNS boolean
LANGUAGE sql AS $$
    WITH changed AS (
        UPDATE memberships m SET role = p_role, updated_at = now()
        FROM organizations o
        WHERE o.slug = p_slug AND m.org_id = o.id AND m.person_id = p_person
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM changed)
$$;
