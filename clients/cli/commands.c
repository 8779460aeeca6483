/* SPDX-License-Identifier: Apache-2.0 */
/* The command table (each command's entry lives in its cmd-*.c file), and how
 * a command reports an error of its own. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("piiri: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("piiri: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (cli && cli->cmd)
        fprintf(stderr, "usage: piiri %s %s\n", cli->cmd->name, cli->cmd->usage);
    return EXIT_USAGE;
}

const struct cmd_entry *const cmd_table[] = {
    &cmd_login_entry,
    &cmd_logout_entry,
    &cmd_whoami_entry,
    &cmd_groups_entry,
    &cmd_group_entry,
    &cmd_sessions_entry,
    &cmd_today_entry,
    &cmd_signup_entry,
    &cmd_signups_entry,
    &cmd_cancel_entry,
    &cmd_absence_entry,
    &cmd_attendance_entry,
    &cmd_report_entry,
    &cmd_feed_url_entry,
    &cmd_requests_entry,
    &cmd_candidates_entry,
    &cmd_propose_entry,
    &cmd_pairings_entry,
    NULL,
};

const struct cmd_entry *cmd_find(const char *name)
{
    for (const struct cmd_entry *const *e = cmd_table; *e; e++)
        if (strcmp((*e)->name, name) == 0)
            return *e;
    return NULL;
}
