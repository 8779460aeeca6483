/* SPDX-License-Identifier: Apache-2.0 */
/* The per-worker connection pool: a FIFO of queries waiting for an idle
 * connection, bounded in length and in time. When PostgreSQL is down the
 * pool answers at once (503 upstream) and keeps reconnecting by itself. */
#include "db-internal.h"

#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The deadline passed: still waiting means no connection came free in time;
 * running means the statement overran, so the connection is dropped. */
static void query_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct db_query *q = arg;
    (void)fd;
    (void)what;
    if (q->conn != NULL) {
        db_conn_abandon(q->conn);
        return;
    }
    TAILQ_REMOVE(&q->pool->waiting, q, entry);
    q->pool->nwaiting--;
    db_query_finish(q, DB_UNAVAILABLE, NULL);
}

static void arm(struct db_query *q, int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    evtimer_add(q->timer, &tv);
}

/* Hand waiting queries to idle connections, oldest first. */
static void pool_dispatch(struct db_pool *p)
{
    struct db_conn *c;
    struct db_query *q;
    while ((c = TAILQ_FIRST(&p->idle)) != NULL && (q = TAILQ_FIRST(&p->waiting)) != NULL) {
        TAILQ_REMOVE(&p->waiting, q, entry);
        p->nwaiting--;
        arm(q, p->query_timeout_ms + 1000);
        db_conn_send(c, q);
    }
}

static void fail_waiting(struct db_pool *p)
{
    struct db_query *q;
    while ((q = TAILQ_FIRST(&p->waiting)) != NULL) {
        TAILQ_REMOVE(&p->waiting, q, entry);
        p->nwaiting--;
        db_query_finish(q, DB_UNAVAILABLE, NULL);
    }
}

/* SQLSTATEs (or their classes) that mean "the database cannot do this now"
 * rather than "your statement was wrong": the caller answers 503 and the
 * client may try again. Nothing was written: the statement's transaction
 * rolled back. */
static const char *const unavailable_sqlstates[] = {
    "08",    /* connection exception (also PgBouncer's own errors) */
    "57P",   /* operator intervention: shutdown, crash, cannot connect now */
    "57014", /* query_canceled: statement_timeout */
    "40001", /* serialization_failure */
    "40P01", /* deadlock_detected */
    "53",    /* insufficient resources: disk_full, out_of_memory, too_many_connections */
    "58030", /* io_error */
    "25006", /* read_only_sql_transaction: a read-only database or a standby */
};

bool db_sqlstate_unavailable(const char *sqlstate)
{
    for (size_t i = 0; i < ARRAY_LEN(unavailable_sqlstates); i++) {
        const char *s = unavailable_sqlstates[i];
        if (strncmp(sqlstate, s, strlen(s)) == 0)
            return true;
    }
    return false;
}

void db_query_finish(struct db_query *q, enum db_status status, PGresult *res)
{
    struct db_result r = { status, res, "" };
    if (status == DB_ERROR) {
        const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        r.sqlstate = s ? s : "XX000";
        if (db_sqlstate_unavailable(r.sqlstate)) {
            log_warn("db statement failed: sqlstate %s", r.sqlstate);
            r.status = DB_UNAVAILABLE;
        }
    }
    evtimer_del(q->timer);
    q->cb(&r, q->arg);
    event_free(q->timer);
    free(q->params);
    free(q);
}

void db_pool_query(struct db_pool *p, const char *sql, int nparams, const char *const *params, db_done_cb cb,
    void *arg)
{
    struct db_query *q = xcalloc(1, sizeof(*q));
    size_t bytes = (size_t)nparams * sizeof(char *);
    for (int i = 0; i < nparams; i++)
        bytes += params[i] ? strlen(params[i]) + 1 : 0;
    q->params = xmalloc(bytes);
    char *strings = (char *)(q->params + nparams);
    for (int i = 0; i < nparams; i++) {
        if (params[i] == NULL) {
            q->params[i] = NULL;
            continue;
        }
        size_t len = strlen(params[i]) + 1;
        memcpy(strings, params[i], len);
        q->params[i] = strings;
        strings += len;
    }
    q->pool = p;
    q->sql = sql;
    q->nparams = nparams;
    q->cb = cb;
    q->arg = arg;
    q->timer = evtimer_new(p->base, query_timer_cb, q);
    if (q->timer == NULL)
        fatalx("out of memory");

    /* Queue even when we must refuse: the answer then comes from the loop,
     * never from inside this call. */
    bool refuse = (p->down && p->nopen == 0) || p->nwaiting >= p->queue_max;
    TAILQ_INSERT_TAIL(&p->waiting, q, entry);
    p->nwaiting++;
    arm(q, refuse ? 0 : p->wait_ms);
    if (!refuse && !TAILQ_EMPTY(&p->idle))
        event_active(p->kick, 0, 0);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    pool_dispatch(arg);
}

void db_pool_conn_opened(struct db_pool *p, struct db_conn *c)
{
    (void)c;
    if (p->down)
        log_info("db connection open again");
    p->down = false;
    pool_dispatch(p);
}

void db_pool_conn_idle(struct db_pool *p, struct db_conn *c)
{
    (void)c;
    pool_dispatch(p);
}

void db_pool_conn_failed(struct db_pool *p, struct db_conn *c, bool was_open, const char *why)
{
    (void)c;
    if (!was_open && p->nopen == 0) {
        if (!p->down)
            log_warn("database unreachable (%s); answering 503 until it is back", why);
        p->down = true;
        fail_waiting(p);
    }
}

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_settings *s)
{
    /* Sessions run in UTC (timestamps out, dates in). libpq sends PGTZ as the
     * startup parameter "timezone", which PgBouncer in transaction mode keeps
     * per client and sets on every server connection it lends us; it refuses
     * (or is told to ignore) the "options" parameter. Set before the worker
     * starts any thread, and the same for every connection. */
    setenv("PGTZ", "UTC", 1);
    struct db_pool *p = xcalloc(1, sizeof(*p));
    p->base = base;
    p->url = xstrdup(s->url);
    p->queue_max = s->queue_max;
    p->wait_ms = s->wait_ms;
    p->query_timeout_ms = s->query_timeout_ms;
    TAILQ_INIT(&p->idle);
    TAILQ_INIT(&p->waiting);
    p->kick = event_new(base, -1, 0, kick_cb, p);
    if (p->kick == NULL)
        fatalx("out of memory");
    p->nconns = s->size;
    p->conns = xcalloc((size_t)p->nconns, sizeof(*p->conns));
    for (int i = 0; i < p->nconns; i++)
        p->conns[i] = db_conn_new(p);
    return p;
}

void db_pool_get_stats(const struct db_pool *p, struct db_pool_stats *st)
{
    st->open = p->nopen;
    st->in_use = p->nbusy;
    st->waiting = p->nwaiting;
}

void db_pool_free(struct db_pool *p)
{
    fail_waiting(p);
    for (int i = 0; i < p->nconns; i++) {
        struct db_query *q = p->conns[i]->query;
        if (q != NULL) { /* background work (timers) still running */
            p->conns[i]->query = NULL;
            q->conn = NULL;
            db_query_finish(q, DB_UNAVAILABLE, NULL);
        }
    }
    for (int i = 0; i < p->nconns; i++)
        db_conn_free(p->conns[i]);
    event_free(p->kick);
    free(p->conns);
    free(p->url);
    free(p);
}
