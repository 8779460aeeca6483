/* SPDX-License-Identifier: Apache-2.0 */
/* What the coordinator's sessions pages (web-pages-coord-sessions.c) and
 * signups pages (web-pages-coord-signups.c) share: a session in words, a
 * form's fields and its error summary, and the 303 after a form. */
#ifndef PIIRI_WEB_COORD_SESSIONS_H
#define PIIRI_WEB_COORD_SESSIONS_H

#include "http.h"

#include <jansson.h>

/* A session (web_ms_session_json) as the coordinator's pages show it: when
 * in words, its group and place, cancelled with its reason or moved from
 * when, seats taken and free, the waitlist, and the links to who is coming,
 * cancelling and moving it (from: "group" when the links are followed from
 * the group's page, so that the forms come back there); new. */
json_t *web_ms_session_view(const json_t *session, const char *lang, const char *from);

/* A form's field for form-field.mustache: an input of type (or a textarea
 * for type "textarea"), labelled and hinted from the catalogs (label_key,
 * hint_key or NULL), with value and, when errs blames name, its message;
 * new. errs: [{field, key}]. */
json_t *web_ms_field(const char *name, const char *type, const char *label_key, const char *hint_key,
    const char *value, const json_t *errs, const char *lang);
/* The error summary of errs ([{field, key}]) into view (errors, has_errors). */
void web_ms_errors(json_t *view, const json_t *errs, const char *lang);
/* Add {field, key} to errs. */
void web_ms_blame(json_t *errs, const char *field, const char *key);

/* A form field sent (ctx->body), or NULL. */
const char *web_ms_sent(const struct req_ctx *ctx, const char *name);
/* "2026-12-01" and "18:00" as a form sends them: a real day, a real time. */
bool web_ms_day_ok(const char *s);
bool web_ms_time_ok(const char *s);

#endif
