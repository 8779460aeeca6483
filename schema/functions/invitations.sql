-- SPDX-License-Identifier: Apache-2.0
-- Adding people to an organization by email (table: 029_invitations.sql;
-- docs/api.md "Invitations"): an address with a verified account is made a
-- member at once; any other gets an invitation and its mail, and becomes a
-- member when an account verifies that address. Who may invite is decided
-- before (authz: the org's coordinators, admins).

-- Invitations an org may send in a day: an org taking in its volunteers
-- sends a few dozen; more is a mistake or a misused account, and each is a
-- mail to an address nobody has verified.
CREATE OR REPLACE FUNCTION invitations_per_day() RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT 50
$$;

-- How long an invitation waits for its address to be verified.
CREATE OR REPLACE FUNCTION invitation_ttl() RETURNS interval LANGUAGE sql IMMUTABLE AS $$
    SELECT interval '14 days'
$$;

CREATE OR REPLACE FUNCTION invitation_json(i invitations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'email', i.email, 'role', i.role, 'invited_at', i.invited_at, 'expires_at', i.expires_at,
        'invited_by', (SELECT json_build_object('id', p.id, 'display_name', p.display_name)
                       FROM persons p WHERE p.id = i.invited_by AND p.erased_at IS NULL))
$$;

-- Is the invitation still waiting for its address?
CREATE OR REPLACE FUNCTION invitation_open(i invitations) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT i.accepted_at IS NULL AND i.withdrawn_at IS NULL AND i.expires_at > now()
$$;

-- Add the person of p_email (stored form; p_key its email key, both from
-- piirid's email_identity) to the org with p_role. An account whose
-- address is verified becomes a member now: {membership}. Any other address
-- (no account, or one not verified: whoever typed it in has not shown it
-- is theirs) gets an invitation and an invitation mail in p_lang:
-- {invitation}; the two answers are all the coordinator learns of the
-- address. 409 when the person is a member already or an open invitation
-- waits; 429 past the org's invitations of the day.
CREATE OR REPLACE FUNCTION api_invitation_create(p_slug text, p_email text, p_key text, p_role text,
                                                 p_lang text, p_actor uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid;
    p persons;
    i invitations;
BEGIN
    -- The org's row lock makes its invitations of the day one count.
    SELECT id INTO v_org FROM organizations WHERE slug = p_slug FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such organization.';
    END IF;
    SELECT * INTO p FROM persons WHERE email_key = p_key AND erased_at IS NULL;
    IF p.id IS NOT NULL AND EXISTS (SELECT 1 FROM memberships WHERE org_id = v_org AND person_id = p.id) THEN
        RAISE EXCEPTION 'already_member' USING ERRCODE = 'PI409', DETAIL = 'email',
            HINT = 'This person is already a member; change their role instead.';
    END IF;
    IF p.id IS NOT NULL AND p.email_verified_at IS NOT NULL THEN
        INSERT INTO memberships (org_id, person_id, role) VALUES (v_org, p.id, p_role);
        RETURN json_build_object('membership',
            json_build_object('org', p_slug, 'person_id', p.id, 'display_name', p.display_name, 'role', p_role));
    END IF;
    -- An expired invitation gives way to the new one.
    DELETE FROM invitations x
    WHERE x.org_id = v_org AND x.email_key = p_key AND x.accepted_at IS NULL AND x.withdrawn_at IS NULL
      AND x.expires_at <= now();
    IF EXISTS (SELECT 1 FROM invitations x WHERE x.org_id = v_org AND x.email_key = p_key
                                             AND x.accepted_at IS NULL AND x.withdrawn_at IS NULL) THEN
        RAISE EXCEPTION 'already_invited' USING ERRCODE = 'PI409', DETAIL = 'email',
            HINT = 'An invitation to this address is waiting; withdraw it first to send another.';
    END IF;
    IF (SELECT count(*) FROM invitations x
        WHERE x.org_id = v_org AND x.invited_at > now() - interval '1 day') >= invitations_per_day() THEN
        RAISE EXCEPTION 'too_many_invitations' USING ERRCODE = 'PI429',
            HINT = 'The organization has sent as many invitations as it may in a day; try again tomorrow.';
    END IF;
    -- What ended a month ago is no longer kept: the address is someone's.
    DELETE FROM invitations x
    WHERE x.org_id = v_org AND coalesce(x.accepted_at, x.withdrawn_at, x.expires_at) < now() - interval '30 days';
    INSERT INTO invitations (org_id, email, email_key, role, language, invited_by, expires_at)
    VALUES (v_org, p_email, p_key, p_role, coalesce(p_lang, 'fi'), p_actor, now() + invitation_ttl())
    RETURNING * INTO i;
    PERFORM outbox_add(v_org, NULL, 'invitation', jsonb_build_object('invitation_id', i.id));
    RETURN json_build_object('invitation', invitation_json(i));
END
$$;

-- The org's open invitations, newest first; NULL when the org is not there.
CREATE OR REPLACE FUNCTION api_invitations_list(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('invitations', coalesce(
        (SELECT json_agg(invitation_json(i) ORDER BY i.invited_at DESC, i.id)
         FROM invitations i WHERE i.org_id = o.id AND invitation_open(i)), '[]'))
    FROM organizations o WHERE o.slug = p_slug
$$;

-- Withdrawing an open invitation: its mail, if still queued, is not sent
-- (mail_invitation_view), and verifying the address makes no membership.
-- false when there is no such open invitation.
CREATE OR REPLACE FUNCTION api_invitation_withdraw(p_slug text, p_id uuid) RETURNS boolean
LANGUAGE sql AS $$
    WITH w AS (
        UPDATE invitations i SET withdrawn_at = now()
        FROM organizations o
        WHERE o.slug = p_slug AND i.org_id = o.id AND i.id = p_id AND invitation_open(i)
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM w)
$$;

-- An account whose address is verified (registered and verified, or an
-- old account verifying it now) takes up the open invitations to that
-- address: a membership of each org with the invited role, unless it is a
-- member there already (its role stays). An erased account's invitations
-- go: they held its address.
CREATE OR REPLACE FUNCTION persons_take_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.erased_at IS NOT NULL THEN
        DELETE FROM invitations WHERE accepted_by = NEW.id OR (TG_OP = 'UPDATE' AND email_key = OLD.email_key);
        RETURN NULL;
    END IF;
    IF NEW.email_verified_at IS NULL OR NEW.email_key IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.email_verified_at IS NOT NULL AND OLD.email_key IS NOT DISTINCT FROM NEW.email_key THEN
        RETURN NULL;
    END IF;
    INSERT INTO memberships (org_id, person_id, role)
    SELECT i.org_id, NEW.id, i.role FROM invitations i WHERE i.email_key = NEW.email_key AND invitation_open(i)
    ON CONFLICT (org_id, person_id) DO NOTHING;
    UPDATE invitations i SET accepted_at = now(), accepted_by = NEW.id
    WHERE i.email_key = NEW.email_key AND invitation_open(i);
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER persons_take_invitations
    AFTER INSERT OR UPDATE OF email_verified_at, email_key, erased_at ON persons
    FOR EACH ROW EXECUTE FUNCTION persons_take_invitations();

-- An invitation mail (mail_view): to the invitation's address in its
-- language, naming the org and the role, until when it waits (the org's
-- local date); stale once the invitation is accepted, withdrawn or past.
-- Its link is the register page's (piirid adds register_url), no token: a
-- membership needs the address verified, which registering asks for.
CREATE OR REPLACE FUNCTION mail_invitation_view(o notification_outbox) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org_id', o.org_id, 'id', o.id, 'kind', o.kind, 'attempts', o.attempts,
        'stale', coalesce(NOT invitation_open(i), true),
        'person_id', NULL, 'link', NULL, 'email', i.email, 'name', NULL, 'language', coalesce(i.language, 'fi'),
        'org', g.name, 'as_member', i.role = 'member', 'as_leader', i.role = 'leader',
        'as_coordinator', i.role = 'coordinator',
        'until', to_char(i.expires_at AT TIME ZONE g.timezone, 'FMDD.FMMM.YYYY'))
    FROM (SELECT 1) one
    LEFT JOIN invitations i ON i.org_id = o.org_id AND i.id = (o.payload->>'invitation_id')::uuid
    LEFT JOIN organizations g ON g.id = o.org_id
$$;
