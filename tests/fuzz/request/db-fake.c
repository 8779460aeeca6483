/* SPDX-License-Identifier: Apache-2.0 */
/* The pool of db.h answered from recorded results. Each statement's answers
 * were recorded from the integration suite (answers.json, made by `make
 * fuzz-record`); a query gets one of them, or one of the faults the real pool
 * can report, as the input's next choice byte says. Answers are PGresults
 * built with libpq's public PQmakeEmptyPGresult, PQsetResultAttrs and
 * PQsetvalue, fresh for every query and cleared after the callback, and are
 * given from the loop as the real pool does. libpq has no public way to set
 * error fields, so PQresultErrorField is wrapped (-Wl,--wrap) to read them
 * from the answer being given. */
#include "db.h"
#include "fake.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct answer {
    enum db_status status;
    const char *sqlstate; /* "" unless the database raised an error */
    const char *primary, *detail, *hint;
    json_t *result; /* DB_OK: {"fields", "types", "rows"} (borrowed from the file) */
};

struct statement {
    const char *sql;
    struct answer *answers;
    size_t n;
};

struct pending {
    const struct answer *answer;
    size_t param_bytes;
    db_done_cb cb;
    void *arg;
};

/* Faults the real pool reports for any statement: nothing open, the wait or
 * query deadline passed (NULL result); a statement timeout and a deadlock
 * (mapped to unavailable by db-pool.c, result kept); a read-only or full
 * database. */
static const struct answer faults[] = {
    { DB_UNAVAILABLE, "", NULL, NULL, NULL, NULL },
    { DB_UNAVAILABLE, "57014", "canceling statement due to statement timeout", NULL, NULL, NULL },
    { DB_UNAVAILABLE, "40P01", "deadlock detected", NULL, NULL, NULL },
    { DB_ERROR, "25006", "cannot execute INSERT in a read-only transaction", NULL, NULL, NULL },
    { DB_ERROR, "53100", "could not extend file: No space left on device", NULL, NULL, NULL },
};

static json_t *file;
static struct statement *statements;
static size_t nstatements;
static const uint8_t *choices;
static size_t nchoices, next_choice;
static unsigned pending, answers_given;
static bool said_error;
static const struct answer *answering; /* during a callback: for PQresultErrorField */
static PGresult *answering_res;

static const char *field_text(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void answer_read(json_t *a, struct answer *out)
{
    const char *status = field_text(a, "status");
    json_t *err = json_object_get(a, "error");
    memset(out, 0, sizeof(*out));
    out->sqlstate = field_text(a, "sqlstate") ?: "";
    if (status == NULL || strcmp(status, "ok") == 0) {
        out->status = DB_OK;
        out->result = json_object_get(a, "result");
    } else
        out->status = strcmp(status, "error") == 0 ? DB_ERROR : DB_UNAVAILABLE;
    out->primary = field_text(err, "primary");
    out->detail = field_text(err, "detail");
    out->hint = field_text(err, "hint");
    if (out->status == DB_OK && !json_is_array(json_object_get(out->result, "rows"))) {
        fprintf(stderr, "answers: an ok answer without rows\n");
        abort();
    }
}

void fake_db_load(const char *path)
{
    json_error_t err;
    file = json_load_file(path, 0, &err);
    json_t *stmts = json_object_get(file, "statements");
    if (!json_is_object(stmts)) {
        fprintf(stderr, "%s: %s (line %d): run make fuzz-record\n", path,
            file ? "no statements" : err.text, err.line);
        abort();
    }
    const char *sql;
    json_t *list;
    statements = xcalloc(json_object_size(stmts), sizeof(*statements));
    json_object_foreach(stmts, sql, list)
    {
        struct statement *s = &statements[nstatements++];
        s->sql = sql;
        s->n = json_array_size(list);
        s->answers = xcalloc(s->n ? s->n : 1, sizeof(*s->answers));
        for (size_t i = 0; i < s->n; i++)
            answer_read(json_array_get(list, i), &s->answers[i]);
    }
}

size_t fake_db_statements(void)
{
    return nstatements;
}

const char *fake_db_statement(size_t i)
{
    return i < nstatements ? statements[i].sql : NULL;
}

void fake_choices_begin(const uint8_t *c, size_t n)
{
    choices = c;
    nchoices = n;
    next_choice = 0;
    answers_given = 0;
    said_error = false;
}

uint8_t fake_choice_next(void)
{
    return next_choice < nchoices ? choices[next_choice++] : 0;
}

unsigned fake_db_pending(void)
{
    return pending;
}

unsigned long fake_answers_given(void)
{
    return answers_given;
}

bool fake_db_said_error(void)
{
    return said_error;
}

const char *fake_db_value(const char *column, size_t i)
{
    for (size_t k = 0; k < nstatements; k++) {
        for (size_t a = 0; a < statements[k].n; a++) {
            json_t *res = statements[k].answers[a].result, *name, *row;
            size_t f, r;
            json_array_foreach(json_object_get(res, "fields"), f, name)
            {
                if (strcmp(json_string_value(name) ?: "", column) != 0)
                    continue;
                json_array_foreach(json_object_get(res, "rows"), r, row)
                {
                    const char *v = json_string_value(json_array_get(row, f));
                    if (v != NULL && i-- == 0)
                        return v;
                }
            }
        }
    }
    return NULL;
}

static const struct statement *statement_find(const char *sql)
{
    for (size_t i = 0; i < nstatements; i++) {
        if (strcmp(statements[i].sql, sql) == 0)
            return &statements[i];
    }
    return NULL;
}

/* A statement nobody recorded (new since the last make fuzz-record) gets
 * only the faults, and is named once so that the recording is redone. */
static void unrecorded(const char *sql)
{
    static const char *named[64];
    static size_t nnamed;
    for (size_t i = 0; i < nnamed; i++) {
        if (named[i] == sql || strcmp(named[i], sql) == 0)
            return;
    }
    if (nnamed < ARRAY_LEN(named))
        named[nnamed++] = sql;
    fprintf(stderr,
        "fake db: no recorded answer for \"%s\" (answered with faults only): run make "
        "fuzz-record\n",
        sql);
}

/* Recorded answers first (choice 0: the first one), then the faults. */
static const struct answer *answer_choose(const char *sql)
{
    const struct statement *s = statement_find(sql);
    size_t n = s ? s->n : 0;
    unsigned c = fake_choice_next();
    if (s == NULL)
        unrecorded(sql);
    c %= (unsigned)(n + ARRAY_LEN(faults));
    return c < n ? &s->answers[c] : &faults[c - n];
}

static PGresult *result_build(const struct answer *a)
{
    if (a->status != DB_OK)
        return a->sqlstate[0] ? PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR) : NULL;
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    json_t *fields = json_object_get(a->result, "fields"),
           *types = json_object_get(a->result, "types");
    json_t *rows = json_object_get(a->result, "rows"), *row;
    int nf = (int)json_array_size(fields);
    PGresAttDesc *attrs = xcalloc((size_t)nf + 1, sizeof(*attrs));
    size_t t;
    if (res == NULL)
        abort();
    for (int f = 0; f < nf; f++) {
        attrs[f].name =
            (char *)(json_string_value(json_array_get(fields, (size_t)f)) ?: "?column?");
        attrs[f].typid = (Oid)json_integer_value(json_array_get(types, (size_t)f));
        attrs[f].typlen = -1;
        attrs[f].atttypmod = -1;
    }
    if (!PQsetResultAttrs(res, nf, attrs))
        abort();
    free(attrs);
    json_array_foreach(rows, t, row)
    {
        for (int f = 0; f < nf; f++) {
            json_t *v = json_array_get(row, (size_t)f);
            const char *text = json_string_value(v);
            if (!PQsetvalue(
                    res, (int)t, f, (char *)(text ?: ""), text ? (int)json_string_length(v) : -1))
                abort();
        }
    }
    return res;
}

