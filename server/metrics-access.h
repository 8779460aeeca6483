/* SPDX-License-Identifier: Apache-2.0 */
/* Who may scrape /metrics: clients on the loopback interface, and anyone
 * presenting the configured bearer token (PIIRI_METRICS_TOKEN). Pure
 * decisions over the client address and the Authorization header. */
#ifndef PIIRI_METRICS_ACCESS_H
#define PIIRI_METRICS_ACCESS_H

#include <stdbool.h>

enum metrics_access {
    METRICS_ACCESS_ALLOWED,
    METRICS_ACCESS_UNAUTHORIZED, /* a token is configured; it was not sent, or not this one */
    METRICS_ACCESS_FORBIDDEN,    /* not loopback, and no token is configured */
};

/* A numeric address in 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
bool metrics_access_is_loopback(const char *addr);
/* client_addr: the client's numeric address (after trusted proxies);
 * authorization: the Authorization header or NULL; token: the configured
 * token or NULL. Tokens are compared in constant time. */
enum metrics_access metrics_access_check(const char *client_addr, const char *authorization, const char *token);

#endif
