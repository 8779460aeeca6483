/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance reports as CSV: header languages, separators, decimal marks. */
#include "report-csv.h"

#include "csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The numbers, in the JSON's order; per language: keys, fi, sv, en. */
static const char *const numbers[][4] = {
    { "sessions_held", "Pidetyt tapaamiset", "Hållna träffar", "Sessions held" },
    { "sessions_not_recorded", "Kirjaamattomat tapaamiset", "Ej registrerade träffar", "Sessions not recorded" },
    { "days_held", "Toimintapäivät", "Verksamhetsdagar", "Days held" },
    { "visits", "Käynnit yhteensä", "Besök totalt", "Visits" },
    { "adult_visits", "Aikuisten käynnit", "Vuxnas besök", "Adult visits" },
    { "child_visits", "Lasten käynnit", "Barns besök", "Child visits" },
    { "walk_in_visits", "Ilmoittautumattomat kävijät", "Besökare utan anmälan", "Walk-in visits" },
    { "unique_participants", "Eri osallistujat", "Olika deltagare", "Unique participants" },
    { "first_time_participants", "Ensikertalaiset", "Nya deltagare", "First-time participants" },
    { "volunteer_hours", "Vapaaehtoistunnit", "Frivilliga timmar", "Volunteer hours" },
};
#define NNUMBERS (sizeof numbers / sizeof numbers[0])

static const char *const group_heads[][4] = {
    { "group_id", "Ryhmän tunniste", "Gruppens id", "Group id" },
    { "title", "Ryhmä", "Grupp", "Group" },
};
static const char *const org_heads[][4] = {
    { "org", "Yhdistyksen tunnus", "Föreningens kod", "Organization" },
    { "name", "Yhdistys", "Förening", "Name" },
};
static const char *const total_label[4] = { "total", "Yhteensä", "Totalt", "Total" };

int report_lang_parse(const char *tag)
{
    static const char *const codes[] = { "fi", "sv", "en" };
    for (int i = 0; i < 3; i++)
        if (tolower((unsigned char)tag[0]) == codes[i][0] && tag[1] != '\0' &&
            tolower((unsigned char)tag[1]) == codes[i][1] && (tag[2] == '\0' || tag[2] == '-'))
            return REPORT_LANG_FI + i;
    return -1;
}

/* One entry of Accept-Language: its language (or -1) and its q (0..1000). */
static int accept_entry(const char *s, size_t len, int *q)
{
    char tag[16] = { 0 };
    size_t n = 0;
    while (n < len && s[n] != ';' && n < sizeof tag - 1) {
        tag[n] = s[n];
        n++;
    }
    while (n > 0 && tag[n - 1] == ' ')
        n--;
    tag[n] = '\0';
    *q = 1000;
    const char *qp = memchr(s, ';', len);
    if (qp != NULL) {
        const char *v = strstr(qp, "q=");
        if (v != NULL && v < s + len)
            *q = (int)(strtod(v + 2, NULL) * 1000);
    }
    return report_lang_parse(tag);
}

enum report_lang report_lang_accept(const char *header)
{
    enum report_lang best = REPORT_LANG_KEYS;
    int best_q = 0;
    while (header != NULL && *header != '\0') {
        while (*header == ' ' || *header == ',')
            header++;
        size_t len = strcspn(header, ",");
        int q, lang = len > 0 ? accept_entry(header, len, &q) : -1;
        if (lang >= 0 && q > best_q) {
            best = (enum report_lang)lang;
            best_q = q;
        }
        header += len;
    }
    return best;
}

static void put_sep(struct evbuffer *out, const struct report_csv *how)
{
    evbuffer_add(out, how->semicolons ? ";" : ",", 1);
}

static void put_number(struct evbuffer *out, const struct report_csv *how, json_t *v)
{
    char num[64];
    if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    else
        snprintf(num, sizeof num, "%.15g", json_number_value(v));
    char *dot = strchr(num, '.');
    if (dot != NULL && how->semicolons)
        *dot = ',';
    evbuffer_add(out, num, strlen(num));
}

static void put_row(struct evbuffer *out, const struct report_csv *how, const char *id, const char *label,
    json_t *row)
{
    csv_cell_sep(out, id, how->semicolons ? ';' : ',');
    put_sep(out, how);
    csv_cell_sep(out, label, how->semicolons ? ';' : ',');
    for (size_t i = 0; i < NNUMBERS; i++) {
        put_sep(out, how);
        put_number(out, how, json_object_get(row, numbers[i][0]));
    }
    evbuffer_add(out, "\r\n", 2);
}

static void put_header(struct evbuffer *out, const struct report_csv *how)
{
    const char *const(*heads)[4] = how->rollup ? org_heads : group_heads;
    evbuffer_add(out, "\xEF\xBB\xBF", 3); /* the BOM: spreadsheets then read UTF-8 */
    for (size_t i = 0; i < 2; i++) {
        csv_cell_sep(out, heads[i][how->lang], how->semicolons ? ';' : ',');
        put_sep(out, how);
    }
    for (size_t i = 0; i < NNUMBERS; i++) {
        csv_cell_sep(out, numbers[i][how->lang], how->semicolons ? ';' : ',');
        if (i + 1 < NNUMBERS)
            put_sep(out, how);
    }
    evbuffer_add(out, "\r\n", 2);
}

static const char *str(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key)) ?: "";
}

void report_csv_write(struct evbuffer *out, const struct report_csv *how, json_t *report)
{
    const char *id_key = how->rollup ? "org" : "group_id", *label_key = how->rollup ? "name" : "title";
    json_t *row;
    size_t i;
    put_header(out, how);
    json_array_foreach(json_object_get(report, how->rows_key), i, row)
        put_row(out, how, str(row, id_key), str(row, label_key), row);
    put_row(out, how, "", total_label[how->lang], json_object_get(report, "total"));
}
