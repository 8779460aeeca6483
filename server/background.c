/* SPDX-License-Identifier: Apache-2.0 */
/* The background thread. Jobs go in under a mutex; finished jobs come back
 * through a pipe that the loop watches, so every done function runs on the
 * loop thread and libevent needs no locking. */
#include "background.h"

#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <unistd.h>

struct background_job {
    STAILQ_ENTRY(background_job) entry;
    background_fn work, done;
    void *arg;
};

STAILQ_HEAD(background_jobs, background_job);

struct background {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct background_jobs todo, done;
    bool stopping;
    int nice;
    int pipe_rd, pipe_wr;
    struct event *done_ev;
};

static void *background_thread(void *arg)
{
    struct background *b = arg;
    if (b->nice != 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), b->nice) != 0)
        log_warn("background: cannot lower the thread's priority");
    pthread_mutex_lock(&b->lock);
    for (;;) {
        struct background_job *j = STAILQ_FIRST(&b->todo);
        if (j == NULL) {
            if (b->stopping)
                break;
            pthread_cond_wait(&b->wake, &b->lock);
            continue;
        }
        STAILQ_REMOVE_HEAD(&b->todo, entry);
        pthread_mutex_unlock(&b->lock);
        j->work(j->arg);
        pthread_mutex_lock(&b->lock);
        STAILQ_INSERT_TAIL(&b->done, j, entry);
        char byte = 1;
        ssize_t w = write(b->pipe_wr, &byte, 1);
        (void)w; /* a full pipe already has a wake-up in it */
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void done_cb(evutil_socket_t fd, short what, void *arg)
{
    struct background *b = arg;
    struct background_jobs done = STAILQ_HEAD_INITIALIZER(done);
    char buf[64];
    (void)what;
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    pthread_mutex_lock(&b->lock);
    STAILQ_CONCAT(&done, &b->done);
    pthread_mutex_unlock(&b->lock);
    struct background_job *j;
    while ((j = STAILQ_FIRST(&done)) != NULL) {
        STAILQ_REMOVE_HEAD(&done, entry);
        j->done(j->arg);
        free(j);
    }
}

struct background *background_new(struct event_base *base)
{
    return background_new_nice(base, 0);
}

struct background *background_new_nice(struct event_base *base, int nice)
{
    struct background *b = xcalloc(1, sizeof(*b));
    b->nice = nice;
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        fatalx("pipe: cannot create");
    b->pipe_rd = fds[0];
    b->pipe_wr = fds[1];
    STAILQ_INIT(&b->todo);
    STAILQ_INIT(&b->done);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->wake, NULL);
    b->done_ev = event_new(base, b->pipe_rd, EV_READ | EV_PERSIST, done_cb, b);
    if (b->done_ev == NULL || event_add(b->done_ev, NULL) != 0)
        fatalx("background: cannot watch pipe");
    if (pthread_create(&b->thread, NULL, background_thread, b) != 0)
        fatalx("background: cannot start thread");
    return b;
}

void background_run(struct background *b, background_fn work, background_fn done, void *arg)
{
    struct background_job *j = xcalloc(1, sizeof(*j));
    j->work = work;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&b->lock);
    STAILQ_INSERT_TAIL(&b->todo, j, entry);
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
}

void background_free(struct background *b)
{
    pthread_mutex_lock(&b->lock);
    b->stopping = true;
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    done_cb(b->pipe_rd, EV_READ, b);
    event_free(b->done_ev);
    close(b->pipe_rd);
    close(b->pipe_wr);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->wake);
    free(b);
}
