-- SPDX-License-Identifier: Apache-2.0
-- Groups and their leaders (tables: 002_groups.sql): the JSON shapes, the
-- facts authz needs, writing and listing. Sessions are in sessions.sql.

-- Times ---------------------------------------------------------------------

-- RFC 3339 with the offset of the zone at that instant: 2026-03-29T18:00:00+03:00,
-- for every instant a body may hold (years 1 to 9999 in UTC). Before
-- standard time (Helsinki until 1921: +01:39:49) a zone's offset has
-- seconds, which RFC 3339 cannot write: the offset is whole minutes (cut
-- toward zero, as calendars/ does) and the wall time is the one that
-- matches it (not the local wall time with its seconds, which would name
-- another instant). An instant whose local year is not 1 to 9999
-- (9999-12-31T23:59:59Z is year 10000 in Helsinki) is written in UTC, so
-- the year always has four digits.
CREATE OR REPLACE FUNCTION rfc3339(ts timestamptz, tz text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char((ts AT TIME ZONE 'UTC') + off, 'YYYY-MM-DD"T"HH24:MI:SS') ||
           CASE WHEN off < interval '0' THEN '-' ELSE '+' END ||
           to_char(abs(extract(epoch FROM off))::int / 3600, 'FM00') || ':' ||
           to_char((abs(extract(epoch FROM off))::int % 3600) / 60, 'FM00')
    FROM (SELECT CASE WHEN extract(year FROM ts AT TIME ZONE tz) BETWEEN 1 AND 9999
                      THEN date_trunc('minute', (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))
                      ELSE interval '0' END AS off) o
$$;

-- Who sees what: facts for authz in piirid ----------------------------------

-- Is the person a confirmed participant of the group?
CREATE OR REPLACE FUNCTION group_is_participant(p_org uuid, p_group uuid, p_person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM signups
                   WHERE org_id = p_org AND group_id = p_group AND person_id = p_person
                     AND status = 'confirmed')
$$;

-- The "_facts" of a group: read in C by facts_read_group into struct
-- group_facts (server/facts.h), and by nothing else.
CREATE OR REPLACE FUNCTION group_facts_json(g groups, p_viewer uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'org', (SELECT slug FROM organizations WHERE id = g.org_id),
        'leaders', (SELECT coalesce(json_agg(l.person_id), '[]') FROM group_leaders l
                    WHERE l.org_id = g.org_id AND l.group_id = g.id),
        'participant', p_viewer IS NOT NULL AND group_is_participant(g.org_id, g.id, p_viewer),
        'access', g.access)
$$;

-- May the viewer see the group's online_url? The rule of AUTHZ_GROUP_SEE_LINK
-- (server/authz.h, where it is listed), decided here for one group as for
-- each group of a list: an open group's, anyone; a closed group's, a site
-- admin, the org's coordinators, the group's leaders while they are leaders
-- or coordinators of its org, and its confirmed participants. p_scope is the
-- viewer's as piirid loaded it with this request (group_view_scope in
-- server/group-view.c): {"admin": bool, "coordinator": [org ids],
-- "leader": [org ids where the role is leader or coordinator]}; NULL with
-- p_viewer NULL for anyone not signed in.
CREATE OR REPLACE FUNCTION group_link_visible(g groups, p_viewer uuid, p_scope jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT g.access = 'open' OR (p_viewer IS NOT NULL AND (
        coalesce((p_scope ->> 'admin')::boolean, false)
        OR coalesce(p_scope -> 'coordinator', '[]') ? g.org_id::text
        OR (coalesce(p_scope -> 'leader', '[]') ? g.org_id::text
            AND EXISTS (SELECT 1 FROM group_leaders l
                        WHERE l.org_id = g.org_id AND l.group_id = g.id AND l.person_id = p_viewer))
        OR group_is_participant(g.org_id, g.id, p_viewer)))
$$;

-- JSON shapes ---------------------------------------------------------------

-- A group as a viewer sees it: online_url only when p_link (decided by
-- group_link_visible), and no facts.
CREATE OR REPLACE FUNCTION group_view_json(g groups, p_link boolean) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id,
        'org', (SELECT slug FROM organizations WHERE id = g.org_id),
        'title', g.title, 'title_sv', g.title_sv, 'title_en', g.title_en,
        'description', g.description, 'description_sv', g.description_sv,
        'description_en', g.description_en,
        'kind', g.kind, 'access', g.access, 'audience', g.audience, 'modality', g.modality,
        'location', CASE WHEN coalesce(g.location_name, g.location_address, g.municipality,
                                       g.accessibility) IS NULL THEN NULL
                    ELSE json_build_object('name', g.location_name, 'address', g.location_address,
                                           'municipality', g.municipality,
                                           'accessibility', g.accessibility) END,
        'online_url', CASE WHEN p_link THEN g.online_url END,
        'capacity', g.capacity,
        'join_late', g.join_late,
        'waitlist_policy', g.waitlist_policy,
        'reminder', CASE WHEN g.reminder_kind IS NOT NULL THEN json_strip_nulls(json_build_object(
                        'kind', g.reminder_kind, 'hours', g.reminder_hours,
                        'at', to_char(g.reminder_at, 'HH24:MI'))) END,
        'waitlist_offer_hours', g.waitlist_offer_hours,
        'languages', g.languages, 'topics', g.topics, 'target_groups', g.target_groups,
        'leader_type', g.leader_type, 'anonymous_ok', g.anonymous_ok, 'cost', g.cost,
        'consent_text', g.consent_text, 'consent_text_sv', g.consent_text_sv,
        'consent_text_en', g.consent_text_en,
        'leaders', (SELECT coalesce(json_agg(json_build_object('person_id', l.person_id,
                                                               'display_name', p.display_name)
                                             ORDER BY p.display_name), '[]')
                    FROM group_leaders l JOIN persons p ON p.id = l.person_id
                    WHERE l.org_id = g.org_id AND l.group_id = g.id),
        'registration', json_build_object('opens', rfc3339(g.registration_opens, g.schedule_timezone),
                                          'closes', rfc3339(g.registration_closes, g.schedule_timezone)),
        'schedule', CASE WHEN g.schedule_start IS NULL THEN NULL
                    ELSE json_build_object('start', g.schedule_start,
                                           'duration_minutes', g.schedule_duration,
                                           'timezone', g.schedule_timezone,
                                           'rrule', g.schedule_rrule) END,
        'archived', g.archived_at IS NOT NULL,
        'created_at', g.created_at, 'updated_at', g.updated_at)
