/* SPDX-License-Identifier: Apache-2.0 */
/* Email identity: NFC for storage, NFC of the case folding for the key. The
 * input comes from Jansson, so it is valid UTF-8 without NUL bytes. */
#include "email.h"

#include "log.h"
#include "util.h"
#include "validate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* libunistring results are not NUL-terminated; NULL means no memory (or
 * malformed UTF-8, which Jansson has already refused). */
static char *terminated(uint8_t *s, size_t len)
{
    if (s == NULL)
        fatalx("libunistring: %s", errno == EILSEQ ? "malformed UTF-8" : "out of memory");
    char *out = xmalloc(len + 1);
    memcpy(out, s, len);
    out[len] = '\0';
    free(s);
    return out;
}

static char *to_nfc(const char *in)
{
    size_t len = 0;
    uint8_t *s = u8_normalize(UNINORM_NFC, (const uint8_t *)in, strlen(in), NULL, &len);
    return terminated(s, len);
}

char *email_key(const char *in)
{
    size_t len = 0;
    /* u8_casefold works on the canonical decomposition, then composes. */
    uint8_t *s = u8_casefold((const uint8_t *)in, strlen(in), NULL, UNINORM_NFC, NULL, &len);
    return terminated(s, len);
}

/* Would a person reading or retyping the address miss this character? */
static bool invisible(ucs4_t uc)
{
    return uc_is_property_default_ignorable_code_point(uc) || uc_is_general_category(uc, UC_CATEGORY_C) ||
        uc_is_general_category(uc, UC_CATEGORY_Z);
}

static bool has_invisible(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    ucs4_t uc;
    while ((p = u8_next(&uc, p)) != NULL) {
        if (invisible(uc))
            return true;
    }
    return false;
}

int email_identity(const char *in, char **stored, char **key, const char **why)
{
    *stored = *key = NULL;
    if (!utf8_valid(in, strlen(in))) { /* only from the command line */
        *why = "is not valid UTF-8";
        return -1;
    }
    if (has_invisible(in)) {
        *why = "must not contain invisible, control or space characters";
        return -1;
    }
    char *nfc = to_nfc(in);
    if (!valid_email(nfc)) {
        free(nfc);
        *why = "is not a valid email address";
        return -1;
    }
    *stored = nfc;
    *key = email_key(nfc);
    return 0;
}
