/* SPDX-License-Identifier: Apache-2.0 */
/* Password hashing (libsodium argon2id) off the event loop: a hash costs tens
 * of milliseconds of CPU and 64 MiB, which must not stall other requests. */
#ifndef PIIRI_HASHER_H
#define PIIRI_HASHER_H

#include <event2/event.h>

/* ok: 1 when hashing succeeded or the password matched. hash: new string
 * (hasher_hash only) that the callback owns, NULL otherwise. */
typedef void (*hasher_done_cb)(int ok, char *hash, void *arg);

struct hasher;

struct hasher *hasher_new(struct event_base *base);
/* Hash password (copied and wiped after use). */
void hasher_hash(struct hasher *h, const char *password, hasher_done_cb cb, void *arg);
/* Check password against hash; a NULL hash is checked against a dummy so
 * that unknown accounts take as long as known ones. */
void hasher_verify(struct hasher *h, const char *hash, const char *password, hasher_done_cb cb, void *arg);
/* Stop the thread after the jobs already queued; their callbacks still run. */
void hasher_free(struct hasher *h);

#endif
