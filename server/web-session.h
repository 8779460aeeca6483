/* SPDX-License-Identifier: Apache-2.0 */
/* The web client's sign-in, registration and sign-out forms (POST
 * /{lang}/signin, /{lang}/register, /{lang}/signout): the API's own login
 * and registration steps (api.h), answered with a session cookie and a
 * redirect (303, POST-redirect-GET) instead of JSON. The cookie: HttpOnly,
 * SameSite=Lax, Path=/, for as long as a sign-in token lives, and
 * __Host-prefixed and Secure when the public URL is https (principal.h).
 * The pages render through web.h; the module is web's. */
#ifndef PIIRI_WEB_SESSION_H
#define PIIRI_WEB_SESSION_H

#include "http.h"

/* The forms (GET), and what they send (POST): a refusal (a field missing,
 * a wrong password, too many tries) comes back as the same form with the
 * message beside its field and in a summary, with the API's status. */
void web_session_signin_page(struct req_ctx *ctx);
void web_session_register_page(struct req_ctx *ctx);
void web_session_signin(struct req_ctx *ctx);
void web_session_register(struct req_ctx *ctx);
void web_session_signout(struct req_ctx *ctx);
/* Signed in by other means (a link by email, web-pages-links.c): the
 * session cookie with this value, and 303 to the form's next or my page. */
void web_session_start(struct req_ctx *ctx, const char *session);

#endif
