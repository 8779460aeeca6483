-- SPDX-License-Identifier: Apache-2.0
-- Signups with a waitlist per group's policy, strict FIFO or first that
-- fits (tables: 003_signups.sql, 015_waitlist_guests.sql). Capacity
-- decisions and writes happen in one transaction that locks the row holding
-- the seat count (the session for per-session signups, the group for series
-- signups), so a group is never overbooked whatever the concurrency.

-- Who takes part ------------------------------------------------------------

-- Confirmed participants of a session: its own signups and the series'.
CREATE OR REPLACE FUNCTION session_participants(p_org uuid, p_group uuid, p_session uuid)
RETURNS SETOF signups LANGUAGE sql STABLE AS $$
    SELECT * FROM signups
    WHERE org_id = p_org AND group_id = p_group AND status = 'confirmed'
      AND (session_id = p_session OR session_id IS NULL)
$$;

CREATE OR REPLACE FUNCTION waitlist_position(x signups) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x.status <> 'waitlisted' THEN NULL ELSE
        (SELECT count(*)::int FROM signups w
         WHERE w.org_id = x.org_id AND w.group_id = x.group_id
           AND signup_target(w.session_id) = signup_target(x.session_id)
           AND w.status = 'waitlisted' AND w.queue_seq <= x.queue_seq) END
$$;

-- The consent a signup gave: when, and the group's wording as it was then
-- ({given_at, text, text_sv, text_en}); NULL when the group asked for none.
CREATE OR REPLACE FUNCTION signup_consent_json(x signups) RETURNS json LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN x.consent_given_at IS NULL THEN NULL
        ELSE json_build_object('given_at', x.consent_given_at, 'text', x.consent_text->>'text',
                               'text_sv', x.consent_text->>'text_sv', 'text_en', x.consent_text->>'text_en') END
$$;

-- An open offer's deadline (NULL for any other signup), a time like
-- created_at's.
CREATE OR REPLACE FUNCTION signup_offer_expires(x signups) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN x.status = 'offered' THEN x.offer_expires_at END
$$;

CREATE OR REPLACE FUNCTION signup_json(x signups) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'group_id', x.group_id, 'session_id', x.session_id,
        'status', x.status, 'waitlist_position', waitlist_position(x),
        'offer_expires_at', signup_offer_expires(x),
        'adults', x.adults, 'children', x.children, 'seats', x.seats, 'note', x.note,
        'consent', signup_consent_json(x), 'created_at', x.created_at)
$$;

-- The waitlist ---------------------------------------------------------------

-- Who hears about a signup: its person, or for a guest signup (no account)
-- the coordinator who made it, who passes it on.
CREATE OR REPLACE FUNCTION signup_recipient(x signups) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(x.person_id, x.signed_up_by)
$$;

