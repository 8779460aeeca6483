/* SPDX-License-Identifier: Apache-2.0 */
/* The hashing queue of one worker. Every job, from admission to its
 * callback, is on one list under one lock, which the loop (admit, queue,
 * finish) and two hashing threads (take) share. Queueing a job also queues
 * one turn on a thread: the fast lane, at normal priority, for trusted and
 * clean logins and for registrations; the slow lane, niced, for suspects.
 * So a clean login never waits for a suspect's hash to finish, and on a
 * busy machine the suspects get what CPU is left. A turn takes whichever
 * queued job of its lane is most urgent when it runs, so the order is
 * decided as late as possible; a fast turn that finds none (its job has
 * become a suspect since) passes itself to the slow lane, and a slow turn
 * takes any job. So a turn always finds a job, because turns and queued
 * jobs are counted together, and the fast lane never hashes a suspect. */
#include "hasher.h"

#include "client-count.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#define HASH_MS_GUESS 100 /* until the first hash is measured */
#define SLOW_LANE_NICE 5   /* a quarter of a core's share when others want it */
#define CONGESTED_MS 100   /* a login tier whose oldest job waited this long is served newest first */
#define MAX_WAIT_MS 10000  /* a job that waited this long is answered busy, unhashed */
#define RETRY_AFTER_MAX_S 30

/* How many jobs of each tier may wait (not counting those hashing). The
 * lower tiers are shorter, so what waits there does not wait for long (the
 * suspects' lane is the slowest); a client turned away gets 503 with
 * Retry-After at once. */
static const int tier_queue_max[HASHER_TIERS] = {
    [HASHER_TRUSTED] = 32,
    [HASHER_CLEAN] = 32,
    [HASHER_NEW] = 16,
    [HASHER_SUSPECT] = 8,
};

/* Tiers served newest first when congested: the logins people wait for. */
static bool tier_lifo(enum hasher_tier t)
{
    return t == HASHER_TRUSTED || t == HASHER_CLEAN;
}

enum job_state { JOB_ADMITTED, JOB_QUEUED, JOB_RUNNING };
enum lane { LANE_FAST, LANE_SLOW, LANES };

struct hasher_job {
    TAILQ_ENTRY(hasher_job) entry; /* h->jobs */
    struct hasher *h;
    struct client_slots client;
    int fd;
    enum job_state state;
    enum hasher_tier tier;
    uint64_t seq; /* queueing order */
    uint64_t queued_ns;
    bool verify;
    char *password;
    char *hash; /* verify: the stored hash (NULL: unknown account); hash: the result */
    enum hasher_outcome outcome;
    hasher_done_cb cb;
    void *arg;
};

TAILQ_HEAD(hasher_jobs, hasher_job);

struct hasher {
    struct background *lanes[LANES];
    bool own_lanes;
    int row; /* this worker's row of the client counts */
    pthread_mutex_t lock;
    struct hasher_jobs jobs; /* admitted and not finished, in admission order */
    int queued[HASHER_TIERS];
    uint64_t seq;
    unsigned hash_ms; /* moving average of one hash */
    unsigned max_wait_ms;
};

/* A real hash of a random password: verifying against it costs the same. */
static char dummy_hash[crypto_pwhash_STRBYTES];

