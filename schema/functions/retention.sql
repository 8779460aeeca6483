-- SPDX-License-Identifier: Apache-2.0
-- How long personal data that nobody's account holds is kept.

-- A guest's name and note (a signup made on someone's behalf) and a named
-- drop-in's name are cleared p_days after the last meeting they concern has
-- ended: a session signup's session, every session of a series signup's
-- group (so a guest of a weekly group that still meets keeps their name), a
-- drop-in's session. A guest signup cancelled earlier lost them already
-- (api_signup_cancel). Party sizes, statuses and attendance stay, so the
-- reports do not change. One batch of at most p_limit rows of each kind; the
-- answer is the larger count, so a full batch means there may be more.
-- SKIP LOCKED: workers running it at once share the rows out.
CREATE OR REPLACE FUNCTION guest_names_purge(p_now timestamptz, p_days int, p_limit int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz := p_now - make_interval(days => p_days);
    signups_done int;
    drop_ins_done int;
BEGIN
    WITH due AS (
        SELECT s.org_id, s.id FROM signups s
        WHERE s.person_id IS NULL AND s.guest_name_purged_at IS NULL AND s.created_at <= cutoff
          AND NOT EXISTS (
              SELECT 1 FROM sessions x
              WHERE x.org_id = s.org_id AND x.group_id = s.group_id
                AND (s.session_id IS NULL OR x.id = s.session_id)
                AND x.ends_at > cutoff)
        ORDER BY s.created_at LIMIT p_limit
        FOR UPDATE OF s SKIP LOCKED)
    UPDATE signups s SET guest_name = NULL, note = NULL, guest_name_purged_at = p_now
    FROM due WHERE s.org_id = due.org_id AND s.id = due.id;
    GET DIAGNOSTICS signups_done = ROW_COUNT;

    WITH due AS (
        SELECT d.org_id, d.id FROM attendance_drop_ins d
        JOIN sessions x ON x.org_id = d.org_id AND x.id = d.session_id
        WHERE d.display_name IS NOT NULL AND x.ends_at <= cutoff
        ORDER BY d.created_at LIMIT p_limit
        FOR UPDATE OF d SKIP LOCKED)
    UPDATE attendance_drop_ins d SET display_name = NULL, name_purged_at = p_now
    FROM due WHERE d.org_id = due.org_id AND d.id = due.id;
    GET DIAGNOSTICS drop_ins_done = ROW_COUNT;

    RETURN greatest(signups_done, drop_ins_done);
END
$$;
