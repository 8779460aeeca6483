-- SPDX-License-Identifier: Apache-2.0
-- Accounts, sign-in tokens, login throttling, organizations and memberships.
--
-- Distribution (Citus): persons, auth_tokens, login_failures and
-- organizations are small, global tables (reference tables); every table of
-- an organization's own data carries org_id, and its primary key, unique
-- indexes and foreign keys include org_id, so it can be distributed by org.
--
-- Migrations hold tables, indexes, constraints and data changes; every
-- function and trigger is in schema/functions/ (schema/README.md).

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
