/* SPDX-License-Identifier: Apache-2.0 */
/* Client addresses: parsing, CIDR lists (PIIRI_TRUSTED_PROXIES) and the
 * address a request comes from behind trusted proxies (X-Forwarded-For).
 * Pure functions: no sockets, no libevent. */
#ifndef PIIRI_NETADDR_H
#define PIIRI_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/* An IPv4 or IPv6 address; IPv4-mapped IPv6 (::ffff:a.b.c.d) is stored as IPv4,
 * so one client has one form whichever socket family it came in on. */
struct netaddr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t bytes[16];
};

struct netaddr_cidr {
    struct netaddr addr;
    int bits;
};

struct netaddr_cidrs {
    struct netaddr_cidr *items;
    size_t n;
};

/* Parse a textual address ("192.0.2.1", "2001:db8::1"); -1 if it is not one. */
int netaddr_parse(const char *text, struct netaddr *out) __attribute__((warn_unused_result));
/* Parse len bytes of text (need not be NUL-terminated). */
int netaddr_parse_n(const char *text, size_t len, struct netaddr *out) __attribute__((warn_unused_result));
struct sockaddr;
/* The address of a socket peer (AF_INET or AF_INET6); -1 for other families. */
int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out) __attribute__((warn_unused_result));
/* The canonical text of an address into buf (at least NETADDR_TEXT_MAX bytes). */
void netaddr_format(const struct netaddr *a, char *buf, size_t len);
bool netaddr_equal(const struct netaddr *a, const struct netaddr *b);
bool netaddr_is_loopback(const struct netaddr *a);

/* "10.0.0.0/8, 192.0.2.7, ::1/128" (commas and/or spaces; a bare address is
 * a /32 or /128). An empty text is an empty list. -1 and *cause (new) on error. */
int netaddr_cidrs_parse(const char *text, struct netaddr_cidrs *out, char **cause)
    __attribute__((warn_unused_result));
void netaddr_cidrs_free(struct netaddr_cidrs *list);
bool netaddr_cidrs_contain(const struct netaddr_cidrs *list, const struct netaddr *a);

/* The client of a request that arrived from peer with the X-Forwarded-For
 * value xff (may be NULL). Only a trusted peer's header is believed; the
 * list is read from the right, skipping trusted proxies, and the first
 * address that is not one is the client. A malformed entry stops the walk:
 * the last address known good (the nearest proxy) is the answer then. */
void netaddr_forwarded_client(const struct netaddr *peer, const char *xff, const struct netaddr_cidrs *trusted,
    struct netaddr *client);

#endif
