/* SPDX-License-Identifier: Apache-2.0 */
/* Checked query-string parameters. evhttp has decoded them; they may still
 * hold anything, so UTF-8 and length are checked before they reach SQL. */
#include "query-params.h"

#include "cal.h"
#include "occurrences.h"
#include "util.h"

#include <event2/keyvalq_struct.h>

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants whose UTC text
 * has the four-digit year PostgreSQL and every client read. */
#define TIME_FIRST (-62135596800LL)
#define TIME_LAST  253402300799LL

int query_text(struct req_ctx *ctx, const char *name, size_t max_chars, const char **out, struct invalid *inv)
{
    const char *v = http_query_param(ctx, name);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (*v == '\0' || !utf8_valid(v, strlen(v)) || utf8_chars(v) > max_chars) {
        *inv = (struct invalid) { name, *v == '\0' ? "is empty" : "is not valid text or is too long" };
        return -1;
    }
    *out = v;
    return 0;
}

int query_choice(struct req_ctx *ctx, const char *name, const char *const *choices, const char **out,
    struct invalid *inv)
{
    if (query_text(ctx, name, 64, out, inv) != 0)
        return -1;
    if (*out == NULL)
        return 0;
    for (const char *const *c = choices; *c; c++) {
        if (strcmp(*c, *out) == 0)
            return 0;
    }
    *inv = (struct invalid) { name, "is not one of the allowed values" };
    *out = NULL;
    return -1;
}

int query_time(struct req_ctx *ctx, const char *name, char out[32], bool *present, struct invalid *inv)
{
    const char *v;
    int64_t t;
    *present = false;
    if (query_text(ctx, name, 40, &v, inv) != 0)
        return -1;
    if (v == NULL)
        return 0;
    if (strlen(v) == 10 && v[4] == '-' && v[7] == '-') {
        char local[32];
        snprintf(local, sizeof(local), "%sT00:00:00", v);
        if (cal_local_to_utc(local, "Europe/Helsinki", &t) != 0)
            goto bad;
    } else if (cal_parse_rfc3339(v, &t) != 0)
        goto bad;
    if (t < TIME_FIRST || t > TIME_LAST) {
        /* Before year 1 in UTC the text would not be four digits of year. */
        *inv = (struct invalid) { name, "is out of range (years 1 to 9999 in UTC)" };
        return -1;
    }
    occurrences_format_utc(t, out);
    *present = true;
    return 0;
bad:
    *inv = (struct invalid) { name, "must be a date (YYYY-MM-DD) or an RFC 3339 time" };
    return -1;
}

