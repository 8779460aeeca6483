/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching: pure code (no libevent) that maps a method and a path onto
 * a table of patterns such as "/api/v1/orgs/{slug}/members/{person_id}". */
#ifndef PIIRI_ROUTER_H
#define PIIRI_ROUTER_H

#include <stddef.h>

enum router_method {
    ROUTER_GET = 1 << 0,
    ROUTER_POST = 1 << 1,
    ROUTER_PUT = 1 << 2,
    ROUTER_PATCH = 1 << 3,
    ROUTER_DELETE = 1 << 4,
};

#define ROUTER_MAX_PARAMS 4

/* One captured path segment: borrowed pointer into the matched path. */
struct router_param {
    const char *start;
    size_t len;
};

struct router_match {
    int route;           /* index into the table, or -1 */
    unsigned allowed;    /* methods the path allows, when route is -1 */
    int path_route;      /* first entry whose pattern matched the path, or -1 */
    int nparams;
    struct router_param params[ROUTER_MAX_PARAMS];
};

/* A pattern and a method. Segments are literals or "{name}" with an optional
 * literal suffix ("{id}.ics"). Patterns are matched in table order. */
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

#endif
