/* SPDX-License-Identifier: Apache-2.0 */
/* Work that would stall the event loop (argon2id hashing, a large matching
 * assignment) runs on one background thread per worker. The work function
 * runs on that thread and must touch nothing the loop owns; the done
 * function runs afterwards on the loop. */
#ifndef PIIRI_BACKGROUND_H
#define PIIRI_BACKGROUND_H

#include <event2/event.h>

typedef void (*background_fn)(void *arg);

struct background;

struct background *background_new(struct event_base *base);
/* The same, with the thread's nice value raised by nice (Linux threads have
 * their own): its work yields the CPU to everything at normal priority. */
struct background *background_new_nice(struct event_base *base, int nice);
/* Queue work(arg) on the thread, then done(arg) on the loop. */
void background_run(struct background *b, background_fn work, background_fn done, void *arg);
/* Finish the jobs already queued (their done functions run), then stop. */
void background_free(struct background *b);

#endif
