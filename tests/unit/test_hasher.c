/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hasher.c on a real loop and its two threads (lanes): the
 * caps per client and per tier, the order jobs are taken in, and clients
 * that have gone away (a socketpair whose far end is closed). A "plug" job
 * holds a lane's thread so that jobs queue up behind it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "background.h"
#include "client-count.h"
#include "hasher.h"
#include "util.h"

#include <event2/event.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DONE 64
#define MAX_WAIT_MS 10000

enum { FAST, SLOW };

struct world {
    struct event_base *base;
    struct background *lane[2];
    struct hasher *h;
    int plug[2][2];   /* a lane's plug job reads one byte from plug[lane][0] */
    int marker[2];    /* a marker job writes one byte to marker[1] */
    int done;
    int order[MAX_DONE];
    enum hasher_outcome outcomes[MAX_DONE];
    bool hashed[MAX_DONE];
};

struct pending {
    struct world *w;
    int id;
};

static void nothing(void *arg)
{
    (void)arg;
}

struct plug {
    int fd;
};

static void plug_work(void *arg)
{
    struct plug *p = arg;
    char c;
    if (read(p->fd, &c, 1) != 1)
        fail_msg("plug: read");
}

static void plug_done(void *arg)
{
    free(arg);
}

static void marker_work(void *arg)
{
    struct world *w = arg;
    if (write(w->marker[1], "m", 1) != 1)
        fail_msg("marker: write");
}

static void plug(struct world *w, int lane)
{
    struct plug *p = xcalloc(1, sizeof(*p));
    p->fd = w->plug[lane][0];
    background_run(w->lane[lane], plug_work, plug_done, p);
}

static void unplug(struct world *w, int lane)
{
    if (write(w->plug[lane][1], "u", 1) != 1)
        fail_msg("unplug: write");
}

static void plug_both(struct world *w)
{
    plug(w, FAST);
    plug(w, SLOW);
}

static void unplug_both(struct world *w)
{
    unplug(w, FAST);
    unplug(w, SLOW);
}

static int setup(void **state)
{
    struct world *w = xcalloc(1, sizeof(*w));
    w->base = event_base_new();
    w->lane[FAST] = background_new(w->base);
    w->lane[SLOW] = background_new(w->base);
    w->h = hasher_new(w->lane[FAST], w->lane[SLOW], MAX_WAIT_MS);
    client_count_reset(0);
    client_count_reset(1);
    if (pipe(w->plug[FAST]) != 0 || pipe(w->plug[SLOW]) != 0 || pipe(w->marker) != 0)
        return -1;
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    /* A failed test may leave a lane plugged: release it, or joining hangs. */
    for (int i = 0; i < 2; i++)
        if (write(w->plug[i][1], "u", 1) != 1)
            return -1;
    background_free(w->lane[FAST]);
    background_free(w->lane[SLOW]);
    hasher_free(w->h);
    event_base_free(w->base);
    for (int i = 0; i < 2; i++) {
        close(w->plug[i][0]);
        close(w->plug[i][1]);
    }
    close(w->marker[0]);
    close(w->marker[1]);
    free(w);
    return 0;
}

static void done_cb(enum hasher_outcome outcome, char *hash, void *arg)
{
    struct pending *p = arg;
    struct world *w = p->w;
    w->order[w->done++] = p->id;
    w->outcomes[p->id] = outcome;
    w->hashed[p->id] = hash != NULL;
    if (hash != NULL)
        assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    free(hash);
    free(p);
}

static struct pending *pending(struct world *w, int id)
{
    struct pending *p = xcalloc(1, sizeof(*p));
    p->w = w;
    p->id = id;
    return p;
}

static void run_until(struct world *w, int done)
{
    uint64_t deadline = clock_mono_ns() + 30ull * 1000000000ull;
    while (w->done < done) {
        if (clock_mono_ns() > deadline)
            fail_msg("only %d of %d jobs finished", w->done, done);
        event_base_loop(w->base, EVLOOP_ONCE);
    }
}

/* A client connection: fds[0] is ours, fds[1] the client's (closed: gone). */
static void client(int fds[2], bool gone)
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        fail_msg("socketpair");
    if (gone) {
        close(fds[1]);
        fds[1] = -1;
    }
}

static void close_client(int fds[2])
{
    close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
}

