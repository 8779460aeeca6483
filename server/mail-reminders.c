/* SPDX-License-Identifier: Apache-2.0 */
/* Reminders: the delivery process asks the database, with its own clock,
 * which reminders are due (mail_reminders_due, schema/functions/
 * reminders.sql) and the database writes them into the outbox, one per
 * person and session whichever process asks (a unique index), to be
 * delivered like any other row. The clock is this process's, not the
 * database's, so a test can set it (libfaketime, docs/mail.md). */
#include "mail.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int mail_reminders_make(PGconn *conn, double *next_s)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char now_s[48];
    snprintf(now_s, sizeof(now_s), "%lld.%06ld", (long long)now.tv_sec, now.tv_nsec / 1000);
    const char *params[] = { now_s };
    PGresult *res = PQexecParams(conn,
        "SELECT made, next_s FROM mail_reminders_due(to_timestamp($1::double precision))", 1, NULL,
        params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_error("mail: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    int made = atoi(PQgetvalue(res, 0, 0));
    if (made > 0)
        log_info("mail: %d reminders due", made);
    *next_s = PQgetisnull(res, 0, 1) ? -1 : strtod(PQgetvalue(res, 0, 1), NULL);
    PQclear(res);
    return 0;
}
