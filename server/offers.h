/* SPDX-License-Identifier: Apache-2.0 */
/* The waitlist offers' clock: an offer not answered by its deadline is
 * declined for its person and its seats are offered to the next in line
 * (offers_expire, schema/functions/offers.sql). Every worker of every
 * piirid runs it (the periodic table in worker.c), mail or no mail; the
 * database locks decide who passes on which offer, so each is passed on
 * once. */
#ifndef PIIRI_OFFERS_H
#define PIIRI_OFFERS_H

#include "periodic.h"

/* How often the deadlines are looked at: an offer holds its seats for
 * hours, so a few seconds late is on time. */
#define OFFERS_PERIOD_MS 10000

/* One round: one statement passing on a batch; a full batch asks for
 * another round at once. */
void offers_expire_run(struct periodic_round *round);

#endif
