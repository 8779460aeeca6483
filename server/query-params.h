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

/* A paging cursor: base64url of "<time>|<id>", the sort key of the last row
 * a page showed (an RFC 3339 time as the database wrote it, and a UUID).
 * query_cursor gives back both texts as they were encoded; a cursor that
 * does not decode to that shape is refused ("is not a cursor this server
 * gave out"). */
#define QUERY_CURSOR_TIME_LEN 40 /* the time text and its NUL */
int query_cursor(struct req_ctx *ctx, const char *name, char time[QUERY_CURSOR_TIME_LEN], char id[37],
    bool *present, struct invalid *inv);
/* The cursor for key "<time>|<id>" (new). */
char *query_cursor_encode(const char *key);

#endif
