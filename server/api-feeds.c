/* SPDX-License-Identifier: Apache-2.0 */
/* Calendar feeds: a group, an org's public groups, a person's sessions.
 * The database gives the rows, feed-events.c makes them events, calendars/
 * renders them, the worker caches the bytes (dropped on NOTIFY) and serves
 * them by reference with a strong ETag, 304s, and gzip only for clients
 * that ask for it. */
#include "api.h"
#include "feed-cache.h"
#include "feed-events.h"
#include "ics.h"
#include "metrics.h"
#include "util.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REFRESH_MINUTES 60

enum feed_kind { FEED_GROUP, FEED_ORG, FEED_PERSON };

/* ---- HTTP ---- */

struct feed_request {
    struct req_ctx *ctx;
    struct feed_request *next; /* the next request waiting for the same render */
};

/* One database read and render of a feed, and the requests waiting for it.
 * While one is in flight, every request that misses the cache for the same
 * feed joins it instead of sending its own query: after a change, each
 * client of a large feed would otherwise read and render it again. */
struct feed_render {
    enum feed_kind kind;
    char key[96];
    uint64_t generation;           /* the cache's when its query was sent: a later one means a
                                      change may have come after the rows' snapshot */
    struct feed_request *waiters;  /* in arrival order */
    struct feed_request **tail;
    struct feed_render *next;      /* renders in flight in this worker */
};

static struct feed_render *renders;

/* Accept-Encoding, read as RFC 9110 says: gzip is wanted when it is listed
 * (or "*" is) with a q-value above zero. Read in place: it is on every
 * cached reply's path. */
static bool wants_gzip(struct req_ctx *ctx)
{
    const char *p = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Encoding");
    double gzip_q = -1, star_q = -1;
    if (p == NULL)
        return false;
    while (*p != '\0') {
        size_t item_len = strcspn(p, ",");
        const char *end = p + item_len, *params = memchr(p, ';', item_len);
        double q = 1;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *name_end = params ? params : end;
        size_t n = 0;
        while (p + n < name_end && p[n] != ' ' && p[n] != '\t')
            n++;
        for (const char *x = params; x != NULL && x + 2 <= end; x++) {
            if ((x[0] == 'q' || x[0] == 'Q') && x[1] == '=') {
                q = strtod(x + 2, NULL);
                break;
            }
        }
        if (n == 4 && strncasecmp(p, "gzip", 4) == 0)
            gzip_q = q;
        else if (n == 1 && p[0] == '*')
            star_q = q;
        p = *end == ',' ? end + 1 : end;
    }
    return gzip_q > 0 || (gzip_q < 0 && star_q > 0);
}

/* Does If-None-Match name this ETag (or "*")? */
static bool not_modified(struct req_ctx *ctx, const char *etag)
{
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-None-Match");
    return inm != NULL && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0);
}

/* The gzip body is other bytes, so it gets its own strong ETag. */
static void reply_feed(struct req_ctx *ctx, enum feed_kind kind, struct feed_entry *e)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->req);
    bool gz = e->gzip != NULL && wants_gzip(ctx);
    const char *etag = gz ? e->etag_gzip : e->etag;
    evhttp_add_header(h, "ETag", etag);
    evhttp_add_header(h, "Last-Modified", e->last_modified);
    evhttp_add_header(h, "Cache-Control", kind == FEED_PERSON ? "private, max-age=300" : "public, max-age=300");
    evhttp_add_header(h, "Vary", "Accept-Encoding");
    if (not_modified(ctx, etag)) {
        http_reply_empty(ctx, 304);
        return;
    }
    struct evbuffer *out = evbuffer_new();
    if (gz)
        evhttp_add_header(h, "Content-Encoding", "gzip");
    feed_body_add_to(gz ? e->gzip : e->plain, out);
    http_reply_text(ctx, 200, "text/calendar; charset=utf-8", out);
    evbuffer_free(out);
}

static void render_unlink(struct feed_render *fr)
{
    for (struct feed_render **p = &renders; *p != NULL; p = &(*p)->next) {
        if (*p == fr) {
            *p = fr->next;
            return;
        }
    }
}

