-- SPDX-License-Identifier: Apache-2.0
-- The names of guests (a signup a coordinator made for someone without an
-- account, a drop-in a leader typed in) are personal data kept only for a
-- while after the meeting (guest_names_purge in
-- schema/functions/retention.sql). Then the row stays, nameless, so that the
-- visit still counts in the reports.

ALTER TABLE attendance_drop_ins
    ADD COLUMN name_purged_at timestamptz,
    DROP CONSTRAINT attendance_drop_ins_who,
    ADD CONSTRAINT attendance_drop_ins_who CHECK (
        CASE WHEN person_id IS NOT NULL THEN display_name IS NULL AND name_purged_at IS NULL
             ELSE (display_name IS NULL) = (name_purged_at IS NOT NULL) END);

ALTER TABLE signups ADD COLUMN guest_name_purged_at timestamptz;

-- The purge looks for guests' rows only: both stay small.
CREATE INDEX signups_guests ON signups (created_at) WHERE person_id IS NULL AND guest_name_purged_at IS NULL;
CREATE INDEX attendance_drop_ins_named ON attendance_drop_ins (created_at) WHERE display_name IS NOT NULL;
