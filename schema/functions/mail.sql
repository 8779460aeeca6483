-- SPDX-License-Identifier: Apache-2.0
-- Mail delivery (columns: 022_mail_delivery.sql): the delivery process claims
-- one due outbox row at a time, reads what the message says as the database
-- has it now, and marks the row in the same transaction as it sends.

-- A new outbox row wakes the delivery process (LISTEN piiri_mail); the
-- notification goes out when the writing transaction commits.
CREATE OR REPLACE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piiri_mail', '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER mail_outbox_notify AFTER INSERT ON notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify();

-- What a message about row o says, read now: the person, their language and
-- discreet titles, the group's title in that language, the session's local
-- time, the reason of a cancellation, the place in the line, a reminder's
-- place, an offer's deadline; for a changed schedule, the new rule, the
-- person's next meetings and how many of theirs it cancelled. stale: the
-- message is no longer true (the signup was cancelled or promoted, the
-- session cancelled, moved back or, for a reminder, moved, the meeting has
-- begun, the address is gone, reminders turned off, an offer no longer
-- open; a changed schedule's group archived or nobody of them signed up any
-- more) and is not sent. calendar: what the person's feed shows of the
-- row's signup or session (mail_calendar_json), for the message's
-- iCalendar part; read with the rest, so it is as true as the text.
CREATE OR REPLACE FUNCTION mail_view(o notification_outbox) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    p persons;
    x signups;
    s sessions;
    g groups;
    v_lang text;
    v_stale boolean;
    v_local timestamp;
    v_deadline timestamp;
