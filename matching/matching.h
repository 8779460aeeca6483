/* SPDX-License-Identifier: Apache-2.0 */
/* One-to-one matching: who may be offered to whom (hard limits), how well a
 * supporter fits a request (a score, and the reasons in words), and the batch
 * assignment that maximises the total score under every supporter's room.
 * Pure: no libevent, no libpq, no Jansson.
 *
 * Hard limits. A supporter is offered for a request only if
 *   - they share at least one language;
 *   - the supporter is active and has room: load < max_active, where the
 *     load counts the supporter's proposed and active pairings;
 *   - the supporter is not the person who asked;
 *   - the supporter has not declined this request before.
 *
 * Score, an integer (higher is better), for a supporter who has `load`
 * pairings at that moment:
 *   + 30 for each of the request's topics the supporter also covers
 *   + 25 when the request's municipality is one of the supporter's
 *   + 10 for each of the request's contact modes the supporter also offers
 *   -  5 for each pairing the supporter already has (the load)
 * Topics and municipalities compare without regard to letter case (ASCII and
 * Latin-1 letters: "Työnantajuus" is "työnantajuus"). Candidates are ranked
 * by score, then by supporter id.
 *
 * Batch assignment (matching_assign). Requests come oldest first. Among all
 * assignments that respect the hard limits and every supporter's room:
 *   1. as many requests as possible get a supporter;
 *   2. of those, the total score is the highest, where a supporter's k-th
 *      new pairing in the batch (k = 0, 1, ...) counts the load they will
 *      have by then (load + k), so each new pairing costs more than the one
 *      before and the work spreads;
 *   3. of those, older requests are preferred.
 * Solved exactly as a min-cost max-flow: source -> request (capacity 1) ->
 * supporter -> sink, where supporter -> sink is one unit edge per free place
 * with the growing load penalty as its cost. Successive shortest paths with
 * Dijkstra on reduced costs (Johnson potentials), run on a graph of the
 * supporters only: a path alternates supporter, moved request, supporter,
 * so the requests are folded into supporter-to-supporter edges. Ties go to
 * the lower index, so the same input always gives the same proposals.
 * Rules 1-3 become one cost: each request edge is worth score * K + age
 * bonus (n - index), with K larger than the sum of all bonuses. */
#ifndef PIIRI_MATCHING_H
#define PIIRI_MATCHING_H

#include <stdbool.h>

#define MATCHING_W_TOPIC        30
#define MATCHING_W_MUNICIPALITY 25
#define MATCHING_W_MODE         10
#define MATCHING_W_LOAD         5

/* The most requests matching_assign takes at once. */
#define MATCHING_MAX_REQUESTS 10000
#define MATCHING_MAX_REASONS  5

/* A list of strings, borrowed. */
struct matching_list {
    const char *const *items;
    int n;
};

struct matching_request {
    const char *id;
    const char *person_id;          /* who asked; NULL once purged */
    struct matching_list topics;
    const char *municipality;       /* NULL: not given */
    struct matching_list languages;
    struct matching_list modes;     /* contact modes */
    struct matching_list declined;  /* ids of supporters who declined it */
};

struct matching_supporter {
    const char *id;
    const char *person_id;
    struct matching_list topics;
    struct matching_list municipalities;
    struct matching_list languages;
    struct matching_list modes;
    bool active;                    /* status "active" */
    int load;                       /* proposed and active pairings */
    int max_active;
};

/* The hard limits, at the supporter's current load. */
bool matching_eligible(const struct matching_request *r, const struct matching_supporter *s);
/* The score of s for r when s has `load` pairings. */
int matching_score(const struct matching_request *r, const struct matching_supporter *s, int load);

/* Why, in words: "shared topics: työnantajuus, rekrytointi", "same
 * municipality: Helsinki", "shared contact modes: phone", "speaks fi",
 * "1 of 3 places taken". text[i] are new strings. */
struct matching_reasons {
    int n;
    char *text[MATCHING_MAX_REASONS];
};
void matching_reasons(const struct matching_request *r, const struct matching_supporter *s, int load,
    struct matching_reasons *out);
void matching_reasons_free(struct matching_reasons *reasons);

struct matching_candidate {
    int supporter;  /* index into the supporters */
    int score;
};

/* The eligible supporters for r, best first; returns how many, *out new
 * (free() it; NULL when there are none). */
int matching_candidates(const struct matching_request *r, const struct matching_supporter *s, int ns,
    struct matching_candidate **out);

struct matching_result {
    int *supporter;       /* per request: index into the supporters, or -1 */
    int *score;           /* per request: its score as assigned (0 when unmatched) */
    int *load;            /* per request: the supporter's load it was scored at */
    int matched;
    long long total;      /* sum of the scores */
    long long age_bonus;  /* sum over matched requests of (n - index) */
};

/* The optimal batch assignment (see above). -1 if there are more than
 * MATCHING_MAX_REQUESTS requests. *out is new: matching_result_free. */
int matching_assign(const struct matching_request *r, int nr, const struct matching_supporter *s, int ns,
    struct matching_result *out) __attribute__((warn_unused_result));
/* The baseline a coordinator gets by hand: oldest request first, each takes
 * its best candidate at that moment. For comparison (bench, tests). */
void matching_assign_greedy(const struct matching_request *r, int nr, const struct matching_supporter *s,
    int ns, struct matching_result *out);
void matching_result_free(struct matching_result *res);

/* Equal without regard to letter case (ASCII and Latin-1 letters). */
bool matching_text_equal(const char *a, const char *b);

#endif
