-- SPDX-License-Identifier: Apache-2.0
-- What the leader's attendance page reads (server/web-pages-attendance.c):
-- the session and its group, and the attendance as the API shows it
-- (attendance_json), one round trip.

-- The session with its group as the viewer sees it, whether it has started
-- or is cancelled (then nothing can be marked), its attendance (with the
-- version that is its ETag) and when that last changed, in the group's zone.
CREATE OR REPLACE FUNCTION web_attendance_page(p_session uuid, p_viewer uuid, p_scope jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'session', web_session_json(s, g),
        'group', group_seen_json(g, p_viewer, p_scope),
        'started', s.starts_at <= now(),
        'cancelled', s.status = 'cancelled',
        'changed_at', rfc3339(attendance_changed_at(s), g.schedule_timezone),
        'attendance', attendance_json(s))
    FROM sessions s JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    WHERE s.id = p_session
$$;
