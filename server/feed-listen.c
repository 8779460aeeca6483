/* SPDX-License-Identifier: Apache-2.0 */
/* The LISTEN connection: CONNECTING -> LISTENING, and DOWN with a reconnect
 * timer. While it is not listening a change could go unnoticed, so caching
 * is off; when it comes back every cache is dropped, since notifications
 * may have been missed meanwhile. */
#include "feed-listen.h"

#include "feed-cache.h"
#include "log.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdlib.h>

#define RETRY_MS 1000
#define CONNECT_TIMEOUT_MS 5000

enum listen_state { LISTEN_DOWN, LISTEN_CONNECTING, LISTEN_SUBSCRIBING, LISTEN_LISTENING };

struct feed_listen {
    struct event_base *base;
    char *conninfo;
    PGconn *pg;
    enum listen_state state;
    struct event *io, *timer;
};

static void listen_io_cb(evutil_socket_t fd, short what, void *arg);
static void listen_connect(struct feed_listen *l);

static void listen_watch(struct feed_listen *l, short what)
{
    event_del(l->io);
    event_assign(l->io, l->base, PQsocket(l->pg), what | EV_PERSIST, listen_io_cb, l);
    event_add(l->io, NULL);
}

static void listen_arm(struct feed_listen *l, int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    evtimer_add(l->timer, &tv);
}

static void listen_down(struct feed_listen *l)
{
    if (l->state == LISTEN_LISTENING)
        log_warn("feed notifications lost; caching feeds is off until they are back");
    feed_cache_enabled = false;
    /* A change from now on may go unnoticed: a render asked for before is
     * of an older generation, so no request that comes after joins it. */
    feed_cache_invalidate();
    event_del(l->io);
    if (l->pg != NULL)
        PQfinish(l->pg);
    l->pg = NULL;
    l->state = LISTEN_DOWN;
    listen_arm(l, RETRY_MS);
}

static void listen_drain(struct feed_listen *l)
{
    PGnotify *n;
    PGresult *r;
    bool changed = false;
    if (!PQconsumeInput(l->pg) || PQstatus(l->pg) == CONNECTION_BAD) {
        listen_down(l);
        return;
    }
    while (!PQisBusy(l->pg) && (r = PQgetResult(l->pg)) != NULL) {
        if (l->state == LISTEN_SUBSCRIBING && PQresultStatus(r) != PGRES_COMMAND_OK) {
            PQclear(r);
            listen_down(l);
            return;
        }
        PQclear(r);
    }
    if (l->state == LISTEN_SUBSCRIBING && !PQisBusy(l->pg)) {
        l->state = LISTEN_LISTENING;
        feed_cache_invalidate(); /* whatever happened while we were away */
        feed_cache_enabled = true;
    }
    while ((n = PQnotifies(l->pg)) != NULL) {
        PQfreemem(n);
        changed = true;
    }
    if (changed)
        feed_cache_invalidate();
}

static void listen_connect_step(struct feed_listen *l)
{
    switch (PQconnectPoll(l->pg)) {
    case PGRES_POLLING_READING:
        listen_watch(l, EV_READ);
        return;
    case PGRES_POLLING_WRITING:
        listen_watch(l, EV_WRITE);
        return;
    case PGRES_POLLING_OK:
        break;
    default:
        listen_down(l);
        return;
    }
    evtimer_del(l->timer);
    if (PQsetnonblocking(l->pg, 1) != 0 || !PQsendQuery(l->pg, "LISTEN piiri_feeds") || PQflush(l->pg) != 0) {
        listen_down(l);
        return;
    }
    l->state = LISTEN_SUBSCRIBING;
    listen_watch(l, EV_READ);
}

static void listen_io_cb(evutil_socket_t fd, short what, void *arg)
{
    struct feed_listen *l = arg;
    (void)fd;
    (void)what;
    if (l->state == LISTEN_CONNECTING)
        listen_connect_step(l);
    else if (l->state != LISTEN_DOWN)
        listen_drain(l);
}

static void listen_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct feed_listen *l = arg;
    (void)fd;
    (void)what;
    if (l->state == LISTEN_DOWN)
        listen_connect(l);
    else if (l->state == LISTEN_CONNECTING)
        listen_down(l);
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void listen_connect(struct feed_listen *l)
{
    const char *keys[] = { "dbname", "application_name", NULL };
    const char *values[] = { l->conninfo, "piirid-listen", NULL };
    l->pg = PQconnectStartParams(keys, values, 1);
    if (l->pg == NULL || PQstatus(l->pg) == CONNECTION_BAD) {
        listen_down(l);
        return;
    }
    PQsetNoticeProcessor(l->pg, quiet, NULL);
    l->state = LISTEN_CONNECTING;
    listen_arm(l, CONNECT_TIMEOUT_MS);
    listen_watch(l, EV_WRITE);
}

struct feed_listen *feed_listen_start(struct event_base *base, const char *conninfo)
{
    struct feed_listen *l = xcalloc(1, sizeof(*l));
    l->base = base;
    l->conninfo = xstrdup(conninfo);
    l->io = event_new(base, -1, 0, listen_io_cb, l);
    l->timer = evtimer_new(base, listen_timer_cb, l);
    if (l->io == NULL || l->timer == NULL)
        fatalx("out of memory");
    feed_cache_enabled = false;
    listen_connect(l);
    return l;
}

void feed_listen_free(struct feed_listen *l)
{
    event_free(l->io);
    event_free(l->timer);
    if (l->pg != NULL)
        PQfinish(l->pg);
    free(l->conninfo);
    free(l);
}