static void answer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct pending *p = arg;
    struct db_result r = { p->answer->status, NULL, p->answer->sqlstate };
    (void)fd;
    (void)what;
    r.res = result_build(p->answer);
    /* PI<status> and 23505 are the request's fault, answered 4xx by api.c;
     * any other error is one a 500 may follow. */
    if (p->answer->status == DB_ERROR && strncmp(p->answer->sqlstate, "PI", 2) != 0 &&
        strcmp(p->answer->sqlstate, "23505") != 0)
        said_error = true;
    pending--;
    answers_given++;
    answering = p->answer;
    answering_res = r.res;
    p->cb(&r, p->arg);
    answering = NULL;
    answering_res = NULL;
    if (r.res != NULL)
        PQclear(r.res);
    free(p);
}

/* ---- db.h ---- */

struct db_pool {
    struct event_base *base;
};

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_settings *settings)
{
    struct db_pool *p = xcalloc(1, sizeof(*p));
    (void)settings;
    p->base = base;
    return p;
}

void db_pool_query(struct db_pool *pool, const char *sql, int nparams, const char *const *params,
    db_done_cb cb, void *arg)
{
    struct pending *p = xcalloc(1, sizeof(*p));
    struct timeval now = { 0, 0 };
    /* The real pool copies the parameters here: read each, as it would (a
     * dangling one is then caught at the call). */
    for (int i = 0; i < nparams; i++)
        p->param_bytes += params[i] ? strlen(params[i]) : 0;
    p->answer = answer_choose(sql);
    p->cb = cb;
    p->arg = arg;
    pending++;
    if (event_base_once(pool->base, -1, EV_TIMEOUT, answer_cb, p, &now) != 0)
        abort();
}

void db_pool_get_stats(const struct db_pool *pool, struct db_pool_stats *stats)
{
    (void)pool;
    stats->open = 1;
    stats->in_use = pending > 0;
    stats->waiting = 0;
}

void db_pool_free(struct db_pool *pool)
{
    free(pool);
}

/* ---- the error fields of the answer being given ---- */

char *__real_PQresultErrorField(const PGresult *res, int fieldcode);
char *__wrap_PQresultErrorField(const PGresult *res, int fieldcode);

char *__wrap_PQresultErrorField(const PGresult *res, int fieldcode)
{
    if (res == NULL || res != answering_res || answering == NULL)
        return __real_PQresultErrorField(res, fieldcode);
    switch (fieldcode) {
    case PG_DIAG_SQLSTATE:
        return (char *)answering->sqlstate;
    case PG_DIAG_MESSAGE_PRIMARY:
        return (char *)answering->primary;
    case PG_DIAG_MESSAGE_DETAIL:
        return (char *)answering->detail;
    case PG_DIAG_MESSAGE_HINT:
        return (char *)answering->hint;
    default:
        return NULL;
    }
}
