/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for page-cache.c: what is kept, for how long, what a change to
 * the data drops, and which page goes when the table is full. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "feed-cache.h"
#include "page-cache.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct page_entry *entry(const char *text)
{
    struct page_entry *e = xcalloc(1, sizeof(*e));
    snprintf(e->lang, sizeof(e->lang), "fi");
    e->plain = xstrdup(text);
    e->plain_len = strlen(text);
    return e;
}

/* Put TEXT under KEY, asserting it was kept. */
static void keep(const char *key, const char *text)
{
    struct page_entry *e = entry(text);
    if (!page_cache_put(key, e, page_cache_generation())) {
        page_entry_free(e);
        fail_msg("%s was not kept", key);
    }
}

static void assert_kept(const char *key, const char *text)
{
    const struct page_entry *e = page_cache_get(key);
    if (e == NULL)
        fail_msg("%s is gone", key);
    assert_string_equal(e->plain, text);
}

static int setup(void **state)
{
    feed_cache_enabled = true;
    page_cache_configure(60000);
    return 0;
}

static int teardown(void **state)
{
    page_cache_free();
    return 0;
}

static void test_a_kept_page_is_found_by_its_whole_address(void **state)
{
    keep("/fi/?q=kahvila", "kahvilat");
    keep("/fi/", "etusivu");
    assert_kept("/fi/?q=kahvila", "kahvilat");
    assert_kept("/fi/", "etusivu");
    assert_null(page_cache_get("/fi/?q=kahvil"));
    assert_null(page_cache_get("/sv/"));
}

static void test_a_change_to_the_data_drops_what_was_kept(void **state)
{
    keep("/fi/groups/1", "vanha");
    uint64_t before = page_cache_generation();
    feed_cache_invalidate();
    assert_null(page_cache_get("/fi/groups/1"));
    /* A render begun before the change is not kept after it. */
    struct page_entry *late = entry("rendered before the change");
    assert_false(page_cache_put("/fi/groups/1", late, before));
    page_entry_free(late);
    assert_null(page_cache_get("/fi/groups/1"));
}

static void test_nothing_is_kept_while_changes_go_unheard(void **state)
{
    keep("/fi/", "etusivu");
    feed_cache_enabled = false; /* the LISTEN connection is down */
    assert_null(page_cache_get("/fi/"));
    struct page_entry *e = entry("etusivu");
    assert_false(page_cache_put("/fi/", e, page_cache_generation()));
    page_entry_free(e);
    feed_cache_enabled = true;
}

static void test_a_page_is_kept_no_longer_than_the_ttl(void **state)
{
    page_cache_configure(30);
    keep("/fi/", "etusivu");
    assert_kept("/fi/", "etusivu");
    nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000000L }, NULL);
    assert_null(page_cache_get("/fi/"));
    page_cache_configure(0); /* off */
    assert_false(page_cache_active());
}

static void test_a_full_table_lets_the_least_recently_used_go(void **state)
{
    char key[32];
    for (int i = 0; i < 256; i++) {
        snprintf(key, sizeof(key), "/fi/groups/%d", i);
        keep(key, key);
    }
    assert_kept("/fi/groups/0", "/fi/groups/0"); /* read again: now the freshest */
    keep("/fi/groups/256", "/fi/groups/256");  /* the table was full */
    assert_kept("/fi/groups/0", "/fi/groups/0");
    assert_null(page_cache_get("/fi/groups/1"));
    assert_kept("/fi/groups/2", "/fi/groups/2");
    assert_kept("/fi/groups/256", "/fi/groups/256");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_kept_page_is_found_by_its_whole_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_change_to_the_data_drops_what_was_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_is_kept_while_changes_go_unheard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_page_is_kept_no_longer_than_the_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_full_table_lets_the_least_recently_used_go, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
