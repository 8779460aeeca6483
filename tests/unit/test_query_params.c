/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for query-params.c: times within years 1 to 9999 in UTC with a
 * four-digit year, numbers in bounds, and paging cursors that decode only to
 * what the server writes (a UTC time and an id, nothing after it). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "query-params.h"

#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#define ID "0b5c2f7e-3d8a-4c1e-9f6b-2a7d8e9c1b3f"

/* A request context whose query string is qs, parsed as http_query_param does. */
static struct req_ctx *ctx_with(const char *qs)
{
    struct req_ctx *ctx = calloc(1, sizeof(*ctx));
    assert_non_null(ctx);
    ctx->query = calloc(1, sizeof(*ctx->query));
    assert_non_null(ctx->query);
    TAILQ_INIT(ctx->query);
    assert_int_equal(evhttp_parse_query_str(qs, ctx->query), 0);
    return ctx;
}

static void ctx_free(struct req_ctx *ctx)
{
    evhttp_clear_headers(ctx->query);
    free(ctx->query);
    free(ctx);
}

/* query_time on "from=<text>": 0 with out, or -1. */
static int time_of(const char *text, char out[32])
{
    char *qs = malloc(strlen(text) + 6);
    assert_non_null(qs);
    strcpy(qs, "from=");
    strcat(qs, text);
    struct req_ctx *ctx = ctx_with(qs);
    struct invalid inv = { NULL, NULL };
    bool present;
    int rc = query_time(ctx, "from", out, &present, &inv);
    assert_true(rc == 0 ? present : !present && strcmp(inv.field, "from") == 0);
    ctx_free(ctx);
    free(qs);
    return rc;
}

static void test_times(void **state)
{
    char out[32];
    assert_int_equal(time_of("2027-01-05T18:00:00%2B02:00", out), 0);
    assert_string_equal(out, "2027-01-05T16:00:00Z");
    assert_int_equal(time_of("2027-01-05", out), 0); /* midnight in Helsinki */
    assert_string_equal(out, "2027-01-04T22:00:00Z");
    /* Years before 1000 keep four digits: "1-01-01..." is 2001 to PostgreSQL. */
    assert_int_equal(time_of("0001-01-01T00:00:00Z", out), 0);
    assert_string_equal(out, "0001-01-01T00:00:00Z");
    assert_int_equal(time_of("0999-12-31T23:59:59Z", out), 0);
    assert_string_equal(out, "0999-12-31T23:59:59Z");
    assert_int_equal(time_of("9999-12-31T23:59:59Z", out), 0);
    assert_string_equal(out, "9999-12-31T23:59:59Z");
    /* Outside years 1 to 9999 in UTC. */
    assert_int_equal(time_of("0001-01-01", out), -1);
    assert_int_equal(time_of("0001-01-01T00:00:00%2B00:01", out), -1);
    assert_int_equal(time_of("9999-12-31T23:59:59-00:01", out), -1);
    assert_int_equal(time_of("huomenna", out), -1);
}

static void test_int(void **state)
{
    int n = 0;
    assert_int_equal(query_int("50", 1, 100, &n), 0);
    assert_int_equal(n, 50);
    assert_int_equal(query_int("101", 1, 100, &n), -1);
    assert_int_equal(query_int("0", 1, 100, &n), -1);
    assert_int_equal(query_int("5x", 1, 100, &n), -1);
    assert_int_equal(query_int("", 1, 100, &n), -1);
    assert_int_equal(query_int("99999999999999999999", 1, 100, &n), -1);
}

