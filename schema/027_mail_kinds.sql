-- SPDX-License-Identifier: Apache-2.0
-- The messages still missing from the list (docs/mail.md): a changed
-- schedule is one message per person (schedule_changed, not one per session
-- moved or cancelled), and one-to-one support tells the supporter of a
-- proposal (pairing_proposed) and the requester and the coordinator who
-- proposed of its acceptance (pairing_accepted). The outbox takes every kind,
-- 026's waitlist offers included.

ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check
    CHECK (kind IN ('signup_confirmed', 'signup_waitlisted', 'signup_promoted',
                    'session_cancelled', 'session_moved', 'email_verify', 'password_reset',
                    'signin_link', 'session_reminder', 'signup_offered', 'schedule_changed',
                    'pairing_proposed', 'pairing_accepted'));

-- A changed schedule told each session's people of it, a row per session;
-- schedule_notify(groups, uuid[]) writes one per person.
DROP FUNCTION IF EXISTS schedule_notify(sessions, text);
