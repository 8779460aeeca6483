/* SPDX-License-Identifier: Apache-2.0 */
/* The principal sources and the principal's one query: find the token a
 * request carries, look its hash up with the person's memberships, and hand
 * the result to the caller's callback. */
#include "principal.h"

#include "db.h"
#include "util.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SQL_PRINCIPAL(table) \
    "SELECT p.id, p.is_admin, m.org_id, o.slug, m.role" \
    " FROM " table " t JOIN persons p ON p.id = t.person_id" \
    " LEFT JOIN memberships m ON m.person_id = p.id" \
    " LEFT JOIN organizations o ON o.id = m.org_id" \
    " WHERE t.token_hash = $1 AND t.expires_at > now()"

static const char sql_principal[] = SQL_PRINCIPAL("auth_tokens");
static const char sql_web_principal[] = SQL_PRINCIPAL("web_sessions");

/* ---- Authorization: Bearer TOKEN ---- */

static enum principal_credential bearer_find(const struct evkeyvalq *headers, const char **token, size_t *len)
{
    const char *auth = evhttp_find_header(headers, "Authorization");
    if (auth == NULL)
        return PRINCIPAL_ABSENT;
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return PRINCIPAL_MALFORMED;
    const char *t = auth + 7;
    while (*t == ' ')
        t++;
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == ' ')
        n--;
    *token = t;
    *len = n;
    return PRINCIPAL_PRESENT;
}

const struct principal_source principal_bearer = { "bearer", bearer_find, principal_load_token, false };

/* ---- Cookie: piiri_session=TOKEN ---- */

const char *principal_cookie_value(const char *header, const char *name, size_t *len)
{
    size_t n = strlen(name);
    const char *c = header;
    while (c != NULL && *c != '\0') {
        while (*c == ' ' || *c == ';')
            c++;
        size_t pair = strcspn(c, ";");
        if (pair > n && strncmp(c, name, n) == 0 && c[n] == '=') {
            const char *v = c + n + 1;
            *len = pair - n - 1;
            while (*len > 0 && v[*len - 1] == ' ')
                (*len)--;
            return v;
        }
        c += pair;
    }
    return NULL;
}

static enum principal_credential cookie_find_named(const struct evkeyvalq *headers, const char *name,
    const char **token, size_t *len)
{
    const char *v = principal_cookie_value(evhttp_find_header(headers, "Cookie"), name, len);
    if (v == NULL)
        return PRINCIPAL_ABSENT;
    *token = v;
    return PRINCIPAL_PRESENT;
}

static enum principal_credential cookie_find(const struct evkeyvalq *headers, const char **token, size_t *len)
{
    return cookie_find_named(headers, PRINCIPAL_COOKIE, token, len);
}

static enum principal_credential cookie_host_find(const struct evkeyvalq *headers, const char **token,
    size_t *len)
{
    return cookie_find_named(headers, PRINCIPAL_COOKIE_HOST, token, len);
}

const struct principal_source principal_cookie = { "cookie", cookie_find, principal_load_web_session, true };
const struct principal_source principal_cookie_host = { "cookie", cookie_host_find, principal_load_web_session,
    true };

const char *principal_cookie_name(const char *public_url)
{
    return strncasecmp(public_url, "https://", 8) == 0 ? PRINCIPAL_COOKIE_HOST : PRINCIPAL_COOKIE;
}

const struct principal_source *const principal_sources[] = { &principal_bearer, &principal_cookie };
const size_t principal_nsources = ARRAY_LEN(principal_sources);
const struct principal_source *const principal_sources_https[] = { &principal_bearer, &principal_cookie_host };
const size_t principal_nsources_https = ARRAY_LEN(principal_sources_https);

/* ---- the person behind a token ---- */

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

struct load_state {
    principal_loaded_cb cb;
    void *arg;
    char token_hash[67];
};

static void loaded_cb(const struct db_result *r, void *arg)
{
    struct load_state st = *(struct load_state *)arg;
    free(arg);
    if (r->status == DB_UNAVAILABLE)
        st.cb(PRINCIPAL_UNAVAILABLE, NULL, st.arg);
    else if (r->status != DB_OK)
        st.cb(PRINCIPAL_FAILED, NULL, st.arg);
    else if (PQntuples(r->res) == 0)
        st.cb(PRINCIPAL_UNKNOWN, NULL, st.arg);
    else
        st.cb(PRINCIPAL_LOADED, principal_from_rows(r->res, st.token_hash), st.arg);
}

static void load(struct db_pool *pool, const char *sql, const char *token_hash, principal_loaded_cb cb, void *arg)
{
    struct load_state *st = xcalloc(1, sizeof(*st));
    st->cb = cb;
    st->arg = arg;
    snprintf(st->token_hash, sizeof(st->token_hash), "%s", token_hash);
    const char *params[] = { st->token_hash };
    db_pool_query(pool, sql, 1, params, loaded_cb, st);
}

void principal_load_token(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg)
{
    load(pool, sql_principal, token_hash, cb, arg);
}

void principal_load_web_session(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg)
{
    load(pool, sql_web_principal, token_hash, cb, arg);
}

void principal_free(struct principal *p)
{
    if (p == NULL)
        return;
    free(p->memberships);
    free(p);
}
