/* SPDX-License-Identifier: Apache-2.0 */
/* The pages' templates and string catalogs, read from the built-in files
 * once before the workers fork, and the one function that replies with a
 * page: the page's template inside the layout, its headers, its ETag. */
#include "web.h"

#include "log.h"
#include "metrics.h"
#include "mustache.h"
#include "page-cache.h"
#include "principal.h"
#include "util.h"
#include "web-assets.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every page's policy: nothing from anywhere else, no inline script or
 * style, not in a frame. */
#define WEB_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'; " \
                "manifest-src 'self'; worker-src 'self'"
/* Pages below this many bytes are sent as they are. */
#define WEB_GZIP_MIN 512

static struct mustache_set *templates;
static json_t *catalogs[WEB_NLANGS]; /* one flat object of strings per language */
static json_t *assets;               /* {css, js, icon}: the hashed paths */
static bool ready;

static const char *const lang_names[] = { "Suomi", "Svenska", "English" };

static int lang_index(const char *lang)
{
    for (int i = 0; i < WEB_NLANGS; i++) {
        if (strcmp(lang, web_langs[i]) == 0)
            return i;
    }
    return 0;
}

/* "templates/front.mustache" is the template "front". */
static void add_template(const struct web_asset *a)
{
    const char *base = a->name + strlen("templates/");
    size_t n = strlen(base) - strlen(".mustache");
    char *name = xstrndup(base, n), *cause = NULL;
    if (mustache_set_add(templates, name, (const char *)a->data, a->len, &cause) != 0)
        fatalx("web client: %s", cause);
    free(name);
}

static void add_catalog(const struct web_asset *a)
{
    json_error_t err;
    char lang[3] = { a->name[5], a->name[6], '\0' }; /* "i18n/fi.json" */
    const char *known = web_lang_known(lang, 2);
    if (known == NULL)
        fatalx("web client: %s is not a page language's catalog", a->name);
    json_t *c = json_loadb((const char *)a->data, a->len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(c))
        fatalx("web client: %s: line %d: %s", a->name, err.line, err.text);
    catalogs[lang_index(known)] = c;
}

/* Every catalog has every key of the others, each a string: a page is
 * never half in another language. */
static void check_catalogs(void)
{
    for (int i = 0; i < WEB_NLANGS; i++) {
        if (catalogs[i] == NULL)
            fatalx("web client: no catalog i18n/%s.json", web_langs[i]);
        for (int j = 0; j < WEB_NLANGS; j++) {
            const char *key;
            json_t *v;
            json_object_foreach(catalogs[i], key, v) {
                if (!json_is_string(v))
                    fatalx("web client: i18n/%s.json: %s is not a string", web_langs[i], key);
                if (json_object_get(catalogs[j], key) == NULL)
                    fatalx("web client: i18n/%s.json lacks %s", web_langs[j], key);
            }
        }
    }
}

void web_init(void)
{
    if (ready)
        return;
    templates = mustache_set_new();
    for (unsigned i = 0; i < web_asset_count; i++) {
        const struct web_asset *a = &web_assets[i];
        if (strncmp(a->name, "templates/", 10) == 0)
            add_template(a);
        else if (strncmp(a->name, "i18n/", 5) == 0)
            add_catalog(a);
    }
    check_catalogs();
    if (mustache_set_get(templates, "layout") == NULL)
        fatalx("web client: no templates/layout.mustache");
    web_static_init();
    assets = json_pack("{s:s, s:s, s:s}", "css", web_static_href("app.css"), "js", web_static_href("app.js"),
        "icon", web_static_href("icon.svg"));
    if (assets == NULL)
        fatalx("web client: static/app.css, app.js and icon.svg are needed");
    ready = true;
}

const char *web_t(const char *lang, const char *key)
{
    const char *s = json_string_value(json_object_get(catalogs[lang_index(lang)], key));
    if (s == NULL)
        s = json_string_value(json_object_get(catalogs[0], key));
    return s != NULL ? s : key;
}

char *web_tn(const char *lang, const char *key, long n)
{
    char full[96], num[24];
    snprintf(full, sizeof(full), "%s_%s", key, n == 1 ? "one" : "other");
    snprintf(num, sizeof(num), "%ld", n);
    const char *s = web_t(lang, full), *at = strstr(s, "{n}");
    if (at == NULL)
        return xstrdup(s);
    return xasprintf("%.*s%s%s", (int)(at - s), s, num, at + 3);
}

void web_see_other(struct req_ctx *ctx, const char *path)
{
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Location", path);
    web_add_headers(ctx);
    http_reply_empty(ctx, 303);
}

void web_add_headers(struct req_ctx *ctx)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->req);
    evhttp_add_header(h, "Content-Security-Policy", WEB_CSP);
    evhttp_add_header(h, "Referrer-Policy", "same-origin");
    evhttp_add_header(h, "X-Frame-Options", "DENY");
}

