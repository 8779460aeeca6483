-- SPDX-License-Identifier: Apache-2.0
-- Access that ends with a membership, leaders chosen by coordinators only,
-- what each party sees of a pairing, and a limit on open support requests.
--
-- * Removing a person from an organization ends their pairings there as a
--   supporter: each is closed with the outcome 'membership_ended', recorded
--   with who removed them and when, and its request goes back to the queue.
--   piirid's authz also requires a supporter to be a current member for
--   every right a supporter has, so their access ends with the removal even
--   for a pairing this statement did not see.
-- * A group's leaders are leaders or coordinators of its org. Demoting one
--   to member ends every group leadership they have there, in the same
--   transaction (a removal does so through the foreign key of
--   group_leaders). Members who led a group before this migration are made
--   leaders, so no group loses its leaders.
-- * A requester sees who the supporter of a pairing is only once that
--   supporter has accepted. The coordinator's note and the history are in
--   the answer only for those authz names: the SQL leaves the rest out.
-- * A person may have at most support_requests_open_max() requests that
--   are not closed with one org.

-- Membership and one-to-one matching --------------------------------------------

ALTER TABLE pairings DROP CONSTRAINT pairings_outcome_check;
ALTER TABLE pairings ADD CONSTRAINT pairings_outcome_check
    CHECK (outcome IN ('completed', 'no_longer_needed', 'no_contact', 'not_a_fit', 'referred', 'other',
                       'account_erased', 'membership_ended'));

