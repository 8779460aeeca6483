/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for matching.c: hard limits, the score and its reasons, ranked
 * candidates, and the batch assignment against brute force. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "matching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(...) { (const char *const[]) { __VA_ARGS__ }, sizeof((const char *[]) { __VA_ARGS__ }) / sizeof(char *) }
#define NONE { NULL, 0 }

static const char *const uuids[] = {
    "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002",
    "00000000-0000-0000-0000-000000000003", "00000000-0000-0000-0000-000000000004",
    "00000000-0000-0000-0000-000000000005", "00000000-0000-0000-0000-000000000006",
    "00000000-0000-0000-0000-000000000007", "00000000-0000-0000-0000-000000000008",
};

static struct matching_supporter supporter(const char *id, const char *person)
{
    static const char *const fi[] = { "fi" };
    static const char *const phone[] = { "phone" };
    return (struct matching_supporter) { .id = id, .person_id = person, .languages = { fi, 1 },
        .modes = { phone, 1 }, .active = true, .load = 0, .max_active = 2 };
}

static struct matching_request request(const char *id, const char *person)
{
    static const char *const fi[] = { "fi" };
    static const char *const phone[] = { "phone" };
    return (struct matching_request) { .id = id, .person_id = person, .languages = { fi, 1 },
        .modes = { phone, 1 } };
}

/* ---- words ---- */

static void test_text_equal_folds_case(void **state)
{
    assert_true(matching_text_equal("Helsinki", "helsinki"));
    assert_true(matching_text_equal("TYÖNANTAJUUS", "työnantajuus"));
    assert_true(matching_text_equal("Åland", "åland"));
    assert_true(matching_text_equal("ÄÖÅ", "äöå"));
    assert_true(matching_text_equal("", ""));
    assert_false(matching_text_equal("Helsinki", "Helsink"));
    assert_false(matching_text_equal("Espoo", "Vantaa"));
    assert_false(matching_text_equal("a\xc3\x97", "a\xc3\xb7")); /* × is not ÷ */
    assert_false(matching_text_equal("ä", "a"));
}

/* ---- hard limits ---- */

static void test_eligible_hard_limits(void **state)
{
    struct matching_request r = request(uuids[0], uuids[1]);
    struct matching_supporter s = supporter(uuids[2], uuids[3]);
    assert_true(matching_eligible(&r, &s));

    struct matching_supporter t = s;
    static const char *const sv[] = { "sv" };
    t.languages = (struct matching_list) { sv, 1 };
    assert_false(matching_eligible(&r, &t)); /* no shared language */

    t = s;
    t.active = false;
    assert_false(matching_eligible(&r, &t)); /* paused or retired */

    t = s;
    t.load = 2;
    assert_false(matching_eligible(&r, &t)); /* full: proposed and active count */
    t.load = 1;
    assert_true(matching_eligible(&r, &t));

    t = s;
    t.person_id = uuids[1];
    assert_false(matching_eligible(&r, &t)); /* the requester */

    struct matching_request q = r;
    const char *const declined[] = { uuids[2] };
    q.declined = (struct matching_list) { declined, 1 };
    assert_false(matching_eligible(&q, &s)); /* declined before */

    q = r;
    q.person_id = NULL; /* purged */
    assert_true(matching_eligible(&q, &s));
}

/* ---- score and reasons ---- */

static void test_score_formula(void **state)
{
    struct matching_request r = request(uuids[0], uuids[1]);
    struct matching_supporter s = supporter(uuids[2], uuids[3]);
    struct matching_list rt = L("työnantajuus", "Rekrytointi", "palkanlaskenta");
    struct matching_list st = L("rekrytointi", "TYÖNANTAJUUS", "jaksaminen");
    struct matching_list rm = L("phone", "whatsapp", "teams");
    struct matching_list sm = L("whatsapp", "phone", "in_person");
    struct matching_list mu = L("Espoo", "helsinki");
    r.topics = rt;
    s.topics = st;
    r.modes = rm;
    s.modes = sm;
    r.municipality = "Helsinki";
    s.municipalities = mu;
    /* 2 topics, same municipality, 2 modes, 1 pairing already. */
    assert_int_equal(matching_score(&r, &s, 1), 2 * 30 + 25 + 2 * 10 - 5);
    assert_int_equal(matching_score(&r, &s, 0), 2 * 30 + 25 + 2 * 10);
    r.municipality = "Vantaa";
    assert_int_equal(matching_score(&r, &s, 0), 2 * 30 + 2 * 10);
    r.municipality = NULL;
    assert_int_equal(matching_score(&r, &s, 3), 2 * 30 + 2 * 10 - 15);
    /* A topic the request repeats counts once. */
    struct matching_list twice = L("rekrytointi", "Rekrytointi");
    r.topics = twice;
    assert_int_equal(matching_score(&r, &s, 0), 30 + 2 * 10);
}

