/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance reports for funders: aggregates per group and for the org, as
 * JSON or, with Accept: text/csv, as CSV (cells made safe for spreadsheets
 * by csv.c). No names, no person ids. */
#include "api.h"
#include "csv.h"
#include "query-params.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const columns[] = { "sessions_held", "visits", "unique_participants",
    "first_time_participants", "volunteer_hours", NULL };

static bool wants_csv(struct req_ctx *ctx)
{
    const char *accept = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept");
    return accept != NULL && strcasestr(accept, "text/csv") != NULL;
}

static void report_csv_row(struct evbuffer *out, const char *id, const char *title, json_t *numbers)
{
    csv_cell(out, id);
    evbuffer_add(out, ",", 1);
    csv_cell(out, title);
    for (const char *const *c = columns; *c; c++) {
        json_t *v = json_object_get(numbers, *c);
        if (json_is_integer(v))
            evbuffer_add_printf(out, ",%lld", (long long)json_integer_value(v));
        else
            evbuffer_add_printf(out, ",%.15g", json_number_value(v));
    }
    evbuffer_add(out, "\r\n", 2);
}

static void reply_csv(struct req_ctx *ctx, json_t *report)
{
    struct evbuffer *out = evbuffer_new();
    json_t *g;
    size_t i;
    evbuffer_add_printf(out, "group_id,title");
    for (const char *const *c = columns; *c; c++)
        evbuffer_add_printf(out, ",%s", *c);
    evbuffer_add(out, "\r\n", 2);
    json_array_foreach(json_object_get(report, "groups"), i, g)
        report_csv_row(out, json_string_value(json_object_get(g, "group_id")) ?: "",
            json_string_value(json_object_get(g, "title")) ?: "", g);
    report_csv_row(out, "", "total", json_object_get(report, "total"));
    http_reply_text(ctx, 200, "text/csv; charset=utf-8", out);
    evbuffer_free(out);
}

static void report_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *report = api_row_json(ctx, r);
    if (report == NULL)
        return;
    if (wants_csv(ctx)) {
        reply_csv(ctx, report);
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

void api_reports_attendance(struct req_ctx *ctx)
{
    struct invalid inv = { "from", "is not valid" };
    char from[32], to[32];
    if (read_window(ctx, from, to, &inv) != 0) {
        api_reply_invalid(ctx, &inv);
        return;
    }
    const char *params[] = { ctx->params[0], from, to };
    db_pool_query(ctx->srv->pool, "SELECT api_attendance_report($1, $2, $3)", 3, params, report_cb, ctx);
}
