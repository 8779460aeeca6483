/* SPDX-License-Identifier: Apache-2.0 */
/* One round: purge a batch of requests past retention in one statement
 * (matching_purge in schema/004_matching.sql); a full batch means there may
 * be more, so go on at once. Nothing is held between statements, so a
 * worker that dies mid-round leaves nothing half done. */
#include "matching-purge.h"

#include "db.h"
#include "log.h"

#include <stdlib.h>

#define BATCH "200"

static void purged_cb(const struct db_result *r, void *arg)
{
    struct periodic_round *round = arg;
    int n = r->status == DB_OK && PQntuples(r->res) == 1 ? atoi(PQgetvalue(r->res, 0, 0)) : 0;
    if (r->status != DB_OK)
        log_warn("matching purge: failed (sqlstate %s)", r->sqlstate);
    else if (n > 0)
        log_info("matching purge: %d requests past retention purged", n);
    periodic_done(round, n == atoi(BATCH));
}

void matching_purge_run(struct periodic_round *round)
{
    db_pool_query(round->srv->pool, "SELECT matching_purge(now(), " BATCH ")", 0, NULL, purged_cb, round);
}
