/* SPDX-License-Identifier: Apache-2.0 */
/* One round: claim a batch of groups whose sessions end too soon, expand
 * each from its horizon to a year ahead, store, release. A claim lasts two
 * minutes, so a worker that dies mid-round delays a group, never doubles it;
 * the unique (group, occurrence) key makes a repeat harmless anyway. */
#include "horizon.h"

#include "db.h"
#include "log.h"
#include "occurrences.h"
#include "util.h"

#include <stdlib.h>
#include <time.h>

#define BATCH "20"

struct horizon {
    struct server *srv;
    struct event *timer;
    struct event *first;  /* the first round, soon after start */
    int interval_s;
    bool running;
    bool stopping;       /* shutting down: callbacks only clean up */
    PGresult *batch;     /* claimed rows being worked through */
    int next_row;
    char wanted[32];
    struct occurrence_params occ;
};

static void extend_next(struct horizon *h);

static void round_done(struct horizon *h)
{
    if (h->batch != NULL)
        PQclear(h->batch);
    h->batch = NULL;
    h->running = false;
    occurrences_free(&h->occ);
}

static void extended_cb(const struct db_result *r, void *arg)
{
    struct horizon *h = arg;
    if (r->status != DB_OK)
        log_warn("horizon: cannot extend a group (sqlstate %s)", r->sqlstate);
    occurrences_free(&h->occ);
    if (h->stopping)
        round_done(h);
    else
        extend_next(h);
}

/* Columns: org_id, id, start, duration, timezone, rrule, horizon (Unix seconds). */
static void extend_next(struct horizon *h)
{
    PGresult *b = h->batch;
    int i = h->next_row++;
    if (i >= PQntuples(b)) {
        bool full = PQntuples(b) == atoi(BATCH);
        round_done(h);
        if (full) /* there may be more: go on at once */
            horizon_run(h);
        return;
    }
    json_t *schedule = json_pack("{s:s, s:i, s:s, s:s}", "start", PQgetvalue(b, i, 2), "duration_minutes",
        atoi(PQgetvalue(b, i, 3)), "timezone", PQgetvalue(b, i, 4), "rrule", PQgetvalue(b, i, 5));
    int64_t from = atoll(PQgetvalue(b, i, 6)), until = (int64_t)time(NULL) + HORIZON_SECONDS;
    int rc = schedule ? occurrences_expand(schedule, from, until, &h->occ) : -1;
    json_decref(schedule);
    if (rc != 0) {
        log_warn("horizon: a stored schedule cannot be expanded");
        extend_next(h);
        return;
    }
    const char *params[] = { PQgetvalue(b, i, 0), PQgetvalue(b, i, 1), h->occ.starts, h->occ.ends, h->wanted };
    db_pool_query(h->srv->pool, "SELECT horizon_extend($1, $2, $3, $4, $5)", 5, params, extended_cb, h);
}

static void claimed_cb(const struct db_result *r, void *arg)
{
    struct horizon *h = arg;
    if (r->status != DB_OK || h->stopping) {
        round_done(h);
        return;
    }
    /* The result belongs to the pool: keep a copy for the round. */
    h->batch = PQcopyResult(r->res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
    h->next_row = 0;
    if (h->batch == NULL) {
        round_done(h);
        return;
    }
    if (PQntuples(h->batch) > 0)
        log_info("horizon: extending %d groups", PQntuples(h->batch));
    extend_next(h);
}

void horizon_run(struct horizon *h)
{
    if (h->running || h->stopping || h->srv->draining)
        return;
    h->running = true;
    occurrences_format_utc((int64_t)time(NULL) + HORIZON_SECONDS, h->wanted);
    /* Extend a week before the horizon is reached, not at the last moment. */
    const char *params[] = { h->wanted };
    db_pool_query(h->srv->pool, "SELECT * FROM horizon_claim($1::timestamptz - interval '7 days', " BATCH ")",
        1, params, claimed_cb, h);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    horizon_run(arg);
}

struct horizon *horizon_start(struct server *srv, int interval_s)
{
    struct horizon *h = xcalloc(1, sizeof(*h));
    struct timeval tv = { interval_s, 0 }, soon = { 2, 0 };
    h->srv = srv;
    h->interval_s = interval_s;
    h->timer = event_new(srv->base, -1, EV_PERSIST, timer_cb, h);
    if (h->timer == NULL || event_add(h->timer, &tv) != 0)
        fatalx("horizon: cannot start the timer");
    h->first = evtimer_new(srv->base, timer_cb, h);
    if (h->first == NULL || evtimer_add(h->first, &soon) != 0)
        fatalx("horizon: cannot start the timer");
    return h;
}

void horizon_stop(struct horizon *h)
{
    h->stopping = true;
    event_del(h->timer);
    event_del(h->first);
}

void horizon_free(struct horizon *h)
{
    event_free(h->timer);
    event_free(h->first);
    round_done(h);
    free(h);
}
