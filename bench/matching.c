/* SPDX-License-Identifier: Apache-2.0 */
/* Batch proposals at scale: 2,000 open requests and 300 supporters drawn at
 * random (fixed seed) from the words of the seeds, assigned by
 * matching_assign and by the greedy baseline; prints the time of each and
 * the total scores side by side. Usage: bench-matching [requests supporters seed] */
#include "matching.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const topics[] = { "työnantajuus", "rekrytointi", "palkanlaskenta", "perehdytys",
    "työsopimus", "lomat", "sairauspoissaolot", "jaksaminen", "vuorovaikutus", "irtisanominen",
    "työterveyshuolto", "verotus", "avustajan sijaiset", "ristiriidat" };
static const char *const towns[] = { "Helsinki", "Espoo", "Vantaa", "Tampere", "Turku", "Oulu",
    "Jyväskylä", "Kuopio", "Lahti", "Pori", "Joensuu", "Lappeenranta", "Hämeenlinna", "Vaasa",
    "Seinäjoki", "Rovaniemi", "Mikkeli", "Kotka", "Salo", "Porvoo" };
static const char *const modes[] = { "in_person", "phone", "whatsapp", "teams", "video" };

static uint64_t state = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

/* n distinct items of pool, n in [min, max]. */
static struct matching_list pick(const char *const *pool, unsigned npool, unsigned min, unsigned max)
{
    unsigned n = min + rnd(max - min + 1);
    const char **items = calloc(n + 1, sizeof(*items));
    unsigned have = 0;
    while (have < n) {
        const char *c = pool[rnd(npool)];
        unsigned j = 0;
        while (j < have && items[j] != c)
            j++;
        if (j == have)
            items[have++] = c;
    }
    return (struct matching_list) { items, (int)n };
}

static struct matching_list languages(void)
{
    static const char *const fi[] = { "fi" }, *const sv[] = { "sv" }, *const fi_sv[] = { "fi", "sv" },
                      *const fi_en[] = { "fi", "en" };
    unsigned x = rnd(20);
    return x < 15 ? (struct matching_list) { fi, 1 }
        : x < 17  ? (struct matching_list) { fi_sv, 2 }
        : x < 19  ? (struct matching_list) { fi_en, 2 }
                  : (struct matching_list) { sv, 1 };
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
    int nr = argc > 1 ? atoi(argv[1]) : 2000, ns = argc > 2 ? atoi(argv[2]) : 300;
    if (argc > 3)
        state = strtoull(argv[3], NULL, 0) | 1;
    if (nr < 0 || nr > MATCHING_MAX_REQUESTS || ns < 0 || ns > 10000) {
        fprintf(stderr, "usage: %s [requests (at most %d) supporters (at most 10000) seed]\n", argv[0],
            MATCHING_MAX_REQUESTS);
        return 2;
    }
    static char ids[20000][40];
    struct matching_request *r = calloc((size_t)nr + 1, sizeof(*r));
    struct matching_supporter *s = calloc((size_t)ns + 1, sizeof(*s));
    int places = 0;
    for (int k = 0; k < ns; k++) {
        snprintf(ids[k], sizeof(ids[k]), "s-%06d", k);
        s[k] = (struct matching_supporter) { .id = ids[k], .person_id = ids[k],
            .topics = pick(topics, 14, 2, 6), .municipalities = pick(towns, 20, 1, 3),
            .languages = languages(), .modes = pick(modes, 5, 2, 4), .active = rnd(10) != 0,
            .load = (int)rnd(2), .max_active = 1 + (int)rnd(4) };
        if (s[k].active && s[k].max_active > s[k].load)
            places += s[k].max_active - s[k].load;
    }
    for (int i = 0; i < nr; i++) {
        snprintf(ids[10000 + i % 10000], sizeof(ids[0]), "r-%06d", i);
        r[i] = (struct matching_request) { .id = ids[10000 + i % 10000], .person_id = ids[10000 + i % 10000],
            .topics = pick(topics, 14, 1, 3), .municipality = rnd(5) ? towns[rnd(20)] : NULL,
            .languages = languages(), .modes = pick(modes, 5, 1, 3) };
    }

    struct timespec t0;
    struct matching_result opt, greedy;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (matching_assign(r, nr, s, ns, &opt) != 0)
        return 1;
    double opt_ms = ms_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    matching_assign_greedy(r, nr, s, ns, &greedy);
    double greedy_ms = ms_since(&t0);

    printf("matching: %d requests, %d supporters, %d free places\n", nr, ns, places);
    printf("  assignment: %8.1f ms, %5d matched, total score %lld\n", opt_ms, opt.matched, opt.total);
    printf("  greedy:     %8.1f ms, %5d matched, total score %lld\n", greedy_ms, greedy.matched, greedy.total);
    printf("  ratio (assignment / greedy total score): %.3f\n",
        greedy.total ? (double)opt.total / (double)greedy.total : 0.0);
    matching_result_free(&opt);
    matching_result_free(&greedy);
    return 0;
}
