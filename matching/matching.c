/* SPDX-License-Identifier: Apache-2.0 */
/* Scoring, candidates and the batch assignment of one-to-one matching (the
 * rules and the algorithm are described in matching.h). */
#include "matching.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long long cost_t;
#define COST_INF (LLONG_MAX / 4)

/* ---- memory ---- */
/* The library has its own three helpers rather than piirid's util.c and
 * strbuf.c, so that it stands alone (bench/ links it with nothing else).
 * Out of memory aborts, as it does in piirid. */

static void *alloc_zeroed(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        abort();
    return p;
}

/* n elements of size bytes, not cleared; a size that overflows aborts. */
static void *alloc_array(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        abort();
    void *p = malloc(n && size ? n * size : 1);
    if (p == NULL)
        abort();
    return p;
}

/* A new string, printf-style. */
static char *text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    return s;
}

/* ---- comparing words ---- */

/* Latin-1 capitals (U+00C0..U+00DE but not U+00D7) are 0xC3 0x80..0x9E. */
static unsigned fold_latin1(unsigned second)
{
    return second >= 0x80 && second <= 0x9E && second != 0x97 ? second + 0x20 : second;
}

bool matching_text_equal(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (;;) {
        unsigned c = *p, d = *q;
        if (c == 0 || d == 0)
            return c == d;
        if (c == 0xC3 && d == 0xC3 && p[1] != 0 && q[1] != 0) {
            if (fold_latin1(p[1]) != fold_latin1(q[1]))
                return false;
            p += 2;
            q += 2;
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (d >= 'A' && d <= 'Z')
            d += 'a' - 'A';
        if (c != d)
            return false;
        p++;
        q++;
    }
}

static bool same(const char *a, const char *b, bool fold)
{
    return fold ? matching_text_equal(a, b) : strcmp(a, b) == 0;
}

static bool list_has(const struct matching_list *l, const char *s, bool fold)
{
    for (int i = 0; i < l->n; i++) {
        if (same(l->items[i], s, fold))
            return true;
    }
    return false;
}

/* Is a->items[i] a repeat of an earlier item of a? */
static bool repeated(const struct matching_list *a, int i, bool fold)
{
    for (int j = 0; j < i; j++) {
        if (same(a->items[j], a->items[i], fold))
            return true;
    }
    return false;
}

/* Items of a (the request's, each once) that b also has. */
static int shared_count(const struct matching_list *a, const struct matching_list *b, bool fold)
{
    int n = 0;
    for (int i = 0; i < a->n; i++) {
        if (!repeated(a, i, fold) && list_has(b, a->items[i], fold))
            n++;
    }
    return n;
}

/* ---- rules ---- */

static bool eligible_at(const struct matching_request *r, const struct matching_supporter *s, int load)
{
    if (!s->active || load >= s->max_active)
        return false;
    if (r->person_id != NULL && s->person_id != NULL && strcmp(r->person_id, s->person_id) == 0)
        return false;
    if (s->id != NULL && list_has(&r->declined, s->id, false))
        return false;
    return shared_count(&r->languages, &s->languages, false) > 0;
}

bool matching_eligible(const struct matching_request *r, const struct matching_supporter *s)
{
    return eligible_at(r, s, s->load);
}

/* The score without the load. */
static int base_score(const struct matching_request *r, const struct matching_supporter *s)
{
    int score = MATCHING_W_TOPIC * shared_count(&r->topics, &s->topics, true) +
        MATCHING_W_MODE * shared_count(&r->modes, &s->modes, false);
    if (r->municipality != NULL && list_has(&s->municipalities, r->municipality, true))
        score += MATCHING_W_MUNICIPALITY;
    return score;
}

int matching_score(const struct matching_request *r, const struct matching_supporter *s, int load)
{
    return base_score(r, s) - MATCHING_W_LOAD * load;
}

/* "prefix: x, y" of the items of a that b has too (a's spelling); NULL if none. */
static char *shared_text(const char *prefix, const struct matching_list *a, const struct matching_list *b,
    bool fold)
{
    char *text = NULL;
    for (int i = 0; i < a->n; i++) {
        if (repeated(a, i, fold) || !list_has(b, a->items[i], fold))
            continue;
        char *longer = text_printf("%s%s%s", text ? text : prefix, text ? ", " : "", a->items[i]);
        free(text);
        text = longer;
    }
    return text;
}

void matching_reasons(const struct matching_request *r, const struct matching_supporter *s, int load,
    struct matching_reasons *out)
{
    char *text;
    out->n = 0;
    if ((text = shared_text("shared topics: ", &r->topics, &s->topics, true)) != NULL)
        out->text[out->n++] = text;
    if (r->municipality != NULL && list_has(&s->municipalities, r->municipality, true))
        out->text[out->n++] = text_printf("same municipality: %s", r->municipality);
    if ((text = shared_text("shared contact modes: ", &r->modes, &s->modes, false)) != NULL)
        out->text[out->n++] = text;
    if ((text = shared_text("speaks ", &r->languages, &s->languages, false)) != NULL)
        out->text[out->n++] = text;
    out->text[out->n++] = text_printf("%d of %d places taken", load, s->max_active);
}

void matching_reasons_free(struct matching_reasons *reasons)
{
    for (int i = 0; i < reasons->n; i++)
        free(reasons->text[i]);
    reasons->n = 0;
}

/* ---- candidates ---- */

struct ranked {
    int supporter;
    int score;
    const char *id;
};

static int ranked_cmp(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(x->id ? x->id : "", y->id ? y->id : "");
    return c != 0 ? c : (x->supporter > y->supporter) - (x->supporter < y->supporter);
}

int matching_candidates(const struct matching_request *r, const struct matching_supporter *s, int ns,
    struct matching_candidate **out)
{
    struct ranked *rk = alloc_zeroed((size_t)ns + 1, sizeof(*rk));
    int n = 0;
    for (int i = 0; i < ns; i++) {
        if (matching_eligible(r, &s[i]))
            rk[n++] = (struct ranked) { i, matching_score(r, &s[i], s[i].load), s[i].id };
    }
    qsort(rk, (size_t)n, sizeof(*rk), ranked_cmp);
    *out = NULL;
    if (n > 0) {
        *out = alloc_zeroed((size_t)n, sizeof(**out));
        for (int i = 0; i < n; i++)
            (*out)[i] = (struct matching_candidate) { rk[i].supporter, rk[i].score };
    }
    free(rk);
    return n;
}

/* ---- results ---- */

static void result_init(struct matching_result *res, int nr)
{
    res->supporter = alloc_zeroed((size_t)nr + 1, sizeof(int));
    res->score = alloc_zeroed((size_t)nr + 1, sizeof(int));
    res->load = alloc_zeroed((size_t)nr + 1, sizeof(int));
    res->matched = 0;
    res->total = 0;
    res->age_bonus = 0;
}

/* Scores from an assignment: a supporter's requests, oldest first, are
 * scored at load, load + 1, ... */
static void result_score(const struct matching_request *r, int nr, const struct matching_supporter *s, int ns,
    struct matching_result *res)
{
    int *next_load = alloc_zeroed((size_t)ns + 1, sizeof(int));
    for (int i = 0; i < ns; i++)
        next_load[i] = s[i].load;
    for (int i = 0; i < nr; i++) {
        int k = res->supporter[i];
        if (k < 0) {
            res->score[i] = 0;
            res->load[i] = 0;
            continue;
        }
        res->load[i] = next_load[k]++;
        res->score[i] = matching_score(&r[i], &s[k], res->load[i]);
        res->matched++;
        res->total += res->score[i];
        res->age_bonus += nr - i;
    }
    free(next_load);
}

void matching_result_free(struct matching_result *res)
{
    free(res->supporter);
    free(res->score);
    free(res->load);
    res->supporter = res->score = res->load = NULL;
}

void matching_assign_greedy(const struct matching_request *r, int nr, const struct matching_supporter *s,
    int ns, struct matching_result *out)
{
    int *load = alloc_zeroed((size_t)ns + 1, sizeof(int));
    result_init(out, nr);
    for (int i = 0; i < ns; i++)
        load[i] = s[i].load;
    for (int i = 0; i < nr; i++) {
        int best = -1, best_score = 0;
        for (int k = 0; k < ns; k++) {
            if (!eligible_at(&r[i], &s[k], load[k]))
                continue;
            int sc = matching_score(&r[i], &s[k], load[k]);
            if (best < 0 || sc > best_score || (sc == best_score && strcmp(s[k].id, s[best].id) < 0)) {
                best = k;
                best_score = sc;
            }
        }
        out->supporter[i] = best;
        if (best >= 0)
            load[best]++;
    }
    free(load);
    result_score(r, nr, s, ns, out);
}

/* ---- words as numbers: a batch scores every pair, so compare integers ---- */

/* Every distinct word of a batch gets a small number; folded words (topics,
 * municipalities) and exact ones (languages, modes, ids) apart. */
struct words {
    char **keys;
    int n;
    int *slots;          /* open addressing: index + 1, 0 when empty */
    unsigned mask;
};

/* A party's words, sorted and without repeats. */
struct word_set {
    int *ids;
    int n;
};

static void words_init(struct words *w, size_t expected)
{
    unsigned size = 64;
    while (size < expected * 2 + 2)
        size *= 2;
    w->keys = alloc_zeroed(expected + 1, sizeof(char *));
    w->n = 0;
    w->slots = alloc_zeroed(size, sizeof(int));
    w->mask = size - 1;
}

static void words_free(struct words *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->keys[i]);
    free(w->keys);
    free(w->slots);
}