/* query_cursor on the cursor for key (given as bytes, NULs allowed). */
static int cursor_of(const char *key, size_t len, char time[QUERY_CURSOR_TIME_LEN], char id[37])
{
    char *raw = malloc(len + 1), qs[256];
    assert_non_null(raw);
    memcpy(raw, key, len);
    raw[len] = '\0';
    /* query_cursor_encode stops at a NUL, so encode the bytes whole here. */
    char *cursor = malloc(sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    assert_non_null(cursor);
    sodium_bin2base64(cursor, sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
        (const unsigned char *)raw, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(qs, sizeof(qs), "cursor=%s", cursor);
    struct req_ctx *ctx = ctx_with(qs);
    struct invalid inv = { NULL, NULL };
    bool present;
    int rc = query_cursor(ctx, "cursor", time, id, &present, &inv);
    assert_true(rc == 0 ? present : !present && strcmp(inv.field, "cursor") == 0);
    ctx_free(ctx);
    free(cursor);
    free(raw);
    return rc;
}

static void test_cursor(void **state)
{
    char time[QUERY_CURSOR_TIME_LEN], id[37];
    const char *key = "2026-12-02T00:47:15.123456Z|" ID;
    assert_int_equal(cursor_of(key, strlen(key), time, id), 0);
    assert_string_equal(time, "2026-12-02T00:47:15.123456Z");
    assert_string_equal(id, ID);
    /* An offset (PostgreSQL takes none past 15:59), a NUL and more after the
     * id, a time that is not one, a short id. */
    const char *offset = "2027-01-05T18:00:00+16:00|" ID;
    assert_int_equal(cursor_of(offset, strlen(offset), time, id), -1);
    const char nul[] = "2026-12-02T00:47:15Z|" ID "\0junk";
    assert_int_equal(cursor_of(nul, sizeof(nul) - 1, time, id), -1);
    const char *not_time = "2026-02-30T00:00:00Z|" ID;
    assert_int_equal(cursor_of(not_time, strlen(not_time), time, id), -1);
    const char *short_id = "2026-12-02T00:47:15Z|0b5c2f7e";
    assert_int_equal(cursor_of(short_id, strlen(short_id), time, id), -1);
    /* A time longer than the room for it. */
    const char *long_time = "2026-12-02T00:47:15.1234567890123456789012Z|" ID;
    assert_int_equal(cursor_of(long_time, strlen(long_time), time, id), -1);
}

static void test_cursor_round_trip(void **state)
{
    char time[QUERY_CURSOR_TIME_LEN], id[37], qs[256];
    char *cursor = query_cursor_encode("2027-01-05T16:00:00Z|" ID);
    snprintf(qs, sizeof(qs), "cursor=%s", cursor);
    struct req_ctx *ctx = ctx_with(qs);
    struct invalid inv;
    bool present;
    assert_int_equal(query_cursor(ctx, "cursor", time, id, &present, &inv), 0);
    assert_true(present);
    assert_string_equal(time, "2027-01-05T16:00:00Z");
    ctx_free(ctx);
    free(cursor);
    ctx = ctx_with("limit=5");
    assert_int_equal(query_cursor(ctx, "cursor", time, id, &present, &inv), 0);
    assert_false(present);
    ctx_free(ctx);
}

/* query_serial_cursor on "cursor=<base64url of key>": 0 with id, or -1. */
static int serial_cursor_of(const char *key, char id[37])
{
    char time[QUERY_CURSOR_TIME_LEN], qs[256];
    char *cursor = query_cursor_encode(key);
    snprintf(qs, sizeof(qs), "cursor=%s", cursor);
    struct req_ctx *ctx = ctx_with(qs);
    struct invalid inv = { NULL, NULL };
    bool present;
    int rc = query_serial_cursor(ctx, "cursor", time, id, &present, &inv);
    assert_true(rc == 0 ? present && strcmp(time, "2026-11-23T00:05:00.123456Z") == 0
                        : !present && strcmp(inv.field, "cursor") == 0);
    ctx_free(ctx);
    free(cursor);
    return rc;
}

/* A row number reaches SQL as a bigint: digits only, no leading zero, no
 * more than a bigint holds; a UUID cursor is not one, nor the other way. */
static void test_serial_cursor(void **state)
{
    char id[37], time[QUERY_CURSOR_TIME_LEN];
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|42", id), 0);
    assert_string_equal(id, "42");
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|999999999999999999", id), 0);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|9999999999999999999", id), -1);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|042", id), -1);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|-1", id), -1);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|4 2", id), -1);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|", id), -1);
    assert_int_equal(serial_cursor_of("2026-11-23T00:05:00.123456Z|" ID, id), -1);
    const char *numbered = "2026-11-23T00:05:00.123456Z|42";
    assert_int_equal(cursor_of(numbered, strlen(numbered), time, id), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_cursor_round_trip),
        cmocka_unit_test(test_serial_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
