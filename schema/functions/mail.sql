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
-- place. stale: the message is no longer true (the signup was cancelled or
-- promoted, the session cancelled, moved back or, for a reminder, moved, the
-- meeting has begun, the address is gone, reminders turned off) and is not
-- sent.
CREATE OR REPLACE FUNCTION mail_view(o notification_outbox) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    p persons;
    x signups;
    s sessions;
    g groups;
    v_lang text;
    v_stale boolean;
    v_local timestamp;
BEGIN
    SELECT * INTO p FROM persons WHERE id = o.person_id;
    SELECT * INTO g FROM groups WHERE org_id = o.org_id AND id = (o.payload->>'group_id')::uuid;
    SELECT * INTO x FROM signups WHERE org_id = o.org_id AND id = (o.payload->>'signup_id')::uuid;
    SELECT * INTO s FROM sessions WHERE org_id = o.org_id AND id = (o.payload->>'session_id')::uuid;
    v_lang := coalesce(p.language, 'fi');
    v_stale := p.email IS NULL OR p.erased_at IS NOT NULL OR g.id IS NULL
        OR (s.id IS NOT NULL AND s.starts_at <= now())
        OR CASE o.kind
           WHEN 'signup_confirmed' THEN x.status IS DISTINCT FROM 'confirmed'
           WHEN 'signup_promoted' THEN x.status IS DISTINCT FROM 'confirmed'
           WHEN 'signup_waitlisted' THEN x.status IS DISTINCT FROM 'waitlisted'
           WHEN 'session_cancelled' THEN s.status IS DISTINCT FROM 'cancelled'
           WHEN 'session_moved' THEN s.status IS DISTINCT FROM 'scheduled'
           -- A reminder: for the session's time when it was written (one
           -- for an earlier time gives way to one at the new time), while
           -- the person still wants reminders.
           WHEN 'session_reminder' THEN s.status IS DISTINCT FROM 'scheduled'
               OR s.starts_at IS DISTINCT FROM (o.payload->>'starts_at')::timestamptz
               OR NOT p.mail_reminders
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
    RETURN json_build_object(
        'org_id', o.org_id, 'id', o.id, 'kind', o.kind, 'attempts', o.attempts,
        'stale', coalesce(v_stale, true),
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
                     g.location_address, g.municipality), '') END);
END
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
