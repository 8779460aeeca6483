/* SPDX-License-Identifier: Apache-2.0 */
/* piiri signup, signups, cancel and absence: a person's own signups. */
#include "buf.h"
#include "cli.h"
#include "http.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct arg_spec signup_opts[] = {
    { "adults", ARG_VALUE, "N", "adults in the party (default 1)" },
    { "children", ARG_VALUE, "N", "children in the party (default 0)" },
    { "note", ARG_VALUE, "TEXT", "a note for the group's leaders" },
    { "consent", ARG_FLAG, NULL, "agree to the group's consent text (when it has one)" },
    { NULL, 0, NULL, NULL },
};

static const struct arg_spec absence_opts[] = {
    { "reason", ARG_VALUE, "TEXT", "why, for the group's leaders" },
    { "withdraw", ARG_FLAG, NULL, "withdraw the notice: I am coming after all" },
    { NULL, 0, NULL, NULL },
};

/* The signup's body from the options; NULL after a usage error (printed). */
static json_t *signup_body(const struct cli *cli, const struct args *a)
{
    json_t *body = json_object();
    const char *names[] = { "adults", "children" };
    for (size_t i = 0; i < 2; i++) {
        const char *v = args_value(a, names[i]);
        long n;
        char *cause = NULL;
        if (v == NULL)
            continue;
        if (args_int(v, 0, 12, &n, &cause) < 0) {
            cli_usage_error(cli, "--%s: %s", names[i], cause);
            free(cause);
            json_decref(body);
            return NULL;
        }
        json_object_set_new(body, names[i], json_integer(n));
    }
    if (args_value(a, "note"))
        json_object_set_new(body, "note", json_string(args_value(a, "note")));
    if (args_flag(a, "consent"))
        json_object_set_new(body, "consent", json_true());
    return body;
}

/* Whether ID is a group (else it is taken for a session): a group is signed
 * up for as a series, a session of an open group one at a time. */
static int is_group(const struct cli *cli, const char *id, int *rc)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/groups/");
    http_escape(&path, id);
    struct http_resp r;
    *rc = http_request(cli, "GET", buf_str(&path), NULL, NULL, HTTP_QUIET, &r);
    int group = *rc == EXIT_OK;
    if (*rc == EXIT_NOTFOUND)
        *rc = EXIT_OK;
    else if (*rc != EXIT_OK)
        fprintf(stderr, "piiri: %s\n", r.error);
    http_resp_free(&r);
    buf_free(&path);
    return group;
}

static int signup_exec(struct cli *cli, const struct args *a)
{
    json_t *body = signup_body(cli, a);
    if (body == NULL)
        return EXIT_USAGE;
    int rc;
    int group = is_group(cli, a->pos[0], &rc);
    if (rc != EXIT_OK) {
        json_decref(body);
        return rc;
    }
    struct buf path = BUF_INIT;
    buf_adds(&path, group ? "/api/v1/groups/" : "/api/v1/sessions/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/signups");
    struct http_resp r;
    rc = http_request(cli, "POST", buf_str(&path), body, NULL, 0, &r);
    json_decref(body);
    buf_free(&path);
    if (rc == EXIT_OK && cli->json) {
        http_print_body(&r);
    } else if (rc == EXIT_OK) {
        json_t *s = json_object_get(r.json, "signup");
        const char *status = output_str(s, "status");
        if (strcmp(status, "waitlisted") == 0)
            printf("On the waiting list, number %s", output_str(s, "waitlist_position"));
        else
            printf("Signed up");
        printf(" (%s seats): signup %s\n", output_str(s, "seats"), output_str(s, "id"));
    }
    http_resp_free(&r);
    return rc;
}

static void signup_when(json_t *s, char *out, size_t size)
{
    const char *at = json_string_value(json_object_get(s, "starts_at"));
    json_t *next = json_object_get(s, "next_session");
    if (at == NULL && json_is_object(next))
        at = json_string_value(json_object_get(next, "starts_at"));
    output_time(at, out, size);
}

