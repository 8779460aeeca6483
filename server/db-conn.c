/* SPDX-License-Identifier: Apache-2.0 */
/* One asynchronous PostgreSQL connection: CONNECTING -> IDLE <-> BUSY, and
 * BROKEN (with a reconnect timer) from any state. db_conn_set_state() is the
 * only place the state changes. Nothing here blocks: PQconnectStartParams and
 * PQconnectPoll to connect, PQsendQueryParams, PQflush, PQconsumeInput and
 * PQgetResult on socket events to query. */
#include "db-internal.h"

#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_MS 5000
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 2000

static const char *const state_names[] = { "connecting", "idle", "busy", "broken" };

static void conn_io_cb(evutil_socket_t fd, short what, void *arg);
static void conn_timer_cb(evutil_socket_t fd, short what, void *arg);
static void conn_start(struct db_conn *c);

static void db_conn_set_state(struct db_conn *c, enum db_conn_state state)
{
    struct db_pool *p = c->pool;
    enum db_conn_state old = c->state;
    if (old == state)
        return;
    if (old == DB_CONN_IDLE)
        TAILQ_REMOVE(&p->idle, c, idle_entry);
    if (state == DB_CONN_IDLE)
        TAILQ_INSERT_TAIL(&p->idle, c, idle_entry);
    p->nopen += (state == DB_CONN_IDLE || state == DB_CONN_BUSY) - (old == DB_CONN_IDLE || old == DB_CONN_BUSY);
    p->nbusy += (state == DB_CONN_BUSY) - (old == DB_CONN_BUSY);
    c->state = state;
    log_debug("db connection %s -> %s", state_names[old], state_names[state]);
}

static void conn_watch(struct db_conn *c, short what)
{
    event_del(c->io);
    event_assign(c->io, c->pool->base, PQsocket(c->pg), what | EV_PERSIST, conn_io_cb, c);
    event_add(c->io, NULL);
}

static void conn_arm_timer(struct db_conn *c, int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    evtimer_add(c->timer, &tv);
}

/* libpq prints notices to stderr by default; they may quote data, so drop them. */
static void notice_processor(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Tear the connection down, answer its running query, and plan a reconnect. */
static void conn_break(struct db_conn *c, const char *why)
{
    bool was_open = c->state == DB_CONN_IDLE || c->state == DB_CONN_BUSY;
    struct db_query *q = c->query;

    if (was_open)
        log_warn("db connection lost (%s)", why);
    else if (c->state == DB_CONN_CONNECTING)
        log_debug("db connect failed (%s)", why);
    event_del(c->io);
    evtimer_del(c->timer);
    if (c->result != NULL) {
        PQclear(c->result);
        c->result = NULL;
    }
    if (c->pg != NULL) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    c->query = NULL;
    db_conn_set_state(c, DB_CONN_BROKEN);
    conn_arm_timer(c, c->backoff_ms);
    c->backoff_ms = c->backoff_ms == 0 ? BACKOFF_FIRST_MS
        : c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
                                             : c->backoff_ms * 2;
    if (q != NULL) {
        q->conn = NULL;
        db_query_finish(q, DB_UNAVAILABLE, NULL);
    }
    db_pool_conn_failed(c->pool, c, was_open, why);
}

/* A failed connect, with the first line of libpq's reason (it names the
 * server and what refused us, never request data). */
static void conn_break_connect(struct db_conn *c)
{
    char why[256];
    const char *msg = c->pg != NULL ? PQerrorMessage(c->pg) : "";
    snprintf(why, sizeof(why), "connect failed: %.*s", (int)strcspn(msg, "\n"), msg);
    conn_break(c, why);
}

static void conn_connect_step(struct db_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        conn_watch(c, EV_READ);
        return;
    case PGRES_POLLING_WRITING:
        conn_watch(c, EV_WRITE);
        return;
    case PGRES_POLLING_OK:
        break;
    default:
        conn_break_connect(c);
        return;
    }
    if (PQsetnonblocking(c->pg, 1) != 0) {
        conn_break(c, "cannot set non-blocking");
        return;
    }
    PQsetNoticeProcessor(c->pg, notice_processor, NULL);
    evtimer_del(c->timer);
    c->backoff_ms = 0;
    db_conn_set_state(c, DB_CONN_IDLE);
    conn_watch(c, EV_READ);
    db_pool_conn_opened(c->pool, c);
}

