/* SPDX-License-Identifier: Apache-2.0 */
/* The /metrics access rule. Behind a reverse proxy the client address is
 * the one the trusted proxy reports, so an outside client that comes
 * through a proxy on this host is not taken for loopback. */
#include "metrics-access.h"

#include "netaddr.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

bool metrics_access_is_loopback(const char *addr)
{
    struct netaddr a;
    return netaddr_parse(addr, &a) == 0 && netaddr_is_loopback(&a);
}

/* Equal, in time that depends on neither text: both are hashed first, so
 * not even the length of the configured token shows. */
static bool same_secret(const char *a, size_t alen, const char *b)
{
    unsigned char ha[crypto_generichash_BYTES], hb[crypto_generichash_BYTES];
    crypto_generichash(ha, sizeof(ha), (const unsigned char *)a, alen, NULL, 0);
    crypto_generichash(hb, sizeof(hb), (const unsigned char *)b, strlen(b), NULL, 0);
    return sodium_memcmp(ha, hb, sizeof(ha)) == 0;
}

/* The credentials of "Bearer TOKEN" (spaces around it dropped) or NULL. */
static const char *bearer(const char *authorization, size_t *len)
{
    if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    const char *s = authorization + 7;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    *len = n;
    return n > 0 ? s : NULL;
}

enum metrics_access metrics_access_check(const char *client_addr, const char *authorization, const char *token)
{
    size_t len = 0;
    if (metrics_access_is_loopback(client_addr))
        return METRICS_ACCESS_ALLOWED;
    if (token == NULL)
        return METRICS_ACCESS_FORBIDDEN;
    const char *sent = bearer(authorization, &len);
    if (sent != NULL && same_secret(sent, len, token))
        return METRICS_ACCESS_ALLOWED;
    return METRICS_ACCESS_UNAUTHORIZED;
}