int query_int(const char *text, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* The id after the bar: a UUID, or (serial) a row number as PostgreSQL's
 * bigserial writes it, 1 to 18 digits without a leading zero, so that it
 * reaches SQL as a bigint that cannot overflow. */
static bool cursor_id_valid(const char *id, bool serial)
{
    size_t n = strlen(id);
    if (!serial)
        return n == 36 && valid_uuid(id, 36);
    return n > 0 && n <= 18 && strspn(id, "0123456789") == n && id[0] != '0';
}

/* "<time>|<id>" at most 128 base64 characters long: 96 bytes decoded, and
 * no NUL byte inside (nothing may follow the id unseen). The
 * server writes the time in UTC ("...Z"); an offset is refused, since
 * PostgreSQL takes none beyond 15:59 and a cursor's time reaches it as is.
 * A ranked cursor starts with "<rank>|", the rank a decimal number. */
static int cursor_decode(const char *cursor, char rank[QUERY_CURSOR_RANK_LEN], char time[QUERY_CURSOR_TIME_LEN],
    char id[37], bool serial)
{
    unsigned char raw[96];
    size_t len, time_len;
    int64_t t;
    if (sodium_base642bin(raw, sizeof(raw) - 1, cursor, strlen(cursor), NULL, &len, NULL,
            sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[len] = '\0';
    const char *text = (const char *)raw;
    if (strlen(text) != len)
        return -1;
    if (rank != NULL) {
        size_t n = strspn(text, "0123456789."), dots = 0;
        for (size_t i = 0; i < n; i++)
            dots += text[i] == '.';
        if (n == 0 || n >= QUERY_CURSOR_RANK_LEN || dots > 1 || text[0] == '.' || text[n] != '|')
            return -1;
        memcpy(rank, text, n);
        rank[n] = '\0';
        text += n + 1;
    }
    const char *bar = strchr(text, '|');
    if (bar == NULL || (time_len = (size_t)(bar - text)) >= QUERY_CURSOR_TIME_LEN ||
        !cursor_id_valid(bar + 1, serial))
        return -1;
    memcpy(time, text, time_len);
    time[time_len] = '\0';
    if (time_len == 0 || time[time_len - 1] != 'Z' || cal_parse_rfc3339(time, &t) != 0)
        return -1;
    memcpy(id, bar + 1, strlen(bar + 1) + 1);
    return 0;
}

static int cursor_read(struct req_ctx *ctx, const char *name, char *rank, char time[QUERY_CURSOR_TIME_LEN],
    char id[37], bool serial, bool *present, struct invalid *inv)
{
    const char *v;
    *present = false;
    if (query_text(ctx, name, 128, &v, inv) != 0)
        return -1;
    if (v == NULL)
        return 0;
    if (cursor_decode(v, rank, time, id, serial) != 0) {
        *inv = (struct invalid) { name, "is not a cursor this server gave out" };
        return -1;
    }
    *present = true;
    return 0;
}

int query_cursor(struct req_ctx *ctx, const char *name, char time[QUERY_CURSOR_TIME_LEN], char id[37],
    bool *present, struct invalid *inv)
{
    return cursor_read(ctx, name, NULL, time, id, false, present, inv);
}

int query_serial_cursor(struct req_ctx *ctx, const char *name, char time[QUERY_CURSOR_TIME_LEN], char id[37],
    bool *present, struct invalid *inv)
{
    return cursor_read(ctx, name, NULL, time, id, true, present, inv);
}

int query_ranked_cursor(struct req_ctx *ctx, const char *name, char rank[QUERY_CURSOR_RANK_LEN],
    char time[QUERY_CURSOR_TIME_LEN], char id[37], bool *present, struct invalid *inv)
{
    return cursor_read(ctx, name, rank, time, id, false, present, inv);
}

const char *query_unknown(struct req_ctx *ctx, const char *const *known)
{
    http_query_param(ctx, ""); /* parses the query string */
    const struct evkeyval *kv;
    for (kv = ctx->query->tqh_first; kv != NULL; kv = kv->next.tqe_next) {
        const char *const *k = known;
        while (*k != NULL && strcmp(*k, kv->key) != 0)
            k++;
        if (*k == NULL)
            return kv->key;
    }
    return NULL;
}

void query_reply_unknown(struct req_ctx *ctx, const char *name)
{
    char message[200];
    bool printable = *name != '\0' && utf8_valid(name, strlen(name)) && utf8_chars(name) <= 60;
    snprintf(message, sizeof(message), "Unknown parameter %s.", printable ? name : "(unreadable)");
    http_reply_error(ctx, 400, "unknown_parameter", message, printable ? name : NULL);
}

/* v without the spaces and tabs around it, ASCII letters in lower case
 * (the values compared so are ASCII words, or folded again in SQL). */
static void fold_ascii(const char *v, char *out, size_t cap)
{
    size_t n = 0;
    while (*v == ' ' || *v == '\t')
        v++;
    for (; *v != '\0' && n + 1 < cap; v++)
        out[n++] = (*v >= 'A' && *v <= 'Z') ? (char)(*v - 'A' + 'a') : *v;
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

int query_filter(struct req_ctx *ctx, const char *name, size_t max_chars, const char *const *choices,
    char *buf, size_t cap, const char **out, struct invalid *inv)
{
    const char *v;
    *out = NULL;
    if (query_text(ctx, name, max_chars + 16, &v, inv) != 0)
        return -1;
    if (v == NULL)
        return 0;
    fold_ascii(v, buf, cap);
    if (buf[0] == '\0' || utf8_chars(buf) > max_chars || strlen(v) >= cap) {
        *inv = (struct invalid) { name, buf[0] == '\0' ? "is empty" : "is too long" };
        return -1;
    }
    for (const char *const *c = choices; c != NULL && *c != NULL; c++) {
        if (strcmp(*c, buf) == 0)
            break;
        if (c[1] == NULL) {
            *inv = (struct invalid) { name, "is not one of the allowed values" };
            return -1;
        }
    }
    *out = buf;
    return 0;
}

char *query_cursor_encode(const char *key)
{
    size_t len = strlen(key), cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(cap);
    sodium_bin2base64(out, cap, (const unsigned char *)key, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}
