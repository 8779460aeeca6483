/* SPDX-License-Identifier: Apache-2.0 */
/* What the sign-in handlers share (api-auth.c): the hashing queue's
 * admission and its refusals, the throttles' answer and the password rule,
 * for registration and login (api-auth.c) and the links by email
 * (api-auth-links.c). */
#ifndef PIIRI_API_AUTH_H
#define PIIRI_API_AUTH_H

#include "db.h"
#include "hasher.h"
#include "http.h"
#include "validate.h"

#include <jansson.h>

/* A place in the hashing queue for this request's client; NULL after
 * replying 503 busy. */
struct hasher_job *api_auth_admit(struct req_ctx *ctx) __attribute__((warn_unused_result));
/* 503 busy with Retry-After: the hashing queue is full. */
void api_auth_reply_busy(struct req_ctx *ctx);
/* The client left while its password waited: logged and counted only. */
void api_auth_reply_gone(struct req_ctx *ctx);
/* A throttle statement's answer (its first column: seconds to wait, 0 when
 * not throttled); -1 after replying its error or 429 with message. */
int api_auth_throttle_passed(struct req_ctx *ctx, const struct db_result *r, const char *message);
/* The body's "password" under the rule for a new one (8 characters at
 * least, 1024 bytes at most); -1 and *inv otherwise. */
int api_auth_check_password(json_t *body, const char **out, struct invalid *inv);

#endif
