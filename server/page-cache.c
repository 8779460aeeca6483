/* SPDX-License-Identifier: Apache-2.0 */
/* A small table scanned in full: at most PAGE_CACHE_ENTRIES entries, each
 * found by its key's hash first; when full, the least recently used goes. */
#include "page-cache.h"

#include "feed-cache.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_CACHE_ENTRIES 256

struct slot {
    char *key;                       /* NULL: empty */
    uint64_t hash;
    struct page_entry *entry;
    uint64_t generation;
    int64_t stored_ms;
    uint64_t used;
};

static struct slot slots[PAGE_CACHE_ENTRIES];
static int ttl_ms;
static uint64_t use_clock;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a: only to skip most string comparisons. */
static uint64_t hash_of(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

void page_entry_free(struct page_entry *e)
{
    if (e == NULL)
        return;
    free(e->plain);
    free(e->gzip);
    free(e);
}

static void slot_clear(struct slot *s)
{
    free(s->key);
    page_entry_free(s->entry);
    memset(s, 0, sizeof(*s));
}

void page_cache_configure(int ms)
{
    ttl_ms = ms;
}

bool page_cache_active(void)
{
    return ttl_ms > 0 && feed_cache_enabled;
}

uint64_t page_cache_generation(void)
{
    return feed_cache_generation();
}

static struct slot *find(const char *key, uint64_t hash)
{
    for (int i = 0; i < PAGE_CACHE_ENTRIES; i++) {
        if (slots[i].key != NULL && slots[i].hash == hash && strcmp(slots[i].key, key) == 0)
            return &slots[i];
    }
    return NULL;
}

const struct page_entry *page_cache_get(const char *key)
{
    if (!page_cache_active())
        return NULL;
    struct slot *s = find(key, hash_of(key));
    if (s == NULL)
        return NULL;
    if (s->generation != feed_cache_generation() || now_ms() - s->stored_ms >= ttl_ms) {
        slot_clear(s);
        return NULL;
    }
    s->used = ++use_clock;
    return s->entry;
}

/* An empty slot, or the least recently used one emptied. */
static struct slot *free_slot(void)
{
    struct slot *oldest = &slots[0];
    for (int i = 0; i < PAGE_CACHE_ENTRIES; i++) {
        if (slots[i].key == NULL)
            return &slots[i];
        if (slots[i].used < oldest->used)
            oldest = &slots[i];
    }
    slot_clear(oldest);
    return oldest;
}

bool page_cache_put(const char *key, struct page_entry *e, uint64_t generation)
{
    if (!page_cache_active() || generation != feed_cache_generation())
        return false;
    uint64_t hash = hash_of(key);
    struct slot *s = find(key, hash);
    if (s != NULL)
        slot_clear(s);
    else
        s = free_slot();
    s->key = xstrdup(key);
    s->hash = hash;
    s->entry = e;
    s->generation = generation;
    s->stored_ms = now_ms();
    s->used = ++use_clock;
    return true;
}

void page_cache_free(void)
{
    for (int i = 0; i < PAGE_CACHE_ENTRIES; i++)
        slot_clear(&slots[i]);
}
