/* SPDX-License-Identifier: Apache-2.0 */
/* Periodic maintenance: one timer per worker, re-armed after each tick for
 * the job due soonest; each job's next turn is kept in its round. */
#include "periodic.h"

#include "log.h"
#include "util.h"

#include <event2/event.h>
#include <stdlib.h>

struct periodic {
    struct server *srv;
    struct event *timer;
    struct periodic_round *rounds;
    size_t n;
    bool stopping;
};

static uint64_t ms_ns(int ms)
{
    return (uint64_t)ms * 1000000u;
}

static bool may_start(const struct periodic *p, const struct periodic_round *r)
{
    return !p->stopping && (!p->srv->draining || r->job->while_draining);
}

/* The next turn after now, keeping the cadence from the first; a turn
 * missed (the loop was busy, or the last round was still running) is
 * skipped, not made up. */
static void round_next_due(struct periodic_round *r, uint64_t now)
{
    uint64_t period = ms_ns(r->job->period_ms > 0 ? r->job->period_ms : 1);
    r->due_ns += period;
    if (r->due_ns <= now)
        r->due_ns = now + period - (now - r->due_ns) % period;
}

static void timer_arm(struct periodic *p, uint64_t now)
{
    uint64_t soonest = UINT64_MAX;
    for (size_t i = 0; i < p->n; i++)
        if (p->rounds[i].due_ns < soonest)
            soonest = p->rounds[i].due_ns;
    if (soonest == UINT64_MAX)
        return;
    uint64_t wait = soonest > now ? soonest - now : 0;
    struct timeval tv = { (time_t)(wait / 1000000000u), (suseconds_t)(wait % 1000000000u / 1000u) };
    if (evtimer_add(p->timer, &tv) != 0)
        fatalx("periodic: cannot arm the timer");
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct periodic *p = arg;
    uint64_t now = clock_mono_ns();
    (void)fd;
    (void)what;
    for (size_t i = 0; i < p->n && !p->stopping; i++) {
        struct periodic_round *r = &p->rounds[i];
        if (r->due_ns > now)
            continue;
        round_next_due(r, now);
        if (r->running || !may_start(p, r))
            continue;
        r->running = true;
        r->job->run(r);
    }
    if (!p->stopping)
        timer_arm(p, clock_mono_ns());
}

struct periodic *periodic_start(struct server *srv, const struct periodic_job *jobs, size_t n)
{
    struct periodic *p = xcalloc(1, sizeof(*p));
    uint64_t now = clock_mono_ns();
    p->srv = srv;
    p->n = n;
    p->rounds = xcalloc(n, sizeof(*p->rounds));
    for (size_t i = 0; i < n; i++) {
        p->rounds[i] = (struct periodic_round) { .srv = srv, .job = &jobs[i], .driver = p,
            .due_ns = now + ms_ns(jobs[i].first_ms) };
        log_debug("periodic: %s every %d ms", jobs[i].name, jobs[i].period_ms);
    }
    p->timer = evtimer_new(srv->base, timer_cb, p);
    if (p->timer == NULL)
        fatalx("periodic: cannot create the timer");
    timer_arm(p, now);
    return p;
}

void periodic_done(struct periodic_round *round, bool again)
{
    if (again && may_start(round->driver, round)) {
        round->job->run(round); /* still running: the same round goes on */
        return;
    }
    round->running = false;
}

bool periodic_stopping(const struct periodic_round *round)
{
    return round->driver->stopping;
}

void periodic_stop(struct periodic *p)
{
    p->stopping = true;
    event_del(p->timer);
}

void periodic_free(struct periodic *p)
{
    event_free(p->timer);
    free(p->rounds);
    free(p);
}
