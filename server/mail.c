/* SPDX-License-Identifier: Apache-2.0 */
/* The delivery process. One blocking PostgreSQL connection of its own (it
 * serves no HTTP, so nothing here can hold up a request): LISTEN piiri_mail,
 * then, until told to stop, write the reminders that are due, deliver every
 * due row (a second's worth per turn, so reminders and gauges keep up with
 * a long run), close the SMTP connection and sleep until the next
 * notification, the next retry, the next reminder or the sweep, whichever
 * comes first.
 *
 * One row at a time, one transaction each: claim it (FOR UPDATE SKIP LOCKED,
 * so several piirid share the queue), read its message as the database has
 * it now, send, mark the outcome, commit. Killed anywhere before the send,
 * the row is unlocked and sent later; killed between the server's "250" and
 * the COMMIT, it is sent again, with the same Message-ID: the one duplicate
 * window (docs/mail.md). */
#include "mail.h"

#include "log.h"
#include "metrics.h"
#include "token.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <time.h>

#define SWEEP_S      30 /* a look at the queue without a notification */
#define RECONNECT_S  2  /* between attempts to reach PostgreSQL */
#define MAX_ATTEMPTS 12 /* tries before a row fails for good */
#define HELD_S       0.25 /* a look again at rows due but locked by another delivery process */
#define TURN_S       1  /* the longest run of messages between two looks at reminders and gauges */

static volatile sig_atomic_t stopping;

static void stop_handler(int sig)
{
    (void)sig;
    stopping = 1;
}

bool mail_enabled(const struct config *cfg)
{
    return cfg->smtp_url != NULL || cfg->maildir != NULL;
}

static bool ok(PGresult *res, ExecStatusType want)
{
    bool good = PQresultStatus(res) == want;
    if (!good)
        log_error("mail: %s", PQresultErrorMessage(res));
    PQclear(res);
    return good;
}

static PGconn *connect_db(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        log_warn("mail: cannot reach PostgreSQL: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    if (!ok(PQexec(conn, "SET application_name = 'piirid mail'; SET statement_timeout = '30s'; "
                         "SET idle_in_transaction_session_timeout = '5min'; LISTEN piiri_mail"),
            PGRES_COMMAND_OK)) {
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

static const char *const outcome_words[] = {
    [MAIL_SENT] = "sent", [MAIL_RETRY] = "retry", [MAIL_FAILED] = "failed"
};

/* Record the outcome in the open transaction and commit it. */
static bool finish(
    PGconn *conn, const struct config *cfg, const json_t *view, const char *outcome, int code)
{
    char id[32], code_s[16], retry[16], max[16];
    snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(view, "id")));
    snprintf(code_s, sizeof(code_s), "%d", code);
    snprintf(retry, sizeof(retry), "%d", cfg->mail_retry_s);
    snprintf(max, sizeof(max), "%d", MAX_ATTEMPTS);
    const char *params[] = { json_string_value(json_object_get(view, "org_id")), id, outcome,
        code > 0 ? code_s : NULL, retry, max };
    PGresult *res = PQexecParams(
        conn, "SELECT mail_done($1, $2, $3, $4, $5, $6)", 6, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("mail: %s", PQresultErrorMessage(res));
        PQclear(res);
        return false;
    }
    const char *status = PQgetvalue(res, 0, 0);
    if (strcmp(outcome, "retry") == 0)
        metrics_mail_count(
            strcmp(status, "failed") == 0 ? METRICS_MAIL_FAILED : METRICS_MAIL_RETRIED);
    else
        metrics_mail_count(strcmp(outcome, "sent") == 0     ? METRICS_MAIL_SENT
                           : strcmp(outcome, "failed") == 0 ? METRICS_MAIL_FAILED
                                                            : METRICS_MAIL_SKIPPED);
    log_info("mail: outbox row %s %s (reply %d)", id, status, code);
    PQclear(res);
    return ok(PQexec(conn, "COMMIT"), PGRES_COMMAND_OK);
}

