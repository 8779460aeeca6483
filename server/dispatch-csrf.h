/* SPDX-License-Identifier: Apache-2.0 */
/* The pipeline's refusal of cross-site requests (the dispatch module).
 *
 * A browser sends the session cookie by itself, also when another site
 * makes it send a form or a fetch to Piiri. So a cookie-authenticated
 * request that changes something (POST, PUT, PATCH, DELETE) must prove it
 * comes from a page Piiri rendered: it carries the session's CSRF token
 * (token_csrf: the form's hidden "csrf" field, or the X-CSRF-Token header
 * for a script's JSON call), and its Origin, when the browser sends one, is
 * Piiri's own public URL. Bearer requests are never asked: no browser sends
 * a bearer token by itself.
 *
 * The sign-in and registration forms are sent before there is a session,
 * so there is no token to check: their Origin (every current browser sends
 * one on a form POST) must be Piiri's and Sec-Fetch-Site, when sent, must
 * not be another site. That keeps another site from signing a browser
 * into an account of its choosing, needs no state before sign-in, and
 * leaves a client without a browser (curl, the tests) free to post forms. */
#ifndef PIIRI_DISPATCH_CSRF_H
#define PIIRI_DISPATCH_CSRF_H

#include "http.h"

#include <stdbool.h>
#include <stddef.h>

/* An unsafe form request's Origin and Sec-Fetch-Site; false when it
 * replied 403 csrf_failed. Safe methods always pass. */
bool dispatch_csrf_origin_passed(struct req_ctx *ctx);
/* A request authenticated by the session cookie (token, len): fills
 * ctx->csrf, and for an unsafe method checks Origin and the token (then
 * drops the form's "csrf" field); false when it replied 403 csrf_failed. */
bool dispatch_csrf_passed(struct req_ctx *ctx, const char *token, size_t len);

#endif
