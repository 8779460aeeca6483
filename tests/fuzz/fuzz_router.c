/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for router.c with the server's own route table: the first
 * byte picks the method and the Allow buffer's size, the rest is the path.
 * A match names a route of that method whose pattern has as many {params}
 * as were captured, each a non-empty piece of one path segment; a miss
 * allows only methods some route has for that path; the Allow text fits
 * the buffer it is given, whatever its size. */
#include "dispatch.h"
#include "router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static size_t braces(const char *pattern)
{
    size_t n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '{';
    return n;
}

static void check_params(const struct route_table *t, const struct router_match *m, const char *path, size_t len)
{
    check((size_t)m->nparams == braces(route_table_get(t, (size_t)m->route)->entry.pattern));
    for (int i = 0; i < m->nparams; i++) {
        const struct router_param *p = &m->params[i];
        check(p->start > path && p->start + p->len <= path + len && p->len > 0);
        check(p->start[-1] == '/' && memchr(p->start, '/', p->len) == NULL);
    }
}

static void check_allow(unsigned allowed, size_t cap)
{
    char *buf = malloc(cap);
    if (buf == NULL)
        abort();
    router_allow_header(allowed, buf, cap);
    check(memchr(buf, '\0', cap) != NULL);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned methods[] = { ROUTER_GET, ROUTER_POST, ROUTER_PUT, ROUTER_PATCH, ROUTER_DELETE };
    if (size < 1)
        return 0;
    unsigned method = methods[data[0] % 5];
    size_t cap = 1 + data[0] / 5 % 48;
    /* The path as evhttp gives it: a copy of its own, no terminator after it. */
    size_t len = size - 1;
    char *path = malloc(len ? len : 1);
    if (path == NULL)
        abort();
    memcpy(path, data + 1, len);
    struct router_match m;
    const struct route_table *t = routes_table(true);
    size_t n = route_table_size(t);
    int rc = router_match(route_table_get(t, 0), n, sizeof(struct route), method, path, len, &m);
    if (rc == 0) {
        check(m.route >= 0 && (size_t)m.route < n && route_table_get(t, (size_t)m.route)->entry.method == method);
        check(m.path_route >= 0 && m.path_route <= m.route);
        check_params(t, &m, path, len);
    } else {
        check(m.route == -1 && (m.allowed & method) == 0);
        check((m.allowed == 0) == (m.path_route < 0));
    }
    check_allow(m.allowed | (unsigned)data[0], cap);
    free(path);
    return 0;
}