static void test_reasons_in_words(void **state)
{
    struct matching_request r = request(uuids[0], uuids[1]);
    struct matching_supporter s = supporter(uuids[2], uuids[3]);
    struct matching_list rt = L("työnantajuus", "rekrytointi", "lomat");
    struct matching_list st = L("Rekrytointi", "työnantajuus");
    struct matching_list lang_r = L("fi", "sv");
    struct matching_list lang_s = L("sv", "fi", "en");
    struct matching_list mu = L("Helsinki");
    struct matching_reasons why;
    r.topics = rt;
    s.topics = st;
    r.languages = lang_r;
    s.languages = lang_s;
    r.municipality = "helsinki";
    s.municipalities = mu;
    s.max_active = 3;
    matching_reasons(&r, &s, 1, &why);
    assert_int_equal(why.n, 5);
    assert_string_equal(why.text[0], "shared topics: työnantajuus, rekrytointi");
    assert_string_equal(why.text[1], "same municipality: helsinki");
    assert_string_equal(why.text[2], "shared contact modes: phone");
    assert_string_equal(why.text[3], "speaks fi, sv");
    assert_string_equal(why.text[4], "1 of 3 places taken");
    matching_reasons_free(&why);

    struct matching_list none_shared = L("lomat");
    struct matching_list video = L("video");
    s.topics = none_shared;
    r.topics = (struct matching_list) NONE;
    s.modes = video;
    r.municipality = NULL;
    matching_reasons(&r, &s, 0, &why);
    assert_int_equal(why.n, 2);
    assert_string_equal(why.text[0], "speaks fi, sv");
    assert_string_equal(why.text[1], "0 of 3 places taken");
    matching_reasons_free(&why);
}

/* ---- candidates ---- */

static void test_candidates_ranked(void **state)
{
    struct matching_request r = request(uuids[0], uuids[1]);
    struct matching_list topic = L("jaksaminen");
    struct matching_list mu = L("Tampere");
    struct matching_supporter s[5];
    for (int i = 0; i < 5; i++)
        s[i] = supporter(uuids[7 - i], uuids[2 + i]);
    r.topics = topic;
    r.municipality = "Tampere";
    s[0].topics = topic;                /* 30 + 10 */
    s[1].municipalities = mu;           /* 25 + 10 */
    s[2].topics = topic;                /* 30 + 10, but full */
    s[2].load = 2;
    s[3].topics = topic;                /* 30 + 10 - 5: one pairing */
    s[3].load = 1;
    s[4].topics = topic;                /* 30 + 10, ties s[0]: the lower id first */
    struct matching_candidate *c;
    int n = matching_candidates(&r, s, 5, &c);
    assert_int_equal(n, 4);
    assert_int_equal(c[0].supporter, 4); /* uuids[3] < uuids[7] */
    assert_int_equal(c[0].score, 40);
    assert_int_equal(c[1].supporter, 0);
    assert_int_equal(c[1].score, 40);
    assert_int_equal(c[2].supporter, 3); /* uuids[4] < uuids[6] */
    assert_int_equal(c[2].score, 35);
    assert_int_equal(c[3].supporter, 1);
    assert_int_equal(c[3].score, 35);
    free(c);

    s[0].active = s[1].active = s[3].active = s[4].active = false;
    assert_int_equal(matching_candidates(&r, s, 5, &c), 0);
    assert_null(c);
}

/* ---- the assignment ---- */

