-- SPDX-License-Identifier: Apache-2.0
-- Web sessions: the web client's sign-in cookie, for the same accounts as
-- the API's bearer tokens and kept the same way, as a hash only (the
-- functions: schema/functions/auth.sql).

CREATE TABLE web_sessions (
    token_hash bytea PRIMARY KEY,           -- SHA-256 of the cookie's value; never the value
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);
