/* SPDX-License-Identifier: Apache-2.0 */
/* A growing byte buffer, always NUL-terminated: request bodies, answers,
 * table lines and terminal frames are assembled in one. */
#ifndef PIIRI_CLI_BUF_H
#define PIIRI_CLI_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NULL until something is added */
    size_t len, cap;
};

#define BUF_INIT   \
    {              \
        NULL, 0, 0 \
    }

void buf_add(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far, borrowed: "" when nothing was added. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* Out-of-memory aborts: these never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
