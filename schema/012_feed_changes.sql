-- SPDX-License-Identifier: Apache-2.0
-- Calendar feeds: when the feed's view of a group last changed, and where an
-- extra session was before it was first moved (the functions and triggers:
-- schema/functions/feeds.sql).

-- Set with every rise of ics_sequence, so that DTSTAMP follows what an event
-- shows and not updated_at, which a change no feed shows (capacity) moves too.
ALTER TABLE groups ADD COLUMN ics_changed_at timestamptz;
UPDATE groups SET ics_changed_at = updated_at;
ALTER TABLE groups ALTER COLUMN ics_changed_at SET DEFAULT now(), ALTER COLUMN ics_changed_at SET NOT NULL;

-- The start a session had before its first move, when it has no
-- original_start (extra sessions), so that a feed can say it was moved.
ALTER TABLE sessions ADD COLUMN moved_from timestamptz;
