/* SPDX-License-Identifier: Apache-2.0 */
/* What the compiler, the renderer and the set share: the compiled form of a
 * template, the module's growable buffer and its allocation helpers. */
#ifndef PIIRI_MUSTACHE_INTERNAL_H
#define PIIRI_MUSTACHE_INTERNAL_H

#include "mustache.h"

#include <stdbool.h>
#include <stdint.h>

/* What a node does when rendered. */
enum mustache_op {
    MUSTACHE_TEXT,     /* write pool[str .. str+len) */
    MUSTACHE_INDENT,   /* a line of the source starts: write the partial's indentation */
    MUSTACHE_ESCAPED,  /* {{x}} */
    MUSTACHE_RAW,      /* {{{x}}}, {{& x}} */
    MUSTACHE_SECTION,  /* {{#x}}: nodes (this, end) are the body */
    MUSTACHE_INVERTED, /* {{^x}} */
    MUSTACHE_PARTIAL,  /* {{> x}}: pool[str] the name, pool[indent] its indentation */
};

/* A name is its dot-separated parts, each NUL-terminated, one after the
 * other in the pool; parts == 0 is the implicit iterator `.`. */
struct mustache_node {
    enum mustache_op op;
    uint32_t str;    /* text, name or partial name: an offset in the pool */
    uint32_t len;    /* text: bytes; names: parts */
    uint32_t end;    /* sections: the index of the first node after the body */
    uint32_t indent; /* partials: offset of their NUL-terminated indentation */
    uint32_t hash;   /* partials: mustache_hash of the name, for the set's lookup */
};

struct mustache_template {
    struct mustache_node *nodes;
    uint32_t n_nodes;
    char *pool; /* every text, name and indentation, owned */
};

/* A growable byte buffer; data is NUL-terminated while len < cap. */
struct mustache_buf {
    char *data;
    size_t len, cap;
};

void mustache_buf_add(struct mustache_buf *b, const char *s, size_t n);
void mustache_buf_addc(struct mustache_buf *b, char c);

/* Never NULL: out of memory aborts. */
void *mustache_alloc(size_t n, size_t size);
void *mustache_realloc(void *p, size_t n, size_t size);
char *mustache_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

uint32_t mustache_hash(const char *s);
/* The set's template called name, whose mustache_hash is hash, or NULL. */
const struct mustache_template *mustache_set_find(const struct mustache_set *set, const char *name,
    uint32_t hash);

#endif
