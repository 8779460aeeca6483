-- SPDX-License-Identifier: Apache-2.0
-- Walk-ins that two phones can both count: each press of + or - is a change
-- under an id the phone makes, applied once however often it is sent; and
-- the time of the attendance's last change, for the page's "saved at" (the
-- functions: schema/functions/attendance.sql).

-- applied is what the change did to the count: a -1 on a count of 0 does
-- nothing (the count never goes below 0), and is remembered as 0.
CREATE TABLE walk_in_changes (
    org_id uuid NOT NULL,
    id uuid NOT NULL,
    session_id uuid NOT NULL,
    delta int NOT NULL CHECK (delta <> 0 AND delta BETWEEN -100 AND 100),
    applied int NOT NULL,
    marked_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, session_id) REFERENCES sessions (org_id, id)
);
CREATE INDEX walk_in_changes_session ON walk_in_changes (org_id, session_id);

ALTER TABLE attendance_versions ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
