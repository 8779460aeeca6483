/* SPDX-License-Identifier: Apache-2.0 */
/* The web client's sign-in, registration and sign-out forms (POST
 * /{lang}/signin, /{lang}/register, /{lang}/signout): the API's own login
 * and registration steps (api.h), answered with a session cookie and a
 * redirect (303, POST-redirect-GET) instead of JSON. The cookie: HttpOnly,
 * SameSite=Lax, Path=/, for as long as a sign-in token lives, and
 * __Host-prefixed and Secure when the public URL is https (principal.h). */
#ifndef PIIRI_WEB_SESSION_H
#define PIIRI_WEB_SESSION_H

#include "http.h"

/* The route check: the path's language is one of the client's (404 and -1
 * otherwise). */
int web_session_lang_check(struct req_ctx *ctx);
void web_session_signin(struct req_ctx *ctx);
void web_session_register(struct req_ctx *ctx);
void web_session_signout(struct req_ctx *ctx);

#endif
