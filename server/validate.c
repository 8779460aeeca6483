/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of what clients send. Jansson has already rejected invalid UTF-8
 * and NUL bytes, so strings here are valid UTF-8. */
#include "validate.h"

#include <ctype.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p++;
        int more;
        unsigned min, cp;
        if (c == 0)
            return false;
        if (c < 0x80)
            continue;
        if ((c & 0xE0) == 0xC0)
            more = 1, min = 0x80, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            more = 2, min = 0x800, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            more = 3, min = 0x10000, cp = c & 0x07;
        else
            return false;
        if (end - p < more)
            return false;
        while (more--) {
            if ((*p & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*p++ & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    }
    return n;
}

/* A pragmatic address check: one "@", a non-empty local part without spaces
 * or control characters, and a domain with a dot and no empty labels. Full
 * RFC 5322 is not the point; a confirmation mail would be. */
bool valid_email(const char *s)
{
    size_t len = strlen(s);
    if (len < 3 || len > 254)
        return false;
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || strchr(at + 1, '@') != NULL || at - s > 64)
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' ||
            c == '(' || c == ')' || c == '[' || c == ']' || c == '\\')
            return false;
    }
    const char *domain = at + 1;
    const char *dot = strchr(domain, '.');
    if (dot == NULL || domain[0] == '.' || s[len - 1] == '.' || strstr(domain, "..") != NULL)
        return false;
    return true;
}

static bool name_char_allowed(ucs4_t uc)
{
    if (uc_is_general_category(uc, UC_CATEGORY_Cc) || uc_is_general_category(uc, UC_CATEGORY_Zl) ||
        uc_is_general_category(uc, UC_CATEGORY_Zp))
        return false;
    return !((uc >= 0x202A && uc <= 0x202E) || (uc >= 0x2066 && uc <= 0x2069));
}

bool valid_display_name(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    ucs4_t uc;
    while ((p = u8_next(&uc, p)) != NULL) {
        if (!name_char_allowed(uc))
            return false;
    }
    return true;
}

bool valid_slug(const char *s)
{
    size_t len = strlen(s);
    if (len < 2 || len > 63)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '-') {
            if (i == 0 || i == len - 1 || s[i - 1] == '-')
                return false;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

bool valid_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

static int string_member(json_t *obj, const char *key, size_t min, size_t max, bool required,
    const char **out, struct invalid *inv)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        inv->field = key;
        inv->message = "is required";
        return -1;
    }
    if (!json_is_string(v)) {
        inv->field = key;
        inv->message = "must be a string";
        return -1;
    }
    const char *s = json_string_value(v);
    size_t chars = utf8_chars(s);
    if (chars < min || chars > max || strlen(s) > max * 4) {
        inv->field = key;
        inv->message = chars < min ? "is too short" : "is too long";
        return -1;
    }
    if (min > 0 && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[strlen(s) - 1]))) {
        inv->field = key;
        inv->message = "must not begin or end with white space";
        return -1;
    }
    *out = s;
    return 0;
}

int json_require_string(json_t *obj, const char *key, size_t min, size_t max, const char **out,
    struct invalid *inv)
{
    return string_member(obj, key, min, max, true, out, inv);
}

int json_optional_string(json_t *obj, const char *key, size_t min, size_t max, const char **out,
    struct invalid *inv)
{
    return string_member(obj, key, min, max, false, out, inv);
}

int json_display_name(json_t *obj, bool required, const char **out, struct invalid *inv)
{
    if (string_member(obj, "display_name", 1, 100, required, out, inv) != 0)
        return -1;
    if (*out != NULL && !valid_display_name(*out)) {
        inv->field = "display_name";
        inv->message = "must not contain control characters or text direction overrides";
        *out = NULL;
        return -1;
    }
    return 0;
}

int json_require_enum(json_t *obj, const char *key, const char *const *choices, const char **out,
    struct invalid *inv)
{
    if (json_require_string(obj, key, 1, 64, out, inv) != 0)
        return -1;
    for (const char *const *c = choices; *c; c++) {
        if (strcmp(*c, *out) == 0)
            return 0;
    }
    inv->field = key;
    inv->message = "is not one of the allowed values";
    *out = NULL;
    return -1;
}
