/* SPDX-License-Identifier: Apache-2.0 */
/* Query-string parameters, checked: each returns non-zero with inv filled
 * when the value is present but wrong, and leaves NULL/false when absent. */
#ifndef PIIRI_QUERY_PARAMS_H
#define PIIRI_QUERY_PARAMS_H

#include "http.h"
#include "validate.h"

#include <stdbool.h>

int query_text(struct req_ctx *ctx, const char *name, size_t max_chars, const char **out, struct invalid *inv);
int query_choice(struct req_ctx *ctx, const char *name, const char *const *choices, const char **out,
    struct invalid *inv);
/* RFC 3339 with offset, or a date YYYY-MM-DD (midnight in Europe/Helsinki);
 * written to out as UTC "YYYY-MM-DDTHH:MM:SSZ". */
int query_time(struct req_ctx *ctx, const char *name, char out[32], bool *present, struct invalid *inv);
int query_int(const char *text, int min, int max, int *out);

#endif