static void test_assign_prefers_more_matches(void **state)
{
    /* A fits only s0 (score 10); B fits s0 well (40) or s1 (10). The best
     * total alone would give s0 to B and leave A alone; two matches win. */
    struct matching_request r[2] = { request(uuids[0], uuids[6]), request(uuids[1], uuids[7]) };
    struct matching_supporter s[2] = { supporter(uuids[2], uuids[4]), supporter(uuids[3], uuids[5]) };
    struct matching_list topic = L("vertaistuki");
    struct matching_list sv = L("sv");
    struct matching_list both = L("fi", "sv");
    r[0].languages = sv;
    s[0].languages = both;
    r[1].topics = topic;
    s[0].topics = topic;
    s[0].max_active = s[1].max_active = 1;
    struct matching_result res;
    assert_int_equal(matching_assign(r, 2, s, 2, &res), 0);
    assert_int_equal(res.matched, 2);
    assert_int_equal(res.supporter[0], 0);
    assert_int_equal(res.supporter[1], 1);
    assert_int_equal(res.total, 20);
    matching_result_free(&res);
}

static void test_assign_spreads_load(void **state)
{
    struct matching_request r[2] = { request(uuids[0], uuids[6]), request(uuids[1], uuids[7]) };
    struct matching_supporter s[2] = { supporter(uuids[2], uuids[4]), supporter(uuids[3], uuids[5]) };
    struct matching_result res;
    assert_int_equal(matching_assign(r, 2, s, 2, &res), 0);
    assert_int_equal(res.matched, 2);
    assert_int_not_equal(res.supporter[0], res.supporter[1]);
    assert_int_equal(res.total, 20);
    assert_int_equal(res.score[0], 10);
    assert_int_equal(res.load[0], 0);
    matching_result_free(&res);

    /* One supporter with room for both: the second costs one pairing more. */
    s[1].active = false;
    s[0].load = 1;
    s[0].max_active = 3;
    assert_int_equal(matching_assign(r, 2, s, 2, &res), 0);
    assert_int_equal(res.matched, 2);
    assert_int_equal(res.score[0], 10 - 5);
    assert_int_equal(res.load[0], 1);
    assert_int_equal(res.score[1], 10 - 10);
    assert_int_equal(res.load[1], 2);
    assert_int_equal(res.total, 5);
    matching_result_free(&res);
}

static void test_assign_prefers_older_requests(void **state)
{
    struct matching_request r[3] = { request(uuids[0], uuids[5]), request(uuids[1], uuids[6]),
        request(uuids[2], uuids[7]) };
    struct matching_supporter s = supporter(uuids[3], uuids[4]);
    s.max_active = 1;
    struct matching_result res;
    assert_int_equal(matching_assign(r, 3, &s, 1, &res), 0);
    assert_int_equal(res.matched, 1);
    assert_int_equal(res.supporter[0], 0);
    assert_int_equal(res.supporter[1], -1);
    assert_int_equal(res.supporter[2], -1);
    matching_result_free(&res);
}

static void test_assign_empty_and_too_many(void **state)
{
    struct matching_result res;
    struct matching_supporter s = supporter(uuids[3], uuids[4]);
    assert_int_equal(matching_assign(NULL, 0, &s, 1, &res), 0);
    assert_int_equal(res.matched, 0);
    assert_int_equal(res.total, 0);
    matching_result_free(&res);
    struct matching_request r = request(uuids[0], uuids[1]);
    assert_int_equal(matching_assign(&r, 1, NULL, 0, &res), 0);
    assert_int_equal(res.matched, 0);
    assert_int_equal(res.supporter[0], -1);
    matching_result_free(&res);
    assert_int_equal(matching_assign(&r, MATCHING_MAX_REQUESTS + 1, &s, 1, &res), -1);
}

