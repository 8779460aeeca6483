/* SPDX-License-Identifier: Apache-2.0 */
/* Mail delivery: a process of its own beside the workers (mail.c), the
 * reminders it writes into the outbox when they are due (mail-reminders.c),
 * the messages it writes from an outbox row (mail-message.c) and the ways it
 * sends them, SMTP over libcurl or files in a Maildir (mail-transport.c). */
#ifndef PIIRI_MAIL_H
#define PIIRI_MAIL_H

#include "config.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/* ---- the process (mail.c) ---- */

/* Is delivery configured (PIIRI_SMTP_URL or PIIRI_MAILDIR)? */
bool mail_enabled(const struct config *cfg);
/* The delivery process's body, forked by the supervisor; returns its exit
 * status. conninfo: PostgreSQL itself (it LISTENs). */
int mail_main(const struct config *cfg, const char *conninfo);

/* ---- reminders (mail-reminders.c) ---- */

/* Write the reminders due by this process's clock into the outbox (none
 * twice, whatever other processes do). *next_s: seconds until the next
 * reminder of the coming days is due, -1 when none is. -1 on database
 * trouble. */
int mail_reminders_make(PGconn *conn, double *next_s) __attribute__((warn_unused_result));

/* ---- messages (mail-message.c, pure) ---- */

struct mail_message {
    char *to;         /* the address, bare */
    char *subject;    /* UTF-8; neutral: never a group's title or topic */
    char *message_id; /* "<...>", the same for every try of one row */
    char *text, *html;
};

/* The message for an outbox row as mail_view() describes it; from: the
 * From: setting (for the Message-ID's domain). -1 and *cause (new) when the
 * row is not one we can write (an unknown kind, no address). */
int mail_message_build(const json_t *view, const char *from, struct mail_message *m, char **cause)
    __attribute__((warn_unused_result));
void mail_message_free(struct mail_message *m);
/* Subject as an RFC 2047 encoded word when it is not ASCII. New string. */
char *mail_header_encode(const char *s);
/* The bare address of "Name <addr>" or "addr". New string. */
char *mail_address(const char *from);

/* ---- transports (mail-transport.c) ---- */

enum mail_outcome {
    MAIL_SENT,   /* accepted: mark sent */
    MAIL_RETRY,  /* a 4xx, no connection, a write that failed: try later */
    MAIL_FAILED, /* a 5xx: never again */
};

/* Send over SMTP (cfg->smtp_url) or write into cfg->maildir. *code: the
 * SMTP reply code (0 when there was none). */
enum mail_outcome mail_transport_send(
    const struct config *cfg, const struct mail_message *m, int *code);

#endif
