/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP transport: evhttp set-up with explicit limits, framing checks,
 * the request context, query parameters and the only functions that
 * reply. What a request means (routes, principals, authorization) is the
 * request callback's business (dispatch.c registers it). */
#ifndef PIIRI_HTTP_H
#define PIIRI_HTTP_H

#include "messages.h"
#include "router.h"
#include "server.h"

#include <event2/http.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_HEADERS (16 * 1024)

struct route;
struct principal;
struct facts;

/* The request context: one per request, owns what the request allocates,
 * freed exactly once by the reply. Handlers must not touch it after replying. */
struct req_ctx {
    /* The transport's. */
    struct evhttp_request *req;
    struct server *srv;
    unsigned method;                    /* a ROUTER_* bit (HEAD as GET), 0 for other methods */
    int route;                          /* metrics slot of the route, -1 when unmatched */
    const char *log_pattern;            /* route pattern for the log line (borrowed) */
    char request_id[48];
    char client_addr[64];
    uint64_t started_ns;
    bool close_connection;              /* the reply closes the connection */
    struct evkeyvalq *query;            /* parsed query string, on first use */
    /* Called once when the context is freed, to free what the request
     * callback attached below. */
    void (*release)(struct req_ctx *ctx);
    /* When set, http_reply_error hands the error to it instead of writing
     * JSON (the web pages answer errors as HTML pages); it must reply. */
    void (*error_reply)(struct req_ctx *ctx, int status, const char *code, const char *message);

    /* The pipeline's (dispatch.c), for handlers to read. */
    const struct route *def;            /* the matched route */
    char *params[ROUTER_MAX_PARAMS];    /* decoded path parameters, of their declared types */
    json_t *body;                       /* the parsed object, when the route takes a body */
    struct principal *principal;        /* who is asking, when the route loads one */
    char token_hash[67];                /* the credential's hash, when one was sent */
    char csrf[44];                      /* the CSRF token forms must carry, when the
                                           credential is the session cookie; else "" */
    struct facts *facts;                /* what the route's facts loader found */
    int ok_status;                      /* api_query_json: status on success */
    char *page_key;                     /* a signed-out page to keep once rendered (web-render.c) */
    uint64_t page_generation;           /* the page cache's generation when its render began */
    void *state;                        /* handler state, freed with state_free */
    void (*state_free)(void *state);
};

/* Called for every request that passed the transport's checks (version,
 * framing); it must see that exactly one reply is sent. */
typedef void (*http_request_cb)(struct req_ctx *ctx, void *arg);

/* Before the workers start: is the port free? SO_REUSEPORT would otherwise
 * let a second piirid silently share it with the first. */
int http_check_port_free(const struct config *cfg, char **cause) __attribute__((warn_unused_result));
/* Start serving on srv->base: bind, limits, connection cap; every request
 * goes to cb. -1 on failure. */
int http_start(struct server *srv, http_request_cb cb, void *arg, char **cause) __attribute__((warn_unused_result));
/* Stop accepting connections (keep serving those open). */
void http_stop_accepting(struct server *srv);
void http_free(struct server *srv);

/* Replies. Each frees ctx. */
void http_reply_json(struct req_ctx *ctx, int status, json_t *body /* stolen */);
/* body_json: a JSON text produced elsewhere (the database), sent as is. */
void http_reply_json_text(struct req_ctx *ctx, int status, const char *body_json, size_t len);
/* message is in English; the reply has it in the request's Accept-Language
 * where messages.h has a translation. */
void http_reply_error(struct req_ctx *ctx, int status, const char *code, const char *message,
    const char *field /* may be NULL */);
/* The language of the request's error messages. */
enum messages_lang http_messages_lang(struct req_ctx *ctx);
void http_reply_empty(struct req_ctx *ctx, int status);
void http_reply_text(struct req_ctx *ctx, int status, const char *content_type, struct evbuffer *body);

/* Query-string parameter (decoded, borrowed until the reply) or NULL. */
const char *http_query_param(struct req_ctx *ctx, const char *name);

#endif
