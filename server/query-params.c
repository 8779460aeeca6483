/* SPDX-License-Identifier: Apache-2.0 */
/* Checked query-string parameters. evhttp has decoded them; they may still
 * hold anything, so UTF-8 and length are checked before they reach SQL. */
#include "query-params.h"

#include "cal.h"
#include "occurrences.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
