-- SPDX-License-Identifier: Apache-2.0
-- Attendance that two leaders can mark at once: a version per session's
-- attendance (its ETag), volunteer hours per leader, people who drop in
-- without a signup, and absence notices with a reason that can be withdrawn
-- (the functions: schema/functions/attendance.sql, reports.sql, feeds.sql).

-- Raised in the transaction of every change to a session's attendance, under
-- the session's row lock: the ETag a whole-session replace must match.
CREATE TABLE attendance_versions (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    version bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
    PRIMARY KEY (org_id, session_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

-- Each leader's own hours: two leaders on two phones each set theirs.
CREATE TABLE volunteer_hours (
    org_id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    hours numeric(8, 2) NOT NULL CHECK (hours >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, session_id, person_id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);

-- The hours recorded so far belong to whoever recorded them last.
INSERT INTO volunteer_hours (org_id, session_id, person_id, hours, updated_at)
SELECT t.org_id, t.session_id, t.updated_by, t.volunteer_hours, t.updated_at
FROM session_tallies t
WHERE t.volunteer_hours > 0 AND EXISTS (SELECT 1 FROM persons p WHERE p.id = t.updated_by);

ALTER TABLE session_tallies DROP COLUMN volunteer_hours;

-- Somebody present without a signup: an org member (person_id) or a guest
-- the leader typed in (display_name: personal data, shown to the session's
-- leaders only, in nobody's export). The id is the client's, so a change
-- queued offline and sent twice makes one drop-in.
CREATE TABLE attendance_drop_ins (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    session_id uuid NOT NULL,
    person_id uuid REFERENCES persons (id),
    display_name text,
    marked_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id),
    CONSTRAINT attendance_drop_ins_who CHECK ((person_id IS NULL) <> (display_name IS NULL))
);
CREATE UNIQUE INDEX attendance_drop_ins_person ON attendance_drop_ins (org_id, session_id, person_id);
CREATE INDEX attendance_drop_ins_session ON attendance_drop_ins (org_id, session_id);

-- A notice's reason is for the group's leaders; a withdrawn notice keeps its
-- row (withdrawn_at) so that the person's feed can raise the event's
-- SEQUENCE: changes counts every notice given and withdrawn.
ALTER TABLE absence_notices
    ADD COLUMN reason text CHECK (char_length(reason) <= 500),
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN changes int NOT NULL DEFAULT 1 CHECK (changes >= 1),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE absence_notices SET updated_at = created_at;

-- Their signatures changed (the reason; the ETag a replace must match).
DROP FUNCTION IF EXISTS api_absence(uuid, uuid);
DROP FUNCTION IF EXISTS api_attendance_put(uuid, jsonb, int, numeric, uuid);
