/* SPDX-License-Identifier: Apache-2.0 */
/* Bearer tokens: 256 random bits in URL-safe base64, stored only as a
 * SHA-256 hash. Also the keyed hashes used to count failed logins. */
#ifndef PIIRI_TOKEN_H
#define PIIRI_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_TEXT_LEN 43                 /* base64url of 32 bytes, no padding */
#define TOKEN_HASH_PARAM_LEN (2 + 64)     /* "\x" + hex, a bytea parameter */

/* Fill out[TOKEN_TEXT_LEN + 1] with a new random token. */
void token_generate(char out[TOKEN_TEXT_LEN + 1]);
/* Does s look like one of our tokens (length and alphabet)? */
bool token_well_formed(const char *s, size_t len);
/* Hash of a token as a bytea text parameter "\x<64 hex>". */
void token_hash_param(const char *token, size_t len, char out[TOKEN_HASH_PARAM_LEN + 1]);
/* Hash of a rate-limit key ("email:x@y", "addr:1.2.3.4") as a bytea parameter. */
void token_key_hash_param(const char *kind, const char *value, char out[TOKEN_HASH_PARAM_LEN + 1]);

/* The CSRF token of a web session: an HMAC keyed by the session cookie's
 * value, so that only who can read the cookie can compute it, nothing is
 * stored for it, and it tells nothing of the cookie (token.c). */
void token_csrf(const char *token, size_t len, char out[TOKEN_TEXT_LEN + 1]);
/* Equal strings, in time that does not depend on where they differ. */
bool token_equal(const char *a, const char *b);

#endif
