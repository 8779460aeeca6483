/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for piiri's argument parsing (clients/cli/args.c) and its command
 * table: options with values, lists up to the next option, "--", the global
 * options after the command, and every command's own usage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "args.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct arg_spec specs[] = {
    { "from", ARG_VALUE, "DATE", "" },
    { "csv", ARG_FLAG, NULL, "" },
    { "present", ARG_LIST, "PERSON", "" },
    { "absent", ARG_LIST, "PERSON", "" },
    { NULL, 0, NULL, NULL },
};

/* Parses the words of LINE (split at spaces); returns args_parse's result. */
static int parse(struct args *a, char *line, char **cause)
{
    char *words[32];
    int n = 0;
    for (char *w = strtok(line, " "); w && n < 32; w = strtok(NULL, " "))
        words[n++] = w;
    *cause = NULL;
    return args_parse(a, specs, n, words, cause);
}

static void test_values_flags_and_positionals(void **state)
{
    struct args a;
    char *cause, line[] = "ORG --from 2026-10-01 --csv --json --server=http://x:1";
    assert_int_equal(parse(&a, line, &cause), 0);
    assert_int_equal(a.npos, 1);
    assert_string_equal(a.pos[0], "ORG");
    assert_string_equal(args_value(&a, "from"), "2026-10-01");
    assert_true(args_flag(&a, "csv"));
    assert_true(args_flag(&a, "json"));
    assert_false(args_flag(&a, "help"));
    assert_string_equal(args_value(&a, "server"), "http://x:1");
    assert_null(args_value(&a, "to"));
    args_free(&a);
}

static void test_equals_and_last_wins(void **state)
{
    struct args a;
    char *cause, line[] = "--from=2026-01-01 --from 2026-02-02";
    assert_int_equal(parse(&a, line, &cause), 0);
    assert_string_equal(args_value(&a, "from"), "2026-02-02");
    args_free(&a);
}

static void test_lists_run_to_the_next_option(void **state)
{
    struct args a;
    int n;
    char *cause, line[] = "S1 --present a b c --absent d --json";
    assert_int_equal(parse(&a, line, &cause), 0);
    const char *const *p = args_list(&a, "present", &n);
    assert_int_equal(n, 3);
    assert_string_equal(p[0], "a");
    assert_string_equal(p[2], "c");
    p = args_list(&a, "absent", &n);
    assert_int_equal(n, 1);
    assert_string_equal(p[0], "d");
    assert_true(args_flag(&a, "json"));
    assert_int_equal(a.npos, 1);
    args_list(&a, "from", &n);
    assert_int_equal(n, 0);
    args_free(&a);
}

static void test_double_dash_ends_options(void **state)
{
    struct args a;
    char *cause, line[] = "--csv -- --from x";
    assert_int_equal(parse(&a, line, &cause), 0);
    assert_int_equal(a.npos, 2);
    assert_string_equal(a.pos[0], "--from");
    assert_null(args_value(&a, "from"));
    args_free(&a);
}

static void expect_error(const char *text, const char *message)
{
    struct args a;
    char *cause, line[128];
    snprintf(line, sizeof line, "%s", text);
    assert_int_equal(parse(&a, line, &cause), -1);
    assert_non_null(cause);
    assert_string_equal(cause, message);
    free(cause);
    args_free(&a);
}

static void test_errors_say_what_is_wrong(void **state)
{
    expect_error("--nope", "unknown option --nope");
    expect_error("--fro 1", "unknown option --fro");
    expect_error("--from", "--from needs a value (DATE)");
    expect_error("--csv=yes", "--csv takes no value");
    expect_error("--present --csv", "--present needs at least one PERSON");
    expect_error("a b c d e f g h i", "too many arguments");
}

static void test_numbers(void **state)
{
    long n;
    double h;
    char *cause = NULL;
    assert_int_equal(args_int("12", 0, 12, &n, &cause), 0);
    assert_int_equal(n, 12);
    assert_int_equal(args_int("13", 0, 12, &n, &cause), -1);
    assert_string_equal(cause, "'13' is not a whole number from 0 to 12");
    free(cause);
    assert_int_equal(args_int("", 0, 12, &n, &cause), -1);
    free(cause);
    assert_int_equal(args_int("1x", 0, 12, &n, &cause), -1);
    free(cause);
    assert_int_equal(args_number("1.5", 0, 10000, &h, &cause), 0);
    assert_true(h == 1.5);
    assert_int_equal(args_number("nan", 0, 10000, &h, &cause), -1);
    free(cause);
    assert_int_equal(args_number("-1", 0, 10000, &h, &cause), -1);
    free(cause);
}

/* Every command is found by its name, has a usage line and a summary that
 * fit an 80-column terminal's help, and takes no option twice. */
static void test_command_table(void **state)
{
    int count = 0;
    for (const struct cmd_entry *const *e = cmd_table; *e; e++, count++) {
        assert_ptr_equal(cmd_find((*e)->name), *e);
        assert_non_null((*e)->usage);
        assert_true(strlen((*e)->summary) + 15 <= 80);
        assert_true((*e)->min_pos <= (*e)->max_pos && (*e)->max_pos <= ARGS_MAX_POS);
        assert_non_null((*e)->exec);
        for (const struct arg_spec *s = (*e)->opts; s && s->name; s++)
            for (const struct arg_spec *g = args_global; g->name; g++)
                assert_string_not_equal(s->name, g->name);
    }
    assert_int_equal(count, 18);
    assert_null(cmd_find("frob"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_flags_and_positionals),
        cmocka_unit_test(test_equals_and_last_wins),
        cmocka_unit_test(test_lists_run_to_the_next_option),
        cmocka_unit_test(test_double_dash_ends_options),
        cmocka_unit_test(test_errors_say_what_is_wrong),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_command_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