void hasher_init(int workers)
{
    client_count_init(workers);
    char random_pw[33];
    randombytes_buf(random_pw, 32);
    for (int i = 0; i < 32; i++)
        random_pw[i] = (char)('a' + (unsigned char)random_pw[i] % 26);
    random_pw[32] = '\0';
    if (crypto_pwhash_str(dummy_hash, random_pw, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        fatalx("argon2id: cannot hash (out of memory?)");
}

struct hasher *hasher_new(struct background *fast, struct background *slow, unsigned max_wait_ms)
{
    struct hasher *h = xcalloc(1, sizeof(*h));
    h->max_wait_ms = max_wait_ms;
    h->lanes[LANE_FAST] = fast;
    h->lanes[LANE_SLOW] = slow;
    h->hash_ms = HASH_MS_GUESS;
    TAILQ_INIT(&h->jobs);
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

struct hasher *hasher_start(struct event_base *base, int worker)
{
    struct hasher *h =
        hasher_new(background_new(base), background_new_nice(base, SLOW_LANE_NICE), MAX_WAIT_MS);
    h->own_lanes = true;
    h->row = worker;
    client_count_reset(worker);
    return h;
}

void hasher_free(struct hasher *h)
{
    if (h == NULL)
        return;
    if (h->own_lanes) {
        for (int i = 0; i < LANES; i++)
            background_free(h->lanes[i]);
    }
    if (!TAILQ_EMPTY(&h->jobs))
        fatalx("hasher: freed with jobs pending");
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* Has the peer closed its side? evhttp does not read while a request is
 * being handled, so it would not notice; a peek does, without consuming
 * anything. A client that only half-closes (shutdown(SHUT_WR)) and still
 * waits for the answer looks the same and is treated as gone. The
 * descriptor stays open while its request is unanswered, so it is never
 * another connection's. */
static bool client_gone(int fd)
{
    char c;
    if (fd < 0)
        return false;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && (errno == ECONNRESET || errno == ENOTCONN || errno == EPIPE));
}

/* ---- admission ---- */

struct hasher_job *hasher_admit(struct hasher *h, const char *client, int fd)
{
    struct client_slots slots;
    client_count_slots(client, &slots);
    if (client_count_get(&slots) >= HASHER_MAX_PER_CLIENT)
        return NULL;
    client_count_admit(h->row, &slots);
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->h = h;
    j->client = slots;
    j->fd = fd;
    j->state = JOB_ADMITTED;
    pthread_mutex_lock(&h->lock);
    TAILQ_INSERT_TAIL(&h->jobs, j, entry);
    pthread_mutex_unlock(&h->lock);
    return j;
}

static void job_wipe(struct hasher_job *j)
{
    if (j->password != NULL) {
        sodium_memzero(j->password, strlen(j->password));
        free(j->password);
        j->password = NULL;
    }
}

/* Off the list and freed (the result hash, if any, was handed on). */
static void job_free(struct hasher_job *j)
{
    struct hasher *h = j->h;
    pthread_mutex_lock(&h->lock);
    TAILQ_REMOVE(&h->jobs, j, entry);
    pthread_mutex_unlock(&h->lock);
    client_count_release(h->row, &j->client);
    job_wipe(j);
    free(j->hash);
    free(j);
}

void hasher_cancel(struct hasher_job *j)
{
    if (j != NULL)
        job_free(j);
}

/* ---- the background thread's side ---- */

/* A queued CLEAN login whose client has other jobs pending, or has had
 * another admitted since (on any worker), is what a flood from one address
 * looks like before its failures are counted: it waits with the suspects. */
static enum hasher_tier effective_tier(struct hasher *h, const struct hasher_job *j)
{
    (void)h;
    if (j->tier == HASHER_CLEAN &&
        (client_count_get(&j->client) > 1 || client_count_admitted_since(&j->client)))
        return HASHER_SUSPECT;
    return j->tier;
}

static enum lane lane_of(enum hasher_tier tier)
{
    return tier == HASHER_SUSPECT ? LANE_SLOW : LANE_FAST;
}

/* Where j stands for a turn of lane: its tier, after the tiers of the lane. */
static unsigned job_rank(struct hasher *h, const struct hasher_job *j, enum lane lane)
{
    enum hasher_tier t = effective_tier(h, j);
    return (lane_of(t) == lane ? 0 : HASHER_TIERS) + (unsigned)t;
}

static uint64_t waited_ms(const struct hasher_job *j, uint64_t now)
{
    return (now - j->queued_ns) / 1000000;
}

/* The most urgent queued job for a turn of lane: one that has waited
 * max_wait_ms, to be answered busy at once; else the lowest tier, and in
 * it the first queued, unless it is a login tier whose oldest job has
 * waited CONGESTED_MS: then the last queued goes first (adaptive LIFO: in a
 * burst, such as the first attempts of many fresh addresses, whoever comes
 * after it is not stuck behind all of it; the wait is bounded by
 * max_wait_ms). A fast turn takes only a job of its lane (NULL if there is
 * none), a slow turn any. Under h->lock. */
static struct hasher_job *job_take(struct hasher *h, enum lane lane)
{
    struct hasher_job *oldest = NULL, *newest = NULL, *late = NULL, *j;
    unsigned best_rank = 2 * HASHER_TIERS;
    uint64_t now = clock_mono_ns();
    TAILQ_FOREACH(j, &h->jobs, entry) {
        /* cppcheck-suppress uninitvar ; j is each job on the list: cppcheck does not follow TAILQ_FOREACH here */
        if (j->state != JOB_QUEUED)
            continue;
        unsigned rank = job_rank(h, j, lane);
        if (lane == LANE_FAST && rank >= HASHER_TIERS)
            continue;
        if (waited_ms(j, now) >= h->max_wait_ms && (late == NULL || j->seq < late->seq))
            late = j;
        if (rank < best_rank) {
            best_rank = rank;
            oldest = newest = j;
        } else if (rank == best_rank && oldest != NULL) { /* never NULL here: spelt out for the analyzer */
            if (j->seq < oldest->seq)
                oldest = j;
            if (j->seq > newest->seq)
                newest = j;
        }
    }
    if (oldest == NULL)
        return NULL;
    struct hasher_job *best = oldest;
    if (late != NULL)
        best = late;
    else if (tier_lifo(oldest->tier) && waited_ms(oldest, now) >= CONGESTED_MS)
        best = newest;
    best->state = JOB_RUNNING;
    h->queued[best->tier]--;
    return best;
}

static void job_work(struct hasher_job *j)
{
    size_t len = strlen(j->password);
    if (j->verify) {
        const char *hash = j->hash ? j->hash : dummy_hash;
        bool match = crypto_pwhash_str_verify(hash, j->password, len) == 0 && j->hash != NULL;
        j->outcome = match ? HASHER_OK : HASHER_NO;
        free(j->hash);
        j->hash = NULL;
    } else {
        char out[crypto_pwhash_STRBYTES];
        bool ok = crypto_pwhash_str(out, j->password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
        j->outcome = ok ? HASHER_OK : HASHER_NO;
        j->hash = ok ? xstrdup(out) : NULL;
    }
    job_wipe(j);
}

struct hasher_turn {
    struct hasher *h;
    enum lane lane;
    bool passed; /* to the slow lane, as a new turn */
    struct hasher_job *job;
};

static void turn_work(void *arg);
static void turn_done(void *arg);

/* On the fast lane's thread: a turn for the slow lane instead of this one. */
static void turn_pass(struct hasher_turn *t)
{
    struct hasher_turn *slow = xcalloc(1, sizeof(*slow));
    slow->h = t->h;
    slow->lane = LANE_SLOW;
    t->passed = true;
    background_run(t->h->lanes[LANE_SLOW], turn_work, turn_done, slow);
}

/* On the background thread. */
static void turn_work(void *arg)
{
    struct hasher_turn *t = arg;
    struct hasher *h = t->h;
    pthread_mutex_lock(&h->lock);
    t->job = job_take(h, t->lane);
    pthread_mutex_unlock(&h->lock);
    if (t->job == NULL) {
        if (t->lane == LANE_SLOW)
            fatalx("hasher: a turn found no job");
        turn_pass(t);
        return;
    }
    bool gone = client_gone(t->job->fd);
    if (gone || waited_ms(t->job, clock_mono_ns()) >= h->max_wait_ms) {
        t->job->outcome = gone ? HASHER_GONE : HASHER_LATE;
        job_wipe(t->job);
        return;
    }
    uint64_t start = clock_mono_ns();
    job_work(t->job);
    unsigned ms = (unsigned)((clock_mono_ns() - start) / 1000000);
    pthread_mutex_lock(&h->lock);
    h->hash_ms = (h->hash_ms * 7 + ms) / 8;
    pthread_mutex_unlock(&h->lock);
}

/* On the loop. A client that left while its password was hashed is gone
 * too: no account is made and no token handed out for nobody. */
static void turn_done(void *arg)
{
    struct hasher_turn *t = arg;
    struct hasher_job *j = t->job;
    bool passed = t->passed;
    free(t);
    if (passed)
        return;
    if (j == NULL)
        fatalx("hasher: a turn found no job");
    enum hasher_outcome outcome = j->outcome;
    if (outcome != HASHER_GONE && client_gone(j->fd))
        outcome = HASHER_GONE;
    char *hash = NULL;
    if (outcome == HASHER_OK && !j->verify) {
        hash = j->hash;
        j->hash = NULL;
    }
    hasher_done_cb cb = j->cb;
    void *cb_arg = j->arg;
    job_free(j);
    cb(outcome, hash, cb_arg);
}

/* ---- queueing ---- */

static int job_queue(struct hasher_job *j, enum hasher_tier tier, hasher_done_cb cb, void *arg)
{
    struct hasher *h = j->h;
    pthread_mutex_lock(&h->lock);
    bool full = h->queued[tier] >= tier_queue_max[tier];
    if (!full) {
        j->state = JOB_QUEUED;
        j->tier = tier;
        j->seq = ++h->seq;
        j->queued_ns = clock_mono_ns();
        j->cb = cb;
        j->arg = arg;
        h->queued[tier]++;
    }
    pthread_mutex_unlock(&h->lock);
    if (full) {
        job_free(j);
        return -1;
    }
    struct hasher_turn *t = xcalloc(1, sizeof(*t));
    t->h = h;
    t->lane = lane_of(tier);
    background_run(h->lanes[t->lane], turn_work, turn_done, t);
    return 0;
}

int hasher_hash(struct hasher_job *j, enum hasher_tier tier, const char *password, hasher_done_cb cb, void *arg)
{
    j->verify = false;
    j->password = xstrdup(password);
    return job_queue(j, tier, cb, arg);
}

int hasher_verify(struct hasher_job *j, enum hasher_tier tier, const char *hash, const char *password,
    hasher_done_cb cb, void *arg)
{
    j->verify = true;
    j->hash = hash ? xstrdup(hash) : NULL;
    j->password = xstrdup(password);
    return job_queue(j, tier, cb, arg);
}

int hasher_retry_after(struct hasher *h)
{
    pthread_mutex_lock(&h->lock);
    unsigned waiting = 1;
    for (int i = 0; i < HASHER_TIERS; i++)
        waiting += (unsigned)h->queued[i];
    unsigned ms = waiting * h->hash_ms;
    pthread_mutex_unlock(&h->lock);
    unsigned s = (ms + 999) / 1000;
    return s < 1 ? 1 : s > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : (int)s;
}
