/* SPDX-License-Identifier: Apache-2.0 */
/* Schema migrations (start-up only, blocking libpq): the numbered SQL files
 * of schema/, compiled into the binary, each applied once in its own
 * transaction and recorded in schema_migrations, under a transaction-level
 * advisory lock (safe through a transaction pooler such as PgBouncer). */
#ifndef PIIRI_MIGRATE_H
#define PIIRI_MIGRATE_H

#include <libpq-fe.h>

struct schema_file {
    const char *name;   /* "001_init.sql" */
    const char *sql;
};

/* Generated from the schema/NNN_*.sql files by the build, in name order. */
extern const struct schema_file schema_files[];
extern const unsigned schema_file_count;

/* Connect with retries for up to wait_s seconds; NULL and *cause on failure. */
PGconn *migrate_connect(const char *url, int wait_s, char **cause);
/* Apply what is missing; returns how many were applied, or -1 and *cause. */
int migrate_apply(PGconn *conn, char **cause) __attribute__((warn_unused_result));

#endif
