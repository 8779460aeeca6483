/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for matching-data.c and the reasons matching.c writes:
 * the input is the JSON the database hands over for candidates and batch
 * proposals, with each supporter's load and max_active brought into the
 * ranges the schema allows (0..59 and 1..50). Every request is proposed or
 * unmatched, once; every reason is one of the sentences the API documents. */
#include "matching-data.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static void clamp(json_t *supporter, const char *key, json_int_t lo, json_int_t span)
{
    json_t *v = json_object_get(supporter, key);
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v) % span;
        json_integer_set(v, lo + (n < 0 ? -n : n));
    }
}

static void check_reasons(json_t *reasons)
{
    static const char *const starts[] = { "shared topics: ", "same municipality: ", "shared contact modes: ",
        "speaks ", NULL };
    size_t i, n = json_array_size(reasons);
    json_t *r;
    check(n >= 1 && n <= 5);
    json_array_foreach(reasons, i, r) {
        const char *s = json_string_value(r);
        check(s != NULL);
        if (i == n - 1) { /* "k of m places taken" */
            check(strstr(s, " places taken") != NULL);
            continue;
        }
        bool known = false;
        for (const char *const *p = starts; *p; p++)
            known |= strncmp(s, *p, strlen(*p)) == 0;
        check(known);
    }
}

static void check_output(const struct matching_data *d)
{
    size_t i;
    json_t *c = matching_data_candidates(d), *item;
    check(c != NULL);
    json_array_foreach(json_object_get(c, "candidates"), i, item)
        check_reasons(json_object_get(item, "reasons"));
    json_decref(c);
    json_t *p = matching_data_proposals(d);
    check(p != NULL);
    size_t proposed = json_array_size(json_object_get(p, "proposals"));
    check(proposed + json_array_size(json_object_get(p, "unmatched")) == (size_t)d->nrequests);
    check(json_integer_value(json_object_get(p, "matched")) == (json_int_t)proposed);
    json_array_foreach(json_object_get(p, "proposals"), i, item)
        check_reasons(json_object_get(item, "reasons"));
    json_decref(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, 0, NULL), *s;
    size_t i;
    json_array_foreach(json_object_get(root, "supporters"), i, s) {
        clamp(s, "load", 0, 60);
        clamp(s, "max_active", 1, 50);
    }
    char *text = root ? json_dumps(root, JSON_COMPACT) : strndup((const char *)data, size);
    json_decref(root);
    if (text == NULL)
        abort();
    struct matching_data d;
    if (matching_data_load(text, &d) == 0) {
        check_output(&d);
        matching_data_free(&d);
    }
    free(text);
    return 0;
}
