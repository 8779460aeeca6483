/* SPDX-License-Identifier: Apache-2.0 */
/* The Mustache renderer: walks a compiled template's nodes over a context
 * stack of Jansson values, within the limits of mustache.h. */
#include "mustache-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct render {
    const struct mustache_set *set;
    const struct mustache_output *out;
    size_t max_bytes, bytes;
    unsigned long max_steps, steps;
    const json_t *stack[MUSTACHE_MAX_DEPTH + 1]; /* the context stack, top last */
    int n_stack;
    int depth;                  /* sections and partials entered */
    struct mustache_buf indent; /* the indentation of the partials entered */
    char *error;
};

static int render_nodes(struct render *r, const struct mustache_template *tpl, uint32_t from,
    uint32_t to);

static int render_fail(struct render *r, char *message)
{
    if (r->error == NULL)
        r->error = message;
    else
        free(message);
    return -1;
}

static int emit(struct render *r, const char *s, size_t n)
{
    if (n > r->max_bytes - r->bytes)
        return render_fail(r, mustache_printf("the output is more than %zu bytes", r->max_bytes));
    r->bytes += n;
    if (n > 0 && r->out->write(r->out->arg, s, n) != 0)
        return render_fail(r, mustache_printf("output refused"));
    return 0;
}

/* HTML escaping, safe in element text and in quoted or unquoted attribute
 * values; a NUL, which HTML does not allow, becomes U+FFFD. */
static const char *const entities[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
    ['`'] = "&#96;", ['='] = "&#61;", ['\0'] = "\xEF\xBF\xBD",
};

/* Runs between the characters to escape are written at once. */
static int emit_escaped(struct render *r, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *entity = entities[(unsigned char)s[i]];
        if (entity == NULL)
            continue;
        if (emit(r, s + run, i - run) < 0 || emit(r, entity, strlen(entity)) < 0)
            return -1;
        run = i + 1;
    }
    return emit(r, s + run, n - run);
}

