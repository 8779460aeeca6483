/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for mustache/: every case of the Mustache specification in
 * tests/mustache-spec/ (read at run time, one cmocka test per case, named
 * "file: case"), then the limits, the compile errors and the choices
 * mustache.h documents. Run from the repository root (make unit). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mustache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_DIR "tests/mustache-spec/"

static const char *const spec_files[] = { "comments", "delimiters", "interpolation", "inverted",
    "partials", "sections" };

/* One case of the specification: its name and its JSON (borrowed from the file's). */
struct spec_case {
    char name[200];
    json_t *test;
};

/* A string as JSON, so that the failure message shows newlines and spaces. */
static char *quoted(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    char *q = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    return q;
}

static void test_spec_case(void **state)
{
    const struct spec_case *c = *state;
    const char *key, *expected = json_string_value(json_object_get(c->test, "expected"));
    json_t *v, *template = json_object_get(c->test, "template");
    char *cause = NULL;
    size_t len = 0;

    struct mustache_set *set = mustache_set_new();
    json_object_foreach(json_object_get(c->test, "partials"), key, v)
        if (mustache_set_add(set, key, json_string_value(v), json_string_length(v), &cause) < 0)
            fail_msg("%s: partial %s does not compile: %s", c->name, key, cause);
    struct mustache_template *tpl = mustache_compile(json_string_value(template),
        json_string_length(template), &cause);
    if (tpl == NULL)
        fail_msg("%s: does not compile: %s", c->name, cause);
    char *got = mustache_render_string(tpl, json_object_get(c->test, "data"), set, &len, &cause);
    if (got == NULL)
        fail_msg("%s: does not render: %s", c->name, cause);
    if (len != strlen(expected) || memcmp(got, expected, len) != 0)
        fail_msg("%s: expected %s, got %s", c->name, quoted(expected, strlen(expected)),
            quoted(got, len));
    free(got);
    mustache_template_free(tpl);
    mustache_set_free(set);
}

/* Appends one cmocka test per case of tests/mustache-spec/<file>.json. */
static void add_spec_file(const char *file, json_t *roots, struct CMUnitTest **tests,
    size_t *n_tests)
{
    char path[256];
    json_error_t err;
    snprintf(path, sizeof(path), SPEC_DIR "%s.json", file);
    json_t *root = json_load_file(path, 0, &err);
    if (root == NULL) {
        fprintf(stderr, "cannot read %s (run from the repository root): %s\n", path, err.text);
        exit(1);
    }
    json_array_append_new(roots, root);
    size_t i;
    json_t *test, *cases = json_object_get(root, "tests");
    *tests = realloc(*tests, (*n_tests + json_array_size(cases)) * sizeof(**tests));
    json_array_foreach(cases, i, test) {
        struct spec_case *c = calloc(1, sizeof(*c));
        snprintf(c->name, sizeof(c->name), "%s: %s", file,
            json_string_value(json_object_get(test, "name")));
        c->test = test;
        (*tests)[(*n_tests)++] = (struct CMUnitTest) { .name = c->name,
            .test_func = test_spec_case, .initial_state = c };
    }
}

