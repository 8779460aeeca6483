/* SPDX-License-Identifier: Apache-2.0 */
/* The horizon job: recurring groups have sessions materialised a year
 * ahead; as time passes this extends them, once, whatever the number of
 * workers and piirid processes (the database hands out claims). Run by the
 * worker's periodic table (worker.c). */
#ifndef PIIRI_HORIZON_H
#define PIIRI_HORIZON_H

#include "periodic.h"

/* One round: claim a batch of groups due, extend each, release; a full
 * batch asks for another round at once. */
void horizon_run(struct periodic_round *round);

#endif
