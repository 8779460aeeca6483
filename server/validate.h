/* SPDX-License-Identifier: Apache-2.0 */
/* Input validation helpers for request bodies and path parameters: pure code,
 * no libevent or libpq. A failure names the field and says what is wrong. */
#ifndef PIIRI_VALIDATE_H
#define PIIRI_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Which field is to blame and why (both static strings or borrowed keys). */
struct invalid {
    const char *field;
    const char *message;
};

/* Is s[0..len) well-formed UTF-8 (no overlongs, surrogates or NUL)? */
bool utf8_valid(const char *s, size_t len);
/* Characters (code points) in a valid UTF-8 string. */
size_t utf8_chars(const char *s);

bool valid_email(const char *s);
/* A name people see: no control characters, no line or paragraph
 * separators, no bidirectional overrides or isolates (U+202A..U+202E,
 * U+2066..U+2069), which could make it read as something else. */
bool valid_display_name(const char *s);
bool valid_slug(const char *s);
/* Canonical lower-case or upper-case UUID text, 36 characters. */
bool valid_uuid(const char *s, size_t len);

/* Required string member of obj with a length in characters from min to max;
 * leading and trailing whitespace is not allowed to pad a short value. */
int json_require_string(json_t *obj, const char *key, size_t min, size_t max, const char **out,
    struct invalid *inv) __attribute__((warn_unused_result));
/* Like json_require_string, but a missing or null member leaves *out NULL. */
int json_optional_string(json_t *obj, const char *key, size_t min, size_t max, const char **out,
    struct invalid *inv) __attribute__((warn_unused_result));
/* The "display_name" member: 1 to 100 characters that pass
 * valid_display_name; when not required, a missing one leaves *out NULL. */
int json_display_name(json_t *obj, bool required, const char **out, struct invalid *inv)
    __attribute__((warn_unused_result));
/* Required string member that is one of the NULL-terminated choices. */
int json_require_enum(json_t *obj, const char *key, const char *const *choices, const char **out,
    struct invalid *inv) __attribute__((warn_unused_result));

#endif