static int run_spec(void)
{
    json_t *roots = json_array();
    struct CMUnitTest *tests = NULL;
    size_t n = 0;
    for (size_t i = 0; i < sizeof(spec_files) / sizeof(*spec_files); i++)
        add_spec_file(spec_files[i], roots, &tests, &n);
    int failed = _cmocka_run_group_tests("mustache specification", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(tests[i].initial_state);
    free(tests);
    json_decref(roots);
    return failed;
}

/* ---- helpers for our own tests ---- */

/* The compile error of src, which must not compile (new). */
static char *compile_error(const char *src)
{
    char *cause = NULL;
    struct mustache_template *tpl = mustache_compile(src, strlen(src), &cause);
    if (tpl != NULL)
        fail_msg("%s: compiles, but should not", src);
    assert_non_null(cause);
    return cause;
}

static void assert_compile_error(const char *src, const char *expected)
{
    char *cause = compile_error(src);
    if (strcmp(cause, expected) != 0)
        fail_msg("%s: expected error \"%s\", got \"%s\"", src, expected, cause);
    free(cause);
}

/* src rendered over the JSON text data (new). */
static char *render(const char *src, const char *data)
{
    char *cause = NULL;
    size_t len;
    struct mustache_template *tpl = mustache_compile(src, strlen(src), &cause);
    if (tpl == NULL)
        fail_msg("%s: %s", src, cause);
    json_t *j = json_loads(data, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    assert_non_null(j);
    char *out = mustache_render_string(tpl, j, NULL, &len, &cause);
    if (out == NULL)
        fail_msg("%s: %s", src, cause);
    json_decref(j);
    mustache_template_free(tpl);
    return out;
}

static void assert_render(const char *src, const char *data, const char *expected)
{
    char *got = render(src, data);
    if (strcmp(got, expected) != 0)
        fail_msg("%s over %s: expected \"%s\", got \"%s\"", src, data, expected, got);
    free(got);
}

/* A template of n sections inside each other, each on its own line. */
static char *nested(int n)
{
    char *s = calloc((size_t)n * 14 + 1, 1);
    for (int i = 0; i < n; i++)
        strcat(s, "{{#a}}\n");
    for (int i = 0; i < n; i++)
        strcat(s, "{{/a}}\n");
    return s;
}

struct counter {
    size_t bytes;
    int refuse_after;
};

static int count_cb(void *arg, const char *s, size_t n)
{
    struct counter *c = arg;
    c->bytes += n;
    return c->refuse_after > 0 && c->bytes > (size_t)c->refuse_after ? -1 : 0;
}

/* The render error of src over data with these limits (new), and the bytes written. */
static char *render_error(const char *src, const char *data, const struct mustache_set *set,
    struct mustache_output *out)
{
    char *cause = NULL;
    struct mustache_template *tpl = mustache_compile(src, strlen(src), &cause);
    if (tpl == NULL)
        fail_msg("%s: %s", src, cause);
    json_t *j = json_loads(data, JSON_DECODE_ANY, NULL);
    if (mustache_render(tpl, j, set, out, &cause) == 0)
        fail_msg("%s: renders, but should not", src);
    json_decref(j);
    mustache_template_free(tpl);
    return cause;
}

/* ---- limits ---- */

static void test_nesting_limit(void **state)
{
    char *ok = nested(MUSTACHE_MAX_NESTING), *deep = nested(MUSTACHE_MAX_NESTING + 1);
    char *cause = NULL, expected[100];
    struct mustache_template *tpl = mustache_compile(ok, strlen(ok), &cause);
    assert_non_null(tpl);
    mustache_template_free(tpl);
    snprintf(expected, sizeof(expected), "line %d: sections are nested too deep at \"a\"",
        MUSTACHE_MAX_NESTING + 1);
    assert_compile_error(deep, expected);
    free(ok);
    free(deep);
}

static void test_huge_source_refused(void **state)
{
    size_t n = MUSTACHE_MAX_SOURCE + 1;
    char *src = malloc(n), *cause = NULL;
    memset(src, 'x', n);
    assert_null(mustache_compile(src, n, &cause));
    assert_string_equal(cause, "the template is 1048577 bytes, more than the 1048576 allowed");
    free(cause);
    struct mustache_template *tpl = mustache_compile(src, n - 1, &cause);
    assert_non_null(tpl);
    mustache_template_free(tpl);
    free(src);
}

/* Seven sections over ten items: 10^7 copies of the text, stopped at the limit. */
static void test_huge_output_bounded(void **state)
{
    const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}twenty-four bytes, each."
                      "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
    struct counter c = { 0 };
    struct mustache_output out = { .write = count_cb, .arg = &c };
    char *cause = render_error(src, "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", NULL, &out);
    assert_string_equal(cause, "the output is more than 16777216 bytes");
    assert_true(c.bytes <= MUSTACHE_MAX_OUTPUT);
    assert_true(c.bytes > MUSTACHE_MAX_OUTPUT - 24);
    free(cause);
}

/* Loops that write nothing still end: the steps are counted. */
static void test_endless_work_bounded(void **state)
{
    const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{x}}"
                      "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
    struct counter c = { 0 };
    struct mustache_output out = { .write = count_cb, .arg = &c, .max_steps = 100000 };
    char *cause = render_error(src, "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", NULL, &out);
    assert_string_equal(cause, "the render takes more than 100000 steps");
    free(cause);
}

