/* SPDX-License-Identifier: Apache-2.0 */
/* One LISTEN connection per worker process: a NOTIFY on "piiri_feeds" (sent
 * once per write transaction by triggers) drops the worker's feed cache. */
#ifndef PIIRI_FEED_LISTEN_H
#define PIIRI_FEED_LISTEN_H

#include <event2/event.h>

struct feed_listen;

/* conninfo is copied. Caching stays off until the connection listens. */
struct feed_listen *feed_listen_start(struct event_base *base, const char *conninfo);
void feed_listen_free(struct feed_listen *l);

#endif
