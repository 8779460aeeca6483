/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for form bodies (form.c): the input is a body as an
 * HTML form would send it. What is accepted is an object of at most
 * FORM_MAX_FIELDS valid UTF-8 strings with non-empty names; a refusal
 * says why and leaves nothing behind. */
#include "form.h"

#include "validate.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *obj;
    const char *cause = NULL;
    if (form_parse((const char *)data, size, &obj, &cause) != 0) {
        check(obj == NULL && cause != NULL);
        return 0;
    }
    check(json_is_object(obj) && json_object_size(obj) <= FORM_MAX_FIELDS);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        check(key[0] != '\0' && utf8_valid(key, strlen(key)));
        check(json_is_string(v) && utf8_valid(json_string_value(v), json_string_length(v)));
    }
    json_decref(obj);
    return 0;
}
