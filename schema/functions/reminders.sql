-- SPDX-License-Identifier: Apache-2.0
-- Reminders by email (columns: 025_mail_reminders.sql). The delivery process
-- (server/mail-reminders.c) asks, with its own clock, which reminders are
-- due; each becomes a session_reminder outbox row, delivered like any other.

-- When a reminder of a session starting at p_starts is due, for a setting
-- (kind, hours, at) in the group's time zone p_tz; NULL when off.
-- hours_before counts elapsed hours. day_before is the wall time p_at on the
-- local date before the session's, read in p_tz on that date, so a change to
-- or from summer time between the two days does not move it (a wall time
-- the change skips is read as after it, PostgreSQL's rule).
CREATE OR REPLACE FUNCTION reminder_due(p_starts timestamptz, p_tz text, p_kind text, p_hours int, p_at time)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE p_kind
           WHEN 'hours_before' THEN p_starts - p_hours * interval '1 hour'
           WHEN 'day_before' THEN (((p_starts AT TIME ZONE p_tz)::date - 1) + p_at) AT TIME ZONE p_tz
           END
$$;

-- The reminder due time of session s of group g in organization o: the
-- group's own setting, else the organization's.
CREATE OR REPLACE FUNCTION session_reminder_due(s sessions, g groups, o organizations) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN g.reminder_kind IS NULL
                THEN reminder_due(s.starts_at, g.schedule_timezone, o.reminder_kind, o.reminder_hours, o.reminder_at)
                ELSE reminder_due(s.starts_at, g.schedule_timezone, g.reminder_kind, g.reminder_hours, g.reminder_at)
           END
$$;

-- Write the reminders due at p_now (the delivery process's clock, so a test
-- can set it) that are not written yet: one per person and scheduled session
-- not yet begun, to each person with a confirmed signup for it (the session,
-- or the whole series) made before the reminder was due, who has an address,
-- wants reminders and gave no absence notice. A guest signup gets none (no
-- address; a session's other notices skip them too). made: rows written;
-- next_s: seconds from p_now until the next reminder of the coming days is
-- due (NULL: none), which bounds the delivery process's sleep. Reminders
-- are at most 168 hours, or two local days, ahead of their session, so only
-- sessions of the next eight days are looked at.
CREATE OR REPLACE FUNCTION mail_reminders_due(p_now timestamptz)
RETURNS TABLE (made int, next_s double precision) LANGUAGE plpgsql AS $$
DECLARE
    v_made int;
    v_next timestamptz;
BEGIN
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT DISTINCT s.org_id, y.person_id, 'session_reminder',
           jsonb_build_object('group_id', s.group_id, 'session_id', s.id, 'starts_at', s.starts_at)
    FROM sessions s
    JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    JOIN organizations o ON o.id = s.org_id
    CROSS JOIN LATERAL (SELECT session_reminder_due(s, g, o) AS at) due
    JOIN signups y ON y.org_id = s.org_id AND y.group_id = s.group_id
                  AND (y.session_id = s.id OR y.session_id IS NULL)
                  AND y.status = 'confirmed' AND y.person_id IS NOT NULL
    JOIN persons p ON p.id = y.person_id
    WHERE s.starts_at > p_now AND s.starts_at <= p_now + interval '8 days'
      AND s.status = 'scheduled' AND g.archived_at IS NULL
      AND due.at <= p_now AND y.created_at <= due.at
      AND p.email IS NOT NULL AND p.erased_at IS NULL AND p.mail_reminders
      AND NOT EXISTS (SELECT 1 FROM absence_notices a
                      WHERE a.org_id = s.org_id AND a.session_id = s.id AND a.person_id = y.person_id
                        AND a.withdrawn_at IS NULL)
    ON CONFLICT (org_id, person_id, ((payload->>'session_id')))
        WHERE kind = 'session_reminder' AND status <> 'skipped' DO NOTHING;
    GET DIAGNOSTICS v_made = ROW_COUNT;
    SELECT min(due.at) INTO v_next
    FROM sessions s
    JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    JOIN organizations o ON o.id = s.org_id
    CROSS JOIN LATERAL (SELECT session_reminder_due(s, g, o) AS at) due
    WHERE s.starts_at > p_now AND s.starts_at <= p_now + interval '8 days'
      AND s.status = 'scheduled' AND due.at > p_now;
    RETURN QUERY SELECT v_made, extract(epoch FROM v_next - p_now)::double precision;
END
$$;
