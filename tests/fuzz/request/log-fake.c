/* SPDX-License-Identifier: Apache-2.0 */
/* log.h for the request fuzzer: every line is formatted (so a bad format
 * argument still shows) and checked to hold no email address, but written
 * only with PIIRI_FUZZ_LOG=1, since thousands of requests a second would
 * bury libFuzzer's own output. fatalx aborts, which libFuzzer reports as a
 * crash. */
#include "fake.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum log_level log_threshold = LOG_INFO;
bool fake_log_enabled;

void log_set_tag(const char *tag)
{
    (void)tag;
}

void log_set_level(enum log_level level)
{
    log_threshold = level;
}

void log_capture_libevent(void)
{
}

static void log_vmsg(const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof(line), fmt, ap);
    if (fake_log_enabled)
        fprintf(stderr, "piirid: %s\n", line);
    /* No line may carry an email address (nor any '@': a request id cannot). */
    if (strchr(line, '@') != NULL) {
        fprintf(stderr, "fuzz_request: a log line with an '@' (personal data?): %s\n", line);
        abort();
    }
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    (void)level;
    va_start(ap, fmt);
    log_vmsg(fmt, ap);
    va_end(ap);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fake_log_enabled = true;
    log_vmsg(fmt, ap);
    va_end(ap);
    abort();
}
