/* SPDX-License-Identifier: Apache-2.0 */
/* The terminal in raw mode, and back (term.h). */
#include "term.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* Leave the alternate screen, show the cursor, reset the attributes. */
#define TERM_RESTORE "\033[0m\033[?25h\033[?1049l"
#define TERM_SETUP   "\033[?1049h\033[?25l"

static struct termios saved;
static int raw_fd = -1;
static volatile sig_atomic_t stop_signal, resized;
static struct sigaction old_int, old_term, old_hup, old_winch;

/* Async-signal-safe: write and tcsetattr only. */
static void restore_now(void)
{
    if (raw_fd < 0)
        return;
    (void)write(raw_fd, TERM_RESTORE, sizeof TERM_RESTORE - 1);
    tcsetattr(raw_fd, TCSAFLUSH, &saved);
}

static void stop_cb(int sig)
{
    if (stop_signal != 0) {
        restore_now();
        _exit(128 + sig);
    }
    stop_signal = sig;
}

static void winch_cb(int sig)
{
    resized = 1;
}

static void handle(int sig, void (*cb)(int), struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cb;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a signal ends the wait for a key */
    sigaction(sig, &sa, old);
}

int term_enter(int fd)
{
    struct termios raw;
    if (!isatty(fd) || tcgetattr(fd, &saved) < 0)
        return -1;
    raw = saved;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
        return -1;
    raw_fd = fd;
    stop_signal = 0;
    resized = 0;
    handle(SIGINT, stop_cb, &old_int);
    handle(SIGTERM, stop_cb, &old_term);
    handle(SIGHUP, stop_cb, &old_hup);
    handle(SIGWINCH, winch_cb, &old_winch);
    atexit(term_leave);
    (void)write(fd, TERM_SETUP, sizeof TERM_SETUP - 1);
    return 0;
}

void term_leave(void)
{
    if (raw_fd < 0)
        return;
    restore_now();
    raw_fd = -1;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
}

void term_size(int fd, int *rows, int *cols)
{
    struct winsize ws;
    *rows = 24;
    *cols = 80;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    }
}

int term_stop_signal(void)
{
    return stop_signal;
}

int term_resized(void)
{
    int r = resized;
    resized = 0;
    return r;
}

ssize_t term_read(int fd, unsigned char *buf, size_t size, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int n = poll(&p, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? -1 : 0;
    if (n == 0)
        return 0;
    ssize_t got = read(fd, buf, size);
    if (got < 0 && errno == EINTR)
        return -1;
    if (got <= 0) {
        /* The terminal went away (ssh dropped): as a hang-up. */
        stop_signal = SIGHUP;
        return -1;
    }
    return got;
}

int term_write(int fd, const struct buf *b)
{
    size_t off = 0;
    while (off < b->len) {
        ssize_t n = write(fd, b->data + off, b->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}
