/* SPDX-License-Identifier: Apache-2.0 */
/* Mail delivery: a process of its own beside the workers (mail.c), the
 * reminders it writes into the outbox when they are due (mail-reminders.c),
 * the messages it writes from an outbox row (mail-message.c) with their
 * iCalendar part (mail-calendar.c), and the ways it sends them, SMTP over
 * libcurl or files in a Maildir (mail-transport.c). */
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
    char *list_unsubscribe; /* the one-click URL (RFC 8058), or NULL (account messages) */
    char *calendar;              /* the iCalendar part (CRLF lines), or NULL: none */
    const char *calendar_method; /* its METHOD, static; NULL with no part */
};

/* The message for an outbox row as mail_view() describes it, with the
 * links the delivery process added to the view (link_url: an account
 * message's action; unsubscribe_url, one_click_url, prefs_url: how to stop
 * a kind of message); from: the From: setting (for the Message-ID's
 * domain). -1 and *cause (new) when the row is not one we can write (an
 * unknown kind, no address, an account message without its link). */
int mail_message_build(const json_t *view, const char *from, struct mail_message *m, char **cause)
    __attribute__((warn_unused_result));
void mail_message_free(struct mail_message *m);
/* Subject as an RFC 2047 encoded word when it is not ASCII. New string. */
char *mail_header_encode(const char *s);
/* The bare address of "Name <addr>" or "addr". New string. */
char *mail_address(const char *from);

/* ---- the calendar part (mail-calendar.c, pure) ---- */

/* The iCalendar part of the message about the row a mail_view() describes:
 * the events of the person's feed in its "calendar", rendered as the feed
 * renders them, with METHOD:CANCEL for a cancelled session and PUBLISH for
 * the other kinds about sessions. NULL (no part) for a kind about no
 * session or when the feed shows no event for it. New string; *method:
 * static, NULL with no part. */
char *mail_calendar_render(const json_t *view, const char **method);

/* ---- transports (mail-transport.c) ---- */

enum mail_outcome {
    MAIL_SENT,   /* accepted: mark sent */
    MAIL_RETRY,  /* a 4xx, no connection, a write that failed: try later */
    MAIL_FAILED, /* a 5xx: never again */
};

/* Send over SMTP (cfg->smtp_url) or write into cfg->maildir. *code: the
 * SMTP reply code (0 when there was none). The SMTP connection stays open
 * for the next message until mail_transport_close. */
enum mail_outcome mail_transport_send(
    const struct config *cfg, const struct mail_message *m, int *code);
/* Close the SMTP connection kept between messages (QUIT), if one is open:
 * before the delivery process sleeps, and when it stops. */
void mail_transport_close(void);

#endif
