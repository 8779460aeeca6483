-- SPDX-License-Identifier: Apache-2.0
-- Adding people by email (schema/functions/invitations.sql, docs/api.md
-- "Invitations"): an address with a verified account becomes a member at
-- once; any other address gets an invitation, kept here with the role it
-- offers, and an invitation mail (kind invitation). The membership is made
-- when an account verifies that address, before the invitation expires.
-- The address is kept as piirid stores one (NFC) with its email key, as
-- persons keeps them, so the two meet however the address was spelt.

CREATE TABLE invitations (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    email text NOT NULL,
    email_key text NOT NULL,
    role text NOT NULL CHECK (role IN ('member', 'leader', 'coordinator')),
    language text NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en')),
    invited_by uuid REFERENCES persons (id) ON DELETE SET NULL,
    invited_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid REFERENCES persons (id) ON DELETE SET NULL,
    withdrawn_at timestamptz,
    PRIMARY KEY (org_id, id)
);
-- One open invitation per org and address; an address's open invitations,
-- for the account that verifies it.
CREATE UNIQUE INDEX invitations_open ON invitations (org_id, email_key)
    WHERE accepted_at IS NULL AND withdrawn_at IS NULL;
CREATE INDEX invitations_open_key ON invitations (email_key)
    WHERE accepted_at IS NULL AND withdrawn_at IS NULL;
-- The org's invitations of the last day, for its throttle.
CREATE INDEX invitations_org_time ON invitations (org_id, invited_at);

-- An invitation mail is to an address, not to a person: its row names none.
ALTER TABLE notification_outbox ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check
    CHECK (kind IN ('signup_confirmed', 'signup_waitlisted', 'signup_promoted',
                    'session_cancelled', 'session_moved', 'email_verify', 'password_reset',
                    'signin_link', 'session_reminder', 'signup_offered', 'schedule_changed',
                    'pairing_proposed', 'pairing_accepted', 'invitation'));

-- A member's page shows the org's mail to them (web_person_page).
CREATE INDEX notification_outbox_person ON notification_outbox (org_id, person_id, created_at);
