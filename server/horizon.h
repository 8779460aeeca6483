/* SPDX-License-Identifier: Apache-2.0 */
/* The horizon timer: recurring groups have sessions materialised a year
 * ahead; as time passes this extends them, once, whatever the number of
 * workers and piirid processes (the database hands out claims). */
#ifndef PIIRI_HORIZON_H
#define PIIRI_HORIZON_H

#include "server.h"

struct horizon;

/* Start the timer on srv's loop: first run soon after start, then every
 * interval_s seconds. */
struct horizon *horizon_start(struct server *srv, int interval_s);
/* Run one round now (tests and start-up). */
void horizon_run(struct horizon *h);
/* Before the pool closes: stop the timer; running queries only clean up. */
void horizon_stop(struct horizon *h);
/* After the pool has answered every query. */
void horizon_free(struct horizon *h);

#endif
