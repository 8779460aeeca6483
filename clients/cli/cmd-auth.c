/* SPDX-License-Identifier: Apache-2.0 */
/* piiri login, logout and whoami: signing in, the credentials file, who I am. */
#include "buf.h"
#include "cli.h"
#include "credentials.h"
#include "http.h"
#include "output.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tty;

/* Ctrl-C at the password prompt: the echo comes back before piiri goes. */
static void restore_echo_cb(int sig)
{
    tcsetattr(0, TCSAFLUSH, &saved_tty);
    (void)write(2, "\n", 1);
    _exit(128 + sig);
}

static char *read_line(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, in);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/* The password: from the terminal without echo, else the first line of stdin (new). */
static char *read_password(void)
{
    if (!isatty(0))
        return read_line(stdin);
    struct termios quiet;
    if (tcgetattr(0, &saved_tty) < 0)
        return read_line(stdin);
    quiet = saved_tty;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    struct sigaction sa = { 0 }, old_int, old_term;
    sa.sa_handler = restore_echo_cb;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    fputs("Password: ", stderr);
    fflush(stderr);
    tcsetattr(0, TCSAFLUSH, &quiet);
    char *pw = read_line(stdin);
    tcsetattr(0, TCSAFLUSH, &saved_tty);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return pw;
}

/* The email: the argument, else asked on a terminal (KNOWN, the last one used
 * with this server, is the default), else KNOWN (new, or NULL). */
static char *read_email(const char *given, const char *known)
{
    if (given != NULL)
        return xstrdup(given);
    if (!isatty(0))
        return known ? xstrdup(known) : NULL;
    if (known)
        fprintf(stderr, "Email [%s]: ", known);
    else
        fputs("Email: ", stderr);
    fflush(stderr);
    char *line = read_line(stdin);
    if (line != NULL && *line == '\0' && known) {
        free(line);
        return xstrdup(known);
    }
    return line;
}

static int save_login(
    const struct cli *cli, struct credentials *c, const char *email, json_t *answer)
{
    char *cause = NULL;
    const char *token = json_string_value(json_object_get(answer, "token"));
    const char *device = json_string_value(json_object_get(answer, "device_token"));
    if (token == NULL)
        return cli_error(EXIT_FAIL, "the server's answer has no token");
    free(c->server);
    free(c->email);
    free(c->token);
    c->server = xstrdup(cli->server);
    c->email = xstrdup(email);
    c->token = xstrdup(token);
    if (device) {
        free(c->device_token);
        c->device_token = xstrdup(device);
    }
    if (credentials_save(c, &cause) < 0) {
        int rc = cli_error(EXIT_FAIL, "%s", cause);
        free(cause);
        return rc;
    }
    return EXIT_OK;
}

static int login_exec(struct cli *cli, const struct args *a)
{
    struct credentials c;
    char *cause = NULL;
    if (credentials_load(&c, &cause) < 0) {
        int rc = cli_error(EXIT_FAIL, "%s", cause);
        free(cause);
        return rc;
    }
    /* A device token is kept for the server that issued it. */
    int same_server = c.server && strcmp(c.server, cli->server) == 0;
    char *email = read_email(a->npos ? a->pos[0] : NULL, same_server ? c.email : NULL);
    char *password = NULL;
    int rc = EXIT_USAGE;
    if (email == NULL || *email == '\0') {
        rc = cli_usage_error(cli, "which email? give it as the argument");
        goto out;
    }
    password = read_password();
    if (password == NULL || *password == '\0') {
        rc = cli_usage_error(cli, "no password given");
        goto out;
    }
    json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
    if (same_server && c.device_token)
        json_object_set_new(body, "device_token", json_string(c.device_token));
    free(cli->token); /* a login sends no token */
    cli->token = NULL;
    struct http_resp r;
    rc = http_request(cli, "POST", "/api/v1/auth/login", body, NULL, 0, &r);
    json_decref(body);
    if (rc == EXIT_OK)
        rc = save_login(cli, &c, email, r.json);
    if (rc == EXIT_OK && cli->json)
        http_print_body(&r);
    else if (rc == EXIT_OK)
        printf("Signed in to %s as %s.\n", cli->server,
            output_str(json_object_get(r.json, "person"), "display_name"));
    http_resp_free(&r);
out:
    if (password)
        explicit_bzero(password, strlen(password));
    free(password);
    free(email);
    credentials_free(&c);
    return rc;
}

