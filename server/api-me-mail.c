/* SPDX-License-Identifier: Apache-2.0 */
/* A person's mail preferences: the language of their mail, reminders on
 * or off, and which of the other messages they get (docs/mail.md). Account
 * messages (verification, reset, sign-in link) are asked for and always
 * sent. SQL: api_me_mail, api_me_mail_update (mail-links.sql). */
#include "api.h"

#include "log.h"
#include "principal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The messages that can be turned off: mail_optional_kinds() in SQL. */
static const char *const optional_kinds[] = { "signup_confirmed", "signup_waitlisted",
    "signup_promoted", "session_cancelled", "session_moved", "schedule_changed", "pairing_proposed",
    "pairing_accepted", NULL };

static const char *const languages[] = { "fi", "sv", "en", NULL };

void api_me_mail_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_me_mail($1)", 1, params, 200);
}

static bool known_kind(const char *k)
{
    for (size_t i = 0; optional_kinds[i] != NULL; i++) {
        if (strcmp(optional_kinds[i], k) == 0)
            return true;
    }
    return false;
}

/* Every member a change may have, of its type; -1 and *inv otherwise. */
static int check_change(json_t *body, struct invalid *inv)
{
    const char *key, *lang;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "language") == 0) {
            if (json_require_enum(body, key, languages, &lang, inv) != 0)
                return -1;
        } else if (strcmp(key, "reminders") == 0) {
            if (!json_is_boolean(v)) {
                *inv = (struct invalid) { "reminders", "must be true or false" };
                return -1;
            }
        } else if (strcmp(key, "messages") == 0) {
            const char *kind;
            json_t *on;
            if (!json_is_object(v)) {
                *inv = (struct invalid) { "messages", "must be an object of message kinds and true or false" };
                return -1;
            }
            json_object_foreach(v, kind, on) {
                if (!known_kind(kind) || !json_is_boolean(on)) {
                    *inv = (struct invalid) { "messages",
                        known_kind(kind) ? "must hold true or false" : "names a message that cannot be turned off" };
                    return -1;
                }
            }
        } else {
            *inv = (struct invalid) { key, "is not a mail preference" };
            return -1;
        }
    }
    return 0;
}

void api_me_mail_patch(struct req_ctx *ctx)
{
    struct invalid inv;
    if (check_change(ctx->body, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    char *change = json_dumps(ctx->body, JSON_COMPACT);
    if (change == NULL)
        fatalx("out of memory");
    const char *params[] = { ctx->principal->person_id, change };
    api_query_json(ctx, "SELECT api_me_mail_update($1, $2)", 2, params, 200);
    free(change);
}
