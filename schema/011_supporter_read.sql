-- SPDX-License-Identifier: Apache-2.0
-- A supporter's record is left out by the SQL itself: api_supporter_facts
-- loads who the supporter is for authz, and api_supporter_read returns the
-- whole record or the public introduction by the right piirid passes
-- (AUTHZ_SUPPORTER_SEE_RECORD in server/authz.h); both are in
-- schema/functions/matching.sql. The function that returned both views for
-- piirid to choose from goes.

DROP FUNCTION IF EXISTS api_supporter_get(uuid);
