/* SPDX-License-Identifier: Apache-2.0 */
/* Query-string parameters, checked: each returns non-zero with inv filled
 * when the value is present but wrong, and leaves NULL/false when absent. */
#ifndef PIIRI_QUERY_PARAMS_H
#define PIIRI_QUERY_PARAMS_H

#include "http.h"
#include "validate.h"

#include <stdbool.h>
#include <stddef.h>

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
/* The same for rows keyed by a bigserial: "<time>|<number>", the number 1 to
 * 18 digits (written to id as text). */
int query_serial_cursor(struct req_ctx *ctx, const char *name, char time[QUERY_CURSOR_TIME_LEN], char id[37],
    bool *present, struct invalid *inv);
/* A cursor of a ranked listing: base64url of "<rank>|<time>|<id>", the rank
 * a decimal number (at most QUERY_CURSOR_RANK_LEN - 1 characters). */
#define QUERY_CURSOR_RANK_LEN 24
int query_ranked_cursor(struct req_ctx *ctx, const char *name, char rank[QUERY_CURSOR_RANK_LEN],
    char time[QUERY_CURSOR_TIME_LEN], char id[37], bool *present, struct invalid *inv);
/* The first query parameter whose name is not in known (NULL-terminated),
 * or NULL; query_reply_unknown answers 400 unknown_parameter naming it. */
const char *query_unknown(struct req_ctx *ctx, const char *const *known);
void query_reply_unknown(struct req_ctx *ctx, const char *name);
/* A filter: compared without regard to case and the spaces around it, so
 * written to buf (cap bytes) trimmed, ASCII letters in lower case; *out is
 * buf, or NULL when absent. With choices (NULL-terminated), it must be one
 * of them. Empty after trimming, or longer than max_chars, is refused. */
int query_filter(struct req_ctx *ctx, const char *name, size_t max_chars, const char *const *choices,
    char *buf, size_t cap, const char **out, struct invalid *inv);
/* The cursor for key "<time>|<id>" (new). */
char *query_cursor_encode(const char *key);

#endif
