/* SPDX-License-Identifier: Apache-2.0 */
/* The request pipeline: each step reads what the route declares, replies
 * when the request stops there, and hands over to the next step. Two steps
 * wait for the database (the principal, the facts); each continues in its
 * callback. */
#include "dispatch.h"

#include "api.h"
#include "dispatch-csrf.h"
#include "form.h"
#include "log.h"
#include "token.h"
#include "util.h"
#include "validate.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the table ---- */

struct route_table {
    struct route *routes;
    char **labels;         /* patterns without their types, for logs and metrics */
    char **metric_labels;  /* size + 1: the last for unmatched requests */
    size_t n, cap;
};

struct route_table *route_table_new(void)
{
    struct route_table *t = xcalloc(1, sizeof(*t));
    t->metric_labels = xcalloc(1, sizeof(*t->metric_labels));
    t->metric_labels[0] = xstrdup("route=\"unmatched\",method=\"any\"");
    return t;
}

void route_table_add(struct route_table *t, const struct route *routes, size_t n)
{
    if (t->n + n > t->cap) {
        t->cap = t->n + n;
        t->routes = xrealloc(t->routes, t->cap * sizeof(*t->routes));
        t->labels = xrealloc(t->labels, t->cap * sizeof(*t->labels));
    }
    t->metric_labels = xrealloc(t->metric_labels, (t->n + n + 1) * sizeof(*t->metric_labels));
    char *unmatched = t->metric_labels[t->n];
    for (size_t i = 0; i < n; i++) {
        const struct route *r = &routes[i];
        if (router_pattern_typed(r->entry.pattern) != 0)
            fatalx("route %s: every path parameter needs a known type", r->entry.pattern);
        t->routes[t->n] = *r;
        t->labels[t->n] = router_pattern_label(r->entry.pattern);
        t->metric_labels[t->n] =
            xasprintf("route=\"%s\",method=\"%s\"", t->labels[t->n], router_method_name(r->entry.method));
        t->n++;
    }
    t->metric_labels[t->n] = unmatched;
}

size_t route_table_size(const struct route_table *t)
{
    return t->n;
}

const struct route *route_table_get(const struct route_table *t, size_t i)
{
    return &t->routes[i];
}

const char *const *route_table_metric_labels(const struct route_table *t)
{
    return (const char *const *)t->metric_labels;
}

void route_table_free(struct route_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->labels[i]);
    for (size_t i = 0; i <= t->n; i++)
        free(t->metric_labels[i]);
    free(t->labels);
    free(t->metric_labels);
    free(t->routes);
    free(t);
}

/* ---- the dispatcher ---- */

struct dispatch {
    const struct route_table *table;
    const struct principal_source *const *sources;
    size_t nsources;
    const struct dispatch_html *html; /* may be NULL */
};

struct dispatch *dispatch_new(const struct route_table *t, const struct principal_source *const *sources,
    size_t nsources)
{
    struct dispatch *d = xcalloc(1, sizeof(*d));
    d->table = t;
    d->sources = sources;
    d->nsources = nsources;
    return d;
}

void dispatch_free(struct dispatch *d)
{
    free(d);
}

void dispatch_set_html(struct dispatch *d, const struct dispatch_html *html)
{
    d->html = html;
}

/* What the pipeline attached to the context, freed with it. */
static void release(struct req_ctx *ctx)
{
    for (int i = 0; i < ROUTER_MAX_PARAMS; i++)
        free(ctx->params[i]);
    if (ctx->body != NULL)
        json_decref(ctx->body);
    if (ctx->principal != NULL)
        principal_free(ctx->principal);
    if (ctx->facts != NULL)
        facts_free(ctx->facts);
    if (ctx->state != NULL && ctx->state_free != NULL)
        ctx->state_free(ctx->state);
}

/* ---- route ---- */

/* The route for the method and path; 404 or 405 (with Allow) and -1 when
 * there is none. */
