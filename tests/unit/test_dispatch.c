/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for dispatch.c: the pipeline on a real evhttp server on a
 * loopback port, with a table of test routes and principal sources of the
 * test's own. A session cookie source (what the web client will send)
 * plugs in beside or instead of the Bearer one without any handler
 * changing; typed path parameters answer 404 before anyone is asked who
 * they are; org-scoped authorization runs on the path's {slug}. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config.h"
#include "dispatch.h"
#include "http-conn.h"
#include "http.h"
#include "server.h"
#include "token.h"
#include "util.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define COOKIE_NAME "piiri_session="
#define PERSON_ID "123e4567-e89b-12d3-a456-426614174000"
/* Well formed: 43 characters of base64url, as token_generate makes them. */
#define SESSION_TOKEN "c2Vzc2lvbi10b2tlbi1vZi10aGUtd2ViLWNsaWVudDA"

/* ---- a cookie-shaped principal source ---- */

static struct {
    struct event_base *base;
    int loads;
    char hash_seen[TOKEN_HASH_PARAM_LEN + 1];
} cookie;

/* Cookie: a=b; piiri_session=TOKEN; c=d */
static enum principal_credential cookie_find(const struct evkeyvalq *headers, const char **token, size_t *len)
{
    const char *c = evhttp_find_header(headers, "Cookie");
    const char *at = c ? strstr(c, COOKIE_NAME) : NULL;
    if (at == NULL)
        return PRINCIPAL_ABSENT;
    *token = at + strlen(COOKIE_NAME);
    *len = strcspn(*token, "; ");
    return PRINCIPAL_PRESENT;
}

struct pending_load {
    principal_loaded_cb cb;
    void *arg;
};

/* As the database would, a moment later and from the loop. */
static void cookie_loaded_cb(evutil_socket_t fd, short what, void *arg)
{
    struct pending_load pl = *(struct pending_load *)arg;
    (void)fd;
    (void)what;
    free(arg);
    struct principal *p = xcalloc(1, sizeof(*p));
    snprintf(p->person_id, sizeof(p->person_id), PERSON_ID);
    p->memberships = xcalloc(1, sizeof(*p->memberships));
    p->nmemberships = 1;
    snprintf(p->memberships[0].slug, sizeof(p->memberships[0].slug), "perhe");
    p->memberships[0].role = ROLE_COORDINATOR;
    pl.cb(PRINCIPAL_LOADED, p, pl.arg);
}

static void cookie_load(struct db_pool *pool, const char *token_hash, principal_loaded_cb cb, void *arg)
{
    struct pending_load *pl = xcalloc(1, sizeof(*pl));
    struct timeval now = { 0, 0 };
    (void)pool;
    cookie.loads++;
    snprintf(cookie.hash_seen, sizeof(cookie.hash_seen), "%s", token_hash);
    pl->cb = cb;
    pl->arg = arg;
    assert_int_equal(event_base_once(cookie.base, -1, EV_TIMEOUT, cookie_loaded_cb, pl, &now), 0);
}

static const struct principal_source cookie_source = { "cookie", cookie_find, cookie_load, true };

/* ---- test routes ---- */

static void whoami(struct req_ctx *ctx)
{
    http_reply_json(ctx, 200, json_pack("{s:s}", "person", ctx->principal->person_id));
}

static void nothing(struct req_ctx *ctx)
{
    http_reply_empty(ctx, 204);
}

static const struct route test_routes[] = {
    { { ROUTER_GET, "/whoami" }, whoami, ROUTE_PERSON, ROUTE_BODY_NONE, NULL, AUTHZ_NONE, NULL,
        ROUTE_ANSWERS_JSON },
    { { ROUTER_GET, "/things/{id:uuid}" }, nothing, ROUTE_PERSON, ROUTE_BODY_NONE, NULL, AUTHZ_NONE, NULL,
        ROUTE_ANSWERS_JSON },
    { { ROUTER_GET, "/orgs/{slug}/report" }, nothing, ROUTE_PERSON, ROUTE_BODY_NONE, NULL, AUTHZ_ORG_REPORTS,
        NULL, ROUTE_ANSWERS_JSON },
    { { ROUTER_GET, "/{lang}/things/{id:uuid}" }, nothing, ROUTE_ANYONE, ROUTE_BODY_NONE, NULL, AUTHZ_NONE, NULL,
        ROUTE_ANSWERS_HTML },
    { { ROUTER_GET, "/{lang}/mine" }, nothing, ROUTE_PERSON, ROUTE_BODY_NONE, NULL, AUTHZ_NONE, NULL,
        ROUTE_ANSWERS_HTML },
};

