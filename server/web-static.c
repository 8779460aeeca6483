/* SPDX-License-Identifier: Apache-2.0 */
/* The static files (CSS, JavaScript, the icon), served under names with
 * their content's hash (/static/app.1f2e3d4c5b6a.css) so that a browser may
 * keep each for a year and a change is a new name. Each is compressed once
 * at start-up; a request costs no work but the copy to the socket. The
 * service worker is the exception: a browser looks for a new one at the
 * same address, so it is /sw.js, asked for afresh every time, and holds the
 * hashed names (a new release is new bytes, so a new worker). */
#include "web.h"

#include "dispatch.h"
#include "log.h"
#include "util.h"
#include "web-assets.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define STATIC_MAX 16
#define HASH_BYTES 6 /* 12 hex digits: a collision between two versions is not a worry */

struct static_file {
    const char *name;          /* "app.css" */
    char *path;                /* "/static/app.1f2e3d4c5b6a.css", the route's pattern */
    const char *content_type;
    const unsigned char *data; /* the built-in bytes */
    size_t len;
    unsigned char *gz;         /* compressed, or NULL when that is not smaller */
    size_t gz_len;
};

static struct static_file files[STATIC_MAX];
static struct route routes[STATIC_MAX];
static void worker_init(void);
static char *worker;      /* clients/web/worker/sw.js with the static names in it */
static size_t worker_len;
static char worker_etag[40];
static size_t nfiles;

static const struct {
    const char *ext, *type;
} types[] = {
    { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".webmanifest", "application/manifest+json" },
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot != NULL && i < ARRAY_LEN(types); i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    fatalx("web client: static/%s: no content type for its extension", name);
}

unsigned char *web_gzip(const void *data, size_t len, int level, size_t *out_len)
{
    z_stream z = { 0 };
    /* 15 + 16: a gzip header and trailer, not zlib's. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        fatalx("out of memory");
    size_t cap = deflateBound(&z, (uLong)len);
    unsigned char *out = xmalloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || *out_len >= len) {
        free(out);
        return NULL;
    }
    return out;
}

bool web_accepts_gzip(const char *header)
{
    /* "gzip", "gzip;q=0.5", "*": yes; "gzip;q=0" and "identity": no. */
    for (const char *p = header; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",;");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        bool named = (n == 4 && strncasecmp(p, "gzip", 4) == 0) || (n == 1 && *p == '*');
        const char *end = p + strcspn(p, ",");
        const char *q = memchr(p, ';', (size_t)(end - p));
        bool refused = false;
        if (q != NULL) {
            while (q < end && (*q == ';' || *q == ' '))
                q++;
            refused = strncasecmp(q, "q=0", 3) == 0 && strspn(q + 3, ".0") == (size_t)(end - q - 3);
        }
        if (named)
            return !refused;
        p = end;
    }
    return false;
}

static void web_static_get(struct req_ctx *ctx)
{
    const struct static_file *f = NULL;
    for (size_t i = 0; i < nfiles && f == NULL; i++) {
        if (strcmp(files[i].path, ctx->def->entry.pattern) == 0)
            f = &files[i];
    }
    struct evkeyvalq *out = evhttp_request_get_output_headers(ctx->req);
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL || f == NULL)
        fatalx("web client: static route without its file");
    web_add_headers(ctx);
    evhttp_add_header(out, "Cache-Control", "public, max-age=31536000, immutable");
    evhttp_add_header(out, "Vary", "Accept-Encoding");
    bool gzip = f->gz != NULL &&
        web_accepts_gzip(evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Encoding"));
    if (gzip)
        evhttp_add_header(out, "Content-Encoding", "gzip");
    /* The bytes live as long as the process: referenced, not copied. */
    evbuffer_add_reference(buf, gzip ? f->gz : f->data, gzip ? f->gz_len : f->len, NULL, NULL);
    http_reply_text(ctx, 200, f->content_type, buf);
    evbuffer_free(buf);
}

