-- SPDX-License-Identifier: Apache-2.0
-- Accounts, sign-in tokens, login throttling, organizations and memberships.
--
-- Distribution (Citus): persons, auth_tokens, login_failures and
-- organizations are small, global tables (reference tables); every table of
-- an organization's own data carries org_id, and its primary key, unique
-- indexes and foreign keys include org_id, so it can be distributed by org.
-- Functions raise errors as SQLSTATE PI<http status> with the error code as
-- the message, the field as DETAIL and a sentence for people as HINT.

CREATE TABLE persons (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text,                 -- NULL once erased
    display_name text,          -- NULL once erased
    password_hash text,         -- argon2id (crypto_pwhash_str); NULL once erased
    is_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    erased_at timestamptz
);
CREATE UNIQUE INDEX persons_email_key ON persons (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE auth_tokens (
    token_hash bytea PRIMARY KEY,           -- SHA-256 of the token; never the token
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX auth_tokens_person ON auth_tokens (person_id);

-- One row per failed login, keyed by a hash of "email:<address>" or
-- "addr:<client address>", so the table holds no readable personal data.
-- A login attempt is counted before its password is checked (and forgiven
-- if it succeeds), so parallel guesses cannot slip past the limit.
CREATE TABLE login_failures (
    key_hash bytea NOT NULL,
    attempt_id uuid NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key ON login_failures (key_hash, failed_at);

CREATE TABLE organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    parent_id uuid REFERENCES organizations (id),
    timezone text NOT NULL DEFAULT 'Europe/Helsinki',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    org_id uuid NOT NULL REFERENCES organizations (id),
    person_id uuid NOT NULL REFERENCES persons (id),
    role text NOT NULL CHECK (role IN ('member', 'leader', 'coordinator')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, person_id)
);
CREATE INDEX memberships_person ON memberships (person_id);

-- JSON shapes of the API -------------------------------------------------

CREATE FUNCTION person_json(p persons) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'email', p.email, 'display_name', p.display_name,
                             'is_admin', p.is_admin, 'created_at', p.created_at)
$$;

CREATE FUNCTION org_json(o organizations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', o.id, 'slug', o.slug, 'name', o.name,
                             'parent', (SELECT q.slug FROM organizations q WHERE q.id = o.parent_id),
                             'timezone', o.timezone, 'created_at', o.created_at)
$$;

CREATE FUNCTION person_memberships_json(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object(
               'org', json_build_object('id', o.id, 'slug', o.slug, 'name', o.name),
               'role', m.role) ORDER BY o.slug), '[]')
    FROM memberships m JOIN organizations o ON o.id = m.org_id
    WHERE m.person_id = p_person
$$;

-- Accounts ------------------------------------------------------------------

CREATE FUNCTION api_register(p_email text, p_name text, p_hash text, p_token bytea, p_days int)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    p persons;
BEGIN
    INSERT INTO persons (email, display_name, password_hash)
    VALUES (p_email, p_name, p_hash) RETURNING * INTO p;
    INSERT INTO auth_tokens (token_hash, person_id, expires_at)
    VALUES (p_token, p.id, now() + make_interval(days => p_days));
    RETURN person_json(p);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'email_taken' USING ERRCODE = 'PI409', DETAIL = 'email',
        HINT = 'An account with this email address exists.';
END
$$;

-- Throttling: p_keys are the hashed email and address keys, p_limits how
-- many failures each may have within p_window. Returns the seconds to wait
-- (0 when the attempt may go on).
CREATE FUNCTION login_retry_after(p_keys bytea[], p_limits int[], p_window interval)
RETURNS int LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(ceil(extract(epoch FROM (f.failed_at + p_window - now())))::int), 0)
    FROM unnest(p_keys, p_limits) AS k(key_hash, lim)
    CROSS JOIN LATERAL (
        SELECT failed_at FROM login_failures
        WHERE key_hash = k.key_hash AND failed_at > now() - p_window
        ORDER BY failed_at DESC OFFSET k.lim - 1 LIMIT 1) f
$$;