static void test_recursive_partial_bounded(void **state)
{
    char *cause = NULL;
    struct mustache_set *set = mustache_set_new();
    assert_int_equal(mustache_set_add(set, "loop", "x{{>loop}}", 10, &cause), 0);
    struct counter c = { 0 };
    struct mustache_output out = { .write = count_cb, .arg = &c };
    cause = render_error("{{>loop}}", "{}", set, &out);
    assert_string_equal(cause, "sections and partials are nested more than 100 deep (a partial "
                               "that includes itself?)");
    assert_int_equal(c.bytes, MUSTACHE_MAX_DEPTH);
    free(cause);
    mustache_set_free(set);
}

/* A standalone partial's indentation adds up as it recurses; it is bounded by the output's limit. */
static void test_indentation_bounded(void **state)
{
    char *cause = NULL;
    struct mustache_set *set = mustache_set_new();
    assert_int_equal(mustache_set_add(set, "deeper", "          {{>deeper}}\n", 21, &cause), 0);
    struct counter c = { 0 };
    struct mustache_output out = { .write = count_cb, .arg = &c, .max_bytes = 95 };
    cause = render_error("{{>deeper}}", "{}", set, &out);
    assert_string_equal(cause, "partials are indented by more than 95 bytes");
    assert_int_equal(c.bytes, 0);
    free(cause);
    mustache_set_free(set);
}

static void test_output_refused(void **state)
{
    struct counter c = { .refuse_after = 3 };
    struct mustache_output out = { .write = count_cb, .arg = &c };
    char *cause = render_error("{{#l}}ab{{/l}}", "{\"l\": [1,2,3]}", NULL, &out);
    assert_string_equal(cause, "output refused");
    free(cause);
}

/* ---- compile errors ---- */

static void test_unclosed_tags(void **state)
{
    assert_compile_error("Hello\n{{name\n", "line 2: tag is not closed: no \"}}\"");
    assert_compile_error("{{{name}}", "line 1: tag is not closed: no \"}}\"");
    assert_compile_error("a\nb\n{{! no end", "line 3: tag is not closed: no \"}}\"");
    assert_compile_error("{{=<% %>=}}\n<%name", "line 2: tag is not closed: no \"%>\"");
    assert_compile_error("<ul>\n{{#items}}\n<li>{{.}}</li>\n</ul>\n",
        "line 2: section is never closed: \"items\"");
    assert_compile_error("{{#a}}\n{{#b}}\n{{/a}}\n", "line 3: section opened on line 2 closed by \"a\"");
    assert_compile_error("x\n  {{/a}}", "line 2: closes no open section: \"a\"");
}

static void test_bad_tags(void **state)
{
    assert_compile_error("{{}}", "line 1: a tag needs a name");
    assert_compile_error("{{# }}{{/ }}", "line 1: a tag needs a name");
    assert_compile_error("{{>}}", "line 1: a partial needs a name");
    assert_compile_error("{{a b}}", "line 1: a name cannot hold spaces: \"a b\"");
    assert_compile_error("{{a..b}}", "line 1: a dotted name has an empty part: \"a..b\"");
    assert_compile_error("{{.a}}", "line 1: a dotted name has an empty part: \".a\"");
    assert_compile_error("{{=<%=}}",
        "line 1: set delimiters takes two delimiters, as in {{=<% %>=}}: \"<%\"");
    assert_compile_error("\n{{<base}}{{/base}}",
        "line 2: inheritance ({{$x}}, {{<x}}) is not supported");
    assert_compile_error("{{$block}}{{/block}}",
        "line 1: inheritance ({{$x}}, {{<x}}) is not supported");
}

