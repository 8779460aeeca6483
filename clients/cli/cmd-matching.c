/* SPDX-License-Identifier: Apache-2.0 */
/* piiri requests, candidates, propose and pairings: one-to-one matching. */
#include "buf.h"
#include "cli.h"
#include "http.h"
#include "output.h"

#include <stdio.h>
#include <string.h>

static const struct arg_spec requests_opts[] = {
    { "status", ARG_VALUE, "STATUS", "open, proposed, active or closed" },
    { NULL, 0, NULL, NULL },
};

static const struct arg_spec propose_opts[] = {
    { "note", ARG_VALUE, "TEXT", "a note for the supporter" },
    { NULL, 0, NULL, NULL },
};

static void join(struct buf *b, json_t *arr, const char *sep)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i > 0)
            buf_adds(b, sep);
        buf_adds(b, json_string_value(v) ? json_string_value(v) : "?");
    }
}

/* GET PATH and, unless --json, PRINT the answer. */
static int show(
    const struct cli *cli, const char *path, void (*print)(const struct cli *, json_t *))
{
    struct http_resp r;
    int rc = http_request(cli, "GET", path, NULL, NULL, 0, &r);
    if (rc == EXIT_OK && cli->json)
        http_print_body(&r);
    else if (rc == EXIT_OK)
        print(cli, r.json);
    http_resp_free(&r);
    return rc;
}

static void print_requests(const struct cli *cli, json_t *answer)
{
    struct table *t = table_new(5, "ID", "STATUS", "TOPICS", "WHERE", "CREATED");
    size_t i;
    json_t *q;
    char when[32];
    json_array_foreach(json_object_get(answer, "requests"), i, q)
    {
        struct buf topics = BUF_INIT;
        join(&topics, json_object_get(q, "topics"), ", ");
        table_cell(t, output_str(q, "id"));
        table_cell(t, output_str(q, "status"));
        table_cell(t, buf_str(&topics));
        table_cell(t, output_str(q, "municipality"));
        table_cell(
            t, output_time(json_string_value(json_object_get(q, "created_at")), when, sizeof when));
        buf_free(&topics);
    }
    if (table_rows(t) == 0)
        puts("No requests.");
    else
        table_print(t, stdout, cli->color);
    table_free(t);
}

static int requests_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/orgs/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/support-requests");
    http_query(&path, "status", args_value(a, "status"));
    int rc = show(cli, buf_str(&path), print_requests);
    buf_free(&path);
    return rc;
}

static void print_candidates(const struct cli *cli, json_t *answer)
{
    struct table *t = table_new(5, "SUPPORTER", "NAME", "SCORE", "LOAD", "WHY");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(answer, "candidates"), i, c)
    {
        struct buf why = BUF_INIT;
        join(&why, json_object_get(c, "reasons"), "; ");
        table_cell(t, output_str(c, "supporter_id"));
        table_cell(t, output_str(c, "public_name"));
        table_cell(t, output_str(c, "score"));
        table_cellf(t, "%s/%s", output_str(c, "load"), output_str(c, "max_active"));
        table_cell(t, buf_str(&why));
        buf_free(&why);
    }
    if (table_rows(t) == 0)
        puts("No candidates.");
    else
        table_print(t, stdout, cli->color);
    table_free(t);
}

static int candidates_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/support-requests/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/candidates");
    int rc = show(cli, buf_str(&path), print_candidates);
    buf_free(&path);
    return rc;
}

static void pairing_cells(struct table *t, json_t *p)
{
    char when[32];
    table_cell(t, output_str(p, "id"));
    table_cell(t, output_str(p, "org"));
    table_cell(t, output_str(p, "request_id"));
    table_cell(t, output_str(json_object_get(p, "supporter"), "public_name"));
    table_cell(t, output_str(p, "status"));
    table_cell(
        t, output_time(json_string_value(json_object_get(p, "created_at")), when, sizeof when));
}

static struct table *pairing_table(void)
{
    return table_new(6, "ID", "ORG", "REQUEST", "SUPPORTER", "STATUS", "CREATED");
}

static int propose_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/support-requests/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/match");
    json_t *body = json_pack("{s:s}", "supporter_id", a->pos[1]);
    if (args_value(a, "note"))
        json_object_set_new(body, "note", json_string(args_value(a, "note")));
    struct http_resp r;
    int rc = http_request(cli, "POST", buf_str(&path), body, NULL, 0, &r);
    json_decref(body);
    buf_free(&path);
    if (rc == EXIT_OK && cli->json) {
        http_print_body(&r);
    } else if (rc == EXIT_OK) {
        struct table *t = pairing_table();
        pairing_cells(t, json_object_get(r.json, "pairing"));
        table_print(t, stdout, cli->color);
        table_free(t);
    }
    http_resp_free(&r);
    return rc;
}

static void print_pairings(const struct cli *cli, json_t *answer)
{
    struct table *t = pairing_table();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(answer, "pairings"), i, p) pairing_cells(t, p);
    if (table_rows(t) == 0)
        puts("No pairings.");
    else
        table_print(t, stdout, cli->color);
    table_free(t);
}

static int pairings_exec(struct cli *cli, const struct args *a)
{
    return show(cli, "/api/v1/me/pairings", print_pairings);
}

const struct cmd_entry cmd_requests_entry = {
    "requests",
    "ORG [--status STATUS]",
    "An organization's support requests.",
    1,
    1,
    requests_opts,
    1,
    requests_exec,
};

const struct cmd_entry cmd_candidates_entry = {
    "candidates",
    "REQUEST",
    "Supporters who fit a request, best first.",
    1,
    1,
    NULL,
    1,
    candidates_exec,
};

const struct cmd_entry cmd_propose_entry = {
    "propose",
    "REQUEST SUPPORTER [--note TEXT]",
    "Propose a supporter for a request.",
    2,
    2,
    propose_opts,
    1,
    propose_exec,
};

const struct cmd_entry cmd_pairings_entry = {
    "pairings",
    "",
    "The pairings where I am the supporter.",
    0,
    0,
    NULL,
    1,
    pairings_exec,
};
