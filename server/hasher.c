/* SPDX-License-Identifier: Apache-2.0 */
/* One hashing thread per worker. Jobs go in under a mutex; finished jobs come
 * back through a pipe that the loop watches, so every callback runs on the
 * loop thread and libevent needs no locking. */
#include "hasher.h"

#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

struct hasher_job {
    STAILQ_ENTRY(hasher_job) entry;
    bool verify;
    char *password;
    char *hash;     /* verify: the stored hash; hash: the result */
    int ok;
    hasher_done_cb cb;
    void *arg;
};

STAILQ_HEAD(hasher_jobs, hasher_job);

struct hasher {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct hasher_jobs todo, done;
    bool stopping;
    int pipe_rd, pipe_wr;
    struct event *done_ev;
    char dummy_hash[crypto_pwhash_STRBYTES];
};

static void job_run(struct hasher *h, struct hasher_job *j)
{
    size_t len = strlen(j->password);
    if (j->verify) {
        const char *hash = j->hash ? j->hash : h->dummy_hash;
        j->ok = crypto_pwhash_str_verify(hash, j->password, len) == 0 && j->hash != NULL;
    } else {
        char out[crypto_pwhash_STRBYTES];
        j->ok = crypto_pwhash_str(out, j->password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
        j->hash = j->ok ? xstrdup(out) : NULL;
    }
    sodium_memzero(j->password, len);
}

static void *hasher_thread(void *arg)
{
    struct hasher *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        struct hasher_job *j = STAILQ_FIRST(&h->todo);
        if (j == NULL) {
            if (h->stopping)
                break;
            pthread_cond_wait(&h->wake, &h->lock);
            continue;
        }
        STAILQ_REMOVE_HEAD(&h->todo, entry);
        pthread_mutex_unlock(&h->lock);
        job_run(h, j);
        pthread_mutex_lock(&h->lock);
        STAILQ_INSERT_TAIL(&h->done, j, entry);
        char byte = 1;
        ssize_t w = write(h->pipe_wr, &byte, 1);
        (void)w; /* a full pipe already has a wake-up in it */
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void job_finish(struct hasher_job *j)
{
    char *hash = j->verify ? NULL : j->hash;
    if (j->verify)
        free(j->hash);
    free(j->password);
    j->cb(j->ok, hash, j->arg);
    free(j);
}

static void done_cb(evutil_socket_t fd, short what, void *arg)
{
    struct hasher *h = arg;
    struct hasher_jobs done = STAILQ_HEAD_INITIALIZER(done);
    char buf[64];
    (void)what;
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    pthread_mutex_lock(&h->lock);
    STAILQ_CONCAT(&done, &h->done);
    pthread_mutex_unlock(&h->lock);
    struct hasher_job *j;
    while ((j = STAILQ_FIRST(&done)) != NULL) {
        STAILQ_REMOVE_HEAD(&done, entry);
        job_finish(j);
    }
}

struct hasher *hasher_new(struct event_base *base)
{
    struct hasher *h = xcalloc(1, sizeof(*h));
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        fatalx("pipe: cannot create");
    h->pipe_rd = fds[0];
    h->pipe_wr = fds[1];
    STAILQ_INIT(&h->todo);
    STAILQ_INIT(&h->done);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    /* A real hash of a random password: verifying against it costs the same. */
    char random_pw[33];
    randombytes_buf(random_pw, 32);
    random_pw[32] = '\0';
    if (crypto_pwhash_str(h->dummy_hash, random_pw, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        fatalx("argon2id: cannot hash (out of memory?)");
    h->done_ev = event_new(base, h->pipe_rd, EV_READ | EV_PERSIST, done_cb, h);
    if (h->done_ev == NULL || event_add(h->done_ev, NULL) != 0)
        fatalx("hasher: cannot watch pipe");
    if (pthread_create(&h->thread, NULL, hasher_thread, h) != 0)
        fatalx("hasher: cannot start thread");
    return h;
}

static void submit(struct hasher *h, struct hasher_job *j)
{
    pthread_mutex_lock(&h->lock);
    STAILQ_INSERT_TAIL(&h->todo, j, entry);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

void hasher_hash(struct hasher *h, const char *password, hasher_done_cb cb, void *arg)
{
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    submit(h, j);
}

void hasher_verify(struct hasher *h, const char *hash, const char *password, hasher_done_cb cb, void *arg)
{
    struct hasher_job *j = xcalloc(1, sizeof(*j));
    j->verify = true;
    j->hash = hash ? xstrdup(hash) : NULL;
    j->password = xstrdup(password);
    j->cb = cb;
    j->arg = arg;
    submit(h, j);
}

void hasher_free(struct hasher *h)
{
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    done_cb(h->pipe_rd, EV_READ, h);
    event_free(h->done_ev);
    close(h->pipe_rd);
    close(h->pipe_wr);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
    free(h);
}
