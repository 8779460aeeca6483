/* SPDX-License-Identifier: Apache-2.0 */
/* CSV cells as RFC 4180 writes them, made safe to open in a spreadsheet:
 * every CSV piirid writes goes through here. */
#ifndef PIIRI_CSV_H
#define PIIRI_CSV_H

#include <event2/buffer.h>
#include <stdbool.h>

/* Would a spreadsheet read s as a formula? It starts (after any spaces)
 * with =, +, -, @, a tab, a carriage return or a line feed (OWASP, CSV
 * injection). */
bool csv_is_formula(const char *s);
/* Append s as one cell: a formula-like text gets a leading single quote
 * and is quoted, so it is shown as text; a cell holding a comma, a quote or
 * a line break is quoted with its quotes doubled. */
void csv_cell(struct evbuffer *out, const char *s);
/* The same for a file whose cells are separated by SEP (',' or ';'): a cell
 * holding SEP is quoted. */
void csv_cell_sep(struct evbuffer *out, const char *s, char sep);

#endif
