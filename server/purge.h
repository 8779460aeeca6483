/* SPDX-License-Identifier: Apache-2.0 */
/* The retention jobs: personal data kept only for a while is cleared in
 * batches, keeping the counts.
 *
 * - matching: requests closed longer ago than their org's retention lose
 *   their identifying details (message, preferences, link to the requester);
 * - guests: the names and notes of guests (signups made on someone's
 *   behalf, named drop-ins) go GUEST_RETENTION_DAYS after their last meeting.
 *
 * Every worker runs them (the periodic table in worker.c); the database
 * skips what another is purging and never picks a purged row again, so the
 * work is done once. */
#ifndef PIIRI_PURGE_H
#define PIIRI_PURGE_H

#include "periodic.h"

/* Long enough for a leader or a coordinator to follow a guest up after the
 * meeting (and to fix the attendance), short enough that a name typed in at
 * the door is not kept for good. */
#define GUEST_RETENTION_DAYS 90

/* One round each: one statement purging a batch; a full batch asks for
 * another round at once. */
void matching_purge_run(struct periodic_round *round);
void guest_names_purge_run(struct periodic_round *round);

#endif
