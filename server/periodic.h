/* SPDX-License-Identifier: Apache-2.0 */
/* Periodic work: a worker's table of jobs (name, first run, period, run),
 * driven by one timer on its loop, armed for whichever job is due next.
 *
 * A job's run starts one round and ends it with periodic_done, at once or
 * from a database callback. One round of a job at a time: a job still
 * running when it is due again skips that turn. Every job must be
 * idempotent across workers and piirid processes (each worker runs the same
 * table): the database decides who does a piece of work, never the timer.
 * No round starts while the worker drains (unless the job says it may),
 * and none once periodic_stop has been called. */
#ifndef PIIRI_PERIODIC_H
#define PIIRI_PERIODIC_H

#include "server.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct periodic;
struct periodic_round;

struct periodic_job {
    const char *name;
    int first_ms;        /* the first round this long after start */
    int period_ms;       /* then one every period_ms, counted from the first */
    bool while_draining; /* also runs while the worker drains (no database work) */
    void (*run)(struct periodic_round *round);
};

/* One round of one job; borrowed by the job until it calls periodic_done. */
struct periodic_round {
    struct server *srv;
    const struct periodic_job *job;
    struct periodic *driver; /* the rest is the driver's */
    uint64_t due_ns;
    bool running;
};

/* Start the timer for jobs[0..n-1] (borrowed; they outlive the driver). */
struct periodic *periodic_start(struct server *srv, const struct periodic_job *jobs, size_t n);
/* The round is over. again: there may be more (a full batch), so run the
 * job once more at once, unless the worker is draining or stopping. */
void periodic_done(struct periodic_round *round, bool again);
/* Shutting down: a callback of a running round only cleans up. */
bool periodic_stopping(const struct periodic_round *round);
/* Before the pool closes: no more rounds; running ones end as the pool
 * answers their queries. */
void periodic_stop(struct periodic *p);
/* After the pool has answered every query. */
void periodic_free(struct periodic *p);

#endif
