/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching by path segments. The table is small (tens of routes), so a
 * linear scan is simpler than a trie and costs well under a microsecond. */
#include "router.h"

#include "token.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define FEED_TOKEN_LEN 22

static const struct {
    const char *name;
    enum router_param_type type;
} param_types[] = {
    { "uuid", ROUTER_PARAM_UUID },
    { "slug", ROUTER_PARAM_SLUG },
    { "token", ROUTER_PARAM_TOKEN },
    { "lang", ROUTER_PARAM_LANG },
    { "link", ROUTER_PARAM_LINK },
};

static enum router_param_type type_named(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(param_types) / sizeof(param_types[0]); i++) {
        if (strlen(param_types[i].name) == len && memcmp(param_types[i].name, name, len) == 0)
            return param_types[i].type;
    }
    return ROUTER_PARAM_UNKNOWN;
}

/* The type declared between the braces of "{name}" or "{name:type}". */
static enum router_param_type type_declared(const char *open, const char *close)
{
    const char *name = open + 1, *colon = memchr(name, ':', (size_t)(close - name));
    if (colon != NULL)
        return type_named(colon + 1, (size_t)(close - colon - 1));
    enum router_param_type t = type_named(name, (size_t)(close - name));
    return t == ROUTER_PARAM_SLUG || t == ROUTER_PARAM_TOKEN || t == ROUTER_PARAM_LANG ? t : ROUTER_PARAM_UNTYPED;
}

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
    m->params[m->nparams].type = type_declared(pat, close);
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

static bool feed_token_valid(const char *t, size_t n)
{
    bool ok = n == FEED_TOKEN_LEN;
    for (size_t i = 0; ok && i < n; i++)
        ok = (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
            t[i] == '-' || t[i] == '_';
    return ok;
}

bool router_param_valid(enum router_param_type type, const char *value, size_t len)
{
    switch (type) {
    case ROUTER_PARAM_UNTYPED:
        return true;
    case ROUTER_PARAM_UUID:
        return valid_uuid(value, len);
    case ROUTER_PARAM_SLUG:
        return strlen(value) == len && valid_slug(value);
    case ROUTER_PARAM_TOKEN:
        return feed_token_valid(value, len);
    case ROUTER_PARAM_LINK:
        return strlen(value) == len && token_well_formed(value, len);
    case ROUTER_PARAM_LANG: /* the page languages (web-lang.c has their catalogs) */
        return len == 2 && (memcmp(value, "fi", 2) == 0 || memcmp(value, "sv", 2) == 0 ||
            memcmp(value, "en", 2) == 0);
    case ROUTER_PARAM_UNKNOWN:
        break;
    }
    return false;
}

char *router_pattern_label(const char *pattern)
{
    char *label = xstrdup(pattern), *out = label;
    bool in_braces = false, in_type = false;
    for (const char *p = pattern; *p; p++) {
        if (*p == '{')
            in_braces = true;
        else if (*p == '}')
            in_braces = in_type = false;
        else if (*p == ':' && in_braces)
            in_type = true;
        if (!in_type)
            *out++ = *p;
    }
    *out = '\0';
    return label;
}

int router_pattern_param(const char *pattern, enum router_param_type type)
{
    int i = 0;
    for (const char *open = strchr(pattern, '{'); open != NULL; open = strchr(open + 1, '{'), i++) {
        const char *close = strchr(open, '}');
        if (close == NULL)
            return -1;
        if (type_declared(open, close) == type)
            return i;
    }
    return -1;
}

int router_pattern_typed(const char *pattern)
{
    for (const char *open = strchr(pattern, '{'); open != NULL; open = strchr(open + 1, '{')) {
        const char *close = strchr(open, '}');
        if (close == NULL)
            return -1;
        enum router_param_type t = type_declared(open, close);
        if (t == ROUTER_PARAM_UNTYPED || t == ROUTER_PARAM_UNKNOWN)
            return -1;
    }
    return 0;
}