/* Forgets the file's token; the server, email and device token stay. */
static int forget_token(void)
{
    struct credentials c;
    char *cause = NULL;
    int rc = EXIT_OK;
    if (credentials_load(&c, &cause) == 0) {
        free(c.token);
        c.token = NULL;
        if (credentials_save(&c, &cause) < 0)
            rc = EXIT_FAIL;
    } else {
        rc = EXIT_FAIL;
    }
    if (rc != EXIT_OK) {
        cli_error(rc, "%s", cause);
        free(cause);
    }
    credentials_free(&c);
    return rc;
}

static int logout_exec(struct cli *cli, const struct args *a)
{
    struct http_resp r;
    int rc = http_request(cli, "POST", "/api/v1/auth/logout", NULL, NULL, HTTP_QUIET, &r);
    /* A token the server no longer knows is as good as revoked. */
    if (rc == EXIT_DENIED && r.status == 401)
        rc = EXIT_OK;
    if (rc != EXIT_OK)
        fprintf(stderr, "piiri: %s\n", r.error);
    http_resp_free(&r);
    if (rc == EXIT_OK && cli->token_from_file)
        rc = forget_token();
    if (rc == EXIT_OK && !cli->json)
        printf("Signed out of %s.\n", cli->server);
    return rc;
}

static int whoami_exec(struct cli *cli, const struct args *a)
{
    struct http_resp r;
    int rc = http_request(cli, "GET", "/api/v1/me", NULL, NULL, 0, &r);
    if (rc != EXIT_OK || cli->json) {
        if (rc == EXIT_OK)
            http_print_body(&r);
        http_resp_free(&r);
        return rc;
    }
    json_t *person = json_object_get(r.json, "person"), *m;
    size_t i;
    output_pair(stdout, 6, "Name", output_str(person, "display_name"));
    output_pair(stdout, 6, "Email", output_str(person, "email"));
    output_pair(stdout, 6, "Id", output_str(person, "id"));
    output_pair(stdout, 6, "Server", cli->server);
    if (json_is_true(json_object_get(person, "is_admin")))
        output_pair(stdout, 6, "Admin", "yes");
    struct table *t = table_new(3, "ORG", "NAME", "ROLE");
    json_array_foreach(json_object_get(r.json, "memberships"), i, m)
    {
        json_t *org = json_object_get(m, "org");
        table_cell(t, output_str(org, "slug"));
        table_cell(t, output_str(org, "name"));
        table_cell(t, output_str(m, "role"));
    }
    if (table_rows(t) > 0) {
        putchar('\n');
        table_print(t, stdout, cli->color);
    }
    table_free(t);
    http_resp_free(&r);
    return EXIT_OK;
}

const struct cmd_entry cmd_login_entry = {
    "login",
    "[--server URL] [EMAIL]",
    "Sign in (the password without echo, or from stdin).",
    0,
    1,
    NULL,
    0,
    login_exec,
};

const struct cmd_entry cmd_logout_entry = {
    "logout",
    "",
    "Sign out: the token is revoked and forgotten.",
    0,
    0,
    NULL,
    1,
    logout_exec,
};

const struct cmd_entry cmd_whoami_entry = {
    "whoami",
    "",
    "Who is signed in: organizations and roles.",
    0,
    0,
    NULL,
    1,
    whoami_exec,
};
