/* SPDX-License-Identifier: Apache-2.0 */
/* The request pipeline. Every request the transport hands over goes, in
 * this order and in this module only:
 *   route -> typed path parameters -> body limits and JSON -> principal
 *   -> facts -> authorization -> handler -> reply
 * from what its route declares in the table (as Redis's processCommand()
 * runs every gate from the command table's flags, and tmux resolves a
 * command's declared target before its exec). A handler starts with a
 * request that is known to be well-formed, from a known person, about rows
 * that exist and that this person may act on. */
#ifndef PIIRI_DISPATCH_H
#define PIIRI_DISPATCH_H

#include "authz.h"
#include "facts.h"
#include "http.h"
#include "principal.h"
#include "router.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*route_handler)(struct req_ctx *ctx);

/* Who the route serves, and so what the principal step does. */
enum route_who {
    ROUTE_ANYONE,          /* no credential is read */
    ROUTE_PERSON,          /* a signed-in person (ctx->principal): 401 without */
    ROUTE_PERSON_OPTIONAL, /* anyone; a credential, if sent, must be valid */
    ROUTE_PERSON_IN_SQL,   /* the handler's SQL resolves ctx->token_hash in its
                              own transaction (one round trip): 401 without a
                              well-formed credential, no principal is loaded */
};

enum route_body {
    ROUTE_BODY_NONE,          /* the body is not read */
    ROUTE_BODY_JSON,          /* a JSON object (ctx->body): 400/413/415 otherwise */
    ROUTE_BODY_JSON_OR_EMPTY, /* the same, but no body at all means {} */
    ROUTE_BODY_FORM,          /* an HTML form (form.h) as an object of strings, no
                                 body meaning {}: 400/413/415 otherwise. The pipeline
                                 checks and drops the "csrf" field (dispatch-csrf.h) */
};

/* What a route answers, and so how its errors are written. */
enum route_answers {
    ROUTE_ANSWERS_JSON, /* the API: errors in the JSON error model */
    ROUTE_ANSWERS_HTML, /* a web page: errors are HTML pages too (dispatch_set_html) */
};

/* One endpoint and what it needs before its handler runs. Path parameters
 * are typed in the pattern ("{id:uuid}", "{slug}", "{token}"): a value not
 * of its type is 404 before anything else.
 *
 * facts: the loader whose rows authorization needs (facts.h), or NULL,
 * when the target is the path's {slug} (if any). action: what authz is
 * asked on those facts, or AUTHZ_NONE. check: validates the body and query
 * (into ctx->state) and replies 422 with -1, or NULL. Authorization runs as
 * soon as its facts exist and a request is checked before any round trip
 * is spent on it: with facts from the path, authz then check; with a
 * loader, check, then the load, then authz. */
struct route {
    struct router_entry entry; /* first: the router scans the table */
    route_handler handler;
    enum route_who who;
    enum route_body body;
    const struct facts_loader *facts;
    enum authz_action action;
    int (*check)(struct req_ctx *ctx);
    enum route_answers answers; /* JSON unless the route says HTML */
};

/* ---- the table, built at start-up ---- */

struct route_table;

struct route_table *route_table_new(void);
/* Append routes (copied). Every path parameter must have a known type: a
 * bug otherwise (fatalx). */
void route_table_add(struct route_table *t, const struct route *routes, size_t n);
size_t route_table_size(const struct route_table *t);
const struct route *route_table_get(const struct route_table *t, size_t i);
/* Metric labels of each route and, at index size, of unmatched requests. */
const char *const *route_table_metric_labels(const struct route_table *t);
void route_table_free(struct route_table *t);

/* The server's table for this configuration: the core routes, and the
 * matching module's only when it is on (routes.c). Built on first use,
 * before the workers fork; the same table in every worker. */
const struct route_table *routes_table(bool matching);

/* ---- the dispatcher ---- */

struct dispatch;

/* A dispatcher over table t with principal sources walked in order (both
 * borrowed: they must outlive it). */
struct dispatch *dispatch_new(const struct route_table *t, const struct principal_source *const *sources,
    size_t nsources);
void dispatch_free(struct dispatch *d);

/* How errors of the web pages are answered: on a path that is_page_path
 * says is a page's (/fi/..., not /nope), when the route matched answers HTML
 * or no route matched (/fi/no-such-page), http_reply_error goes to
 * error_reply. Borrowed: it must outlive the dispatcher. Without it every
 * error is JSON. */
struct dispatch_html {
    bool (*is_page_path)(const char *path);
    void (*error_reply)(struct req_ctx *ctx, int status, const char *code, const char *message);
};
void dispatch_set_html(struct dispatch *d, const struct dispatch_html *html);
/* The transport's request callback (http_start); arg is the dispatcher. */
void dispatch_request(struct req_ctx *ctx, void *arg);

#endif
