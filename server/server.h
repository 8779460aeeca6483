/* SPDX-License-Identifier: Apache-2.0 */
/* What one worker process owns and every handler may reach. */
#ifndef PIIRI_SERVER_H
#define PIIRI_SERVER_H

#include "config.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

struct server {
    struct event_base *base;
    const struct config *cfg;
    struct evhttp *http;
    struct evconnlistener *listener;
    struct evhttp_bound_socket *bound;  /* evhttp's handle on the listener */
    struct http_conns *conns;  /* open connections: per-client caps, request deadlines */
    struct db_pool *pool;
    struct background *background; /* the thread for work too slow for the loop */
    struct hasher *hasher;     /* the password hashing queue, feeding that thread */
    int worker;                /* slot 0..workers-1 */
    unsigned requests_active;  /* routed and not yet answered */
    int fd_cap;                /* pause accepting at this many open connections */
    bool accepting;            /* listener enabled */
    bool draining;             /* shutting down: finish what is in flight */
    uint64_t request_seq;      /* for request ids */
    /* Called when draining and the last request in flight has been answered. */
    void (*drained)(struct server *srv);
};

#endif
