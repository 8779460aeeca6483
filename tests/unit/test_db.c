/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for db-pool.c: which database errors are "not now" (503). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db.h"

/* The database cannot do the work now; nothing was written; try again. */
static void test_unavailable(void **state)
{
    static const char *const codes[] = {
        "08000", "08006", "08P01", /* connection lost; PgBouncer's own errors */
        "57P01", "57P02", "57P03", /* shutdown, crash, cannot connect now */
        "57014",                   /* statement_timeout */
        "40001", "40P01",          /* serialization failure, deadlock */
        "53000", "53100", "53200", "53300", "53400", /* disk full, out of memory, ... */
        "58030",                   /* I/O error */
        "25006",                   /* read-only transaction: read-only database or a standby */
    };
    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (!db_sqlstate_unavailable(codes[i]))
            fail_msg("%s is not treated as unavailable", codes[i]);
    }
}

/* Our statement or our data is wrong: a bug (500) or mapped by api.c. */
static void test_not_unavailable(void **state)
{
    static const char *const codes[] = {
        "23505", "23503", "23514", /* constraint violations */
        "22P02", "22007",          /* bad input */
        "42883", "42P01",          /* no such function or table: a bug */
        "XX000", "P0001",          /* internal error, plain RAISE */
        "PI404", "PI409", "PI422", /* raised by our SQL functions */
        "25001", "25P02",          /* other transaction states: a bug */
        "58P01",                   /* undefined file: not a passing condition */
        "",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (db_sqlstate_unavailable(codes[i]))
            fail_msg("%s is treated as unavailable", codes[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test(test_not_unavailable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
