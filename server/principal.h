/* SPDX-License-Identifier: Apache-2.0 */
/* Who is asking: where a request carries its credential (the principal
 * sources: a Bearer token, the web session cookie), and the person behind
 * it with their site role and memberships, loaded in one query. Knows nothing of HTTP replies:
 * the dispatcher walks the sources and answers 401 or 503 itself. */
#ifndef PIIRI_PRINCIPAL_H
#define PIIRI_PRINCIPAL_H

#include <stdbool.h>
#include <stddef.h>

struct db_pool;
struct evkeyvalq;

enum org_role { ROLE_NONE = 0, ROLE_MEMBER, ROLE_LEADER, ROLE_COORDINATOR };

struct membership {
    char org_id[37];
    char slug[64];
    enum org_role role;
};

struct principal {
    char person_id[37];
    bool is_admin;
    char token_hash[67];          /* bytea parameter of the token in use */
    int nmemberships;
    struct membership *memberships;
};

/* Role name to enum; ROLE_NONE for an unknown name. */
enum org_role role_from_name(const char *name);
const char *role_name(enum org_role role);
/* The principal's role in the org with this slug, ROLE_NONE if not a member. */
enum org_role principal_role_in(const struct principal *p, const char *slug);
void principal_free(struct principal *p);

/* ---- principal sources ---- */

enum principal_credential {
    PRINCIPAL_ABSENT,     /* this source's credential is not in the request */
    PRINCIPAL_MALFORMED,  /* it is there but unusable: 401 */
    PRINCIPAL_PRESENT,    /* *token, *len: the credential (borrowed from the headers) */
};

enum principal_outcome {
    PRINCIPAL_LOADED,      /* p: the person (new, the callee owns it) */
    PRINCIPAL_UNKNOWN,     /* no live token with that hash: 401 */
    PRINCIPAL_UNAVAILABLE, /* the database cannot answer now: 503 */
    PRINCIPAL_FAILED,      /* the statement failed: our bug, 500 */
};

typedef void (*principal_loaded_cb)(enum principal_outcome outcome, struct principal *p, void *arg);

/* Where a credential comes from and how the person behind it is loaded.
 * The dispatcher walks the route's sources in order: the first that finds
 * its credential decides. The credential must be a well-formed token
 * (token.h); its hash is what load looks up and what handlers that resolve
 * the person in their own SQL are given. */
struct principal_source {
    const char *name;
    enum principal_credential (*find)(const struct evkeyvalq *headers, const char **token, size_t *len);
    void (*load)(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg);
    /* A browser sends this credential by itself, also on requests another
     * site makes it send: the dispatcher asks such a request that changes
     * something for its CSRF token, and treats a stale one on a route for
     * anyone as no credential. */
    bool ambient;
};

/* Authorization: Bearer TOKEN, looked up in auth_tokens. */
extern const struct principal_source principal_bearer;
/* The web session cookie, looked up in web_sessions: "piiri_session", or
 * "__Host-piiri_session" when the public URL is https (the browser then
 * takes it only from this host, over https, for Path=/). */
#define PRINCIPAL_COOKIE "piiri_session"
#define PRINCIPAL_COOKIE_HOST "__Host-piiri_session"
extern const struct principal_source principal_cookie;
extern const struct principal_source principal_cookie_host;
/* The sources of the real server, in order: Bearer first, so that a
 * request with a token is never asked for a CSRF token. */
extern const struct principal_source *const principal_sources[];
extern const size_t principal_nsources;
extern const struct principal_source *const principal_sources_https[];
extern const size_t principal_nsources_https;
/* The name of the session cookie a server with this public URL sets. */
const char *principal_cookie_name(const char *public_url);
/* The value of cookie name in a Cookie header (borrowed), or NULL. */
const char *principal_cookie_value(const char *header, const char *name, size_t *len);

/* Load the person behind a token hash (from auth_tokens, with their
 * memberships) and call cb exactly once, from the loop. */
void principal_load_token(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg);
/* The same from web_sessions. */
void principal_load_web_session(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg);

#endif
