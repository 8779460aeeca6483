/* SPDX-License-Identifier: Apache-2.0 */
/* argon2id jobs for the background thread. */
#include "hasher.h"

#include "log.h"
#include "util.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct hasher_job {
    bool verify;
    char *password;
    char *hash;     /* verify: the stored hash; hash: the result */
    int ok;
    hasher_done_cb cb;
    void *arg;
};

/* A real hash of a random password: verifying against it costs the same. */
static char dummy_hash[crypto_pwhash_STRBYTES];

void hasher_init(void)
{
    char random_pw[33];
    randombytes_buf(random_pw, 32);
    for (int i = 0; i < 32; i++)
        random_pw[i] = (char)('a' + (unsigned char)random_pw[i] % 26);
    random_pw[32] = '\0';
    if (crypto_pwhash_str(dummy_hash, random_pw, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        fatalx("argon2id: cannot hash (out of memory?)");
}

/* On the background thread. */
static void job_work(void *arg)
{
    struct hasher_job *j = arg;
    size_t len = strlen(j->password);
    if (j->verify) {
        const char *hash = j->hash ? j->hash : dummy_hash;
        j->ok = crypto_pwhash_str_verify(hash, j->password, len) == 0 && j->hash != NULL;
    } else {
        char out[crypto_pwhash_STRBYTES];
        j->ok = crypto_pwhash_str(out, j->password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
        j->hash = j->ok ? xstrdup(out) : NULL;
    }
    sodium_memzero(j->password, len);
}

/* On the loop. */
static void job_done(void *arg)
{
    struct hasher_job *j = arg;
    char *hash = j->verify ? NULL : j->hash;
    if (j->verify)
        free(j->hash);
    free(j->password);
    j->cb(j->ok, hash, j->arg);
    free(j);
}

void hasher_hash(struct background *b, const char *password, hasher_done_cb cb, void *arg)
{
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    background_run(b, job_work, job_done, j);
}

void hasher_verify(struct background *b, const char *hash, const char *password, hasher_done_cb cb, void *arg)
{
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->verify = true;
    j->hash = hash ? xstrdup(hash) : NULL;
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    background_run(b, job_work, job_done, j);
}
