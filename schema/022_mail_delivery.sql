-- SPDX-License-Identifier: Apache-2.0
-- Mail delivery (schema/functions/mail.sql, server/mail.c): each outbox row
-- is queued until the delivery process sends it, finds it stale (the signup
-- or session changed since) and skips it, or gives up on it. A temporary
-- refusal puts the next try further off each time. Only the SMTP reply code
-- is kept, never what the server said about the message.

ALTER TABLE notification_outbox
    ADD COLUMN status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'skipped', 'failed')),
    ADD COLUMN attempts int NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_code int,
    ADD COLUMN done_at timestamptz;

-- Rows written before delivery existed and already marked sent stay sent.
UPDATE notification_outbox SET status = 'sent', done_at = sent_at WHERE sent_at IS NOT NULL;

CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'queued';

-- The language a person's mail is written in.
ALTER TABLE persons ADD COLUMN language text NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en'));
