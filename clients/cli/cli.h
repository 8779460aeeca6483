/* SPDX-License-Identifier: Apache-2.0 */
/* What every piiri command shares: the exit codes, the run's context (server,
 * token, output mode) and the command table's entry. */
#ifndef PIIRI_CLI_H
#define PIIRI_CLI_H

#include "args.h"

/* Exit codes, as the man page documents them. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,     /* an error from the server or the network */
    EXIT_USAGE = 2,    /* a wrong command line */
    EXIT_NOTFOUND = 3, /* 404 */
    EXIT_DENIED = 4,   /* not signed in (401) or not allowed (403) */
};

#define CLI_DEFAULT_SERVER "http://127.0.0.1:8080"

struct cli {
    char *server; /* base URL without a trailing "/" (new) */
    char *token;  /* bearer token or NULL (new) */
    int token_from_file;
    int json;  /* --json: the API's JSON as it is */
    int color; /* stdout is a terminal and NO_COLOR is not set */
    const struct cmd_entry *cmd;
};

struct cmd_entry {
    const char *name;
    const char *usage;   /* after "piiri NAME " */
    const char *summary; /* one line */
    int min_pos, max_pos;
    const struct arg_spec *opts; /* ended by {NULL}; NULL: none */
    int need_token;
    int (*exec)(struct cli *cli, const struct args *a);
};

/* The command table (commands.c): ended by {NULL}. */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);

/* A usage error of the running command: the message, its usage line; EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An error of piiri's own (not the server's) on stderr; returns CODE. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const struct cmd_entry cmd_login_entry, cmd_logout_entry, cmd_whoami_entry;
extern const struct cmd_entry cmd_groups_entry, cmd_group_entry, cmd_sessions_entry,
    cmd_today_entry;
extern const struct cmd_entry cmd_signup_entry, cmd_signups_entry, cmd_cancel_entry,
    cmd_absence_entry;
extern const struct cmd_entry cmd_attendance_entry;
extern const struct cmd_entry cmd_report_entry, cmd_feed_url_entry;
extern const struct cmd_entry cmd_requests_entry, cmd_candidates_entry, cmd_propose_entry,
    cmd_pairings_entry;

#endif
