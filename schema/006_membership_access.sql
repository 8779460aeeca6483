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
--
-- The functions and the trigger are in schema/functions/ (matching.sql,
-- orgs.sql, groups.sql); what stays here drops the signatures they replace.

-- Membership and one-to-one matching --------------------------------------------

ALTER TABLE pairings DROP CONSTRAINT pairings_outcome_check;
ALTER TABLE pairings ADD CONSTRAINT pairings_outcome_check
    CHECK (outcome IN ('completed', 'no_longer_needed', 'no_contact', 'not_a_fit', 'referred', 'other',
                       'account_erased', 'membership_ended'));

-- Removing a membership now names who removes it (for the pairing history):
-- api_membership_delete(text, uuid, uuid) replaces this one.
DROP FUNCTION IF EXISTS api_membership_delete(text, uuid);

-- Group leadership ----------------------------------------------------------------

UPDATE memberships m SET role = 'leader', updated_at = now()
WHERE m.role = 'member'
  AND EXISTS (SELECT 1 FROM group_leaders l WHERE l.org_id = m.org_id AND l.person_id = m.person_id);

-- What each party sees of a pairing ---------------------------------------------------

-- api_pairing_read, with the rights authz gave, replaces api_pairing_get.
DROP FUNCTION IF EXISTS api_pairing_get(uuid);

-- accept, decline and close as before; the answer shows what the actor may see.
DROP FUNCTION IF EXISTS api_pairing_change(uuid, text, uuid, text);
