/* SPDX-License-Identifier: Apache-2.0 */
/* The module's memory: allocation that aborts when memory runs out, a
 * growable buffer and printf into a new string. Its own rather than
 * server/util.c and server/strbuf.c, so that mustache/ stands alone. */
#include "mustache-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *mustache_realloc(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        abort();
    void *q = realloc(p, n && size ? n * size : 1);
    if (q == NULL)
        abort();
    return q;
}

void *mustache_alloc(size_t n, size_t size)
{
    return mustache_realloc(NULL, n, size);
}

char *mustache_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    return s;
}

/* Room for n more bytes and a NUL; doubling, so adding is amortised O(1). */
static void buf_reserve(struct mustache_buf *b, size_t n)
{
    if (n >= SIZE_MAX / 2 - b->len)
        abort();
    if (b->len + n < b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + n)
        cap *= 2;
    b->data = mustache_realloc(b->data, cap, 1);
    b->cap = cap;
}

void mustache_buf_add(struct mustache_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mustache_buf_addc(struct mustache_buf *b, char c)
{
    mustache_buf_add(b, &c, 1);
}
