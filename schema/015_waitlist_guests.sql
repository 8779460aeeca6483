-- SPDX-License-Identifier: Apache-2.0
-- The waitlist's policy per group, a coordinator's confirmation by hand, and
-- signups a coordinator makes for someone without an account (the functions:
-- schema/functions/signups.sql).

-- strict: first in line first, as before; fit: a freed seat goes to the
-- first in line whose whole party fits.
ALTER TABLE groups ADD COLUMN waitlist_policy text NOT NULL DEFAULT 'strict'
    CHECK (waitlist_policy IN ('strict', 'fit'));

-- A guest signup has no person: guest_name is the name the coordinator was
-- given (personal data: cleared when the signup is cancelled), signed_up_by
-- the coordinator who made it. confirmed_by/confirmed_at: a waitlisted
-- signup a coordinator confirmed by hand.
ALTER TABLE signups
    ALTER COLUMN person_id DROP NOT NULL,
    ADD COLUMN guest_name text,
    ADD COLUMN signed_up_by uuid,
    ADD COLUMN confirmed_by uuid,
    ADD COLUMN confirmed_at timestamptz,
    ADD CONSTRAINT signups_guest CHECK (person_id IS NOT NULL OR signed_up_by IS NOT NULL),
    ADD CONSTRAINT signups_guest_name CHECK (guest_name IS NULL OR person_id IS NULL);

-- Attendance of a guest signup (no person to key an attendance row by):
-- its party counts as visits like anyone's.
CREATE TABLE signup_attendance (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    signup_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    marked_by uuid,
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, signup_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id),
    FOREIGN KEY (org_id, signup_id) REFERENCES signups (org_id, id)
);
