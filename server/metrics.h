/* SPDX-License-Identifier: Apache-2.0 */
/* Request counters, a latency histogram and pool gauges in memory shared by
 * every worker process, so that any worker answers /metrics for all. */
#ifndef PIIRI_METRICS_H
#define PIIRI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/* Map the shared region; call once in the supervisor, before forking.
 * nroutes: routes in the table (index nroutes counts unmatched requests);
 * route_labels[i] = "route=\"...\",method=\"...\"" for each, and one more
 * (borrowed: they must live as long as the process). */
void metrics_init(size_t nroutes, const char *const *route_labels, int nworkers);
/* Count one finished request. route: table index or -1 (unmatched). */
void metrics_observe(int route, int status, uint64_t duration_ns);
/* Count a calendar feed answered from a worker's cache, or rendered. */
void metrics_feed_hit(void);
void metrics_feed_rendered(void);
/* Count a signed-out page answered from a worker's cache (hit) or rendered. */
void metrics_page_cache(bool hit);
/* Publish this worker's pool gauges. */
void metrics_set_pool(int worker, int open, int in_use, int waiting);
/* The delivery process's counts and the queue it last saw. */
enum metrics_mail { METRICS_MAIL_SENT, METRICS_MAIL_RETRIED, METRICS_MAIL_FAILED, METRICS_MAIL_SKIPPED };
void metrics_mail_count(enum metrics_mail what);
void metrics_mail_queue(int64_t queued, double oldest_s);
/* Prometheus text exposition. */
void metrics_render(struct evbuffer *out);

#endif
