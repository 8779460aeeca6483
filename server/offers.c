/* SPDX-License-Identifier: Apache-2.0 */
/* One round of the offers' clock: pass on a batch of offers past their
 * deadline in one statement, the time given as now(); a full batch means
 * there may be more, so go on at once. Nothing is held between
 * statements, so a worker that dies mid-round leaves nothing half done. */
#include "offers.h"

#include "db.h"
#include "log.h"

#include <stdlib.h>

#define BATCH 100
#define STR(x) #x
#define XSTR(x) STR(x)

static void expired_cb(const struct db_result *r, void *arg)
{
    struct periodic_round *round = arg;
    int n = r->status == DB_OK && PQntuples(r->res) == 1 ? atoi(PQgetvalue(r->res, 0, 0)) : 0;
    if (r->status != DB_OK)
        log_warn("%s: failed (sqlstate %s)", round->job->name, r->sqlstate);
    else if (n > 0)
        log_info("%s: %d offers past their deadline passed on", round->job->name, n);
    periodic_done(round, n == BATCH);
}

void offers_expire_run(struct periodic_round *round)
{
    db_pool_query(
        round->srv->pool, "SELECT offers_expire(now(), " XSTR(BATCH) ")", 0, NULL, expired_cb, round);
}