static void queue_verify(struct world *w, const char *who, int fd, enum hasher_tier tier, int id)
{
    struct hasher_job *j = hasher_admit(w->h, who, fd);
    assert_non_null(j);
    assert_int_equal(hasher_verify(j, tier, NULL, "salasana-123", done_cb, pending(w, id)), 0);
}

static void test_admit_caps_per_client(void **state)
{
    struct world *w = *state;
    struct hasher_job *jobs[HASHER_MAX_PER_CLIENT];
    for (int i = 0; i < HASHER_MAX_PER_CLIENT; i++)
        assert_non_null(jobs[i] = hasher_admit(w->h, "192.0.2.1", -1));
    assert_null(hasher_admit(w->h, "192.0.2.1", -1));
    struct hasher_job *other = hasher_admit(w->h, "192.0.2.2", -1);
    assert_non_null(other);
    hasher_cancel(jobs[0]);
    assert_non_null(jobs[0] = hasher_admit(w->h, "192.0.2.1", -1));
    for (int i = 0; i < HASHER_MAX_PER_CLIENT; i++)
        hasher_cancel(jobs[i]);
    hasher_cancel(other);
}

/* Fill tier with jobs of gone clients (they cost nothing to run) from
 * addresses prefix.N, counting from *n, until it refuses one; how many fit. */
static int fill(struct world *w, int fds[][2], int *n, enum hasher_tier tier, const char *prefix)
{
    char who[32];
    for (int fitted = 0;; fitted++, (*n)++) {
        assert_true(*n < MAX_DONE);
        client(fds[*n], true);
        snprintf(who, sizeof(who), "%s.%d", prefix, *n);
        struct hasher_job *j = hasher_admit(w->h, who, fds[*n][0]);
        assert_non_null(j);
        struct pending *p = pending(w, *n);
        if (hasher_hash(j, tier, "salasana-123", done_cb, p) != 0) {
            free(p); /* not called back: the job was freed */
            close_client(fds[*n]);
            return fitted;
        }
    }
}

static void test_tier_cap_then_busy(void **state)
{
    struct world *w = *state;
    int fds[MAX_DONE][2], n = 0;
    plug_both(w);
    assert_int_equal(fill(w, fds, &n, HASHER_SUSPECT, "192.0.2"), 8);
    /* Other tiers have places of their own. */
    assert_int_equal(fill(w, fds, &n, HASHER_NEW, "198.51.100"), 16);
    /* What waits is counted in Retry-After: 25 hashes of the first guess (100 ms). */
    assert_int_equal(hasher_retry_after(w->h), 3);
    client(fds[n], true);
    queue_verify(w, "203.0.113.1", fds[n][0], HASHER_CLEAN, n);
    unplug_both(w);
    run_until(w, n + 1);
    for (int i = 0; i <= n; i++) {
        assert_int_equal(w->outcomes[i], HASHER_GONE);
        assert_false(w->hashed[i]);
        close_client(fds[i]);
    }
    assert_int_equal(hasher_retry_after(w->h), 1);
}

/* On the fast lane, most trusted first; suspects wait on the slow lane. */
static void test_most_trusted_first(void **state)
{
    struct world *w = *state;
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_SUSPECT, 0);
    queue_verify(w, "192.0.2.2", -1, HASHER_NEW, 1);
    queue_verify(w, "192.0.2.3", -1, HASHER_CLEAN, 2);
    queue_verify(w, "192.0.2.4", -1, HASHER_TRUSTED, 3);
    unplug(w, FAST);
    run_until(w, 3);
    int want[] = { 3, 2, 1 };
    for (int i = 0; i < 3; i++)
        assert_int_equal(w->order[i], want[i]);
    unplug(w, SLOW);
    run_until(w, 4);
    assert_int_equal(w->order[3], 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w->outcomes[i], HASHER_NO); /* checked against the dummy */
}

/* A tier whose oldest job has waited is served newest first: whoever comes
 * after a burst is not stuck behind all of it. */
static void test_congested_tier_serves_newest_first(void **state)
{
    struct world *w = *state;
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 0);
    queue_verify(w, "192.0.2.2", -1, HASHER_CLEAN, 1);
    queue_verify(w, "192.0.2.3", -1, HASHER_CLEAN, 2);
    usleep(150 * 1000);
    unplug_both(w);
    run_until(w, 3);
    int want[] = { 2, 1, 0 };
    for (int i = 0; i < 3; i++)
        assert_int_equal(w->order[i], want[i]);
}

