/* SPDX-License-Identifier: Apache-2.0 */
/* Sending one message: SMTP with libcurl (its MIME API builds the message),
 * or, without PIIRI_SMTP_URL, a file in a Maildir. Both write the same
 * structure: multipart/mixed around a multipart/alternative of a text part
 * and an HTML part, then, for a message about a session, its iCalendar part
 * (base64: the CRLF lines arrive as written). Nothing of the message is
 * logged.
 *
 * The SMTP connection outlives a message: one libcurl handle per process,
 * whose connection cache keeps the connection open between the messages of
 * a run (no TCP set-up, greeting, EHLO, STARTTLS, login and QUIT each
 * time), closed when the delivery process goes to sleep. libcurl does not
 * reuse a connection the server has closed; one it finds closed only when
 * it speaks (no reply, or 421: the server's limit of messages per
 * connection) is tried again at once on a new connection, as nothing of the
 * message was accepted on it. */
#include "mail.h"

#include "log.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMTP_CONNECT_TIMEOUT_S 10
#define SMTP_TIMEOUT_S         60
#define CALENDAR_FILE          "piiri.ics"

/* The calendar part's Content-Type. New string. */
static char *calendar_type(const struct mail_message *m)
{
    return xasprintf("text/calendar; method=%s; charset=utf-8; name=\"" CALENDAR_FILE "\"",
        m->calendar_method ? m->calendar_method : "PUBLISH");
}

static void date_header(char *out, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

static struct curl_slist *headers_of(const struct config *cfg, const struct mail_message *m)
{
    char date[64];
    date_header(date, sizeof(date));
    char *subject = mail_header_encode(m->subject);
    char *lines[] = {
        xasprintf("Date: %s", date),
        xasprintf("From: %s", cfg->mail_from),
        xasprintf("To: <%s>", m->to),
        xasprintf("Subject: %s", subject),
        xasprintf("Message-ID: %s", m->message_id),
        xstrdup("Auto-Submitted: auto-generated"),
    };
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
        list = curl_slist_append(list, lines[i]);
        free(lines[i]);
    }
    if (m->list_unsubscribe != NULL) {
        char *line = xasprintf("List-Unsubscribe: <%s>", m->list_unsubscribe);
        list = curl_slist_append(list, line);
        list = curl_slist_append(list, "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
        free(line);
    }
    free(subject);
    if (list == NULL)
        fatalx("out of memory");
    return list;
}

static void add_text_part(curl_mime *mime, const char *data, const char *type)
{
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_data(part, data, CURL_ZERO_TERMINATED);
    curl_mime_type(part, type);
    curl_mime_encoder(part, "quoted-printable");
}

/* An attachment: libcurl writes Content-Disposition: attachment with the
 * file's name. */
static void add_calendar_part(curl_mime *mime, const struct mail_message *m)
{
    char *type = calendar_type(m);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_data(part, m->calendar, CURL_ZERO_TERMINATED);
    curl_mime_type(part, type);
    curl_mime_filename(part, CALENDAR_FILE);
    curl_mime_encoder(part, "base64");
    free(type);
}

/* The handle whose connection cache holds the SMTP connection, NULL when
 * none is open. The delivery process is one thread. */
static CURL *smtp_handle;

/* The message's MIME tree: its alternative parts, then its calendar. */
static curl_mime *mime_of(CURL *curl, const struct mail_message *m)
{
    curl_mime *mime = curl_mime_init(curl);
    curl_mime *alt = curl_mime_init(curl);
    add_text_part(alt, m->text, "text/plain; charset=utf-8");
    add_text_part(alt, m->html, "text/html; charset=utf-8");
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_subparts(part, alt);
    curl_mime_type(part, "multipart/alternative");
    curl_mime_headers(part, curl_slist_append(NULL, "Content-Disposition: inline"), 1);
    if (m->calendar != NULL)
        add_calendar_part(mime, m);
    return mime;
}

/* The options of every message: the server, TLS, timeouts, login. Set
 * alike each time, so libcurl finds the kept connection fit to reuse. */
static void smtp_options(CURL *curl, const struct config *cfg)
{
    curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(
        curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); /* STARTTLS when offered; smtps:// always */
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
    /* Also bounds the wait for the reply to QUIT when the connection is
     * closed after the message (libcurl's own default is two minutes). */
    curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)SMTP_TIMEOUT_S);
    if (cfg->smtp_user != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
    }
}

/* One try of the message on smtp_handle (a new one when there is none):
 * libcurl's code, *reply the last SMTP reply (0: none), *reused: it went
 * over a connection opened for an earlier message. */
static CURLcode smtp_perform(
    const struct config *cfg, const struct mail_message *m, long *reply, bool *reused)
{
    if (smtp_handle == NULL && (smtp_handle = curl_easy_init()) == NULL)
        fatalx("libcurl cannot start");
    CURL *curl = smtp_handle;
    curl_easy_reset(curl); /* this message's options only; the connection stays */
    smtp_options(curl, cfg);
    char *from = mail_address(cfg->mail_from);
    char *envelope_from = xasprintf("<%s>", from);
    char *rcpt = xasprintf("<%s>", m->to);
    struct curl_slist *recipients = curl_slist_append(NULL, rcpt);
    struct curl_slist *headers = headers_of(cfg, m);
    curl_mime *mime = mime_of(curl, m);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);

    CURLcode rc = curl_easy_perform(curl);
    *reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, reply);
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    *reused = connects == 0;
    /* Nothing freed below stays set on the handle that lives on. */
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, NULL);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
    free(rcpt);
    free(envelope_from);
    free(from);
    return rc;
}

