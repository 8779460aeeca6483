/* SPDX-License-Identifier: Apache-2.0 */
/* piiri report and feed-url: the funders' attendance figures, my calendar link. */
#include "buf.h"
#include "cli.h"
#include "http.h"
#include "output.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct arg_spec report_opts[] = {
    { "from", ARG_VALUE, "DATE", "first day (YYYY-MM-DD), required" },
    { "to", ARG_VALUE, "DATE", "last day, included; required" },
    { "csv", ARG_FLAG, NULL, "the server's CSV, as it is" },
    { NULL, 0, NULL, NULL },
};

static const struct arg_spec feed_opts[] = {
    { "rotate", ARG_FLAG, NULL, "make a new link; the old one stops working" },
    { NULL, 0, NULL, NULL },
};

static void report_row(struct table *t, json_t *g, const char *title)
{
    table_cell(t, title ? title : output_str(g, "title"));
    table_cell(t, output_str(g, "sessions_held"));
    table_cell(t, output_str(g, "visits"));
    table_cell(t, output_str(g, "adult_visits"));
    table_cell(t, output_str(g, "child_visits"));
    table_cell(t, output_str(g, "walk_in_visits"));
    table_cell(t, output_str(g, "unique_participants"));
    table_cell(t, output_str(g, "first_time_participants"));
    table_cell(t, output_str(g, "volunteer_hours"));
}

static void print_report(const struct cli *cli, json_t *rep)
{
    printf(
        "%s, %s to %s\n\n", output_str(rep, "org"), output_str(rep, "from"), output_str(rep, "to"));
    struct table *t = table_new(9, "GROUP", "SESSIONS", "VISITS", "ADULTS", "CHILDREN", "WALK-INS",
        "PEOPLE", "NEW", "HOURS");
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(rep, "groups"), i, g) report_row(t, g, NULL);
    report_row(t, json_object_get(rep, "total"), "Total");
    table_print(t, stdout, cli->color);
    table_free(t);
}

static int report_exec(struct cli *cli, const struct args *a)
{
    const char *from = args_value(a, "from"), *to = args_value(a, "to");
    if (from == NULL || to == NULL)
        return cli_usage_error(cli, "--from and --to are required");
    int csv = args_flag(a, "csv");
    if (csv && cli->json)
        return cli_usage_error(cli, "--csv and --json: choose one");
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/orgs/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/reports/attendance");
    http_query(&path, "from", from);
    http_query(&path, "to", to);
    http_query(&path, "format", csv ? "csv" : NULL);
    struct http_resp r;
    int rc = http_request(cli, "GET", buf_str(&path), NULL, NULL, csv ? HTTP_ACCEPT_CSV : 0, &r);
    buf_free(&path);
    if (rc == EXIT_OK && csv)
        fwrite(r.body.data, 1, r.body.len, stdout);
    else if (rc == EXIT_OK && cli->json)
        http_print_body(&r);
    else if (rc == EXIT_OK)
        print_report(cli, r.json);
    http_resp_free(&r);
    return rc;
}

static int feed_url_exec(struct cli *cli, const struct args *a)
{
    int rotate = args_flag(a, "rotate");
    struct http_resp r;
    int rc = http_request(cli, rotate ? "POST" : "GET",
        rotate ? "/api/v1/me/calendar-token" : "/api/v1/me", NULL, NULL, 0, &r);
    if (rc == EXIT_OK && cli->json) {
        http_print_body(&r);
    } else if (rc == EXIT_OK) {
        puts(output_str(r.json, "calendar_url"));
        if (isatty(1))
            fprintf(
                stdout, "(to subscribe in a calendar app: %s)\n", output_str(r.json, "webcal_url"));
    }
    http_resp_free(&r);
    return rc;
}

const struct cmd_entry cmd_report_entry = {
    "report",
    "ORG --from DATE --to DATE [--csv]",
    "Attendance figures for funders, per group and total.",
    1,
    1,
    report_opts,
    1,
    report_exec,
};

const struct cmd_entry cmd_feed_url_entry = {
    "feed-url",
    "[--rotate]",
    "My personal calendar feed's link.",
    0,
    0,
    feed_opts,
    1,
    feed_url_exec,
};
