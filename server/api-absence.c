/* SPDX-License-Identifier: Apache-2.0 */
/* Absence notices: a confirmed participant tells the leaders in advance
 * that they will miss a session, with an optional reason the leaders see
 * (never a feed), and may withdraw it. Their personal feed shows the
 * session as not attending. Authorized on the session's facts. */
#include "api.h"
#include "principal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

/* The reason, trimmed (new; NULL when there is none or it is blank). */
static int absence_reason_read(json_t *body, char **out, struct invalid *inv)
{
    json_t *v = body ? json_object_get(body, "reason") : NULL;
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    *inv = (struct invalid) { "reason", "must be a string" };
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    while (len > 0 && isspace((unsigned char)*s))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0)
        return 0;
    char *r = xstrndup(s, len);
    if (utf8_chars(r) > REASON_MAX || !valid_display_name(r)) {
        inv->message = utf8_chars(r) > REASON_MAX ? "must be at most 500 characters"
                                                  : "must not contain control characters or text direction overrides";
        free(r);
        return -1;
    }
    *out = r;
    return 0;
}

static void absence_done_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *body = api_row_json(ctx, r);
    if (body == NULL)
        return;
    int status = json_is_true(json_object_get(body, "created")) ? 201 : 200;
    json_object_del(body, "created");
    http_reply_json(ctx, status, body);
}

void absence_give(struct req_ctx *ctx, const char *session_id, db_done_cb done)
{
    struct invalid inv;
    char *reason;
    if (absence_reason_read(ctx->body, &reason, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    ctx->state = reason;
    ctx->state_free = free;
    const char *params[] = { session_id, ctx->principal->person_id, reason };
    db_pool_query(ctx->srv->pool, "SELECT api_absence($1, $2, $3)", 3, params, done, ctx);
}

void api_absence_create(struct req_ctx *ctx)
{
    absence_give(ctx, ctx->params[0], absence_done_cb);
}

/* DELETE: withdrawn (204 also when there was nothing to withdraw). */
void api_absence_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_absence_withdraw($1, $2)", 2, params);
}
