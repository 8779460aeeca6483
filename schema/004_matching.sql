-- SPDX-License-Identifier: Apache-2.0
-- One-to-one peer support (the matching module): trained supporters and
-- their public introductions, confidential support requests, pairings with
-- every state change recorded and a contact log (date, mode, minutes; never
-- content), the log of who read which request, and per-org retention.
--
-- Scoring, candidates and the batch assignment are computed in piirid
-- (server/matching.c) from what api_candidates_data and
-- api_matching_batch_data return; the functions (schema/functions/
-- matching.sql) guard every change in one transaction (capacity under a
-- row lock on the supporter) and write the access log in the same
-- transaction as the read.
--
-- Every table carries org_id and every key includes it (Citus).

CREATE TABLE matching_settings (
    org_id uuid PRIMARY KEY REFERENCES organizations (id),
    retention_days int NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 0 AND 3650),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES persons (id)
);

CREATE TABLE supporters (
    org_id uuid NOT NULL REFERENCES organizations (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    person_id uuid NOT NULL REFERENCES persons (id),
    public_name text,                  -- first or chosen name shown publicly; NULL once deleted
    bio text,
    topics text[] NOT NULL DEFAULT '{}',
    municipalities text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{fi}',
    contact_modes text[] NOT NULL DEFAULT '{}',
    max_active int NOT NULL DEFAULT 1 CHECK (max_active BETWEEN 1 AND 50),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'retired')),
    training_course text,
    training_completed_on date,
    training_refresher_due date,
    pledge_version text,               -- the confidentiality pledge signed
    pledge_signed_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX supporters_id ON supporters (id);
CREATE UNIQUE INDEX supporters_person ON supporters (org_id, person_id) WHERE deleted_at IS NULL;
CREATE INDEX supporters_person_any ON supporters (person_id);

CREATE TABLE support_requests (
    org_id uuid NOT NULL REFERENCES organizations (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    requester_id uuid REFERENCES persons (id),  -- NULL once purged
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'proposed', 'active', 'closed')),
    topics text[] NOT NULL DEFAULT '{}',
    municipality text,
    languages text[] NOT NULL,
    contact_modes text[] NOT NULL,
    message text,                      -- NULL once purged
    preferences text,                  -- NULL once purged
    consent_at timestamptz NOT NULL,   -- consent to processing what they tell
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    purged_at timestamptz,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX support_requests_id ON support_requests (id);
CREATE INDEX support_requests_requester ON support_requests (requester_id);
CREATE INDEX support_requests_open ON support_requests (org_id, created_at, id) WHERE status = 'open';
CREATE INDEX support_requests_purge ON support_requests (closed_at) WHERE status = 'closed' AND purged_at IS NULL;

CREATE TABLE pairings (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    request_id uuid NOT NULL,
    supporter_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'active', 'declined', 'closed')),
    note text,                         -- the coordinator's word to the supporter; NULL once purged
    outcome text CHECK (outcome IN ('completed', 'no_longer_needed', 'no_contact', 'not_a_fit',
                                    'referred', 'other', 'account_erased')),
    created_at timestamptz NOT NULL DEFAULT now(),
    accepted_at timestamptz,
    ended_at timestamptz,              -- declined or closed
    purged_at timestamptz,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, request_id) REFERENCES support_requests (org_id, id),
    FOREIGN KEY (org_id, supporter_id) REFERENCES supporters (org_id, id)
);
CREATE INDEX pairings_id ON pairings (id);
CREATE UNIQUE INDEX pairings_live_request ON pairings (org_id, request_id)
    WHERE status IN ('proposed', 'active');
CREATE INDEX pairings_request ON pairings (org_id, request_id);
CREATE INDEX pairings_supporter ON pairings (org_id, supporter_id);

-- Every state change of a pairing: who (a person, or the system) and when.
CREATE TABLE pairing_events (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    pairing_id uuid NOT NULL,
    from_status text,
    to_status text NOT NULL,
    actor_id uuid REFERENCES persons (id),
    actor_role text NOT NULL CHECK (actor_role IN ('coordinator', 'supporter', 'requester', 'admin', 'system')),
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, pairing_id) REFERENCES pairings (org_id, id)
);
CREATE INDEX pairing_events_pairing ON pairing_events (org_id, pairing_id, at);

CREATE TABLE pairing_contacts (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    pairing_id uuid NOT NULL,
    contact_date date NOT NULL,
    mode text NOT NULL CHECK (mode IN ('in_person', 'phone', 'whatsapp', 'teams', 'video')),
    minutes int NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    created_by uuid REFERENCES persons (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, pairing_id) REFERENCES pairings (org_id, id)
);
CREATE INDEX pairing_contacts_pairing ON pairing_contacts (org_id, pairing_id, contact_date);

-- Who read which request, when, how. Reads by the requester are not logged.
CREATE TABLE support_request_reads (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    request_id uuid NOT NULL,
    reader_id uuid REFERENCES persons (id),
    reader_role text NOT NULL CHECK (reader_role IN ('coordinator', 'supporter', 'admin')),
    action text NOT NULL CHECK (action IN ('view', 'list', 'candidates', 'proposals')),
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, request_id) REFERENCES support_requests (org_id, id)
);
CREATE INDEX support_request_reads_org ON support_request_reads (org_id, at DESC);
CREATE INDEX support_request_reads_request ON support_request_reads (org_id, request_id, at DESC);
