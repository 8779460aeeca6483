/* SPDX-License-Identifier: Apache-2.0 */
/* piiri groups, group, sessions and today: finding groups and their meetings. */
#include "buf.h"
#include "cli.h"
#include "http.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The options of `piiri groups` are the API's filters, under their own names. */
static const struct arg_spec groups_opts[] = {
    { "org", ARG_VALUE, "SLUG", "groups of this organization" },
    { "q", ARG_VALUE, "WORDS", "words searched in titles, descriptions, places and topics" },
    { "kind", ARG_VALUE, "KIND",
        "peer_group, family_cafe, remote_group, camp, self_help, phone_line, other" },
    { "access", ARG_VALUE, "ACCESS", "open or closed" },
    { "audience", ARG_VALUE, "AUDIENCE", "public or members" },
    { "modality", ARG_VALUE, "MODALITY", "in_person, remote, hybrid or phone" },
    { "municipality", ARG_VALUE, "PLACE", "where the group meets" },
    { "language", ARG_VALUE, "CODE", "a language the group uses (fi, sv, en...)" },
    { "topic", ARG_VALUE, "TOPIC", "one of the group's topics" },
    { "from", ARG_VALUE, "DATE", "with a session from this date or time" },
    { "to", ARG_VALUE, "DATE", "with a session up to this date or time" },
    { "limit", ARG_VALUE, "N", "at most N groups (1 to 100; default 50)" },
    { "cursor", ARG_VALUE, "CURSOR", "the next page, as the previous one said" },
    { NULL, 0, NULL, NULL },
};

static const struct arg_spec window_opts[] = {
    { "from", ARG_VALUE, "DATE", "from this date (YYYY-MM-DD) or RFC 3339 time" },
    { "to", ARG_VALUE, "DATE", "up to this date or time" },
    { NULL, 0, NULL, NULL },
};

/* GET PATH; with --json the body is printed and *out stays NULL. */
static int get(const struct cli *cli, const char *path, struct http_resp *r)
{
    int rc = http_request(cli, "GET", path, NULL, NULL, 0, r);
    if (rc == EXIT_OK && cli->json)
        http_print_body(r);
    return rc;
}

static const char *place_of(json_t *g)
{
    json_t *loc = json_object_get(g, "location");
    const char *m = json_string_value(json_object_get(loc, "municipality"));
    return m ? m : output_str(g, "modality");
}

static int groups_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/groups");
    for (const struct arg_spec *s = groups_opts; s->name; s++)
        http_query(&path, s->name, args_value(a, s->name));
    struct http_resp r;
    int rc = get(cli, buf_str(&path), &r);
    buf_free(&path);
    if (rc != EXIT_OK || cli->json) {
        http_resp_free(&r);
        return rc;
    }
    struct table *t = table_new(5, "ID", "TITLE", "ORG", "KIND", "WHERE");
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(r.json, "groups"), i, g)
    {
        table_cell(t, output_str(g, "id"));
        table_cell(t, output_str(g, "title"));
        table_cell(t, output_str(g, "org"));
        table_cell(t, output_str(g, "kind"));
        table_cell(t, place_of(g));
    }
    if (table_rows(t) == 0)
        puts("No groups found.");
    else
        table_print(t, stdout, cli->color);
    const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
    if (next)
        fprintf(stderr, "More: add --cursor %s\n", next);
    table_free(t);
    http_resp_free(&r);
    return EXIT_OK;
}

static void join_strings(struct buf *b, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i > 0)
            buf_adds(b, ", ");
        buf_adds(b, json_is_string(v) ? json_string_value(v) : output_str(v, "display_name"));
    }
}

static void print_group(json_t *g)
{
    struct buf b = BUF_INIT;
    json_t *loc = json_object_get(g, "location");
    output_pair(stdout, 12, "Title", output_str(g, "title"));
    output_pair(stdout, 12, "Id", output_str(g, "id"));
    output_pair(stdout, 12, "Organization", output_str(g, "org"));
    buf_addf(&b, "%s, %s, %s", output_str(g, "kind"), output_str(g, "access"),
        output_str(g, "modality"));
    output_pair(stdout, 12, "Kind", buf_str(&b));
    buf_reset(&b);
    if (json_is_object(loc)) {
        buf_addf(&b, "%s", output_str(loc, "name"));
        if (json_is_string(json_object_get(loc, "address")))
            buf_addf(&b, ", %s", output_str(loc, "address"));
        output_pair(stdout, 12, "Where", buf_str(&b));
        buf_reset(&b);
    }
    if (json_is_string(json_object_get(g, "online_url")))
        output_pair(stdout, 12, "Online", output_str(g, "online_url"));
    output_pair(stdout, 12, "Capacity", output_str(g, "capacity"));
    join_strings(&b, json_object_get(g, "languages"));
    output_pair(stdout, 12, "Languages", buf_str(&b));
    buf_reset(&b);
    join_strings(&b, json_object_get(g, "topics"));
    output_pair(stdout, 12, "Topics", buf_str(&b));
    buf_reset(&b);
    join_strings(&b, json_object_get(g, "leaders"));
    output_pair(stdout, 12, "Leaders", buf_str(&b));
    output_pair(stdout, 12, "Cost", output_str(g, "cost"));
    if (json_is_string(json_object_get(g, "description")))
        printf("\n%s\n", output_str(g, "description"));
    buf_free(&b);
}

