/* SPDX-License-Identifier: Apache-2.0 */
/* The terminal for a full-screen view: raw mode through termios, the
 * alternate screen, the cursor hidden; restored on the way out, at exit and
 * after SIGINT, SIGTERM and SIGHUP. Signals only set flags (a second one
 * restores the terminal and exits at once); SIGWINCH says the size changed. */
#ifndef PIIRI_CLI_TERM_H
#define PIIRI_CLI_TERM_H

#include "buf.h"

#include <sys/types.h>

/* Enters raw mode on FD (a terminal). 0, or -1 when FD is no terminal. */
int term_enter(int fd) __attribute__((warn_unused_result));
/* Leaves it: the screen, the cursor and the modes as they were. Safe to call twice. */
void term_leave(void);
/* The size of FD's terminal (24x80 when it does not say). */
void term_size(int fd, int *rows, int *cols);
/* The stop signal that arrived (SIGINT, SIGTERM, SIGHUP), or 0. */
int term_stop_signal(void);
/* Whether the size changed since the last call. */
int term_resized(void);
/* Waits up to TIMEOUT_MS for input on FD: bytes read, 0 when none came, -1
 * when a signal came first. */
ssize_t term_read(int fd, unsigned char *buf, size_t size, int timeout_ms);
/* Writes all of B to FD (one write where it can: few packets on a slow link). */
int term_write(int fd, const struct buf *b);

#endif
