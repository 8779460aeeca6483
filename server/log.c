/* SPDX-License-Identifier: Apache-2.0 */
/* Log lines: "TIME LEVEL TAG message", written with a single write(2) so that
 * lines from several worker processes sharing stderr do not interleave. */
#include "log.h"

#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum log_level log_threshold = LOG_INFO;
static char log_tag[16] = "main";

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_tag(const char *tag)
{
    snprintf(log_tag, sizeof(log_tag), "%s", tag);
}

void log_set_level(enum log_level level)
{
    log_threshold = level;
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
    char line[1024];
    struct timeval tv;
    struct tm tm;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03dZ %s %s ", (int)(tv.tv_usec / 1000),
        level_names[level], log_tag);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(LOG_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}

static void libevent_log_cb(int severity, const char *msg)
{
    enum log_level level = severity >= EVENT_LOG_ERR ? LOG_ERROR
        : severity == EVENT_LOG_WARN                  ? LOG_WARN
        : severity == EVENT_LOG_MSG                   ? LOG_INFO
                                                      : LOG_DEBUG;
    if (level >= log_threshold)
        log_msg(level, "libevent: %s", msg);
}

void log_capture_libevent(void)
{
    event_set_log_callback(libevent_log_cb);
}