/* "app.css" and its hash: "/static/app.1f2e3d4c5b6a.css". */
static char *hashed_path(const char *name, const unsigned char *data, size_t len)
{
    unsigned char h[HASH_BYTES];
    char hex[2 * HASH_BYTES + 1];
    crypto_generichash(h, sizeof(h), data, len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    const char *dot = strchr(name, '.');
    size_t stem = dot ? (size_t)(dot - name) : strlen(name);
    return xasprintf("/static/%.*s.%s%s", (int)stem, name, hex, dot ? dot : "");
}

void web_static_init(void)
{
    if (nfiles > 0)
        return;
    for (unsigned i = 0; i < web_asset_count; i++) {
        const struct web_asset *a = &web_assets[i];
        if (strncmp(a->name, "static/", 7) != 0)
            continue;
        if (nfiles == STATIC_MAX)
            fatalx("web client: more than %d static files", STATIC_MAX);
        struct static_file *f = &files[nfiles];
        f->name = a->name + 7;
        f->path = hashed_path(f->name, a->data, a->len);
        f->content_type = type_of(f->name);
        f->data = a->data;
        f->len = a->len;
        f->gz = web_gzip(a->data, a->len, 9, &f->gz_len);
        routes[nfiles] = (struct route) { { ROUTER_GET, f->path }, web_static_get, ROUTE_ANYONE, ROUTE_BODY_NONE,
            NULL, AUTHZ_NONE, NULL, ROUTE_ANSWERS_HTML };
        nfiles++;
    }
    worker_init();
}

void web_worker(struct req_ctx *ctx)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(ctx->req);
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-None-Match");
    web_add_headers(ctx);
    evhttp_add_header(out, "Cache-Control", "no-cache");
    evhttp_add_header(out, "ETag", worker_etag);
    if (inm != NULL && strstr(inm, worker_etag) != NULL) {
        http_reply_empty(ctx, 304);
        return;
    }
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        fatalx("out of memory");
    evbuffer_add_reference(buf, worker, worker_len, NULL, NULL);
    http_reply_text(ctx, 200, "text/javascript; charset=utf-8", buf);
    evbuffer_free(buf);
}

/* sw.js with PIIRI_STATIC replaced by the JSON array of the hashed paths. */
static void worker_init(void)
{
    const struct web_asset *a = NULL;
    for (unsigned i = 0; i < web_asset_count && a == NULL; i++) {
        if (strcmp(web_assets[i].name, "worker/sw.js") == 0)
            a = &web_assets[i];
    }
    if (a == NULL)
        fatalx("web client: no worker/sw.js");
    json_t *paths = json_array();
    for (size_t i = 0; i < nfiles; i++)
        json_array_append_new(paths, json_string(files[i].path));
    char *list = json_dumps(paths, JSON_COMPACT);
    json_decref(paths);
    const char *src = (const char *)a->data, *at = strstr(src, "PIIRI_STATIC;");
    if (list == NULL || at == NULL)
        fatalx("web client: worker/sw.js has no PIIRI_STATIC");
    worker = xasprintf("%.*s%s%s", (int)(at - src), src, list, at + strlen("PIIRI_STATIC"));
    worker_len = strlen(worker);
    free(list);
    unsigned char h[HASH_BYTES];
    char hex[2 * HASH_BYTES + 1];
    crypto_generichash(h, sizeof(h), (const unsigned char *)worker, worker_len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(worker_etag, sizeof(worker_etag), "\"%s\"", hex);
}

const char *web_static_href(const char *name)
{
    for (size_t i = 0; i < nfiles; i++) {
        if (strcmp(files[i].name, name) == 0)
            return files[i].path;
    }
    return NULL;
}

const struct route *web_static_routes(size_t *n)
{
    web_init();
    *n = nfiles;
    return routes;
}