/* A clean login from a client with other jobs pending is taken as a
 * suspect: the registration queued after it goes first. */
static void test_clean_with_company_waits_with_suspects(void **state)
{
    struct world *w = *state;
    plug_both(w);
    queue_verify(w, "192.0.2.9", -1, HASHER_SUSPECT, 0);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 1);
    struct hasher_job *company = hasher_admit(w->h, "192.0.2.1", -1);
    queue_verify(w, "192.0.2.2", -1, HASHER_NEW, 2);
    unplug(w, FAST);
    run_until(w, 1);
    assert_int_equal(w->order[0], 2);
    unplug(w, SLOW);
    run_until(w, 3);
    hasher_cancel(company);
}

/* The same with the company on another worker (row 1 of the shared counts). */
static void test_company_on_another_worker_counts(void **state)
{
    struct world *w = *state;
    struct client_slots other;
    client_count_slots("192.0.2.1", &other);
    client_count_admit(1, &other);
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 0);
    queue_verify(w, "192.0.2.2", -1, HASHER_NEW, 1);
    unplug(w, FAST);
    run_until(w, 1);
    assert_int_equal(w->order[0], 1);
    unplug(w, SLOW);
    run_until(w, 2);
    client_count_release(1, &other);
}

/* Company that has come and gone counts too: a flood's later attempts are
 * often turned away at once, so its first would otherwise look alone. */
static void test_company_that_has_left_counts(void **state)
{
    struct world *w = *state;
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 0);
    hasher_cancel(hasher_admit(w->h, "192.0.2.1", -1));
    queue_verify(w, "192.0.2.2", -1, HASHER_NEW, 1);
    unplug(w, FAST);
    run_until(w, 1);
    assert_int_equal(w->order[0], 1);
    unplug(w, SLOW);
    run_until(w, 2);
}

/* Admission counts the client's jobs on every worker; a worker that starts
 * again forgets its row. */
static void test_admission_counts_all_workers(void **state)
{
    struct world *w = *state;
    struct client_slots other;
    client_count_slots("192.0.2.7", &other);
    for (int i = 0; i < HASHER_MAX_PER_CLIENT - 1; i++)
        client_count_admit(1, &other);
    struct hasher_job *j = hasher_admit(w->h, "192.0.2.7", -1);
    assert_non_null(j);
    assert_null(hasher_admit(w->h, "192.0.2.7", -1));
    assert_int_equal(client_count_get(&other), HASHER_MAX_PER_CLIENT);
    client_count_reset(1);
    assert_int_equal(client_count_get(&other), 1);
    struct hasher_job *k = hasher_admit(w->h, "192.0.2.7", -1);
    assert_non_null(k);
    hasher_cancel(j);
    hasher_cancel(k);
    assert_int_equal(client_count_get(&other), 0);
}

/* The fast lane never hashes a suspect: a fast turn whose job became one
 * passes itself to the slow lane. The marker, queued after that turn on
 * the fast lane, has run when the turn is over. */
static void test_fast_lane_passes_suspects_on(void **state)
{
    struct world *w = *state;
    char c;
    /* The fast lane is held until the company is admitted: its turn must
     * see the job become a suspect, however the threads are scheduled. */
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 0);
    struct hasher_job *company = hasher_admit(w->h, "192.0.2.1", -1);
    unplug(w, FAST);
    background_run(w->lane[FAST], marker_work, nothing, w);
    assert_int_equal(read(w->marker[0], &c, 1), 1);
    for (int i = 0; i < 10; i++)
        event_base_loop(w->base, EVLOOP_NONBLOCK);
    assert_int_equal(w->done, 0);
    unplug(w, SLOW);
    run_until(w, 1);
    hasher_cancel(company);
}

/* A job that has waited too long is answered at once, unhashed, whatever
 * its tier; the others go on. */
