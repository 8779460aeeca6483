/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for metrics-access.c: /metrics for loopback clients, or with
 * the configured bearer token; everyone else is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "metrics-access.h"

#include <sodium.h>

#define TOKEN "kF3q9xZ2-metrics-scrape-token"

static void test_loopback_addresses(void **state)
{
    static const char *const loopback[] = { "127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.255", "::1",
        "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::FFFF:127.9.8.7" };
    static const char *const outside[] = { "128.0.0.1", "126.255.255.255", "10.0.0.1", "192.0.2.2", "0.0.0.0",
        "::", "::2", "fe80::1", "fd00::2", "::ffff:10.0.0.1", "::ffff:128.0.0.1", "::127.0.0.1",
        "2001:db8::127.0.0.1", "unknown", "", "localhost", "127.0.0.1 ", " 127.0.0.1", "127.0.0", "127.0.0.1.1",
        "::1%lo", "127.0.0.1:8080" };
    for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
        if (!metrics_access_is_loopback(loopback[i]))
            fail_msg("%s is loopback", loopback[i]);
    }
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        if (metrics_access_is_loopback(outside[i]))
            fail_msg("\"%s\" is not loopback", outside[i]);
    }
}

static void test_loopback_needs_no_token(void **state)
{
    assert_int_equal(metrics_access_check("127.0.0.1", NULL, NULL), METRICS_ACCESS_ALLOWED);
    assert_int_equal(metrics_access_check("::1", NULL, TOKEN), METRICS_ACCESS_ALLOWED);
    assert_int_equal(metrics_access_check("::ffff:127.0.0.1", "Bearer wrong", TOKEN), METRICS_ACCESS_ALLOWED);
}

static void test_outside_without_a_configured_token(void **state)
{
    assert_int_equal(metrics_access_check("192.0.2.2", NULL, NULL), METRICS_ACCESS_FORBIDDEN);
    assert_int_equal(metrics_access_check("192.0.2.2", "Bearer " TOKEN, NULL), METRICS_ACCESS_FORBIDDEN);
    assert_int_equal(metrics_access_check("unknown", NULL, NULL), METRICS_ACCESS_FORBIDDEN);
}

static void test_outside_with_the_token(void **state)
{
    assert_int_equal(metrics_access_check("192.0.2.2", "Bearer " TOKEN, TOKEN), METRICS_ACCESS_ALLOWED);
    assert_int_equal(metrics_access_check("fd00::2", "bearer  " TOKEN "  ", TOKEN), METRICS_ACCESS_ALLOWED);
    static const char *const wrong[] = { NULL, "", "Bearer", "Bearer ", "Bearer  ", TOKEN, "Basic " TOKEN,
        "Bearer " TOKEN "x", "Bearer x" TOKEN, "Bearer kF3q9xZ2-metrics-scrape-toke",
        "Bearer KF3Q9XZ2-METRICS-SCRAPE-TOKEN", "Bearer " TOKEN " " TOKEN };
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        if (metrics_access_check("192.0.2.2", wrong[i], TOKEN) != METRICS_ACCESS_UNAUTHORIZED)
            fail_msg("Authorization [%s] must not open /metrics", wrong[i] ? wrong[i] : "(none)");
    }
}

static int setup(void **state)
{
    return sodium_init() < 0 ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback_addresses),
        cmocka_unit_test(test_loopback_needs_no_token),
        cmocka_unit_test(test_outside_without_a_configured_token),
        cmocka_unit_test(test_outside_with_the_token),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