/* The message's link, made now: its token exists only in the message, and
 * the database learns its hash in the transaction that marks it sent.
 * An account message's link does what it asked for, an offer's answers it;
 * any other lets the person stop that kind of message (and a message about
 * one-to-one support asks them to sign in: signin_url, no token; an
 * invitation, to register: register_url, no token). */
static void add_links(json_t *view, const struct config *cfg, const char *token)
{
    const char *purpose = json_string_value(json_object_get(view, "link"));
    const char *lang = json_string_value(json_object_get(view, "language"));
    const char *base = cfg->public_url;
    const char *kind = json_string_value(json_object_get(view, "kind"));
    if (kind != NULL && lang != NULL && strcmp(kind, "invitation") == 0) /* no token: registering */
        json_object_set_new(view, "register_url", json_sprintf("%s/%s/register", base, lang));
    if (purpose == NULL || lang == NULL)
        return;
    json_object_set_new(view, strcmp(purpose, "unsubscribe") == 0 ? "unsubscribe_url" : "link_url",
        json_sprintf("%s/%s/link/%s", base, lang, token));
    if (strcmp(purpose, "unsubscribe") == 0) {
        json_object_set_new(
            view, "one_click_url", json_sprintf("%s/api/v1/mail/unsubscribe/%s", base, token));
        json_object_set_new(view, "prefs_url", json_sprintf("%s/%s/me/mail", base, lang));
        json_object_set_new(view, "signin_url", json_sprintf("%s/%s/signin", base, lang));
    }
}

