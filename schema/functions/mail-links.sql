-- SPDX-License-Identifier: Apache-2.0
-- Links by email (table: 023_mail_links.sql; docs/mail.md "Links"): asking
-- for a sign-in, reset or verification mail, the link the delivery process
-- stores as it sends one, what a link may do, and using it. A person's mail
-- preferences. Errors as in auth.sql: SQLSTATE PI<status>, the code as the
-- message, a sentence for people as HINT.

-- The organization of account messages, which belong to none.
CREATE OR REPLACE FUNCTION mail_no_org() RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT '00000000-0000-0000-0000-000000000000'::uuid
$$;

-- How long a link works. A sign-in link is the shortest: it is a password.
CREATE OR REPLACE FUNCTION mail_link_ttl(p_purpose text) RETURNS interval LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_purpose WHEN 'verify' THEN interval '48 hours' WHEN 'reset' THEN interval '1 hour'
                          WHEN 'signin' THEN interval '20 minutes' WHEN 'unsubscribe' THEN interval '90 days' END
$$;

-- The link a message of kind p_kind carries: an account message its action,
-- every other message a way to stop that kind of message.
CREATE OR REPLACE FUNCTION mail_kind_purpose(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind WHEN 'email_verify' THEN 'verify' WHEN 'password_reset' THEN 'reset'
                       WHEN 'signin_link' THEN 'signin' ELSE 'unsubscribe' END
$$;

-- The messages a person may turn off, in the order the preferences show them.
CREATE OR REPLACE FUNCTION mail_optional_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['signup_confirmed', 'signup_waitlisted', 'signup_promoted', 'session_cancelled',
                 'session_moved']
$$;

-- Asking for a link by email: counted under the hashed keys (client
-- address, email) like a registration, refused with the seconds to wait
-- when one is over its limit; else a message is queued when the address
-- has an account (and, for 'verify', one not verified yet) and no such
-- message is already waiting. Returns 0 either way, so the answer does not
-- tell whether the address has an account.
CREATE OR REPLACE FUNCTION api_mail_link_request(p_keys bytea[], p_limits int[], p_window interval,
                                                 p_email_key text, p_purpose text)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v_wait int := api_register_begin(p_keys, p_limits, p_window);
    v_kind text := CASE p_purpose WHEN 'verify' THEN 'email_verify' WHEN 'reset' THEN 'password_reset'
                                  WHEN 'signin' THEN 'signin_link' END;
    p persons;
BEGIN
    IF v_wait > 0 THEN
        RETURN v_wait;
    END IF;
    SELECT * INTO p FROM persons WHERE email_key = p_email_key AND erased_at IS NULL;
    IF p.id IS NOT NULL AND (p_purpose <> 'verify' OR p.email_verified_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM notification_outbox o
                       WHERE o.org_id = mail_no_org() AND o.person_id = p.id AND o.kind = v_kind
                         AND o.status = 'queued') THEN
        PERFORM outbox_add(mail_no_org(), p.id, v_kind, '{}');
    END IF;
    RETURN 0;
END
$$;

-- The delivery process sent a message with a link whose token hashes to
-- p_hash: keep what it may do. Old links go a few at a time.
CREATE OR REPLACE FUNCTION mail_link_store(p_hash bytea, p_person uuid, p_purpose text, p_kind text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO mail_links (token_hash, person_id, purpose, kind, expires_at)
    VALUES (p_hash, p_person, p_purpose, CASE WHEN p_purpose = 'unsubscribe' THEN p_kind END,
            now() + mail_link_ttl(p_purpose));
    DELETE FROM mail_links WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM mail_links WHERE expires_at < now() - interval '1 day' ORDER BY expires_at LIMIT 20));
$$;

-- A link that still works: not expired, its account not erased, and unused
-- (an unsubscribe link may be used again: doing it twice is doing it once,
-- and a mail program may have used it before the person clicks).
CREATE OR REPLACE FUNCTION mail_link_valid(p_hash bytea) RETURNS mail_links LANGUAGE plpgsql STABLE AS $$
DECLARE
    l mail_links;
BEGIN
    SELECT k.* INTO l FROM mail_links k JOIN persons p ON p.id = k.person_id
    WHERE k.token_hash = p_hash AND k.expires_at > now() AND p.erased_at IS NULL
      AND (k.used_at IS NULL OR k.purpose = 'unsubscribe');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'link_gone' USING ERRCODE = 'PI410',
            HINT = 'This link has been used or is too old. Ask for a new one.';
    END IF;
    RETURN l;
END
$$;

-- What a link would do, without doing it (the confirmation page).
CREATE OR REPLACE FUNCTION api_mail_link_get(p_hash bytea) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    l mail_links := mail_link_valid(p_hash);
BEGIN
    RETURN json_build_object('purpose', l.purpose, 'kind', l.kind,
                             'expires_at', rfc3339(l.expires_at, 'UTC'));
END
$$;

-- Use a link once: it must still work and be for p_purpose. Any link
-- proves the mailbox, so the address is verified; a sign-in or reset link
-- used makes the person's other unused ones void.
CREATE OR REPLACE FUNCTION mail_link_use(p_hash bytea, p_purpose text) RETURNS mail_links
LANGUAGE plpgsql AS $$
DECLARE
    l mail_links;
