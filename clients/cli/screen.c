/* SPDX-License-Identifier: Apache-2.0 */
/* Redrawing a terminal by difference, line by line (screen.h). */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

static void free_lines(char **lines, int rows)
{
    if (lines == NULL)
        return;
    for (int i = 0; i < rows; i++)
        free(lines[i]);
    free(lines);
}

void screen_init(struct screen *s, int rows, int cols)
{
    s->rows = rows > 0 ? rows : 1;
    s->cols = cols > 0 ? cols : 1;
    s->shown = xcalloc((size_t)s->rows, sizeof *s->shown);
    s->next = xcalloc((size_t)s->rows, sizeof *s->next);
    s->clear = 1;
}

void screen_free(struct screen *s)
{
    free_lines(s->shown, s->rows);
    free_lines(s->next, s->rows);
    memset(s, 0, sizeof *s);
}

void screen_resize(struct screen *s, int rows, int cols)
{
    screen_free(s);
    screen_init(s, rows, cols);
}

void screen_invalidate(struct screen *s)
{
    for (int i = 0; i < s->rows; i++) {
        free(s->shown[i]);
        s->shown[i] = NULL;
    }
    s->clear = 1;
}

void screen_set(struct screen *s, int row, const char *text)
{
    if (row < 0 || row >= s->rows)
        return;
    free(s->next[row]);
    s->next[row] = xstrdup(text);
}

void screen_render(struct screen *s, struct buf *out)
{
    if (s->clear) {
        buf_adds(out, "\033[H\033[2J");
        s->clear = 0;
    }
    for (int i = 0; i < s->rows; i++) {
        const char *want = s->next[i] ? s->next[i] : "";
        if (s->shown[i] != NULL && strcmp(s->shown[i], want) == 0)
            continue;
        /* An empty line after a clear needs nothing. */
        if (s->shown[i] == NULL && *want == '\0' && i > 0) {
            s->shown[i] = xstrdup("");
            continue;
        }
        buf_addf(out, "\033[%d;1H%s\033[0m\033[K", i + 1, want);
        free(s->shown[i]);
        s->shown[i] = xstrdup(want);
    }
}

/* The length of the UTF-8 sequence that starts with C (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xF0 && c < 0xF8)
        return 4;
    if (c >= 0xE0)
        return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0)
        return 2;
    return 1;
}

void screen_fit(struct buf *out, const char *text, int cols, int pad)
{
    int used = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && used < cols) {
        size_t n = utf8_len(*p);
        if (*p < 0x20 || *p == 0x7f) {
            buf_addc(out, '?');
            p++;
        } else {
            size_t i = 0;
            while (i < n && p[i])
                i++;
            buf_add(out, (const char *)p, i);
            p += i;
        }
        used++;
    }
    while (pad && used++ < cols)
        buf_addc(out, ' ');
}
