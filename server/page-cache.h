/* SPDX-License-Identifier: Apache-2.0 */
/* Signed-out pages kept for a moment in each worker. A page a visitor sees
 * without signing in is the same for every such visitor, and the front page
 * and a group's page are what a link shared in a newsletter brings in all at
 * once: a burst is then answered from memory instead of the database. Entries
 * live PIIRI_PAGE_CACHE_MS at most and are dropped when feed-listen.c says
 * group data changed; while that LISTEN connection is down nothing is kept.
 * Signed-in pages never come here (web-render.c decides what may). */
#ifndef PIIRI_PAGE_CACHE_H
#define PIIRI_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page_entry {
    char lang[8];                    /* Content-Language */
    char *plain;
    size_t plain_len;
    unsigned char *gzip;             /* NULL when compressing did not help */
    size_t gzip_len;
    char etag[48], etag_gzip[48];    /* strong, quoted; each for its own bytes */
};

/* How long an entry stays fresh; 0 turns the cache off. */
void page_cache_configure(int ttl_ms);
/* Is the cache on right now (configured, and changes are being heard)? */
bool page_cache_active(void);
/* The generation a render about to start is labelled with (as feeds are). */
uint64_t page_cache_generation(void);
/* The fresh entry for key, or NULL. Borrowed until the next cache call. */
const struct page_entry *page_cache_get(const char *key);
/* Keep e under key and take it over (true), unless the data changed since
 * generation or the cache went off (false: e stays the caller's). */
bool page_cache_put(const char *key, struct page_entry *e, uint64_t generation);
void page_entry_free(struct page_entry *e);
void page_cache_free(void);

#endif
