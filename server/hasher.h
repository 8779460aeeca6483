/* SPDX-License-Identifier: Apache-2.0 */
/* Password hashing (libsodium argon2id) on the background thread: a hash
 * costs tens of milliseconds of CPU and 64 MiB, which must not stall other
 * requests, and hashing is what a flood of logins or registrations would
 * exhaust. So each worker's hashing queue is bounded per tier and per
 * client, the most trusted job is taken first (suspects on a thread of
 * their own at a lower priority), and a job whose client has gone away is
 * dropped unhashed.
 *
 * A job's life: hasher_admit (a place for the client, before the database
 * has said which tier it is), then hasher_hash or hasher_verify (queued in
 * its tier), then the callback on the loop; or hasher_cancel. */
#ifndef PIIRI_HASHER_H
#define PIIRI_HASHER_H

#include "background.h"

/* Most trusted first: a job of a lower tier is taken only when no job of
 * a higher one waits (for its thread). */
enum hasher_tier {
    HASHER_TRUSTED, /* a login from a device that signed in before */
    HASHER_CLEAN,   /* a login whose address, and email from that address, have no recent failures */
    HASHER_NEW,     /* a registration */
    HASHER_SUSPECT, /* a login whose address, or email from that address, failed recently */
    HASHER_TIERS
};

enum hasher_outcome {
    HASHER_OK,   /* hashed; or the password matched */
    HASHER_NO,   /* the password did not match; or hashing failed */
    HASHER_GONE, /* the client closed its side of the connection: nothing was done */
    HASHER_LATE, /* it waited too long (answer busy): nothing was done */
};

/* hash: hasher_hash with HASHER_OK only, a new string the callback owns. */
typedef void (*hasher_done_cb)(enum hasher_outcome outcome, char *hash, void *arg);

struct hasher;
struct hasher_job;

/* Once, before the workers fork: the dummy hash unknown accounts are
 * checked against, and the client counts the workers share. */
void hasher_init(int workers);
/* Worker number worker's queue, with two hashing threads of its own. */
struct hasher *hasher_start(struct event_base *base, int worker);
/* A queue on threads the caller owns (borrowed, freed before the queue):
 * fast for everything but suspects, slow for suspects; a job that waited
 * max_wait_ms is not hashed but answered HASHER_LATE. */
struct hasher *hasher_new(struct background *fast, struct background *slow, unsigned max_wait_ms);
/* Stops its own threads, if any; no job may be pending. */
void hasher_free(struct hasher *h);

/* A place for client (its address, as auth_client gives it) whose
 * connection is fd (-1: none to watch). NULL when the client already has
 * HASHER_MAX_PER_CLIENT jobs admitted and unfinished, on all workers. */
struct hasher_job *hasher_admit(struct hasher *h, const char *client, int fd) __attribute__((warn_unused_result));
/* Give back an admitted job that will not be queued. */
void hasher_cancel(struct hasher_job *j);
/* Queue j (stolen) to hash password (copied, wiped after use); -1 when the
 * tier is full (j is freed, cb is not called). */
int hasher_hash(struct hasher_job *j, enum hasher_tier tier, const char *password, hasher_done_cb cb, void *arg)
    __attribute__((warn_unused_result));
/* Queue j (stolen) to check password against hash (a NULL hash is checked
 * against a dummy, so unknown accounts take as long as known ones). */
int hasher_verify(struct hasher_job *j, enum hasher_tier tier, const char *hash, const char *password,
    hasher_done_cb cb, void *arg) __attribute__((warn_unused_result));
/* Seconds a client turned away should wait: the queue's length times the
 * recent time per hash, at least 1. */
int hasher_retry_after(struct hasher *h);

#define HASHER_MAX_PER_CLIENT 4

#endif
