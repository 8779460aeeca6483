/* SPDX-License-Identifier: Apache-2.0 */
/* Shared-memory metrics. Counters are plain uint64 updated with atomic adds;
 * statuses fold into a fixed list so the region has a fixed size. */
#include "metrics.h"

#include "log.h"
#include "util.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <sys/mman.h>

static const int known_statuses[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429,
    500, 503 };
#define NSTATUS (ARRAY_LEN(known_statuses) + 1) /* last: any other status */

static const double bucket_bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    10 };
#define NBUCKET ARRAY_LEN(bucket_bounds)

struct route_metrics {
    uint64_t by_status[NSTATUS];
    uint64_t buckets[NBUCKET]; /* non-cumulative; summed when rendered */
    uint64_t sum_ns;
    uint64_t count;
};

struct pool_gauges {
    int64_t open, in_use, waiting;
};

struct feed_counters {
    uint64_t hits, renders;
    uint64_t page_hits, page_misses;  /* signed-out pages (page-cache.c) */
};

/* Written by the delivery process, read by any worker. */
struct mail_metrics {
    uint64_t sent, retried, failed, skipped;
    int64_t queued;
    double oldest_s;
};

static struct route_metrics *routes; /* nroutes + 1 */
static struct pool_gauges *pools;    /* one per worker slot */
static struct feed_counters *feeds;
static struct mail_metrics *mail;
static size_t nroutes_total;
static const char *const *labels_of_routes;
static int nworker_slots;

void metrics_init(size_t nroutes, const char *const *route_labels, int nworkers)
{
    nroutes_total = nroutes + 1;
    labels_of_routes = route_labels;
    nworker_slots = nworkers;
    size_t bytes = nroutes_total * sizeof(*routes) + (size_t)nworkers * sizeof(*pools) + sizeof(*feeds) +
        sizeof(*mail);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        fatalx("metrics: cannot map shared memory");
    routes = mem;
    pools = (struct pool_gauges *)(routes + nroutes_total);
    feeds = (struct feed_counters *)(pools + nworkers);
    mail = (struct mail_metrics *)(feeds + 1);
}

static size_t status_index(int status)
{
    for (size_t i = 0; i < ARRAY_LEN(known_statuses); i++) {
        if (known_statuses[i] == status)
            return i;
    }
    return NSTATUS - 1;
}

void metrics_observe(int route, int status, uint64_t duration_ns)
{
    if (routes == NULL)
        return;
    struct route_metrics *m = &routes[route < 0 ? nroutes_total - 1 : (size_t)route];
    double seconds = (double)duration_ns / 1e9;
    size_t b = 0;
    while (b < NBUCKET && seconds > bucket_bounds[b])
        b++;
    __atomic_fetch_add(&m->by_status[status_index(status)], 1, __ATOMIC_RELAXED);
    if (b < NBUCKET)
        __atomic_fetch_add(&m->buckets[b], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->sum_ns, duration_ns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->count, 1, __ATOMIC_RELAXED);
}

void metrics_feed_hit(void)
{
    if (feeds != NULL)
        __atomic_fetch_add(&feeds->hits, 1, __ATOMIC_RELAXED);
}

void metrics_page_cache(bool hit)
{
    if (feeds != NULL)
        __atomic_fetch_add(hit ? &feeds->page_hits : &feeds->page_misses, 1, __ATOMIC_RELAXED);
}

void metrics_feed_rendered(void)
{
    if (feeds != NULL)
        __atomic_fetch_add(&feeds->renders, 1, __ATOMIC_RELAXED);
}

void metrics_set_pool(int worker, int open, int in_use, int waiting)
{
    if (pools == NULL || worker < 0 || worker >= nworker_slots)
        return;
    __atomic_store_n(&pools[worker].open, open, __ATOMIC_RELAXED);
    __atomic_store_n(&pools[worker].in_use, in_use, __ATOMIC_RELAXED);
    __atomic_store_n(&pools[worker].waiting, waiting, __ATOMIC_RELAXED);
}

