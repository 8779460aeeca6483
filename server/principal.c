/* SPDX-License-Identifier: Apache-2.0 */
/* Bearer-token authentication: hash the token, look it up with the person's
 * memberships in one query, and hand over to the route's handler. */
#include "principal.h"

#include "db.h"
#include "http.h"
#include "token.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char sql_principal[] =
    "SELECT p.id, p.is_admin, m.org_id, o.slug, m.role"
    " FROM auth_tokens t JOIN persons p ON p.id = t.person_id"
    " LEFT JOIN memberships m ON m.person_id = p.id"
    " LEFT JOIN organizations o ON o.id = m.org_id"
    " WHERE t.token_hash = $1 AND t.expires_at > now()";

static void reply_unauthorized(struct req_ctx *ctx)
{
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "WWW-Authenticate", "Bearer");
    http_reply_error(ctx, 401, "unauthorized", "Sign in: send Authorization: Bearer TOKEN.", NULL);
}

static struct principal *principal_from_rows(PGresult *res, const char *token_hash)
{
    struct principal *p = xcalloc(1, sizeof(*p));
    int n = PQntuples(res);
    snprintf(p->person_id, sizeof(p->person_id), "%s", PQgetvalue(res, 0, 0));
    p->is_admin = PQgetvalue(res, 0, 1)[0] == 't';
    snprintf(p->token_hash, sizeof(p->token_hash), "%s", token_hash);
    p->memberships = xcalloc((size_t)n, sizeof(*p->memberships));
    for (int i = 0; i < n; i++) {
        if (PQgetisnull(res, i, 2))
            continue;
        struct membership *m = &p->memberships[p->nmemberships++];
        snprintf(m->org_id, sizeof(m->org_id), "%s", PQgetvalue(res, i, 2));
        snprintf(m->slug, sizeof(m->slug), "%s", PQgetvalue(res, i, 3));
        m->role = role_from_name(PQgetvalue(res, i, 4));
    }
    return p;
}

struct auth_state {
    struct req_ctx *ctx;
    char token_hash[TOKEN_HASH_PARAM_LEN + 1];
};

static void principal_loaded_cb(const struct db_result *r, void *arg)
{
    struct auth_state *st = arg;
    struct req_ctx *ctx = st->ctx;

    if (r->status != DB_OK) {
        free(st);
        if (r->status == DB_UNAVAILABLE)
            http_reply_error(ctx, 503, "database_unavailable", "The database is unavailable; try again soon.",
                NULL);
        else
            http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
        return;
    }
    if (PQntuples(r->res) == 0) {
        free(st);
        reply_unauthorized(ctx);
        return;
    }
    ctx->principal = principal_from_rows(r->res, st->token_hash);
    free(st);
    http_run_handler(ctx);
}

int principal_token_param(struct req_ctx *ctx, char out[67])
{
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Authorization");
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
        reply_unauthorized(ctx);
        return -1;
    }
    const char *token = auth + 7;
    while (*token == ' ')
        token++;
    size_t len = strlen(token);
    while (len > 0 && token[len - 1] == ' ')
        len--;
    if (!token_well_formed(token, len)) {
        reply_unauthorized(ctx);
        return -1;
    }
    token_hash_param(token, len, out);
    return 0;
}

void principal_authenticate(struct req_ctx *ctx, bool optional)
{
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Authorization");
    if (auth == NULL && optional) {
        http_run_handler(ctx);
        return;
    }
    struct auth_state *st = xcalloc(1, sizeof(*st));
    st->ctx = ctx;
    if (principal_token_param(ctx, st->token_hash) != 0) {
        free(st);
        return;
    }
    const char *params[] = { st->token_hash };
    db_pool_query(ctx->srv->pool, sql_principal, 1, params, principal_loaded_cb, st);
}

void principal_free(struct principal *p)
{
    free(p->memberships);
    free(p);
}
