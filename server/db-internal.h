/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between db-pool.c (queue, dispatch) and db-conn.c (one PGconn). */
#ifndef PIIRI_DB_INTERNAL_H
#define PIIRI_DB_INTERNAL_H

#include "db.h"

#include <stdbool.h>
#include <sys/queue.h>

struct db_conn;

struct db_query {
    TAILQ_ENTRY(db_query) entry;
    struct db_pool *pool;
    const char *sql;              /* borrowed */
    int nparams;
    char **params;                /* owned, one allocation with the strings */
    db_done_cb cb;
    void *arg;
    struct event *timer;          /* wait deadline, then run deadline */
    struct db_conn *conn;         /* while running */
};

enum db_conn_state {
    DB_CONN_CONNECTING,
    DB_CONN_IDLE,
    DB_CONN_BUSY,
    DB_CONN_BROKEN,
};

struct db_conn {
    struct db_pool *pool;
    PGconn *pg;
    enum db_conn_state state;
    struct event *io;             /* on PQsocket, re-assigned as the socket changes */
    struct event *timer;          /* connect deadline or reconnect back-off */
    struct db_query *query;       /* while BUSY */
    PGresult *result;             /* last result of the running query */
    int backoff_ms;
    TAILQ_ENTRY(db_conn) idle_entry;
};

TAILQ_HEAD(db_query_list, db_query);
TAILQ_HEAD(db_conn_list, db_conn);

struct db_pool {
    struct event_base *base;
    char *url;
    int queue_max, wait_ms, query_timeout_ms;
    int nconns;
    struct db_conn **conns;
    struct db_conn_list idle;     /* IDLE connections */
    struct db_query_list waiting; /* queries waiting for a connection */
    int nwaiting;
    int nopen;                    /* IDLE or BUSY */
    int nbusy;
    bool down;                    /* the last connect failed with nothing open */
    struct event *kick;           /* dispatch from the loop, not from the caller */
};

/* db-conn.c */
struct db_conn *db_conn_new(struct db_pool *pool);
void db_conn_send(struct db_conn *conn, struct db_query *q);
void db_conn_free(struct db_conn *conn);
/* Give up on a running query whose deadline passed: break and reconnect. */
void db_conn_abandon(struct db_conn *conn);

/* db-pool.c: called by a connection on its transitions */
void db_pool_conn_opened(struct db_pool *pool, struct db_conn *conn);
void db_pool_conn_failed(struct db_pool *pool, struct db_conn *conn, bool was_open, const char *why);
void db_pool_conn_idle(struct db_pool *pool, struct db_conn *conn);
/* Answer a query and free it. */
void db_query_finish(struct db_query *q, enum db_status status, PGresult *res);

#endif
