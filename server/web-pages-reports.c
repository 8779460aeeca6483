/* SPDX-License-Identifier: Apache-2.0 */
/* The coordinators' reports page (the route's authz: the API's reports
 * rule, the org's coordinators and site admins): a period chosen with a
 * plain GET form or a quick choice, the API's attendance report for it as
 * a table per group with the org's total, a bar chart of the visits drawn
 * as SVG (web-chart.c; the table is its text), the links to the API's CSV
 * (the session cookie is a principal there too, and a GET needs no form
 * token), and for an umbrella its associations' roll-up. The SQL is
 * web_reports_page over the API's report functions. */
#include "web.h"

#include "api.h"
#include "dispatch.h"
#include "util.h"
#include "web-chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bars of the chart at most: the groups with the most visits. */
#define REPORTS_CHART_MAX 12

/* The report's numbers in the order of the table's columns, and the
 * catalog key of each column's heading. */
static const struct {
    const char *key, *label;
} report_columns[] = {
    { "sessions_held", "mr_col_sessions_held" },
    { "sessions_not_recorded", "mr_col_sessions_not_recorded" },
    { "days_held", "mr_col_days_held" },
    { "visits", "mr_col_visits" },
    { "adult_visits", "mr_col_adult_visits" },
    { "child_visits", "mr_col_child_visits" },
    { "walk_in_visits", "mr_col_walk_in_visits" },
    { "unique_participants", "mr_col_unique_participants" },
    { "first_time_participants", "mr_col_first_time_participants" },
    { "volunteer_hours", "mr_col_volunteer_hours" },
};

/* The period the request asks for, and what is wrong with it. */
struct reports_ask {
    const char *from, *to;             /* as typed, or NULL: this year so far */
    const char *from_error, *to_error; /* catalog keys */
};

/* ---- the period ---- */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Is s a real day written YYYY-MM-DD (from 1900 on)? */
static bool date_ok(const char *s)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

static const char *date_error(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return "mr_error_date_missing";
    return date_ok(s) ? NULL : "mr_error_date_invalid";
}

/* No from and no to: this year so far. Else both, real days, in order. */
static bool read_ask(struct req_ctx *ctx, struct reports_ask *ask)
{
    ask->from = http_query_param(ctx, "from");
    ask->to = http_query_param(ctx, "to");
    if (ask->from == NULL && ask->to == NULL)
        return true;
    ask->from_error = date_error(ask->from);
    ask->to_error = date_error(ask->to);
    if (ask->from_error == NULL && ask->to_error == NULL && strcmp(ask->to, ask->from) < 0)
        ask->to_error = "mr_error_date_order";
    return ask->from_error == NULL && ask->to_error == NULL;
}

/* "1.1.2026" (fi, sv), "1 Jan 2026" (en) of YYYY-MM-DD. */
static void format_date(const char *lang, const char *iso, char *buf, size_t len)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
        "Sep", "Oct", "Nov", "Dec" };
    if (iso == NULL || !date_ok(iso)) {
        snprintf(buf, len, "%s", iso ? iso : "");
        return;
    }
    int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
    if (strcmp(lang, "en") == 0)
        snprintf(buf, len, "%d %s %d", d, months[m - 1], y);
    else
        snprintf(buf, len, "%d.%d.%d", d, m, y);
}

static char *period_words(const char *lang, const char *from, const char *to)
{
    char a[32], b[32];
    format_date(lang, from, a, sizeof a);
    format_date(lang, to, b, sizeof b);
    return xasprintf("%s\xe2\x80\x93%s", a, b);
}

/* ---- the tables ---- */

static json_t *number_cells(const json_t *numbers, const char *lang)
{
    json_t *cells = json_array();
    char buf[64];
    for (size_t i = 0; i < ARRAY_LEN(report_columns); i++) {
        web_format_number(lang, json_number_value(json_object_get(numbers, report_columns[i].key)),
            buf, sizeof buf);
        json_array_append_new(cells, json_pack("{s:s}", "text", buf));
    }
    return cells;
}

static json_t *column_heads(const char *lang)
{
    json_t *heads = json_array();
    for (size_t i = 0; i < ARRAY_LEN(report_columns); i++)
        json_array_append_new(
            heads, json_pack("{s:s}", "label", web_t(lang, report_columns[i].label)));
    return heads;
}

/* Rows of the report (its groups, or a roll-up's organizations: name_key
 * "title" or "name"), each with its name and numbers. */