/* "f" + the folded word, or "x" + the word as it is. */
static char *word_key(const char *s, bool fold)
{
    size_t len = strlen(s);
    char *key = alloc_array(len + 2, 1);
    size_t o = 0;
    key[o++] = fold ? 'f' : 'x';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold && c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        key[o++] = (char)c;
        if (fold && c == 0xC3 && i + 1 < len)
            key[o++] = (char)fold_latin1((unsigned char)s[++i]);
    }
    key[o] = '\0';
    return key;
}

static int word_id(struct words *w, const char *s, bool fold)
{
    char *key = word_key(s, fold);
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    for (unsigned i = h & w->mask;; i = (i + 1) & w->mask) {
        int slot = w->slots[i];
        if (slot == 0) {
            w->keys[w->n] = key;
            w->slots[i] = ++w->n;
            return w->n - 1;
        }
        if (strcmp(w->keys[slot - 1], key) == 0) {
            free(key);
            return slot - 1;
        }
    }
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static struct word_set word_set_of(struct words *w, const struct matching_list *l, bool fold)
{
    struct word_set set = { alloc_zeroed((size_t)l->n + 1, sizeof(int)), 0 };
    for (int i = 0; i < l->n; i++)
        set.ids[set.n++] = word_id(w, l->items[i], fold);
    qsort(set.ids, (size_t)set.n, sizeof(int), int_cmp);
    int n = 0;
    for (int i = 0; i < set.n; i++) {
        if (n == 0 || set.ids[n - 1] != set.ids[i])
            set.ids[n++] = set.ids[i];
    }
    set.n = n;
    return set;
}

static int set_shared(const struct word_set *a, const struct word_set *b)
{
    int i = 0, j = 0, n = 0;
    while (i < a->n && j < b->n) {
        if (a->ids[i] == b->ids[j])
            n++, i++, j++;
        else if (a->ids[i] < b->ids[j])
            i++;
        else
            j++;
    }
    return n;
}

static bool set_has(const struct word_set *a, int id)
{
    for (int i = 0; i < a->n; i++) {
        if (a->ids[i] == id)
            return true;
    }
    return false;
}

/* One party in numbers: topics, municipalities, languages, modes, declined. */
struct party {
    struct word_set set[5];
    int person;          /* id of person_id, -1 when none */
    int self;            /* id of the supporter's own id, -1 for requests */
};

enum { P_TOPICS, P_TOWNS, P_LANGUAGES, P_MODES, P_DECLINED };

static void party_free(struct party *p)
{
    for (int i = 0; i < 5; i++)
        free(p->set[i].ids);
}

/* The base score of every pair, -1 where a hard limit says no: the same
 * rules as eligible_at and base_score, on numbers. */
static void base_scores(const struct matching_request *r, int nr, const struct matching_supporter *s, int ns,
    int *base)
{
    struct words w;
    size_t expected = 16;
    for (int i = 0; i < nr; i++)
        expected += (size_t)(r[i].topics.n + r[i].languages.n + r[i].modes.n + r[i].declined.n + 2);
    for (int k = 0; k < ns; k++)
        expected += (size_t)(s[k].topics.n + s[k].municipalities.n + s[k].languages.n + s[k].modes.n + 2);
    words_init(&w, expected);
    struct party *rp = alloc_zeroed((size_t)nr + 1, sizeof(*rp)), *sp = alloc_zeroed((size_t)ns + 1, sizeof(*sp));
    for (int i = 0; i < nr; i++) {
        struct matching_list town = { &r[i].municipality, r[i].municipality != NULL };
        rp[i].set[P_TOPICS] = word_set_of(&w, &r[i].topics, true);
        rp[i].set[P_TOWNS] = word_set_of(&w, &town, true);
        rp[i].set[P_LANGUAGES] = word_set_of(&w, &r[i].languages, false);
        rp[i].set[P_MODES] = word_set_of(&w, &r[i].modes, false);
        rp[i].set[P_DECLINED] = word_set_of(&w, &r[i].declined, false);
        rp[i].person = r[i].person_id ? word_id(&w, r[i].person_id, false) : -1;
    }
    for (int k = 0; k < ns; k++) {
        sp[k].set[P_TOPICS] = word_set_of(&w, &s[k].topics, true);
        sp[k].set[P_TOWNS] = word_set_of(&w, &s[k].municipalities, true);
        sp[k].set[P_LANGUAGES] = word_set_of(&w, &s[k].languages, false);
        sp[k].set[P_MODES] = word_set_of(&w, &s[k].modes, false);
        sp[k].person = s[k].person_id ? word_id(&w, s[k].person_id, false) : -1;
        sp[k].self = s[k].id ? word_id(&w, s[k].id, false) : -1;
    }
    for (int i = 0; i < nr; i++) {
        for (int k = 0; k < ns; k++) {
            const struct party *a = &rp[i], *b = &sp[k];
            int *out = &base[(size_t)i * ns + k];
            *out = -1;
            if (!s[k].active || s[k].load >= s[k].max_active || (a->person >= 0 && a->person == b->person) ||
                (b->self >= 0 && set_has(&a->set[P_DECLINED], b->self)) ||
                set_shared(&a->set[P_LANGUAGES], &b->set[P_LANGUAGES]) == 0)
                continue;
            *out = MATCHING_W_TOPIC * set_shared(&a->set[P_TOPICS], &b->set[P_TOPICS]) +
                MATCHING_W_MODE * set_shared(&a->set[P_MODES], &b->set[P_MODES]) +
                MATCHING_W_MUNICIPALITY * set_shared(&a->set[P_TOWNS], &b->set[P_TOWNS]);
        }
    }
    for (int i = 0; i < nr; i++)
        party_free(&rp[i]);
    for (int k = 0; k < ns; k++)
        party_free(&sp[k]);
    free(rp);
    free(sp);
    words_free(&w);
}

/* ---- the optimal assignment: min-cost max-flow on the supporters ---- */

struct flow {
    int nr, ns;
    int *base;          /* nr x ns: score without load, -1 when not eligible */
    cost_t k, top;      /* a request edge costs top - (base * k + nr - r) >= 0 */
    int *room;          /* per supporter: free places at the start */
    int *taken;         /* per supporter: requests given to it so far */
    int *owner;         /* per request: its supporter, or -1 */
    int *order;         /* ns x nr: a supporter's eligible requests, cheapest first */
    int *norder, *next; /* per supporter: how many, and the first maybe still free */
    cost_t *move;       /* ns x ns: cheapest pass of one of u's requests to v */
    int *move_req;      /* ns x ns: that request */
    cost_t *pi;         /* potentials: supporters, then the sink at ns */
    cost_t *dist;
    int *pred, *pred_req; /* path: previous supporter (-1: the source), request used */
    bool *done, *touched;
};

static cost_t edge_cost(const struct flow *f, int r, int s)
{
    return f->top - ((cost_t)f->base[(size_t)r * f->ns + s] * f->k + (f->nr - r));
}

static cost_t slot_cost(const struct flow *f, const struct matching_supporter *s, int k)
{
    return (cost_t)MATCHING_W_LOAD * f->k * (s[k].load + f->taken[k]);
}

struct keyed {
    cost_t cost;
    int r;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return (x->r > y->r) - (x->r < y->r);
}

static void flow_init(struct flow *f, const struct matching_request *r, int nr, const struct matching_supporter *s,
    int ns)
{
    size_t nrs = (size_t)nr * (size_t)ns + 1, nss = (size_t)ns * (size_t)ns + 1;
    int maxbase = 0;
    f->nr = nr;
    f->ns = ns;
    f->base = alloc_array(nrs, sizeof(int));
    f->room = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->taken = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->owner = alloc_array((size_t)nr + 1, sizeof(int));
    f->order = alloc_array(nrs, sizeof(int));
    f->norder = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->next = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->move = alloc_array(nss, sizeof(cost_t));
    f->move_req = alloc_array(nss, sizeof(int));
    f->pi = alloc_zeroed((size_t)ns + 1, sizeof(cost_t));
    f->dist = alloc_zeroed((size_t)ns + 1, sizeof(cost_t));
    f->pred = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->pred_req = alloc_zeroed((size_t)ns + 1, sizeof(int));
    f->done = alloc_zeroed((size_t)ns + 1, sizeof(bool));
    f->touched = alloc_zeroed((size_t)ns + 1, sizeof(bool));
    base_scores(r, nr, s, ns, f->base);
    for (size_t i = 0; i + 1 < nrs; i++) {
        if (f->base[i] > maxbase)
            maxbase = f->base[i];
    }
    for (int i = 0; i < nr; i++)
        f->owner[i] = -1;
    /* K exceeds the sum of every age bonus, so a point of score outweighs them all. */
    f->k = (cost_t)nr * (nr + 1) / 2 + 1;
    f->top = (cost_t)maxbase * f->k + nr;
    for (size_t i = 0; i < nss; i++) {
        f->move[i] = COST_INF;
        f->move_req[i] = -1;
    }
    struct keyed *tmp = alloc_zeroed((size_t)nr + 1, sizeof(*tmp));
    for (int k = 0; k < ns; k++) {
        f->room[k] = s[k].active && s[k].max_active > s[k].load ? s[k].max_active - s[k].load : 0;
        int n = 0;
        for (int i = 0; i < nr; i++) {
            if (f->base[(size_t)i * ns + k] >= 0)
                tmp[n++] = (struct keyed) { edge_cost(f, i, k), i };
        }
        qsort(tmp, (size_t)n, sizeof(*tmp), keyed_cmp);
        for (int i = 0; i < n; i++)
            f->order[(size_t)k * nr + i] = tmp[i].r;
        f->norder[k] = n;
    }
    free(tmp);
}

static void flow_free(struct flow *f)
{
    free(f->base);
    free(f->room);
    free(f->taken);
    free(f->owner);
    free(f->order);
    free(f->norder);
    free(f->next);
    free(f->move);
    free(f->move_req);
    free(f->pi);
    free(f->dist);
    free(f->pred);
    free(f->pred_req);
    free(f->done);
    free(f->touched);
}

/* The cheapest request not yet given to anyone that supporter k may take. */
static int first_free(struct flow *f, int k)
{
    while (f->next[k] < f->norder[k] && f->owner[f->order[(size_t)k * f->nr + f->next[k]]] >= 0)
        f->next[k]++;
    return f->next[k] < f->norder[k] ? f->order[(size_t)k * f->nr + f->next[k]] : -1;
}

/* Supporter u's row of moves: pass one of its requests r to v instead. */
static void rebuild_moves(struct flow *f, int u)
{
    int ns = f->ns;
    cost_t *row = &f->move[(size_t)u * ns];
    int *req = &f->move_req[(size_t)u * ns];
    for (int v = 0; v < ns; v++) {
        row[v] = COST_INF;
        req[v] = -1;
    }
    for (int r = 0; r < f->nr; r++) {
        if (f->owner[r] != u)
            continue;
        cost_t here = edge_cost(f, r, u);
        for (int v = 0; v < ns; v++) {
            if (v == u || f->base[(size_t)r * ns + v] < 0)
                continue;
            cost_t c = edge_cost(f, r, v) - here;
            if (c < row[v]) {
                row[v] = c;
                req[v] = r;
            }
        }
    }
}

static void relax(struct flow *f, int v, cost_t d, int from, int r)
{
    if (d < f->dist[v]) {
        f->dist[v] = d;
        f->pred[v] = from;
        f->pred_req[v] = r;
    }
}

/* Dijkstra on reduced costs over the supporters and the sink (dense: the
 * supporters are few). Updates the potentials; false when no path is left. */
static bool shortest_path(struct flow *f, const struct matching_supporter *s)
{
    int ns = f->ns, sink = ns;
    for (int v = 0; v <= ns; v++) {
        f->dist[v] = COST_INF;
        f->done[v] = false;
        f->pred[v] = -2;
        f->pred_req[v] = -1;
    }
    for (int v = 0; v < ns; v++) {
        int r = first_free(f, v);
        if (r >= 0) {
            assert(edge_cost(f, r, v) - f->pi[v] >= 0);
            relax(f, v, edge_cost(f, r, v) - f->pi[v], -1, r);
        }
    }
    for (;;) {
        int u = -1;
        for (int v = 0; v <= ns; v++) {
            if (!f->done[v] && f->dist[v] < COST_INF && (u < 0 || f->dist[v] < f->dist[u]))
                u = v;
        }
        if (u < 0)
            break;
        f->done[u] = true;
        if (u == sink)
            break;
        if (f->taken[u] < f->room[u]) {
            cost_t w = slot_cost(f, s, u) + f->pi[u] - f->pi[sink];
            assert(w >= 0);
            relax(f, sink, f->dist[u] + w, u, -1);
        }
        if (f->taken[u] == 0)
            continue;
        const cost_t *row = &f->move[(size_t)u * ns];
        for (int v = 0; v < ns; v++) {
            if (f->done[v] || row[v] >= COST_INF)
                continue;
            cost_t w = row[v] + f->pi[u] - f->pi[v];
            assert(w >= 0);
            relax(f, v, f->dist[u] + w, u, f->move_req[(size_t)u * ns + v]);
        }
    }
    if (f->dist[sink] >= COST_INF)
        return false;
    for (int v = 0; v <= ns; v++)
        f->pi[v] += f->done[v] ? f->dist[v] : f->dist[sink];
    return true;
}

/* Walk the path back from the sink: the last supporter takes a place, each
 * request on the way moves to the next supporter. */
static void augment(struct flow *f)
{
    int v = f->pred[f->ns];
    f->taken[v]++;
    for (;;) {
        int r = f->pred_req[v], u = f->pred[v];
        f->touched[v] = true;
        f->owner[r] = v;
        if (u < 0)
            break;
        v = u;
    }
    for (int k = 0; k < f->ns; k++) {
        if (f->touched[k])
            rebuild_moves(f, k);
        f->touched[k] = false;
    }
}

int matching_assign(const struct matching_request *r, int nr, const struct matching_supporter *s, int ns,
    struct matching_result *out)
{
    struct flow f;
    if (nr < 0 || ns < 0 || nr > MATCHING_MAX_REQUESTS)
        return -1;
    flow_init(&f, r, nr, s, ns);
    while (shortest_path(&f, s))
        augment(&f);
    result_init(out, nr);
    for (int i = 0; i < nr; i++)
        out->supporter[i] = f.owner[i];
    flow_free(&f);
    result_score(r, nr, s, ns, out);
    return 0;
}
