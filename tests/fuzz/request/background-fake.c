/* SPDX-License-Identifier: Apache-2.0 */
/* background.h and hasher.h for the request fuzzer. Jobs run from the loop
 * (work, then done, in the pass after they were queued), as the real thread
 * hands them back: never inside background_run. Hashing is not done: an
 * argon2id hash costs 64 MiB and tens of milliseconds, which would make a
 * few executions a second. Whether a hash is made or a password matches
 * comes from the input's next choice byte. */
#include "background.h"
#include "fake.h"
#include "hasher.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct background {
    struct event_base *base;
};

struct job {
    background_fn work, done;
    void *arg;
};

static unsigned jobs_pending;

unsigned fake_background_pending(void)
{
    return jobs_pending;
}

static void job_cb(evutil_socket_t fd, short what, void *arg)
{
    struct job *j = arg;
    (void)fd;
    (void)what;
    jobs_pending--;
    j->work(j->arg);
    j->done(j->arg);
    free(j);
}

struct background *background_new(struct event_base *base)
{
    struct background *b = xcalloc(1, sizeof(*b));
    b->base = base;
    return b;
}

void background_run(struct background *b, background_fn work, background_fn done, void *arg)
{
    struct job *j = xcalloc(1, sizeof(*j));
    struct timeval now = { 0, 0 };
    *j = (struct job){ work, done, arg };
    jobs_pending++;
    if (event_base_once(b->base, -1, EV_TIMEOUT, job_cb, j, &now) != 0)
        abort();
}

void background_free(struct background *b)
{
    free(b);
}

/* ---- hasher.h ---- */

struct hash_job {
    bool verify, have_hash;
    char *password;
    int ok;
    char *hash;
    hasher_done_cb cb;
    void *arg;
};

/* Choice bytes: an odd one fails (hashing: out of memory; verifying: the
 * wrong password); an unknown account (no hash) never matches. */
static void hash_work(void *arg)
{
    struct hash_job *j = arg;
    unsigned c = fake_choice_next();
    j->ok = (c & 1) == 0 && (!j->verify || j->have_hash);
    if (!j->verify && j->ok)
        j->hash = xstrdup("$argon2id$v=19$m=65536,t=2,p=1$ZnV6emluZ3NhbHQ$ZnV6emluZ2hhc2g");
    memset(j->password, 0, strlen(j->password));
}

static void hash_done(void *arg)
{
    struct hash_job *j = arg;
    free(j->password);
    j->cb(j->ok, j->hash, j->arg);
    free(j);
}

void hasher_init(void)
{
}

void hasher_hash(struct background *b, const char *password, hasher_done_cb cb, void *arg)
{
    struct hash_job *j = xcalloc(1, sizeof(*j));
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    background_run(b, hash_work, hash_done, j);
}

void hasher_verify(
    struct background *b, const char *hash, const char *password, hasher_done_cb cb, void *arg)
{
    struct hash_job *j = xcalloc(1, sizeof(*j));
    j->verify = true;
    j->have_hash = hash != NULL;
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    background_run(b, hash_work, hash_done, j);
}
