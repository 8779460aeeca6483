-- SPDX-License-Identifier: Apache-2.0
-- Signing in and registering: login and registration throttles, device
-- tokens, and the email key that makes one account per address however it
-- is spelt (tables: 001_init.sql, 008_auth_identity.sql).
--
-- Functions raise errors as SQLSTATE PI<http status> with the error code as
-- the message, the field as DETAIL and a sentence for people as HINT.

-- Throttles -----------------------------------------------------------------

-- Throttling: p_keys are hashed throttle keys (pair, address), p_limits how
-- many failures each may have within p_window. Returns the seconds to wait
-- (0 when the attempt may go on).
CREATE OR REPLACE FUNCTION login_retry_after(p_keys bytea[], p_limits int[], p_window interval)
RETURNS int LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(ceil(extract(epoch FROM (f.failed_at + p_window - now())))::int), 0)
    FROM unnest(p_keys, p_limits) AS k(key_hash, lim)
    CROSS JOIN LATERAL (
        SELECT failed_at FROM login_failures
        WHERE key_hash = k.key_hash AND failed_at > now() - p_window
        ORDER BY failed_at DESC OFFSET k.lim - 1 LIMIT 1) f
$$;

-- Email identity ------------------------------------------------------------

-- A row written without a key (by SQL), or whose address changes without
-- its key, gets one; an erased address loses it.
CREATE OR REPLACE FUNCTION persons_email_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.email IS NULL THEN
        NEW.email_key := NULL;
    ELSIF TG_OP = 'INSERT' AND NEW.email_key IS NULL THEN
        NEW.email_key := piiri_email_fold(NEW.email);
    ELSIF TG_OP = 'UPDATE' AND NEW.email IS DISTINCT FROM OLD.email
          AND NEW.email_key IS NOT DISTINCT FROM OLD.email_key THEN
        NEW.email_key := piiri_email_fold(NEW.email);
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER persons_email_key BEFORE INSERT OR UPDATE OF email, email_key ON persons
    FOR EACH ROW EXECUTE FUNCTION persons_email_key();

-- Devices -------------------------------------------------------------------

-- Erasing an account (api_erase_person) drops its device tokens.
CREATE OR REPLACE FUNCTION persons_erased_devices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM login_devices WHERE person_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER persons_erased_devices AFTER UPDATE OF erased_at ON persons
    FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL) EXECUTE FUNCTION persons_erased_devices();

-- Locks and counts ------------------------------------------------------------

-- Serialise the attempts that share a key, taking the locks in one order so
-- that two attempts never wait on each other.
CREATE OR REPLACE FUNCTION auth_lock_keys(p_keys bytea[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k bytea;
BEGIN
    FOREACH k IN ARRAY coalesce((SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(p_keys) x
                                 WHERE x IS NOT NULL), '{}') LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(encode(k, 'hex'), 7));
    END LOOP;
END
$$;

-- Failures of one key within the window, counted up to p_cap.
CREATE OR REPLACE FUNCTION login_failures_recent(p_key bytea, p_window interval, p_cap int) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (
        SELECT 1 FROM login_failures
        WHERE key_hash = p_key AND failed_at > now() - p_window LIMIT p_cap) f
$$;

CREATE OR REPLACE FUNCTION login_failures_prune(p_keys bytea[], p_window interval) RETURNS void LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE key_hash = ANY (p_keys) AND failed_at < now() - p_window;
    DELETE FROM login_failures WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM login_failures WHERE failed_at < now() - p_window ORDER BY failed_at LIMIT 20));
$$;

-- Logins ----------------------------------------------------------------------

-- Step 1 of a login, in one round trip: serialise on the keys, decide
-- whether the client is trusted (a valid device token of this person that
-- has not failed p_limits[3] times), refuse an untrusted one whose pair
-- (p_limits[1]) or address (p_limits[2]) is over its limit, else count
-- this attempt as a failure (forgiven by api_login_finish) and return the
-- stored hash with what the caller needs to order and slow down the work:
-- whether the pair and the address were clean before this attempt, and the
-- email's failures (which only slow answers down, never refuse them).
CREATE OR REPLACE FUNCTION api_login_begin(p_email_key text, p_pair bytea, p_addr bytea, p_email bytea,
                                p_device bytea, p_device_key bytea, p_limits int[],
                                p_window interval)
