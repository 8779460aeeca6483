/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for query-string parameters (query-params.c): the input
 * is a query string, decoded by libevent as http.c does, then read as every
 * kind of parameter the API takes. What is accepted is what the SQL may be
 * given: valid UTF-8 within its length, one of the choices, a UTC time in the
 * one text form, a number in its bounds, a cursor that decodes to a UTC time
 * and an id and encodes back to itself. */
#include "query-params.h"

#include "cal.h"

#include <event2/keyvalq_struct.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static void fuzz_text(struct req_ctx *ctx)
{
    static const char *const kinds[] = { "peer_group", "family_cafe", "camp", NULL };
    const char *v;
    struct invalid inv = { NULL, NULL };
    if (query_text(ctx, "q", 200, &v, &inv) == 0) {
        if (v != NULL)
            check(*v != '\0' && utf8_valid(v, strlen(v)) && utf8_chars(v) <= 200);
    } else
        check(strcmp(inv.field, "q") == 0 && v == NULL);
    if (query_choice(ctx, "kind", kinds, &v, &inv) == 0 && v != NULL) {
        bool known = false;
        for (const char *const *k = kinds; *k; k++)
            known |= strcmp(*k, v) == 0;
        check(known);
    }
}

/* "YYYY-MM-DDTHH:MM:SSZ", which reads back. */
static void fuzz_time(struct req_ctx *ctx)
{
    char out[32];
    bool present;
    struct invalid inv = { NULL, NULL };
    int64_t t;
    if (query_time(ctx, "from", out, &present, &inv) != 0) {
        check(strcmp(inv.field, "from") == 0 && !present);
        return;
    }
    if (!present)
        return;
    check(strlen(out) == 20 && digits(out, 4) && out[4] == '-' && digits(out + 5, 2) && out[7] == '-' &&
        digits(out + 8, 2) && out[10] == 'T' && digits(out + 11, 2) && out[13] == ':' && digits(out + 14, 2) &&
        out[16] == ':' && digits(out + 17, 2) && out[19] == 'Z');
    check(cal_parse_rfc3339(out, &t) == 0);
}

static void fuzz_int(struct req_ctx *ctx)
{
    const char *v = http_query_param(ctx, "limit");
    int n;
    if (v != NULL && query_int(v, 1, 100, &n) == 0) {
        char back[16];
        check(n >= 1 && n <= 100);
        snprintf(back, sizeof(back), "%d", n);
        /* strtol also takes leading space, a sign and leading zeros. */
        size_t len = strlen(v), blen = strlen(back);
        check(len >= blen && strcmp(v + len - blen, back) == 0);
    }
}

static void fuzz_cursor(struct req_ctx *ctx)
{
    char time[QUERY_CURSOR_TIME_LEN], id[37], key[QUERY_CURSOR_TIME_LEN + 37];
    bool present;
    struct invalid inv = { NULL, NULL };
    int64_t t;
    if (query_cursor(ctx, "cursor", time, id, &present, &inv) != 0) {
        check(strcmp(inv.field, "cursor") == 0 && !present);
        return;
    }
    if (!present)
        return;
    size_t n = strlen(time);
    check(n > 0 && time[n - 1] == 'Z' && cal_parse_rfc3339(time, &t) == 0);
    check(valid_uuid(id, strlen(id)));
    snprintf(key, sizeof(key), "%s|%s", time, id);
    char *again = query_cursor_encode(key);
    check(strcmp(again, http_query_param(ctx, "cursor")) == 0);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *qs = malloc(size + 1);
    struct evkeyvalq *query = calloc(1, sizeof(*query));
    if (qs == NULL || query == NULL)
        abort();
    memcpy(qs, data, size);
    qs[size] = '\0';
    /* As http_query_param parses it on first use. */
    TAILQ_INIT(query);
    if (evhttp_parse_query_str(qs, query) != 0)
        evhttp_clear_headers(query);
    struct req_ctx ctx = { .query = query };
    fuzz_text(&ctx);
    fuzz_time(&ctx);
    fuzz_int(&ctx);
    fuzz_cursor(&ctx);
    evhttp_clear_headers(query);
    free(query);
    free(qs);
    return 0;
}
