/* SPDX-License-Identifier: Apache-2.0 */
/* A set of named compiled templates, where partials are looked up: a hash
 * table whose keys' hashes the partial nodes carry from compiling, so a
 * render's lookup is one bucket and one strcmp. */
#include "mustache-internal.h"

#include <stdlib.h>
#include <string.h>

struct set_entry {
    char *name;
    uint32_t hash;
    struct mustache_template *tpl;
    struct set_entry *next;
};

struct mustache_set {
    struct set_entry **buckets;
    size_t n_buckets; /* a power of two */
    size_t n_entries;
};

/* FNV-1a: short names, no adversary (the names are the program's own). */
uint32_t mustache_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct mustache_set *mustache_set_new(void)
{
    struct mustache_set *set = mustache_alloc(1, sizeof(*set));
    set->n_buckets = 16;
    set->n_entries = 0;
    set->buckets = mustache_alloc(set->n_buckets, sizeof(*set->buckets));
    memset(set->buckets, 0, set->n_buckets * sizeof(*set->buckets));
    return set;
}

void mustache_set_free(struct mustache_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->n_buckets; i++) {
        struct set_entry *e = set->buckets[i], *next;
        for (; e != NULL; e = next) {
            next = e->next;
            mustache_template_free(e->tpl);
            free(e->name);
            free(e);
        }
    }
    free(set->buckets);
    free(set);
}

const struct mustache_template *mustache_set_find(const struct mustache_set *set, const char *name,
    uint32_t hash)
{
    if (set == NULL)
        return NULL;
    const struct set_entry *e = set->buckets[hash & (set->n_buckets - 1)];
    for (; e != NULL; e = e->next)
        if (e->hash == hash && strcmp(e->name, name) == 0)
            return e->tpl;
    return NULL;
}

const struct mustache_template *mustache_set_get(const struct mustache_set *set, const char *name)
{
    return mustache_set_find(set, name, mustache_hash(name));
}

/* Twice the buckets once there are more entries than buckets. */
static void set_grow(struct mustache_set *set)
{
    size_t n = set->n_buckets * 2;
    struct set_entry **buckets = mustache_alloc(n, sizeof(*buckets));
    memset(buckets, 0, n * sizeof(*buckets));
    for (size_t i = 0; i < set->n_buckets; i++) {
        struct set_entry *e = set->buckets[i], *next;
        for (; e != NULL; e = next) {
            next = e->next;
            e->next = buckets[e->hash & (n - 1)];
            buckets[e->hash & (n - 1)] = e;
        }
    }
    free(set->buckets);
    set->buckets = buckets;
    set->n_buckets = n;
}

int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len,
    char **cause)
{
    uint32_t hash = mustache_hash(name);
    if (mustache_set_find(set, name, hash) != NULL) {
        *cause = mustache_printf("template \"%s\": the set has one of that name already", name);
        return -1;
    }
    char *why = NULL;
    struct mustache_template *tpl = mustache_compile(src, len, &why);
    if (tpl == NULL) {
        *cause = mustache_printf("template \"%s\": %s", name, why);
        free(why);
        return -1;
    }
    if (set->n_entries >= set->n_buckets)
        set_grow(set);
    struct set_entry *e = mustache_alloc(1, sizeof(*e));
    e->name = mustache_printf("%s", name);
    e->hash = hash;
    e->tpl = tpl;
    e->next = set->buckets[hash & (set->n_buckets - 1)];
    set->buckets[hash & (set->n_buckets - 1)] = e;
    set->n_entries++;
    return 0;
}
