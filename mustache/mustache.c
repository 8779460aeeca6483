/* SPDX-License-Identifier: Apache-2.0 */
/* The Mustache compiler: a template's source into the flat node list of
 * mustache-internal.h, with standalone lines removed and the places where a
 * line of the source starts marked (a partial's indentation goes there). */
#include "mustache-internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DELIMITER 32 /* bytes of one delimiter */

/* One section still open: its node and where its tag's name is. */
struct open_section {
    uint32_t node;
    size_t tag, name, name_len;
};

struct compiler {
    const char *src;
    size_t len;
    size_t pos; /* the first byte not compiled yet */
    char open_tag[MAX_DELIMITER + 1], close_tag[MAX_DELIMITER + 1];
    size_t open_len, close_len;
    struct mustache_buf pool;
    struct mustache_node *nodes;
    uint32_t n_nodes, cap_nodes;
    struct open_section open[MUSTACHE_MAX_NESTING];
    int depth;
    size_t last_tag_end; /* a tag after another on its line is never standalone */
    bool line_start;     /* the next thing written starts a line of the source */
    char *error;
};

/* One tag as scanned: its type (0 for a plain variable) and its content. */
struct tag {
    char type;
    size_t start, end;    /* the whole tag, delimiters included */
    size_t body, body_len; /* the content, without type and surrounding spaces */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t line_of(const struct compiler *c, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset && i < c->len; i++)
        line += c->src[i] == '\n';
    return line;
}

/* Records the first error only, with the line of offset; returns -1. */
static int fail(struct compiler *c, size_t offset, const char *what, const char *name,
    size_t name_len)
{
    if (c->error == NULL)
        c->error = mustache_printf("line %zu: %s%s%.*s%s", line_of(c, offset), what,
            name ? " \"" : "", name ? (int)(name_len > 40 ? 40 : name_len) : 0, name ? name : "",
            name ? "\"" : "");
    return -1;
}

static void push_node(struct compiler *c, struct mustache_node node)
{
    if (c->n_nodes == c->cap_nodes) {
        c->cap_nodes = c->cap_nodes ? c->cap_nodes * 2 : 64;
        c->nodes = mustache_realloc(c->nodes, c->cap_nodes, sizeof(*c->nodes));
    }
    c->nodes[c->n_nodes++] = node;
}

/* The offset in the pool of a NUL-terminated copy of s. */
static uint32_t pool_add(struct compiler *c, const char *s, size_t n)
{
    uint32_t at = (uint32_t)c->pool.len;
    mustache_buf_add(&c->pool, s, n);
    mustache_buf_addc(&c->pool, '\0');
    return at;
}

/* Something of this line stays in the output: a partial's indentation, which
 * the specification prepends to each line of the partial's source, goes
 * before it. */
static void begin_content(struct compiler *c)
{
    if (c->line_start)
        push_node(c, (struct mustache_node) { .op = MUSTACHE_INDENT });
    c->line_start = false;
}

/* Text nodes end at each newline, so that every line gets its indent node. */
static void add_text(struct compiler *c, size_t from, size_t to)
{
    while (from < to) {
        const char *nl = memchr(c->src + from, '\n', to - from);
        size_t end = nl ? (size_t)(nl - c->src) + 1 : to;
        begin_content(c);
        uint32_t at = (uint32_t)c->pool.len;
        mustache_buf_add(&c->pool, c->src + from, end - from);
        push_node(c, (struct mustache_node) { .op = MUSTACHE_TEXT, .str = at,
            .len = (uint32_t)(end - from) });
        c->line_start = nl != NULL;
        from = end;
    }
}

/* The position of needle at or after from, or -1. */
static long find(const struct compiler *c, size_t from, const char *needle, size_t n)
{
    const char *p = memmem(c->src + from, c->len - from, needle, n);
    return p ? (long)(p - c->src) : -1;
}

