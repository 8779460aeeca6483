-- SPDX-License-Identifier: Apache-2.0
-- The notification outbox (table: 003_signups.sql): what a person should
-- hear about, written in the transaction that caused it; delivery reads and
-- marks rows later. Payloads hold ids, not content.

CREATE OR REPLACE FUNCTION outbox_add(p_org uuid, p_person uuid, p_kind text, p_payload jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO notification_outbox (org_id, person_id, kind, payload)
    VALUES (p_org, p_person, p_kind, p_payload)
$$;
