/* SPDX-License-Identifier: Apache-2.0 */
/* One round: claim a batch of groups whose sessions end too soon, expand
 * each from its horizon to a year ahead, store, release. A claim lasts two
 * minutes, so a worker that dies mid-round delays a group, never doubles it;
 * the unique (group, occurrence) key makes a repeat harmless anyway. */
#include "horizon.h"

#include "db.h"
#include "log.h"
#include "occurrences.h"
#include "periodic.h"
#include "util.h"

#include <stdlib.h>
#include <time.h>

#define BATCH "20"

/* One round's state, new at its start and freed at its end. */
struct horizon_round {
    struct periodic_round *round;
    PGresult *batch;     /* claimed rows being worked through */
    int next_row;
    char wanted[32];
    struct occurrence_params occ;
};

static void extend_next(struct horizon_round *h);

/* full: the batch was full, so there may be more groups due. */
static void round_done(struct horizon_round *h, bool full)
{
    struct periodic_round *round = h->round;
    if (h->batch != NULL)
        PQclear(h->batch);
    occurrences_free(&h->occ);
    free(h);
    periodic_done(round, full);
}

static void extended_cb(const struct db_result *r, void *arg)
{
    struct horizon_round *h = arg;
    if (r->status != DB_OK)
        log_warn("horizon: cannot extend a group (sqlstate %s)", r->sqlstate);
    occurrences_free(&h->occ);
    if (periodic_stopping(h->round))
        round_done(h, false);
    else
        extend_next(h);
}

/* Columns: org_id, id, start, duration, timezone, rrule, horizon (Unix seconds). */
static void extend_next(struct horizon_round *h)
{
    PGresult *b = h->batch;
    int i = h->next_row++;
    if (i >= PQntuples(b)) {
        round_done(h, PQntuples(b) == atoi(BATCH));
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
    db_pool_query(h->round->srv->pool, "SELECT horizon_extend($1, $2, $3, $4, $5)", 5, params, extended_cb, h);
}

static void claimed_cb(const struct db_result *r, void *arg)
{
    struct horizon_round *h = arg;
    if (r->status != DB_OK || periodic_stopping(h->round)) {
        round_done(h, false);
        return;
    }
    /* The result belongs to the pool: keep a copy for the round. */
    h->batch = PQcopyResult(r->res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
    h->next_row = 0;
    if (h->batch == NULL) {
        round_done(h, false);
        return;
    }
    if (PQntuples(h->batch) > 0)
        log_info("horizon: extending %d groups", PQntuples(h->batch));
    extend_next(h);
}

void horizon_run(struct periodic_round *round)
{
    struct horizon_round *h = xcalloc(1, sizeof(*h));
    h->round = round;
    occurrences_format_utc((int64_t)time(NULL) + HORIZON_SECONDS, h->wanted);
    /* Extend a week before the horizon is reached, not at the last moment. */
    const char *params[] = { h->wanted };
    db_pool_query(round->srv->pool, "SELECT * FROM horizon_claim($1::timestamptz - interval '7 days', " BATCH ")",
        1, params, claimed_cb, h);
}
