-- SPDX-License-Identifier: Apache-2.0
-- A person's own account: what they see of themself, what they change, their
-- export and the erasure of their account (tables: 001_init.sql, with the
-- feed settings of 005_feeds.sql). Signing in is in auth.sql.

CREATE OR REPLACE FUNCTION person_json(p persons) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'email', p.email, 'display_name', p.display_name,
                             'is_admin', p.is_admin, 'created_at', p.created_at)
$$;

-- The person's own view, with the feed settings and the links of their
-- personal feed on p_base (PIIRI_PUBLIC_URL, without a trailing slash): an
-- https:// (or http://) one and a webcal:// one. The token is sent only
-- inside the links.
CREATE OR REPLACE FUNCTION api_me(p_person uuid, p_base text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('person', person_json(p), 'memberships', person_memberships_json(p.id),
                             'discreet_calendar', p.discreet_calendar,
                             'calendar_url', l.url,
                             'webcal_url', 'webcal' || CASE WHEN position('://' IN l.url) > 0
                                                            THEN substr(l.url, position('://' IN l.url))
                                                            ELSE '://' END)
    FROM persons p, LATERAL (SELECT p_base || '/calendars/people/' || p.calendar_token || '.ics' AS url) l
    WHERE p.id = p_person
$$;

-- Everything stored about the person: account, memberships, tokens, feed
-- settings, signups, absence notices, attendance, and one-to-one support
-- (their own requests, their supporter profiles and the pairings of both).
CREATE OR REPLACE FUNCTION api_export(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'person', person_json(p),
        'memberships', person_memberships_json(p.id),
        'tokens', (SELECT coalesce(json_agg(json_build_object('created_at', t.created_at,
                                                           'expires_at', t.expires_at)
                                             ORDER BY t.created_at), '[]')
                   FROM auth_tokens t WHERE t.person_id = p.id),
        'web_sessions', (SELECT coalesce(json_agg(json_build_object('created_at', w.created_at,
                                                                 'expires_at', w.expires_at)
                                                   ORDER BY w.created_at), '[]')
                         FROM web_sessions w WHERE w.person_id = p.id),
        'calendar', json_build_object('discreet_titles', p.discreet_calendar,
                                      'has_feed_link', p.calendar_token IS NOT NULL),
        'signups', (SELECT coalesce(json_agg(signup_json(x) ORDER BY x.created_at), '[]')
                    FROM signups x WHERE x.person_id = p.id),
        'absence_notices', (SELECT coalesce(json_agg(json_build_object('session_id', n.session_id,
                                'created_at', n.created_at) ORDER BY n.created_at), '[]')
                            FROM absence_notices n WHERE n.person_id = p.id),
        'attendance', (SELECT coalesce(json_agg(json_build_object('session_id', a.session_id,
                           'status', a.status, 'marked_at', a.marked_at) ORDER BY a.marked_at), '[]')
                       FROM attendance a WHERE a.person_id = p.id),
        'support_requests', (SELECT coalesce(json_agg(json_build_object(
                                 'id', r.id, 'org_id', r.org_id, 'status', r.status, 'topics', r.topics,
                                 'municipality', r.municipality, 'languages', r.languages,
                                 'contact_modes', r.contact_modes, 'message', r.message,
                                 'preferences', r.preferences, 'consent_at', r.consent_at,
                                 'created_at', r.created_at, 'closed_at', r.closed_at,
                                 'pairings', (SELECT coalesce(json_agg(json_build_object(
                                         'id', q.id, 'status', q.status, 'outcome', q.outcome,
                                         'created_at', q.created_at) ORDER BY q.created_at), '[]')
                                     FROM pairings q WHERE q.org_id = r.org_id AND q.request_id = r.id))
                                 ORDER BY r.created_at), '[]')
                             FROM support_requests r WHERE r.requester_id = p.id),
        'supporter_profiles', (SELECT coalesce(json_agg(json_build_object(
                                   'id', s.id, 'org_id', s.org_id, 'public_name', s.public_name,
                                   'bio', s.bio, 'topics', s.topics, 'municipalities', s.municipalities,
                                   'languages', s.languages, 'contact_modes', s.contact_modes,
                                   'max_active', s.max_active, 'status', s.status,
                                   'training_course', s.training_course,
                                   'training_completed_on', s.training_completed_on,
                                   'training_refresher_due', s.training_refresher_due,
                                   'pledge_version', s.pledge_version,
                                   'pledge_signed_on', s.pledge_signed_on,
                                   'pairings', (SELECT coalesce(json_agg(json_build_object(
                                           'id', q.id, 'status', q.status, 'outcome', q.outcome,
                                           'created_at', q.created_at) ORDER BY q.created_at), '[]')
                                       FROM pairings q WHERE q.org_id = s.org_id AND q.supporter_id = s.id))
                                   ORDER BY s.created_at), '[]')
                               FROM supporters s WHERE s.person_id = p.id AND s.deleted_at IS NULL),
        'exported_at', now())
    FROM persons p WHERE p.id = p_person
$$;

-- Erase an account: signups for what is still to come are cancelled (their
-- seats promote the waitlist), personal data, tokens and what the person
-- wrote in notes go; the row stays (without anything that identifies the person) so
-- that anonymous counts remain. Triggers on persons end the rest: the feed
-- (feeds.sql), device tokens (auth.sql) and matching (matching.sql).
CREATE OR REPLACE FUNCTION api_erase_person(p_person uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    -- What has not happened yet is cancelled as the person would cancel it,
    -- so the seats go to the waitlist now; past signups stay as history.
    FOR v_id IN SELECT x.id FROM signups x
                WHERE x.person_id = p_person AND x.status <> 'cancelled' AND signup_is_future(x)
                ORDER BY x.group_id, x.session_id NULLS FIRST LOOP
        PERFORM api_signup_cancel(v_id, p_person);
    END LOOP;
    DELETE FROM auth_tokens WHERE person_id = p_person;
    DELETE FROM web_sessions WHERE person_id = p_person;
    DELETE FROM memberships WHERE person_id = p_person;
    DELETE FROM idempotency_keys WHERE person_id = p_person;
    UPDATE signups SET note = NULL WHERE person_id = p_person;
    UPDATE persons SET email = NULL, display_name = NULL, password_hash = NULL,
                       is_admin = false, erased_at = now()
    WHERE id = p_person;
END
$$;

CREATE OR REPLACE FUNCTION api_me_update(p_person uuid, p_display_name text, p_discreet boolean, p_base text)
RETURNS json
LANGUAGE sql AS $$
    UPDATE persons SET display_name = coalesce(p_display_name, display_name),
                       discreet_calendar = coalesce(p_discreet, discreet_calendar),
                       feed_sequence = feed_sequence + CASE WHEN p_discreet IS DISTINCT FROM discreet_calendar
                                                             AND p_discreet IS NOT NULL THEN 1 ELSE 0 END,
                       feed_changed_at = CASE WHEN p_discreet IS DISTINCT FROM discreet_calendar
                                               AND p_discreet IS NOT NULL THEN now() ELSE feed_changed_at END
    WHERE id = p_person;
    SELECT api_me(p_person, p_base);
$$;
