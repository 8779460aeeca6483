/* SPDX-License-Identifier: Apache-2.0 */
/* The retention timer of one-to-one matching: requests closed longer ago
 * than their org's retention lose their identifying details (message,
 * preferences, link to the requester), keeping the counts. Every worker
 * runs it; the database skips what another is purging and never picks a
 * purged request again, so the work is done once. */
#ifndef PIIRI_MATCHING_PURGE_H
#define PIIRI_MATCHING_PURGE_H

#include "server.h"

struct matching_purge;

/* Start the timer on srv's loop: first run soon after start, then every
 * interval_s seconds. */
struct matching_purge *matching_purge_start(struct server *srv, int interval_s);
/* Run one round now. */
void matching_purge_run(struct matching_purge *mp);
/* Before the pool closes: stop the timer; a running query only cleans up. */
void matching_purge_stop(struct matching_purge *mp);
/* After the pool has answered every query. */
void matching_purge_free(struct matching_purge *mp);

#endif
