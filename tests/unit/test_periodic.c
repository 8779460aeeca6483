/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for periodic.c on a real loop: one timer for the whole table,
 * first rounds and cadence, a running round skipping its turn, a full batch
 * going on at once, draining and stopping. Bounds on counts are loose where
 * they depend on the clock, so a loaded machine does not fail them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "periodic.h"
#include "util.h"

#include <event2/event.h>

enum { A, B, MAX_JOBS };

static struct event_base *base;
static struct server srv;
static int runs[MAX_JOBS];
static int again_until;                 /* a job asks for more until it ran this often */
static bool keep_running;               /* jobs leave their round open */
static struct periodic_round *open_round[MAX_JOBS];

static void job_run(int which, struct periodic_round *round)
{
    runs[which]++;
    if (keep_running) {
        open_round[which] = round;
        return;
    }
    periodic_done(round, runs[which] < again_until);
}

static void run_a(struct periodic_round *round)
{
    job_run(A, round);
}

static void run_b(struct periodic_round *round)
{
    job_run(B, round);
}

static void loop_for(int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

static int setup(void **state)
{
    (void)state;
    base = event_base_new();
    srv = (struct server) { .base = base };
    for (int i = 0; i < MAX_JOBS; i++) {
        runs[i] = 0;
        open_round[i] = NULL;
    }
    again_until = 0;
    keep_running = false;
    return base == NULL;
}

static int teardown(void **state)
{
    (void)state;
    event_base_free(base);
    return 0;
}

static void test_one_timer_for_the_table(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = {
        { "a", 1, 5, false, run_a },
        { "b", 2, 7, false, run_b },
        { "c", 10000, 10000, false, run_b },
    };
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 1);
    loop_for(40);
    assert_true(runs[A] >= 1);
    assert_true(runs[B] >= 1);
    assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 1);
    periodic_stop(p);
    assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 0);
    periodic_free(p);
}

static void test_first_round_then_cadence(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = {
        { "soon", 5, 20, false, run_a },
        { "later", 10000, 10, false, run_b },
    };
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(120);
    /* Turns the loop missed are skipped, never made up. */
    assert_true(runs[A] >= 1 && runs[A] <= 7);
    assert_int_equal(runs[B], 0); /* its first round is ten seconds away */
    periodic_stop(p);
    periodic_free(p);
}

static void test_a_running_round_skips_its_turn(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = { { "slow", 1, 5, false, run_a } };
    keep_running = true;
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(60);
    assert_int_equal(runs[A], 1); /* a dozen turns came, the round was still running */
    keep_running = false;
    periodic_done(open_round[A], false);
    loop_for(200);
    assert_true(runs[A] >= 2);
    periodic_stop(p);
    periodic_free(p);
}

static void test_a_full_batch_goes_on_at_once(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = { { "batches", 1, 100000, false, run_a } };
    again_until = 4;
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(50);
    assert_int_equal(runs[A], 4); /* one turn, four rounds */
    periodic_stop(p);
    periodic_free(p);
}

static void test_draining_runs_only_the_jobs_that_may(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = {
        { "database", 1, 5, false, run_a },
        { "gauges", 1, 5, true, run_b },
    };
    srv.draining = true;
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(40);
    assert_int_equal(runs[A], 0);
    assert_true(runs[B] >= 1);
    periodic_stop(p);
    periodic_free(p);
}

static void test_draining_ends_a_run_of_batches(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = { { "batches", 1, 100000, false, run_a } };
    keep_running = true;
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(30);
    assert_int_equal(runs[A], 1);
    srv.draining = true;
    periodic_done(open_round[A], true); /* "there may be more", but the worker drains */
    assert_int_equal(runs[A], 1);
    periodic_stop(p);
    periodic_free(p);
}

static void test_stopping_lets_a_round_only_clean_up(void **state)
{
    (void)state;
    const struct periodic_job jobs[] = { { "slow", 1, 5, false, run_a } };
    keep_running = true;
    struct periodic *p = periodic_start(&srv, jobs, ARRAY_LEN(jobs));
    loop_for(30);
    assert_int_equal(runs[A], 1);
    assert_false(periodic_stopping(open_round[A]));
    periodic_stop(p);
    assert_true(periodic_stopping(open_round[A]));
    periodic_done(open_round[A], true);
    loop_for(30);
    assert_int_equal(runs[A], 1);
    periodic_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_timer_for_the_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_round_then_cadence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_running_round_skips_its_turn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_full_batch_goes_on_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draining_runs_only_the_jobs_that_may, setup, teardown),
        cmocka_unit_test_setup_teardown(test_draining_ends_a_run_of_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopping_lets_a_round_only_clean_up, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
