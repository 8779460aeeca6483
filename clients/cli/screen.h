/* SPDX-License-Identifier: Apache-2.0 */
/* A screen of lines for a VT100/ANSI terminal, redrawn by difference: only the
 * lines that changed since the last frame are sent, each as "go to the line,
 * write it, clear to its end", so that a slow ssh link carries little. No I/O
 * here: a frame is written into a buffer that the caller sends. */
#ifndef PIIRI_CLI_SCREEN_H
#define PIIRI_CLI_SCREEN_H

#include "buf.h"

struct screen {
    int rows, cols;
    char **shown; /* what the terminal has, per line (NULL: unknown) */
    char **next;  /* what the next frame holds, per line */
    int clear;    /* the next frame first clears the whole screen */
};

void screen_init(struct screen *s, int rows, int cols);
/* A new size (a SIGWINCH): the next frame redraws everything. */
void screen_resize(struct screen *s, int rows, int cols);
/* Forgets what the terminal shows: the next frame redraws everything. */
void screen_invalidate(struct screen *s);
void screen_free(struct screen *s);

/* Line ROW of the next frame (copied): TEXT fits the width already (see
 * screen_fit) and may hold SGR sequences. Lines not set are empty. */
void screen_set(struct screen *s, int row, const char *text);
/* Appends the escape sequences that turn the shown frame into the next one. */
void screen_render(struct screen *s, struct buf *out);

/* Appends the first COLS characters of TEXT (UTF-8, one cell each; control
 * characters as "?"), padded with spaces to COLS when PAD. */
void screen_fit(struct buf *out, const char *text, int cols, int pad);

#endif
