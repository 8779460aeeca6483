/* SPDX-License-Identifier: Apache-2.0 */
/* piiri: the command line, the server and token in use, the command's run. */
#include "buf.h"
#include "cli.h"
#include "credentials.h"
#include "http.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_options(FILE *out, const struct arg_spec *s)
{
    for (; s && s->name; s++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s%s", s->name, s->metavar ? " " : "",
            s->metavar ? s->metavar : "", s->kind == ARG_LIST ? "..." : "");
        fprintf(out, "  %-22s %s\n", left, s->help);
    }
}

static void command_help(const struct cmd_entry *e)
{
    printf("usage: piiri %s %s\n\n%s\n\noptions:\n", e->name, e->usage, e->summary);
    print_options(stdout, e->opts);
    print_options(stdout, args_global);
}

static void usage(FILE *out)
{
    fputs("usage: piiri [--server URL] [--json] COMMAND [ARGS]\n\ncommands:\n", out);
    for (const struct cmd_entry *const *e = cmd_table; *e; e++)
        fprintf(out, "  %-12s %s\n", (*e)->name, (*e)->summary);
    fputs("\n'piiri COMMAND --help' shows a command's options; man piiri tells more.\n", out);
}

static char *strip_slash(const char *url)
{
    char *s = xstrdup(url);
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    return s;
}

/* The server: --server, PIIRI_SERVER, the file's, the default. The file's token
 * goes only to the server it was issued by; PIIRI_TOKEN goes wherever asked. */
static int set_up(struct cli *cli, const struct args *a)
{
    struct credentials c;
    char *cause = NULL;
    if (credentials_load(&c, &cause) < 0) {
        cli_error(EXIT_FAIL, "%s", cause);
        free(cause);
        return -1;
    }
    const char *env = getenv("PIIRI_SERVER"), *token = getenv("PIIRI_TOKEN");
    const char *server = args_value(a, "server");
    if (server == NULL)
        server = env && *env ? env : c.server ? c.server : CLI_DEFAULT_SERVER;
    cli->server = strip_slash(server);
    if (token != NULL && *token != '\0') {
        cli->token = xstrdup(token);
    } else if (c.token != NULL && c.server != NULL) {
        char *file_server = strip_slash(c.server);
        if (strcmp(file_server, cli->server) == 0) {
            cli->token = xstrdup(c.token);
            cli->token_from_file = 1;
        }
        free(file_server);
    }
    cli->json = args_flag(a, "json");
    cli->color = output_color(1);
    credentials_free(&c);
    return 0;
}

/* The words before the command's name are global options; where it is. */
static int command_index(int argc, char **argv)
{
    int i = 1;
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--server") == 0)
            i++;
        i++;
    }
    return i;
}

static int run(struct cli *cli, const struct cmd_entry *e, int argc, char **argv)
{
    struct args a;
    char *cause = NULL;
    cli->cmd = e;
    if (args_parse(&a, e->opts, argc, argv, &cause) < 0) {
        int rc = cli_usage_error(cli, "%s", cause);
        free(cause);
        return rc;
    }
    int rc;
    if (args_flag(&a, "help")) {
        command_help(e);
        rc = EXIT_OK;
    } else if (a.npos < e->min_pos || a.npos > e->max_pos) {
        rc = cli_usage_error(cli, a.npos < e->min_pos ? "missing arguments" : "too many arguments");
    } else if (set_up(cli, &a) < 0) {
        rc = EXIT_FAIL;
    } else if (e->need_token && cli->token == NULL) {
        rc = cli_error(EXIT_DENIED, "not signed in to %s: run 'piiri login' (or set PIIRI_TOKEN)",
            cli->server);
    } else {
        rc = e->exec(cli, &a);
    }
    args_free(&a);
    return rc;
}

int main(int argc, char **argv)
{
    int at = command_index(argc, argv);
    for (int i = 1; i < at; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            puts("piiri " PIIRI_VERSION);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
    }
    if (at >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[at], "help") == 0) {
        const struct cmd_entry *e = at + 1 < argc ? cmd_find(argv[at + 1]) : NULL;
        if (e)
            command_help(e);
        else
            usage(stdout);
        return EXIT_OK;
    }
    const struct cmd_entry *e = cmd_find(argv[at]);
    if (e == NULL) {
        fprintf(stderr, "piiri: unknown command '%s'\n", argv[at]);
        usage(stderr);
        return EXIT_USAGE;
    }
    /* The command sees the words before its name and after it, without the name. */
    char **rest = xcalloc((size_t)argc, sizeof *rest);
    int n = 0;
    for (int i = 1; i < argc; i++)
        if (i != at)
            rest[n++] = argv[i];
    http_global_init();
    struct cli cli = { 0 };
    int rc = run(&cli, e, n, rest);
    free(rest);
    free(cli.server);
    free(cli.token);
    return rc;
}
