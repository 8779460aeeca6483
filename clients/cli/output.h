/* SPDX-License-Identifier: Apache-2.0 */
/* Human-readable output: tables aligned in columns of the terminal's width in
 * characters, "label: value" lines, times shortened, colour only where it is
 * wanted (a terminal, NO_COLOR not set, TERM not dumb). */
#ifndef PIIRI_CLI_OUTPUT_H
#define PIIRI_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

struct table;

/* Whether colour and other SGR attributes go to FD: a terminal, NO_COLOR unset or empty. */
int output_color(int fd);

/* A table of NCOLS columns, headed by the NCOLS strings after it (copied). */
struct table *table_new(int ncols, ...);
/* The next cell, left to right and row by row (copied; NULL shows "-"). */
void table_cell(struct table *t, const char *text);
void table_cellf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints it with two spaces between columns; the header bold when COLOR. */
void table_print(const struct table *t, FILE *out, int color);
int table_rows(const struct table *t);
void table_free(struct table *t);

/* The width of UTF-8 text in character cells (one per code point). */
size_t output_width(const char *s);

/* "2026-12-02T10:00:00+02:00" as "2026-12-02 10:00" into OUT (at least 17 bytes). */
const char *output_time(const char *rfc3339, char *out, size_t size);

/* A member of OBJ as text: strings as they are, numbers and booleans written
 * out, null and missing as "-". The result lives in a static buffer until the
 * next call for numbers; strings are borrowed from OBJ. */
const char *output_str(json_t *obj, const char *key);

/* "Label:  value" with the labels of a block aligned to WIDTH. */
void output_pair(FILE *out, int width, const char *label, const char *value);

#endif
