/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance reports as CSV a spreadsheet opens by double-clicking: UTF-8
 * with a byte order mark, headers in the language asked for, and a variant
 * with semicolons and decimal commas for spreadsheets set up that way
 * (Finnish and Swedish Excel). Numbers only; cells go through csv.c. */
#ifndef PIIRI_REPORT_CSV_H
#define PIIRI_REPORT_CSV_H

#include <event2/buffer.h>
#include <jansson.h>
#include <stdbool.h>

enum report_lang { REPORT_LANG_KEYS, REPORT_LANG_FI, REPORT_LANG_SV, REPORT_LANG_EN };

/* "fi", "sv" or "en" (any case, a region after a hyphen is ignored);
 * -1 for anything else. */
int report_lang_parse(const char *tag);
/* The best of fi, sv and en an Accept-Language header asks for (by q);
 * REPORT_LANG_KEYS when it names none of them or is NULL. */
enum report_lang report_lang_accept(const char *accept_language);

struct report_csv {
    enum report_lang lang;
    bool semicolons;        /* ';' between cells, ',' before decimals */
    const char *rows_key;   /* "groups" or "organizations" */
    bool rollup;            /* rows are organizations (org, name) */
};

/* The whole report (the JSON piirid answers) as CSV into OUT. */
void report_csv_write(struct evbuffer *out, const struct report_csv *how, json_t *report);

#endif