/* HTML errors as the web client would give them, shortened. */
static bool page_path(const char *path)
{
    return strncmp(path, "/fi/", 4) == 0;
}

static void page_error(struct req_ctx *ctx, int status, const char *code, const char *message)
{
    struct evbuffer *b = evbuffer_new();
    evbuffer_add_printf(b, "<p>%d %s</p>", status, code);
    http_reply_text(ctx, status, "text/html; charset=utf-8", b);
    evbuffer_free(b);
}

static const struct dispatch_html test_html = { page_path, page_error };

/* ---- the server and a client on one loop ---- */

struct fixture {
    struct config cfg;
    struct server srv;
    struct route_table *table;
    struct dispatch *dispatch;
    int port;
};

struct answer {
    int status;
    char body[512];
    char www_authenticate[64];
    char allow[64];
    struct event_base *base;
};

static struct fixture *fixture_start(const struct principal_source *const *sources, size_t nsources)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    char *cause = NULL;
    config_defaults(&f->cfg);
    f->cfg.listen_port = 0; /* any free port */
    f->srv.cfg = &f->cfg;
    f->srv.base = event_base_new();
    assert_non_null(f->srv.base);
    assert_int_equal(event_base_priority_init(f->srv.base, HTTP_CONN_PRIORITIES), 0);
    cookie.base = f->srv.base;
    cookie.loads = 0;
    f->table = route_table_new();
    route_table_add(f->table, test_routes, ARRAY_LEN(test_routes));
    f->dispatch = dispatch_new(f->table, sources, nsources);
    if (http_start(&f->srv, dispatch_request, f->dispatch, &cause) != 0)
        fail_msg("http_start: %s", cause);
    struct sockaddr_in addr;
    socklen_t alen = sizeof(addr);
    assert_int_equal(getsockname(evconnlistener_get_fd(f->srv.listener), (struct sockaddr *)&addr, &alen), 0);
    f->port = ntohs(addr.sin_port);
    return f;
}

static void fixture_stop(struct fixture *f)
{
    http_free(&f->srv);
    dispatch_free(f->dispatch);
    route_table_free(f->table);
    event_base_free(f->srv.base);
    config_free(&f->cfg);
    free(f);
}

static void copy_header(struct evhttp_request *req, const char *name, char *out, size_t len)
{
    const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
    snprintf(out, len, "%s", v ? v : "");
}

static void answered_cb(struct evhttp_request *req, void *arg)
{
    struct answer *a = arg;
    if (req != NULL) {
        struct evbuffer *body = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(body);
        a->status = evhttp_request_get_response_code(req);
        if (n >= sizeof(a->body))
            n = sizeof(a->body) - 1;
        evbuffer_remove(body, a->body, n);
        a->body[n] = '\0';
        copy_header(req, "WWW-Authenticate", a->www_authenticate, sizeof(a->www_authenticate));
        copy_header(req, "Allow", a->allow, sizeof(a->allow));
    }
    event_base_loopexit(a->base, NULL);
}

/* One request (header may be NULL: "Name: value" is split here). */
static struct answer ask(struct fixture *f, enum evhttp_cmd_type method, const char *path, const char *name,
    const char *value)
{
    struct answer a = { .status = -1, .base = f->srv.base };
    struct evhttp_connection *conn = evhttp_connection_base_new(f->srv.base, NULL, "127.0.0.1", (ev_uint16_t)f->port);
    struct evhttp_request *req = evhttp_request_new(answered_cb, &a);
    assert_non_null(conn);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "test");
    if (name != NULL)
        evhttp_add_header(evhttp_request_get_output_headers(req), name, value);
    assert_int_equal(evhttp_make_request(conn, req, method, path), 0);
    event_base_dispatch(f->srv.base);
    evhttp_connection_free(conn);
    event_base_loop(f->srv.base, EVLOOP_NONBLOCK); /* the server sees the close */
    return a;
}

