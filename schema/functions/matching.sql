-- SPDX-License-Identifier: Apache-2.0
-- One-to-one peer support (the matching module; tables: 004_matching.sql,
-- 006_membership_access.sql): trained supporters and their public
-- introductions, confidential support requests, pairings with every state
-- change recorded and a contact log (date, mode, minutes; never content),
-- the log of who read which request, and per-org retention.
--
-- Scoring, candidates and the batch assignment are computed in piirid
-- (server/matching.c) from what api_candidates_data and
-- api_matching_batch_data return; the functions here guard every change in
-- one transaction (capacity under a row lock on the supporter) and write
-- the access log in the same transaction as the read.

-- Helpers -------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION matching_org(p_slug text) RETURNS uuid LANGUAGE plpgsql STABLE AS $$
DECLARE
    v uuid;
BEGIN
    SELECT id INTO v FROM organizations WHERE slug = p_slug;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such organization.';
    END IF;
    RETURN v;
END
$$;

-- Proposed and active pairings: what max_active limits.
CREATE OR REPLACE FUNCTION supporter_load(p_org uuid, p_supporter uuid) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM pairings
    WHERE org_id = p_org AND supporter_id = p_supporter AND status IN ('proposed', 'active')
$$;

-- Shown in the org's list: not deleted or retired, and still a member.
CREATE OR REPLACE FUNCTION supporter_listed(s supporters) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.deleted_at IS NULL AND s.status <> 'retired'
       AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = s.org_id AND m.person_id = s.person_id)
$$;

-- What a person is to a request, for the access log and pairing history.
CREATE OR REPLACE FUNCTION matching_role(p_org uuid, p_person uuid, p_supporter_person uuid, p_requester uuid)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_person IS NULL THEN 'system'
        WHEN p_person = p_supporter_person THEN 'supporter'
        WHEN p_person = p_requester THEN 'requester'
        WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = p_org AND m.person_id = p_person
                     AND m.role = 'coordinator') THEN 'coordinator'
        ELSE 'admin' END
$$;

-- The person of the supporter in the request's active pairing, if any.
CREATE OR REPLACE FUNCTION request_active_supporter(p_org uuid, p_request uuid) RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT s.person_id FROM pairings p JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
    WHERE p.org_id = p_org AND p.request_id = p_request AND p.status = 'active'
$$;

-- Record that p_reader read the requests (org_id, id) in p_ids with p_action.
CREATE OR REPLACE FUNCTION request_reads_log(p_org uuid, p_ids uuid[], p_reader uuid, p_action text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO support_request_reads (org_id, request_id, reader_id, reader_role, action)
    SELECT q.org_id, q.id, p_reader,
           CASE WHEN r.role IN ('supporter', 'coordinator') THEN r.role ELSE 'admin' END, p_action
    FROM support_requests q
    CROSS JOIN LATERAL (SELECT matching_role(q.org_id, p_reader,
                                             request_active_supporter(q.org_id, q.id), q.requester_id)) r(role)
    WHERE q.org_id = p_org AND q.id = ANY (p_ids)
      AND q.requester_id IS DISTINCT FROM p_reader
$$;

-- JSON shapes ---------------------------------------------------------------------

-- What an association publishes: never an email, phone or training record.
CREATE OR REPLACE FUNCTION supporter_public_json(s supporters) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'public_name', s.public_name, 'bio', s.bio, 'topics', s.topics,
        'municipalities', s.municipalities, 'languages', s.languages,
        'contact_modes', s.contact_modes,
        'available', s.status = 'active' AND supporter_listed(s)
                     AND supporter_load(s.org_id, s.id) < s.max_active)
$$;

-- The whole record: coordinators and the supporter themself.
CREATE OR REPLACE FUNCTION supporter_json(s supporters) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'org', (SELECT slug FROM organizations WHERE id = s.org_id),
        'person_id', s.person_id, 'public_name', s.public_name, 'bio', s.bio, 'topics', s.topics,
        'municipalities', s.municipalities, 'languages', s.languages,
        'contact_modes', s.contact_modes, 'max_active', s.max_active,
        'active_pairings', supporter_load(s.org_id, s.id), 'status', s.status,
        'available', s.status = 'active' AND supporter_listed(s)
                     AND supporter_load(s.org_id, s.id) < s.max_active,
        'training', CASE WHEN s.training_course IS NULL THEN NULL
                    ELSE json_build_object('course', s.training_course,
                                           'completed_on', s.training_completed_on,
                                           'refresher_due', s.training_refresher_due) END,
        'pledge', CASE WHEN s.pledge_version IS NULL THEN NULL
                  ELSE json_build_object('version', s.pledge_version,
                                         'signed_on', s.pledge_signed_on) END,
        'created_at', s.created_at, 'updated_at', s.updated_at)
