-- SPDX-License-Identifier: Apache-2.0
-- Reminders by email (schema/functions/reminders.sql, server/mail-reminders.c):
-- when a reminder is due, the delivery process writes a session_reminder
-- outbox row for each person with a confirmed signup; a person may turn them
-- off. An organization has a default reminder, a group may have its own.

-- A person's "reminders on/off", persons.mail_reminders, came with the
-- mail preferences (023_mail_links.sql).

-- A reminder setting: off; hours_before (reminder_hours elapsed hours before
-- the start); day_before (the local day before the session, at reminder_at in
-- the group's schedule_timezone). Every organization starts with the day
-- before at 18:00; a group's NULL kind follows its organization.
ALTER TABLE organizations
    ADD COLUMN reminder_kind text NOT NULL DEFAULT 'day_before'
        CHECK (reminder_kind IN ('off', 'hours_before', 'day_before')),
    ADD COLUMN reminder_hours int CHECK (reminder_hours BETWEEN 1 AND 168),
    ADD COLUMN reminder_at time DEFAULT '18:00',
    ADD CONSTRAINT organizations_reminder CHECK (
        (reminder_kind = 'hours_before') = (reminder_hours IS NOT NULL)
        AND (reminder_kind = 'day_before') = (reminder_at IS NOT NULL));

ALTER TABLE groups
    ADD COLUMN reminder_kind text CHECK (reminder_kind IN ('off', 'hours_before', 'day_before')),
    ADD COLUMN reminder_hours int CHECK (reminder_hours BETWEEN 1 AND 168),
    ADD COLUMN reminder_at time,
    ADD CONSTRAINT groups_reminder CHECK (
        (reminder_kind IS NOT DISTINCT FROM 'hours_before') = (reminder_hours IS NOT NULL)
        AND (reminder_kind IS NOT DISTINCT FROM 'day_before') = (reminder_at IS NOT NULL));

ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_check
    CHECK (kind IN ('signup_confirmed', 'signup_waitlisted', 'signup_promoted',
                    'session_cancelled', 'session_moved', 'email_verify', 'password_reset',
                    'signin_link', 'session_reminder'));

-- At most one reminder per person and session, whichever delivery process
-- writes it; one found stale and skipped (the session moved before it went
-- out) leaves room for the one at the new time.
CREATE UNIQUE INDEX notification_outbox_one_reminder
    ON notification_outbox (org_id, person_id, ((payload->>'session_id')))
    WHERE kind = 'session_reminder' AND status <> 'skipped';
