-- SPDX-License-Identifier: Apache-2.0
-- Consent a group asks for when signing up (permission to share contact
-- details within a closed group, a camp's photos), and what each signup
-- agreed to (the functions: schema/functions/groups.sql, signups.sql).

-- The wording the person agrees to, in Finnish and optionally in Swedish
-- and English; NULL: the group asks for no consent.
ALTER TABLE groups
    ADD COLUMN consent_text text,
    ADD COLUMN consent_text_sv text,
    ADD COLUMN consent_text_en text;

-- When consent was given and a copy of the wording it was given to
-- ({"text", "text_sv", "text_en"} as the group had them then), so that a
-- later edit of the group's text does not change what was agreed.
ALTER TABLE signups
    ADD COLUMN consent_given_at timestamptz,
    ADD COLUMN consent_text jsonb,
    ADD CONSTRAINT signups_consent CHECK ((consent_given_at IS NULL) = (consent_text IS NULL));

-- Signing up takes the consent: the old signatures go.
DROP FUNCTION IF EXISTS api_signup(bytea, text, uuid, integer, integer, text, text);
DROP FUNCTION IF EXISTS api_signup_on_behalf(uuid, text, text, uuid, integer, integer, text, text);
DROP FUNCTION IF EXISTS signup_make(uuid, text, text, uuid, integer, integer, text, text);