static json_t *table_rows(const json_t *rows, const char *name_key, const char *lang)
{
    json_t *out = json_array(), *row;
    size_t i;
    bool finnish_names = strcmp(name_key, "title") == 0 && strcmp(lang, "fi") != 0;
    json_array_foreach(rows, i, row)
    {
        json_array_append_new(
            out, json_pack("{s:s, s:s?, s:o}", "name",
                     json_string_value(json_object_get(row, name_key)) ?: "", "name_lang",
                     finnish_names ? "fi" : NULL, "cells", number_cells(row, lang)));
    }
    return out;
}

/* ---- the chart ---- */

/* Most visits first; equal ones in the report's order, which is the order
 * of their value texts in one array (qsort is not stable). */
static int by_visits_desc(const void *a, const void *b)
{
    const struct web_chart_bar *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return (x->value_text > y->value_text) - (x->value_text < y->value_text);
}

/* The chart of the visits of the groups that had any, most first (at most
 * REPORTS_CHART_MAX), as an <svg> (new), or NULL when no group had any. */
static char *visits_chart(const json_t *groups, const char *lang)
{
    size_t n = 0, i;
    struct web_chart_bar *bars = xcalloc(json_array_size(groups) + 1, sizeof *bars);
    char(*texts)[64] = xcalloc(json_array_size(groups) + 1, sizeof *texts);
    const json_t *g;
    json_array_foreach(groups, i, g)
    {
        double v = json_number_value(json_object_get(g, "visits"));
        if (v <= 0)
            continue;
        web_format_number(lang, v, texts[n], sizeof texts[n]);
        bars[n] =
            (struct web_chart_bar){ json_string_value(json_object_get(g, "title")), v, texts[n] };
        n++;
    }
    qsort(bars, n, sizeof *bars, by_visits_desc);
    char *svg = n > 0 ? web_chart_bars_svg(bars, n < REPORTS_CHART_MAX ? n : REPORTS_CHART_MAX,
                            web_t(lang, "mr_chart_name"))
                      : NULL;
    free(bars);
    free(texts);
    return svg;
}

/* ---- the page ---- */

static json_t *period_choices(
    const json_t *periods, const char *lang, const char *slug, const char *from, const char *to)
{
    json_t *out = json_array(), *p;
    size_t i;
    json_array_foreach(periods, i, p)
    {
        const char *f = json_string_value(json_object_get(p, "from")) ?: "";
        const char *t = json_string_value(json_object_get(p, "to")) ?: "";
        char *key = xasprintf("mr_period_%s", json_string_value(json_object_get(p, "key")) ?: "");
        json_array_append_new(
            out, json_pack("{s:s, s:o, s:b}", "label", web_t(lang, key), "href",
                     json_sprintf("/%s/orgs/%s/manage/reports?from=%s&to=%s", lang, slug, f, t),
                     "current",
                     from != NULL && to != NULL && strcmp(f, from) == 0 && strcmp(t, to) == 0));
        free(key);
    }
    return out;
}

/* The links to the API's CSV of the period: comma-separated, and for a
 * spreadsheet set up the Finnish or Swedish way (semicolons, decimal
 * commas), headers in the page's language. */
static void add_downloads(json_t *view, const char *prefix, const char *path, const char *lang,
    const char *from, const char *to)
{
    char key[64];
    snprintf(key, sizeof key, "%scsv_href", prefix);
    json_object_set_new(
        view, key, json_sprintf("%s?from=%s&to=%s&format=csv&lang=%s", path, from, to, lang));
    snprintf(key, sizeof key, "%ssheet_href", prefix);
    json_object_set_new(view, key,
        json_sprintf(
            "%s?from=%s&to=%s&format=csv&separator=semicolon&lang=%s", path, from, to, lang));
}

