/* SPDX-License-Identifier: Apache-2.0 */
/* Token generation and hashing with libsodium. A token has 256 bits of
 * entropy, so a fast unsalted hash is enough to make a stolen table useless. */
#include "token.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

void token_generate(char out[TOKEN_TEXT_LEN + 1])
{
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

bool token_well_formed(const char *s, size_t len)
{
    if (len != TOKEN_TEXT_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return false;
    }
    return true;
}

static void hash_param(const unsigned char *data, size_t len, char out[TOKEN_HASH_PARAM_LEN + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, len);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, TOKEN_HASH_PARAM_LEN - 1, digest, sizeof(digest));
}

void token_hash_param(const char *token, size_t len, char out[TOKEN_HASH_PARAM_LEN + 1])
{
    hash_param((const unsigned char *)token, len, out);
}

void token_key_hash_param(const char *kind, const char *value, char out[TOKEN_HASH_PARAM_LEN + 1])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)kind, strlen(kind));
    crypto_hash_sha256_update(&st, (const unsigned char *)":", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)value, strlen(value));
    crypto_hash_sha256_final(&st, digest);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, TOKEN_HASH_PARAM_LEN - 1, digest, sizeof(digest));
}

void token_csrf(const char *token, size_t len, char out[TOKEN_TEXT_LEN + 1])
{
    static const char purpose[] = "piiri csrf v1";
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)token, len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose, sizeof(purpose) - 1);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(mac, sizeof(mac));
}

bool token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
