/* SPDX-License-Identifier: Apache-2.0 */
/* Supervision with blocked signals and sigtimedwait(): the parent never runs
 * code in a signal handler, it waits for the next signal and acts on it. */
#include "supervisor.h"

#include "log.h"
#include "mail.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_DEADLINE_S 30
#define RESTART_BACKOFF_MS 1000

struct worker_slot {
    pid_t pid;              /* 0: not running */
    uint64_t started_ns;
    uint64_t restart_at_ns; /* when to fork it again; 0: no restart planned */
};

struct supervisor {
    const struct config *cfg;
    const char *conninfo, *listen_conninfo;
    struct worker_slot *slots; /* the workers, then the delivery process if mail is on */
    int nslots;
    sigset_t waited;
    bool stopping;
    uint64_t stop_deadline_ns;
    int exit_status;
};

static void spawn(struct supervisor *s, int i)
{
    pid_t pid = fork();
    if (pid < 0) {
        log_error("fork failed: %s", strerror(errno));
        s->slots[i].restart_at_ns = clock_mono_ns() + RESTART_BACKOFF_MS * 1000000ull;
        return;
    }
    if (pid == 0) {
        if (i == s->cfg->workers)
            _exit(mail_main(s->cfg, s->listen_conninfo));
        _exit(worker_main(s->cfg, s->conninfo, s->listen_conninfo, i));
    }
    s->slots[i].pid = pid;
    s->slots[i].started_ns = clock_mono_ns();
    s->slots[i].restart_at_ns = 0;
}

static void signal_workers(struct supervisor *s, int sig)
{
    for (int i = 0; i < s->nslots; i++) {
        if (s->slots[i].pid > 0)
            kill(s->slots[i].pid, sig);
    }
}

static void begin_stop(struct supervisor *s)
{
    s->stopping = true;
    s->stop_deadline_ns = clock_mono_ns() + STOP_DEADLINE_S * 1000000000ull;
    signal_workers(s, SIGTERM);
}

/* "worker 2" or "mail delivery", for the log. */
static const char *slot_name(const struct supervisor *s, int i, char *buf, size_t n)
{
    if (i == s->cfg->workers)
        return "mail delivery";
    snprintf(buf, n, "worker %d", i + 1);
    return buf;
}

static void worker_exited(struct supervisor *s, int i, int status)
{
    char name[32];
    slot_name(s, i, name, sizeof(name));
    uint64_t now = clock_mono_ns();
    s->slots[i].pid = 0;
    if (s->stopping)
        return;
    if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_CONFIG) {
        log_error("%s cannot start; stopping", slot_name(s, i, name, sizeof(name)));
        s->exit_status = 1;
        begin_stop(s);
        return;
    }
    if (WIFSIGNALED(status))
        log_error("%s killed by signal %d; restarting", slot_name(s, i, name, sizeof(name)), WTERMSIG(status));
    else
        log_error("%s exited with status %d; restarting", slot_name(s, i, name, sizeof(name)), WEXITSTATUS(status));
    /* A worker that dies at once would otherwise be forked in a tight loop. */
    bool quick = now - s->slots[i].started_ns < RESTART_BACKOFF_MS * 1000000ull;
    s->slots[i].restart_at_ns = quick ? now + RESTART_BACKOFF_MS * 1000000ull : now;
}

static void reap(struct supervisor *s)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < s->nslots; i++) {
            if (s->slots[i].pid == pid)
                worker_exited(s, i, status);
        }
    }
}

static bool any_running(const struct supervisor *s)
{
    for (int i = 0; i < s->nslots; i++) {
        if (s->slots[i].pid > 0)
            return true;
    }
    return false;
}

static void restart_due(struct supervisor *s)
{
    uint64_t now = clock_mono_ns();
    for (int i = 0; i < s->nslots && !s->stopping; i++) {
        if (s->slots[i].pid == 0 && s->slots[i].restart_at_ns != 0 && s->slots[i].restart_at_ns <= now)
            spawn(s, i);
    }
}

static void handle_signal(struct supervisor *s, int sig)
{
    switch (sig) {
    case SIGCHLD:
        reap(s);
        break;
    case SIGINT:
        if (s->stopping) {
            log_warn("second interrupt: killing workers");
            signal_workers(s, SIGKILL);
            exit(1);
        }
        /* FALLTHROUGH */
    case SIGTERM:
        if (!s->stopping) {
            log_info("stopping workers");
            begin_stop(s);
        }
        break;
    default:
        break;
    }
}

int supervisor_run(const struct config *cfg, const char *conninfo, const char *listen_conninfo)
{
    struct supervisor s = { .cfg = cfg, .conninfo = conninfo, .listen_conninfo = listen_conninfo };
    s.nslots = cfg->workers + (mail_enabled(cfg) ? 1 : 0);
    s.slots = xcalloc((size_t)s.nslots, sizeof(*s.slots));
    sigemptyset(&s.waited);
    sigaddset(&s.waited, SIGTERM);
    sigaddset(&s.waited, SIGINT);
    sigaddset(&s.waited, SIGCHLD);
    sigaddset(&s.waited, SIGHUP);
    sigprocmask(SIG_BLOCK, &s.waited, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (int i = 0; i < s.nslots; i++)
        spawn(&s, i);
    log_info("serving on http://%s with %d workers", cfg->listen, cfg->workers);

    while (!s.stopping || any_running(&s)) {
        struct timespec tick = { 0, 200 * 1000000 };
        siginfo_t info;
        int sig = sigtimedwait(&s.waited, &info, &tick);
        if (sig > 0)
            handle_signal(&s, sig);
        reap(&s);
        restart_due(&s);
        if (s.stopping && clock_mono_ns() > s.stop_deadline_ns) {
            log_warn("workers did not stop in time; killing them");
            signal_workers(&s, SIGKILL);
            s.stop_deadline_ns = UINT64_MAX;
        }
    }
    free(s.slots);
    log_info("stopped");
    return s.exit_status;
}
