/* SPDX-License-Identifier: Apache-2.0 */
/* Content lines (RFC 5545 3.1, 3.3.11): CRLF, folding at 75 octets without
 * splitting a UTF-8 character or an escape, TEXT escaping; and time text. */
#include "ics-internal.h"

#include <stdlib.h>
#include <string.h>

static const char ics_replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void ics_out_init(struct ics_out *o, size_t hint)
{
    o->cap = hint < 256 ? 256 : hint;
    o->data = malloc(o->cap);
    if (o->data == NULL)
        abort(); /* out of memory */
    o->len = 0;
    o->col = 0;
}

/* Room for n more bytes and the final NUL. */
static void out_reserve(struct ics_out *o, size_t n)
{
    if (o->cap - o->len > n)
        return;
    size_t cap = o->cap;
    while (cap - o->len <= n)
        cap *= 2;
    char *grown = realloc(o->data, cap);
    if (grown == NULL)
        abort(); /* out of memory */
    o->data = grown;
    o->cap = cap;
}

static void out_fold(struct ics_out *o)
{
    out_reserve(o, 3);
    memcpy(o->data + o->len, "\r\n ", 3);
    o->len += 3;
    o->col = 1; /* the space counts */
}

/* n bytes that stay on one physical line (a character or an escape). */
static void out_unit(struct ics_out *o, const char *p, size_t n)
{
    if (o->col + n > ICS_LINE_MAX)
        out_fold(o);
    out_reserve(o, n);
    memcpy(o->data + o->len, p, n);
    o->len += n;
    o->col += n;
}

void ics_line_ascii(struct ics_out *o, const char *s, size_t n)
{
    while (n > 0) {
        if (o->col == ICS_LINE_MAX)
            out_fold(o);
        size_t k = ICS_LINE_MAX - o->col;
        if (k > n)
            k = n;
        out_reserve(o, k);
        memcpy(o->data + o->len, s, k);
        o->len += k;
        o->col += k;
        s += k;
        n -= k;
    }
}

void ics_line_str(struct ics_out *o, const char *s)
{
    ics_line_ascii(o, s, strlen(s));
}

void ics_line_end(struct ics_out *o)
{
    out_reserve(o, 2);
    memcpy(o->data + o->len, "\r\n", 2);
    o->len += 2;
    o->col = 0;
}

static bool utf8_tail(unsigned char c, unsigned char lo, unsigned char hi)
{
    return c >= lo && c <= hi;
}

/* The length of the valid UTF-8 character at p (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF), or 0. p is NUL-terminated, and NUL
 * is never a continuation byte, so this reads no further than the string. */
static size_t utf8_length(const unsigned char *p)
{
    unsigned char c = p[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return utf8_tail(p[1], 0x80, 0xBF) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return utf8_tail(p[1], lo, hi) && utf8_tail(p[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return utf8_tail(p[1], lo, hi) && utf8_tail(p[2], 0x80, 0xBF) && utf8_tail(p[3], 0x80, 0xBF)
                   ? 4
                   : 0;
    }
    return 0;
}

/* Printable ASCII that TEXT keeps as it is. */
static bool text_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '\\' && c != ';' && c != ',';
}

void ics_line_text(struct ics_out *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        const unsigned char *run = p;
        while (text_plain(*p))
            p++;
        ics_line_ascii(o, (const char *)run, (size_t)(p - run));
        unsigned char c = *p;
        if (c == '\0')
            break;
        if (c == '\\' || c == ';' || c == ',') {
            char escape[2] = { '\\', (char)c };
            out_unit(o, escape, 2);
            p++;
        } else if (c == '\n' || c == '\r') {
            out_unit(o, "\\n", 2);
            p += c == '\r' && p[1] == '\n' ? 2 : 1; /* CRLF is one newline */
        } else if (c == '\t') {
            out_unit(o, "\t", 1);
            p++;
        } else if (c < 0x80) {
            p++; /* other control characters have no place in TEXT */
        } else {
            size_t n = utf8_length(p);
            if (n == 0)
                out_unit(o, ics_replacement, 3);
            else
                out_unit(o, (const char *)p, n);
            p += n == 0 ? 1 : n;
        }
    }
}

bool ics_line_uri_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        size_t n = utf8_length(p);
        if (n == 0 || *p <= 0x20 || *p == 0x7F)
            return false;
        p += n;
    }
    return true;
}

void ics_line_uri(struct ics_out *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        size_t n = utf8_length(p);
        if (n == 0)
            n = 1; /* not after ics_line_uri_ok; but never stuck */
        out_unit(o, (const char *)p, n);
        p += n;
    }
}

void ics_line_put(struct ics_out *o, const char *name, const char *value)
{
    ics_line_str(o, name);
    ics_line_ascii(o, ":", 1);
    ics_line_str(o, value);
    ics_line_end(o);
}

void ics_line_put_text(struct ics_out *o, const char *name, const char *text)
{
    ics_line_str(o, name);
    ics_line_ascii(o, ":", 1);
    ics_line_text(o, text);
    ics_line_end(o);
}

void ics_time_date(int64_t wall, char out[ICS_DATE_LEN])
{
    struct cal_civil c;

    cal_civil_from_wall(cal_civil_clamp(wall), &c);
    cal_civil_put_digits(out, c.year, 4);
    cal_civil_put_digits(out + 4, c.month, 2);
    cal_civil_put_digits(out + 6, c.day, 2);
    out[8] = '\0';
}

void ics_time_local(int64_t wall, char out[ICS_LOCAL_LEN])
{
    struct cal_civil c;

    cal_civil_from_wall(cal_civil_clamp(wall), &c);
    cal_civil_put_digits(out, c.year, 4);
    cal_civil_put_digits(out + 4, c.month, 2);
    cal_civil_put_digits(out + 6, c.day, 2);
    out[8] = 'T';
    cal_civil_put_digits(out + 9, c.hour, 2);
    cal_civil_put_digits(out + 11, c.minute, 2);
    cal_civil_put_digits(out + 13, c.second, 2);
    out[15] = '\0';
}

void ics_time_utc(int64_t utc, char out[ICS_UTC_LEN])
{
    ics_time_local(utc, out);
    out[15] = 'Z';
    out[16] = '\0';
}
