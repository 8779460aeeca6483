/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for mustache/: the input is a template and up to seven
 * partials (named a, b, c, ... in order), separated by NUL bytes, compiled
 * into a set and rendered over a fixed JSON value with small limits. A
 * template either compiles or says on which line it fails; a render either
 * succeeds or says which limit it reached, never writes more than the limit,
 * and gives the same bytes every time; a template without tags renders as
 * itself. */
#include "mustache.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (1 << 20)
#define MAX_STEPS (1 << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_json[] =
    "{\"name\": \"P\\u00e4ivi <b>&\\\"'\", \"n\": 0, \"r\": 1.5, \"t\": true, \"f\": false, "
    "\"z\": null, \"e\": \"\", \"list\": [1, \"two\", {\"name\": \"x\", \"list\": []}, [3, 4]], "
    "\"obj\": {\"a\": {\"b\": {\"c\": \"deep\"}}}, "
    "\"items\": [{\"name\": \"a\"}, {\"name\": \"b\", \"t\": false}, {\"name\": \"c\"}]}";

struct out {
    char *data;
    size_t len, cap;
};

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static int write_cb(void *arg, const char *s, size_t n)
{
    struct out *o = arg;
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        o->data = realloc(o->data, o->cap);
        if (o->data == NULL)
            abort();
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
    return 0;
}

/* One render into o: 0, or -1 with a cause that names a limit. */
static int render(const struct mustache_template *tpl, json_t *json, const struct mustache_set *set,
    struct out *o)
{
    struct mustache_output out = { .write = write_cb, .arg = o, .max_bytes = MAX_BYTES,
        .max_steps = MAX_STEPS };
    char *cause = NULL;
    o->len = 0;
    int rc = mustache_render(tpl, json, set, &out, &cause);
    check(o->len <= MAX_BYTES);
    check((rc == 0) == (cause == NULL));
    free(cause);
    return rc;
}

/* Chunk i of the input (NUL-separated) into the set; 0 on success. */
static int add_chunks(struct mustache_set *set, const char *s, size_t size)
{
    char name[2] = "a";
    int failed = 0;
    for (size_t from = 0, i = 0; from <= size && i < 8; i++) {
        const char *nul = memchr(s + from, '\0', size - from);
        size_t end = nul ? (size_t)(nul - s) : size;
        char *cause = NULL;
        if (mustache_set_add(set, i == 0 ? "page" : name, s + from, end - from, &cause) < 0) {
            check(strncmp(cause, "template \"", 10) == 0 && strstr(cause, ": line ") != NULL);
            free(cause);
            failed = -1;
        }
        if (i > 0)
            name[0]++;
        if (nul == NULL)
            break;
        from = end + 1;
    }
    return failed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    json_t *json = json_loads(fixed_json, 0, NULL);
    struct mustache_set *set = mustache_set_new();
    struct out first = { 0 }, second = { 0 };
    check(json != NULL);
    if (add_chunks(set, s, size) == 0) {
        const struct mustache_template *page = mustache_set_get(set, "page");
        int rc = render(page, json, set, &first);
        check(render(page, json, set, &second) == rc);
        check(first.len == second.len && (first.len == 0 || memcmp(first.data, second.data,
            first.len) == 0));
        if (memchr(s, '\0', size) == NULL && memmem(s, size, "{{", 2) == NULL)
            check(rc == 0 && first.len == size && (size == 0 || memcmp(first.data, s, size) == 0));
    }
    free(first.data);
    free(second.data);
    mustache_set_free(set);
    json_decref(json);
    return 0;
}
