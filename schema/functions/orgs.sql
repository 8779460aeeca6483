-- SPDX-License-Identifier: Apache-2.0
-- Organizations and memberships (tables: 001_init.sql); leadership that ends
-- with a demotion (006_membership_access.sql).

-- JSON shapes ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION org_json(o organizations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', o.id, 'slug', o.slug, 'name', o.name,
                             'parent', (SELECT q.slug FROM organizations q WHERE q.id = o.parent_id),
                             'timezone', o.timezone,
                             'reminder', json_strip_nulls(json_build_object(
                                 'kind', o.reminder_kind, 'hours', o.reminder_hours,
                                 'at', to_char(o.reminder_at, 'HH24:MI'))),
                             'created_at', o.created_at)
$$;

CREATE OR REPLACE FUNCTION person_memberships_json(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object(
               'org', json_build_object('id', o.id, 'slug', o.slug, 'name', o.name),
               'role', m.role) ORDER BY o.slug), '[]')
    FROM memberships m JOIN organizations o ON o.id = m.org_id
    WHERE m.person_id = p_person
$$;

-- Organizations -------------------------------------------------------------

CREATE OR REPLACE FUNCTION api_orgs_list() RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('orgs', coalesce(json_agg(org_json(o) ORDER BY o.slug), '[]'))
    FROM organizations o
$$;

CREATE OR REPLACE FUNCTION api_org_get(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', org_json(o)) FROM organizations o WHERE o.slug = p_slug
$$;

CREATE OR REPLACE FUNCTION api_org_create(p_slug text, p_name text, p_parent text, p_timezone text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    parent_id uuid;
    o organizations;
BEGIN
    IF p_parent IS NOT NULL THEN
        SELECT id INTO parent_id FROM organizations WHERE slug = p_parent;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'parent',
                HINT = 'parent is not an existing organization.';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_timezone) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'timezone',
            HINT = 'timezone is not an IANA time zone such as Europe/Helsinki.';
    END IF;
    INSERT INTO organizations (slug, name, parent_id, timezone)
    VALUES (p_slug, p_name, parent_id, p_timezone) RETURNING * INTO o;
    RETURN json_build_object('org', org_json(o));
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'slug_taken' USING ERRCODE = 'PI409', DETAIL = 'slug',
        HINT = 'An organization with this slug exists.';
END
$$;

-- A change to an organization: p is a clean object from piirid; today its
-- reminder, {"kind": ..., "hours": ..., "at": "HH:MM"} (checked by piirid).
CREATE OR REPLACE FUNCTION api_org_update(p_slug text, p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    o organizations;
BEGIN
    SELECT * INTO o FROM organizations WHERE slug = p_slug FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such organization.';
    END IF;
    IF p ? 'reminder' THEN
        UPDATE organizations SET reminder_kind = p->'reminder'->>'kind',
            reminder_hours = (p->'reminder'->>'hours')::int, reminder_at = (p->'reminder'->>'at')::time
        WHERE id = o.id RETURNING * INTO o;
    END IF;
    RETURN json_build_object('org', org_json(o));
END
$$;

-- Memberships ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION api_members_list(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('members', coalesce(
        (SELECT json_agg(json_build_object('person_id', m.person_id, 'display_name', p.display_name,
                                           'role', m.role) ORDER BY p.display_name, m.person_id)
         FROM memberships m JOIN persons p ON p.id = m.person_id
         WHERE m.org_id = o.id), '[]'))
    FROM organizations o WHERE o.slug = p_slug
$$;

CREATE OR REPLACE FUNCTION api_membership_put(p_slug text, p_person uuid, p_role text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid;
BEGIN
    SELECT id INTO v_org FROM organizations WHERE slug = p_slug;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such organization.';
    END IF;
    PERFORM 1 FROM persons WHERE id = p_person AND erased_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such person.';
    END IF;
    INSERT INTO memberships (org_id, person_id, role) VALUES (v_org, p_person, p_role)
    ON CONFLICT (org_id, person_id) DO UPDATE SET role = excluded.role, updated_at = now();
    RETURN json_build_object('membership',
        json_build_object('org', p_slug, 'person_id', p_person, 'role', p_role));
END
$$;

-- Removing a membership names who removes it (for the pairing history) and
-- ends the person's pairings there as a supporter (matching.sql).
CREATE OR REPLACE FUNCTION api_membership_delete(p_slug text, p_person uuid, p_actor uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid;
BEGIN
    SELECT m.org_id INTO v_org FROM memberships m JOIN organizations o ON o.id = m.org_id
    WHERE o.slug = p_slug AND m.person_id = p_person
    FOR UPDATE OF m;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM matching_end_membership(v_org, p_person, p_actor);
    DELETE FROM memberships WHERE org_id = v_org AND person_id = p_person; -- group_leaders cascade
    RETURN true;
END
$$;

-- Demoting a leader to member ends every group leadership they have in the
-- org, in the same transaction (a removal does so through the foreign key of
-- group_leaders).
CREATE OR REPLACE FUNCTION membership_end_leadership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM group_leaders WHERE org_id = NEW.org_id AND person_id = NEW.person_id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER memberships_demoted AFTER UPDATE OF role ON memberships
    FOR EACH ROW WHEN (NEW.role = 'member' AND OLD.role <> 'member')
    EXECUTE FUNCTION membership_end_leadership();
