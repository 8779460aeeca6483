/* SPDX-License-Identifier: Apache-2.0 */
/* Keys from a terminal's bytes: letters as they are, the arrows and paging
 * keys of VT100/xterm (CSI and SS3 forms), Enter, Backspace, Escape. Pure:
 * the bytes of a key may arrive in several reads over a slow link. */
#ifndef PIIRI_CLI_KEYS_H
#define PIIRI_CLI_KEYS_H

#include <stddef.h>

enum {
    KEY_MORE = -2, /* the bytes so far begin a key: wait for the rest */
    KEY_NONE = -1, /* bytes of no key piiri uses: skipped */
    KEY_CTRL_C = 3,
    KEY_UP = 0x101,
    KEY_DOWN,
    KEY_PGUP,
    KEY_PGDN,
    KEY_HOME,
    KEY_END,
    KEY_ESC,
    KEY_ENTER,
    KEY_BACKSPACE,
};

/* The key at the start of BUF (LEN bytes); *used is how many bytes it took.
 * FINAL: no more bytes are coming soon, so a lone Escape is the Escape key.
 * "−" (U+2212) is '-'. */
int keys_decode(const unsigned char *buf, size_t len, size_t *used, int final);

#endif
