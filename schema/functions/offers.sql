-- SPDX-License-Identifier: Apache-2.0
-- Waitlist offers (columns: 026_waitlist_offers.sql; docs/api.md "Waitlist
-- offers"): answering an offer, by the API or by the link its mail
-- carries, and passing on the offers nobody answered in time. Every change
-- is made under the seat-count lock, in the order signing up takes it (the
-- row that counts the seats first, then the signup re-read), so an offer's
-- seats are never given twice. Offers are made by waitlist_promote
-- (signups.sql).

-- The signup p_id, re-read under the lock on the row that counts its seats.
CREATE OR REPLACE FUNCTION offer_locked(p_id uuid) RETURNS signups LANGUAGE plpgsql AS $$
DECLARE
    x signups;
BEGIN
    SELECT * INTO x FROM signups WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such signup.';
    END IF;
    IF x.session_id IS NULL THEN
        PERFORM 1 FROM groups WHERE org_id = x.org_id AND id = x.group_id FOR UPDATE;
    ELSE
        PERFORM 1 FROM sessions WHERE org_id = x.org_id AND id = x.session_id FOR UPDATE;
    END IF;
    SELECT * INTO x FROM signups WHERE org_id = x.org_id AND id = p_id;
    RETURN x;
END
$$;

-- Accept ('accept': confirmed, its seats were already held; the mail is
-- signup_confirmed) or decline ('decline': cancelled, and the seats are
-- offered to the next in line). 409 no_offer when the signup has no open
-- offer; 409 offer_expired once p_now is past its deadline, whether or not
-- offers_expire has passed it on yet (it will).
CREATE OR REPLACE FUNCTION api_signup_offer_answer(p_id uuid, p_by uuid, p_answer text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    x signups := offer_locked(p_id);
BEGIN
    IF x.status <> 'offered' AND NOT (x.status = 'cancelled' AND x.offer_expires_at <= p_now) THEN
        PERFORM signup_fail('no_offer', '409', NULL, 'This signup has no open offer.');
    END IF;
    IF x.offer_expires_at <= p_now THEN
        PERFORM signup_fail('offer_expired', '409', NULL,
            'The offer was not answered in time; its place has passed to the next in line.');
    END IF;
    IF p_answer = 'accept' THEN
        UPDATE signups SET status = 'confirmed', offer_expires_at = NULL, updated_at = now()
        WHERE org_id = x.org_id AND id = x.id
        RETURNING * INTO x;
        PERFORM outbox_add(x.org_id, signup_recipient(x), 'signup_confirmed',
            jsonb_build_object('signup_id', x.id, 'group_id', x.group_id, 'session_id', x.session_id));
    ELSE
        PERFORM api_signup_cancel(x.id, p_by);
        SELECT * INTO x FROM signups WHERE org_id = x.org_id AND id = x.id;
    END IF;
    RETURN json_build_object('signup', signup_json(x));
END
$$;

-- Pass on up to p_limit offers whose deadline is at or before p_now: each
-- is declined for its person (cancelled, by nobody) and its seats go to
-- the next in line. Run by every worker of every piirid (server/offers.c):
-- a seat count another transaction holds is skipped (SKIP LOCKED: this
-- never waits, so it cannot deadlock with a capacity change that locks
-- several), and the signup is re-read under the lock, so each offer is
-- passed on once. Returns how many were.
CREATE OR REPLACE FUNCTION offers_expire(p_now timestamptz, p_limit int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    c record;
    x signups;
    n int := 0;
BEGIN
    FOR c IN SELECT org_id, id, group_id, session_id FROM signups
             WHERE status = 'offered' AND offer_expires_at <= p_now
             ORDER BY offer_expires_at, id LIMIT p_limit LOOP
        IF c.session_id IS NULL THEN
            PERFORM 1 FROM groups WHERE org_id = c.org_id AND id = c.group_id FOR UPDATE SKIP LOCKED;
        ELSE
            PERFORM 1 FROM sessions WHERE org_id = c.org_id AND id = c.session_id FOR UPDATE SKIP LOCKED;
        END IF;
        CONTINUE WHEN NOT FOUND;
        SELECT * INTO x FROM signups WHERE org_id = c.org_id AND id = c.id;
        CONTINUE WHEN x.status <> 'offered' OR x.offer_expires_at > p_now;
        PERFORM api_signup_cancel(x.id, NULL);
        -- The lapsed offer's deadline stays, for the late answer.
        UPDATE signups SET offer_expires_at = x.offer_expires_at WHERE org_id = x.org_id AND id = x.id;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- By the link in the offer's mail ----------------------------------------------

-- What an offer link's page shows: the signup's offer, open or not, with
-- the group's title unless the person keeps titles discreet.
CREATE OR REPLACE FUNCTION mail_link_offer_json(l mail_links) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'signup_id', x.id, 'status', x.status,
        'open', x.status = 'offered' AND x.offer_expires_at > now(),
        'expires_at', CASE WHEN x.status = 'offered' THEN rfc3339(x.offer_expires_at, g.schedule_timezone) END,
        'group', CASE WHEN NOT p.discreet_calendar THEN
                     coalesce(CASE p.language WHEN 'sv' THEN g.title_sv WHEN 'en' THEN g.title_en END, g.title) END,
        'starts_at', rfc3339(s.starts_at, g.schedule_timezone),
        'adults', x.adults, 'children', x.children)
    FROM signups x
    JOIN groups g ON g.org_id = x.org_id AND g.id = x.group_id
    JOIN persons p ON p.id = l.person_id
    LEFT JOIN sessions s ON s.org_id = x.org_id AND s.id = x.session_id
    WHERE x.id = l.signup_id
$$;

-- Answer the offer by its link (used once): as its owner would by the API.
CREATE OR REPLACE FUNCTION api_mail_link_offer(p_hash bytea, p_answer text) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    l mail_links := mail_link_use(p_hash, 'offer');
BEGIN
    RETURN (api_signup_offer_answer(l.signup_id, l.person_id, p_answer, now())::jsonb
            || jsonb_build_object('status', CASE p_answer WHEN 'accept' THEN 'accepted' ELSE 'declined' END))::json;
END
$$;