$$;

-- What scoring needs (server/matching.c).
CREATE OR REPLACE FUNCTION supporter_match_json(s supporters) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'person_id', s.person_id, 'public_name', s.public_name, 'topics', s.topics,
        'municipalities', s.municipalities, 'languages', s.languages,
        'contact_modes', s.contact_modes, 'status', s.status,
        'load', supporter_load(s.org_id, s.id), 'max_active', s.max_active)
$$;

CREATE OR REPLACE FUNCTION request_match_json(q support_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', q.id, 'person_id', q.requester_id, 'status', q.status, 'topics', q.topics,
        'municipality', q.municipality, 'languages', q.languages,
        'contact_modes', q.contact_modes,
        'declined', (SELECT coalesce(json_agg(DISTINCT p.supporter_id), '[]') FROM pairings p
                     WHERE p.org_id = q.org_id AND p.request_id = q.id AND p.status = 'declined'),
        'created_at', q.created_at)
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

-- A request with its message and preferences (authorised readers only).
CREATE OR REPLACE FUNCTION request_json(q support_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', q.id, 'org', (SELECT slug FROM organizations WHERE id = q.org_id), 'status', q.status,
        'topics', q.topics, 'municipality', q.municipality, 'languages', q.languages,
        'contact_modes', q.contact_modes, 'message', q.message, 'preferences', q.preferences,
        'requester', (SELECT json_build_object('person_id', p.id, 'display_name', p.display_name)
                      FROM persons p WHERE p.id = q.requester_id),
        'consent_at', q.consent_at, 'created_at', q.created_at, 'updated_at', q.updated_at,
        'closed_at', q.closed_at, 'purged', q.purged_at IS NOT NULL,
        'pairing', request_pairing_json(q))
$$;

-- The coordinators' list: no message, no preferences, no requester.
CREATE OR REPLACE FUNCTION request_summary_json(q support_requests) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', q.id, 'status', q.status, 'topics', q.topics, 'municipality', q.municipality,
        'languages', q.languages, 'contact_modes', q.contact_modes,
        'created_at', q.created_at, 'updated_at', q.updated_at, 'closed_at', q.closed_at,
        'purged', q.purged_at IS NOT NULL)
$$;

CREATE OR REPLACE FUNCTION pairing_json(p pairings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'org', (SELECT slug FROM organizations WHERE id = p.org_id),
        'request_id', p.request_id,
        'supporter', (SELECT json_build_object('id', s.id, 'public_name', s.public_name)
                      FROM supporters s WHERE s.org_id = p.org_id AND s.id = p.supporter_id),
        'status', p.status, 'note', p.note, 'outcome', p.outcome,
        'created_at', p.created_at, 'accepted_at', p.accepted_at, 'ended_at', p.ended_at)
$$;

-- Every state change: from, to, by whom (person and role), when.
CREATE OR REPLACE FUNCTION pairing_events_json(p pairings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('from', e.from_status, 'to', e.to_status,
                                               'by', json_build_object('person_id', e.actor_id,
                                                                       'role', e.actor_role),
                                               'at', e.at) ORDER BY e.at, e.id), '[]')
    FROM pairing_events e WHERE e.org_id = p.org_id AND e.pairing_id = p.id
$$;

CREATE OR REPLACE FUNCTION contact_json(c pairing_contacts) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'date', c.contact_date, 'mode', c.mode, 'minutes', c.minutes,
                             'created_at', c.created_at)
$$;

-- Supporters ----------------------------------------------------------------------

