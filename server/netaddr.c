/* SPDX-License-Identifier: Apache-2.0 */
/* Client addresses, CIDR lists and X-Forwarded-For behind trusted proxies. */
#include "netaddr.h"

#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void unmap_v4(struct netaddr *a)
{
    if (a->family == AF_INET6 && memcmp(a->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
        memmove(a->bytes, a->bytes + 12, 4);
        memset(a->bytes + 4, 0, 12);
        a->family = AF_INET;
    }
}

int netaddr_parse_n(const char *text, size_t len, struct netaddr *out)
{
    char buf[NETADDR_TEXT_MAX];
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, out->bytes) == 1) {
        out->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, out->bytes) != 1)
        return -1;
    out->family = AF_INET6;
    unmap_v4(out);
    return 0;
}

int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        out->family = AF_INET;
        memcpy(out->bytes, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family != AF_INET6)
        return -1;
    out->family = AF_INET6;
    memcpy(out->bytes, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    unmap_v4(out);
    return 0;
}

int netaddr_parse(const char *text, struct netaddr *out)
{
    return netaddr_parse_n(text, strlen(text), out);
}

void netaddr_format(const struct netaddr *a, char *buf, size_t len)
{
    if (inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
        snprintf(buf, len, "unknown");
}

static size_t addr_len(const struct netaddr *a)
{
    return a->family == AF_INET ? 4 : 16;
}

bool netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

bool netaddr_is_loopback(const struct netaddr *a)
{
    static const uint8_t v6_loopback[16] = { [15] = 1 };
    if (a->family == AF_INET)
        return a->bytes[0] == 127;
    return memcmp(a->bytes, v6_loopback, 16) == 0;
}

static bool prefix_match(const struct netaddr_cidr *c, const struct netaddr *a)
{
    if (c->addr.family != a->family)
        return false;
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp(c->addr.bytes, a->bytes, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (c->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

bool netaddr_cidrs_contain(const struct netaddr_cidrs *list, const struct netaddr *a)
{
    for (size_t i = 0; list != NULL && i < list->n; i++)
        if (prefix_match(&list->items[i], a))
            return true;
    return false;
}

/* One "addr" or "addr/bits" of len bytes. */
static int cidr_parse(const char *s, size_t len, struct netaddr_cidr *out)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    if (netaddr_parse_n(s, alen, &out->addr) != 0)
        return -1;
    int max = out->addr.family == AF_INET ? 32 : 128;
    /* "::ffff:10.0.0.0/104" names IPv4 addresses: count the bits from the IPv4 part. */
    bool mapped = out->addr.family == AF_INET && memchr(s, ':', alen) != NULL;
    out->bits = max;
    if (slash == NULL)
        return 0;
    const char *d = slash + 1, *end = s + len;
    if (d == end || end - d > 3)
        return -1;
    int bits = 0;
    for (; d < end; d++) {
        if (*d < '0' || *d > '9')
            return -1;
        bits = bits * 10 + (*d - '0');
    }
    if (mapped)
        bits -= 96;
    if (bits < 0 || bits > max)
        return -1;
    out->bits = bits;
    return 0;
}

static bool is_separator(char c)
{
    return c == ',' || c == ' ' || c == '\t';
}

int netaddr_cidrs_parse(const char *text, struct netaddr_cidrs *out, char **cause)
{
    out->items = NULL;
    out->n = 0;
    size_t cap = 0;
    const char *s = text;
    while (*s != '\0') {
        while (is_separator(*s))
            s++;
        if (*s == '\0')
            break;
        size_t len = 0;
        while (s[len] != '\0' && !is_separator(s[len]))
            len++;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            out->items = xrealloc(out->items, cap * sizeof(*out->items));
        }
        if (cidr_parse(s, len, &out->items[out->n]) != 0) {
            *cause = xasprintf("%.*s is not an address or address/bits", (int)(len > 60 ? 60 : len), s);
            netaddr_cidrs_free(out);
            return -1;
        }
        out->n++;
        s += len;
    }
    return 0;
}

void netaddr_cidrs_free(struct netaddr_cidrs *list)
{
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

void netaddr_forwarded_client(const struct netaddr *peer, const char *xff, const struct netaddr_cidrs *trusted,
    struct netaddr *client)
{
    *client = *peer;
    if (xff == NULL || !netaddr_cidrs_contain(trusted, peer))
        return;
    const char *end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        while (start > xff && start[-1] != ',')
            start--;
        const char *a = start, *b = end;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        struct netaddr hop;
        if (netaddr_parse_n(a, (size_t)(b - a), &hop) != 0)
            return; /* garbage from an untrusted hop: keep the last trusted one */
        *client = hop;
        if (!netaddr_cidrs_contain(trusted, &hop))
            return;
        end = start > xff ? start - 1 : xff;
    }
}