static int route(struct req_ctx *ctx, const struct dispatch *d, struct router_match *m)
{
    const struct route_table *t = d->table;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(ctx->req));
    int matched = path != NULL
        ? router_match(t->routes, t->n, sizeof(t->routes[0]), ctx->method, path, strlen(path), m)
        : -1;
    /* Errors are pages on a page's path, unless an API route answers there;
     * "/nope" matches "/{lang}" but is no page's, so its 404 stays JSON. */
    if (d->html != NULL && path != NULL && d->html->is_page_path(path) &&
        (matched != 0 || t->routes[m->route].answers == ROUTE_ANSWERS_HTML))
        ctx->error_reply = d->html->error_reply;
    if (matched == 0) {
        ctx->route = m->route;
        ctx->log_pattern = t->labels[m->route];
        ctx->def = &t->routes[m->route];
        return 0;
    }
    if (path != NULL && m->allowed != 0) {
        char allow[64];
        ctx->log_pattern = t->labels[m->path_route];
        router_allow_header(m->allowed, allow, sizeof(allow));
        evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Allow", allow);
        http_reply_error(ctx, 405, "method_not_allowed", "This method is not allowed here.", NULL);
    } else
        api_reply_not_found(ctx);
    return -1;
}

/* ---- typed path parameters ---- */

/* Decode each parameter and check it is of its declared type: a value that
 * cannot name anything is 404, whoever asks. */
static int typed_params(struct req_ctx *ctx, const struct router_match *m)
{
    for (int i = 0; i < m->nparams; i++) {
        char *raw = xstrndup(m->params[i].start, m->params[i].len);
        size_t len;
        ctx->params[i] = evhttp_uridecode(raw, 0, &len);
        free(raw);
        if (ctx->params[i] == NULL)
            fatalx("out of memory");
        if (len == 0 || !utf8_valid(ctx->params[i], len) ||
            !router_param_valid(m->params[i].type, ctx->params[i], len)) {
            api_reply_not_found(ctx);
            return -1;
        }
    }
    return 0;
}

/* The first {slug} of the path: the org an org-scoped action is about. */
static const char *path_slug(const struct req_ctx *ctx)
{
    int i = router_pattern_param(ctx->def->entry.pattern, ROUTER_PARAM_SLUG);
    return i >= 0 && i < ROUTER_MAX_PARAMS ? ctx->params[i] : NULL;
}

/* ---- body limits and JSON ---- */

