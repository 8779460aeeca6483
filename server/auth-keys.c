/* SPDX-License-Identifier: Apache-2.0 */
/* Throttle keys: what is counted, hashed. */
#include "auth-keys.h"

#include "util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void auth_client(const char *addr, char out[AUTH_CLIENT_LEN])
{
    struct in6_addr a6;
    if (inet_pton(AF_INET6, addr, &a6) == 1) {
        char text[INET6_ADDRSTRLEN];
        if (IN6_IS_ADDR_V4MAPPED(&a6) && inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof(text)) != NULL) {
            snprintf(out, AUTH_CLIENT_LEN, "%s", text);
            return;
        }
        memset(&a6.s6_addr[8], 0, 8);
        if (inet_ntop(AF_INET6, &a6, text, sizeof(text)) != NULL) {
            snprintf(out, AUTH_CLIENT_LEN, "%s/64", text);
            return;
        }
    }
    snprintf(out, AUTH_CLIENT_LEN, "%s", addr);
}

void auth_keys_derive(const char *scope, const char *email_key, const char *addr, struct auth_keys *out)
{
    char client[AUTH_CLIENT_LEN], kind[32];
    auth_client(addr, client);
    /* The pair's value cannot be confused with another pair's: a folded
     * email holds no newline. */
    char *pair = xasprintf("%s\n%s", email_key, client);
    /* "login" keeps the kinds of earlier versions ("email", "addr"), so
     * failures counted before an upgrade still count. */
    const char *prefix = strcmp(scope, "login") == 0 ? "" : scope;
    const char *dash = *prefix ? "-" : "";
    snprintf(kind, sizeof(kind), "%s%semail", prefix, dash);
    token_key_hash_param(kind, email_key, out->email);
    snprintf(kind, sizeof(kind), "%s%saddr", prefix, dash);
    token_key_hash_param(kind, client, out->addr);
    snprintf(kind, sizeof(kind), "%s%spair", prefix, dash);
    token_key_hash_param(kind, pair, out->pair);
    free(pair);
}
