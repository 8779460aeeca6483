/* SPDX-License-Identifier: Apache-2.0 */
/* Database outcomes to HTTP. SQL functions raise errors with SQLSTATE
 * PI<status> (PI404, PI409, PI422, PI403), the error code as the message,
 * the field to blame as DETAIL and the human sentence as HINT. */
#include "api.h"

#include "query-params.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_raised(struct req_ctx *ctx, const struct db_result *r)
{
    int status = atoi(r->sqlstate + 2);
    const char *code = PQresultErrorField(r->res, PG_DIAG_MESSAGE_PRIMARY);
    const char *field = PQresultErrorField(r->res, PG_DIAG_MESSAGE_DETAIL);
    const char *message = PQresultErrorField(r->res, PG_DIAG_MESSAGE_HINT);
    http_reply_error(ctx, status, code ? code : "error", message ? message : "The request cannot be done.",
        field != NULL && *field != '\0' ? field : NULL);
}

void api_reply_db_error(struct req_ctx *ctx, const struct db_result *r)
{
    if (r->status == DB_UNAVAILABLE) {
        http_reply_error(ctx, 503, "database_unavailable", "The database is unavailable; try again soon.", NULL);
        return;
    }
    if (strncmp(r->sqlstate, "PI", 2) == 0) {
        reply_raised(ctx, r);
        return;
    }
    if (strcmp(r->sqlstate, "23505") == 0) {
        http_reply_error(ctx, 409, "conflict", "This conflicts with what exists.", NULL);
        return;
    }
    /* The statement is ours, so anything else is our bug: log the SQLSTATE
     * only (messages may quote data) and answer 500. */
    log_error("db statement failed: sqlstate %s, route %s", r->sqlstate, ctx->log_pattern ? ctx->log_pattern : "-");
    http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
}

void api_reply_db_json(struct req_ctx *ctx, const struct db_result *r, int status)
{
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return;
    }
    if (PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_not_found(ctx);
        return;
    }
    http_reply_json_text(ctx, status, PQgetvalue(r->res, 0, 0), (size_t)PQgetlength(r->res, 0, 0));
}

json_t *api_row_json(struct req_ctx *ctx, const struct db_result *r)
{
    if (r->status != DB_OK) {
        api_reply_db_error(ctx, r);
        return NULL;
    }
    if (PQntuples(r->res) == 0 || PQgetisnull(r->res, 0, 0)) {
        api_reply_not_found(ctx);
        return NULL;
    }
    json_t *v = json_loadb(PQgetvalue(r->res, 0, 0), (size_t)PQgetlength(r->res, 0, 0), 0, NULL);
    if (v == NULL)
        http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
    return v;
}

void api_reply_invalid(struct req_ctx *ctx, const struct invalid *inv)
{
    char message[320];
    enum messages_lang lang = http_messages_lang(ctx);
    const char *phrase = messages_phrase(lang, inv->message);
    /* "adults is required." reads as a sentence in English only. */
    snprintf(message, sizeof(message), phrase == inv->message ? "%s %s." : "%s: %s.", inv->field, phrase);
    http_reply_error(ctx, 422, "invalid", message, inv->field);
}

void api_reply_forbidden(struct req_ctx *ctx)
{
    http_reply_error(ctx, 403, "forbidden", "You may not do this.", NULL);
}

void api_reply_not_found(struct req_ctx *ctx)
{
    http_reply_error(ctx, 404, "not_found", "No such resource.", NULL);
}

static void query_json_done_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    api_reply_db_json(ctx, r, ctx->ok_status);
}

void api_query_json(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params, int status)
{
    ctx->ok_status = status;
    db_pool_query(ctx->srv->pool, sql, nparams, params, query_json_done_cb, ctx);
}

static void query_empty_done_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    if (r->status != DB_OK)
        api_reply_db_error(ctx, r);
    else if (PQntuples(r->res) == 1 && PQnfields(r->res) == 1 && strcmp(PQgetvalue(r->res, 0, 0), "f") == 0)
        api_reply_not_found(ctx);
    else
        http_reply_empty(ctx, 204);
}

void api_query_empty(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params)
{
    db_pool_query(ctx->srv->pool, sql, nparams, params, query_empty_done_cb, ctx);
}

void api_reply_page_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *body = api_row_json(ctx, r);
    if (body == NULL)
        return;
    const char *next = json_string_value(json_object_get(body, "next"));
    if (next != NULL) {
        char *cursor = query_cursor_encode(next);
        json_object_set_new(body, "next_cursor", json_string(cursor));
        free(cursor);
    } else
        json_object_set_new(body, "next_cursor", json_null());
    json_object_del(body, "next");
    http_reply_json(ctx, 200, body);
}
