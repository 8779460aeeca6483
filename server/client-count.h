/* SPDX-License-Identifier: Apache-2.0 */
/* How many password hashing jobs each client address has admitted and
 * unfinished, across all the workers of this piirid, and whether it has had
 * others admitted since a given one: count-min sketches (two hashed slots
 * per address, the smaller count wins) in memory the workers share. The
 * pending counts have one row per worker, which a restarted worker zeroes,
 * so a worker that died with jobs pending leaves no count behind; the
 * admissions are one row of counters that only grow. Two addresses rarely
 * share both slots; when they do, both look busier than they are. */
#ifndef PIIRI_CLIENT_COUNT_H
#define PIIRI_CLIENT_COUNT_H

#include <stdbool.h>
#include <stdint.h>

struct client_slots {
    uint32_t slot[2];
    uint32_t seen[2]; /* the admission counters after this job's admission */
};

/* Once, before the workers fork. */
void client_count_init(int workers);
/* A worker starting in row worker (0..workers-1) forgets that row's counts. */
void client_count_reset(int worker);
void client_count_slots(const char *client, struct client_slots *out);
/* One more pending job in row worker, and one more admission (recorded in s). */
void client_count_admit(int worker, struct client_slots *s);
/* One pending job fewer in row worker. */
void client_count_release(int worker, const struct client_slots *s);
/* The client's pending jobs in all rows (never fewer than it has). */
unsigned client_count_get(const struct client_slots *s);
/* Has the client had a job admitted after the one s belongs to? */
bool client_count_admitted_since(const struct client_slots *s);

#endif
