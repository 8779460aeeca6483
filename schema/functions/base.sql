-- SPDX-License-Identifier: Apache-2.0
-- What the tables themselves are made of: functions that read no table and
-- that a generated column, a column default, an index or a migration's data
-- change calls. migrate applies this file before each migration it runs (so
-- a migration may use these) and again with every other file afterwards.
--
-- Changing one of these changes stored data (search columns, index keys,
-- email keys) only for rows written later: the change needs a migration that
-- rewrites what was computed before (UPDATE ..., REINDEX).

-- Text folding -------------------------------------------------------------------

-- unaccent() is only STABLE (its dictionary could change); ours is fixed, so
-- the wrapper may be IMMUTABLE and used in the generated search column.
CREATE OR REPLACE FUNCTION piiri_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, coalesce(t, '')))
$$;

-- A group's searched words (the generated columns search and search_text of
-- groups, 013_group_search.sql): each language's title and description with
-- its own text search configuration (titles weigh most), and the place and
-- topics, folded. array_to_string is only STABLE in general; of text[] it
-- is fixed.
CREATE OR REPLACE FUNCTION piiri_search_vector(title text, title_sv text, title_en text, description text,
    description_sv text, description_en text, municipality text, location_name text, topics text[])
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('finnish', piiri_fold(title)), 'A')
        || setweight(to_tsvector('swedish', piiri_fold(title_sv)), 'A')
        || setweight(to_tsvector('english', piiri_fold(title_en)), 'A')
        || setweight(to_tsvector('finnish', piiri_fold(description)), 'B')
        || setweight(to_tsvector('swedish', piiri_fold(description_sv)), 'B')
        || setweight(to_tsvector('english', piiri_fold(description_en)), 'B')
        || setweight(to_tsvector('finnish', piiri_fold(municipality) || ' ' || piiri_fold(location_name) || ' ' ||
                                            piiri_fold(array_to_string(topics, ' '))), 'C')
$$;

-- The same words as folded text, for the trigram matches (parts of compound
-- words, typos).
CREATE OR REPLACE FUNCTION piiri_search_text(title text, title_sv text, title_en text, description text,
    description_sv text, description_en text, municipality text, location_name text, topics text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT piiri_fold(title) || ' ' || piiri_fold(title_sv) || ' ' || piiri_fold(title_en) || ' ' ||
           piiri_fold(description) || ' ' || piiri_fold(description_sv) || ' ' || piiri_fold(description_en) || ' ' ||
           piiri_fold(municipality) || ' ' || piiri_fold(location_name) || ' ' ||
           piiri_fold(array_to_string(topics, ' '))
$$;

-- Keys ---------------------------------------------------------------------------

-- The line: waitlisted signups of one target in order. A series signup has
-- no session, so the target is written as a non-null key the index can use.
CREATE OR REPLACE FUNCTION signup_target(p_session uuid) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(p_session, '00000000-0000-0000-0000-000000000000'::uuid)
$$;

-- A feed token is a read capability the person can rotate; unlike a sign-in
-- token it is shown again (GET /api/v1/me), so it is kept as it is.
-- 122 random bits (a v4 UUID) in 22 URL-safe characters.
CREATE OR REPLACE FUNCTION piiri_new_feed_token() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'),
                           '+/', '-_'), '=')
$$;

-- An email address's key, for rows written by SQL alone (the demo data,
-- bench/) and for addresses stored before piirid computed the key itself
-- (libunistring's u8_casefold, passed in): as close to the NFC of the full
-- case folding as PostgreSQL comes: NFC, then lower case under ICU's root
-- locale when the server has ICU (else under the database's own), then ß
-- and final ς folded as case folding does. For addresses of ASCII, Finnish,
-- Swedish and most other letters that is the same key. It differs for
-- letters whose folding is not their lower case other than those two:
-- ligatures (ﬁ), ŉ, ǰ, Cherokee, and İ where ICU is missing; an account
-- with such a letter must be given its key anew (UPDATE persons SET
-- email_key = <the folded form>).
DO $do$
DECLARE
    v_collate text := CASE WHEN EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')
                           THEN ' COLLATE "und-x-icu"' ELSE '' END;
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION piiri_email_fold(p text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $b$
            SELECT normalize(replace(replace(lower(normalize(p, NFC)%s), 'ß', 'ss'), 'ς', 'σ'), NFC)
        $b$ $f$, v_collate);
END
$do$;