static int signups_exec(struct cli *cli, const struct args *a)
{
    struct http_resp r;
    int rc = http_request(cli, "GET", "/api/v1/me/signups", NULL, NULL, 0, &r);
    if (rc != EXIT_OK || cli->json) {
        if (rc == EXIT_OK)
            http_print_body(&r);
        http_resp_free(&r);
        return rc;
    }
    struct table *t = table_new(6, "ID", "GROUP", "KIND", "NEXT", "STATUS", "SEATS");
    size_t i;
    json_t *s;
    char when[32];
    json_array_foreach(json_object_get(r.json, "signups"), i, s)
    {
        table_cell(t, output_str(s, "id"));
        table_cell(t, output_str(s, "group_title"));
        table_cell(t, json_is_string(json_object_get(s, "session_id")) ? "session" : "series");
        signup_when(s, when, sizeof when);
        table_cell(t, when);
        if (json_is_integer(json_object_get(s, "waitlist_position")))
            table_cellf(t, "waitlisted #%s", output_str(s, "waitlist_position"));
        else
            table_cell(t, output_str(s, "status"));
        table_cell(t, output_str(s, "seats"));
    }
    if (table_rows(t) == 0)
        puts("No signups.");
    else
        table_print(t, stdout, cli->color);
    table_free(t);
    http_resp_free(&r);
    return EXIT_OK;
}

static int cancel_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/signups/");
    http_escape(&path, a->pos[0]);
    struct http_resp r;
    int rc = http_request(cli, "DELETE", buf_str(&path), NULL, NULL, 0, &r);
    if (rc == EXIT_OK && !cli->json)
        puts("Cancelled.");
    http_resp_free(&r);
    buf_free(&path);
    return rc;
}

static int absence_exec(struct cli *cli, const struct args *a)
{
    struct buf path = BUF_INIT;
    buf_adds(&path, "/api/v1/sessions/");
    http_escape(&path, a->pos[0]);
    buf_adds(&path, "/absence");
    int withdraw = args_flag(a, "withdraw");
    if (withdraw && args_value(a, "reason")) {
        buf_free(&path);
        return cli_usage_error(cli, "--withdraw takes no --reason");
    }
    json_t *body = withdraw ? NULL : json_object();
    if (args_value(a, "reason"))
        json_object_set_new(body, "reason", json_string(args_value(a, "reason")));
    struct http_resp r;
    int rc = http_request(cli, withdraw ? "DELETE" : "POST", buf_str(&path), body, NULL, 0, &r);
    json_decref(body);
    if (rc == EXIT_OK && cli->json)
        http_print_body(&r);
    else if (rc == EXIT_OK)
        puts(withdraw ? "Absence notice withdrawn." : "The leaders know you will not come.");
    http_resp_free(&r);
    buf_free(&path);
    return rc;
}

const struct cmd_entry cmd_signup_entry = {
    "signup",
    "GROUP|SESSION [--adults N] [--children N] [--note TEXT] [--consent]",
    "Sign up for a series (GROUP) or one session (SESSION).",
    1,
    1,
    signup_opts,
    1,
    signup_exec,
};

const struct cmd_entry cmd_signups_entry = {
    "signups",
    "",
    "My signups, newest first.",
    0,
    0,
    NULL,
    1,
    signups_exec,
};

const struct cmd_entry cmd_cancel_entry = {
    "cancel",
    "SIGNUP",
    "Cancel a signup (the waiting list moves up).",
    1,
    1,
    NULL,
    1,
    cancel_exec,
};

const struct cmd_entry cmd_absence_entry = {
    "absence",
    "SESSION [--reason TEXT] [--withdraw]",
    "Tell the leaders I will miss a session.",
    1,
    1,
    absence_opts,
    1,
    absence_exec,
};