/* The tag at start: its type, its end and its content. */
static int scan_tag(struct compiler *c, size_t start, struct tag *t)
{
    static const char types[] = "#^/>&!={";
    char closing[MAX_DELIMITER + 2];
    size_t p = start + c->open_len, closing_len = c->close_len;

    t->start = start;
    t->type = p < c->len && strchr(types, c->src[p]) && c->src[p] ? c->src[p] : 0;
    if (p < c->len && (c->src[p] == '$' || c->src[p] == '<'))
        return fail(c, start, "inheritance ({{$x}}, {{<x}}) is not supported", NULL, 0);
    memcpy(closing, c->close_tag, c->close_len);
    if (t->type == '{' || t->type == '=') { /* {{{x}}} ends in }}}, {{=a b=}} in =}} */
        closing[0] = t->type == '{' ? '}' : '=';
        memcpy(closing + 1, c->close_tag, c->close_len);
        closing_len++;
    }
    p += t->type != 0;
    long e = find(c, p, closing, closing_len);
    if (e < 0)
        return fail(c, start, "tag is not closed: no", c->close_tag, c->close_len);
    t->end = (size_t)e + closing_len;
    t->body = p;
    t->body_len = (size_t)e - p;
    while (t->type != '!' && t->body_len > 0 && is_blank(c->src[t->body]))
        t->body++, t->body_len--;
    while (t->type != '!' && t->body_len > 0 && is_blank(c->src[t->body + t->body_len - 1]))
        t->body_len--;
    return 0;
}

/* A standalone tag is alone on its line but for spaces and tabs: the line,
 * from *line_begin up to *next (after its newline), is removed. */
static bool standalone(const struct compiler *c, const struct tag *t, size_t *line_begin,
    size_t *next)
{
    if (strchr("#^/>!=", t->type) == NULL || t->type == 0)
        return false;
    size_t b = t->start;
    while (b > 0 && (c->src[b - 1] == ' ' || c->src[b - 1] == '\t'))
        b--;
    if ((b > 0 && c->src[b - 1] != '\n') || c->last_tag_end > b)
        return false;
    size_t e = t->end;
    while (e < c->len && (c->src[e] == ' ' || c->src[e] == '\t'))
        e++;
    if (e + 1 < c->len && c->src[e] == '\r' && c->src[e + 1] == '\n')
        e += 2;
    else if (e < c->len && c->src[e] == '\n')
        e++;
    else if (e < c->len)
        return false;
    *line_begin = b;
    *next = e;
    return true;
}

/* Adds a name's parts to the pool: "a.b" as "a\0b\0" (2 parts), "." as none. */
static int add_name(struct compiler *c, const struct tag *t, uint32_t *at, uint32_t *parts)
{
    const char *s = c->src + t->body;
    size_t n = t->body_len;
    if (n == 0)
        return fail(c, t->start, "a tag needs a name", NULL, 0);
    for (size_t i = 0; i < n; i++)
        if (is_blank(s[i]))
            return fail(c, t->start, "a name cannot hold spaces:", s, n);
    *at = (uint32_t)c->pool.len;
    *parts = 0;
    if (n == 1 && s[0] == '.')
        return 0;
    for (size_t i = 0; i <= n; i++) {
        size_t from = i;
        while (i < n && s[i] != '.')
            i++;
        if (i == from)
            return fail(c, t->start, "a dotted name has an empty part:", s, n);
        pool_add(c, s + from, i - from);
        (*parts)++;
    }
    return 0;
}

static int add_variable(struct compiler *c, const struct tag *t)
{
    struct mustache_node node = { .op = t->type == 0 ? MUSTACHE_ESCAPED : MUSTACHE_RAW };
    if (add_name(c, t, &node.str, &node.len) < 0)
        return -1;
    push_node(c, node);
    return 0;
}

static int open_section(struct compiler *c, const struct tag *t)
{
    struct mustache_node node = { .op = t->type == '#' ? MUSTACHE_SECTION : MUSTACHE_INVERTED };
    if (c->depth == MUSTACHE_MAX_NESTING)
        return fail(c, t->start, "sections are nested too deep at", c->src + t->body,
            t->body_len);
    if (add_name(c, t, &node.str, &node.len) < 0)
        return -1;
    c->open[c->depth++] = (struct open_section) { .node = c->n_nodes, .tag = t->start,
        .name = t->body, .name_len = t->body_len };
    push_node(c, node);
    return 0;
}

static int close_section(struct compiler *c, const struct tag *t)
{
    const char *name = c->src + t->body;
    if (c->depth == 0)
        return fail(c, t->start, "closes no open section:", name, t->body_len);
    const struct open_section *o = &c->open[c->depth - 1];
    if (o->name_len != t->body_len || memcmp(c->src + o->name, name, o->name_len) != 0) {
        char *what = mustache_printf("section opened on line %zu closed by",
            line_of(c, o->tag));
        fail(c, t->start, what, name, t->body_len);
        free(what);
        return -1;
    }
    c->nodes[o->node].end = c->n_nodes;
    c->depth--;
    return 0;
}

