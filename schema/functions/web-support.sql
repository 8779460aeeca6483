-- SPDX-License-Identifier: Apache-2.0
-- What a coordinator's one-to-one support pages read and do
-- (server/web-pages-support*.c), one round trip each, over the matching
-- module's own functions (matching.sql): a read of a request goes through
-- api_support_requests_list, api_support_request_read, api_candidates_data
-- or api_matching_batch_data, so it is written to the access log exactly as
-- the API's is. Who may call them is decided before (authz: the org's
-- coordinators).

-- The org's open requests, oldest first, as the API's list (logged as
-- `list`, no message, no preferences, no requester), each with how many
-- whole days it has waited. NULL when the org is not there.
CREATE OR REPLACE FUNCTION web_support_queue_page(p_slug text, p_reader uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    o organizations;
    v_list json;
BEGIN
    SELECT * INTO o FROM organizations WHERE slug = p_slug;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v_list := api_support_requests_list(p_slug, p_reader, 'open');
    RETURN json_build_object(
        'org', org_json(o),
        'requests', coalesce((
            SELECT json_agg(r::jsonb || jsonb_build_object(
                        'created_local', rfc3339((r->>'created_at')::timestamptz, o.timezone),
                        'waiting_days',
                        floor(extract(epoch FROM now() - (r->>'created_at')::timestamptz) / 86400)::int)
                    ORDER BY n)
            FROM json_array_elements(v_list->'requests') WITH ORDINALITY AS e(r, n)), '[]'::json));
END
$$;

-- One request of the org for its page: the request with its text (the
-- API's read, logged as `view`) when p_text (authz's
-- AUTHZ_SUPPORT_REQUEST_READ: a site admin who does not coordinate the org
-- may manage matching but not read a request), otherwise as the
-- coordinators' list shows it (no text, no name, nothing logged); and what
-- the candidates are scored from (the API's candidates data, logged as
-- `candidates`). NULL when the request is not the org's.
CREATE OR REPLACE FUNCTION web_support_request_page(p_slug text, p_id uuid, p_reader uuid, p_text boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    o organizations;
    q support_requests;
BEGIN
    SELECT * INTO o FROM organizations WHERE slug = p_slug;
    IF FOUND THEN
        SELECT * INTO q FROM support_requests WHERE org_id = o.id AND id = p_id;
    END IF;
    IF q.id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object(
        'org', org_json(o),
        'request', (CASE WHEN p_text THEN api_support_request_read(p_id, p_reader)->'request'
                         ELSE request_summary_json(q) END)::jsonb
                   || jsonb_build_object('created_local', rfc3339(q.created_at, o.timezone)),
        'waiting_days', floor(extract(epoch FROM now() - q.created_at) / 86400)::int,
        'data', api_candidates_data(p_id, p_reader));
END
$$;

-- The org's supporters (every profile not removed, retired ones too) as
-- their whole record with the account's name and whether the refresher
-- training is overdue or due within 60 days; and the members who have no
-- profile yet, whom a coordinator may add. NULL when the org is not there.
CREATE OR REPLACE FUNCTION web_support_supporters_page(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'supporters', coalesce((
            SELECT json_agg(supporter_json(s)::jsonb || jsonb_build_object(
                        'display_name', p.display_name,
                        'member', EXISTS (SELECT 1 FROM memberships m
                                          WHERE m.org_id = s.org_id AND m.person_id = s.person_id),
                        'refresher', CASE
                            WHEN s.training_refresher_due IS NULL THEN NULL
                            WHEN s.training_refresher_due < current_date THEN 'overdue'
                            WHEN s.training_refresher_due <= current_date + 60 THEN 'soon'
                            ELSE 'later' END)
                    ORDER BY s.status = 'retired', lower(s.public_name), s.id)
            FROM supporters s JOIN persons p ON p.id = s.person_id
            WHERE s.org_id = o.id AND s.deleted_at IS NULL), '[]'::json),
        'members', coalesce((
            SELECT json_agg(json_build_object('person_id', p.id, 'display_name', p.display_name)
                            ORDER BY lower(p.display_name), p.id)
            FROM memberships m JOIN persons p ON p.id = m.person_id
            WHERE m.org_id = o.id
              AND NOT EXISTS (SELECT 1 FROM supporters s WHERE s.org_id = o.id AND s.person_id = p.id
                              AND s.deleted_at IS NULL)), '[]'::json))
    FROM organizations o WHERE o.slug = p_slug
$$;

-- One supporter of the org for its form: the whole record and the
-- account's name. NULL when the supporter is not the org's (or removed).
CREATE OR REPLACE FUNCTION web_support_supporter_page(p_slug text, p_id uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', org_json(o), 'supporter', supporter_json(s),
                             'display_name', p.display_name)
    FROM organizations o
    JOIN supporters s ON s.org_id = o.id AND s.id = p_id AND s.deleted_at IS NULL
    JOIN persons p ON p.id = s.person_id
    WHERE o.slug = p_slug
$$;

-- The org's pairings, those still running first, then the newest: each as
-- its coordinators see it (pairing_json) with the request's topics. NULL
-- when the org is not there.
CREATE OR REPLACE FUNCTION web_support_pairings_page(p_slug text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', org_json(o),
        'pairings', coalesce((
            SELECT json_agg(pairing_json(pr)::jsonb || jsonb_build_object(
                                'topics', q.topics, 'created_local', rfc3339(pr.created_at, o.timezone))
                            ORDER BY pr.status NOT IN ('proposed', 'active'), pr.created_at DESC, pr.id)
            FROM pairings pr JOIN support_requests q ON q.org_id = pr.org_id AND q.id = pr.request_id
            WHERE pr.org_id = o.id), '[]'::json))
    FROM organizations o WHERE o.slug = p_slug
$$;

-- One pairing of the org (NULL when it is not the org's).
CREATE OR REPLACE FUNCTION web_support_pairing_page(p_slug text, p_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('org', org_json(o), 'pairing', pairing_json(pr))
    FROM organizations o JOIN pairings pr ON pr.org_id = o.id AND pr.id = p_id
    WHERE o.slug = p_slug
$$;

-- The batch proposals the coordinator confirmed, as pairs
-- [{request_id, supporter_id}]: each made with the API's
-- api_support_request_match, one at a time, so one that can no longer be
-- made (the request taken meanwhile, the supporter full) is counted and
-- the others still go through. A request that is not the org's is not
-- touched. {made, failed}.
CREATE OR REPLACE FUNCTION web_support_batch_make(p_slug text, p_pairs jsonb, p_actor uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_org uuid := matching_org(p_slug);
    v_pair jsonb;
    v_made int := 0;
    v_failed int := 0;
BEGIN
    FOR v_pair IN SELECT jsonb_array_elements(p_pairs) LOOP
        IF NOT EXISTS (SELECT 1 FROM support_requests
                       WHERE org_id = v_org AND id = (v_pair->>'request_id')::uuid) THEN
            v_failed := v_failed + 1;
            CONTINUE;
        END IF;
        BEGIN
            PERFORM api_support_request_match((v_pair->>'request_id')::uuid,
                                              (v_pair->>'supporter_id')::uuid, NULL, p_actor);
            v_made := v_made + 1;
        EXCEPTION WHEN SQLSTATE 'PI409' OR SQLSTATE 'PI422' OR SQLSTATE 'PI404' THEN
            v_failed := v_failed + 1;
        END;
    END LOOP;
    RETURN json_build_object('made', v_made, 'failed', v_failed);
END
$$;

-- The org's access log, newest first (the API's, 200 entries), each
-- entry's time also in the org's zone (at_local), with the org. NULL when the org is not there.
CREATE OR REPLACE FUNCTION web_support_access_log_page(p_slug text) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    o organizations;
BEGIN
    SELECT * INTO o FROM organizations WHERE slug = p_slug;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object('org', org_json(o), 'entries', coalesce((
        SELECT json_agg(e::jsonb || jsonb_build_object('at_local', rfc3339((e->>'at')::timestamptz, o.timezone))
                        ORDER BY n)
        FROM json_array_elements(api_request_access_log(p_slug, NULL, 200)->'entries') WITH ORDINALITY AS x(e, n)),
        '[]'::json));
END
$$;

-- The batch proposals' input, for the preview: every open request and the
-- supporters (the API's batch data, each request logged as `proposals`),
-- with the org. NULL when the org is not there.
CREATE OR REPLACE FUNCTION web_support_batch_page(p_slug text, p_reader uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    o organizations;
BEGIN
    SELECT * INTO o FROM organizations WHERE slug = p_slug;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object('org', org_json(o), 'data', api_matching_batch_data(p_slug, p_reader),
                             'created_local', (SELECT json_object_agg(q.id, rfc3339(q.created_at, o.timezone))
                                               FROM support_requests q WHERE q.org_id = o.id AND q.status = 'open'));
END
$$;
