/* SPDX-License-Identifier: Apache-2.0 */
/* Adding a person by email: the body checked, the address made the form
 * accounts keep it in, so that it meets the account that registers it. */
#include "invitation-input.h"

#include "email.h"

#include <stdlib.h>
#include <string.h>

static const char *const roles[] = { "member", "leader", "coordinator", NULL };
static const char *const languages[] = { "fi", "sv", "en", NULL };

/* The choice equal to s, as the static string (s is the body's). */
static const char *static_choice(const char *const *choices, const char *s)
{
    for (; *choices != NULL; choices++) {
        if (strcmp(*choices, s) == 0)
            return *choices;
    }
    return NULL;
}

int invitation_input_parse(json_t *body, const char *fallback_lang, struct invitation_input *in,
    struct invalid *inv)
{
    const char *email, *why;
    memset(in, 0, sizeof(*in));
    if (json_require_string(body, "email", 3, 254, &email, inv) != 0 ||
        json_require_enum(body, "role", roles, &in->role, inv) != 0)
        return -1;
    json_t *lang = json_object_get(body, "language");
    in->language = fallback_lang;
    if (lang != NULL && !json_is_null(lang) &&
        json_require_enum(body, "language", languages, &in->language, inv) != 0)
        return -1;
    in->role = static_choice(roles, in->role);
    if (in->language != fallback_lang)
        in->language = static_choice(languages, in->language);
    if (email_identity(email, &in->email, &in->email_key, &why) != 0) {
        *inv = (struct invalid) { "email", why };
        return -1;
    }
    return 0;
}

void invitation_input_free(struct invitation_input *in)
{
    free(in->email);
    free(in->email_key);
    memset(in, 0, sizeof(*in));
}
