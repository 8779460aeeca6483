/* SPDX-License-Identifier: Apache-2.0 */
/* Leveled log lines on stderr, one write per line. Never log personal data:
 * no emails, names, tokens, passwords or request bodies. */
#ifndef PIIRI_LOG_H
#define PIIRI_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

extern enum log_level log_threshold;

/* Tag printed in every line: "main" for the supervisor, "w1".. for workers. */
void log_set_tag(const char *tag);
void log_set_level(enum log_level level);
/* Route libevent's own messages through log_msg. */
void log_capture_libevent(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log at error level and exit(1). */
void fatalx(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define log_debug(...) do { if (log_threshold <= LOG_DEBUG) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...) do { if (log_threshold <= LOG_INFO) log_msg(LOG_INFO, __VA_ARGS__); } while (0)
#define log_warn(...) do { if (log_threshold <= LOG_WARN) log_msg(LOG_WARN, __VA_ARGS__); } while (0)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
