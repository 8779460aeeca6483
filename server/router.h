/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching: pure code (no libevent) that maps a method and a path onto
 * a table of patterns such as "/api/v1/orgs/{slug}/members/{person_id:uuid}",
 * and knows the types a path parameter may declare. */
#ifndef PIIRI_ROUTER_H
#define PIIRI_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

enum router_method {
    ROUTER_GET = 1 << 0,
    ROUTER_POST = 1 << 1,
    ROUTER_PUT = 1 << 2,
    ROUTER_PATCH = 1 << 3,
    ROUTER_DELETE = 1 << 4,
};

#define ROUTER_MAX_PARAMS 4

/* What a path parameter must be. "{name:type}" names the type; "{slug}",
 * "{token}" and "{lang}" are their own type; any other "{name}" is untyped (a pattern of
 * the server's table may not have one: route_table_add refuses it). */
enum router_param_type {
    ROUTER_PARAM_UNTYPED,
    ROUTER_PARAM_UUID,   /* a canonical UUID */
    ROUTER_PARAM_SLUG,   /* an organization's slug (valid_slug) */
    ROUTER_PARAM_TOKEN,  /* a feed token: 22 characters of base64url */
    ROUTER_PARAM_LANG,   /* a language of the web client's pages: fi, sv or en */
    ROUTER_PARAM_LINK,   /* a link's token by email: 43 characters of base64url (token.h) */
    ROUTER_PARAM_UNKNOWN, /* "{name:what}" with a type the router does not know */
};

/* One captured path segment: borrowed pointer into the matched path. */
struct router_param {
    const char *start;
    size_t len;
    enum router_param_type type; /* as the pattern declares it */
};

struct router_match {
    int route;           /* index into the table, or -1 */
    unsigned allowed;    /* methods the path allows, when route is -1 */
    int path_route;      /* first entry whose pattern matched the path, or -1 */
    int nparams;
    struct router_param params[ROUTER_MAX_PARAMS];
};

/* A pattern and a method. Segments are literals or "{name}" / "{name:type}"
 * with an optional literal suffix ("{id:uuid}.ics"). Patterns are matched in
 * table order; a parameter's type is not part of matching (a path that is
 * not of the type is still this route's path, so 405 stays 405). */
struct router_entry {
    unsigned method;
    const char *pattern;
};

/* Returns 0 with m->route set, or -1 (m->allowed == 0: unknown path, 404;
 * otherwise the path exists for other methods: 405). */
int router_match(const void *table, size_t count, size_t stride, unsigned method, const char *path,
    size_t path_len, struct router_match *m);

/* "GET, POST" for an Allow header; writes into buf. */
void router_allow_header(unsigned allowed, char *buf, size_t len);

const char *router_method_name(unsigned method);

/* Is the decoded value value[0..len) of this type? UNTYPED takes anything;
 * UNKNOWN nothing. */
bool router_param_valid(enum router_param_type type, const char *value, size_t len);
/* The pattern as logs and metrics name it: the types left out
 * ("/api/v1/groups/{id}"). New string. */
char *router_pattern_label(const char *pattern);
/* The index of the pattern's first parameter of this type, or -1. */
int router_pattern_param(const char *pattern, enum router_param_type type);
/* 0 when every parameter of the pattern has a known type, else -1. */
int router_pattern_typed(const char *pattern) __attribute__((warn_unused_result));

#endif