-- Apply the validated fields present in p (a clean object from piirid).
CREATE OR REPLACE FUNCTION supporter_apply(s supporters, p jsonb) RETURNS supporters LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p ? 'public_name' THEN s.public_name := p->>'public_name'; END IF;
    IF p ? 'bio' THEN s.bio := p->>'bio'; END IF;
    IF p ? 'topics' THEN s.topics := ARRAY(SELECT jsonb_array_elements_text(p->'topics')); END IF;
    IF p ? 'municipalities' THEN
        s.municipalities := ARRAY(SELECT jsonb_array_elements_text(p->'municipalities'));
    END IF;
    IF p ? 'languages' THEN s.languages := ARRAY(SELECT jsonb_array_elements_text(p->'languages')); END IF;
    IF p ? 'contact_modes' THEN
        s.contact_modes := ARRAY(SELECT jsonb_array_elements_text(p->'contact_modes'));
    END IF;
    IF p ? 'max_active' THEN s.max_active := (p->>'max_active')::int; END IF;
    IF p ? 'status' THEN s.status := p->>'status'; END IF;
    IF p ? 'training' THEN
        s.training_course := p->'training'->>'course';
        s.training_completed_on := (p->'training'->>'completed_on')::date;
        s.training_refresher_due := (p->'training'->>'refresher_due')::date;
    END IF;
    IF p ? 'pledge' THEN
        s.pledge_version := p->'pledge'->>'version';
        s.pledge_signed_on := (p->'pledge'->>'signed_on')::date;
    END IF;
    RETURN s;
END
$$;

CREATE OR REPLACE FUNCTION api_supporter_create(p_org text, p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s supporters;
BEGIN
    s.org_id := matching_org(p_org);
    s.person_id := (p->>'person_id')::uuid;
    PERFORM 1 FROM memberships m WHERE m.org_id = s.org_id AND m.person_id = s.person_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'person_id',
            HINT = 'person_id must be a member of the organization.';
    END IF;
    s.id := gen_random_uuid();
    s.topics := '{}';
    s.municipalities := '{}';
    s.languages := '{fi}';
    s.contact_modes := '{}';
    s.max_active := 1;
    s.status := 'active';
    s := supporter_apply(s, p);
    INSERT INTO supporters (org_id, id, person_id, public_name, bio, topics, municipalities, languages,
        contact_modes, max_active, status, training_course, training_completed_on,
        training_refresher_due, pledge_version, pledge_signed_on)
    VALUES (s.org_id, s.id, s.person_id, s.public_name, s.bio, s.topics, s.municipalities, s.languages,
        s.contact_modes, s.max_active, s.status, s.training_course, s.training_completed_on,
        s.training_refresher_due, s.pledge_version, s.pledge_signed_on)
    RETURNING * INTO s;
    RETURN json_build_object('supporter', supporter_json(s));
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'supporter_exists' USING ERRCODE = 'PI409', DETAIL = 'person_id',
        HINT = 'This person is already a supporter of the organization.';
END
$$;

-- Who a supporter is, for authz: the org, the supporter's person and whether
-- they are listed. The facts loader facts_supporter (server/facts.c) reads it
-- into struct supporter_facts (server/facts.h).
CREATE OR REPLACE FUNCTION api_supporter_facts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', (SELECT slug FROM organizations WHERE id = s.org_id),
                             'supporter', s.person_id, 'listed', supporter_listed(s))
    FROM supporters s WHERE s.id = p_id AND s.deleted_at IS NULL
$$;

-- A supporter as one reader may see them, with the right piirid's authz gave
-- (AUTHZ_SUPPORTER_SEE_RECORD): p_whole, the whole record; otherwise the
-- public introduction, and nothing (404) for a supporter who is not listed.
CREATE OR REPLACE FUNCTION api_supporter_read(p_id uuid, p_whole boolean) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('supporter', CASE WHEN p_whole THEN supporter_json(s)
                                               ELSE supporter_public_json(s) END)
    FROM supporters s WHERE s.id = p_id AND s.deleted_at IS NULL AND (p_whole OR supporter_listed(s))
$$;