/* ---- random cases against brute force ---- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static const char *const topic_pool[] = { "työnantajuus", "rekrytointi", "Palkanlaskenta", "jaksaminen",
    "TYÖNANTAJUUS" };
static const char *const town_pool[] = { "Helsinki", "Espoo", "Tampere", "helsinki" };
static const char *const lang_pool[] = { "fi", "sv", "en" };
static const char *const mode_pool[] = { "in_person", "phone", "whatsapp", "teams", "video" };

#define MAX_R 7
#define MAX_S 4

struct world {
    int nr, ns;
    struct matching_request r[MAX_R];
    struct matching_supporter s[MAX_S];
    const char *lists[MAX_R + MAX_S][5][6];
};

static struct matching_list pick(const char **slot, const char *const *pool, int npool, int min, int max)
{
    int n = min + (int)rnd((unsigned)(max - min + 1));
    for (int i = 0; i < n; i++)
        slot[i] = pool[rnd((unsigned)npool)];
    return (struct matching_list) { slot, n };
}

static void world_random(struct world *w, int max_r, int max_s)
{
    memset(w, 0, sizeof(*w));
    w->nr = (int)rnd((unsigned)max_r + 1);
    w->ns = (int)rnd((unsigned)max_s + 1);
    for (int k = 0; k < w->ns; k++) {
        struct matching_supporter *s = &w->s[k];
        s->id = uuids[k];
        s->person_id = uuids[rnd(8)];
        s->topics = pick(w->lists[MAX_R + k][0], topic_pool, 5, 0, 3);
        s->municipalities = pick(w->lists[MAX_R + k][1], town_pool, 4, 0, 2);
        s->languages = pick(w->lists[MAX_R + k][2], lang_pool, 2, 1, 2);
        s->modes = pick(w->lists[MAX_R + k][3], mode_pool, 5, 1, 3);
        s->active = rnd(6) != 0;
        s->max_active = 1 + (int)rnd(4);
        s->load = (int)rnd(3);
    }
    for (int i = 0; i < w->nr; i++) {
        struct matching_request *r = &w->r[i];
        r->id = uuids[i];
        r->person_id = rnd(5) ? uuids[rnd(8)] : NULL;
        r->topics = pick(w->lists[i][0], topic_pool, 5, 0, 3);
        r->municipality = rnd(3) ? town_pool[rnd(4)] : NULL;
        r->languages = pick(w->lists[i][2], lang_pool, 2 + (int)(rnd(4) == 0), 1, 2);
        r->modes = pick(w->lists[i][3], mode_pool, 5, 1, 3);
        r->declined = rnd(4) || w->ns == 0 ? (struct matching_list) NONE
                                           : pick(w->lists[i][4], uuids, w->ns, 1, 1);
    }
}

struct objective {
    int matched;
    long long total, age;
};

static int objective_cmp(const struct objective *a, const struct objective *b)
{
    if (a->matched != b->matched)
        return a->matched < b->matched ? -1 : 1;
    if (a->total != b->total)
        return a->total < b->total ? -1 : 1;
    return (a->age > b->age) - (a->age < b->age);
}

/* The objective of an assignment: a supporter's n new pairings cost the
 * loads load, load + 1, ..., load + n - 1 whichever request gets which. */
static struct objective objective_of(const struct world *w, const int *choice)
{
    struct objective o = { 0, 0, 0 };
    int taken[MAX_S] = { 0 };
    for (int i = 0; i < w->nr; i++) {
        int k = choice[i];
        if (k < 0)
            continue;
        o.matched++;
        o.total += matching_score(&w->r[i], &w->s[k], w->s[k].load + taken[k]++);
        o.age += w->nr - i;
    }
    return o;
}

static void brute(const struct world *w, int i, int *choice, int *taken, struct objective *best)
{
    if (i == w->nr) {
        struct objective o = objective_of(w, choice);
        if (objective_cmp(&o, best) > 0)
            *best = o;
        return;
    }
    choice[i] = -1;
    brute(w, i + 1, choice, taken, best);
    for (int k = 0; k < w->ns; k++) {
        const struct matching_supporter *s = &w->s[k];
        if (!matching_eligible(&w->r[i], s) || s->load + taken[k] >= s->max_active)
            continue;
        choice[i] = k;
        taken[k]++;
        brute(w, i + 1, choice, taken, best);
        taken[k]--;
    }
    choice[i] = -1;
}

