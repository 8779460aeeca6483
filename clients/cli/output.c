/* SPDX-License-Identifier: Apache-2.0 */
/* Human-readable output: aligned tables, times, NO_COLOR (output.h). */
#include "output.h"

#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct table {
    int ncols;
    char **cells; /* row by row, the header first */
    size_t n, cap;
};

int output_color(int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no != NULL && *no != '\0')
        return 0;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fd);
}

static void push(struct table *t, char *s)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->cells = xrealloc(t->cells, t->cap * sizeof *t->cells);
    }
    t->cells[t->n++] = s;
}

struct table *table_new(int ncols, ...)
{
    struct table *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    va_list ap;
    va_start(ap, ncols);
    for (int i = 0; i < ncols; i++)
        push(t, xstrdup(va_arg(ap, const char *)));
    va_end(ap);
    return t;
}

void table_cell(struct table *t, const char *text)
{
    push(t, xstrdup(text && *text ? text : "-"));
}

void table_cellf(struct table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        s = xstrdup("?");
    va_end(ap);
    push(t, s);
}

int table_rows(const struct table *t)
{
    return (int)(t->n / (size_t)t->ncols) - 1;
}

size_t output_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* A control character in a value from the server would move the cursor:
 * shown as "?" (names and titles are the server's, not ours). */
static void put_text(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

void table_print(const struct table *t, FILE *out, int color)
{
    size_t *w = xcalloc((size_t)t->ncols, sizeof *w);
    for (size_t i = 0; i < t->n; i++) {
        size_t cw = output_width(t->cells[i]);
        if (cw > w[i % (size_t)t->ncols])
            w[i % (size_t)t->ncols] = cw;
    }
    for (size_t i = 0; i < t->n; i++) {
        int col = (int)(i % (size_t)t->ncols), last = col == t->ncols - 1,
            head = i < (size_t)t->ncols;
        if (head && color)
            fputs("\033[1m", out);
        put_text(out, t->cells[i]);
        if (head && color)
            fputs("\033[0m", out);
        if (last)
            fputc('\n', out);
        else
            fprintf(out, "%*s", (int)(w[col] - output_width(t->cells[i]) + 2), "");
    }
    free(w);
}

void table_free(struct table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

const char *output_time(const char *rfc3339, char *out, size_t size)
{
    if (rfc3339 == NULL || strlen(rfc3339) < 16) {
        snprintf(out, size, "%s", rfc3339 ? rfc3339 : "-");
        return out;
    }
    snprintf(out, size, "%.10s %.5s", rfc3339, rfc3339 + 11);
    return out;
}

const char *output_str(json_t *obj, const char *key)
{
    static char num[64];
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return num;
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%g", json_real_value(v));
        return num;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "yes" : "no";
    return "-";
}

void output_pair(FILE *out, int width, const char *label, const char *value)
{
    fprintf(out, "%s:%*s", label, (int)(width - output_width(label) + 1), "");
    put_text(out, value && *value ? value : "-");
    fputc('\n', out);
}
