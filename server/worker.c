/* SPDX-License-Identifier: Apache-2.0 */
/* A worker: its loop, database pool, hashing thread and HTTP server. On
 * SIGTERM or SIGINT it stops accepting, answers what is in flight, closes
 * the pool and exits 0; a second SIGINT exits at once. */
#include "worker.h"

#include "background.h"
#include "hasher.h"
#include "db.h"
#include "dispatch.h"
#include "feed-cache.h"
#include "feed-listen.h"
#include "horizon.h"
#include "http.h"
#include "http-conn.h"
#include "log.h"
#include "matching-purge.h"
#include "metrics.h"
#include "server.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#define DRAIN_GRACE_MS 200
#define HORIZON_INTERVAL_S 600
#define MATCHING_PURGE_INTERVAL_S 3600
#define DRAIN_DEADLINE_S 20

static void finish_cb(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    (void)fd;
    (void)what;
    event_base_loopbreak(srv->base);
}

/* The last reply is queued; give it a moment to leave before evhttp_free
 * closes the connections. */
static void drained(struct server *srv)
{
    struct timeval tv = { 0, DRAIN_GRACE_MS * 1000 };
    event_base_once(srv->base, -1, EV_TIMEOUT, finish_cb, srv, &tv);
}

static void shutdown_cb(evutil_socket_t sig, short what, void *arg)
{
    struct server *srv = arg;
    static int sigints;
    (void)what;
    if (sig == SIGINT && ++sigints > 1) {
        log_warn("second interrupt: exiting at once");
        _exit(1);
    }
    if (srv->draining)
        return;
    log_info("shutting down: %u requests in flight", srv->requests_active);
    srv->draining = true;
    srv->drained = drained;
    http_stop_accepting(srv);
    struct timeval deadline = { DRAIN_DEADLINE_S, 0 };
    event_base_once(srv->base, -1, EV_TIMEOUT, finish_cb, srv, &deadline);
    if (srv->requests_active == 0)
        drained(srv);
}

static void gauges_cb(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    struct db_pool_stats st;
    (void)fd;
    (void)what;
    db_pool_get_stats(srv->pool, &st);
    metrics_set_pool(srv->worker, st.open, st.in_use, st.waiting);
}

/* epoll with libevent's changelist: evhttp turns reading off and writing on
 * for every reply and back when it is written, and the changelist hands the
 * kernel one epoll_ctl for each pair instead of two (two system calls fewer
 * per request). Its caveat, descriptors in the loop cloned with dup(), does
 * not apply: the server dups no descriptor it watches. Two priorities:
 * http-conn.c adopts new connections before any of their I/O. */
static struct event_base *loop_new(void)
{
    struct event_config *ec = event_config_new();
    if (ec == NULL || event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) != 0)
        fatalx("cannot create event loop");
    struct event_base *base = event_base_new_with_config(ec);
    event_config_free(ec);
    if (base == NULL || event_base_priority_init(base, HTTP_CONN_PRIORITIES) != 0)
        fatalx("cannot create event loop");
    return base;
}

int worker_main(const struct config *cfg, const char *db_conninfo, const char *listen_conninfo, int slot)
{
    struct server srv = { 0 };
    char tag[16], *cause = NULL;
    sigset_t all;

    snprintf(tag, sizeof(tag), "w%d", slot + 1);
    log_set_tag(tag);
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the supervisor */
    signal(SIGPIPE, SIG_IGN);

    srv.cfg = cfg;
    srv.worker = slot;
    srv.base = loop_new();
    struct dispatch *dispatch = dispatch_new(routes_table(cfg->matching), principal_sources, principal_nsources);
    if (http_start(&srv, dispatch_request, dispatch, &cause) != 0) {
        log_error("%s", cause);
        free(cause);
        dispatch_free(dispatch);
        return WORKER_EXIT_CONFIG;
    }
    struct db_pool_settings dbs = { db_conninfo, cfg->db_pool_size, cfg->db_queue_max, cfg->db_wait_ms,
        cfg->query_timeout_ms };
    srv.pool = db_pool_new(srv.base, &dbs);
    srv.background = background_new(srv.base);
    srv.hasher = hasher_start(srv.base, slot);
    struct horizon *horizon = horizon_start(&srv, HORIZON_INTERVAL_S);
    struct feed_listen *listen = feed_listen_start(srv.base, listen_conninfo);
    struct matching_purge *purge = matching_purge_start(&srv, MATCHING_PURGE_INTERVAL_S);

    struct event *term = evsignal_new(srv.base, SIGTERM, shutdown_cb, &srv);
    struct event *intr = evsignal_new(srv.base, SIGINT, shutdown_cb, &srv);
    struct event *gauges = event_new(srv.base, -1, EV_PERSIST, gauges_cb, &srv);
    struct timeval second = { 1, 0 };
    if (term == NULL || intr == NULL || gauges == NULL || event_add(term, NULL) || event_add(intr, NULL) ||
        event_add(gauges, &second))
        fatalx("cannot install signal handlers");
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);

    event_base_dispatch(srv.base);

    http_free(&srv);
    dispatch_free(dispatch);
    background_free(srv.background);
    hasher_free(srv.hasher);
    horizon_stop(horizon);
    matching_purge_stop(purge);
    db_pool_free(srv.pool);
    horizon_free(horizon);
    feed_listen_free(listen);
    feed_cache_free();
    matching_purge_free(purge);
    metrics_set_pool(slot, 0, 0, 0);
    event_free(term);
    event_free(intr);
    event_free(gauges);
    event_base_free(srv.base);
    log_info("stopped");
    return 0;
}
