/* SPDX-License-Identifier: Apache-2.0 */
/* Records every database answer piirid gets, for the request fuzzer's fake
 * database. Linked into build/record/piirid only, with
 * -Wl,--wrap=db_pool_query: each query's callback is wrapped, and the answer
 * (SQL text, status, SQLSTATE and error fields, column names and types, rows)
 * is written as one JSON line to $PIIRI_DB_RECORD/<pid>.jsonl before the
 * handler sees it. Parameters are not recorded: the fake answers by SQL text. */
#include "db.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void __real_db_pool_query(struct db_pool *pool, const char *sql, int nparams,
    const char *const *params, db_done_cb cb, void *arg);
void __wrap_db_pool_query(struct db_pool *pool, const char *sql, int nparams,
    const char *const *params, db_done_cb cb, void *arg);

struct recorded_query {
    const char *sql;
    db_done_cb cb;
    void *arg;
};

static int record_fd = -2; /* -2: not opened yet, -1: not recording */
static pid_t record_pid;

static int record_open(void)
{
    const char *dir = getenv("PIIRI_DB_RECORD");
    if (record_fd != -2 && record_pid == getpid())
        return record_fd;
    record_pid = getpid(); /* each worker writes a file of its own */
    record_fd = -1;
    if (dir != NULL && *dir != '\0') {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%d.jsonl", dir, (int)record_pid);
        record_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    return record_fd;
}

static json_t *text_or_null(const char *s)
{
    json_t *v = s != NULL ? json_string(s) : NULL;
    return v != NULL ? v : json_null();
}

static json_t *result_json(const PGresult *res)
{
    json_t *fields = json_array(), *types = json_array(), *rows = json_array();
    int nf = PQnfields(res), nt = PQntuples(res);
    for (int f = 0; f < nf; f++) {
        json_array_append_new(fields, text_or_null(PQfname(res, f)));
        json_array_append_new(types, json_integer((json_int_t)PQftype(res, f)));
    }
    for (int t = 0; t < nt; t++) {
        json_t *row = json_array();
        for (int f = 0; f < nf; f++)
            json_array_append_new(
                row, PQgetisnull(res, t, f) ? json_null() : text_or_null(PQgetvalue(res, t, f)));
        json_array_append_new(rows, row);
    }
    return json_pack("{s:o, s:o, s:o}", "fields", fields, "types", types, "rows", rows);
}

static void record_write(const char *sql, const struct db_result *r)
{
    static const char *const statuses[] = { "ok", "error", "unavailable" };
    json_t *line = json_pack("{s:s, s:s}", "sql", sql, "status", statuses[r->status]);
    if (r->status == DB_ERROR) {
        json_object_set_new(line, "sqlstate", text_or_null(r->sqlstate));
        json_object_set_new(line, "error",
            json_pack("{s:o, s:o, s:o}", "primary",
                text_or_null(PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY)), "detail",
                text_or_null(PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL)), "hint",
                text_or_null(PQresultErrorField(r->res, PG_DIAG_MESSAGE_HINT))));
    }
    if (r->status == DB_OK && r->res != NULL)
        json_object_set_new(line, "result", result_json(r->res));
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (text == NULL)
        return;
    size_t len = strlen(text);
    text[len] = '\n'; /* one write per line: the terminator replaces the NUL */
    ssize_t w = write(record_fd, text, len + 1);
    (void)w;
    free(text);
}

static void recorded_cb(const struct db_result *r, void *arg)
{
    struct recorded_query *q = arg;
    db_done_cb cb = q->cb;
    void *cb_arg = q->arg;
    if (record_open() >= 0)
        record_write(q->sql, r);
    free(q);
    cb(r, cb_arg);
}

void __wrap_db_pool_query(struct db_pool *pool, const char *sql, int nparams,
    const char *const *params, db_done_cb cb, void *arg)
{
    struct recorded_query *q = malloc(sizeof(*q));
    if (q == NULL)
        abort();
    *q = (struct recorded_query){ sql, cb, arg };
    __real_db_pool_query(pool, sql, nparams, params, recorded_cb, q);
}