/* The rows as a feed entry (new; stored in the cache when it may be). */
static struct feed_entry *render(struct feed_render *fr, json_t *feed, bool *stored)
{
    struct feed_events l = { 0 };
    int64_t now = (int64_t)time(NULL);
    if (fr->kind == FEED_PERSON)
        feed_events_person(&l, feed);
    else
        feed_events_groups(&l, feed);
    const char *title = json_string_value(json_object_get(feed, "name"));
    char *name = fr->kind == FEED_PERSON ? xstrdup("Piiri") : xasprintf("Piiri: %s", title ?: "");
    struct ics_calendar cal = { .name = name, .refresh_minutes = REFRESH_MINUTES, .events = l.ev,
        .nevents = l.n };
    size_t len;
    char *body = ics_render(&cal, &len);
    free(name);
    bool cache = fr->kind != FEED_PERSON && fr->generation == feed_cache_generation();
    struct feed_entry *e = feed_cache_put(fr->key, body, len, l.modified ? l.modified : now, cache, stored);
    feed_events_free(&l);
    metrics_feed_rendered();
    return e;
}

/* Each reply frees its request (and its feed_request): step on first. */
static void rendered_cb(const struct db_result *r, void *arg)
{
    struct feed_render *fr = arg;
    struct feed_request *w, *next;
    json_t *feed = NULL;
    render_unlink(fr);
    if (r->status == DB_OK && PQntuples(r->res) > 0 && !PQgetisnull(r->res, 0, 0))
        feed = json_loads(PQgetvalue(r->res, 0, 0), 0, NULL);
    if (feed == NULL) {
        bool broken = r->status == DB_OK && PQntuples(r->res) > 0 && !PQgetisnull(r->res, 0, 0);
        for (w = fr->waiters; w != NULL; w = next) {
            next = w->next;
            if (broken)
                http_reply_error(w->ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
            else
                api_reply_db_json(w->ctx, r, 200); /* the error, or 404 */
        }
        free(fr);
        return;
    }
    bool stored;
    struct feed_entry *e = render(fr, feed, &stored);
    json_decref(feed);
    for (w = fr->waiters; w != NULL; w = next) {
        next = w->next;
        reply_feed(w->ctx, fr->kind, e);
    }
    if (!stored)
        feed_entry_free(e); /* the replies hold their own references */
    free(fr);
}

/* A render of this feed already asked for under the current generation. */
static struct feed_render *render_find(const char *key)
{
    for (struct feed_render *fr = renders; fr != NULL; fr = fr->next) {
        if (fr->generation == feed_cache_generation() && strcmp(fr->key, key) == 0)
            return fr;
    }
    return NULL;
}

/* "1:slug": the kind and the parameter (snprintf costs as much as the rest
 * of a cache hit's own work). */
static void feed_key(char *key, size_t size, enum feed_kind kind, const char *param)
{
    size_t n = strlen(param);
    if (n > size - 3)
        n = size - 3;
    key[0] = (char)('0' + kind);
    key[1] = ':';
    memcpy(key + 2, param, n);
    key[2 + n] = '\0';
}

static void serve(struct req_ctx *ctx, enum feed_kind kind, const char *sql, const char *param)
{
    char key[sizeof(renders->key)];
    feed_key(key, sizeof(key), kind, param);
    /* Personal feeds are not cached: each is read by few, and a rotated
     * link must stop working in every worker at once. */
    struct feed_entry *e = kind == FEED_PERSON ? NULL : feed_cache_get(key);
    if (e != NULL) {
        metrics_feed_hit();
        reply_feed(ctx, kind, e);
        return;
    }
    struct feed_request *f = xcalloc(1, sizeof(*f));
    f->ctx = ctx;
    ctx->state = f;
    ctx->state_free = free;
    struct feed_render *fr = kind == FEED_PERSON ? NULL : render_find(key);
    if (fr != NULL) {
        *fr->tail = f;
        fr->tail = &f->next;
        return;
    }
    fr = xcalloc(1, sizeof(*fr));
    fr->kind = kind;
    memcpy(fr->key, key, sizeof(key));
    fr->generation = feed_cache_generation();
    fr->waiters = f;
    fr->tail = &f->next;
    if (kind != FEED_PERSON) {
        fr->next = renders;
        renders = fr;
    }
    const char *params[] = { param };
    db_pool_query(ctx->srv->pool, sql, 1, params, rendered_cb, fr);
}

/* The path parameters are of their types already (routes.c). */
void api_feed_group(struct req_ctx *ctx)
{
    serve(ctx, FEED_GROUP, "SELECT api_feed_group($1)", ctx->params[0]);
}

void api_feed_org(struct req_ctx *ctx)
{
    serve(ctx, FEED_ORG, "SELECT api_feed_org($1)", ctx->params[0]);
}

void api_feed_person(struct req_ctx *ctx)
{
    serve(ctx, FEED_PERSON, "SELECT api_feed_person($1)", ctx->params[0]);
}
