/* SPDX-License-Identifier: Apache-2.0 */
/* Password hashing (libsodium argon2id) on the background thread: a hash
 * costs tens of milliseconds of CPU and 64 MiB, which must not stall other
 * requests. */
#ifndef PIIRI_HASHER_H
#define PIIRI_HASHER_H

#include "background.h"

/* ok: 1 when hashing succeeded or the password matched. hash: new string
 * (hasher_hash only) that the callback owns, NULL otherwise. */
typedef void (*hasher_done_cb)(int ok, char *hash, void *arg);

/* Prepare the dummy hash unknown accounts are checked against (once per
 * process, before serving). */
void hasher_init(void);
/* Hash password (copied and wiped after use). */
void hasher_hash(struct background *b, const char *password, hasher_done_cb cb, void *arg);
/* Check password against hash; a NULL hash is checked against a dummy so
 * that unknown accounts take as long as known ones. */
void hasher_verify(struct background *b, const char *hash, const char *password, hasher_done_cb cb, void *arg);

#endif
