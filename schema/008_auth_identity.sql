-- SPDX-License-Identifier: Apache-2.0
-- Accounts under attack, and one account per address however it is spelt:
-- the email key (NFC of the Unicode case folding), device tokens that let
-- an owner past throttles aimed at their account, login failures counted
-- per email and address pair, and a throttle on registrations.
--
-- Distribution (Citus): login_devices, registration_attempts, like
-- persons and login_failures, are small global tables.

-- Email identity ------------------------------------------------------------
--
-- piirid stores an address in Unicode NFC and keys the account on the NFC
-- of its full case folding (libunistring's u8_casefold), computed in C and
-- passed in. PostgreSQL has no case folding: for the addresses stored
-- before this migration, and for rows written by SQL alone (the demo data,
-- bench/), piiri_email_fold (schema/functions/base.sql) comes as close as
-- PostgreSQL can; its comment says where it differs. The trigger that keys
-- rows written by SQL is persons_email_key (schema/functions/auth.sql).

ALTER TABLE persons ADD COLUMN email_key text;

-- The old key was lower(email): spellings that are one address now (NFD and
-- NFC, ß and ss) may both be stored. The oldest account keeps the address;
-- a newer one keeps its data and tokens but no key, so it cannot sign in
-- with that address until an admin sorts it out (the WARNING says how many).
DROP INDEX persons_email_key;
UPDATE persons SET email = normalize(email, NFC) WHERE email IS NOT NULL AND email IS NOT NFC NORMALIZED;
WITH folded AS (
    SELECT id, piiri_email_fold(email) AS k,
           row_number() OVER (PARTITION BY piiri_email_fold(email) ORDER BY created_at, id) AS nth
    FROM persons WHERE email IS NOT NULL)
UPDATE persons p SET email_key = f.k FROM folded f WHERE p.id = f.id AND f.nth = 1;
DO $do$
DECLARE
    n int := (SELECT count(*) FROM persons WHERE email IS NOT NULL AND email_key IS NULL);
BEGIN
    IF n > 0 THEN
        RAISE WARNING '% accounts share their address with an older account and cannot sign in', n;
    END IF;
END
$do$;
CREATE UNIQUE INDEX persons_email_identity ON persons (email_key) WHERE email_key IS NOT NULL;

-- Devices -------------------------------------------------------------------

-- A device token is handed out by a successful login and shown on later
-- ones: it proves the client signed in as this person before, so the
-- throttles on the email and the address do not stop it (OWASP's "device
-- cookies"). Stored as a hash, like sign-in tokens.
CREATE TABLE login_devices (
    token_hash bytea PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX login_devices_person ON login_devices (person_id, last_used_at);

-- Throttles -----------------------------------------------------------------

-- Rows older than the window are deleted a few at a time by the attempts
-- that come later, so keys nobody uses again do not stay.
CREATE INDEX login_failures_at ON login_failures (failed_at);

-- One row per registration attempt, keyed by a hash of the client address
-- or of the folded email (never the address or the email).
CREATE TABLE registration_attempts (
    key_hash bytea NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_attempts_key ON registration_attempts (key_hash, attempted_at);
CREATE INDEX registration_attempts_at ON registration_attempts (attempted_at);

-- Logins and registrations ------------------------------------------------------
--
-- api_login_begin and api_login_finish (schema/functions/auth.sql) replace
-- these; api_register_begin and api_register_create replace api_register.

DROP FUNCTION IF EXISTS api_login_attempt(text, bytea[], int[], interval);
DROP FUNCTION IF EXISTS api_login_success(uuid, bytea, int, bytea, uuid);
DROP FUNCTION IF EXISTS api_register(text, text, text, bytea, int);
