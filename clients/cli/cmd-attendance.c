/* SPDX-License-Identifier: Apache-2.0 */
/* piiri attendance (placeholder while the screen is written). */
#include "cli.h"

#include <stddef.h>

static int attendance_exec(struct cli *cli, const struct args *a)
{
    return cli_error(EXIT_FAIL, "not yet");
}

const struct cmd_entry cmd_attendance_entry = {
    "attendance",
    "SESSION",
    "Mark a session's attendance.",
    1,
    1,
    NULL,
    1,
    attendance_exec,
};
