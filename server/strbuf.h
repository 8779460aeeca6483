/* SPDX-License-Identifier: Apache-2.0 */
/* A growing string, always NUL-terminated: text assembled piece by piece
 * (array literals, joined lists) without a caller sizing a buffer by hand. */
#ifndef PIIRI_STRBUF_H
#define PIIRI_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *data; /* NULL until something is added */
    size_t len, cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string so far (new; "" if nothing was added); sb is empty again. */
char *strbuf_take(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
