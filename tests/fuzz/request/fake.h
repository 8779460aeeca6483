/* SPDX-License-Identifier: Apache-2.0 */
/* What the request fuzzer puts in place of the parts of piirid that talk to
 * PostgreSQL, start threads or write logs: a database answered from recorded
 * results (db-fake.c), a background "thread" that runs jobs on the loop and a
 * hasher that does not spend 64 MiB per password (background-fake.c), and a
 * log that formats but does not write (log-fake.c). Each answer is given
 * from the event loop, never from inside the call that asked, as the real
 * pool and background thread do. */
#ifndef PIIRI_FUZZ_FAKE_H
#define PIIRI_FUZZ_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Load the recorded answers (tests/fuzz/request/answers.json); aborts on error. */
void fake_db_load(const char *path);
/* Number of recorded statements; the i-th statement's SQL text. */
size_t fake_db_statements(void);
const char *fake_db_statement(size_t i);
/* The i-th value (not distinct) of a column of that name in any recorded
 * result, or NULL past the last: e.g. the slugs of the principals' orgs. */
const char *fake_db_value(const char *column, size_t i);

/* Start an input: the database's choices come from these bytes, one per
 * query or hashing job in turn (0 after the last: the first recorded answer). */
void fake_choices_begin(const uint8_t *choices, size_t n);
uint8_t fake_choice_next(void);

/* Queries and jobs asked for and not answered yet. */
unsigned fake_db_pending(void);
unsigned fake_background_pending(void);
/* Answers given since fake_choices_begin (progress for the harness). */
unsigned long fake_answers_given(void);
/* Did the database answer an error this input that is not the request's
 * fault (not PI<status>, not 23505), so that a 500 may be right? */
bool fake_db_said_error(void);

/* Log lines are dropped unless this is set (PIIRI_FUZZ_LOG=1). */
extern bool fake_log_enabled;

#endif
