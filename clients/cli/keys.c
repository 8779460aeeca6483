/* SPDX-License-Identifier: Apache-2.0 */
/* Keys from a terminal's bytes (keys.h). */
#include "keys.h"

#include <string.h>

/* CSI (ESC [) parameters and a final byte: ESC [ A, ESC [ 5 ~. */
static int csi(const unsigned char *buf, size_t len, size_t *used, int final)
{
    size_t i = 2;
    while (i < len && buf[i] >= 0x20 && buf[i] < 0x40)
        i++;
    if (i == len) {
        *used = len;
        return final ? KEY_NONE : KEY_MORE;
    }
    *used = i + 1;
    switch (buf[i]) {
    case 'A':
        return KEY_UP;
    case 'B':
        return KEY_DOWN;
    case 'H':
        return KEY_HOME;
    case 'F':
        return KEY_END;
    case '~':
        if (i == 3 && (buf[2] == '1' || buf[2] == '7'))
            return KEY_HOME;
        if (i == 3 && (buf[2] == '4' || buf[2] == '8'))
            return KEY_END;
        if (i == 3 && buf[2] == '5')
            return KEY_PGUP;
        if (i == 3 && buf[2] == '6')
            return KEY_PGDN;
        return KEY_NONE;
    default:
        return KEY_NONE;
    }
}

static int escape(const unsigned char *buf, size_t len, size_t *used, int final)
{
    if (len == 1) {
        *used = 1;
        return final ? KEY_ESC : KEY_MORE;
    }
    if (buf[1] == '[')
        return csi(buf, len, used, final);
    if (buf[1] == 'O') {
        if (len == 2) {
            *used = 2;
            return final ? KEY_NONE : KEY_MORE;
        }
        *used = 3;
        return buf[2] == 'A'   ? KEY_UP
               : buf[2] == 'B' ? KEY_DOWN
               : buf[2] == 'H' ? KEY_HOME
               : buf[2] == 'F' ? KEY_END
                               : KEY_NONE;
    }
    *used = 1; /* Escape, then another key */
    return KEY_ESC;
}

static int utf8(const unsigned char *buf, size_t len, size_t *used, int final)
{
    size_t n = buf[0] >= 0xF0 ? 4 : buf[0] >= 0xE0 ? 3 : 2;
    if (len < n) {
        *used = len;
        return final ? KEY_NONE : KEY_MORE;
    }
    *used = n;
    if (n == 3 && memcmp(buf, "\xE2\x88\x92", 3) == 0)
        return '-';
    return KEY_NONE;
}

int keys_decode(const unsigned char *buf, size_t len, size_t *used, int final)
{
    *used = 0;
    if (len == 0)
        return KEY_MORE;
    if (buf[0] == 0x1b)
        return escape(buf, len, used, final);
    if (buf[0] >= 0xC0)
        return utf8(buf, len, used, final);
    *used = 1;
    if (buf[0] == '\r' || buf[0] == '\n')
        return KEY_ENTER;
    if (buf[0] == 0x7f || buf[0] == 0x08)
        return KEY_BACKSPACE;
    if (buf[0] >= 0x80)
        return KEY_NONE;
    return buf[0];
}