const char *web_request_lang(struct req_ctx *ctx)
{
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(ctx->req));
    const char *lang = web_lang_of_path(path);
    if (lang != NULL)
        return lang;
    return web_lang_negotiate(evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Language"));
}

/* The same page in each language: the path with its first segment
 * replaced, and the same query; or the view's page_path ("/groups/ID"),
 * for a page answering a form's POST to another path. */
static json_t *switcher(struct req_ctx *ctx, const char *lang, const json_t *view)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ctx->req);
    const char *path = evhttp_uri_get_path(uri), *query = evhttp_uri_get_query(uri);
    const char *rest = web_lang_of_path(path) != NULL ? path + 3 : "/";
    const char *own = json_string_value(json_object_get(view, "page_path"));
    if (own != NULL) {
        rest = own;
        query = NULL;
    }
    json_t *langs = json_array();
    for (int i = 0; i < WEB_NLANGS; i++) {
        char *href = xasprintf("/%s%s%s%s", web_langs[i], *rest ? rest : "/", query && *query ? "?" : "",
            query && *query ? query : "");
        json_array_append_new(langs, json_pack("{s:s, s:s, s:s, s:b}", "code", web_langs[i], "name",
            lang_names[i], "href", href, "current", strcmp(web_langs[i], lang) == 0));
        free(href);
    }
    return langs;
}

/* Does the header show "Today"? To those who may lead a group: a leader or
 * a coordinator in some org (the page then lists the sessions they lead). */
static bool leads_groups(const struct principal *p)
{
    for (int i = 0; p != NULL && i < p->nmemberships; i++) {
        if (p->memberships[i].role >= ROLE_LEADER)
            return true;
    }
    return false;
}

/* The orgs the person coordinates, each with the way to its groups (the
 * principal's roles, no extra query): [{slug, href}]. */
static json_t *coordinates(const struct principal *p, const char *lang)
{
    json_t *a = json_array();
    for (int i = 0; p != NULL && i < p->nmemberships; i++) {
        if (p->memberships[i].role == ROLE_COORDINATOR)
            json_array_append_new(a, json_pack("{s:s, s:o}", "slug", p->memberships[i].slug, "href",
                json_sprintf("/%s/orgs/%s/manage", lang, p->memberships[i].slug)));
    }
    return a;
}

static void add_common(struct req_ctx *ctx, const char *lang, json_t *view)
{
    json_object_set_new(view, "lang", json_string(lang));
    json_object_set(view, "t", catalogs[lang_index(lang)]);
    json_object_set(view, "assets", assets);
    json_object_set_new(view, "langs", switcher(ctx, lang, view));
    /* The session's form token ("" signed out) and whether anyone is
     * signed in, for the header's account links and every form. */
    if (json_object_get(view, "csrf_token") == NULL)
        json_object_set_new(view, "csrf_token", json_string(ctx->csrf));
    json_object_set_new(view, "signed_in", json_boolean(ctx->principal != NULL));
    json_object_set_new(view, "leads", json_boolean(leads_groups(ctx->principal)));
    /* The header links the first org (most coordinate one); my page each. */
    json_t *coordinated = coordinates(ctx->principal, lang);
    if (json_array_size(coordinated) > 0)
        json_object_set(view, "manage_href", json_object_get(json_array_get(coordinated, 0), "href"));
    json_object_set_new(view, "has_coordinated", json_boolean(json_array_size(coordinated) > 0));
    json_object_set_new(view, "coordinated", coordinated);
}

/* A strong validator of the bytes sent (so the gzip form has its own): an
 * unchanged page answers 304. */
static void etag_of(const char *body, size_t len, bool gzip, char out[48])
{
    unsigned char h[16];
    char hex[33];
    crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(out, 48, "\"%s%s\"", hex, gzip ? "-gz" : "");
}

static bool not_modified(struct req_ctx *ctx, const char *etag)
{
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-None-Match");
    return inm != NULL && (strstr(inm, etag) != NULL || strcmp(inm, "*") == 0);
}

static char *render(const char *name, json_t *view, size_t *len)
{
    const struct mustache_template *tpl = mustache_set_get(templates, name);
    char *cause = NULL;
    if (tpl == NULL)
        fatalx("web client: no template %s", name);
    char *out = mustache_render_string(tpl, view, templates, len, &cause);
    if (out == NULL) {
        log_error("web template %s: %s", name, cause);
        free(cause);
    }
    return out;
}

static void page_headers(struct req_ctx *ctx, const char *lang, const char *etag)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(ctx->req);
    web_add_headers(ctx);
    evhttp_add_header(out, "Content-Language", lang);
    evhttp_add_header(out, "Cache-Control", "private, no-cache");
    evhttp_add_header(out, "Vary", "Accept-Encoding");
    evhttp_add_header(out, "ETag", etag);
}

