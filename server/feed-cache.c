/* SPDX-License-Identifier: Apache-2.0 */
/* A small table of rendered feeds per worker: linear probing would be
 * overkill for a few hundred entries, so a plain array with least-recently
 * used eviction does. ETags are SHA-256 of the bytes, so the same bytes
 * always give the same tag in every worker and process. */
#include "feed-cache.h"

#include "util.h"

#include <event2/buffer.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define CACHE_SLOTS 512
#define MAX_AGE_SECONDS 3600

bool feed_cache_enabled;
static struct feed_entry *slots[CACHE_SLOTS];
static uint64_t generation = 1, clock_uses;

static void body_release(struct feed_body *b)
{
    if (b != NULL && --b->refs == 0) {
        free(b->data);
        free(b);
    }
}

static struct feed_body *body_new(char *data, size_t len)
{
    struct feed_body *b = xcalloc(1, sizeof(*b));
    b->refs = 1;
    b->data = data;
    b->len = len;
    return b;
}

void feed_entry_free(struct feed_entry *e)
{
    if (e == NULL)
        return;
    body_release(e->plain);
    body_release(e->gzip);
    free(e->key);
    free(e);
}

void feed_cache_invalidate(void)
{
    generation++;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        feed_entry_free(slots[i]);
        slots[i] = NULL;
    }
}

uint64_t feed_cache_generation(void)
{
    return generation;
}

struct feed_entry *feed_cache_get(const char *key)
{
    if (!feed_cache_enabled)
        return NULL;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct feed_entry *e = slots[i];
        if (e != NULL && e->generation == generation && strcmp(e->key, key) == 0 &&
            (int64_t)time(NULL) - e->rendered_at < MAX_AGE_SECONDS) {
            e->used = ++clock_uses;
            return e;
        }
    }
    return NULL;
}

/* gzip (not zlib) framing, as Content-Encoding: gzip wants. */
static struct feed_body *gzip_body(const char *data, size_t len)
{
    z_stream z = { 0 };
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len);
    char *out = xmalloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= len) {
        free(out);
        return NULL;
    }
    return body_new(out, n);
}

static void http_date(int64_t t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void store(struct feed_entry *e)
{
    int victim = 0;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (slots[i] == NULL || slots[i]->generation != generation) {
            victim = i;
            break;
        }
        if (slots[i]->used < slots[victim]->used)
            victim = i;
    }
    feed_entry_free(slots[victim]);
    slots[victim] = e;
}

struct feed_entry *feed_cache_put(const char *key, char *data, size_t len, int64_t modified, bool cache,
    bool *stored)
{
    struct feed_entry *e = xcalloc(1, sizeof(*e));
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * 16 + 1];
    e->key = xstrdup(key);
    e->plain = body_new(data, len);
    e->gzip = gzip_body(data, len);
    crypto_hash_sha256(digest, (const unsigned char *)data, len);
    sodium_bin2hex(hex, sizeof(hex), digest, 16);
    snprintf(e->etag, sizeof(e->etag), "\"%s\"", hex);
    snprintf(e->etag_gzip, sizeof(e->etag_gzip), "\"%s-gz\"", hex);
    http_date(modified, e->last_modified);
    e->generation = generation;
    e->used = ++clock_uses;
    e->rendered_at = (int64_t)time(NULL);
    *stored = cache && feed_cache_enabled;
    if (*stored)
        store(e);
    return e;
}

static void body_cleanup_cb(const void *data, size_t len, void *arg)
{
    (void)data;
    (void)len;
    body_release(arg);
}

void feed_body_add_to(struct feed_body *b, struct evbuffer *out)
{
    b->refs++;
    if (evbuffer_add_reference(out, b->data, b->len, body_cleanup_cb, b) != 0)
        body_release(b);
}

void feed_cache_free(void)
{
    feed_cache_invalidate();
}