/* The fewest significant digits that read back as the same double. */
static int format_real(double d, char *buf, size_t size)
{
    if (!isfinite(d))
        return snprintf(buf, size, "%s", "");
    int n = 0;
    for (int digits = 1; digits <= 17; digits++) {
        n = snprintf(buf, size, "%.*g", digits, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return n;
}

/* A value as text: strings, numbers and booleans; anything else is nothing. */
static int emit_value(struct render *r, const json_t *v, bool escape)
{
    char num[64];
    const char *s = num;
    size_t n;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        n = (size_t)format_real(json_real_value(v), num, sizeof(num));
    } else if (json_is_boolean(v)) {
        s = json_is_true(v) ? "true" : "false";
        n = strlen(s);
    } else {
        return 0;
    }
    return escape ? emit_escaped(r, s, n) : emit(r, s, n);
}

/* A name's value: its first part from the innermost context that has it,
 * each further part from the value before; NULL when any part is missing. */
static const json_t *lookup(const struct render *r, const char *name, uint32_t parts)
{
    if (parts == 0)
        return r->stack[r->n_stack - 1];
    const json_t *v = NULL;
    for (int i = r->n_stack - 1; i >= 0 && v == NULL; i--)
        v = json_object_get(r->stack[i], name);
    for (uint32_t p = 1; p < parts && v != NULL; p++) {
        name += strlen(name) + 1;
        v = json_object_get(v, name);
    }
    return v;
}

static bool truthy(const json_t *v)
{
    if (v == NULL || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    return true;
}

/* Sections and partials inside each other are bounded, so that a partial
 * that includes itself stops. */
static int enter(struct render *r)
{
    if (r->depth == MUSTACHE_MAX_DEPTH)
        return render_fail(r, mustache_printf("sections and partials are nested more than %d "
                                              "deep (a partial that includes itself?)",
                                  MUSTACHE_MAX_DEPTH));
    r->depth++;
    return 0;
}

/* The body once with v on top of the context stack. */
static int render_with(struct render *r, const struct mustache_template *tpl,
    const struct mustache_node *node, const json_t *v)
{
    uint32_t body = (uint32_t)(node - tpl->nodes) + 1;
    r->stack[r->n_stack++] = v;
    int rc = render_nodes(r, tpl, body, node->end);
    r->n_stack--;
    return rc;
}

static int render_section(struct render *r, const struct mustache_template *tpl,
    const struct mustache_node *node)
{
    const json_t *v = lookup(r, tpl->pool + node->str, node->len);
    uint32_t body = (uint32_t)(node - tpl->nodes) + 1;
    int rc = 0;
    if (truthy(v) == (node->op == MUSTACHE_INVERTED))
        return 0;
    if (enter(r) < 0)
        return -1;
    if (node->op == MUSTACHE_INVERTED) {
        rc = render_nodes(r, tpl, body, node->end);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && rc == 0; i++)
            rc = render_with(r, tpl, node, json_array_get(v, i));
    } else {
        rc = render_with(r, tpl, node, v);
    }
    r->depth--;
    return rc;
}

/* The partial from the set, its lines indented by the standalone tag's
 * indentation on top of the indentation already in force. */
static int render_partial(struct render *r, const struct mustache_node *node,
    const struct mustache_template *tpl)
{
    const struct mustache_template *partial = mustache_set_find(r->set, tpl->pool + node->str,
        node->hash);
    if (partial == NULL)
        return 0;
    size_t outer = r->indent.len;
    const char *indent = tpl->pool + node->indent;
    /* Nested indentation is bounded too: it could grow by a line a level. */
    if (strlen(indent) > r->max_bytes - outer)
        return render_fail(r, mustache_printf("partials are indented by more than %zu bytes",
                                  r->max_bytes));
    if (enter(r) < 0)
        return -1;
    mustache_buf_add(&r->indent, indent, strlen(indent));
    int rc = render_nodes(r, partial, 0, partial->n_nodes);
    r->indent.len = outer;
    r->depth--;
    return rc;
}

/* One node; *next is the index of the node after it. */
static int render_node(struct render *r, const struct mustache_template *tpl, uint32_t i,
    uint32_t *next)
{
    const struct mustache_node *node = &tpl->nodes[i];
    *next = i + 1;
    if (++r->steps > r->max_steps)
        return render_fail(r, mustache_printf("the render takes more than %lu steps",
                                  r->max_steps));
    switch (node->op) {
    case MUSTACHE_TEXT:
        return emit(r, tpl->pool + node->str, node->len);
    case MUSTACHE_INDENT:
        return emit(r, r->indent.data, r->indent.len);
    case MUSTACHE_ESCAPED:
    case MUSTACHE_RAW:
        return emit_value(r, lookup(r, tpl->pool + node->str, node->len),
            node->op == MUSTACHE_ESCAPED);
    case MUSTACHE_SECTION:
    case MUSTACHE_INVERTED:
        *next = node->end;
        return render_section(r, tpl, node);
    case MUSTACHE_PARTIAL:
        return render_partial(r, node, tpl);
    }
    return 0;
}

static int render_nodes(struct render *r, const struct mustache_template *tpl, uint32_t from,
    uint32_t to)
{
    for (uint32_t i = from; i < to;)
        if (render_node(r, tpl, i, &i) < 0)
            return -1;
    return 0;
}

int mustache_render(const struct mustache_template *tpl, const json_t *data,
    const struct mustache_set *set, const struct mustache_output *out, char **cause)
{
    struct render r = { .set = set, .out = out,
        .max_bytes = out->max_bytes ? out->max_bytes : MUSTACHE_MAX_OUTPUT,
        .max_steps = out->max_steps ? out->max_steps : MUSTACHE_MAX_STEPS, .n_stack = 1 };
    r.stack[0] = data;
    int rc = render_nodes(&r, tpl, 0, tpl->n_nodes);
    free(r.indent.data);
    if (rc < 0)
        *cause = r.error;
    return rc;
}

static int buf_write_cb(void *arg, const char *s, size_t n)
{
    mustache_buf_add(arg, s, n);
    return 0;
}

char *mustache_render_string(const struct mustache_template *tpl, const json_t *data,
    const struct mustache_set *set, size_t *len, char **cause)
{
    struct mustache_buf b = { 0 };
    struct mustache_output out = { .write = buf_write_cb, .arg = &b };
    if (mustache_render(tpl, data, set, &out, cause) < 0) {
        free(b.data);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : mustache_printf("%s", "");
}
