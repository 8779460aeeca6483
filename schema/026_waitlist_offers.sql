-- SPDX-License-Identifier: Apache-2.0
-- Waitlist offers (schema/functions/signups.sql, offers.sql; docs/api.md
-- "Waitlist offers", docs/mail.md "Waitlist offers"): a group may offer a
-- freed place instead of confirming it at once. The next in line gets an
-- offer that holds the seats until its deadline; they accept or decline,
-- and an offer not answered in time passes on. An offered signup's seats
-- count in seats_taken like a confirmed one's, so nothing is given twice.

-- NULL: a freed place is confirmed at once (as before); else the hours an
-- offer holds the seats.
ALTER TABLE groups ADD COLUMN waitlist_offer_hours int CHECK (waitlist_offer_hours BETWEEN 1 AND 336);

-- 'offered': holding its seats until offer_expires_at. A signup whose
-- offer lapsed keeps that deadline when it is cancelled (so a late answer
-- is told the offer expired); no other signup has one.
ALTER TABLE signups DROP CONSTRAINT signups_status_check;
ALTER TABLE signups ADD CONSTRAINT signups_status_check
    CHECK (status IN ('confirmed', 'waitlisted', 'offered', 'cancelled'));
ALTER TABLE signups ADD COLUMN offer_expires_at timestamptz;
ALTER TABLE signups ADD CONSTRAINT signups_offer_deadline
    CHECK (CASE status WHEN 'offered' THEN offer_expires_at IS NOT NULL
                       WHEN 'cancelled' THEN true ELSE offer_expires_at IS NULL END);
-- The expiry job's look: open offers by deadline.
CREATE INDEX signups_offers ON signups (offer_expires_at) WHERE status = 'offered';

ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check CHECK (kind IN (
    'signup_confirmed', 'signup_waitlisted', 'signup_promoted', 'session_cancelled', 'session_moved',
    'email_verify', 'password_reset', 'signin_link', 'session_reminder', 'signup_offered'));

-- An offer's link answers it: it names the signup and works until the
-- offer's deadline.
ALTER TABLE mail_links DROP CONSTRAINT mail_links_purpose_check;
ALTER TABLE mail_links ADD CONSTRAINT mail_links_purpose_check
    CHECK (purpose IN ('verify', 'reset', 'signin', 'unsubscribe', 'offer'));
ALTER TABLE mail_links ADD COLUMN signup_id uuid;

-- mail_link_store takes the signup of an offer's link.
DROP FUNCTION IF EXISTS mail_link_store(bytea, uuid, text, text);