/* ---- signed-out pages from the worker's cache (page-cache.h) ---- */

/* Bigger pages are rendered each time: the cache holds the common ones. */
#define PAGE_CACHE_MAX_BYTES (256 * 1024)

/* A page anyone would see the same: a GET with no session behind it. */
static bool page_cacheable(const struct req_ctx *ctx)
{
    return ctx->principal == NULL && ctx->csrf[0] == '\0' && ctx->token_hash[0] == '\0' &&
        (ctx->method & ROUTER_GET) != 0 && page_cache_active();
}

static void reply_entry(struct req_ctx *ctx, const struct page_entry *e)
{
    bool gzip = e->gzip != NULL &&
        web_accepts_gzip(evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Encoding"));
    const char *etag = gzip ? e->etag_gzip : e->etag;
    page_headers(ctx, e->lang, etag);
    if (not_modified(ctx, etag)) {
        http_reply_empty(ctx, 304);
        return;
    }
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        fatalx("out of memory");
    if (gzip) {
        evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Content-Encoding", "gzip");
        evbuffer_add(buf, e->gzip, e->gzip_len);
    } else
        evbuffer_add(buf, e->plain, e->plain_len);
    http_reply_text(ctx, 200, "text/html; charset=utf-8", buf);
    evbuffer_free(buf);
}

bool web_page_from_cache(struct req_ctx *ctx)
{
    if (!page_cacheable(ctx))
        return false;
    const char *key = evhttp_request_get_uri(ctx->req);
    const struct page_entry *e = page_cache_get(key);
    metrics_page_cache(e != NULL);
    if (e != NULL) {
        reply_entry(ctx, e);
        return true;
    }
    ctx->page_key = xstrdup(key);
    ctx->page_generation = page_cache_generation();
    return false;
}

static struct page_entry *entry_of(const char *lang, const char *html, size_t len)
{
    struct page_entry *e = xcalloc(1, sizeof(*e));
    snprintf(e->lang, sizeof(e->lang), "%s", lang);
    e->plain = xmalloc(len);
    memcpy(e->plain, html, len);
    e->plain_len = len;
    etag_of(html, len, false, e->etag);
    if (len >= WEB_GZIP_MIN && (e->gzip = web_gzip(html, len, 6, &e->gzip_len)) != NULL)
        etag_of(html, len, true, e->etag_gzip);
    return e;
}

static void send_page(struct req_ctx *ctx, int status, const char *lang, const char *html, size_t len)
{
    if (ctx->page_key != NULL && status == 200 && len <= PAGE_CACHE_MAX_BYTES) {
        struct page_entry *e = entry_of(lang, html, len);
        char *key = ctx->page_key;
        uint64_t generation = ctx->page_generation;
        ctx->page_key = NULL;
        bool stored = page_cache_put(key, e, generation);
        free(key);
        reply_entry(ctx, e); /* frees ctx; e stays: the cache holds it, or we do */
        if (!stored)
            page_entry_free(e);
        return;
    }
    struct evkeyvalq *out = evhttp_request_get_output_headers(ctx->req);
    bool gzip = len >= WEB_GZIP_MIN &&
        web_accepts_gzip(evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Encoding"));
    char etag[48];
    etag_of(html, len, gzip, etag);
    page_headers(ctx, lang, etag);
    if (status == 200 && not_modified(ctx, etag)) {
        http_reply_empty(ctx, 304);
        return;
    }
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        fatalx("out of memory");
    size_t gz_len = 0;
    unsigned char *gz = gzip ? web_gzip(html, len, 6, &gz_len) : NULL;
    if (gz != NULL) {
        evhttp_add_header(out, "Content-Encoding", "gzip");
        evbuffer_add(buf, gz, gz_len);
        free(gz);
    } else
        evbuffer_add(buf, html, len);
    http_reply_text(ctx, status, "text/html; charset=utf-8", buf);
    evbuffer_free(buf);
}

void web_reply_page(struct req_ctx *ctx, int status, const char *lang, const char *name, json_t *view)
{
    size_t len;
    add_common(ctx, lang, view);
    char *body = render(name, view, &len);
    char *page = NULL;
    if (body != NULL) {
        json_object_set_new(view, "body", json_stringn_nocheck(body, len));
        page = render("layout", view, &len);
    }
    json_decref(view);
    free(body);
    if (page == NULL) {
        struct evbuffer *buf = evbuffer_new();
        evbuffer_add_printf(buf, "Something went wrong on our side.\n");
        http_reply_text(ctx, 500, "text/plain; charset=utf-8", buf);
        evbuffer_free(buf);
        return;
    }
    send_page(ctx, status, lang, page, len);
    free(page);
}