-- End p_person's proposed and active pairings as a supporter in p_org, as
-- p_actor's change. The supporter rows are locked first: a coordinator
-- proposing this supporter at the same moment (api_support_request_match
-- locks the supporter too) either finishes first, and its pairing is ended
-- here, or waits and then finds the supporter no longer a member.
CREATE FUNCTION matching_end_membership(p_org uuid, p_person uuid, p_actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    pr pairings;
    was text;
BEGIN
    PERFORM 1 FROM supporters WHERE org_id = p_org AND person_id = p_person FOR UPDATE;
    FOR pr IN
        SELECT p.* FROM pairings p
        JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
        WHERE p.org_id = p_org AND s.person_id = p_person AND p.status IN ('proposed', 'active')
        ORDER BY p.request_id
        FOR UPDATE OF p
    LOOP
        was := pr.status;
        UPDATE pairings SET status = 'closed', outcome = 'membership_ended', ended_at = now()
        WHERE org_id = pr.org_id AND id = pr.id RETURNING * INTO pr;
        PERFORM pairing_event(pr, was, p_actor);
        UPDATE support_requests SET status = 'open', updated_at = now()
        WHERE org_id = pr.org_id AND id = pr.request_id;
    END LOOP;
END
$$;

-- Removing a membership now names who removes it (for the pairing history).
DROP FUNCTION api_membership_delete(text, uuid);
CREATE FUNCTION api_membership_delete(p_slug text, p_person uuid, p_actor uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid;
BEGIN
    SELECT m.org_id INTO v_org FROM memberships m JOIN organizations o ON o.id = m.org_id
    WHERE o.slug = p_slug AND m.person_id = p_person
    FOR UPDATE OF m;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM matching_end_membership(v_org, p_person, p_actor);
    DELETE FROM memberships WHERE org_id = v_org AND person_id = p_person; -- group_leaders cascade
    RETURN true;
END
$$;

-- Group leadership ----------------------------------------------------------------

UPDATE memberships m SET role = 'leader', updated_at = now()
WHERE m.role = 'member'
  AND EXISTS (SELECT 1 FROM group_leaders l WHERE l.org_id = m.org_id AND l.person_id = m.person_id);

CREATE FUNCTION membership_end_leadership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM group_leaders WHERE org_id = NEW.org_id AND person_id = NEW.person_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_demoted AFTER UPDATE OF role ON memberships
    FOR EACH ROW WHEN (NEW.role = 'member' AND OLD.role <> 'member')
    EXECUTE FUNCTION membership_end_leadership();

-- Every leader must hold the leader or coordinator role in the group's org.
-- Their memberships are locked (FOR SHARE) while the leaders are written,
-- so a demotion at the same moment waits and then ends the new leadership.
CREATE OR REPLACE FUNCTION group_set_leaders(g groups, p_leaders jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_ids uuid[] := ARRAY(SELECT x::uuid FROM jsonb_array_elements_text(p_leaders) x);
BEGIN
    PERFORM 1 FROM memberships m WHERE m.org_id = g.org_id AND m.person_id = ANY (v_ids) FOR SHARE;
    IF EXISTS (SELECT 1 FROM unnest(v_ids) x
               WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = g.org_id AND m.person_id = x
                                 AND m.role IN ('leader', 'coordinator'))) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'leaders',
            HINT = 'Every leader must be a leader or coordinator of the organization.';
    END IF;
    DELETE FROM group_leaders WHERE org_id = g.org_id AND group_id = g.id;
    INSERT INTO group_leaders (org_id, group_id, person_id)
    SELECT g.org_id, g.id, x FROM unnest(v_ids) x;
END
$$;

-- What each party sees of a pairing ---------------------------------------------------

-- authz in piirid needs to know whether the supporter ever accepted.
CREATE OR REPLACE FUNCTION pairing_facts_json(p pairings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', (SELECT slug FROM organizations WHERE id = p.org_id),
        'supporter', (SELECT person_id FROM supporters WHERE org_id = p.org_id AND id = p.supporter_id),
        'requester', (SELECT requester_id FROM support_requests WHERE org_id = p.org_id AND id = p.request_id),
        'active', p.status = 'active',
        'accepted', p.accepted_at IS NOT NULL)
$$;

-- A pairing as one reader may see it, with the rights piirid's authz gave:
-- p_supporter (who the supporter is; null otherwise), p_note (the
-- coordinator's note; left out otherwise), p_events (the history; left out
-- otherwise). The keys keep the order of pairing_json.
CREATE FUNCTION pairing_view_json(p pairings, p_supporter boolean, p_note boolean, p_events boolean)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_object_agg(f.k, f.v ORDER BY f.n)
    FROM (VALUES
        (1, 'id', to_json(p.id)),
        (2, 'org', to_json((SELECT slug FROM organizations WHERE id = p.org_id))),
        (3, 'request_id', to_json(p.request_id)),
        (4, 'supporter', CASE WHEN p_supporter THEN
            (SELECT json_build_object('id', s.id, 'public_name', s.public_name)
             FROM supporters s WHERE s.org_id = p.org_id AND s.id = p.supporter_id) END),
        (5, 'status', to_json(p.status)),
        (6, 'note', CASE WHEN p_note THEN to_json(p.note) END),
        (7, 'outcome', to_json(p.outcome)),
        (8, 'created_at', to_json(p.created_at)),
        (9, 'accepted_at', to_json(p.accepted_at)),
        (10, 'ended_at', to_json(p.ended_at)),
        (11, 'events', CASE WHEN p_events THEN pairing_events_json(p) END)
    ) f(n, k, v)
    WHERE (f.k <> 'note' OR p_note) AND (f.k <> 'events' OR p_events)
$$;

DROP FUNCTION api_pairing_get(uuid);
CREATE FUNCTION api_pairing_read(p_id uuid, p_supporter boolean, p_note boolean, p_events boolean)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('pairing', pairing_view_json(p, p_supporter, p_note, p_events))
    FROM pairings p WHERE p.id = p_id
$$;

-- accept, decline and close as before; the answer shows what the actor may see.
DROP FUNCTION api_pairing_change(uuid, text, uuid, text);
CREATE FUNCTION api_pairing_change(p_id uuid, p_action text, p_actor uuid, p_outcome text,
                                   p_supporter boolean, p_note boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    pr pairings;
    was text;
    req_status text;
BEGIN
    SELECT * INTO pr FROM pairings WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such pairing.';
    END IF;
    PERFORM 1 FROM support_requests WHERE org_id = pr.org_id AND id = pr.request_id FOR UPDATE;
    was := pr.status;
    IF p_action IN ('accept', 'decline') AND pr.status <> 'proposed' THEN
        RAISE EXCEPTION 'pairing_not_proposed' USING ERRCODE = 'PI409',
            HINT = 'Only a proposed pairing can be accepted or declined.';
    END IF;
    IF p_action = 'close' AND pr.status NOT IN ('proposed', 'active') THEN
        RAISE EXCEPTION 'pairing_not_open' USING ERRCODE = 'PI409', HINT = 'The pairing has ended.';
    END IF;
    IF p_action = 'accept' THEN
        UPDATE pairings SET status = 'active', accepted_at = now()
        WHERE org_id = pr.org_id AND id = pr.id RETURNING * INTO pr;
        req_status := 'active';
    ELSIF p_action = 'decline' THEN
        UPDATE pairings SET status = 'declined', ended_at = now()
        WHERE org_id = pr.org_id AND id = pr.id RETURNING * INTO pr;
        req_status := 'open';
    ELSE
        UPDATE pairings SET status = 'closed', outcome = p_outcome, ended_at = now()
        WHERE org_id = pr.org_id AND id = pr.id RETURNING * INTO pr;
        req_status := 'closed';
    END IF;
    UPDATE support_requests SET status = req_status, updated_at = now(),
        closed_at = CASE WHEN req_status = 'closed' THEN now() ELSE closed_at END
    WHERE org_id = pr.org_id AND id = pr.request_id;
    PERFORM pairing_event(pr, was, p_actor);
    RETURN json_build_object('pairing', pairing_view_json(pr, p_supporter, p_note, false));
END
$$;

-- The requester's view of their request's current pairing: the supporter
-- is named once they accepted (a proposal closed before an answer never
-- names them).
CREATE OR REPLACE FUNCTION request_pairing_json(q support_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'status', p.status,
        'supporter', CASE WHEN p.accepted_at IS NOT NULL
                     THEN json_build_object('id', s.id, 'public_name', s.public_name) END)
    FROM pairings p JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
    WHERE p.org_id = q.org_id AND p.request_id = q.id AND p.status <> 'declined'
    ORDER BY p.created_at DESC, p.id LIMIT 1
$$;

-- A supporter's own pairings, in the orgs they are still a member of.
CREATE OR REPLACE FUNCTION api_my_pairings(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('pairings', coalesce(
        (SELECT json_agg(pairing_json(p) ORDER BY p.created_at DESC, p.id)
         FROM pairings p JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
         WHERE s.person_id = p_person
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = p.org_id AND m.person_id = p_person)),
        '[]'))
$$;

-- Open support requests ---------------------------------------------------------------

-- How many requests that are not closed one person may have with one org.
CREATE FUNCTION support_requests_open_max() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$;

-- One person's requests to one org are counted and written one transaction
-- at a time (a transaction-scoped advisory lock, so PgBouncer in
-- transaction mode is fine), so parallel POSTs cannot pass the limit.
CREATE OR REPLACE FUNCTION api_support_request_create(p_org text, p_person uuid, p jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid := matching_org(p_org);
    v_max int := support_requests_open_max();
    q support_requests;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('support_requests:' || v_org || ':' || p_person, 0));
    IF (SELECT count(*) FROM support_requests
        WHERE org_id = v_org AND requester_id = p_person AND status <> 'closed') >= v_max THEN
        RAISE EXCEPTION 'too_many_open_requests' USING ERRCODE = 'PI409',
            HINT = format('You already have %s support requests with this organization that are not closed.',
                          v_max);
    END IF;
    INSERT INTO support_requests (org_id, requester_id, topics, municipality, languages, contact_modes,
        message, preferences, consent_at)
    VALUES (v_org, p_person,
        ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'topics', '[]'))),
        p->>'municipality',
        ARRAY(SELECT jsonb_array_elements_text(p->'languages')),
        ARRAY(SELECT jsonb_array_elements_text(p->'contact_modes')),
        p->>'message', p->>'preferences', now())
    RETURNING * INTO q;
    RETURN json_build_object('request', json_build_object('id', q.id, 'status', q.status));
END
$$;