static void test_set_names_its_template(void **state)
{
    char *cause = NULL;
    struct mustache_set *set = mustache_set_new();
    assert_int_equal(mustache_set_add(set, "page", "{{#a}}", 6, &cause), -1);
    assert_string_equal(cause, "template \"page\": line 1: section is never closed: \"a\"");
    free(cause);
    assert_int_equal(mustache_set_add(set, "page", "ok", 2, &cause), 0);
    assert_int_equal(mustache_set_add(set, "page", "again", 5, &cause), -1);
    assert_string_equal(cause, "template \"page\": the set has one of that name already");
    free(cause);
    assert_non_null(mustache_set_get(set, "page"));
    assert_null(mustache_set_get(set, "other"));
    mustache_set_free(set);
}

/* ---- rendering choices ---- */

static void test_escaping(void **state)
{
    assert_render("{{s}}", "{\"s\": \"<a href='x' title=\\\"`y`\\\">&</a>\"}",
        "&lt;a href&#61;&#39;x&#39; title&#61;&quot;&#96;y&#96;&quot;&gt;&amp;&lt;/a&gt;");
    assert_render("{{{s}}}|{{&s}}", "{\"s\": \"<'&'>\"}", "<'&'>|<'&'>");
    assert_render("{{s}}", "{\"s\": \"\\u0000x\"}", "\xEF\xBF\xBDx");
    assert_render("{{s}}", "{\"s\": \"äö – ok\"}", "äö – ok");
}

static void test_values(void **state)
{
    assert_render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}|{{o}}{{l}}",
        "{\"a\": 0.1, \"b\": -2.5, \"c\": 1e300, \"d\": true, \"e\": false, \"f\": -7,"
        " \"o\": {\"x\": 1}, \"l\": [1]}",
        "0.1 -2.5 1e+300 true false -7|");
}

static void test_truthiness(void **state)
{
    assert_render("{{#s}}S{{/s}}{{^s}}no s{{/s}}", "{\"s\": \"\"}", "no s");
    assert_render("{{#n}}{{n}} free{{/n}}", "{\"n\": 0}", "0 free");
    assert_render("{{#o}}{{x}}{{/o}}{{#z}}empty object{{/z}}", "{\"o\": {\"x\": 1}, \"z\": {}}",
        "1empty object");
}

/* Compiled once, rendered many times over different data, with the same result each time. */
static void test_compile_once_render_many(void **state)
{
    char *cause = NULL;
    size_t len;
    struct mustache_set *set = mustache_set_new();
    assert_int_equal(mustache_set_add(set, "item", "<li>{{name}}</li>\n", 18, &cause), 0);
    assert_int_equal(mustache_set_add(set, "page", "<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n",
                         strlen("<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n"), &cause),
        0);
    const struct mustache_template *page = mustache_set_get(set, "page");
    json_t *data = json_pack("{s:[{s:s},{s:s}]}", "items", "name", "a&b", "name", "c");
    for (int i = 0; i < 3; i++) {
        char *out = mustache_render_string(page, data, set, &len, &cause);
        assert_string_equal(out, "<ul>\n  <li>a&amp;b</li>\n  <li>c</li>\n</ul>\n");
        free(out);
    }
    json_decref(data);
    mustache_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_huge_source_refused),
        cmocka_unit_test(test_huge_output_bounded),
        cmocka_unit_test(test_endless_work_bounded),
        cmocka_unit_test(test_recursive_partial_bounded),
        cmocka_unit_test(test_indentation_bounded),
        cmocka_unit_test(test_output_refused),
        cmocka_unit_test(test_unclosed_tags),
        cmocka_unit_test(test_bad_tags),
        cmocka_unit_test(test_set_names_its_template),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_truthiness),
        cmocka_unit_test(test_compile_once_render_many),
    };
    int failed = run_spec();
    return failed + cmocka_run_group_tests(tests, NULL, NULL);
}
