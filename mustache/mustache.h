/* SPDX-License-Identifier: Apache-2.0 */
/* Mustache templates over Jansson values: compiled once, rendered many times.
 * Pure: no libevent, no libpq, no I/O, nothing of server/; Jansson only for
 * the data. Conforms to the Mustache specification (comments, interpolation,
 * sections, inverted sections, partials, set delimiters; no lambdas, no
 * inheritance: `{{<x}}` and `{{$x}}` are compile errors).
 *
 * Compiling turns a template's source into a flat list of nodes (text,
 * interpolations, sections with the index of their end, partial calls) with
 * standalone lines already removed, so a render never parses. Compiled
 * templates are never changed after compiling: any number of threads may
 * render the same template or set at once.
 *
 * Rendering, where it is a choice the specification leaves open:
 *   - `{{x}}` escapes & < > " ' ` = for HTML (and writes U+FFFD for NUL);
 *     `{{{x}}}` and `{{& x}}` write the value as it is.
 *   - Strings as they are, integers in decimal, reals in the fewest digits
 *     that read back the same (1.21), true and false as words; null, a
 *     missing name, an object or an array as nothing.
 *   - A section is skipped for false, null, a missing name, an empty array
 *     and an empty string; numbers are always true (a count of 0 is shown).
 *     An array repeats it per element, anything else renders it once with
 *     the value on top of the context stack.
 *   - A partial that is not in the set renders as nothing.
 *
 * Errors are returned, never abort: compile errors name the line ("line 3:
 * section \"items\" is never closed"), render errors say which limit was
 * reached. Out of memory aborts, as it does in piirid. */
#ifndef PIIRI_MUSTACHE_H
#define PIIRI_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

/* Limits, so that no template or data makes a render unbounded. */
#define MUSTACHE_MAX_SOURCE  (1024 * 1024)      /* bytes of one template's source */
#define MUSTACHE_MAX_NESTING 64                 /* sections inside sections, in one template */
#define MUSTACHE_MAX_DEPTH   100                /* sections and partials inside each other, rendering */
#define MUSTACHE_MAX_OUTPUT  (16 * 1024 * 1024) /* bytes one render writes (default) */
#define MUSTACHE_MAX_STEPS   4000000UL          /* nodes one render visits (default) */

struct mustache_template;
struct mustache_set;

/* Where a render writes. write returns 0, or -1 to stop the render (which
 * then fails with "output refused"). A zero limit means the default. */
struct mustache_output {
    int (*write)(void *arg, const char *s, size_t n);
    void *arg;
    size_t max_bytes;
    unsigned long max_steps;
};

/* A new compiled template, or NULL with *cause (new, free() it) saying why
 * and on which line. src need not be NUL-terminated and is not kept. */
struct mustache_template *mustache_compile(const char *src, size_t len, char **cause)
    __attribute__((warn_unused_result));
void mustache_template_free(struct mustache_template *tpl);

/* A set of named templates: each is a partial of the others. */
struct mustache_set *mustache_set_new(void);
void mustache_set_free(struct mustache_set *set);
/* Compiles src under name (copied); -1 with *cause (new) on a compile error
 * (prefixed with the name) or when the name is taken. */
int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len,
    char **cause) __attribute__((warn_unused_result));
/* The template of that name (borrowed, owned by the set), or NULL. */
const struct mustache_template *mustache_set_get(const struct mustache_set *set, const char *name);

/* Renders tpl over data (borrowed), partials from set (NULL: none), into out.
 * 0, or -1 with *cause (new): a limit reached or the output refused; what
 * was written until then stays written. */
int mustache_render(const struct mustache_template *tpl, const json_t *data,
    const struct mustache_set *set, const struct mustache_output *out, char **cause)
    __attribute__((warn_unused_result));

/* The same, into a new NUL-terminated string (free() it) of *len bytes, with
 * the default limits; NULL with *cause on an error. */
char *mustache_render_string(const struct mustache_template *tpl, const json_t *data,
    const struct mustache_set *set, size_t *len, char **cause) __attribute__((warn_unused_result));

#endif