/* ---- tests ---- */

static const struct principal_source *const cookie_only[] = { &cookie_source };
static const struct principal_source *const bearer_only[] = { &principal_bearer };
static const struct principal_source *const bearer_then_cookie[] = { &principal_bearer, &cookie_source };

static void test_cookie_source_loads_the_principal(void **state)
{
    struct fixture *f = fixture_start(cookie_only, 1);
    char want[TOKEN_HASH_PARAM_LEN + 1];
    (void)state;
    struct answer a = ask(f, EVHTTP_REQ_GET, "/whoami", "Cookie", "lang=fi; " COOKIE_NAME SESSION_TOKEN "; x=1");
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "{\"person\":\"" PERSON_ID "\"}\n");
    assert_int_equal(cookie.loads, 1);
    token_hash_param(SESSION_TOKEN, strlen(SESSION_TOKEN), want);
    assert_string_equal(cookie.hash_seen, want); /* the hash, never the token, is looked up */
    fixture_stop(f);
}

static void test_no_cookie_is_401_without_a_lookup(void **state)
{
    struct fixture *f = fixture_start(cookie_only, 1);
    (void)state;
    struct answer a = ask(f, EVHTTP_REQ_GET, "/whoami", "Cookie", "lang=fi");
    assert_int_equal(a.status, 401);
    assert_string_equal(a.www_authenticate, "Bearer");
    assert_non_null(strstr(a.body, "\"unauthorized\""));
    a = ask(f, EVHTTP_REQ_GET, "/whoami", "Cookie", COOKIE_NAME "short");
    assert_int_equal(a.status, 401); /* not a well-formed token: never looked up */
    assert_int_equal(cookie.loads, 0);
    fixture_stop(f);
}

/* The same request to a server whose only source is the Bearer token. */
static void test_cookie_means_nothing_without_its_source(void **state)
{
    struct fixture *f = fixture_start(bearer_only, 1);
    (void)state;
    struct answer a = ask(f, EVHTTP_REQ_GET, "/whoami", "Cookie", COOKIE_NAME SESSION_TOKEN);
    assert_int_equal(a.status, 401);
    assert_int_equal(cookie.loads, 0);
    fixture_stop(f);
}

/* Sources are walked in order; the first whose credential is there decides. */
/* A route that answers HTML has its errors as pages; so has a path of the
 * pages' that no route matched; the API's stay JSON. */
static void test_page_errors_are_html(void **state)
{
    struct fixture *f = fixture_start(bearer_only, 1);
    (void)state;
    struct answer a = ask(f, EVHTTP_REQ_GET, "/fi/things/not-a-uuid", NULL, NULL);
    assert_int_equal(a.status, 404);
    assert_string_equal(a.body, "{\"error\":{\"code\":\"not_found\",\"message\":\"No such resource.\"}}\n");
    dispatch_set_html(f->dispatch, &test_html);
    a = ask(f, EVHTTP_REQ_GET, "/fi/things/not-a-uuid", NULL, NULL);
    assert_int_equal(a.status, 404);
    assert_string_equal(a.body, "<p>404 not_found</p>");
    a = ask(f, EVHTTP_REQ_GET, "/fi/mine", NULL, NULL);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.body, "<p>401 unauthorized</p>");
    a = ask(f, EVHTTP_REQ_GET, "/fi/no-such-page", NULL, NULL);
    assert_int_equal(a.status, 404);
    assert_string_equal(a.body, "<p>404 not_found</p>");
    a = ask(f, EVHTTP_REQ_DELETE, "/fi/things/00000000-0000-4000-8000-000000000000", NULL, NULL);
    assert_int_equal(a.status, 405);
    assert_string_equal(a.body, "<p>405 method_not_allowed</p>");
    a = ask(f, EVHTTP_REQ_GET, "/things/not-a-uuid", NULL, NULL);
    assert_int_equal(a.status, 404);
    assert_non_null(strstr(a.body, "\"not_found\""));
    /* A page route's pattern matches, but the path is no page's: JSON. */
    a = ask(f, EVHTTP_REQ_GET, "/de/things/not-a-uuid", NULL, NULL);
    assert_int_equal(a.status, 404);
    assert_non_null(strstr(a.body, "\"not_found\""));
    fixture_stop(f);
}

