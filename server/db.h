/* SPDX-License-Identifier: Apache-2.0 */
/* The database as the event loop sees it: a per-worker pool of asynchronous
 * libpq connections, a bounded wait queue, and one callback per query. */
#ifndef PIIRI_DB_H
#define PIIRI_DB_H

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>

enum db_status {
    DB_OK,          /* the statement ran; res holds its result */
    DB_ERROR,       /* PostgreSQL raised an error; sqlstate and res say which */
    DB_UNAVAILABLE, /* no connection, queue full, wait or query deadline passed,
                     * or a db_sqlstate_unavailable() error (sqlstate says which) */
};

struct db_result {
    enum db_status status;
    PGresult *res;         /* borrowed, valid during the callback (OK and ERROR) */
    const char *sqlstate;  /* five characters when an error was raised; "" otherwise */
};

/* Called exactly once per query, always from the event loop, never from
 * inside db_pool_query itself. */
typedef void (*db_done_cb)(const struct db_result *r, void *arg);

struct db_pool_settings {
    const char *url;       /* libpq connection URL or key=value string */
    int size;              /* connections */
    int queue_max;         /* queries waiting for a connection */
    int wait_ms;           /* longest wait for a connection */
    int query_timeout_ms;  /* longest a statement may run */
};

struct db_pool_stats {
    int open;     /* connected (idle or busy) */
    int in_use;   /* running a query */
    int waiting;  /* queries queued for a connection */
};

struct db_pool;

/* New pool; starts connecting at once. settings->url is copied. Sets PGTZ
 * (sessions run in UTC), so call it before the process starts threads. */
struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_settings *settings);
/* Run one statement with text parameters (copied; sql is borrowed and must
 * outlive the query: use string literals). */
void db_pool_query(struct db_pool *pool, const char *sql, int nparams, const char *const *params,
    db_done_cb cb, void *arg);
/* Does this SQLSTATE mean the database cannot do the work now (answered as
 * DB_UNAVAILABLE, 503) rather than an error in the statement? */
bool db_sqlstate_unavailable(const char *sqlstate);
void db_pool_get_stats(const struct db_pool *pool, struct db_pool_stats *stats);
/* Close every connection; queued and running queries are answered
 * DB_UNAVAILABLE first (their callbacks must not query again). */
void db_pool_free(struct db_pool *pool);

#endif