RETURNS TABLE (retry_after int, person_id uuid, password_hash text, attempt_id uuid,
               trusted boolean, clean boolean, email_failures int)
LANGUAGE plpgsql AS $$
DECLARE
    v_person persons;
    v_attempt uuid := gen_random_uuid();
    v_trusted boolean := false;
    v_wait int;
    v_counted bytea[];
BEGIN
    PERFORM auth_lock_keys(ARRAY[p_pair, p_addr, p_email, p_device_key]);
    SELECT * INTO v_person FROM persons p WHERE p.email_key = p_email_key;
    IF p_device IS NOT NULL AND v_person.id IS NOT NULL THEN
        v_trusted := EXISTS (SELECT 1 FROM login_devices d
                             WHERE d.token_hash = p_device AND d.person_id = v_person.id
                               AND d.expires_at > now())
                     AND login_failures_recent(p_device_key, p_window, p_limits[3]) < p_limits[3];
    END IF;
    IF v_trusted THEN
        v_counted := ARRAY[p_device_key, p_email];
    ELSE
        v_wait := login_retry_after(ARRAY[p_pair, p_addr], p_limits[1:2], p_window);
        IF v_wait > 0 THEN
            RETURN QUERY SELECT v_wait, NULL::uuid, NULL::text, NULL::uuid, false, false, 0;
            RETURN;
        END IF;
        v_counted := ARRAY[p_pair, p_addr, p_email];
    END IF;
    RETURN QUERY SELECT 0, v_person.id, v_person.password_hash, v_attempt, v_trusted,
        login_failures_recent(p_pair, p_window, 1) = 0 AND login_failures_recent(p_addr, p_window, 1) = 0,
        login_failures_recent(p_email, p_window, 64);
    INSERT INTO login_failures (key_hash, attempt_id) SELECT unnest(v_counted), v_attempt;
    PERFORM login_failures_prune(v_counted, p_window);
END
$$;

-- What every successful login does besides making its credential: this
-- attempt, the pair's earlier failures (this address knew the password) and
-- the device's are forgiven, not the address's nor the email's (they may be
-- someone else's). The device token shown is kept if it is this person's,
-- else p_new_device is stored (a person keeps the 20 last used). Returns
-- whether the device shown was kept.
CREATE OR REPLACE FUNCTION login_succeeded(p_person uuid, p_attempt uuid, p_pair bytea, p_device bytea,
                                           p_device_key bytea, p_new_device bytea, p_device_days int)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_kept boolean;
BEGIN
    DELETE FROM login_failures
    WHERE attempt_id = p_attempt OR key_hash = p_pair OR key_hash = p_device_key;
    UPDATE login_devices SET last_used_at = now(), expires_at = now() + make_interval(days => p_device_days)
    WHERE token_hash = p_device AND person_id = p_person AND expires_at > now();
    v_kept := FOUND;
    IF NOT v_kept THEN
        INSERT INTO login_devices (token_hash, person_id, expires_at)
        VALUES (p_new_device, p_person, now() + make_interval(days => p_device_days));
        DELETE FROM login_devices d
        WHERE d.person_id = p_person
          AND (d.expires_at <= now()
               OR d.token_hash NOT IN (SELECT x.token_hash FROM login_devices x WHERE x.person_id = p_person
                                       ORDER BY x.last_used_at DESC LIMIT 20));
    END IF;
    RETURN v_kept;
END
$$;

-- The account a login is for, unless it was erased meanwhile (401).
CREATE OR REPLACE FUNCTION login_person(p_person uuid) RETURNS persons LANGUAGE plpgsql AS $$
DECLARE
    p persons;
BEGIN
    SELECT * INTO p FROM persons WHERE id = p_person AND erased_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invalid_credentials' USING ERRCODE = 'PI401',
            HINT = 'The email address or the password is wrong.';
    END IF;
    RETURN p;