/* The link of the message about to be sent, in the transaction that marks it. */
static bool store_link(PGconn *conn, const json_t *view, const char *token)
{
    const char *purpose = json_string_value(json_object_get(view, "link"));
    if (purpose == NULL)
        return true;
    char hash[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param(token, TOKEN_TEXT_LEN, hash);
    const char *params[] = { hash, json_string_value(json_object_get(view, "person_id")), purpose,
        json_string_value(json_object_get(view, "kind")),
        json_string_value(json_object_get(view, "signup_id")) };
    return ok(PQexecParams(conn, "SELECT mail_link_store($1, $2, $3, $4, $5)", 5, NULL, params,
                  NULL, NULL, 0),
        PGRES_TUPLES_OK);
}

/* Send what the view describes, or skip it when it is no longer true. */
static bool deliver(PGconn *conn, const struct config *cfg, json_t *view)
{
    if (json_is_true(json_object_get(view, "stale")))
        return finish(conn, cfg, view, "skipped", 0);
    char token[TOKEN_TEXT_LEN + 1];
    token_generate(token);
    add_links(view, cfg, token);
    struct mail_message m;
    char *cause = NULL;
    if (mail_message_build(view, cfg->mail_from, &m, &cause) != 0) {
        log_error("mail: %s", cause);
        free(cause);
        return finish(conn, cfg, view, "failed", 0);
    }
    /* Stored first, in the transaction that marks the row: a message that
     * goes out has its link, and one that does not leaves only a hash
     * nobody holds the token of. */
    bool stored = store_link(conn, view, token);
    sodium_memzero(token, sizeof(token));
    if (!stored) {
        mail_message_free(&m);
        return false;
    }
    int code = 0;
    enum mail_outcome out = mail_transport_send(cfg, &m, &code);
    mail_message_free(&m);
    return finish(conn, cfg, view, outcome_words[out], code);
}

/* Claim and deliver one due row: 1 done, 0 none due, -1 database trouble. */
static int deliver_one(PGconn *conn, const struct config *cfg)
{
    /* One round trip: PQexec answers with the last statement's result, or
     * with the error that stopped the string. */
    PGresult *res = PQexec(conn, "BEGIN; SELECT mail_next()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("mail: %s", PQresultErrorMessage(res));
        PQclear(res);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    if (PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return ok(PQexec(conn, "COMMIT"), PGRES_COMMAND_OK) ? 0 : -1;
    }
    json_t *view = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    if (view == NULL)
        fatalx("mail: mail_next() returned no JSON");
    bool done = deliver(conn, cfg, view);
    json_decref(view);
    if (!done)
        PQclear(PQexec(conn, "ROLLBACK"));
    return done ? 1 : -1;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deliver the due rows for at most a turn: 0 none is left, 1 the turn is
 * over with rows still due, -1 database trouble. */
static int deliver_due(PGconn *conn, const struct config *cfg)
{
    double end = monotonic_s() + TURN_S;
    int rc = 0;
    while (!stopping && (rc = deliver_one(conn, cfg)) == 1) {
        if (monotonic_s() >= end)
            return 1;
    }
    return stopping ? 0 : rc;
}

/* Publish the queue's gauges; returns seconds until the next row is due
 * (SWEEP_S when none is), or -1 on database trouble. */
static double queue_look(PGconn *conn)
{
    PGresult *res = PQexec(conn, "SELECT queued, oldest_s, next_s FROM mail_queue()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("mail: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    metrics_mail_queue(
        strtoll(PQgetvalue(res, 0, 0), NULL, 10), strtod(PQgetvalue(res, 0, 1), NULL));
    double next = PQgetisnull(res, 0, 2) ? SWEEP_S : strtod(PQgetvalue(res, 0, 2), NULL);
    PQclear(res);
    return next < 0 ? 0 : next > SWEEP_S ? SWEEP_S : next;
}

/* Drop the notifications libpq holds; were there any? */
static bool notified(PGconn *conn)
{
    bool any = false;
    PGnotify *n;
    while ((n = PQnotifies(conn)) != NULL) {
        PQfreemem(n);
        any = true;
    }
    return any;
}

/* Sleep until a notification, the timeout or a signal; false: the
 * connection broke. A notification that came while this turn's queries
 * ran is already in libpq's buffer, not on the socket, so it is looked for
 * first: select() would sleep through it. */
static bool wait_for_work(PGconn *conn, double seconds)
{
    if (PQconsumeInput(conn) == 0)
        return false;
    if (notified(conn))
        return true;
    int fd = PQsocket(conn);
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    struct timeval tv = { (time_t)seconds,
        (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) };
    if (select(fd + 1, &fds, NULL, NULL, &tv) < 0 && errno != EINTR)
        return false;
    if (PQconsumeInput(conn) == 0)
        return false;
    (void)notified(conn);
    return true;
}

static void pause_s(int seconds)
{
    struct timespec ts = { seconds, 0 };
    if (!stopping)
        nanosleep(&ts, NULL); /* a signal cuts it short */
}

int mail_main(const struct config *cfg, const char *conninfo)
{
    log_set_tag("mail");
    prctl(PR_SET_PDEATHSIG, SIGTERM);                     /* never outlive the supervisor */
    prctl(PR_SET_NAME, "piirid-mail");                    /* for ps and the tests' kill -9 */
    struct sigaction sa = { .sa_handler = stop_handler }; /* no SA_RESTART: select and sleep wake */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        fatalx("libcurl cannot start");
    log_info("delivering mail %s", cfg->smtp_url ? "over SMTP" : "into the Maildir");

    PGconn *conn = NULL;
    while (!stopping) {
        if (conn == NULL && (conn = connect_db(conninfo)) == NULL) {
            pause_s(RECONNECT_S);
            continue;
        }
        double remind = -1;
        int rc = mail_reminders_make(conn, &remind);
        if (rc == 0)
            rc = deliver_due(conn, cfg);
        double next = rc < 0 ? -1 : queue_look(conn);
        if (rc == 0 && next == 0)
            next = HELD_S; /* what is due, another delivery process holds: no spinning */
        if (next > 0 && remind >= 0 && remind < next)
            next = remind; /* wake when the next reminder is due */
        if (next != 0)
            mail_transport_close(); /* no idle connection to the mail server */
        if (next < 0 || (!stopping && !wait_for_work(conn, next))) {
            if (PQstatus(conn) != CONNECTION_OK) {
                PQfinish(conn);
                conn = NULL;
            }
            pause_s(1);
        }
    }
    if (conn != NULL)
        PQfinish(conn);
    mail_transport_close();
    curl_global_cleanup();
    log_info("stopped");
    return 0;
}