BEGIN
    SELECT * INTO p FROM persons WHERE id = o.person_id;
    SELECT * INTO g FROM groups WHERE org_id = o.org_id AND id = (o.payload->>'group_id')::uuid;
    SELECT * INTO x FROM signups WHERE org_id = o.org_id AND id = (o.payload->>'signup_id')::uuid;
    SELECT * INTO s FROM sessions WHERE org_id = o.org_id AND id = (o.payload->>'session_id')::uuid;
    v_lang := coalesce(p.language, 'fi');
    IF o.kind IN ('email_verify', 'password_reset', 'signin_link') THEN
        RETURN mail_account_view(o, p);
    END IF;
    IF o.kind IN ('pairing_proposed', 'pairing_accepted') THEN
        RETURN mail_pairing_view(o, p);
    END IF;
    IF o.kind = 'invitation' THEN
        RETURN mail_invitation_view(o); -- invitations.sql: to an address, not a person
    END IF;
    v_stale := p.email IS NULL OR p.erased_at IS NOT NULL OR g.id IS NULL
        -- An address not verified yet gets nothing but its verification
        -- mail; a kind the person turned off, nothing.
        OR p.email_verified_at IS NULL OR o.kind = ANY (p.mail_off)
        OR (s.id IS NOT NULL AND s.starts_at <= now())
        OR CASE o.kind
           WHEN 'signup_confirmed' THEN x.status IS DISTINCT FROM 'confirmed'
           WHEN 'signup_promoted' THEN x.status IS DISTINCT FROM 'confirmed'
           WHEN 'signup_waitlisted' THEN x.status IS DISTINCT FROM 'waitlisted'
           -- an offer: only while it is open
           WHEN 'signup_offered' THEN x.status IS DISTINCT FROM 'offered' OR x.offer_expires_at <= now()
           WHEN 'session_cancelled' THEN s.status IS DISTINCT FROM 'cancelled'
           WHEN 'session_moved' THEN s.status IS DISTINCT FROM 'scheduled'
           -- A reminder: for the session's time when it was written (one
           -- for an earlier time gives way to one at the new time), while
           -- the person still wants reminders.
           WHEN 'session_reminder' THEN s.status IS DISTINCT FROM 'scheduled'
               OR s.starts_at IS DISTINCT FROM (o.payload->>'starts_at')::timestamptz
               OR NOT p.mail_reminders
           -- A changed schedule: while the group runs and the person is
           -- still signed up for a session it touched.
           WHEN 'schedule_changed' THEN g.archived_at IS NOT NULL OR NOT EXISTS (
               SELECT 1 FROM signups y JOIN sessions t ON t.org_id = y.org_id AND t.group_id = y.group_id
                                                      AND (t.id = y.session_id OR y.session_id IS NULL)
               WHERE y.org_id = o.org_id AND y.group_id = g.id AND y.status <> 'cancelled'
                 AND y.person_id = o.person_id AND t.id = ANY (mail_payload_sessions(o)))
           END
        -- About a session: only while the person is still signed up for it.
        OR (o.kind IN ('session_cancelled', 'session_moved') AND NOT EXISTS (
               SELECT 1 FROM signups y
               WHERE y.org_id = o.org_id AND y.group_id = g.id AND y.status <> 'cancelled'
                 AND coalesce(y.person_id, y.signed_up_by) = o.person_id
                 AND (y.session_id = s.id OR y.session_id IS NULL)))
        -- A reminder: only while they still have a confirmed place.
        OR (o.kind = 'session_reminder' AND NOT EXISTS (
               SELECT 1 FROM signups y
               WHERE y.org_id = o.org_id AND y.group_id = g.id AND y.status = 'confirmed'
                 AND y.person_id = o.person_id
                 AND (y.session_id = s.id OR y.session_id IS NULL)));
    v_local := s.starts_at AT TIME ZONE g.schedule_timezone;
    v_deadline := x.offer_expires_at AT TIME ZONE g.schedule_timezone;
    v_stale := coalesce(v_stale, true);
    RETURN json_build_object(
        'org_id', o.org_id, 'id', o.id, 'kind', o.kind, 'attempts', o.attempts,
        'stale', v_stale, 'person_id', p.id, 'link', mail_kind_purpose(o.kind),
        'email', p.email, 'name', p.display_name, 'language', v_lang,
        'group', CASE WHEN NOT p.discreet_calendar THEN
                     coalesce(CASE v_lang WHEN 'sv' THEN g.title_sv WHEN 'en' THEN g.title_en END, g.title) END,
        'guest', x.guest_name,
        'date', to_char(v_local, 'FMDD.FMMM.YYYY'),
        'weekday', extract(isodow FROM v_local)::int,
        'time', to_char(v_local, CASE v_lang WHEN 'en' THEN 'HH24:MI' ELSE 'HH24.MI' END),
        'reason', CASE WHEN o.kind = 'session_cancelled' AND NOT p.discreet_calendar THEN s.cancel_reason END,
        'position', CASE WHEN o.kind = 'signup_waitlisted' AND x.status = 'waitlisted' THEN waitlist_position(x) END,
        -- Where: the place's name names the group as a title would, so
        -- discreet titles keep only the address.
        'place', CASE WHEN o.kind = 'session_reminder' THEN nullif(concat_ws(', ',
                     CASE WHEN NOT p.discreet_calendar THEN g.location_name END,
                     g.location_address, g.municipality), '') END,
        'signup_id', x.id,
        -- an offer's deadline, in the group's time like the meeting's
        'deadline_date', CASE WHEN o.kind = 'signup_offered' THEN to_char(v_deadline, 'FMDD.FMMM.YYYY') END,
        'deadline_weekday', CASE WHEN o.kind = 'signup_offered' THEN extract(isodow FROM v_deadline)::int END,
        'deadline_time', CASE WHEN o.kind = 'signup_offered' THEN
                             to_char(v_deadline, CASE v_lang WHEN 'en' THEN 'HH24:MI' ELSE 'HH24.MI' END) END,
        'schedule', CASE WHEN o.kind = 'schedule_changed' AND g.schedule_rrule IS NOT NULL THEN
                        json_build_object('start', g.schedule_start, 'duration', g.schedule_duration,
                                          'rrule', g.schedule_rrule) END,
        'next', CASE WHEN o.kind = 'schedule_changed' THEN mail_next_meetings(p, g, v_lang) END,
        'cancelled', CASE WHEN o.kind = 'schedule_changed' THEN
                         (SELECT nullif(count(*), 0) FROM sessions t
                          WHERE t.org_id = o.org_id AND t.id = ANY (mail_payload_sessions(o))
                            AND t.status = 'cancelled') END,
        'calendar', CASE WHEN NOT v_stale THEN mail_calendar_json(o, p, x, s) END);
END
$$;

