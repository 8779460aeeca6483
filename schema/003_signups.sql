-- SPDX-License-Identifier: Apache-2.0
-- Signups with a strict FIFO waitlist, absence notices, attendance, the
-- notification outbox and idempotency keys. Capacity decisions and writes
-- happen in one transaction that locks the row holding the seat count (the
-- session for per-session signups, the group for series signups), so a
-- group is never overbooked whatever the concurrency (the functions:
-- schema/functions/signups.sql, attendance.sql, reports.sql, outbox.sql).

ALTER TABLE groups ADD COLUMN seats_taken int NOT NULL DEFAULT 0 CHECK (seats_taken >= 0);

CREATE SEQUENCE signup_queue_seq;

CREATE TABLE signups (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    group_id uuid NOT NULL,
    session_id uuid,                     -- NULL: the whole series (closed groups, camps)
    person_id uuid NOT NULL REFERENCES persons (id),
    adults int NOT NULL CHECK (adults BETWEEN 0 AND 12),
    children int NOT NULL CHECK (children BETWEEN 0 AND 12),
    seats int GENERATED ALWAYS AS (adults + children) STORED,
    note text,
    status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    queue_seq bigint NOT NULL DEFAULT nextval('signup_queue_seq'), -- place in line
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    cancelled_by uuid,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id),
    CHECK (adults + children >= 1)
);
CREATE INDEX signups_id ON signups (id);
-- One active signup per person and target.
CREATE UNIQUE INDEX signups_one_active ON signups (org_id, group_id,
    coalesce(session_id, '00000000-0000-0000-0000-000000000000'), person_id) WHERE status <> 'cancelled';
-- The line: waitlisted signups of one target in order. A series signup has
-- no session, so the target is written as a non-null key the index can use
-- (signup_target, schema/functions/base.sql).
CREATE INDEX signups_line ON signups (org_id, group_id, signup_target(session_id), queue_seq)
    WHERE status = 'waitlisted';
CREATE INDEX signups_person ON signups (person_id);

CREATE TABLE absence_notices (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

CREATE TABLE attendance (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    status text NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    marked_by uuid,
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);
CREATE INDEX attendance_person ON attendance (org_id, person_id);

-- Per-session counts that belong to nobody: anonymous walk-ins, leaders' hours.
CREATE TABLE session_tallies (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    walk_ins int NOT NULL DEFAULT 0 CHECK (walk_ins >= 0),
    volunteer_hours numeric(8, 2) NOT NULL DEFAULT 0 CHECK (volunteer_hours >= 0),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

-- What a person should hear about, written in the transaction that caused
-- it; delivery reads and marks rows later. Payloads hold ids, not content.
CREATE TABLE notification_outbox (
    org_id uuid NOT NULL,
    id bigserial,
    person_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('signup_confirmed', 'signup_waitlisted', 'signup_promoted',
                                       'session_cancelled', 'session_moved')),
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX notification_outbox_unsent ON notification_outbox (created_at) WHERE sent_at IS NULL;

-- A retried POST with the same Idempotency-Key gets the first answer.
CREATE TABLE idempotency_keys (
    person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    key text NOT NULL,
    target uuid NOT NULL,
    response json,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, key)
);