CREATE OR REPLACE FUNCTION api_supporter_update(p_id uuid, p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    s supporters;
BEGIN
    SELECT * INTO s FROM supporters WHERE id = p_id AND deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such supporter.';
    END IF;
    s := supporter_apply(s, p);
    UPDATE supporters SET public_name = s.public_name, bio = s.bio, topics = s.topics,
        municipalities = s.municipalities, languages = s.languages, contact_modes = s.contact_modes,
        max_active = s.max_active, status = s.status, training_course = s.training_course,
        training_completed_on = s.training_completed_on, training_refresher_due = s.training_refresher_due,
        pledge_version = s.pledge_version, pledge_signed_on = s.pledge_signed_on, updated_at = now()
    WHERE org_id = s.org_id AND id = s.id
    RETURNING * INTO s;
    RETURN json_build_object('supporter', supporter_json(s));
END
$$;

-- Remove a supporter: the row stays (pairings refer to it, counts remain)
-- without the profile. Refused while a pairing is proposed or active.
CREATE OR REPLACE FUNCTION api_supporter_delete(p_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    s supporters;
BEGIN
    SELECT * INTO s FROM supporters WHERE id = p_id AND deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF supporter_load(s.org_id, s.id) > 0 THEN
        RAISE EXCEPTION 'supporter_has_pairings' USING ERRCODE = 'PI409',
            HINT = 'The supporter has proposed or active pairings; close them first.';
    END IF;
    UPDATE supporters SET deleted_at = now(), updated_at = now(), status = 'retired', public_name = NULL,
        bio = NULL, training_course = NULL, training_completed_on = NULL, training_refresher_due = NULL,
        pledge_version = NULL, pledge_signed_on = NULL
    WHERE org_id = s.org_id AND id = s.id;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION api_supporters_public(p_org text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('supporters', coalesce(
        (SELECT json_agg(supporter_public_json(s) ORDER BY s.public_name, s.id)
         FROM supporters s WHERE s.org_id = o.id AND supporter_listed(s)), '[]'))
    FROM organizations o WHERE o.slug = p_org
$$;

-- Support requests ----------------------------------------------------------------

-- How many requests that are not closed one person may have with one org.
CREATE OR REPLACE FUNCTION support_requests_open_max() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 3 $$;

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

CREATE OR REPLACE FUNCTION api_support_requests_list(p_org text, p_reader uuid, p_status text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid := matching_org(p_org);
    v_ids uuid[];
BEGIN
    SELECT coalesce(array_agg(q.id ORDER BY q.created_at, q.id), '{}') INTO v_ids
    FROM support_requests q WHERE q.org_id = v_org AND (p_status IS NULL OR q.status = p_status);
    PERFORM request_reads_log(v_org, v_ids, p_reader, 'list');
    RETURN json_build_object('requests', coalesce(
        (SELECT json_agg(request_summary_json(q) ORDER BY q.created_at, q.id)
         FROM support_requests q WHERE q.org_id = v_org AND q.id = ANY (v_ids)), '[]'));
END
$$;

CREATE OR REPLACE FUNCTION api_my_support_requests(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('requests', coalesce(
        (SELECT json_agg(request_json(q) ORDER BY q.created_at DESC, q.id)
         FROM support_requests q WHERE q.requester_id = p_person), '[]'))
$$;

-- Who is involved, for authz: the org, the requester and the supporter of
-- the active pairing. The facts loader facts_support_request
-- (server/facts.c) reads it into struct support_request_facts (server/facts.h).
CREATE OR REPLACE FUNCTION api_support_request_facts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', (SELECT slug FROM organizations WHERE id = q.org_id),
                             'requester', q.requester_id,
                             'supporter', request_active_supporter(q.org_id, q.id),
                             'active', q.status = 'active')
    FROM support_requests q WHERE q.id = p_id
$$;

-- An authorised read: logged unless the reader is the requester.
CREATE OR REPLACE FUNCTION api_support_request_read(p_id uuid, p_reader uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    q support_requests;
BEGIN
    SELECT * INTO q FROM support_requests WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM request_reads_log(q.org_id, ARRAY[q.id], p_reader, 'view');
    RETURN json_build_object('request', request_json(q));
END
$$;

-- Matching ------------------------------------------------------------------------

-- The supporters scoring looks at: listed ones, by id.
CREATE OR REPLACE FUNCTION matching_supporters_json(p_org uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(supporter_match_json(s) ORDER BY s.id), '[]')
    FROM supporters s WHERE s.org_id = p_org AND supporter_listed(s)
$$;

CREATE OR REPLACE FUNCTION api_candidates_data(p_id uuid, p_reader uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    q support_requests;
BEGIN
    SELECT * INTO q FROM support_requests WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM request_reads_log(q.org_id, ARRAY[q.id], p_reader, 'candidates');
    RETURN json_build_object('requests', json_build_array(request_match_json(q)),
                             'supporters', matching_supporters_json(q.org_id));
END
$$;

-- Every open request, oldest first (at most 10,000), and the supporters.
CREATE OR REPLACE FUNCTION api_matching_batch_data(p_org text, p_reader uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid := matching_org(p_org);
    v_ids uuid[];
BEGIN
    SELECT coalesce(array_agg(id ORDER BY created_at, id), '{}') INTO v_ids
    FROM (SELECT id, created_at FROM support_requests
          WHERE org_id = v_org AND status = 'open' ORDER BY created_at, id LIMIT 10000) o;
    PERFORM request_reads_log(v_org, v_ids, p_reader, 'proposals');
    RETURN json_build_object(
        'requests', coalesce((SELECT json_agg(request_match_json(q) ORDER BY q.created_at, q.id)
                              FROM support_requests q WHERE q.org_id = v_org AND q.id = ANY (v_ids)), '[]'),
        'supporters', matching_supporters_json(v_org));
END
$$;

CREATE OR REPLACE FUNCTION pairing_event(p pairings, p_from text, p_actor uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO pairing_events (org_id, pairing_id, from_status, to_status, actor_id, actor_role)
    SELECT p.org_id, p.id, p_from, p.status, p_actor,
           matching_role(p.org_id, p_actor, s.person_id, q.requester_id)
    FROM supporters s, support_requests q
    WHERE s.org_id = p.org_id AND s.id = p.supporter_id AND q.org_id = p.org_id AND q.id = p.request_id
$$;

-- Propose a pairing. The request and then the supporter are locked, so two
-- coordinators cannot fill the same place or pair the same request twice.
CREATE OR REPLACE FUNCTION api_support_request_match(p_id uuid, p_supporter uuid, p_note text, p_actor uuid)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    q support_requests;
    s supporters;
    pr pairings;
BEGIN
    SELECT * INTO q FROM support_requests WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such request.';
    END IF;
    IF q.status <> 'open' THEN
        RAISE EXCEPTION 'request_not_open' USING ERRCODE = 'PI409',
            HINT = 'The request is not waiting for a supporter.';
    END IF;
    SELECT * INTO s FROM supporters
    WHERE org_id = q.org_id AND id = p_supporter AND deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'supporter_id',
            HINT = 'supporter_id is not a supporter of this organization.';
    END IF;
    IF s.person_id = q.requester_id THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'supporter_id',
            HINT = 'A supporter cannot be paired with their own request.';
    END IF;
    IF NOT (s.languages && q.languages) THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'supporter_id',
            HINT = 'The supporter shares no language with the request.';
    END IF;
    IF s.status <> 'active' OR NOT supporter_listed(s) THEN
        RAISE EXCEPTION 'supporter_unavailable' USING ERRCODE = 'PI409',
            HINT = 'The supporter is not active.';
    END IF;
    IF supporter_load(s.org_id, s.id) >= s.max_active THEN
        RAISE EXCEPTION 'supporter_full' USING ERRCODE = 'PI409',
            HINT = 'The supporter has no room for another pairing.';
    END IF;
    INSERT INTO pairings (org_id, request_id, supporter_id, status, note)
    VALUES (q.org_id, q.id, s.id, 'proposed', p_note) RETURNING * INTO pr;
    UPDATE support_requests SET status = 'proposed', updated_at = now() WHERE org_id = q.org_id AND id = q.id;
    PERFORM pairing_event(pr, NULL, p_actor);
    -- The supporter hears of it by mail: the pairing's id, nothing of the request.
    PERFORM outbox_add(pr.org_id, s.person_id, 'pairing_proposed', jsonb_build_object('pairing_id', pr.id));
    RETURN json_build_object('pairing', pairing_json(pr));
END
$$;

-- Pairings ------------------------------------------------------------------------

-- Who is involved in a pairing, for authz, and whether the supporter ever
-- accepted: struct pairing_facts (server/facts.h), read by nothing else.
CREATE OR REPLACE FUNCTION pairing_facts_json(p pairings) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', (SELECT slug FROM organizations WHERE id = p.org_id),
        'supporter', (SELECT person_id FROM supporters WHERE org_id = p.org_id AND id = p.supporter_id),
        'requester', (SELECT requester_id FROM support_requests WHERE org_id = p.org_id AND id = p.request_id),
        'active', p.status = 'active',
        'accepted', p.accepted_at IS NOT NULL)
$$;

-- The facts loader facts_pairing (server/facts.c), struct pairing_facts.
CREATE OR REPLACE FUNCTION api_pairing_facts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT pairing_facts_json(p) FROM pairings p WHERE p.id = p_id
$$;

-- A pairing as one reader may see it, with the rights piirid's authz gave:
-- p_supporter (who the supporter is; null otherwise), p_note (the
-- coordinator's note; left out otherwise), p_events (the history; left out
-- otherwise). The keys keep the order of pairing_json.
CREATE OR REPLACE FUNCTION pairing_view_json(p pairings, p_supporter boolean, p_note boolean, p_events boolean)
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

-- The pairing as one reader may see it, with the rights piirid's authz gave.
CREATE OR REPLACE FUNCTION api_pairing_read(p_id uuid, p_supporter boolean, p_note boolean, p_events boolean)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('pairing', pairing_view_json(p, p_supporter, p_note, p_events))
    FROM pairings p WHERE p.id = p_id
$$;

-- Who hears by mail that pairing pr was accepted: its requester, and
-- whoever proposed it while they still coordinate the org (or are a site
-- admin); when they no longer do, the org's coordinators. One row each,
-- the pairing's id its payload: nothing of the request.
CREATE OR REPLACE FUNCTION pairing_notify_accepted(pr pairings) RETURNS void LANGUAGE sql AS $$
    WITH proposer AS (
        SELECT a.id FROM pairing_events e JOIN persons a ON a.id = e.actor_id
        WHERE e.org_id = pr.org_id AND e.pairing_id = pr.id AND e.from_status IS NULL
          AND e.to_status = 'proposed' AND a.erased_at IS NULL
          AND (a.is_admin OR EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = pr.org_id
                                     AND m.person_id = a.id AND m.role = 'coordinator'))
        ORDER BY e.at DESC LIMIT 1),
    told AS (
        SELECT q.requester_id AS id FROM support_requests q
        WHERE q.org_id = pr.org_id AND q.id = pr.request_id AND q.requester_id IS NOT NULL
        UNION
        SELECT id FROM proposer
        UNION
        SELECT m.person_id FROM memberships m
        WHERE m.org_id = pr.org_id AND m.role = 'coordinator' AND NOT EXISTS (SELECT 1 FROM proposer))
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    SELECT pr.org_id, t.id, 'pairing_accepted', jsonb_build_object('pairing_id', pr.id) FROM told t
$$;

-- accept and decline (a proposed pairing), close (proposed or active). The
-- pairing, then its request, is locked. The answer shows what the actor may
-- see (p_supporter, p_note).
CREATE OR REPLACE FUNCTION api_pairing_change(p_id uuid, p_action text, p_actor uuid, p_outcome text,
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
    IF p_action = 'accept' THEN
        PERFORM pairing_notify_accepted(pr);
    END IF;
    RETURN json_build_object('pairing', pairing_view_json(pr, p_supporter, p_note, false));
END
$$;

CREATE OR REPLACE FUNCTION api_pairing_contact_add(p_id uuid, p_actor uuid, p_date date, p_mode text, p_minutes int)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    pr pairings;
    c pairing_contacts;
    tz text;
BEGIN
    SELECT * INTO pr FROM pairings WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such pairing.';
    END IF;
    IF pr.status <> 'active' THEN
        RAISE EXCEPTION 'pairing_not_active' USING ERRCODE = 'PI409',
            HINT = 'Contacts are logged for an active pairing.';
    END IF;
    SELECT timezone INTO tz FROM organizations WHERE id = pr.org_id;
    IF p_date > (now() AT TIME ZONE tz)::date THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'date',
            HINT = 'date must not be in the future.';
    END IF;
    IF p_date < (pr.created_at AT TIME ZONE tz)::date THEN
        RAISE EXCEPTION 'invalid' USING ERRCODE = 'PI422', DETAIL = 'date',
            HINT = 'date must not be before the pairing was proposed.';
    END IF;
    INSERT INTO pairing_contacts (org_id, pairing_id, contact_date, mode, minutes, created_by)
    VALUES (pr.org_id, pr.id, p_date, p_mode, p_minutes, p_actor) RETURNING * INTO c;
    RETURN json_build_object('contact', contact_json(c));
END
$$;

CREATE OR REPLACE FUNCTION api_pairing_contacts(p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'contacts', coalesce((SELECT json_agg(contact_json(c) ORDER BY c.contact_date, c.created_at, c.id)
                              FROM pairing_contacts c WHERE c.org_id = p.org_id AND c.pairing_id = p.id), '[]'),
        'count', (SELECT count(*) FROM pairing_contacts c WHERE c.org_id = p.org_id AND c.pairing_id = p.id),
        'minutes', (SELECT coalesce(sum(c.minutes), 0) FROM pairing_contacts c
                    WHERE c.org_id = p.org_id AND c.pairing_id = p.id))
    FROM pairings p WHERE p.id = p_id
$$;

-- A supporter's own pairings, in the orgs they are still a member of. No
-- request details: those are read (and logged) through
-- api_support_request_read once a pairing is active.
CREATE OR REPLACE FUNCTION api_my_pairings(p_person uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('pairings', coalesce(
        (SELECT json_agg(pairing_json(p) ORDER BY p.created_at DESC, p.id)
         FROM pairings p JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
         WHERE s.person_id = p_person
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = p.org_id AND m.person_id = p_person)),
        '[]'))
$$;

-- Settings, access log, counts ----------------------------------------------------

CREATE OR REPLACE FUNCTION api_matching_settings_get(p_org text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('settings', json_build_object(
        'retention_days', coalesce(ms.retention_days, 365), 'updated_at', ms.updated_at))
    FROM organizations o LEFT JOIN matching_settings ms ON ms.org_id = o.id
    WHERE o.slug = p_org
$$;

CREATE OR REPLACE FUNCTION api_matching_settings_put(p_org text, p_days int, p_actor uuid) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO matching_settings (org_id, retention_days, updated_by)
    VALUES (matching_org(p_org), p_days, p_actor)
    ON CONFLICT (org_id) DO UPDATE
        SET retention_days = excluded.retention_days, updated_by = excluded.updated_by, updated_at = now();
    RETURN api_matching_settings_get(p_org);
END
$$;

CREATE OR REPLACE FUNCTION api_request_access_log(p_org text, p_request uuid, p_limit int) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_org uuid := matching_org(p_org);
BEGIN
    RETURN json_build_object('entries', coalesce(
        (SELECT json_agg(json_build_object(
                    'request_id', e.request_id,
                    'reader', json_build_object('person_id', e.reader_id, 'display_name', p.display_name),
                    'role', e.reader_role, 'action', e.action, 'at', e.at) ORDER BY e.at DESC, e.id)
         FROM (SELECT * FROM support_request_reads r
               WHERE r.org_id = v_org AND (p_request IS NULL OR r.request_id = p_request)
               ORDER BY r.at DESC, r.id LIMIT p_limit) e
         LEFT JOIN persons p ON p.id = e.reader_id), '[]'));
END
$$;

-- Counts for reports; they survive the purge.
CREATE OR REPLACE FUNCTION api_matching_stats(p_org text) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_org uuid := matching_org(p_org);
BEGIN
    RETURN json_build_object(
        'requests', (SELECT json_build_object(
                        'total', count(*),
                        'open', count(*) FILTER (WHERE status = 'open'),
                        'proposed', count(*) FILTER (WHERE status = 'proposed'),
                        'active', count(*) FILTER (WHERE status = 'active'),
                        'closed', count(*) FILTER (WHERE status = 'closed'),
                        'purged', count(*) FILTER (WHERE purged_at IS NOT NULL))
                     FROM support_requests WHERE org_id = v_org),
        'pairings', (SELECT json_build_object(
                        'total', count(*),
                        'proposed', count(*) FILTER (WHERE status = 'proposed'),
                        'active', count(*) FILTER (WHERE status = 'active'),
                        'declined', count(*) FILTER (WHERE status = 'declined'),
                        'closed', count(*) FILTER (WHERE status = 'closed'),
                        'outcomes', coalesce((SELECT json_object_agg(outcome, n) FROM (
                            SELECT outcome, count(*) AS n FROM pairings
                            WHERE org_id = v_org AND outcome IS NOT NULL GROUP BY outcome) o), '{}'))
                     FROM pairings WHERE org_id = v_org),
        'contacts', (SELECT json_build_object('count', count(*), 'minutes', coalesce(sum(minutes), 0))
                     FROM pairing_contacts WHERE org_id = v_org),
        'supporters', (SELECT json_build_object(
                          'active', count(*) FILTER (WHERE s.status = 'active'),
                          'paused', count(*) FILTER (WHERE s.status = 'paused'),
                          'available', count(*) FILTER (WHERE s.status = 'active'
                                                        AND supporter_load(s.org_id, s.id) < s.max_active))
                       FROM supporters s WHERE s.org_id = v_org AND supporter_listed(s)));
END
$$;

-- Retention -----------------------------------------------------------------------

-- Purge up to p_limit requests closed longer ago than their org's retention
-- (at p_now): the message, the preferences, the link to the requester and
-- the coordinators' notes go; statuses, outcomes, dates and the contact log
-- (date, mode, minutes) stay for the counts. Rows being purged by another
-- session are skipped, and a purged request is never picked again, so any
-- number of workers may run this at once. Returns how many were purged.
CREATE OR REPLACE FUNCTION matching_purge(p_now timestamptz, p_limit int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    WITH due AS (
        SELECT q.org_id, q.id FROM support_requests q
        LEFT JOIN matching_settings ms ON ms.org_id = q.org_id
        WHERE q.status = 'closed' AND q.purged_at IS NULL
          AND q.closed_at <= p_now - make_interval(days => coalesce(ms.retention_days, 365))
        ORDER BY q.closed_at LIMIT p_limit
        FOR UPDATE OF q SKIP LOCKED),
    gone AS (
        UPDATE support_requests q SET message = NULL, preferences = NULL, requester_id = NULL,
            purged_at = now()
        FROM due WHERE q.org_id = due.org_id AND q.id = due.id
        RETURNING q.org_id, q.id),
    notes AS (
        UPDATE pairings p SET note = NULL, purged_at = now()
        FROM gone WHERE p.org_id = gone.org_id AND p.request_id = gone.id
        RETURNING 1)
    SELECT count(*) INTO n FROM gone; -- notes runs to completion whether read or not
    RETURN n;
END
$$;

-- Leaving: erased accounts, ended memberships -------------------------------------

-- Erasing an account (api_erase_person) ends the person's part in matching:
-- their requests are purged and closed, their supporter profiles removed;
-- a pairing still running is closed ("account_erased") and, when the
-- supporter left, the request goes back to the queue.
CREATE OR REPLACE FUNCTION matching_forget_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pr pairings;
    was text;
BEGIN
    FOR pr IN
        SELECT p.* FROM pairings p
        JOIN support_requests q ON q.org_id = p.org_id AND q.id = p.request_id
        JOIN supporters s ON s.org_id = p.org_id AND s.id = p.supporter_id
        WHERE p.status IN ('proposed', 'active') AND (q.requester_id = NEW.id OR s.person_id = NEW.id)
        ORDER BY p.org_id, p.request_id
        FOR UPDATE OF p
    LOOP
        was := pr.status;
        UPDATE pairings SET status = 'closed', outcome = 'account_erased', ended_at = now()
        WHERE org_id = pr.org_id AND id = pr.id RETURNING * INTO pr;
        PERFORM pairing_event(pr, was, NULL);
        UPDATE support_requests SET status = 'open', updated_at = now()
        WHERE org_id = pr.org_id AND id = pr.request_id AND requester_id IS DISTINCT FROM NEW.id;
    END LOOP;
    UPDATE support_requests SET status = 'closed', closed_at = coalesce(closed_at, now()), message = NULL,
        preferences = NULL, requester_id = NULL, purged_at = now(), updated_at = now()
    WHERE requester_id = NEW.id;
    UPDATE supporters SET deleted_at = now(), updated_at = now(), status = 'retired', public_name = NULL,
        bio = NULL, training_course = NULL, training_completed_on = NULL, training_refresher_due = NULL,
        pledge_version = NULL, pledge_signed_on = NULL
    WHERE person_id = NEW.id AND deleted_at IS NULL;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER persons_erased_matching AFTER UPDATE OF erased_at ON persons
    FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
    EXECUTE FUNCTION matching_forget_person();

-- End p_person's proposed and active pairings as a supporter in p_org, as
-- p_actor's change. The supporter rows are locked first: a coordinator
-- proposing this supporter at the same moment (api_support_request_match
-- locks the supporter too) either finishes first, and its pairing is ended
-- here, or waits and then finds the supporter no longer a member.
CREATE OR REPLACE FUNCTION matching_end_membership(p_org uuid, p_person uuid, p_actor uuid) RETURNS void
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