-- The sessions a schedule_changed row names (schedule_notify, schedules.sql).
CREATE OR REPLACE FUNCTION mail_payload_sessions(o notification_outbox) RETURNS uuid[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY(SELECT jsonb_array_elements_text(coalesce(o.payload->'session_ids', '[]'))::uuid)
$$;

-- A person's next three meetings in the group, as mail_view writes a time:
-- the sessions of their signups there, not cancelled, not begun.
CREATE OR REPLACE FUNCTION mail_next_meetings(p persons, g groups, p_lang text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_agg(json_build_object(
               'date', to_char(n.l, 'FMDD.FMMM.YYYY'), 'weekday', extract(isodow FROM n.l)::int,
               'time', to_char(n.l, CASE p_lang WHEN 'en' THEN 'HH24:MI' ELSE 'HH24.MI' END))
           ORDER BY n.starts_at, n.id)
    FROM (SELECT DISTINCT s.id, s.starts_at, s.starts_at AT TIME ZONE g.schedule_timezone AS l
          FROM signups x JOIN sessions s ON s.org_id = x.org_id AND s.group_id = x.group_id
                                        AND (s.id = x.session_id OR x.session_id IS NULL)
          WHERE x.org_id = g.org_id AND x.group_id = g.id AND x.person_id = p.id AND x.status <> 'cancelled'
            AND s.status = 'scheduled' AND s.starts_at > now()
          ORDER BY s.starts_at, s.id
          LIMIT 3) n
$$;

-- A message about a pairing (one-to-one support): to its supporter while it
-- is proposed, to its requester and a coordinator once it is active. Reads
-- who is in the pairing and its state, never the request's text (message,
-- preferences) nor anything of the requester: the message says nothing of
-- them, and sending it is no read for the request's access log. requester:
-- the person is the one who asked (the message's words differ).
CREATE OR REPLACE FUNCTION mail_pairing_view(o notification_outbox, p persons) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org_id', o.org_id, 'id', o.id, 'kind', o.kind, 'attempts', o.attempts,
        'stale', coalesce(p.email IS NULL OR p.erased_at IS NOT NULL OR p.email_verified_at IS NULL
                          OR o.kind = ANY (p.mail_off)
                          OR CASE o.kind
                             WHEN 'pairing_proposed' THEN pr.status IS DISTINCT FROM 'proposed'
                                 OR sp.person_id IS DISTINCT FROM p.id
                             WHEN 'pairing_accepted' THEN pr.status IS DISTINCT FROM 'active'
                                 OR NOT (q.requester_id IS NOT DISTINCT FROM p.id OR p.is_admin
                                         OR EXISTS (SELECT 1 FROM memberships m
                                                    WHERE m.org_id = o.org_id AND m.person_id = p.id
                                                      AND m.role = 'coordinator'))
                             END, true),
        'person_id', p.id, 'link', mail_kind_purpose(o.kind),
        'email', p.email, 'name', p.display_name, 'language', coalesce(p.language, 'fi'),
        'requester', q.requester_id IS NOT DISTINCT FROM p.id)
    FROM (SELECT 1) one
    LEFT JOIN pairings pr ON pr.org_id = o.org_id AND pr.id = (o.payload->>'pairing_id')::uuid
    LEFT JOIN supporters sp ON sp.org_id = pr.org_id AND sp.id = pr.supporter_id
    LEFT JOIN LATERAL (SELECT r.requester_id FROM support_requests r
                       WHERE r.org_id = pr.org_id AND r.id = pr.request_id) q ON true
$$;

-- The events of the person's feed (feed_person_json) a message about row o
-- carries: a signup's, up to the next 20 of a series signup's sessions not
-- yet begun (the feed has the rest); for a session's move or cancellation,
-- that session through the person's signup for it (their signup for the
-- session rather than the series'); for a changed schedule, each session
-- of the person's it moved, cancelled or added, as the feed shows it now
-- (a cancelled one STATUS:CANCELLED). NULL for a kind about no session.
-- A guest's signup is in nobody's feed, so its messages carry no events.
-- (PL/pgSQL: feeds.sql, applied after this file, defines feed_person_json.)
CREATE OR REPLACE FUNCTION mail_calendar_json(o notification_outbox, p persons, x signups, s sessions)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_feed json;
BEGIN
    IF o.kind = 'schedule_changed' THEN
        v_feed := feed_person_json(p, NULL, NULL, NULL);
        RETURN json_build_object('discreet', v_feed->'discreet', 'events', (
            SELECT coalesce(json_agg(e.ev ORDER BY e.n), '[]')
            FROM json_array_elements(v_feed->'events') WITH ORDINALITY AS e(ev, n)
            WHERE (e.ev->>'id')::uuid = ANY (mail_payload_sessions(o))));
    END IF;
    RETURN CASE
        WHEN o.kind IN ('signup_confirmed', 'signup_promoted', 'signup_waitlisted') THEN
            feed_person_json(p, x.id, NULL, 20)
        WHEN o.kind IN ('session_cancelled', 'session_moved') THEN
            feed_person_json(p, (SELECT y.id FROM signups y
                                 WHERE y.org_id = s.org_id AND y.group_id = s.group_id
                                   AND y.person_id = p.id AND y.status <> 'cancelled'
                                   AND (y.session_id = s.id OR y.session_id IS NULL)
                                 ORDER BY y.session_id IS NULL, y.created_at, y.id
                                 LIMIT 1), s.id, 20)
        END;
END
$$;

-- An account message (verification, reset, sign-in link): to the address
-- as it is now, unless the account was erased, or (verification) the
-- address was verified meanwhile. Its link is made as it is sent.
CREATE OR REPLACE FUNCTION mail_account_view(o notification_outbox, p persons) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org_id', o.org_id, 'id', o.id, 'kind', o.kind, 'attempts', o.attempts,
        'stale', coalesce(p.email IS NULL OR p.erased_at IS NOT NULL
                          OR (o.kind = 'email_verify' AND p.email_verified_at IS NOT NULL), true),
        'person_id', p.id, 'link', mail_kind_purpose(o.kind),
        'link_minutes', (extract(epoch FROM mail_link_ttl(mail_kind_purpose(o.kind))) / 60)::int,
        'email', p.email, 'name', p.display_name, 'language', coalesce(p.language, 'fi'))