static bool content_type_is_json(struct evhttp_request *req)
{
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
    if (ct == NULL)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static json_t *integer_back(json_t *v)
{
    double d = json_real_value(v);
    if (json_is_real(v) && d > -9e15 && d < 9e15 && d == (double)(json_int_t)d)
        return json_integer((json_int_t)d);
    return NULL;
}

/* After JSON_DECODE_INT_AS_REAL: whole numbers that fit become integers
 * again, so only the out-of-range ones stay reals. */
static void integers_back(json_t *v)
{
    json_t *child, *whole;
    if (json_is_object(v)) {
        const char *key;
        void *tmp;
        json_object_foreach_safe(v, tmp, key, child) {
            if ((whole = integer_back(child)) != NULL)
                json_object_set_new(v, key, whole);
            else
                integers_back(child);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_array_foreach(v, i, child) {
            if ((whole = integer_back(child)) != NULL)
                json_array_set_new(v, i, whole);
            else
                integers_back(child);
        }
    }
}

static bool content_type_is_form(struct evhttp_request *req)
{
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
    size_t n = strlen("application/x-www-form-urlencoded");
    return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 &&
        (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A form body into ctx->body; -1 when a reply has been sent. */
static int read_form(struct req_ctx *ctx, const char *data, size_t len)
{
    const char *cause;
    if (!content_type_is_form(ctx->req)) {
        http_reply_error(ctx, 415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded.",
            NULL);
        return -1;
    }
    if (form_parse(data ? data : "", len, &ctx->body, &cause) != 0) {
        http_reply_error(ctx, 400, "malformed_form", cause, NULL);
        return -1;
    }
    return 0;
}

/* Parse the body as one JSON object (or a form) when the route takes one;
 * -1 when a reply has been sent. */
static int read_body(struct req_ctx *ctx)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(ctx->req);
    size_t len = evbuffer_get_length(in);
    json_error_t err;

    if (ctx->def->body == ROUTE_BODY_NONE)
        return 0;
    if (len == 0 && (ctx->def->body == ROUTE_BODY_JSON_OR_EMPTY || ctx->def->body == ROUTE_BODY_FORM)) {
        ctx->body = json_object(); /* "sign me up", defaults; an empty form */
        return 0;
    }
    if (len > HTTP_MAX_BODY) {
        http_reply_error(ctx, 413, "payload_too_large", "The request body is larger than 1 MiB.", NULL);
        return -1;
    }
    if (ctx->def->body == ROUTE_BODY_FORM)
        return read_form(ctx, (const char *)evbuffer_pullup(in, -1), len);
    if (!content_type_is_json(ctx->req)) {
        http_reply_error(ctx, 415, "unsupported_media_type", "Send the body as application/json.", NULL);
        return -1;
    }
    const char *data = (const char *)evbuffer_pullup(in, -1);
    ctx->body = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &err);
    if (ctx->body == NULL && json_error_code(&err) == json_error_numeric_overflow) {
        /* Valid JSON with an integer beyond 64 bits: parse it as a number so
         * that validation names the field (422) instead of a 400. */
        ctx->body = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);
        if (ctx->body != NULL)
            integers_back(ctx->body);
    }
    if (ctx->body == NULL) {
        char msg[200];
        snprintf(msg, sizeof(msg), "The body is not valid JSON (line %d, column %d).", err.line, err.column);
        http_reply_error(ctx, 400, "malformed_json", msg, NULL);
        return -1;
    }
    if (!json_is_object(ctx->body)) {
        http_reply_error(ctx, 400, "malformed_json", "The body must be a JSON object.", NULL);
        return -1;
    }
    return 0;
}

/* ---- principal ---- */

static void facts_step(struct req_ctx *ctx);

static void reply_unauthorized(struct req_ctx *ctx)
{
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "WWW-Authenticate", "Bearer");
    http_reply_error(ctx, 401, "unauthorized", "Sign in: send Authorization: Bearer TOKEN.", NULL);
}

static void principal_loaded(enum principal_outcome outcome, struct principal *p, void *arg)
{
    struct req_ctx *ctx = arg;
    switch (outcome) {
    case PRINCIPAL_LOADED:
        ctx->principal = p;
        facts_step(ctx);
        return;
    case PRINCIPAL_UNKNOWN:
        if (ctx->csrf[0] != '\0' && ctx->def->who == ROUTE_PERSON_OPTIONAL) {
            /* A cookie that outlived its session: the browser keeps sending it. */
            ctx->csrf[0] = '\0';
            ctx->token_hash[0] = '\0';
            facts_step(ctx);
            return;
        }
        reply_unauthorized(ctx);
        return;
    case PRINCIPAL_UNAVAILABLE:
        http_reply_error(ctx, 503, "database_unavailable", "The database is unavailable; try again soon.", NULL);
        return;
    case PRINCIPAL_FAILED:
        break;
    }
    http_reply_error(ctx, 500, "internal_error", "Something went wrong on our side.", NULL);
}

