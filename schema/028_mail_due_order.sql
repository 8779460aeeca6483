-- SPDX-License-Identifier: Apache-2.0
-- The delivery process claims the oldest due row (mail_next: ORDER BY
-- next_attempt_at, id). Rows written in one transaction share their
-- next_attempt_at (now()), so an index on that column alone left every
-- claim to sort all of them again: a cancelled session or an evening's
-- reminders for thousands of people cost a sort of the whole queue per
-- message. Keyed by both, the claim reads the first entry.

DROP INDEX notification_outbox_due;
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE status = 'queued';
