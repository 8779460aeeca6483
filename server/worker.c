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
#include "page-cache.h"
#include "feed-listen.h"
#include "horizon.h"
#include "http.h"
#include "http-conn.h"
#include "log.h"
#include "offers.h"
#include "purge.h"
#include "metrics.h"
#include "periodic.h"
#include "server.h"
#include "util.h"
#include "web.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define DRAIN_GRACE_MS 200
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

/* The pool's gauges for /metrics, published once a second. */
static void pool_gauges_run(struct periodic_round *round)
{
    struct db_pool_stats st;
    db_pool_get_stats(round->srv->pool, &st);
    metrics_set_pool(round->srv->worker, st.open, st.in_use, st.waiting);
    periodic_done(round, false);
}

/* Everything a worker does on a clock rather than on a request. Every
 * worker of every piirid runs the whole table, so each job is idempotent:
 * the database hands out the work (horizon claims, purge and offer row
 * locks).
 * The matching purge runs with PIIRI_MATCHING=off too: it keeps the
 * retention promise for requests made while the module was on, and
 * switching the routes off does not end that promise.
 * Not here: a connection's request deadline (http-conn.c's janitor, a
 * 250 ms sweep of the transport's own deadline list, which must go on while
 * draining and belongs to the connections' state), a query's deadline and
 * a database connection's reconnect back-off (db-pool.c, db-conn.c) and the
 * LISTEN connection's retry (feed-listen.c): one-shot timers of one state
 * machine each, armed by its state changes, not work that comes round. */
static const struct periodic_job jobs[] = {
    { "horizon", 2000, 600 * 1000, false, horizon_run },
    { "matching-purge", 3000, 3600 * 1000, false, matching_purge_run },
    { "guest-names-purge", 4000, 3600 * 1000, false, guest_names_purge_run },
    { "offers-expire", 1500, OFFERS_PERIOD_MS, false, offers_expire_run },
    { "pool-gauges", 1000, 1000, true, pool_gauges_run },
};

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
    bool https = strcmp(principal_cookie_name(cfg->public_url), PRINCIPAL_COOKIE_HOST) == 0;
    struct dispatch *dispatch = dispatch_new(routes_table(cfg->matching),
        https ? principal_sources_https : principal_sources, https ? principal_nsources_https : principal_nsources);
    dispatch_set_html(dispatch, &web_dispatch_html);
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
    struct periodic *periodic = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    page_cache_configure(cfg->page_cache_ms);
    struct feed_listen *listen = feed_listen_start(srv.base, listen_conninfo);

    struct event *term = evsignal_new(srv.base, SIGTERM, shutdown_cb, &srv);
    struct event *intr = evsignal_new(srv.base, SIGINT, shutdown_cb, &srv);
    if (term == NULL || intr == NULL || event_add(term, NULL) || event_add(intr, NULL))
        fatalx("cannot install signal handlers");
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);

    event_base_dispatch(srv.base);

    http_free(&srv);
    dispatch_free(dispatch);
    background_free(srv.background);
    hasher_free(srv.hasher);
    periodic_stop(periodic);
    db_pool_free(srv.pool);
    periodic_free(periodic);
    feed_listen_free(listen);
    feed_cache_free();
    page_cache_free();
    metrics_set_pool(slot, 0, 0, 0);
    event_free(term);
    event_free(intr);
    event_base_free(srv.base);
    log_info("stopped");
    return 0;
}