static void add_report(json_t *view, const json_t *page, const char *lang, const char *slug)
{
    const json_t *report = json_object_get(page, "report"),
                 *rollup = json_object_get(page, "rollup");
    const char *from = json_string_value(json_object_get(page, "from"));
    const char *to = json_string_value(json_object_get(page, "to"));
    const json_t *groups = json_object_get(report, "groups"),
                 *total = json_object_get(report, "total");
    char *period = period_words(lang, from, to);
    char *caption = xasprintf("%s %s", web_t(lang, "mr_table_caption"), period);
    char *svg = visits_chart(groups, lang);
    char *path = xasprintf("/api/v1/orgs/%s/reports/attendance", slug);
    json_object_set_new(view, "has_report", json_true());
    json_object_set_new(view, "period_text", json_string(period));
    json_object_set_new(view, "caption", json_string(caption));
    json_object_set_new(view, "columns", column_heads(lang));
    json_object_set_new(view, "rows", table_rows(groups, "title", lang));
    json_object_set_new(view, "total_cells", number_cells(total, lang));
    json_object_set_new(view, "nothing_held",
        json_boolean(json_integer_value(json_object_get(total, "sessions_held")) == 0));
    json_object_set_new(view, "chart_svg", svg ? json_string(svg) : json_null());
    json_object_set_new(
        view, "more_groups", json_boolean(json_array_size(groups) > REPORTS_CHART_MAX));
    add_downloads(view, "", path, lang, from, to);
    free(path);
    if (json_is_object(rollup)) {
        char *rcaption = xasprintf("%s %s", web_t(lang, "mr_rollup_caption"), period);
        path = xasprintf("/api/v1/orgs/%s/reports/attendance/rollup", slug);
        json_object_set_new(view, "has_rollup", json_true());
        json_object_set_new(view, "rollup_caption", json_string(rcaption));
        json_object_set_new(view, "rollup_rows",
            table_rows(json_object_get(rollup, "organizations"), "name", lang));
        json_object_set_new(
            view, "rollup_total_cells", number_cells(json_object_get(rollup, "total"), lang));
        add_downloads(view, "rollup_", path, lang, from, to);
        free(path);
        free(rcaption);
    }
    free(svg);
    free(caption);
    free(period);
}

/* The form's problems: beside each field and in the summary. */
static void add_errors(json_t *view, const struct reports_ask *ask, const char *lang)
{
    json_t *errors = json_array();
    if (ask->from_error != NULL) {
        json_object_set_new(view, "from_error", json_string(web_t(lang, ask->from_error)));
        json_array_append_new(
            errors, json_pack("{s:s, s:s}", "field", "from", "text", web_t(lang, ask->from_error)));
    }
    if (ask->to_error != NULL) {
        json_object_set_new(view, "to_error", json_string(web_t(lang, ask->to_error)));
        json_array_append_new(
            errors, json_pack("{s:s, s:s}", "field", "to", "text", web_t(lang, ask->to_error)));
    }
    json_object_set_new(view, "has_errors", json_boolean(json_array_size(errors) > 0));
    json_object_set_new(view, "errors", errors);
}

static void reports_got_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    const struct reports_ask *ask = ctx->state;
    const char *lang = ctx->params[0], *slug = ctx->params[1];
    json_t *page = api_row_json(ctx, r);
    if (page == NULL)
        return; /* replied: a 404 or 503 page */
    bool ok = ask->from_error == NULL && ask->to_error == NULL;
    /* The fields show what was typed when it was wrong, else the period shown. */
    const char *from = ok ? json_string_value(json_object_get(page, "from")) : ask->from;
    const char *to = ok ? json_string_value(json_object_get(page, "to")) : ask->to;
    const char *name = json_string_value(json_object_get(json_object_get(page, "org"), "name"));
    json_t *view =
        json_pack("{s:s, s:s?, s:o, s:o, s:s, s:s, s:o}", "title", web_t(lang, "mr_title"),
            "org_name", name, "back_href", json_sprintf("/%s/orgs/%s/manage", lang, slug), "action",
            json_sprintf("/%s/orgs/%s/manage/reports", lang, slug), "from", from ?: "", "to",
            to ?: "", "periods",
            period_choices(
                json_object_get(page, "periods"), lang, slug, ok ? from : NULL, ok ? to : NULL));
    add_errors(view, ask, lang);
    if (ok)
        add_report(view, page, lang, slug);
    json_decref(page);
    web_reply_page(ctx, ok ? 200 : 422, lang, "reports", view);
}

void web_reports(struct req_ctx *ctx)
{
    struct reports_ask *ask = xcalloc(1, sizeof *ask);
    ctx->state = ask;
    ctx->state_free = free;
    bool ok = read_ask(ctx, ask);
    const char *params[] = { ctx->params[1], ok ? ask->from : NULL, ok ? ask->to : NULL,
        ok ? "true" : "false" };
    db_pool_query(
        ctx->srv->pool, "SELECT web_reports_page($1, $2, $3, $4)", 4, params, reports_got_cb, ctx);
}
