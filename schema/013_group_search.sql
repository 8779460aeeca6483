-- SPDX-License-Identifier: Apache-2.0
-- Search that understands Finnish, Swedish and English: each language's
-- title and description with its own text search configuration, the place
-- and topics too (schema/functions/base.sql: piiri_search_vector,
-- piiri_search_text), and trigrams (pg_trgm) for parts of compound words
-- and typos. The matching and ranking: api_groups_list in
-- schema/functions/groups.sql.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE groups DROP COLUMN search, DROP COLUMN search_text;
ALTER TABLE groups
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        piiri_search_vector(title, title_sv, title_en, description, description_sv, description_en,
                            municipality, location_name, topics)) STORED,
    ADD COLUMN search_text text GENERATED ALWAYS AS (
        piiri_search_text(title, title_sv, title_en, description, description_sv, description_en,
                          municipality, location_name, topics)) STORED;
CREATE INDEX groups_search ON groups USING gin (search);
CREATE INDEX groups_search_trgm ON groups USING gin (search_text gin_trgm_ops);

-- The listing ranks a search and pages by that rank too.
DROP FUNCTION IF EXISTS api_groups_list(text, text, text, text, text, text, text, text, text,
    timestamptz, timestamptz, timestamptz, uuid, integer, uuid, jsonb);