-- Promote from the line in order. The group's waitlist_policy says what a
-- party that does not fit does: 'strict' stops the line there (first come,
-- first served), 'fit' lets the next ones whose whole party fits go ahead,
-- so free places are not left empty while a larger party waits. With
-- waitlist_offer_hours, a promotion is an offer (offered, holding its
-- seats until offer_deadline) rather than a confirmation. The caller holds
-- the lock on the row that counts the seats. Returns the seats now taken.
CREATE OR REPLACE FUNCTION waitlist_promote(p_org uuid, p_group uuid, p_session uuid, p_capacity int, p_taken int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    w signups;
    g groups;
    v_deadline timestamptz;
BEGIN
    SELECT * INTO g FROM groups WHERE org_id = p_org AND id = p_group;
    v_deadline := offer_deadline(g, p_session);
    FOR w IN SELECT * FROM signups
             WHERE org_id = p_org AND group_id = p_group
               AND signup_target(session_id) = signup_target(p_session) AND status = 'waitlisted'
             ORDER BY queue_seq LOOP
        IF p_capacity IS NOT NULL AND p_taken + w.seats > p_capacity THEN
            EXIT WHEN g.waitlist_policy <> 'fit' OR p_taken >= p_capacity;
            CONTINUE;
        END IF;
        UPDATE signups SET status = CASE WHEN v_deadline IS NULL THEN 'confirmed' ELSE 'offered' END,
            offer_expires_at = v_deadline, updated_at = now()
        WHERE org_id = w.org_id AND id = w.id;
        p_taken := p_taken + w.seats;
        PERFORM outbox_add(p_org, signup_recipient(w),
            CASE WHEN v_deadline IS NULL THEN 'signup_promoted' ELSE 'signup_offered' END,
            jsonb_build_object('signup_id', w.id, 'group_id', p_group, 'session_id', p_session));
    END LOOP;
    RETURN p_taken;
END
$$;

-- Until when an offer made now holds its seats: the group's
-- waitlist_offer_hours, but never past the start of the session it is for.
-- NULL: confirm at once (the group makes no offers, or the session is about
-- to begin and there is no time to answer).
CREATE OR REPLACE FUNCTION offer_deadline(g groups, p_session uuid) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_at timestamptz := now() + make_interval(hours => g.waitlist_offer_hours);
    v_start timestamptz;
BEGIN
    IF g.waitlist_offer_hours IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT starts_at INTO v_start FROM sessions WHERE org_id = g.org_id AND id = p_session;
    IF v_start IS NOT NULL AND v_start < v_at THEN
        v_at := v_start;
    END IF;
    RETURN CASE WHEN v_at > now() + interval '15 minutes' THEN v_at END;
END
$$;

-- Store the seat count on the row that holds it.
CREATE OR REPLACE FUNCTION seats_store(p_org uuid, p_group uuid, p_session uuid, p_taken int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_session IS NULL THEN
        UPDATE groups SET seats_taken = p_taken WHERE org_id = p_org AND id = p_group;
    ELSE
        UPDATE sessions SET seats_taken = p_taken WHERE org_id = p_org AND id = p_session;
    END IF;
END
$$;

-- When a series takes signups ---------------------------------------------------

-- The span of a group's sessions that are not cancelled: the start of the
-- first and the end of the last (NULLs when there is none). A cancelled
-- first meeting has not started the series, nor does a cancelled last one
-- keep it going.
CREATE OR REPLACE FUNCTION group_series_span(p_org uuid, p_group uuid, OUT first_start timestamptz,
                                             OUT last_end timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT min(starts_at), max(ends_at) FROM sessions
    WHERE org_id = p_org AND group_id = p_group AND status = 'scheduled'
$$;

-- A series (a closed group or a camp) takes signups, waitlist joins too,
-- until its first session starts, or with join_late until its last one
-- ends; a group with no session to come and none held has no window.
CREATE OR REPLACE FUNCTION signup_window_check(g groups) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    w record;
BEGIN
    SELECT * INTO w FROM group_series_span(g.org_id, g.id);
    IF w.last_end <= now() THEN
        PERFORM signup_fail('series_ended', '409', NULL, 'This series has ended.');
    END IF;
    IF w.first_start <= now() AND NOT g.join_late THEN
        PERFORM signup_fail('series_started', '409', NULL,
            'This series has begun and takes no new participants.');
    END IF;
END
$$;

-- Is the signup for something still to come: a session not yet started, or
-- a series not yet ended?
CREATE OR REPLACE FUNCTION signup_is_future(x signups) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x.session_id IS NULL
                THEN coalesce((group_series_span(x.org_id, x.group_id)).last_end > now(), true)
                ELSE (SELECT s.starts_at > now() FROM sessions s
                      WHERE s.org_id = x.org_id AND s.id = x.session_id) END
$$;

-- Signing up: one round trip, one transaction ----------------------------------

CREATE OR REPLACE FUNCTION signup_fail(p_code text, p_status text, p_field text, p_hint text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', p_code USING ERRCODE = 'PI' || p_status, DETAIL = coalesce(p_field, ''),
        HINT = p_hint;
END
$$;

-- The person the credential (its hash: a bearer token or a web session's
-- cookie) is of; 401 without one.
CREATE OR REPLACE FUNCTION signup_person(p_token bytea) RETURNS uuid LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_person uuid;
BEGIN
    SELECT t.person_id INTO v_person FROM auth_tokens t
    WHERE t.token_hash = p_token AND t.expires_at > now()
    UNION ALL
    SELECT w.person_id FROM web_sessions w
    WHERE w.token_hash = p_token AND w.expires_at > now()
    LIMIT 1;
    IF v_person IS NULL THEN
        RAISE EXCEPTION 'unauthorized' USING ERRCODE = 'PI401',
            HINT = 'Sign in: send Authorization: Bearer TOKEN.';
    END IF;
    RETURN v_person;
END
$$;

-- A signup by v_person, for themselves, or (p_guest, a display name) for
-- someone without an account, as a coordinator: the guest signup has no
-- person, so no one-per-person rule and no members-only rule (the
-- coordinator vouches); everything else is the same, the idempotency key
-- being the coordinator's. p_kind: 'group' (series) or 'session'. p_consent:
-- the person agreed to the group's consent_text (for a guest, the
-- coordinator says they did); a group that has one takes no signup without.
CREATE OR REPLACE FUNCTION signup_make(v_person uuid, p_guest text, p_kind text, p_target uuid, p_adults int,
                                       p_children int, p_note text, p_key text, p_consent boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    g groups;
    s sessions;
    v_session uuid;
    v_taken int;
    v_seats int := p_adults + p_children;
    v_waiting boolean;
    x signups;
    v_response json;
    v_key_target uuid;
BEGIN
    IF p_key IS NOT NULL THEN
        -- Waits for a concurrent request with the same key to finish.
        INSERT INTO idempotency_keys (person_id, key, target) VALUES (v_person, p_key, p_target)
        ON CONFLICT DO NOTHING;
        SELECT k.target, k.response INTO v_key_target, v_response FROM idempotency_keys k
        WHERE k.person_id = v_person AND k.key = p_key;
        IF v_key_target <> p_target THEN
            RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'Idempotency-Key',
                HINT = 'This Idempotency-Key was used for another request.';
        END IF;
        IF v_response IS NOT NULL THEN
            RETURN v_response;
        END IF;
    END IF;

    IF p_kind = 'group' THEN
        SELECT * INTO g FROM groups WHERE id = p_target FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such group.';
        END IF;
        IF g.access <> 'closed' AND g.kind <> 'camp' THEN
            PERFORM signup_fail('wrong_signup_kind', '409', NULL,
                'This group is open: sign up for a session instead.');
        END IF;
        v_taken := g.seats_taken;
    ELSE
        SELECT * INTO s FROM sessions WHERE id = p_target FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such session.';
        END IF;
        SELECT * INTO g FROM groups WHERE org_id = s.org_id AND id = s.group_id;
        IF g.access = 'closed' OR g.kind = 'camp' THEN
            PERFORM signup_fail('wrong_signup_kind', '409', NULL,
                'This group takes signups for the whole series: sign up for the group.');
        END IF;
        IF s.status = 'cancelled' THEN
            PERFORM signup_fail('session_cancelled', '409', NULL, 'This session is cancelled.');
        END IF;
        IF s.ends_at < now() THEN
            PERFORM signup_fail('session_over', '409', NULL, 'This session is over.');
        END IF;
        v_session := s.id;
        v_taken := s.seats_taken;
    END IF;

    IF g.archived_at IS NOT NULL THEN
        PERFORM signup_fail('group_archived', '409', NULL, 'This group no longer runs.');
    END IF;
    IF p_kind = 'group' THEN
        PERFORM signup_window_check(g);
    END IF;
    IF g.audience = 'members' AND p_guest IS NULL AND NOT EXISTS (
            SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.person_id = v_person) THEN
        PERFORM signup_fail('members_only', '403', NULL,
            'Only members of the organization may sign up for this group.');
    END IF;
    IF (g.registration_opens IS NOT NULL AND now() < g.registration_opens)
       OR (g.registration_closes IS NOT NULL AND now() > g.registration_closes) THEN
        PERFORM signup_fail('registration_closed', '409', NULL, 'Registration is not open now.');
    END IF;
    IF g.capacity IS NOT NULL AND v_seats > g.capacity THEN
        PERFORM signup_fail('invalid', '422', 'seats', 'The party is larger than the group.');
    END IF;
    IF g.consent_text IS NOT NULL AND NOT coalesce(p_consent, false) THEN
        PERFORM signup_fail('consent_required', '422', 'consent',
            'This group asks for consent to its consent_text: send "consent": true.');
    END IF;
    IF EXISTS (SELECT 1 FROM signups
               WHERE org_id = g.org_id AND group_id = g.id
                 AND coalesce(session_id, '00000000-0000-0000-0000-000000000000') =
                     coalesce(v_session, '00000000-0000-0000-0000-000000000000')
                 AND person_id = v_person AND status <> 'cancelled') AND p_guest IS NULL THEN
        PERFORM signup_fail('already_signed_up', '409', NULL, 'You have already signed up.');
    END IF;

    -- Strict FIFO: while anyone waits, newcomers queue behind them. Under
    -- 'fit' nobody waiting fits the free places (each promotion sees to
    -- that), so a newcomer who fits goes ahead.
    v_waiting := g.waitlist_policy = 'strict' AND EXISTS (SELECT 1 FROM signups
                         WHERE org_id = g.org_id AND group_id = g.id
                           AND signup_target(session_id) = signup_target(v_session)
                           AND status = 'waitlisted');
    INSERT INTO signups (org_id, group_id, session_id, person_id, adults, children, note, status,
                         guest_name, signed_up_by, consent_given_at, consent_text)
    VALUES (g.org_id, g.id, v_session, CASE WHEN p_guest IS NULL THEN v_person END, p_adults, p_children, p_note,
            CASE WHEN g.capacity IS NULL OR (NOT v_waiting AND v_taken + v_seats <= g.capacity)
                 THEN 'confirmed' ELSE 'waitlisted' END,
            p_guest, CASE WHEN p_guest IS NOT NULL THEN v_person END,
            CASE WHEN g.consent_text IS NOT NULL THEN now() END,
            CASE WHEN g.consent_text IS NOT NULL THEN jsonb_build_object('text', g.consent_text,
                'text_sv', g.consent_text_sv, 'text_en', g.consent_text_en) END)
    RETURNING * INTO x;
    IF x.status = 'confirmed' THEN
        PERFORM seats_store(g.org_id, g.id, v_session, v_taken + x.seats);
    END IF;
    PERFORM outbox_add(g.org_id, signup_recipient(x),
        CASE x.status WHEN 'confirmed' THEN 'signup_confirmed' ELSE 'signup_waitlisted' END,
        jsonb_build_object('signup_id', x.id, 'group_id', g.id, 'session_id', v_session));

    v_response := json_build_object('signup', json_build_object('id', x.id, 'status', x.status,
        'waitlist_position', waitlist_position(x), 'seats', x.seats));
    IF p_key IS NOT NULL THEN
        UPDATE idempotency_keys SET response = v_response WHERE person_id = v_person AND key = p_key;
    END IF;
    RETURN v_response;
END
$$;

-- p_token: hash of the bearer token (the person is resolved here, so the
-- whole request is one round trip).
CREATE OR REPLACE FUNCTION api_signup(p_token bytea, p_kind text, p_target uuid, p_adults int, p_children int,
                           p_note text, p_key text, p_consent boolean)
RETURNS json LANGUAGE sql AS $$
    SELECT signup_make(signup_person(p_token), NULL, p_kind, p_target, p_adults, p_children, p_note, p_key,
                       p_consent)
$$;

-- A coordinator signs someone up who has no account (p_name: the name they
-- gave); piirid has checked that p_by coordinates the group's org.
CREATE OR REPLACE FUNCTION api_signup_on_behalf(p_by uuid, p_name text, p_kind text, p_target uuid, p_adults int,
                                                p_children int, p_note text, p_key text, p_consent boolean)
RETURNS json LANGUAGE sql AS $$
    SELECT signup_make(p_by, p_name, p_kind, p_target, p_adults, p_children, p_note, p_key, p_consent)
$$;

-- Reading and cancelling ---------------------------------------------------------

-- The signup with its group, for authorising a cancellation: the facts
-- loader facts_signup (server/facts.c) reads it into struct signup_facts.
CREATE OR REPLACE FUNCTION api_signup_facts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('owner', x.person_id, 'status', x.status, 'group', group_json(g, NULL))
    FROM signups x JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    WHERE x.id = p_id
$$;

-- Cancel and promote, in one transaction under the seat-count lock (also
-- declining an offer, and one not answered in time: offers.sql).
CREATE OR REPLACE FUNCTION api_signup_cancel(p_id uuid, p_by uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    x signups;
    g groups;
    s sessions;
    v_taken int;
BEGIN
    SELECT * INTO x FROM signups WHERE id = p_id;
    IF NOT FOUND OR x.status = 'cancelled' THEN
        RETURN false;
    END IF;
    -- Lock the seat count first (the order signing up uses), then re-read.
    IF x.session_id IS NULL THEN
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id FOR UPDATE;
        v_taken := g.seats_taken;
    ELSE
        SELECT * INTO s FROM sessions WHERE org_id = x.org_id AND id = x.session_id FOR UPDATE;
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id;
        v_taken := s.seats_taken;
    END IF;
    SELECT * INTO x FROM signups WHERE org_id = x.org_id AND id = p_id;
    IF x.status = 'cancelled' THEN
        RETURN false;
    END IF;
    -- A guest's name and note are theirs alone: they go with the signup.
    UPDATE signups SET status = 'cancelled', cancelled_at = now(), cancelled_by = p_by, updated_at = now(),
        offer_expires_at = NULL, guest_name = NULL, note = CASE WHEN person_id IS NULL THEN NULL ELSE note END
    WHERE org_id = x.org_id AND id = x.id;
    -- An offer held its seats as a confirmed signup does: they pass on.
    IF x.status IN ('confirmed', 'offered') THEN
        v_taken := waitlist_promote(x.org_id, x.group_id, x.session_id, g.capacity, v_taken - x.seats);
        PERFORM seats_store(x.org_id, x.group_id, x.session_id, v_taken);
    END IF;
    RETURN true;
END
$$;

-- A coordinator confirms a waitlisted signup by hand, ahead of the line,
-- when its whole party fits the free places (409 does_not_fit otherwise),
-- under the seat-count lock as cancelling takes it. Who and when are kept.
CREATE OR REPLACE FUNCTION api_signup_confirm(p_id uuid, p_by uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    x signups;
    g groups;
    v_taken int;
BEGIN
    SELECT * INTO x FROM signups WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such signup.';
    END IF;
    IF x.session_id IS NULL THEN
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id FOR UPDATE;
        v_taken := g.seats_taken;
    ELSE
        SELECT seats_taken INTO v_taken FROM sessions WHERE org_id = x.org_id AND id = x.session_id FOR UPDATE;
        SELECT * INTO g FROM groups WHERE org_id = x.org_id AND id = x.group_id;
    END IF;
    SELECT * INTO x FROM signups WHERE org_id = x.org_id AND id = p_id;
    IF x.status <> 'waitlisted' THEN
        PERFORM signup_fail('not_waitlisted', '409', NULL, 'Only a waitlisted signup can be confirmed.');
    END IF;
    IF g.capacity IS NOT NULL AND v_taken + x.seats > g.capacity THEN
        PERFORM signup_fail('does_not_fit', '409', NULL,
            format('The party of %s does not fit: %s places are free.', x.seats, greatest(g.capacity - v_taken, 0)));
    END IF;
    UPDATE signups SET status = 'confirmed', confirmed_by = p_by, confirmed_at = now(), updated_at = now()
    WHERE org_id = x.org_id AND id = x.id
    RETURNING * INTO x;
    PERFORM seats_store(x.org_id, x.group_id, x.session_id, v_taken + x.seats);
    PERFORM outbox_add(x.org_id, signup_recipient(x), 'signup_promoted',
        jsonb_build_object('signup_id', x.id, 'group_id', x.group_id, 'session_id', x.session_id,
                           'confirmed_by', p_by));
    RETURN json_build_object('signup', signup_listed_json(x, (SELECT display_name FROM persons WHERE id = x.person_id)));
END
$$;

CREATE OR REPLACE FUNCTION api_my_signups(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signups', coalesce(json_agg(
        (signup_json(x)::jsonb || jsonb_build_object(
            'group_title', g.title,
            -- a session signup's time; a series has its sessions listing
            'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
            -- a series signup's next meeting: the first scheduled one not yet over
            'next_session', CASE WHEN x.session_id IS NULL AND x.status <> 'cancelled' THEN (
                SELECT json_build_object('id', n.id, 'starts_at', rfc3339(n.starts_at, g.schedule_timezone),
                                         'ends_at', rfc3339(n.ends_at, g.schedule_timezone))
                FROM sessions n
                WHERE n.org_id = g.org_id AND n.group_id = g.id AND n.status = 'scheduled' AND n.ends_at > now()
                ORDER BY n.starts_at, n.id LIMIT 1) END))::json
        ORDER BY x.created_at DESC), '[]'))
    FROM signups x
    JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    LEFT JOIN sessions s ON s.org_id = x.org_id AND s.id = x.session_id
    WHERE x.person_id = p_person
$$;

-- The sessions a person attends (an active signup for the session or its
-- series) or leads, overlapping [p_from, p_to), cancelled ones too: each
-- with the person's role (leader wins over participant) and their status:
-- leading, confirmed, waitlisted, or not_attending after an absence notice.
CREATE OR REPLACE FUNCTION api_my_sessions(p_person uuid, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH mine_groups AS (
        SELECT l.org_id, l.group_id FROM group_leaders l WHERE l.person_id = p_person
        UNION
        SELECT x.org_id, x.group_id FROM signups x WHERE x.person_id = p_person AND x.status <> 'cancelled'),
    mine AS (
        SELECT s, g,
               EXISTS (SELECT 1 FROM group_leaders l
                       WHERE l.org_id = g.org_id AND l.group_id = g.id AND l.person_id = p_person) AS leads,
               (SELECT x FROM signups x
                WHERE x.org_id = g.org_id AND x.group_id = g.id AND x.person_id = p_person
                  AND x.status <> 'cancelled' AND (x.session_id = s.id OR x.session_id IS NULL)
                ORDER BY x.session_id IS NULL LIMIT 1) AS signup,
               EXISTS (SELECT 1 FROM absence_notices n
                       WHERE n.org_id = s.org_id AND n.session_id = s.id AND n.person_id = p_person
                         AND n.withdrawn_at IS NULL) AS absent
        FROM mine_groups mg
        JOIN groups g ON g.org_id = mg.org_id AND g.id = mg.group_id
        JOIN sessions s ON s.org_id = g.org_id AND s.group_id = g.id
        WHERE g.archived_at IS NULL AND s.ends_at > p_from AND s.starts_at < p_to)
    SELECT json_build_object('sessions', coalesce(json_agg(
        (session_json(m.s, m.g)::jsonb || jsonb_build_object(
            'group_title', (m.g).title,
            'role', CASE WHEN m.leads THEN 'leader' ELSE 'participant' END,
            'my_status', CASE WHEN m.leads THEN 'leading'
                              WHEN m.absent THEN 'not_attending'
                              ELSE (m.signup).status END,
            'signup_id', (m.signup).id))::json
        ORDER BY (m.s).starts_at, (m.s).id), '[]'))
    FROM mine m
    WHERE m.leads OR (m.signup).id IS NOT NULL
$$;

-- A signup as the group's leaders and coordinators see it (and nobody
-- else: a guest's name is personal data). A guest signup (no person) has
-- the name the coordinator took down and who made it. p_name: the person's
-- display name (NULL for a guest).
CREATE OR REPLACE FUNCTION signup_listed_json(x signups, p_name text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', x.id, 'person_id', x.person_id,
        'display_name', CASE WHEN x.person_id IS NULL THEN x.guest_name ELSE p_name END,
        'adults', x.adults, 'children', x.children, 'status', x.status,
        'waitlist_position', waitlist_position(x), 'offer_expires_at', signup_offer_expires(x),
        'note', x.note,
        'on_behalf', x.person_id IS NULL, 'signed_up_by', x.signed_up_by,
        'confirmed_by', x.confirmed_by, 'confirmed_at', x.confirmed_at,
        'consent', signup_consent_json(x))
$$;

-- The absence notices (not withdrawn) of a signup's person, with their
-- reasons, for the group's listing: for p_session, or with p_session NULL
-- for the group's sessions not yet over. A guest signup has none.
CREATE OR REPLACE FUNCTION signup_absences_json(x signups, p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('session_id', n.session_id,
                                               'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
                                               'reason', n.reason, 'created_at', n.created_at)
                             ORDER BY s.starts_at, s.id), '[]')
    FROM absence_notices n
    JOIN sessions s ON s.org_id = n.org_id AND s.id = n.session_id
    JOIN groups g ON g.org_id = s.org_id AND g.id = s.group_id
    WHERE n.org_id = x.org_id AND n.person_id = x.person_id AND n.withdrawn_at IS NULL
      AND s.group_id = x.group_id
      AND CASE WHEN p_session IS NULL THEN s.ends_at > now() ELSE s.id = p_session END
$$;

-- A listed signup: signup_listed_json and its absences, keys in order.
CREATE OR REPLACE FUNCTION signup_listing_json(x signups, p_name text, p_session uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_object_agg(a.k, a.v ORDER BY a.n)
    FROM (SELECT e.k, e.v, e.n FROM json_each(signup_listed_json(x, p_name)) WITH ORDINALITY AS e(k, v, n)
          UNION ALL
          SELECT 'absences', signup_absences_json(x, p_session), 1000) AS a
$$;

-- Who is coming: p_session NULL lists the series signups of a group.
CREATE OR REPLACE FUNCTION api_signups_list(p_group uuid, p_session uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signups', coalesce(json_agg(signup_listing_json(x, p.display_name, p_session)
        ORDER BY x.status, x.queue_seq), '[]'))
    FROM signups x LEFT JOIN persons p ON p.id = x.person_id
    WHERE x.group_id = p_group AND x.session_id IS NOT DISTINCT FROM p_session
      AND x.status <> 'cancelled'
$$;

-- Capacity --------------------------------------------------------------------

-- Lowering the capacity (p_old to g.capacity) below the seats taken: the
-- series' confirmed seats, or any session's not yet over. Refused (409)
-- unless p_confirm; then nobody confirmed loses a seat: what is over-full
-- stays full (waitlist_promote promotes only into free seats) until enough
-- have cancelled. Returns what is over-full, or NULL. The caller holds the
-- group's row (the series' count); the sessions' counts are locked here, in
-- the order groups_capacity_changed takes them, so that no signup takes a
-- seat between this count and the new capacity.
CREATE OR REPLACE FUNCTION capacity_lowering_check(g groups, p_old int, p_confirm boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_over json;
BEGIN
    IF g.capacity IS NULL OR (p_old IS NOT NULL AND g.capacity >= p_old) THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM sessions s WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.ends_at > now()
    ORDER BY s.starts_at FOR UPDATE;
    SELECT json_agg(json_build_object('session_id', t.id, 'starts_at', rfc3339(t.starts_at, g.schedule_timezone),
                                      'seats_taken', t.taken, 'capacity', g.capacity)
                    ORDER BY t.starts_at NULLS FIRST) INTO v_over
    FROM (SELECT NULL::uuid AS id, NULL::timestamptz AS starts_at, g.seats_taken AS taken
          WHERE g.seats_taken > g.capacity
          UNION ALL
          SELECT s.id, s.starts_at, s.seats_taken FROM sessions s
          WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.ends_at > now()
            AND s.seats_taken > g.capacity) t;
    IF v_over IS NOT NULL AND NOT coalesce(p_confirm, false) THEN
        PERFORM signup_fail('capacity_below_taken', '409', 'capacity',
            'More seats are taken than the new capacity. To lower it anyway (nobody loses a seat, '
            || 'nobody moves up until seats free up), send ?confirm=capacity_below_taken.');
    END IF;
    RETURN v_over;
END
$$;

-- More room (a larger capacity), or a waitlist policy that became 'fit',
-- lets the waitlists move up at once; less room bumps nobody
-- (capacity_lowering_check).
CREATE OR REPLACE FUNCTION groups_capacity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
    v_taken int;
BEGIN
    IF NEW.capacity IS NOT NULL AND OLD.capacity IS NOT NULL AND NEW.capacity <= OLD.capacity
       AND NOT (NEW.waitlist_policy = 'fit' AND OLD.waitlist_policy <> 'fit') THEN
        RETURN NEW;
    END IF;
    v_taken := waitlist_promote(NEW.org_id, NEW.id, NULL, NEW.capacity, NEW.seats_taken);
    IF v_taken <> NEW.seats_taken THEN
        PERFORM seats_store(NEW.org_id, NEW.id, NULL, v_taken);
    END IF;
    FOR s IN SELECT * FROM sessions x
             WHERE x.org_id = NEW.org_id AND x.group_id = NEW.id AND x.ends_at > now()
               AND EXISTS (SELECT 1 FROM signups w WHERE w.org_id = x.org_id AND w.session_id = x.id
                             AND w.status = 'waitlisted')
             ORDER BY x.starts_at FOR UPDATE LOOP
        v_taken := waitlist_promote(NEW.org_id, NEW.id, s.id, NEW.capacity, s.seats_taken);
        PERFORM seats_store(NEW.org_id, NEW.id, s.id, v_taken);
    END LOOP;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER groups_capacity_changed AFTER UPDATE OF capacity, waitlist_policy ON groups
    FOR EACH ROW EXECUTE FUNCTION groups_capacity_changed();
