/* SPDX-License-Identifier: Apache-2.0 */
/* How many password hashing jobs each client address has admitted and
 * unfinished, across all the workers of this piirid: a count-min sketch (two
 * hashed slots per address, the smaller count wins) in memory the workers
 * share, one row per worker. A restarted worker zeroes its row, so a worker
 * that died with jobs pending leaves no count behind. Two addresses rarely
 * share both slots; when they do, both look busier than they are. */
#ifndef PIIRI_CLIENT_COUNT_H
#define PIIRI_CLIENT_COUNT_H

#include <stdint.h>

struct client_slots {
    uint32_t slot[2];
};

/* Once, before the workers fork. */
void client_count_init(int workers);
/* A worker starting in row worker (0..workers-1) forgets that row's counts. */
void client_count_reset(int worker);
void client_count_slots(const char *client, struct client_slots *out);
void client_count_add(int worker, const struct client_slots *s, int delta);
/* The client's jobs in all rows (never fewer than it has). */
unsigned client_count_get(const struct client_slots *s);

#endif