/* Did the try fail on a kept connection that the server had closed or was
 * closing, before anything was accepted? Not after a timeout: a server
 * that is slow is slow on a new connection too. */
static bool smtp_stale_connection(CURLcode rc, long reply, bool reused)
{
    return reused && rc != CURLE_OK && rc != CURLE_OPERATION_TIMEDOUT &&
           (reply == 0 || reply == 421);
}

static enum mail_outcome smtp_send(
    const struct config *cfg, const struct mail_message *m, int *code)
{
    long reply;
    bool reused;
    CURLcode rc = smtp_perform(cfg, m, &reply, &reused);
    if (rc != CURLE_OK)
        mail_transport_close(); /* whatever state it is in, the next try starts afresh */
    if (smtp_stale_connection(rc, reply, reused)) {
        log_info("mail: the SMTP server closed the kept connection (reply %ld); a new one", reply);
        rc = smtp_perform(cfg, m, &reply, &reused);
        if (rc != CURLE_OK)
            mail_transport_close();
    }
    *code = (int)reply;
    if (rc == CURLE_OK)
        return MAIL_SENT;
    /* A 5xx about this message is final; a refused login is the server's
     * settings, not the message's, and is tried again. */
    bool permanent = reply >= 500 && reply < 600 && rc != CURLE_LOGIN_DENIED;
    log_warn("mail: SMTP %s (reply %ld): %s", permanent ? "refused" : "failed for now", reply,
        curl_easy_strerror(rc));
    return permanent ? MAIL_FAILED : MAIL_RETRY;
}

void mail_transport_close(void)
{
    if (smtp_handle != NULL)
        curl_easy_cleanup(smtp_handle); /* QUIT on a connection still open */
    smtp_handle = NULL;
}

/* ---- Maildir ---- */

/* Base64 in lines of 76, CRLF-free (a Maildir file has LF line ends). */
static void add_base64(FILE *f, const char *s)
{
    size_t len = strlen(s);
    for (size_t at = 0; at < len; at += 57) {
        size_t n = len - at < 57 ? len - at : 57;
        char line[80];
        sodium_bin2base64(
            line, sizeof(line), (const unsigned char *)s + at, n, sodium_base64_VARIANT_ORIGINAL);
        fprintf(f, "%s\n", line);
    }
}

static int make_dir(const char *path)
{
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int maildir_dirs(const char *dir)
{
    const char *subs[] = { "", "/tmp", "/new", "/cur" };
    for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
        char *p = xasprintf("%s%s", dir, subs[i]);
        int rc = make_dir(p);
        free(p);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void write_message(
    FILE *f, const struct config *cfg, const struct mail_message *m, const char *name)
{
    char date[64];
    date_header(date, sizeof(date));
    char *subject = mail_header_encode(m->subject);
    fprintf(f,
        "Date: %s\nFrom: %s\nTo: <%s>\nSubject: %s\nMessage-ID: %s\nAuto-Submitted: "
        "auto-generated\n",
        date, cfg->mail_from, m->to, subject, m->message_id);
    if (m->list_unsubscribe != NULL)
        fprintf(f, "List-Unsubscribe: <%s>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n",
            m->list_unsubscribe);
    fprintf(f,
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mixed-%s\"\n\n"
        "--mixed-%s\nContent-Type: multipart/alternative; "
        "boundary=\"alt-%s\"\nContent-Disposition: inline\n\n"
        "--alt-%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
        name, name, name, name);
    add_base64(f, m->text);
    fprintf(f,
        "\n--alt-%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
        name);
    add_base64(f, m->html);
    fprintf(f, "\n--alt-%s--\n", name);
    if (m->calendar != NULL) {
        char *type = calendar_type(m);
        fprintf(f,
            "\n--mixed-%s\nContent-Type: %s\nContent-Disposition: attachment; "
            "filename=\"" CALENDAR_FILE "\"\nContent-Transfer-Encoding: base64\n\n",
            name, type);
        add_base64(f, m->calendar);
        free(type);
    }
    fprintf(f, "\n--mixed-%s--\n", name);
    free(subject);
}

/* The file is named after the Message-ID, written in tmp/ and renamed into
 * new/: a message written again after a crash replaces itself. */
static enum mail_outcome maildir_write(const struct config *cfg, const struct mail_message *m)
{
    char name[128];
    size_t j = 0;
    for (const char *c = m->message_id; *c && j + 1 < sizeof(name); c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '.')
            name[j++] = *c;
    }
    name[j] = '\0';
    if (maildir_dirs(cfg->maildir) != 0) {
        log_error("mail: cannot create the Maildir %s: %s", cfg->maildir, strerror(errno));
        return MAIL_RETRY;
    }
    char *tmp = xasprintf("%s/tmp/%s", cfg->maildir, name);
    char *dst = xasprintf("%s/new/%s", cfg->maildir, name);
    enum mail_outcome out = MAIL_RETRY;
    FILE *f = fopen(tmp, "w");
    if (f != NULL) {
        write_message(f, cfg, m, name);
        bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
        if (fclose(f) == 0 && ok && rename(tmp, dst) == 0)
            out = MAIL_SENT;
    }
    if (out != MAIL_SENT) {
        log_error("mail: cannot write into the Maildir %s: %s", cfg->maildir, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(dst);
    return out;
}

enum mail_outcome mail_transport_send(
    const struct config *cfg, const struct mail_message *m, int *code)
{
    *code = 0;
    if (cfg->smtp_url != NULL)
        return smtp_send(cfg, m, code);
    return maildir_write(cfg, m);
}
