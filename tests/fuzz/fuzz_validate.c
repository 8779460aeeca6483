/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for validate.c, against independent answers: UTF-8 as
 * Jansson and glibc's decoder read it, slugs and UUIDs as POSIX regular
 * expressions, e-mail addresses by the rules the header states, and string
 * members with the bounds from the input's first two bytes. */
#include "validate.h"

#include <ctype.h>
#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static regex_t slug_rx, uuid_rx;
static locale_t utf8_locale; /* for mbstowcs only: the server runs in the C locale */

static void init_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    if ((utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)) == (locale_t)0 ||
        regcomp(&slug_rx, "^[a-z0-9]+(-[a-z0-9]+)*$", REG_EXTENDED | REG_NOSUB) != 0 ||
        regcomp(&uuid_rx, "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
            REG_EXTENDED | REG_NOSUB) != 0)
        abort();
}

/* Jansson refuses what is not UTF-8 (overlongs, surrogates, past U+10FFFF)
 * but keeps NUL, which utf8_valid refuses. */
static void check_utf8(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    bool valid = utf8_valid(s, n);
    check(valid == (j != NULL && memchr(s, '\0', n) == NULL));
    json_decref(j);
    if (valid) {
        char *z = strndup(s, n);
        locale_t was = uselocale(utf8_locale);
        size_t chars = mbstowcs(NULL, z, 0);
        uselocale(was);
        check(z != NULL && chars == utf8_chars(z));
        free(z);
    }
}

static void check_names(const char *s)
{
    size_t n = strlen(s);
    check(valid_slug(s) == (n >= 2 && n <= 63 && regexec(&slug_rx, s, 0, NULL, 0) == 0));
    check(valid_uuid(s, n) == (regexec(&uuid_rx, s, 0, NULL, 0) == 0));
    if (!valid_email(s))
        return;
    const char *at = strchr(s, '@');
    check(n >= 3 && n <= 254 && at != NULL && at != s && at - s <= 64 && strchr(at + 1, '@') == NULL);
    check(strchr(at + 1, '.') != NULL && at[1] != '.' && s[n - 1] != '.' && strstr(at, "..") == NULL);
    for (const char *p = s; *p; p++)
        check((unsigned char)*p > ' ' && *p != 0x7f && strchr(",;<>\"()[]\\", *p) == NULL);
}

static void check_member(const char *s, size_t min, size_t max)
{
    static const char *const choices[] = { "open", "closed", NULL };
    json_t *obj = json_pack("{s:s}", "k", s);
    const char *out;
    struct invalid inv;
    check(obj != NULL);
    if (json_require_string(obj, "k", min, max, &out, &inv) == 0) {
        size_t chars = utf8_chars(out), n = strlen(out);
        check(out == json_string_value(json_object_get(obj, "k")));
        check(chars >= min && chars <= max && n <= max * 4);
        check(min == 0 || (!isspace((unsigned char)out[0]) && !isspace((unsigned char)out[n - 1])));
    } else
        check(strcmp(inv.field, "k") == 0 && out == NULL);
    check(json_optional_string(obj, "missing", min, max, &out, &inv) == 0 && out == NULL);
    if (json_require_enum(obj, "k", choices, &out, &inv) == 0)
        check(strcmp(out, "open") == 0 || strcmp(out, "closed") == 0);
    json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    if (size < 2)
        return 0;
    size_t min = data[0] % 8, max = data[1];
    const char *s = (const char *)data + 2;
    size_t n = size - 2;
    check_utf8(s, n);
    char *z = strndup(s, n);
    if (z == NULL)
        abort();
    check_names(z);
    if (utf8_valid(z, strlen(z)))
        check_member(z, min, max);
    free(z);
    return 0;
}