void metrics_mail_count(enum metrics_mail what)
{
    if (mail == NULL)
        return;
    uint64_t *c = what == METRICS_MAIL_SENT ? &mail->sent
        : what == METRICS_MAIL_RETRIED      ? &mail->retried
        : what == METRICS_MAIL_FAILED       ? &mail->failed
                                            : &mail->skipped;
    __atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

void metrics_mail_queue(int64_t queued, double oldest_s)
{
    if (mail == NULL)
        return;
    __atomic_store_n(&mail->queued, queued, __ATOMIC_RELAXED);
    __atomic_store(&mail->oldest_s, &oldest_s, __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void render_counters(struct evbuffer *out, const char *const *labels)
{
    evbuffer_add_printf(out, "# HELP piiri_http_requests_total HTTP requests by route, method and status.\n"
                             "# TYPE piiri_http_requests_total counter\n");
    for (size_t r = 0; r < nroutes_total; r++) {
        for (size_t s = 0; s < NSTATUS; s++) {
            uint64_t n = load(&routes[r].by_status[s]);
            if (n == 0)
                continue;
            char status[8];
            if (s < NSTATUS - 1)
                snprintf(status, sizeof(status), "%d", known_statuses[s]);
            else
                snprintf(status, sizeof(status), "other");
            evbuffer_add_printf(out, "piiri_http_requests_total{%s,status=\"%s\"} %llu\n", labels[r], status,
                (unsigned long long)n);
        }
    }
}

static void render_histogram(struct evbuffer *out, const char *const *labels)
{
    evbuffer_add_printf(out,
        "# HELP piiri_http_request_duration_seconds Time from routing to the reply being queued.\n"
        "# TYPE piiri_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < nroutes_total; r++) {
        uint64_t count = load(&routes[r].count);
        if (count == 0)
            continue;
        uint64_t cumulative = 0;
        for (size_t b = 0; b < NBUCKET; b++) {
            cumulative += load(&routes[r].buckets[b]);
            evbuffer_add_printf(out, "piiri_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n",
                labels[r], bucket_bounds[b], (unsigned long long)cumulative);
        }
        evbuffer_add_printf(out, "piiri_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", labels[r],
            (unsigned long long)count);
        evbuffer_add_printf(out, "piiri_http_request_duration_seconds_sum{%s} %.6f\n", labels[r],
            (double)load(&routes[r].sum_ns) / 1e9);
        evbuffer_add_printf(out, "piiri_http_request_duration_seconds_count{%s} %llu\n", labels[r],
            (unsigned long long)count);
    }
}

static void render_pool(struct evbuffer *out)
{
    int64_t open = 0, in_use = 0, waiting = 0;
    for (int w = 0; w < nworker_slots; w++) {
        open += __atomic_load_n(&pools[w].open, __ATOMIC_RELAXED);
        in_use += __atomic_load_n(&pools[w].in_use, __ATOMIC_RELAXED);
        waiting += __atomic_load_n(&pools[w].waiting, __ATOMIC_RELAXED);
    }
    evbuffer_add_printf(out,
        "# HELP piiri_db_connections_open Database connections open, all workers.\n"
        "# TYPE piiri_db_connections_open gauge\npiiri_db_connections_open %lld\n"
        "# HELP piiri_db_connections_in_use Database connections running a query.\n"
        "# TYPE piiri_db_connections_in_use gauge\npiiri_db_connections_in_use %lld\n"
        "# HELP piiri_db_waiting Requests waiting for a database connection.\n"
        "# TYPE piiri_db_waiting gauge\npiiri_db_waiting %lld\n",
        (long long)open, (long long)in_use, (long long)waiting);
}

static void render_feeds(struct evbuffer *out)
{
    evbuffer_add_printf(out,
        "# HELP piiri_feed_cache_hits_total Calendar feeds answered from a worker's cache.\n"
        "# TYPE piiri_feed_cache_hits_total counter\npiiri_feed_cache_hits_total %llu\n"
        "# HELP piiri_feed_renders_total Calendar feeds read from the database and rendered.\n"
        "# TYPE piiri_feed_renders_total counter\npiiri_feed_renders_total %llu\n",
        (unsigned long long)load(&feeds->hits), (unsigned long long)load(&feeds->renders));
    evbuffer_add_printf(out,
        "# HELP piiri_page_cache_hits_total Signed-out pages answered from a worker's cache.\n"
        "# TYPE piiri_page_cache_hits_total counter\npiiri_page_cache_hits_total %llu\n"
        "# HELP piiri_page_cache_misses_total Signed-out pages that could be cached, rendered.\n"
        "# TYPE piiri_page_cache_misses_total counter\npiiri_page_cache_misses_total %llu\n",
        (unsigned long long)load(&feeds->page_hits), (unsigned long long)load(&feeds->page_misses));
}

static void render_mail(struct evbuffer *out)
{
    double oldest;
    __atomic_load(&mail->oldest_s, &oldest, __ATOMIC_RELAXED);
    evbuffer_add_printf(out,
        "# HELP piiri_mail_sent_total Messages the mail server accepted (or written to the Maildir).\n"
        "# TYPE piiri_mail_sent_total counter\npiiri_mail_sent_total %llu\n"
        "# HELP piiri_mail_retried_total Tries refused for now (4xx, or no answer), to be tried again.\n"
        "# TYPE piiri_mail_retried_total counter\npiiri_mail_retried_total %llu\n"
        "# HELP piiri_mail_failed_total Messages refused for good (5xx) or out of tries.\n"
        "# TYPE piiri_mail_failed_total counter\npiiri_mail_failed_total %llu\n"
        "# HELP piiri_mail_skipped_total Messages no longer true when their turn came, not sent.\n"
        "# TYPE piiri_mail_skipped_total counter\npiiri_mail_skipped_total %llu\n"
        "# HELP piiri_mail_queue_depth Outbox rows waiting to be sent.\n"
        "# TYPE piiri_mail_queue_depth gauge\npiiri_mail_queue_depth %lld\n"
        "# HELP piiri_mail_oldest_unsent_seconds Age of the oldest outbox row waiting to be sent.\n"
        "# TYPE piiri_mail_oldest_unsent_seconds gauge\npiiri_mail_oldest_unsent_seconds %.3f\n",
        (unsigned long long)load(&mail->sent), (unsigned long long)load(&mail->retried),
        (unsigned long long)load(&mail->failed), (unsigned long long)load(&mail->skipped),
        (long long)__atomic_load_n(&mail->queued, __ATOMIC_RELAXED), oldest);
}

void metrics_render(struct evbuffer *out)
{
    if (routes == NULL)
        return;
    render_counters(out, labels_of_routes);
    render_histogram(out, labels_of_routes);
    render_pool(out);
    render_feeds(out);
    render_mail(out);
}