static void test_sources_in_order(void **state)
{
    struct fixture *f = fixture_start(bearer_then_cookie, 2);
    (void)state;
    struct answer a = ask(f, EVHTTP_REQ_GET, "/whoami", "Cookie", COOKIE_NAME SESSION_TOKEN);
    assert_int_equal(a.status, 200);
    a = ask(f, EVHTTP_REQ_GET, "/whoami", "Authorization", "Basic dXNlcjpwYXNz");
    assert_int_equal(a.status, 401); /* a malformed Authorization is the answer, not a fall-through */
    assert_int_equal(cookie.loads, 1);
    fixture_stop(f);
}

static void test_typed_parameter_before_principal(void **state)
{
    struct fixture *f = fixture_start(cookie_only, 1);
    (void)state;
    assert_int_equal(ask(f, EVHTTP_REQ_GET, "/things/not-a-uuid", NULL, NULL).status, 404);
    assert_int_equal(ask(f, EVHTTP_REQ_GET, "/things/8a6e0804-2bd0-4672-b79d-d97027f8fd1d", NULL, NULL).status,
        401);
    assert_int_equal(ask(f, EVHTTP_REQ_GET, "/things/8a6e0804%2D2bd0-4672-b79d-d97027f8fd1d", "Cookie",
                         COOKIE_NAME SESSION_TOKEN)
                         .status,
        204); /* typed after decoding */
    struct answer a = ask(f, EVHTTP_REQ_DELETE, "/things/not-a-uuid", NULL, NULL);
    assert_int_equal(a.status, 405); /* the type is not part of matching: still this route's path */
    assert_string_equal(a.allow, "GET");
    assert_int_equal(cookie.loads, 1);
    fixture_stop(f);
}

static void test_org_action_on_the_path_slug(void **state)
{
    struct fixture *f = fixture_start(cookie_only, 1);
    (void)state;
    assert_int_equal(ask(f, EVHTTP_REQ_GET, "/orgs/perhe/report", "Cookie", COOKIE_NAME SESSION_TOKEN).status, 204);
    struct answer a = ask(f, EVHTTP_REQ_GET, "/orgs/muu-seura/report", "Cookie", COOKIE_NAME SESSION_TOKEN);
    assert_int_equal(a.status, 403);
    assert_non_null(strstr(a.body, "\"forbidden\""));
    assert_int_equal(ask(f, EVHTTP_REQ_GET, "/orgs/Not_A_Slug/report", NULL, NULL).status, 404);
    fixture_stop(f);
}

/* Every path parameter of the server's own table has a type, and the
 * matching module's routes are there only when it is on. */
static void test_server_table(void **state)
{
    const struct route_table *on = routes_table(true), *off = routes_table(false);
    (void)state;
    assert_true(route_table_size(off) < route_table_size(on));
    for (size_t i = 0; i < route_table_size(on); i++) {
        const char *pattern = route_table_get(on, i)->entry.pattern;
        assert_int_equal(router_pattern_typed(pattern), 0);
        bool matching = strstr(pattern, "support") != NULL || strstr(pattern, "pairings") != NULL ||
            strstr(pattern, "matching") != NULL;
        assert_int_equal(i >= route_table_size(off), matching);
    }
    const char *const *labels = route_table_metric_labels(on);
    assert_string_equal(labels[route_table_size(on)], "route=\"unmatched\",method=\"any\"");
    bool seen = false;
    for (size_t i = 0; i < route_table_size(on); i++)
        seen = seen || strcmp(labels[i], "route=\"/api/v1/groups/{id}\",method=\"GET\"") == 0;
    assert_true(seen); /* logs and metrics name the pattern without its types */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_source_loads_the_principal),
        cmocka_unit_test(test_no_cookie_is_401_without_a_lookup),
        cmocka_unit_test(test_cookie_means_nothing_without_its_source),
        cmocka_unit_test(test_sources_in_order),
        cmocka_unit_test(test_page_errors_are_html),
        cmocka_unit_test(test_typed_parameter_before_principal),
        cmocka_unit_test(test_org_action_on_the_path_slug),
        cmocka_unit_test(test_server_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