static void conn_start(struct db_conn *c)
{
    struct db_pool *p = c->pool;
    char options[64];
    /* The server enforces the query deadline itself; our timer is the backstop.
     * (TimeZone is not here: see db_pool_new.) */
    snprintf(options, sizeof(options), "-c statement_timeout=%d", p->query_timeout_ms);
    const char *keys[] = { "dbname", "application_name", "options", NULL };
    const char *values[] = { p->url, "piirid", options, NULL };

    c->pg = PQconnectStartParams(keys, values, 1);
    db_conn_set_state(c, DB_CONN_CONNECTING);
    if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
        conn_break_connect(c);
        return;
    }
    conn_arm_timer(c, CONNECT_TIMEOUT_MS);
    conn_watch(c, EV_WRITE); /* as if PQconnectPoll had said PGRES_POLLING_WRITING */
}

/* Collect results until PQgetResult says the statement is complete. */
static void conn_collect(struct db_conn *c)
{
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r == NULL) {
            struct db_query *q = c->query;
            PGresult *res = c->result;
            c->query = NULL;
            c->result = NULL;
            q->conn = NULL;
            ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
            bool ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
            db_query_finish(q, ok ? DB_OK : res ? DB_ERROR : DB_UNAVAILABLE, res);
            if (res != NULL)
                PQclear(res);
            db_conn_set_state(c, DB_CONN_IDLE);
            conn_watch(c, EV_READ);
            db_pool_conn_idle(c->pool, c);
            return;
        }
        /* Keep the first error, else the last result. */
        if (c->result != NULL && PQresultStatus(c->result) == PGRES_FATAL_ERROR) {
            PQclear(r);
        } else {
            if (c->result != NULL)
                PQclear(c->result);
            c->result = r;
        }
    }
}

static void conn_busy_io(struct db_conn *c, short what)
{
    if (what & EV_WRITE) {
        int r = PQflush(c->pg);
        if (r < 0) {
            conn_break(c, "write failed");
            return;
        }
        if (r == 0)
            conn_watch(c, EV_READ);
    }
    if (what & EV_READ) {
        if (!PQconsumeInput(c->pg)) {
            conn_break(c, "read failed");
            return;
        }
        conn_collect(c);
    }
}

static void conn_idle_read(struct db_conn *c)
{
    PGnotify *n;
    if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
        conn_break(c, "closed by server");
        return;
    }
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
}

static void conn_io_cb(evutil_socket_t fd, short what, void *arg)
{
    struct db_conn *c = arg;
    (void)fd;
    switch (c->state) {
    case DB_CONN_CONNECTING:
        conn_connect_step(c);
        break;
    case DB_CONN_IDLE:
        conn_idle_read(c);
        break;
    case DB_CONN_BUSY:
        conn_busy_io(c, what);
        break;
    case DB_CONN_BROKEN:
        break;
    }
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct db_conn *c = arg;
    (void)fd;
    (void)what;
    if (c->state == DB_CONN_CONNECTING)
        conn_break(c, "connect timed out");
    else if (c->state == DB_CONN_BROKEN)
        conn_start(c);
}

struct db_conn *db_conn_new(struct db_pool *pool)
{
    struct db_conn *c = xcalloc(1, sizeof(*c));
    c->pool = pool;
    c->state = DB_CONN_BROKEN;
    c->io = event_new(pool->base, -1, 0, conn_io_cb, c);
    c->timer = evtimer_new(pool->base, conn_timer_cb, c);
    if (c->io == NULL || c->timer == NULL)
        fatalx("out of memory");
    conn_start(c);
    return c;
}

void db_conn_send(struct db_conn *c, struct db_query *q)
{
    c->query = q;
    q->conn = c;
    db_conn_set_state(c, DB_CONN_BUSY);
    if (!PQsendQueryParams(c->pg, q->sql, q->nparams, NULL, (const char *const *)q->params, NULL, NULL, 0)) {
        conn_break(c, "send failed");
        return;
    }
    int r = PQflush(c->pg);
    if (r < 0) {
        conn_break(c, "write failed");
        return;
    }
    conn_watch(c, r == 1 ? EV_READ | EV_WRITE : EV_READ);
}

void db_conn_abandon(struct db_conn *c)
{
    conn_break(c, "query deadline passed");
}

void db_conn_free(struct db_conn *c)
{
    event_free(c->io);
    event_free(c->timer);
    if (c->result != NULL)
        PQclear(c->result);
    if (c->pg != NULL)
        PQfinish(c->pg);
    free(c);
}
