/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP layer: evhttp set-up with explicit limits, the request context,
 * dispatch through the route table, and the only functions that reply. */
#ifndef PIIRI_HTTP_H
#define PIIRI_HTTP_H

#include "router.h"
#include "server.h"

#include <event2/http.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_HEADERS (16 * 1024)

struct req_ctx;
struct principal;

typedef void (*route_handler)(struct req_ctx *ctx);

enum route_flags {
    ROUTE_AUTH = 1 << 0,  /* needs a signed-in person: 401 without */
    ROUTE_BODY = 1 << 1,  /* needs a JSON object body: 400/413/415 otherwise */
    ROUTE_AUTH_OPTIONAL = 1 << 2, /* anyone; a token, if sent, must be valid */
    ROUTE_BODY_OPTIONAL = 1 << 3, /* like ROUTE_BODY, but no body means {} */
    ROUTE_MATCHING = 1 << 4, /* the matching module: 404 like an unknown route when it is off */
};

struct route {
    struct router_entry entry; /* first: the router scans the table */
    route_handler handler;
    unsigned flags;
};

/* The request context: one per request, owns what the request allocates,
 * freed exactly once by the reply. Handlers must not touch it after replying. */
struct req_ctx {
    struct evhttp_request *req;
    struct server *srv;
    int route;                          /* index into routes[], -1 when unmatched */
    const char *log_pattern;            /* route pattern for the log line */
    char *params[ROUTER_MAX_PARAMS];    /* decoded path parameters */
    json_t *body;                       /* ROUTE_BODY: the parsed object */
    struct principal *principal;        /* ROUTE_AUTH: who is asking */
    char request_id[48];
    char client_addr[64];
    uint64_t started_ns;
    bool close_connection;              /* the reply closes the connection */
    int ok_status;                      /* api_query_json: status on success */
    struct evkeyvalq *query;            /* parsed query string, on first use */
    void *state;                        /* handler state, freed with state_free */
    void (*state_free)(void *state);
};

/* Routes: defined in routes.c. */
extern const struct route routes[];
extern const size_t nroutes;
/* Metric labels for routes[i] and, at nroutes, unmatched requests. */
extern const char *const *route_metric_labels;
void routes_init_labels(void);

/* Before the workers start: is the port free? SO_REUSEPORT would otherwise
 * let a second piirid silently share it with the first. */
int http_check_port_free(const struct config *cfg, char **cause) __attribute__((warn_unused_result));
/* Start serving on srv->base: bind, limits, connection cap. -1 on failure. */
int http_start(struct server *srv, char **cause) __attribute__((warn_unused_result));
/* Stop accepting connections (keep serving those open). */
void http_stop_accepting(struct server *srv);
void http_free(struct server *srv);

/* Replies. Each frees ctx. */
void http_reply_json(struct req_ctx *ctx, int status, json_t *body /* stolen */);
/* body_json: a JSON text produced elsewhere (the database), sent as is. */
void http_reply_json_text(struct req_ctx *ctx, int status, const char *body_json, size_t len);
void http_reply_error(struct req_ctx *ctx, int status, const char *code, const char *message,
    const char *field /* may be NULL */);
void http_reply_empty(struct req_ctx *ctx, int status);
void http_reply_text(struct req_ctx *ctx, int status, const char *content_type, struct evbuffer *body);

/* Query-string parameter (decoded, borrowed until the reply) or NULL. */
const char *http_query_param(struct req_ctx *ctx, const char *name);
/* Continue with the route's handler (used after authentication). */
void http_run_handler(struct req_ctx *ctx);

#endif
