/* SPDX-License-Identifier: Apache-2.0 */
/* The one way calendars/ reports a bad schedule: which field, and why. */
#include "cal-internal.h"

#include <stdarg.h>
#include <stdio.h>

int cal_error_set(struct cal_error *err, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return -1;
    err->field = field;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return -1;
}