static void test_late_jobs_are_answered_busy(void **state)
{
    struct world *w = *state;
    struct hasher *h = hasher_new(w->lane[FAST], w->lane[SLOW], 500);
    struct hasher *keep = w->h;
    w->h = h;
    plug_both(w);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 0);
    queue_verify(w, "192.0.2.2", -1, HASHER_SUSPECT, 1);
    usleep(600 * 1000);
    queue_verify(w, "192.0.2.3", -1, HASHER_CLEAN, 2);
    unplug_both(w);
    run_until(w, 3);
    assert_int_equal(w->outcomes[0], HASHER_LATE);
    assert_int_equal(w->outcomes[1], HASHER_LATE);
    assert_int_equal(w->outcomes[2], HASHER_NO); /* checked against the dummy */
    w->h = keep;
    hasher_free(h);
}

/* A suspect's hash does not hold up a clean login: the lanes run side by side. */
static void test_clean_login_passes_a_running_suspect(void **state)
{
    struct world *w = *state;
    plug(w, SLOW);
    queue_verify(w, "192.0.2.9", -1, HASHER_SUSPECT, 0);
    queue_verify(w, "192.0.2.1", -1, HASHER_CLEAN, 1);
    run_until(w, 1);
    assert_int_equal(w->order[0], 1);
    unplug(w, SLOW);
    run_until(w, 2);
}

static void test_living_client_is_hashed(void **state)
{
    struct world *w = *state;
    int fds[2];
    client(fds, false);
    struct hasher_job *j = hasher_admit(w->h, "192.0.2.1", fds[0]);
    assert_int_equal(hasher_hash(j, HASHER_NEW, "salasana-123", done_cb, pending(w, 0)), 0);
    j = hasher_admit(w->h, "192.0.2.1", -1);
    assert_int_equal(hasher_hash(j, HASHER_NEW, "salasana-123", done_cb, pending(w, 1)), 0);
    run_until(w, 2);
    assert_int_equal(w->outcomes[0], HASHER_OK);
    assert_true(w->hashed[0]);
    assert_int_equal(w->outcomes[1], HASHER_OK);
    close_client(fds);
}

static void test_gone_client_is_not_hashed(void **state)
{
    struct world *w = *state;
    int fds[2][2];
    client(fds[0], true);
    client(fds[1], true);
    struct hasher_job *j = hasher_admit(w->h, "192.0.2.1", fds[0][0]);
    assert_int_equal(hasher_hash(j, HASHER_NEW, "salasana-123", done_cb, pending(w, 0)), 0);
    queue_verify(w, "192.0.2.1", fds[1][0], HASHER_CLEAN, 1);
    run_until(w, 2);
    assert_int_equal(w->outcomes[0], HASHER_GONE);
    assert_false(w->hashed[0]);
    assert_int_equal(w->outcomes[1], HASHER_GONE);
    close_client(fds[0]);
    close_client(fds[1]);
}

/* A client that leaves while its password is being hashed is gone too: the
 * hash is thrown away. The marker runs after the hash job on the one thread,
 * so when it has written, the hash is done and the loop has not yet seen it. */
static void test_client_gone_during_hashing(void **state)
{
    struct world *w = *state;
    int fds[2];
    char c;
    client(fds, false);
    struct hasher_job *j = hasher_admit(w->h, "192.0.2.1", fds[0]);
    assert_int_equal(hasher_hash(j, HASHER_NEW, "salasana-123", done_cb, pending(w, 0)), 0);
    background_run(w->lane[FAST], marker_work, nothing, w);
    assert_int_equal(read(w->marker[0], &c, 1), 1);
    close(fds[1]);
    fds[1] = -1;
    run_until(w, 1);
    assert_int_equal(w->outcomes[0], HASHER_GONE);
    assert_false(w->hashed[0]);
    close_client(fds);
}

static void test_a_half_closed_client_is_gone(void **state)
{
    struct world *w = *state;
    int fds[2];
    client(fds, false);
    shutdown(fds[1], SHUT_WR);
    queue_verify(w, "192.0.2.1", fds[0], HASHER_CLEAN, 0);
    run_until(w, 1);
    assert_int_equal(w->outcomes[0], HASHER_GONE);
    close_client(fds);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    hasher_init(2); /* this test is worker 0; row 1 plays another worker */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_admit_caps_per_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tier_cap_then_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_most_trusted_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_congested_tier_serves_newest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_with_company_waits_with_suspects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_company_on_another_worker_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_company_that_has_left_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admission_counts_all_workers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_lane_passes_suspects_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_jobs_are_answered_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_login_passes_a_running_suspect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_living_client_is_hashed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gone_client_is_not_hashed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_gone_during_hashing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_half_closed_client_is_gone, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
