/* SPDX-License-Identifier: Apache-2.0 */
/* One round of a retention job: purge a batch in one statement (the SQL
 * functions matching_purge and guest_names_purge, which answer how many
 * rows they did); a full batch means there may be more, so go on at once.
 * Nothing is held between statements, so a worker that dies mid-round
 * leaves nothing half done. */
#include "purge.h"

#include "db.h"
#include "log.h"

#include <stdlib.h>

#define BATCH 200
#define STR(x) #x
#define XSTR(x) STR(x)

static void purged_cb(const struct db_result *r, void *arg)
{
    struct periodic_round *round = arg;
    int n = r->status == DB_OK && PQntuples(r->res) == 1 ? atoi(PQgetvalue(r->res, 0, 0)) : 0;
    if (r->status != DB_OK)
        log_warn("%s: failed (sqlstate %s)", round->job->name, r->sqlstate);
    else if (n > 0)
        log_info("%s: %d rows past retention purged", round->job->name, n);
    periodic_done(round, n == BATCH);
}

void matching_purge_run(struct periodic_round *round)
{
    db_pool_query(round->srv->pool, "SELECT matching_purge(now(), " XSTR(BATCH) ")", 0, NULL, purged_cb, round);
}

void guest_names_purge_run(struct periodic_round *round)
{
    db_pool_query(round->srv->pool,
        "SELECT guest_names_purge(now(), " XSTR(GUEST_RETENTION_DAYS) ", " XSTR(BATCH) ")", 0, NULL, purged_cb,
        round);
}