$$;

-- The next due row, locked for this transaction (another delivery process
-- passes it by), with its message; NULL when none is due.
CREATE OR REPLACE FUNCTION mail_next() RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    o notification_outbox;
BEGIN
    SELECT * INTO o FROM notification_outbox
    WHERE status = 'queued' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN mail_view(o);
END
$$;

-- The outcome of one try: 'sent', 'skipped', 'failed' (for good) or 'retry'
-- (the next try p_retry_s * 2^attempts seconds on, at most six hours; after
-- p_max_attempts tries the row fails). p_code: the SMTP reply, if any.
CREATE OR REPLACE FUNCTION mail_done(p_org uuid, p_id bigint, p_outcome text, p_code int, p_retry_s int,
                                     p_max_attempts int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    o notification_outbox;
BEGIN
    UPDATE notification_outbox SET
        attempts = attempts + CASE WHEN p_outcome = 'skipped' THEN 0 ELSE 1 END,
        last_code = coalesce(p_code, last_code),
        status = CASE WHEN p_outcome = 'retry' AND attempts + 1 >= p_max_attempts THEN 'failed'
                      WHEN p_outcome = 'retry' THEN 'queued' ELSE p_outcome END,
        next_attempt_at = CASE WHEN p_outcome = 'retry'
                               THEN now() + least(p_retry_s * power(2, attempts), 21600) * interval '1 second'
                               ELSE next_attempt_at END,
        sent_at = CASE WHEN p_outcome = 'sent' THEN now() END,
        done_at = CASE WHEN p_outcome <> 'retry' OR attempts + 1 >= p_max_attempts THEN now() END
    WHERE org_id = p_org AND id = p_id
    RETURNING * INTO o;
    RETURN o.status;
END
$$;

-- The queue for /metrics and the delivery process's sleep: rows waiting,
-- the age of the oldest, seconds until the next is due (NULL: none).
CREATE OR REPLACE FUNCTION mail_queue() RETURNS TABLE (queued bigint, oldest_s double precision, next_s double precision)
LANGUAGE sql STABLE AS $$
    SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::double precision,
           extract(epoch FROM min(next_attempt_at) - now())::double precision
    FROM notification_outbox WHERE status = 'queued'
$$;

-- The coordinators' view of an org's mail (GET /api/v1/orgs/{slug}/mail):
-- its outbox rows newest first, how each went and for whom, status only.
-- Never the address, nor the payload (whose ids lead to a group's title and
-- a session's time), nor what the message said; the person is null once
-- their account is erased. p_status: one status or NULL for all. Paged by
-- the last row's (created_at, id), written as "next". NULL when the org
-- does not exist.
CREATE OR REPLACE FUNCTION api_org_mail(p_org text, p_status text, p_after_time timestamptz, p_after_id bigint,
                                        p_limit int) RETURNS json LANGUAGE sql STABLE AS $$
    WITH org AS (SELECT id FROM organizations WHERE slug = p_org),
    page AS (
        SELECT o.id, o.kind, o.status, o.attempts, o.last_code, o.created_at, o.sent_at, o.done_at,
               CASE WHEN p.id IS NOT NULL AND p.erased_at IS NULL
                    THEN json_build_object('id', p.id, 'display_name', p.display_name) END AS person
        FROM notification_outbox o
        JOIN org ON o.org_id = org.id
        LEFT JOIN persons p ON p.id = o.person_id
        WHERE (p_status IS NULL OR o.status = p_status)
          AND (p_after_time IS NULL OR (o.created_at, o.id) < (p_after_time, p_after_id))
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT p_limit + 1),
    shown AS (SELECT * FROM page ORDER BY created_at DESC, id DESC LIMIT p_limit)
    SELECT json_build_object(
        'messages', coalesce((SELECT json_agg(json_build_object(
                         'id', s.id, 'kind', s.kind, 'status', s.status, 'attempts', s.attempts,
                         'last_code', s.last_code, 'created_at', s.created_at, 'sent_at', s.sent_at,
                         'done_at', s.done_at, 'person', s.person) ORDER BY s.created_at DESC, s.id DESC)
                              FROM shown s), '[]'::json),
        'next', (SELECT to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || s.id
                 FROM shown s
                 WHERE (SELECT count(*) FROM page) > p_limit
                 ORDER BY s.created_at, s.id LIMIT 1))
    FROM org
$$;