BEGIN
    PERFORM mail_link_valid(p_hash);
    UPDATE mail_links SET used_at = coalesce(used_at, now())
    WHERE token_hash = p_hash AND purpose = p_purpose AND expires_at > now()
      AND (used_at IS NULL OR purpose = 'unsubscribe')
    RETURNING * INTO l;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'link_gone' USING ERRCODE = 'PI410',
            HINT = 'This link has been used or is too old. Ask for a new one.';
    END IF;
    UPDATE persons SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = l.person_id;
    IF p_purpose IN ('signin', 'reset') THEN
        UPDATE mail_links SET used_at = now()
        WHERE person_id = l.person_id AND purpose IN ('signin', 'reset') AND used_at IS NULL;
    END IF;
    RETURN l;
END
$$;

CREATE OR REPLACE FUNCTION api_mail_link_verify(p_hash bytea) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    l mail_links := mail_link_use(p_hash, 'verify');
BEGIN
    RETURN json_build_object('status', 'verified');
END
$$;

-- A sign-in link: a new credential, a bearer token (p_web false) or a web
-- session (true) whose value hashes to p_credential, for p_days.
CREATE OR REPLACE FUNCTION mail_link_credential(p_person uuid, p_credential bytea, p_days int, p_web boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_web THEN
        INSERT INTO web_sessions (token_hash, person_id, expires_at)
        VALUES (p_credential, p_person, now() + make_interval(days => p_days));
    ELSE
        INSERT INTO auth_tokens (token_hash, person_id, expires_at)
        VALUES (p_credential, p_person, now() + make_interval(days => p_days));
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION api_mail_link_signin(p_hash bytea, p_credential bytea, p_days int, p_web boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    l mail_links := mail_link_use(p_hash, 'signin');
    p persons := login_person(l.person_id);
BEGIN
    PERFORM mail_link_credential(p.id, p_credential, p_days, p_web);
    RETURN person_json(p);
END
$$;

-- A new password: whoever held the old one, or a credential made with it,
-- is signed out everywhere; then signed in here.
CREATE OR REPLACE FUNCTION api_mail_link_reset(p_hash bytea, p_password_hash text, p_credential bytea,
                                               p_days int, p_web boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    l mail_links := mail_link_use(p_hash, 'reset');
    p persons := login_person(l.person_id);
BEGIN
    UPDATE persons SET password_hash = p_password_hash WHERE id = p.id;
    DELETE FROM auth_tokens WHERE person_id = p.id;
    DELETE FROM web_sessions WHERE person_id = p.id;
    DELETE FROM login_devices WHERE person_id = p.id;
    PERFORM mail_link_credential(p.id, p_credential, p_days, p_web);
    RETURN person_json(p);
END
$$;

-- The one-click unsubscribe (RFC 8058) and its confirmation page: the kind
-- of message the link came with is turned off (a reminder's: reminders).
CREATE OR REPLACE FUNCTION api_mail_link_unsubscribe(p_hash bytea) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    l mail_links := mail_link_use(p_hash, 'unsubscribe');
BEGIN
    UPDATE persons SET
        mail_reminders = mail_reminders AND l.kind IS DISTINCT FROM 'session_reminder',
        mail_off = CASE WHEN l.kind = ANY (mail_optional_kinds()) AND NOT l.kind = ANY (mail_off)
                        THEN mail_off || l.kind ELSE mail_off END
    WHERE id = l.person_id;
    RETURN json_build_object('status', 'unsubscribed', 'kind', l.kind);
END
$$;

-- Preferences ------------------------------------------------------------------

CREATE OR REPLACE FUNCTION mail_prefs_json(p persons) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'email', p.email, 'email_verified', p.email_verified_at IS NOT NULL,
        'language', p.language,
        'reminders', p.mail_reminders,
        'messages', (SELECT json_object_agg(k, NOT k = ANY (p.mail_off) ORDER BY n)
                     FROM unnest(mail_optional_kinds()) WITH ORDINALITY AS u(k, n)))
$$;

CREATE OR REPLACE FUNCTION api_me_mail(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT mail_prefs_json(p) FROM persons p WHERE p.id = p_person
$$;

-- A change: only what p_change names (checked in C: language fi/sv/en,
-- reminders a boolean, messages an object of known kinds and booleans).
CREATE OR REPLACE FUNCTION api_me_mail_update(p_person uuid, p_change jsonb) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE persons p SET
        language = coalesce(p_change->>'language', p.language),
        mail_reminders = coalesce((p_change->>'reminders')::boolean, p.mail_reminders),
        mail_off = coalesce((
            SELECT array_agg(k ORDER BY n) FROM unnest(mail_optional_kinds()) WITH ORDINALITY AS u(k, n)
            WHERE coalesce((p_change->'messages'->>k)::boolean, NOT k = ANY (p.mail_off)) = false), '{}')
    WHERE p.id = p_person;
    RETURN api_me_mail(p_person);
END
$$;
