/* SPDX-License-Identifier: Apache-2.0 */
/* Applying the schema: the migrations that are missing, each once, then
 * every function file (CREATE OR REPLACE), every time. This runs before the
 * workers start, so blocking libpq calls are fine here and nowhere else in
 * the server. schema/README.md says what goes where. */
#include "migrate.h"

#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Arbitrary, fixed: the advisory lock every piirid takes to migrate. */
#define MIGRATE_LOCK_KEY "7020202669697269"

/* The functions that tables, indexes and migrations' data changes use
 * (generated columns, defaults, backfills): in place before each migration. */
#define MIGRATE_BASE_FILE "functions/base.sql"

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

/* A file of comments only (a migration whose functions moved) is an empty
 * query, and fine. */
static int exec_ok(PGconn *conn, const char *sql, char **cause)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
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

/* Every step is a transaction of its own that first takes a transaction-level
 * advisory lock, so several piirid starting together take turns, and nothing
 * outlives the transaction: through PgBouncer in transaction mode a session
 * lock (or a plain SET) would stay with whichever server connection ran it. */
static int begin_locked(PGconn *conn, char **why)
{
    if (exec_ok(conn, "BEGIN", why) != 0 || exec_ok(conn, "SET LOCAL client_min_messages = warning", why) != 0)
        return -1;
    return exec_ok(conn, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", why);
}

static int record(PGconn *conn, const char *name, char **why)
{
    const char *params[] = { name };
    PGresult *res =
        PQexecParams(conn, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok)
        *why = xstrdup("cannot record it");
    return ok ? 0 : -1;
}

static const struct schema_file *base_file(void)
{
    for (unsigned i = 0; i < schema_function_file_count; i++)
        if (strcmp(schema_function_files[i].name, MIGRATE_BASE_FILE) == 0)
            return &schema_function_files[i];
    return NULL;
}

/* The base functions as the migration's transaction starts. Their bodies are
 * not checked here: on an empty database piiri_fold names unaccent(), which
 * a migration creates; they are checked when all files are applied. */
static int apply_base(PGconn *conn, char **why)
{
    const struct schema_file *base = base_file();
    if (base == NULL)
        return 0;
    if (exec_ok(conn, "SET LOCAL check_function_bodies = off", why) != 0 || exec_ok(conn, base->sql, why) != 0)
        return -1;
    return exec_ok(conn, "SET LOCAL check_function_bodies TO DEFAULT", why);
}

/* 1 applied now, 0 applied before (by us or by another piirid), -1 failed. */
static int apply_one(PGconn *conn, const struct schema_file *f, char **cause)
{
    char *why = NULL;
    if (begin_locked(conn, &why) != 0)
        goto fail;
    if (is_applied(conn, f->name)) {
        PQclear(PQexec(conn, "ROLLBACK"));
        return 0;
    }
    if (apply_base(conn, &why) != 0 || exec_ok(conn, f->sql, &why) != 0 || record(conn, f->name, &why) != 0 ||
        exec_ok(conn, "COMMIT", &why) != 0)
        goto fail;
    log_info("migration %s applied", f->name);
    return 1;
fail:
    *cause = xasprintf("migration %s failed: %s", f->name, why ? why : "unknown error");
    free(why);
    PQclear(PQexec(conn, "ROLLBACK"));
    return -1;
}

static int prepare(PGconn *conn, char **cause)
{
    char *why = NULL;
    if (begin_locked(conn, &why) != 0 ||
        exec_ok(conn,
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            &why) != 0 ||
        exec_ok(conn, "COMMIT", &why) != 0) {
        *cause = xasprintf("cannot prepare migrations: %s", why);
        free(why);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    return 0;
}

/* Every function file, in order, in one transaction under the lock: a
 * piirid starting while another one serves sees either the old definitions
 * or the new ones, never a mix, and two starting together take turns. The
 * files replace what they define (CREATE OR REPLACE); what a file no longer
 * defines is dropped by a migration (schema/README.md). */
static int apply_functions(PGconn *conn, char **cause)
{
    char *why = NULL;
    const char *name = NULL;
    if (begin_locked(conn, &why) != 0)
        goto fail;
    for (unsigned i = 0; i < schema_function_file_count; i++) {
        name = schema_function_files[i].name;
        if (exec_ok(conn, schema_function_files[i].sql, &why) != 0)
            goto fail;
    }
    name = NULL;
    if (exec_ok(conn, "COMMIT", &why) != 0)
        goto fail;
    return 0;
fail:
    *cause = xasprintf("%s failed: %s", name ? name : "applying the functions", why ? why : "unknown error");
    free(why);
    PQclear(PQexec(conn, "ROLLBACK"));
    return -1;
}

int migrate_apply(PGconn *conn, char **cause)
{
    int applied = 0;
    if (prepare(conn, cause) != 0)
        return -1;
    for (unsigned i = 0; i < schema_file_count; i++) {
        int r = apply_one(conn, &schema_files[i], cause);
        if (r < 0)
            return -1;
        applied += r;
    }
    return apply_functions(conn, cause) == 0 ? applied : -1;
}
