/* SPDX-License-Identifier: Apache-2.0 */
/* The shared sketch of pending hashing jobs per client address. */
#include "client-count.h"

#include "log.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#define SLOTS 8192 /* per hash and row: 32 KiB a worker */

static _Atomic uint16_t *table;     /* pending: [workers][2][SLOTS] */
static _Atomic uint32_t *admitted; /* admissions: [2][SLOTS] */
static int rows;
static unsigned char key[crypto_shorthash_KEYBYTES];

void client_count_init(int workers)
{
    size_t pending = (size_t)workers * 2 * SLOTS * sizeof(*table);
    size_t bytes = pending + 2 * SLOTS * sizeof(*admitted);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        fatalx("client counts: cannot map shared memory");
    table = mem;
    admitted = (_Atomic uint32_t *)((char *)mem + pending);
    rows = workers;
    crypto_shorthash_keygen(key);
}

static _Atomic uint16_t *cell(int worker, int hash, uint32_t slot)
{
    if (table == NULL || worker < 0 || worker >= rows)
        fatalx("client counts: row %d of %d", worker, rows);
    return &table[((size_t)worker * 2 + (size_t)hash) * SLOTS + slot];
}

void client_count_reset(int worker)
{
    for (int h = 0; h < 2; h++) {
        for (uint32_t s = 0; s < SLOTS; s++)
            atomic_store_explicit(cell(worker, h, s), 0, memory_order_relaxed);
    }
}

void client_count_slots(const char *client, struct client_slots *out)
{
    unsigned char digest[crypto_shorthash_BYTES];
    crypto_shorthash(digest, (const unsigned char *)client, strlen(client), key);
    uint32_t a, b;
    memcpy(&a, digest, 4);
    memcpy(&b, digest + 4, 4);
    out->slot[0] = a % SLOTS;
    out->slot[1] = b % SLOTS;
}

void client_count_admit(int worker, struct client_slots *s)
{
    for (int h = 0; h < 2; h++) {
        atomic_fetch_add_explicit(cell(worker, h, s->slot[h]), 1, memory_order_relaxed);
        s->seen[h] = atomic_fetch_add_explicit(&admitted[h * SLOTS + s->slot[h]], 1, memory_order_relaxed) + 1;
    }
}

void client_count_release(int worker, const struct client_slots *s)
{
    for (int h = 0; h < 2; h++)
        atomic_fetch_sub_explicit(cell(worker, h, s->slot[h]), 1, memory_order_relaxed);
}

bool client_count_admitted_since(const struct client_slots *s)
{
    for (int h = 0; h < 2; h++) {
        if (atomic_load_explicit(&admitted[h * SLOTS + s->slot[h]], memory_order_relaxed) == s->seen[h])
            return false;
    }
    return true;
}

unsigned client_count_get(const struct client_slots *s)
{
    unsigned least = ~0u;
    for (int h = 0; h < 2; h++) {
        unsigned sum = 0;
        for (int w = 0; w < rows; w++)
            sum += atomic_load_explicit(cell(w, h, s->slot[h]), memory_order_relaxed);
        if (sum < least)
            least = sum;
    }
    return least;
}
