/* SPDX-License-Identifier: Apache-2.0 */
/* The retention job of one-to-one matching: requests closed longer ago
 * than their org's retention lose their identifying details (message,
 * preferences, link to the requester), keeping the counts. Every worker
 * runs it (the periodic table in worker.c); the database skips what another
 * is purging and never picks a purged request again, so the work is done
 * once. */
#ifndef PIIRI_MATCHING_PURGE_H
#define PIIRI_MATCHING_PURGE_H

#include "periodic.h"

/* One round: one statement purging a batch; a full batch asks for another
 * round at once. */
void matching_purge_run(struct periodic_round *round);

#endif