/* indent: the spaces before a standalone partial tag, or none. */
static int add_partial(struct compiler *c, const struct tag *t, size_t indent, size_t indent_len)
{
    const char *name = c->src + t->body;
    if (t->body_len == 0)
        return fail(c, t->start, "a partial needs a name", NULL, 0);
    struct mustache_node node = { .op = MUSTACHE_PARTIAL };
    node.str = pool_add(c, name, t->body_len);
    node.hash = mustache_hash(c->pool.data + node.str);
    node.indent = pool_add(c, c->src + indent, indent_len);
    push_node(c, node);
    return 0;
}

/* {{=<% %>=}}: two delimiters, no spaces in them. */
static int set_delimiters(struct compiler *c, const struct tag *t)
{
    const char *s = c->src + t->body;
    size_t n = t->body_len, a = 0;
    while (a < n && !is_blank(s[a]))
        a++;
    size_t b = a;
    while (b < n && is_blank(s[b]))
        b++;
    bool ok = a > 0 && b > a && b < n && a <= MAX_DELIMITER && n - b <= MAX_DELIMITER;
    for (size_t i = b; ok && i < n; i++)
        ok = !is_blank(s[i]) && s[i] != '=';
    for (size_t i = 0; ok && i < a; i++)
        ok = s[i] != '=';
    if (!ok)
        return fail(c, t->start, "set delimiters takes two delimiters, as in {{=<% %>=}}:", s, n);
    memcpy(c->open_tag, s, a);
    c->open_tag[a] = '\0';
    c->open_len = a;
    memcpy(c->close_tag, s + b, n - b);
    c->close_tag[n - b] = '\0';
    c->close_len = n - b;
    return 0;
}

/* What a tag adds; a standalone tag's line is already gone. */
static int apply_tag(struct compiler *c, const struct tag *t, bool alone, size_t line_begin)
{
    if (!alone)
        begin_content(c);
    switch (t->type) {
    case '!':
        return 0;
    case '=':
        return set_delimiters(c, t);
    case '#':
    case '^':
        return open_section(c, t);
    case '/':
        return close_section(c, t);
    case '>':
        return add_partial(c, t, line_begin, alone ? t->start - line_begin : 0);
    default:
        return add_variable(c, t);
    }
}

/* One tag and the text before it. */
static int compile_step(struct compiler *c, size_t tag_start)
{
    struct tag t;
    size_t line_begin = 0, next = 0;
    if (scan_tag(c, tag_start, &t) < 0)
        return -1;
    bool alone = standalone(c, &t, &line_begin, &next);
    add_text(c, c->pos, alone ? line_begin : tag_start);
    c->pos = alone ? next : t.end;
    c->last_tag_end = t.end;
    if (apply_tag(c, &t, alone, line_begin) < 0)
        return -1;
    if (alone)
        c->line_start = true;
    return 0;
}

static int compile_all(struct compiler *c)
{
    if (c->len > MUSTACHE_MAX_SOURCE) {
        c->error = mustache_printf("the template is %zu bytes, more than the %d allowed", c->len,
            MUSTACHE_MAX_SOURCE);
        return -1;
    }
    while (c->pos < c->len) {
        long tag = find(c, c->pos, c->open_tag, c->open_len);
        if (tag < 0)
            break;
        if (compile_step(c, (size_t)tag) < 0)
            return -1;
    }
    add_text(c, c->pos, c->len);
    if (c->depth > 0) {
        const struct open_section *o = &c->open[c->depth - 1];
        return fail(c, o->tag, "section is never closed:", c->src + o->name, o->name_len);
    }
    return 0;
}

struct mustache_template *mustache_compile(const char *src, size_t len, char **cause)
{
    struct compiler c = { .src = src ? src : "", .len = src ? len : 0, .open_tag = "{{",
        .close_tag = "}}", .open_len = 2, .close_len = 2, .line_start = true };
    if (compile_all(&c) < 0) {
        free(c.nodes);
        free(c.pool.data);
        *cause = c.error;
        return NULL;
    }
    struct mustache_template *tpl = mustache_alloc(1, sizeof(*tpl));
    tpl->nodes = c.nodes;
    tpl->n_nodes = c.n_nodes;
    tpl->pool = c.pool.data ? c.pool.data : mustache_printf("%s", "");
    return tpl;
}

void mustache_template_free(struct mustache_template *tpl)
{
    if (tpl == NULL)
        return;
    free(tpl->nodes);
    free(tpl->pool);
    free(tpl);
}
