/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance reports for funders: aggregates per group and for the org, and
 * an umbrella's roll-up of its associations, as JSON or as CSV
 * (report-csv.c). No names, no person ids. */
#include "api.h"
#include "query-params.h"
#include "report-csv.h"
#include "util.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the request asked for besides the period. */
struct report_ask {
    bool csv;
    struct report_csv how;
};

static const char *header(struct req_ctx *ctx, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(ctx->req), name);
}

/* ?format=json|csv (else Accept: text/csv), ?separator=comma|semicolon,
 * ?lang=fi|sv|en (else Accept-Language; neither: the JSON keys). */
static int read_ask(struct req_ctx *ctx, struct report_ask *ask, struct invalid *inv)
{
    const char *format = http_query_param(ctx, "format"), *sep = http_query_param(ctx, "separator");
    const char *lang = http_query_param(ctx, "lang"), *accept = header(ctx, "Accept");
    if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        *inv = (struct invalid) { "format", "must be json or csv" };
        return -1;
    }
    ask->csv = format != NULL ? strcmp(format, "csv") == 0 : accept != NULL && strcasestr(accept, "text/csv") != NULL;
    if (sep != NULL && strcmp(sep, "comma") != 0 && strcmp(sep, "semicolon") != 0) {
        *inv = (struct invalid) { "separator", "must be comma or semicolon" };
        return -1;
    }
    ask->how.semicolons = sep != NULL && strcmp(sep, "semicolon") == 0;
    int l = lang != NULL ? report_lang_parse(lang) : (int)report_lang_accept(header(ctx, "Accept-Language"));
    if (l < 0) {
        *inv = (struct invalid) { "lang", "must be fi, sv or en" };
        return -1;
    }
    ask->how.lang = (enum report_lang)l;
    return 0;
}

/* attachment; filename="<org>-<kind>-<from>-<to>.csv", with only letters,
 * digits and hyphens of the request in it. */
static void add_disposition(struct req_ctx *ctx, const char *kind)
{
    const char *parts[] = { ctx->params[0], kind, http_query_param(ctx, "from"), http_query_param(ctx, "to") };
    char value[256];
    size_t n = (size_t)snprintf(value, sizeof value, "attachment; filename=\"");
    for (size_t i = 0; i < 4; i++) {
        for (const char *c = parts[i] ?: ""; *c != '\0' && n < 200; c++)
            value[n++] = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                    *c == '-' ? *c : '_';
        value[n++] = i < 3 ? '-' : '\0';
    }
    snprintf(value + n - 1, sizeof value - (n - 1), ".csv\"");
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Content-Disposition", value);
}

static void reply_csv(struct req_ctx *ctx, struct report_ask *ask, json_t *report)
{
    struct evbuffer *out = evbuffer_new();
    report_csv_write(out, &ask->how, report);
    add_disposition(ctx, ask->how.rollup ? "attendance-rollup" : "attendance");
    http_reply_text(ctx, 200, "text/csv; charset=utf-8", out);
    evbuffer_free(out);
}

static void report_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    struct report_ask *ask = ctx->state;
    json_t *report = api_row_json(ctx, r);
    if (report == NULL)
        return;
    if (ask->csv) {
        reply_csv(ctx, ask, report);
        json_decref(report);
        return;
    }
    /* The period as it was asked for (dates stay dates, "to" inclusive). */
    json_object_set_new(report, "from", json_string(http_query_param(ctx, "from")));
    json_object_set_new(report, "to", json_string(http_query_param(ctx, "to")));
    http_reply_json(ctx, 200, report);
}

/* The window: dates (days in the org's time zone, "to" inclusive: the SQL
 * turns them into instants) or RFC 3339 times (passed on in UTC). */
static int read_window(struct req_ctx *ctx, char from[32], char to[32], struct invalid *inv)
{
    bool has_from, has_to;
    if (query_time(ctx, "from", from, &has_from, inv) != 0 || query_time(ctx, "to", to, &has_to, inv) != 0)
        return -1;
    if (!has_from || !has_to) {
        *inv = (struct invalid) { has_from ? "to" : "from", "is required (YYYY-MM-DD)" };
        return -1;
    }
    const char *raw_from = http_query_param(ctx, "from"), *raw_to = http_query_param(ctx, "to");
    if (strlen(raw_from) == 10)
        snprintf(from, 32, "%s", raw_from);
    if (strlen(raw_to) == 10)
        snprintf(to, 32, "%s", raw_to);
    return 0;
}

static void report_run(struct req_ctx *ctx, bool rollup)
{
    struct invalid inv = { "from", "is not valid" };
    char from[32], to[32];
    struct report_ask *ask = xcalloc(1, sizeof *ask);
    ctx->state = ask;
    ctx->state_free = free;
    if (read_window(ctx, from, to, &inv) != 0 || read_ask(ctx, ask, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    ask->how.rollup = rollup;
    ask->how.rows_key = rollup ? "organizations" : "groups";
    const char *params[] = { ctx->params[0], from, to };
    db_pool_query(ctx->srv->pool,
        rollup ? "SELECT api_attendance_rollup($1, $2, $3)" : "SELECT api_attendance_report($1, $2, $3)", 3,
        params, report_cb, ctx);
}

void api_reports_attendance(struct req_ctx *ctx)
{
    report_run(ctx, false);
}

void api_reports_rollup(struct req_ctx *ctx)
{
    report_run(ctx, true);
}
