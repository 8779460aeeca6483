/* SPDX-License-Identifier: Apache-2.0 */
/* The open HTTP connections of one worker: a cap per client address and a
 * deadline for a whole request (head and body), which evhttp's own timeouts
 * (silence only) do not give. A connection trickling a header line every few
 * seconds is closed when its request is not complete in time. */
#ifndef PIIRI_HTTP_CONN_H
#define PIIRI_HTTP_CONN_H

#include "config.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

/* Priorities of the loop: connections are adopted (address counted, close
 * hook set) at HTTP_CONN_PRIORITY_ADOPT before any of their I/O, which runs
 * at the default priority. */
#define HTTP_CONN_PRIORITIES 2
#define HTTP_CONN_PRIORITY_ADOPT 0

struct http_conns;

/* New tracker on base (which must have HTTP_CONN_PRIORITIES priorities). */
struct http_conns *http_conns_new(struct event_base *base, const struct config *cfg);
/* After evhttp_free: every connection has closed by then. */
void http_conns_free(struct http_conns *conns);
/* evhttp's bufferevent callback (evhttp_set_bevcb): a tracked bufferevent. */
struct bufferevent *http_conns_bev_cb(struct event_base *base, void *arg);
/* The request on req's connection is complete and in the handlers' hands:
 * no deadline until it is answered. */
void http_conns_request_read(struct http_conns *conns, struct evhttp_request *req);
/* req is about to be answered: the connection waits for the next request. */
void http_conns_request_answered(struct http_conns *conns, struct evhttp_request *req);
/* Connections open now (accepted and not yet closed). */
unsigned http_conns_open(const struct http_conns *conns);
/* Connections open now, and those closed for the deadline or refused for
 * the per-client cap since start (for tests and logs). */
struct http_conns_stats {
    unsigned open, expired, refused;
};
void http_conns_stats(const struct http_conns *conns, struct http_conns_stats *out);

#endif
