/* SPDX-License-Identifier: Apache-2.0 */
/* One round: purge a batch of requests past retention in one statement
 * (matching_purge in schema/004_matching.sql); a full batch means there may
 * be more, so go on at once. Nothing is held between statements, so a
 * worker that dies mid-round leaves nothing half done. */
#include "matching-purge.h"

#include "db.h"
#include "log.h"
#include "util.h"

#include <stdlib.h>

#define BATCH "200"

struct matching_purge {
    struct server *srv;
    struct event *timer;
    struct event *first;  /* the first round, soon after start */
    bool running;
    bool stopping;        /* shutting down: callbacks only clean up */
};

static void purged_cb(const struct db_result *r, void *arg)
{
    struct matching_purge *mp = arg;
    int n = r->status == DB_OK && PQntuples(r->res) == 1 ? atoi(PQgetvalue(r->res, 0, 0)) : 0;
    if (r->status != DB_OK)
        log_warn("matching purge: failed (sqlstate %s)", r->sqlstate);
    else if (n > 0)
        log_info("matching purge: %d requests past retention purged", n);
    mp->running = false;
    if (n == atoi(BATCH))
        matching_purge_run(mp);
}

void matching_purge_run(struct matching_purge *mp)
{
    if (mp->running || mp->stopping || mp->srv->draining)
        return;
    mp->running = true;
    db_pool_query(mp->srv->pool, "SELECT matching_purge(now(), " BATCH ")", 0, NULL, purged_cb, mp);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    matching_purge_run(arg);
}

struct matching_purge *matching_purge_start(struct server *srv, int interval_s)
{
    struct matching_purge *mp = xcalloc(1, sizeof(*mp));
    struct timeval tv = { interval_s, 0 }, soon = { 3, 0 };
    mp->srv = srv;
    mp->timer = event_new(srv->base, -1, EV_PERSIST, timer_cb, mp);
    if (mp->timer == NULL || event_add(mp->timer, &tv) != 0)
        fatalx("matching purge: cannot start the timer");
    mp->first = evtimer_new(srv->base, timer_cb, mp);
    if (mp->first == NULL || evtimer_add(mp->first, &soon) != 0)
        fatalx("matching purge: cannot start the timer");
    return mp;
}

void matching_purge_stop(struct matching_purge *mp)
{
    mp->stopping = true;
    event_del(mp->timer);
    event_del(mp->first);
}

void matching_purge_free(struct matching_purge *mp)
{
    event_free(mp->timer);
    event_free(mp->first);
    free(mp);
}