static int group_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/groups/");
    http_escape(&path, a->pos[0]);
    struct http_resp r;
    int rc = get(cli, buf_str(&path), &r);
    buf_free(&path);
    if (rc == EXIT_OK && !cli->json)
        print_group(json_object_get(r.json, "group"));
    http_resp_free(&r);
    return rc;
}

/* A table of sessions; WITH_GROUP adds the title and my role (today). */
static void print_sessions(const struct cli *cli, json_t *sessions, int with_group)
{
    struct table *t = with_group ? table_new(6, "ID", "STARTS", "ENDS", "GROUP", "ROLE", "STATUS")
                                 : table_new(5, "ID", "STARTS", "ENDS", "STATUS", "SEATS");
    size_t i;
    json_t *s;
    char a[32], b[32];
    json_array_foreach(sessions, i, s)
    {
        table_cell(t, output_str(s, "id"));
        table_cell(t, output_time(json_string_value(json_object_get(s, "starts_at")), a, sizeof a));
        table_cell(t, output_time(json_string_value(json_object_get(s, "ends_at")), b, sizeof b));
        if (with_group) {
            table_cell(t, output_str(s, "group_title"));
            table_cell(t, output_str(s, "role"));
            const char *st = output_str(s, "status");
            table_cell(t, strcmp(st, "cancelled") == 0 ? st : output_str(s, "my_status"));
            continue;
        }
        table_cell(t, output_str(s, "status"));
        json_t *cap = json_object_get(s, "capacity");
        if (json_is_integer(cap))
            table_cellf(
                t, "%s/%lld", output_str(s, "seats_taken"), (long long)json_integer_value(cap));
        else
            table_cell(t, output_str(s, "seats_taken"));
    }
    if (table_rows(t) == 0)
        puts("No sessions.");
    else
        table_print(t, stdout, cli->color);
    table_free(t);
}

static int sessions_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/groups/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/sessions");
    http_query(&path, "from", args_value(a, "from"));
    http_query(&path, "to", args_value(a, "to"));
    struct http_resp r;
    int rc = get(cli, buf_str(&path), &r);
    buf_free(&path);
    if (rc == EXIT_OK && !cli->json)
        print_sessions(cli, json_object_get(r.json, "sessions"), 0);
    http_resp_free(&r);
    return rc;
}

/* Today and tomorrow as dates of this machine's clock (PIIRI_TODAY overrides,
 * so that a script or a test can ask for another day). */
static void today_window(char *from, char *to, size_t size)
{
    const char *fixed = getenv("PIIRI_TODAY");
    struct tm tm = { 0 };
    time_t now = time(NULL);
    localtime_r(&now, &tm);
    if (fixed && strptime(fixed, "%Y-%m-%d", &tm) != NULL) {
        tm.tm_hour = 12;
        tm.tm_isdst = -1;
    }
    strftime(from, size, "%Y-%m-%d", &tm);
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    mktime(&tm);
    strftime(to, size, "%Y-%m-%d", &tm);
}

static int today_exec(struct cli *cli, const struct args *a)
{
    char from[16], to[16];
    today_window(from, to, sizeof from);
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/me/sessions");
    http_query(&path, "from", from);
    http_query(&path, "to", to);
    struct http_resp r;
    int rc = get(cli, buf_str(&path), &r);
    buf_free(&path);
    if (rc == EXIT_OK && !cli->json)
        print_sessions(cli, json_object_get(r.json, "sessions"), 1);
    http_resp_free(&r);
    return rc;
}

const struct cmd_entry cmd_groups_entry = {
    "groups",
    "[--org SLUG] [--q WORDS] [filters]",
    "List and search groups.",
    0,
    0,
    groups_opts,
    0,
    groups_exec,
};

const struct cmd_entry cmd_group_entry = {
    "group",
    "ID",
    "Show one group.",
    1,
    1,
    NULL,
    0,
    group_exec,
};

const struct cmd_entry cmd_sessions_entry = {
    "sessions",
    "GROUP [--from DATE] [--to DATE]",
    "A group's sessions (from a day ago to a year ahead).",
    1,
    1,
    window_opts,
    0,
    sessions_exec,
};

const struct cmd_entry cmd_today_entry = {
    "today",
    "",
    "My sessions today, as leader or participant.",
    0,
    0,
    NULL,
    1,
    today_exec,
};