-- Step 1 of a login, in one round trip: serialise on the throttle keys,
-- refuse if over the limit, else count this attempt and return the stored
-- hash. The attempt is forgiven by api_login_success.
CREATE FUNCTION api_login_attempt(p_email text, p_keys bytea[], p_limits int[], p_window interval)
RETURNS TABLE (retry_after int, person_id uuid, password_hash text, attempt_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
    k bytea;
    wait int;
    attempt uuid := gen_random_uuid();
BEGIN
    FOREACH k IN ARRAY (SELECT array_agg(x ORDER BY x) FROM unnest(p_keys) x) LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(encode(k, 'hex'), 7));
    END LOOP;
    wait := login_retry_after(p_keys, p_limits, p_window);
    IF wait > 0 THEN
        RETURN QUERY SELECT wait, NULL::uuid, NULL::text, NULL::uuid;
        RETURN;
    END IF;
    INSERT INTO login_failures (key_hash, attempt_id) SELECT unnest(p_keys), attempt;
    DELETE FROM login_failures f WHERE f.key_hash = ANY (p_keys) AND f.failed_at < now() - p_window;
    RETURN QUERY
        SELECT 0, p.id, p.password_hash, attempt
        FROM (SELECT 1) one
        LEFT JOIN persons p ON lower(p.email) = lower(p_email) AND p.email IS NOT NULL;
END
$$;

-- Step 2, the password matched: a new token; this attempt and the email's
-- earlier failures are forgiven.
CREATE FUNCTION api_login_success(p_person uuid, p_token bytea, p_days int, p_email_key bytea,
                                  p_attempt uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    p persons;
BEGIN
    SELECT * INTO p FROM persons WHERE id = p_person AND erased_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invalid_credentials' USING ERRCODE = 'PI401',
            HINT = 'The email address or the password is wrong.';
    END IF;
    INSERT INTO auth_tokens (token_hash, person_id, expires_at)
    VALUES (p_token, p.id, now() + make_interval(days => p_days));
    DELETE FROM login_failures WHERE attempt_id = p_attempt OR key_hash = p_email_key;
    RETURN person_json(p);
END
$$;

CREATE FUNCTION api_me(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('person', person_json(p), 'memberships', person_memberships_json(p.id))
    FROM persons p WHERE p.id = p_person
$$;

CREATE FUNCTION api_export(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'person', person_json(p),
        'memberships', person_memberships_json(p.id),
        'tokens', (SELECT coalesce(json_agg(json_build_object('created_at', t.created_at,
                                                           'expires_at', t.expires_at)
                                             ORDER BY t.created_at), '[]')
                   FROM auth_tokens t WHERE t.person_id = p.id),
        'exported_at', now())
    FROM persons p WHERE p.id = p_person
$$;

-- Erase an account: personal data and tokens go, the row stays (without
-- anything that identifies the person) so that anonymous counts remain.
CREATE FUNCTION api_erase_person(p_person uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM auth_tokens WHERE person_id = p_person;
    DELETE FROM memberships WHERE person_id = p_person;
    UPDATE persons SET email = NULL, display_name = NULL, password_hash = NULL,
                       is_admin = false, erased_at = now()
    WHERE id = p_person;
$$;

-- Organizations -------------------------------------------------------------

CREATE FUNCTION api_orgs_list() RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('orgs', coalesce(json_agg(org_json(o) ORDER BY o.slug), '[]'))
    FROM organizations o
$$;

CREATE FUNCTION api_org_get(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', org_json(o)) FROM organizations o WHERE o.slug = p_slug
$$;

CREATE FUNCTION api_org_create(p_slug text, p_name text, p_parent text, p_timezone text)
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

CREATE FUNCTION api_members_list(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('members', coalesce(
        (SELECT json_agg(json_build_object('person_id', m.person_id, 'display_name', p.display_name,
                                           'role', m.role) ORDER BY p.display_name, m.person_id)
         FROM memberships m JOIN persons p ON p.id = m.person_id
         WHERE m.org_id = o.id), '[]'))
    FROM organizations o WHERE o.slug = p_slug
$$;

CREATE FUNCTION api_membership_put(p_slug text, p_person uuid, p_role text)
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

CREATE FUNCTION api_membership_delete(p_slug text, p_person uuid) RETURNS boolean
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM memberships m USING organizations o
        WHERE o.slug = p_slug AND m.org_id = o.id AND m.person_id = p_person
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM gone)
$$;
