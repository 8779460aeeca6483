-- SPDX-License-Identifier: Apache-2.0
-- Calendar feeds: personal feed tokens, discreet titles and a sequence for
-- each group's series (the functions and triggers: schema/functions/feeds.sql).
-- A feed token (piiri_new_feed_token, schema/functions/base.sql) is a read
-- capability the person can rotate; unlike a sign-in token it is shown again
-- (GET /api/v1/me), so it is kept as it is.

ALTER TABLE persons ADD COLUMN calendar_token text DEFAULT piiri_new_feed_token();
ALTER TABLE persons ADD COLUMN discreet_calendar boolean NOT NULL DEFAULT false;
-- Raised when the person's choices change how every event of their feed
-- reads (discreet titles), so that SEQUENCE and LAST-MODIFIED follow.
ALTER TABLE persons ADD COLUMN feed_sequence int NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN feed_changed_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX persons_calendar_token ON persons (calendar_token) WHERE calendar_token IS NOT NULL;

-- The series' SEQUENCE: raised whenever what a feed shows of the group changes.
ALTER TABLE groups ADD COLUMN ics_sequence int NOT NULL DEFAULT 0;
