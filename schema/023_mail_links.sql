-- SPDX-License-Identifier: Apache-2.0
-- Links by email (schema/functions/mail-links.sql, docs/mail.md "Links"):
-- verifying an address, resetting a password, signing in without one, and
-- unsubscribing. A link's token is made by the delivery process when the
-- message goes out and exists only in that message: the database keeps its
-- SHA-256, what it may do, for whom, until when, and whether it was used.

-- Accounts made before verification existed were trusted with mail then and
-- stay so; a new account's address is verified by its first link.
ALTER TABLE persons ADD COLUMN email_verified_at timestamptz;
UPDATE persons SET email_verified_at = created_at WHERE email IS NOT NULL;

-- Which messages a person has turned off (outbox kinds), besides reminders.
ALTER TABLE persons ADD COLUMN mail_off text[] NOT NULL DEFAULT '{}';

CREATE TABLE mail_links (
    token_hash bytea PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('verify', 'reset', 'signin', 'unsubscribe')),
    kind text,                       -- unsubscribe: the kind of message it came with
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX mail_links_person ON mail_links (person_id);
CREATE INDEX mail_links_expiry ON mail_links (expires_at);

-- Account messages belong to no organization: their org_id is the nil UUID.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check CHECK (kind IN (
    'signup_confirmed', 'signup_waitlisted', 'signup_promoted', 'session_cancelled', 'session_moved',
    'email_verify', 'password_reset', 'signin_link'));

-- Reminders on or off (the preferences page; reminders themselves are 025's).
ALTER TABLE persons ADD COLUMN mail_reminders boolean NOT NULL DEFAULT true;

-- Registering takes the language of the account's mail (functions/auth.sql).
DROP FUNCTION IF EXISTS api_register_create(text, text, text, text);