/* The result respects every limit and its numbers add up. */
static void check_feasible(const struct world *w, const struct matching_result *res)
{
    int taken[MAX_S] = { 0 };
    long long total = 0;
    int matched = 0;
    for (int i = 0; i < w->nr; i++) {
        int k = res->supporter[i];
        if (k < 0)
            continue;
        assert_in_range(k, 0, w->ns - 1);
        assert_true(matching_eligible(&w->r[i], &w->s[k]));
        assert_int_equal(res->load[i], w->s[k].load + taken[k]);
        assert_int_equal(res->score[i], matching_score(&w->r[i], &w->s[k], res->load[i]));
        taken[k]++;
        assert_true(w->s[k].load + taken[k] <= w->s[k].max_active);
        total += res->score[i];
        matched++;
    }
    assert_int_equal(res->matched, matched);
    assert_int_equal(res->total, total);
}

static void run_random(int cases, int max_r, int max_s, uint64_t seed)
{
    struct world w;
    rng_state = seed;
    for (int c = 0; c < cases; c++) {
        world_random(&w, max_r, max_s);
        struct objective best = { -1, 0, 0 };
        int choice[MAX_R], taken[MAX_S] = { 0 };
        brute(&w, 0, choice, taken, &best);

        struct matching_result res, again, greedy;
        assert_int_equal(matching_assign(w.r, w.nr, w.s, w.ns, &res), 0);
        check_feasible(&w, &res);
        struct objective got = { res.matched, res.total, res.age_bonus };
        if (objective_cmp(&got, &best) != 0)
            fail_msg("case %d (%d requests, %d supporters): got matched %d total %lld age %lld, "
                     "brute force matched %d total %lld age %lld",
                c, w.nr, w.ns, got.matched, got.total, got.age, best.matched, best.total, best.age);

        /* The same input gives the same proposals. */
        assert_int_equal(matching_assign(w.r, w.nr, w.s, w.ns, &again), 0);
        assert_memory_equal(res.supporter, again.supporter, sizeof(int) * (size_t)(w.nr ? w.nr : 1));

        /* Greedy is feasible and never better. */
        matching_assign_greedy(w.r, w.nr, w.s, w.ns, &greedy);
        check_feasible(&w, &greedy);
        struct objective g = { greedy.matched, greedy.total, greedy.age_bonus };
        assert_true(objective_cmp(&g, &best) <= 0);
        matching_result_free(&res);
        matching_result_free(&again);
        matching_result_free(&greedy);
    }
}

static void test_assign_matches_brute_force(void **state)
{
    run_random(3000, 6, 3, 0x9E3779B97F4A7C15ull);
}

static void test_assign_matches_brute_force_wider(void **state)
{
    run_random(400, 7, 4, 0xD1B54A32D192ED03ull);
}

/* A case where greedy, oldest first, takes the one supporter the next
 * request needs: the assignment gets both and more score. */
static void test_assign_beats_greedy(void **state)
{
    struct matching_request r[2] = { request(uuids[0], uuids[6]), request(uuids[1], uuids[7]) };
    struct matching_supporter s[2] = { supporter(uuids[2], uuids[4]), supporter(uuids[3], uuids[5]) };
    struct matching_list topic = L("lomat");
    struct matching_list sv = L("sv");
    struct matching_list both = L("fi", "sv");
    r[0].topics = topic;
    s[0].topics = topic;
    r[1].languages = sv;
    s[0].languages = both;
    s[0].max_active = s[1].max_active = 1;
    struct matching_result opt, greedy;
    assert_int_equal(matching_assign(r, 2, s, 2, &opt), 0);
    matching_assign_greedy(r, 2, s, 2, &greedy);
    assert_int_equal(greedy.matched, 1);
    assert_int_equal(opt.matched, 2);
    assert_int_equal(opt.supporter[0], 1);
    assert_int_equal(opt.supporter[1], 0);
    matching_result_free(&opt);
    matching_result_free(&greedy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_equal_folds_case),
        cmocka_unit_test(test_eligible_hard_limits),
        cmocka_unit_test(test_score_formula),
        cmocka_unit_test(test_reasons_in_words),
        cmocka_unit_test(test_candidates_ranked),
        cmocka_unit_test(test_assign_prefers_more_matches),
        cmocka_unit_test(test_assign_spreads_load),
        cmocka_unit_test(test_assign_prefers_older_requests),
        cmocka_unit_test(test_assign_empty_and_too_many),
        cmocka_unit_test(test_assign_matches_brute_force),
        cmocka_unit_test(test_assign_matches_brute_force_wider),
        cmocka_unit_test(test_assign_beats_greedy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
