/* SPDX-License-Identifier: Apache-2.0 */
/* Rendered feeds cached in each worker. Entries are dropped all at once when
 * the database says feed data changed (feed-listen.c bumps the generation),
 * and bodies are reference-counted so that a reply still being written keeps
 * its bytes alive after the entry is gone. */
#ifndef PIIRI_FEED_CACHE_H
#define PIIRI_FEED_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

struct feed_body {
    unsigned refs;
    char *data;
    size_t len;
};

struct feed_entry {
    char *key;
    struct feed_body *plain, *gzip;  /* gzip: NULL if compressing did not help */
    char etag[48];                   /* strong, quoted */
    char etag_gzip[56];              /* the gzip body's: other bytes, another tag */
    char last_modified[40];          /* HTTP date */
    uint64_t generation;
    uint64_t used;                   /* for eviction: last use */
    int64_t rendered_at;             /* feeds are windowed in time: re-render hourly */
};

/* Whether caching is on: off while the LISTEN connection is down, since
 * changes could then go unnoticed. */
extern bool feed_cache_enabled;

/* Drop everything (a NOTIFY arrived, or the LISTEN connection came back). */
void feed_cache_invalidate(void);
/* Raised by every invalidation (a notification, the LISTEN connection lost
 * or back): a render is labelled with the generation current when its query
 * was sent, and one of an older generation may predate a change, so it is
 * neither stored nor joined by a later request (api-feeds.c). */
uint64_t feed_cache_generation(void);
/* The fresh entry for key, or NULL. Borrowed until the next cache call. */
struct feed_entry *feed_cache_get(const char *key);
/* A new entry from rendered bytes (taken over: data must be malloc'd).
 * Stored when cache is true and caching is on; otherwise the caller frees it with
 * feed_entry_free after replying. */
struct feed_entry *feed_cache_put(const char *key, char *data, size_t len, int64_t modified, bool cache,
    bool *stored);
void feed_entry_free(struct feed_entry *e);
/* Add body to out without copying; it stays alive until out is drained. */
void feed_body_add_to(struct feed_body *b, struct evbuffer *out);
void feed_cache_free(void);

#endif
