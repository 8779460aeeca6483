/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching by path segments. The table is small (tens of routes), so a
 * linear scan is simpler than a trie and costs well under a microsecond. */
#include "router.h"

#include <stdio.h>
#include <string.h>

/* Match one pattern segment against one path segment; capture "{...}". */
static int segment_match(const char *pat, size_t plen, const char *seg, size_t slen,
    struct router_match *m)
{
    if (plen == 0 || pat[0] != '{')
        return plen == slen && memcmp(pat, seg, slen) == 0;
    const char *close = memchr(pat, '}', plen);
    if (close == NULL)
        return 0;
    const char *suffix = close + 1;
    size_t suffix_len = plen - (size_t)(suffix - pat);
    if (slen <= suffix_len || memcmp(seg + slen - suffix_len, suffix, suffix_len) != 0)
        return 0;
    if (m->nparams >= ROUTER_MAX_PARAMS)
        return 0;
    m->params[m->nparams].start = seg;
    m->params[m->nparams].len = slen - suffix_len;
    m->nparams++;
    return 1;
}

static int pattern_match(const char *pattern, const char *path, size_t path_len, struct router_match *m)
{
    const char *p = pattern, *s = path, *s_end = path + path_len;
    m->nparams = 0;
    if (*p != '/' || s == s_end || *s != '/')
        return 0;
    while (*p == '/' && s < s_end && *s == '/') {
        p++;
        s++;
        const char *pe = strchr(p, '/');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        const char *se = memchr(s, '/', (size_t)(s_end - s));
        size_t slen = se ? (size_t)(se - s) : (size_t)(s_end - s);
        if (!segment_match(p, plen, s, slen, m))
            return 0;
        p += plen;
        s += slen;
    }
    return *p == '\0' && s == s_end;
}

int router_match(const void *table, size_t count, size_t stride, unsigned method, const char *path,
    size_t path_len, struct router_match *m)
{
    m->route = -1;
    m->allowed = 0;
    m->path_route = -1;
    for (size_t i = 0; i < count; i++) {
        const struct router_entry *e = (const void *)((const char *)table + i * stride);
        struct router_match tmp;
        if (!pattern_match(e->pattern, path, path_len, &tmp))
            continue;
        if (m->path_route < 0)
            m->path_route = (int)i;
        if (e->method == method) {
            int path_route = m->path_route;
            *m = tmp;
            m->route = (int)i;
            m->path_route = path_route;
            m->allowed = 0;
            return 0;
        }
        m->allowed |= e->method;
    }
    return -1;
}

static const struct {
    unsigned method;
    const char *name;
} method_names[] = {
    { ROUTER_GET, "GET" },
    { ROUTER_POST, "POST" },
    { ROUTER_PUT, "PUT" },
    { ROUTER_PATCH, "PATCH" },
    { ROUTER_DELETE, "DELETE" },
};

const char *router_method_name(unsigned method)
{
    for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (method_names[i].method == method)
            return method_names[i].name;
    }
    return "OTHER";
}

void router_allow_header(unsigned allowed, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (!(allowed & method_names[i].method))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", method_names[i].name);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
}
