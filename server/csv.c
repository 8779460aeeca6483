/* SPDX-License-Identifier: Apache-2.0 */
/* CSV cells: quoting (RFC 4180) and formula neutralisation (OWASP). */
#include "csv.h"

#include <string.h>

bool csv_is_formula(const char *s)
{
    while (*s == ' ')
        s++;
    return *s != '\0' && strchr("=+-@\t\r\n", *s) != NULL;
}

void csv_cell(struct evbuffer *out, const char *s)
{
    csv_cell_sep(out, s, ',');
}

void csv_cell_sep(struct evbuffer *out, const char *s, char sep)
{
    bool formula = csv_is_formula(s);
    if (!formula && strchr(s, sep) == NULL && strpbrk(s, "\"\r\n") == NULL) {
        evbuffer_add(out, s, strlen(s));
        return;
    }
    evbuffer_add(out, formula ? "\"'" : "\"", formula ? 2 : 1);
    for (const char *quote; (quote = strchr(s, '"')) != NULL; s = quote + 1) {
        evbuffer_add(out, s, (size_t)(quote - s) + 1); /* up to and with the quote */
        evbuffer_add(out, "\"", 1);                    /* and it doubled */
    }
    evbuffer_add(out, s, strlen(s));
    evbuffer_add(out, "\"", 1);
}
