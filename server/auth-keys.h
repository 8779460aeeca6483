/* SPDX-License-Identifier: Apache-2.0 */
/* The keys that login and registration throttles count under, as bytea
 * parameters: SHA-256 of a kind and a value, so PostgreSQL stores no
 * address and no email. The email is the folded key (email.h), the client
 * address its text, an IPv6 address cut to its /64 (one host usually holds
 * many addresses of its /64, but rarely more than one /64). */
#ifndef PIIRI_AUTH_KEYS_H
#define PIIRI_AUTH_KEYS_H

#include "token.h"

#include <stddef.h>

#define AUTH_CLIENT_LEN 64

struct auth_keys {
    char email[TOKEN_HASH_PARAM_LEN + 1]; /* the account, whoever asks */
    char addr[TOKEN_HASH_PARAM_LEN + 1];  /* the client address, whatever account */
    char pair[TOKEN_HASH_PARAM_LEN + 1];  /* this account from this address */
};

/* The client as the throttles see it: addr itself, or "2001:db8:1:2::/64"
 * for IPv6 (IPv4-mapped IPv6 addresses are IPv4). */
void auth_client(const char *addr, char out[AUTH_CLIENT_LEN]);
/* Keys of scope ("login" or "register": their counts are separate) for the
 * folded email and the client address. */
void auth_keys_derive(const char *scope, const char *email_key, const char *addr, struct auth_keys *out);

#endif
