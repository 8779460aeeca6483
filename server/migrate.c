/* SPDX-License-Identifier: Apache-2.0 */
/* Applying migrations. This runs before the workers start, so blocking
 * libpq calls are fine here and nowhere else in the server. */
#include "migrate.h"

#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Arbitrary, fixed: the advisory lock every piirid takes to migrate. */
#define MIGRATE_LOCK_KEY "7020202669697269"

PGconn *migrate_connect(const char *url, int wait_s, char **cause)
{
    const char *keys[] = { "dbname", "application_name", NULL };
    const char *values[] = { url, "piirid-migrate", NULL };
    for (int attempt = 0;; attempt++) {
        PGconn *conn = PQconnectdbParams(keys, values, 1);
        if (PQstatus(conn) == CONNECTION_OK)
            return conn;
        if (attempt >= wait_s * 4) {
            char *msg = xstrdup(PQerrorMessage(conn));
            msg[strcspn(msg, "\n")] = '\0';
            *cause = xasprintf("cannot connect to the database: %s", msg);
            free(msg);
            PQfinish(conn);
            return NULL;
        }
        PQfinish(conn);
        if (attempt == 0)
            log_info("waiting for the database");
        usleep(250 * 1000);
    }
}

static int exec_ok(PGconn *conn, const char *sql, char **cause)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char *msg = xstrdup(PQresultErrorMessage(res));
        msg[strcspn(msg, "\n")] = '\0';
        *cause = msg;
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

static int is_applied(PGconn *conn, const char *name)
{
    const char *params[] = { name };
    PGresult *res =
        PQexecParams(conn, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL, params, NULL, NULL, 0);
    int applied = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    PQclear(res);
    return applied;
}

static int apply_one(PGconn *conn, const struct schema_file *f, char **cause)
{
    char *why = NULL;
    const char *params[] = { f->name };
    if (exec_ok(conn, "BEGIN", &why) != 0 || exec_ok(conn, f->sql, &why) != 0)
        goto fail;
    PGresult *res =
        PQexecParams(conn, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok || exec_ok(conn, "COMMIT", &why) != 0)
        goto fail;
    log_info("migration %s applied", f->name);
    return 0;
fail:
    *cause = xasprintf("migration %s failed: %s", f->name, why ? why : "cannot record it");
    free(why);
    PQclear(PQexec(conn, "ROLLBACK"));
    return -1;
}

int migrate_apply(PGconn *conn, char **cause)
{
    char *why = NULL;
    int applied = 0;
    PQclear(PQexec(conn, "SET client_min_messages = warning"));
    if (exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", &why) != 0 ||
        exec_ok(conn,
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            &why) != 0) {
        *cause = xasprintf("cannot prepare migrations: %s", why);
        free(why);
        return -1;
    }
    for (unsigned i = 0; i < schema_file_count; i++) {
        if (is_applied(conn, schema_files[i].name))
            continue;
        if (apply_one(conn, &schema_files[i], cause) != 0) {
            applied = -1;
            break;
        }
        applied++;
    }
    PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return applied;
}