$$;

-- The group as it is stored, with its "_facts" (struct group_facts, read by
-- facts_read_group in server/facts.c): for the facts loaders, never sent.
CREATE OR REPLACE FUNCTION group_json(g groups, p_viewer uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (group_view_json(g, true)::jsonb || jsonb_build_object('_facts', group_facts_json(g, p_viewer)))::json
$$;

-- What the viewer sees of a group.
CREATE OR REPLACE FUNCTION group_seen_json(g groups, p_viewer uuid, p_scope jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT group_view_json(g, group_link_visible(g, p_viewer, p_scope))
$$;

-- Writing a group -----------------------------------------------------------

-- Apply the validated fields present in p (a clean object from piirid).
CREATE OR REPLACE FUNCTION group_apply(g groups, p jsonb) RETURNS groups LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p ? 'title' THEN g.title := p->>'title'; END IF;
    IF p ? 'title_sv' THEN g.title_sv := p->>'title_sv'; END IF;
    IF p ? 'title_en' THEN g.title_en := p->>'title_en'; END IF;
    IF p ? 'description' THEN g.description := p->>'description'; END IF;
    IF p ? 'description_sv' THEN g.description_sv := p->>'description_sv'; END IF;
    IF p ? 'description_en' THEN g.description_en := p->>'description_en'; END IF;
    IF p ? 'kind' THEN g.kind := p->>'kind'; END IF;
    IF p ? 'access' THEN g.access := p->>'access'; END IF;
    IF p ? 'audience' THEN g.audience := p->>'audience'; END IF;
    IF p ? 'modality' THEN g.modality := p->>'modality'; END IF;
    IF p ? 'location' THEN
        g.location_name := p->'location'->>'name';
        g.location_address := p->'location'->>'address';
        g.municipality := p->'location'->>'municipality';
        g.accessibility := p->'location'->>'accessibility';
    END IF;
    IF p ? 'online_url' THEN g.online_url := p->>'online_url'; END IF;
    IF p ? 'capacity' THEN g.capacity := (p->>'capacity')::int; END IF;
    IF p ? 'join_late' THEN g.join_late := (p->>'join_late')::boolean; END IF;
    IF p ? 'waitlist_policy' THEN g.waitlist_policy := p->>'waitlist_policy'; END IF;
    IF p ? 'reminder' THEN -- null: the organization's
        g.reminder_kind := p->'reminder'->>'kind';
        g.reminder_hours := (p->'reminder'->>'hours')::int;
        g.reminder_at := (p->'reminder'->>'at')::time;
    END IF;
    IF p ? 'waitlist_offer_hours' THEN g.waitlist_offer_hours := (p->>'waitlist_offer_hours')::int; END IF;
    IF p ? 'languages' THEN
        g.languages := ARRAY(SELECT jsonb_array_elements_text(p->'languages'));
    END IF;
    IF p ? 'topics' THEN g.topics := ARRAY(SELECT jsonb_array_elements_text(p->'topics')); END IF;
    IF p ? 'target_groups' THEN
        g.target_groups := ARRAY(SELECT jsonb_array_elements_text(p->'target_groups'));
    END IF;
    IF p ? 'leader_type' THEN g.leader_type := p->>'leader_type'; END IF;
    IF p ? 'anonymous_ok' THEN g.anonymous_ok := (p->>'anonymous_ok')::boolean; END IF;
    IF p ? 'cost' THEN g.cost := p->>'cost'; END IF;
    IF p ? 'consent_text' THEN g.consent_text := p->>'consent_text'; END IF;
    IF p ? 'consent_text_sv' THEN g.consent_text_sv := p->>'consent_text_sv'; END IF;
    IF p ? 'consent_text_en' THEN g.consent_text_en := p->>'consent_text_en'; END IF;
    IF p ? 'registration' THEN
        g.registration_opens := (p->'registration'->>'opens')::timestamptz;
        g.registration_closes := (p->'registration'->>'closes')::timestamptz;
    END IF;
    IF p ? 'schedule' THEN
        g.schedule_start := p->'schedule'->>'start';
        g.schedule_duration := (p->'schedule'->>'duration_minutes')::int;
        g.schedule_timezone := coalesce(p->'schedule'->>'timezone', 'Europe/Helsinki');
        g.schedule_rrule := p->'schedule'->>'rrule';
    END IF;
    RETURN g;
END
$$;

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

-- Upsert the series occurrences [p_starts, p_ends) (Unix seconds) and drop
-- untouched future ones that are no longer in the series. Touched sessions
-- (moved, cancelled: sequence > 0), past ones and those anything hangs on
-- (session_has_history, sessions.sql) stay as they are. A new group's
-- sessions are made here; a changed schedule re-times them instead
-- (schedule_retime, schedules.sql).
CREATE OR REPLACE FUNCTION group_sync_sessions(g groups, p_starts bigint[], p_ends bigint[], p_from timestamptz,
                                    p_horizon timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions s
    WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.origin = 'series' AND s.sequence = 0
      AND s.starts_at >= p_from
      AND s.original_start <> ALL (ARRAY(SELECT to_timestamp(x) FROM unnest(p_starts) x))
      AND NOT session_has_history(s);
    INSERT INTO sessions (org_id, group_id, origin, original_start, starts_at, ends_at)
    SELECT g.org_id, g.id, 'series', to_timestamp(st), to_timestamp(st), to_timestamp(en)
    FROM unnest(p_starts, p_ends) AS o(st, en)
    ON CONFLICT (org_id, group_id, original_start) DO UPDATE
        SET ends_at = excluded.ends_at, updated_at = now()
        WHERE sessions.sequence = 0 AND sessions.ends_at <> excluded.ends_at;
    UPDATE groups SET horizon_until = p_horizon WHERE org_id = g.org_id AND id = g.id;
END
$$;

CREATE OR REPLACE FUNCTION api_group_create(p_org text, p jsonb, p_starts bigint[], p_ends bigint[],
                                 p_horizon timestamptz, p_viewer uuid, p_scope jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    g groups;
BEGIN
    SELECT id INTO g.org_id FROM organizations WHERE slug = p_org;
    IF g.org_id IS NULL THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such organization.';
    END IF;
    g.id := gen_random_uuid();
    g.audience := 'public';
    g.languages := '{fi}';
    g.topics := '{}';
    g.target_groups := '{}';
    g.anonymous_ok := false;
    g.join_late := false;
    g.schedule_timezone := 'Europe/Helsinki';
    g.waitlist_policy := 'strict';
    g := group_apply(g, p);
    INSERT INTO groups (org_id, id, title, title_sv, title_en, description, description_sv,
        description_en, kind, access, audience, modality, location_name, location_address,
        municipality, accessibility, online_url, capacity, languages, topics, target_groups,
        leader_type, anonymous_ok, cost, registration_opens, registration_closes, schedule_start,
        schedule_duration, schedule_timezone, schedule_rrule,
        join_late, waitlist_policy, waitlist_offer_hours, consent_text, consent_text_sv, consent_text_en,
        reminder_kind, reminder_hours, reminder_at)
    VALUES (g.org_id, g.id, g.title, g.title_sv, g.title_en, g.description, g.description_sv,
        g.description_en, g.kind, g.access, g.audience, g.modality, g.location_name,
        g.location_address, g.municipality, g.accessibility, g.online_url, g.capacity, g.languages,
        g.topics, g.target_groups, g.leader_type, g.anonymous_ok, g.cost, g.registration_opens,
        g.registration_closes, g.schedule_start, g.schedule_duration, g.schedule_timezone,
        g.schedule_rrule,
        g.join_late, g.waitlist_policy, g.waitlist_offer_hours, g.consent_text, g.consent_text_sv,
        g.consent_text_en, g.reminder_kind, g.reminder_hours, g.reminder_at)
    RETURNING * INTO g;
    IF p ? 'leaders' THEN PERFORM group_set_leaders(g, p->'leaders'); END IF;
    IF p_starts IS NOT NULL THEN
        PERFORM group_sync_sessions(g, p_starts, p_ends, '-infinity', p_horizon);
    END IF;
    RETURN json_build_object('group', group_seen_json(g, p_viewer, p_scope));
END
$$;

-- The stored group as piirid needs it to authorise and merge a change: the
-- facts loader facts_group (server/facts.c), struct group_facts.
CREATE OR REPLACE FUNCTION api_group_facts(p_id uuid, p_viewer uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT group_json(g, p_viewer) FROM groups g WHERE g.id = p_id
$$;

-- {"group": ...}, with "over_capacity" and "schedule_change" when there is
-- something to say (each is null otherwise).
CREATE OR REPLACE FUNCTION group_update_answer(p_group json, p_over json, p_change json) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_object_agg(k, v ORDER BY n)
    FROM (VALUES (1, 'group', p_group), (2, 'over_capacity', p_over), (3, 'schedule_change', p_change)) AS a(n, k, v)
    WHERE v IS NOT NULL
$$;

-- p_confirm: the request means to lower the capacity below the seats taken
-- (?confirm=capacity_below_taken); the answer then lists what is over-full.
CREATE OR REPLACE FUNCTION api_group_update(p_id uuid, p jsonb, p_starts bigint[], p_ends bigint[],
                                 p_horizon timestamptz, p_viewer uuid, p_scope jsonb, p_confirm boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    g groups;
    v_capacity int;
    v_over json;
    v_change json;
BEGIN
    SELECT * INTO g FROM groups WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'PI404', HINT = 'No such group.';
    END IF;
    v_capacity := g.capacity;
    g := group_apply(g, p);
    v_over := capacity_lowering_check(g, v_capacity, p_confirm);
    UPDATE groups SET title = g.title, title_sv = g.title_sv, title_en = g.title_en,
        description = g.description, description_sv = g.description_sv,
        description_en = g.description_en, kind = g.kind, access = g.access, audience = g.audience,
        modality = g.modality, location_name = g.location_name, location_address = g.location_address,
        municipality = g.municipality, accessibility = g.accessibility, online_url = g.online_url,
        capacity = g.capacity, languages = g.languages, topics = g.topics,
        target_groups = g.target_groups, leader_type = g.leader_type, anonymous_ok = g.anonymous_ok,
        cost = g.cost, registration_opens = g.registration_opens,
        registration_closes = g.registration_closes, schedule_start = g.schedule_start,
        schedule_duration = g.schedule_duration, schedule_timezone = g.schedule_timezone,
        schedule_rrule = g.schedule_rrule,
        join_late = g.join_late,
        waitlist_policy = g.waitlist_policy, waitlist_offer_hours = g.waitlist_offer_hours,
        consent_text = g.consent_text, consent_text_sv = g.consent_text_sv, consent_text_en = g.consent_text_en,
        reminder_kind = g.reminder_kind, reminder_hours = g.reminder_hours, reminder_at = g.reminder_at,
        updated_at = now()
    WHERE org_id = g.org_id AND id = g.id
    RETURNING * INTO g;
    IF p ? 'leaders' THEN PERFORM group_set_leaders(g, p->'leaders'); END IF;
    IF p ? 'schedule' THEN
        v_change := schedule_retime(g, p_starts, p_ends, p_horizon);
    END IF;
    RETURN group_update_answer(group_seen_json(g, p_viewer, p_scope), v_over, v_change);
END
$$;

-- The change api_group_update would make, answered the same and saved
-- nowhere (?dry_run=true): it runs in a subtransaction that is rolled back,
-- so no session, outbox row or feed notification (feeds_changed) outlives
-- it. PIDRY is raised here only, to roll back, and never leaves.
CREATE OR REPLACE FUNCTION api_group_update_dry_run(p_id uuid, p jsonb, p_starts bigint[], p_ends bigint[],
                                 p_horizon timestamptz, p_viewer uuid, p_scope jsonb, p_confirm boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    v_answer json;
BEGIN
    BEGIN
        v_answer := api_group_update(p_id, p, p_starts, p_ends, p_horizon, p_viewer, p_scope, p_confirm);
        RAISE EXCEPTION 'dry_run' USING ERRCODE = 'PIDRY';
    EXCEPTION WHEN SQLSTATE 'PIDRY' THEN
        RETURN v_answer;
    END;
END
$$;

CREATE OR REPLACE FUNCTION api_group_archive(p_id uuid) RETURNS boolean LANGUAGE sql AS $$
    WITH a AS (UPDATE groups SET archived_at = coalesce(archived_at, now()), updated_at = now()
               WHERE id = p_id RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM a)
$$;

CREATE OR REPLACE FUNCTION api_group_get(p_id uuid, p_viewer uuid, p_scope jsonb) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('group', group_seen_json(g, p_viewer, p_scope)) FROM groups g WHERE g.id = p_id
$$;

-- Reading -------------------------------------------------------------------

-- Searching ----------------------------------------------------------------------

-- The words of a search, folded (case and accents), at most ten.
CREATE OR REPLACE FUNCTION group_search_words(p_q text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((SELECT array_agg(w ORDER BY n) FROM (
        SELECT w, n FROM regexp_split_to_table(piiri_fold(p_q), '[^[:alnum:]]+') WITH ORDINALITY AS t (w, n)
        WHERE w <> '' ORDER BY n LIMIT 10) x), '{}')
$$;

-- What of a word a compound or an inflected form still holds: its Finnish
-- stem, less a last vowel that inflection changes (vauva: vauv, found in
-- keskosvauvojen).
CREATE OR REPLACE FUNCTION group_search_root(p_word text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN length(s) > 4 AND s ~ '[aeiouy]$' THEN left(s, -1) ELSE s END
    FROM (SELECT coalesce((SELECT lexeme FROM unnest(to_tsvector('finnish', p_word)) LIMIT 1), p_word) AS s) x
$$;

CREATE OR REPLACE FUNCTION group_search_like(p_text text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- One word of a search in a group's words (p_vec, p_text: the group's
-- search columns and its organization's name): as a word in Finnish, Swedish
-- or English, as a part of a word, or with a typo (trigrams).
CREATE OR REPLACE FUNCTION group_search_match(p_vec tsvector, p_text text, p_word text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_vec @@ (plainto_tsquery('finnish', p_word) || plainto_tsquery('swedish', p_word) ||
                     plainto_tsquery('english', p_word))
        OR p_text LIKE group_search_like(p_word)
        OR p_text LIKE group_search_like(group_search_root(p_word))
        OR (length(p_word) >= 5 AND word_similarity(p_word, p_text) >= 0.5)
$$;

-- How well a group matches: the full-text rank (titles weigh most) and how
-- close each word comes (1 for an exact word), rounded so that a cursor can
-- carry it.
CREATE OR REPLACE FUNCTION group_search_rank(p_vec tsvector, p_text text, p_words text[]) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT round(coalesce((SELECT sum(ts_rank(p_vec, plainto_tsquery('finnish', w) || plainto_tsquery('swedish', w) ||
                                                   plainto_tsquery('english', w)))
                                 + avg(word_similarity(w, p_text))
                          FROM unnest(p_words) w), 0)::numeric, 6)
$$;

-- Listing: filters, a keyset cursor and a limit; from/to keep groups with a
-- scheduled session in that window. Without q the order is of creation
-- (created_at, id); with q the best match first (rank, then creation), and
-- the cursor holds the rank too.
CREATE OR REPLACE FUNCTION api_groups_list(p_org text, p_kind text, p_access text, p_audience text,
    p_modality text, p_municipality text, p_language text, p_topic text, p_q text,
    p_from timestamptz, p_to timestamptz, p_after_time timestamptz, p_after_id uuid, p_limit int,
    p_viewer uuid, p_scope jsonb, p_after_rank numeric)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH words AS (SELECT group_search_words(p_q) AS w),
    found AS (
        SELECT g, CASE WHEN p_q IS NULL THEN 0
                       ELSE group_search_rank(g.search, g.search_text || ' ' || piiri_fold(o.name), words.w)
                  END AS rank
        FROM groups g JOIN organizations o ON o.id = g.org_id, words
        WHERE g.archived_at IS NULL
          AND (p_org IS NULL OR o.slug = p_org)
          AND (p_kind IS NULL OR g.kind = p_kind)
          AND (p_access IS NULL OR g.access = p_access)
          AND (p_audience IS NULL OR g.audience = p_audience)
          AND (p_modality IS NULL OR g.modality = p_modality)
          AND (p_municipality IS NULL OR piiri_fold(g.municipality) = piiri_fold(p_municipality))
          AND (p_language IS NULL OR p_language = ANY (g.languages))
          AND (p_topic IS NULL OR piiri_fold(p_topic) = ANY (ARRAY(SELECT piiri_fold(t) FROM unnest(g.topics) t)))
          AND (p_q IS NULL OR (cardinality(words.w) > 0 AND NOT EXISTS (
                SELECT 1 FROM unnest(words.w) x (word)
                WHERE NOT group_search_match(g.search, g.search_text || ' ' || piiri_fold(o.name), x.word))))
          AND (p_from IS NULL AND p_to IS NULL OR EXISTS (
                SELECT 1 FROM sessions s
                WHERE s.org_id = g.org_id AND s.group_id = g.id AND s.status = 'scheduled'
                  AND (p_from IS NULL OR s.ends_at > p_from)
                  AND (p_to IS NULL OR s.starts_at < p_to)))),
    page AS (
        SELECT f.g, f.rank, (f.g).created_at, (f.g).id FROM found f
        WHERE p_after_time IS NULL
           OR f.rank < coalesce(p_after_rank, 0)
           OR f.rank = coalesce(p_after_rank, 0) AND ((f.g).created_at, (f.g).id) > (p_after_time, p_after_id)
        ORDER BY f.rank DESC, (f.g).created_at, (f.g).id
        LIMIT p_limit + 1),
    shown AS (SELECT * FROM page ORDER BY rank DESC, created_at, id LIMIT p_limit)
    SELECT json_build_object(
        'groups', coalesce((SELECT json_agg(group_seen_json(p.g, p_viewer, p_scope)
                            ORDER BY p.rank DESC, p.created_at, p.id) FROM shown p), '[]'),
        'next', (SELECT CASE WHEN p_q IS NULL THEN '' ELSE p.rank::text || '|' END ||
                        to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || p.id
                 FROM shown p
                 WHERE (SELECT count(*) FROM page) > p_limit
                 ORDER BY p.rank, p.created_at DESC, p.id DESC LIMIT 1))
$$;