/* Walk the sources: the first whose credential is in the request decides. */
static void principal_step(struct req_ctx *ctx, const struct dispatch *d)
{
    const struct evkeyvalq *headers = evhttp_request_get_input_headers(ctx->req);
    const struct principal_source *source = NULL;
    enum principal_credential found = PRINCIPAL_ABSENT;
    const char *token = NULL;
    size_t len = 0;

    if (ctx->def->who == ROUTE_ANYONE) {
        facts_step(ctx);
        return;
    }
    for (size_t i = 0; i < d->nsources && found == PRINCIPAL_ABSENT; i++) {
        source = d->sources[i];
        found = source->find(headers, &token, &len);
    }
    bool stale = found != PRINCIPAL_ABSENT && source->ambient &&
        (found != PRINCIPAL_PRESENT || !token_well_formed(token, len));
    if ((found == PRINCIPAL_ABSENT || stale) && ctx->def->who == ROUTE_PERSON_OPTIONAL) {
        facts_step(ctx);
        return;
    }
    if (found != PRINCIPAL_PRESENT || !token_well_formed(token, len)) {
        reply_unauthorized(ctx);
        return;
    }
    if (source->ambient && !dispatch_csrf_passed(ctx, token, len))
        return;
    token_hash_param(token, len, ctx->token_hash);
    if (ctx->def->who == ROUTE_PERSON_IN_SQL)
        facts_step(ctx);
    else
        source->load(ctx->srv->pool, ctx->token_hash, principal_loaded, ctx);
}

/* ---- facts, authorization, handler ---- */

/* Ask authz the route's action on the facts; 403 and false if not. */
static bool authorized(struct req_ctx *ctx)
{
    if (ctx->def->action == AUTHZ_NONE || authz_allows(ctx->principal, ctx->def->action, &ctx->facts->target))
        return true;
    api_reply_forbidden(ctx);
    return false;
}

static void facts_loaded_cb(const struct db_result *r, void *arg)
{
    struct req_ctx *ctx = arg;
    json_t *loaded = api_row_json(ctx, r);
    if (loaded == NULL)
        return; /* replied: ctx is gone */
    ctx->facts->loaded = loaded;
    if (ctx->def->facts->read(ctx->facts) != 0) {
        api_reply_not_found(ctx);
        return;
    }
    if (authorized(ctx))
        ctx->def->handler(ctx);
}

/* The route's check of the body and query; false when it replied 422. */
static bool checked(struct req_ctx *ctx)
{
    return ctx->def->check == NULL || ctx->def->check(ctx) == 0;
}

/* The loader's target is the path's first {id:uuid}: a page's path starts
 * with its {lang}. */
static void facts_load(struct req_ctx *ctx)
{
    int id = router_pattern_param(ctx->def->entry.pattern, ROUTER_PARAM_UUID);
    const char *params[] = { id >= 0 && id < ROUTER_MAX_PARAMS ? ctx->params[id] : NULL,
        ctx->principal ? ctx->principal->person_id : NULL };
    db_pool_query(ctx->srv->pool, ctx->def->facts->sql, ctx->def->facts->nparams, params, facts_loaded_cb, ctx);
}

/* Facts from the path are there at once, so authz comes before the check;
 * loaded facts cost a round trip, so the check comes before the load. */
static void facts_step(struct req_ctx *ctx)
{
    const struct route *r = ctx->def;
    if (r->facts == NULL && r->action == AUTHZ_NONE) {
        if (checked(ctx))
            r->handler(ctx);
        return;
    }
    ctx->facts = xcalloc(1, sizeof(*ctx->facts));
    if (r->facts == NULL) {
        ctx->facts->target.org_slug = path_slug(ctx);
        if (authorized(ctx) && checked(ctx))
            r->handler(ctx);
    } else if (checked(ctx))
        facts_load(ctx);
}

void dispatch_request(struct req_ctx *ctx, void *arg)
{
    const struct dispatch *d = arg;
    struct router_match m;
    ctx->release = release;
    if (route(ctx, d, &m) != 0 || typed_params(ctx, &m) != 0 || read_body(ctx) != 0)
        return;
    if (ctx->def->body == ROUTE_BODY_FORM && !dispatch_csrf_origin_passed(ctx))
        return;
    principal_step(ctx, d);
}