END
$$;

-- Step 2, the password matched: a new sign-in token (login_succeeded does
-- the rest).
CREATE OR REPLACE FUNCTION api_login_finish(p_person uuid, p_token bytea, p_days int, p_attempt uuid,
                                 p_pair bytea, p_device bytea, p_device_key bytea,
                                 p_new_device bytea, p_device_days int)
RETURNS TABLE (person json, device_kept boolean)
LANGUAGE plpgsql AS $$
DECLARE
    p persons := login_person(p_person);
BEGIN
    INSERT INTO auth_tokens (token_hash, person_id, expires_at)
    VALUES (p_token, p.id, now() + make_interval(days => p_days));
    RETURN QUERY SELECT person_json(p),
        login_succeeded(p.id, p_attempt, p_pair, p_device, p_device_key, p_new_device, p_device_days);
END
$$;

-- Step 2 of a web sign-in (the same step 1, api_login_begin): a web
-- session whose cookie value hashes to p_session, instead of a token.
CREATE OR REPLACE FUNCTION web_login_finish(p_person uuid, p_session bytea, p_days int, p_attempt uuid,
                                 p_pair bytea, p_device bytea, p_device_key bytea,
                                 p_new_device bytea, p_device_days int)
RETURNS TABLE (person json, device_kept boolean)
LANGUAGE plpgsql AS $$
DECLARE
    p persons := login_person(p_person);
BEGIN
    INSERT INTO web_sessions (token_hash, person_id, expires_at)
    VALUES (p_session, p.id, now() + make_interval(days => p_days));
    DELETE FROM web_sessions WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM web_sessions WHERE expires_at <= now() ORDER BY expires_at LIMIT 20));
    RETURN QUERY SELECT person_json(p),
        login_succeeded(p.id, p_attempt, p_pair, p_device, p_device_key, p_new_device, p_device_days);
END
$$;

-- Registrations ---------------------------------------------------------------

-- Step 1: serialise on the keys (client address, email), refuse when one
-- has p_limits attempts within p_window (the seconds to wait are
-- returned), else count this attempt. Returns 0 when it may go on.
CREATE OR REPLACE FUNCTION api_register_begin(p_keys bytea[], p_limits int[], p_window interval) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_wait int;
BEGIN
    PERFORM auth_lock_keys(p_keys);
    SELECT coalesce(max(ceil(extract(epoch FROM (a.attempted_at + p_window - now())))::int), 0)
    INTO v_wait
    FROM unnest(p_keys, p_limits) AS k(key_hash, lim)
    CROSS JOIN LATERAL (
        SELECT attempted_at FROM registration_attempts
        WHERE key_hash = k.key_hash AND attempted_at > now() - p_window
        ORDER BY attempted_at DESC OFFSET k.lim - 1 LIMIT 1) a;
    IF v_wait > 0 THEN
        RETURN v_wait;
    END IF;
    INSERT INTO registration_attempts (key_hash) SELECT unnest(p_keys);
    DELETE FROM registration_attempts WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM registration_attempts WHERE attempted_at < now() - p_window
        ORDER BY attempted_at LIMIT 20));
    RETURN 0;
END
$$;

-- Step 2, the password is hashed: the account, unless the address has one,
-- with the language of its mail (the page it registered on, or the body's;
-- Finnish when neither says), and the mail that verifies its address (until
-- then it gets no other). The caller answers the same either way, so that
-- registering does not tell anyone whether an address has an account.
CREATE OR REPLACE FUNCTION api_register_create(p_email text, p_email_key text, p_name text, p_hash text,
                                               p_language text)
RETURNS void LANGUAGE sql AS $$
    WITH p AS (
        INSERT INTO persons (email, email_key, display_name, password_hash, language)
        VALUES (p_email, p_email_key, p_name, p_hash, coalesce(p_language, 'fi'))
        ON CONFLICT (email_key) WHERE email_key IS NOT NULL DO NOTHING
        RETURNING id)
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT '00000000-0000-0000-0000-000000000000'::uuid, p.id, 'email_verify', '{}' FROM p;
$$;
