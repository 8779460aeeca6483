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

struct hasher {
    struct background *bg;
    bool own;
};

struct hasher_job {
    struct hasher *h;
    bool verify, have_hash;
    char *password;
    enum hasher_outcome outcome;
    char *hash;
    hasher_done_cb cb;
    void *arg;
};

/* Choice bytes: an odd one fails (hashing: out of memory; verifying: the
 * wrong password), one in eight of the rest finds the client gone; an
 * unknown account (no hash) never matches. */
static void hash_work(void *arg)
{
    struct hasher_job *j = arg;
    unsigned c = fake_choice_next();
    j->outcome = (c & 1) || (j->verify && !j->have_hash) ? HASHER_NO : (c >> 1) % 8 == 0 ? HASHER_GONE : HASHER_OK;
    if (!j->verify && j->outcome == HASHER_OK)
        j->hash = xstrdup("$argon2id$v=19$m=65536,t=2,p=1$ZnV6emluZ3NhbHQ$ZnV6emluZ2hhc2g");
    memset(j->password, 0, strlen(j->password));
}

static void hash_done(void *arg)
{
    struct hasher_job *j = arg;
    free(j->password);
    j->cb(j->outcome, j->hash, j->arg);
    free(j);
}

void hasher_init(int workers)
{
    (void)workers;
}

struct hasher *hasher_start(struct event_base *base, int worker)
{
    struct hasher *h = xcalloc(1, sizeof(*h));
    (void)worker;
    h->bg = background_new(base);
    h->own = true;
    return h;
}

struct hasher *hasher_new(struct background *fast, struct background *slow, unsigned max_wait_ms)
{
    struct hasher *h = xcalloc(1, sizeof(*h));
    (void)slow;
    (void)max_wait_ms;
    h->bg = fast;
    return h;
}

void hasher_free(struct hasher *h)
{
    if (h->own)
        background_free(h->bg);
    free(h);
}

/* One choice in eight: the client is at its cap (the caller answers busy). */
struct hasher_job *hasher_admit(struct hasher *h, const char *client, int fd)
{
    (void)client;
    (void)fd;
    if (fake_choice_next() % 8 == 7)
        return NULL;
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->h = h;
    return j;
}

void hasher_cancel(struct hasher_job *j)
{
    free(j);
}

/* One choice in eight: the tier is full. */
static int queue(struct hasher_job *j, const char *password, hasher_done_cb cb, void *arg)
{
    if (fake_choice_next() % 8 == 6) {
        free(j);
        return -1;
    }
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    background_run(j->h->bg, hash_work, hash_done, j);
    return 0;
}

int hasher_hash(struct hasher_job *j, enum hasher_tier tier, const char *password, hasher_done_cb cb, void *arg)
{
    (void)tier;
    return queue(j, password, cb, arg);
}

int hasher_verify(struct hasher_job *j, enum hasher_tier tier, const char *hash, const char *password,
    hasher_done_cb cb, void *arg)
{
    (void)tier;
    j->verify = true;
    j->have_hash = hash != NULL;
    return queue(j, password, cb, arg);
}

int hasher_retry_after(struct hasher *h)
{
    (void)h;
    return 1;
}
