/* SPDX-License-Identifier: Apache-2.0 */
/* Adding a person by email as clients send it (the API's JSON body, the
 * people page's form, both an object of strings): {"email", "role",
 * "language"?}. Pure code: no libevent, no libpq. */
#ifndef PIIRI_INVITATION_INPUT_H
#define PIIRI_INVITATION_INPUT_H

#include "validate.h"

#include <jansson.h>

/* What an invitation needs: the address as stored and its email key (new
 * strings, email_identity's), the role and the mail's language (static
 * strings, or the fallback as passed). */
struct invitation_input {
    char *email, *email_key;
    const char *role, *language;
};

/* Check body: "email" an address email_identity takes, "role" member,
 * leader or coordinator, "language" fi, sv or en (missing or null:
 * fallback). inv names the field to blame. */
int invitation_input_parse(json_t *body, const char *fallback_lang, struct invitation_input *in,
    struct invalid *inv) __attribute__((warn_unused_result));
void invitation_input_free(struct invitation_input *in);

#endif
