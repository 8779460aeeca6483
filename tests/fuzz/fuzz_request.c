/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the request path: raw HTTP requests, or JSON bodies
 * sent to a route of the table, through piirid's own HTTP layer.
 *
 * What runs is the real thing from the socket up: http_start (evhttp with
 * the server's limits, the connection tracker with its per-client cap and
 * request deadline, the request callback) on a loopback port, the
 * dispatcher (the router, typed parameters, body and JSON reading, the
 * principal lookup, the facts loaders, authz), every handler and the reply functions, all on one event loop as in
 * a worker. Only what talks to PostgreSQL, starts threads or writes logs is
 * replaced (tests/fuzz/request/fake.h): the database answers each statement
 * with one of the results recorded from the integration suite
 * (tests/fuzz/request/answers.json, `make fuzz-record`) or one of the faults
 * the real pool reports, as the input chooses, and always from the loop.
 *
 * An input is a 16-byte header and then the request:
 *   byte 0   bit 0: the rest is a JSON body (else raw bytes of HTTP/1.x);
 *            bit 1: the matching module is off;
 *            bits 2-4: the client hangs up after that many loop passes (0: it
 *            stays until everything is answered);
 *            bit 5: the request arrives in two writes, the first of
 *            byte 1 / 256 of its length;
 *            bit 6: a feed NOTIFY after every loop pass (feed-listen.c
 *            drops the cache), also while a cached feed is being sent;
 *            bit 7: a second client sends the same bytes at the same time
 *            (and stays).
 *   byte 1   JSON: which route with a body (index mod their number).
 *   byte 2   JSON: which org slug the path names, of those in the recorded
 *            principals' memberships (so that authz can say yes).
 *   3..15    the database's choices, one per query or hashing job in turn;
 *            0 is the first recorded answer, and further queries get 0.
 *
 * Per input, a client (or two) connects, writes, and reads until every
 * request the server took has been answered and nothing moves for a few
 * loop passes (no sleeping: thousands of inputs a second). Checked, beyond the
 * sanitizers: every request that reached the request callback gets exactly
 * one reply (evhttp_set_gencb and evhttp_send_reply are wrapped with
 * -Wl,--wrap to count them) and its context is freed; no 500 unless the
 * database answered an error; statuses are real ones and go out as HTTP/1.0
 * or HTTP/1.1; a JSON body parses
 * and an error body has the error model's code and message; 401
 * unauthorized says WWW-Authenticate, 405 says Allow, 204 and 304 have no
 * body; no log line holds an email address; and what the client reads
 * starts as an HTTP response. Replies that libevent makes by itself (a
 * request line it cannot parse, a body over the limit) are only checked to
 * be HTTP. */
#include "cal.h"
#include "config.h"
#include "db.h"
#include "dispatch.h"
#include "background.h"
#include "hasher.h"
#include "fake.h"
#include "feed-cache.h"
#include "http-conn.h"
#include "http.h"
#include "metrics.h"
#include "server.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_LEN        16
#define FLAG_JSON         0x01
#define FLAG_MATCHING_OFF 0x02
#define HANGUP_SHIFT      2
#define HANGUP_MASK       0x07
#define FLAG_SPLIT        0x20
#define FLAG_NOTIFY       0x40
#define FLAG_TWO_CLIENTS  0x80
#define IDLE_PASSES       4    /* nothing moved this many passes: settled */
#define STUCK_PASSES      2000 /* a request open and nothing to wait for */
#define MAX_PASSES        200000
#define CLIENT_READ_MAX   (8 * 1024 * 1024)
#define CLIENTS_MAX       2
#define FUZZ_TOKEN        "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz" /* well formed: 43 base64url */
#define FUZZ_UUID         "8a6e0804-2bd0-4672-b79d-d97027f8fd1d"
#define SLUGS_MAX         16
#define FUZZ_FEED_TOKEN   "abcdefghijklmnopqrstuv"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __real_evhttp_set_gencb(
    struct evhttp *http, void (*cb)(struct evhttp_request *, void *), void *arg);
void __wrap_evhttp_set_gencb(
    struct evhttp *http, void (*cb)(struct evhttp_request *, void *), void *arg);
void __real_evhttp_send_reply(
    struct evhttp_request *req, int code, const char *reason, struct evbuffer *body);
void __wrap_evhttp_send_reply(
    struct evhttp_request *req, int code, const char *reason, struct evbuffer *body);

struct client {
    int fd;
    struct event *ev;
    const char *out;
    size_t len, sent, limit; /* limit: what may be written so far (the split) */
    char *in;
    size_t got;
    bool eof, closed;
};

static struct {
    struct config cfg;
    struct server srv;
    struct sockaddr_in addr;
    void (*gencb)(struct evhttp_request *, void *);
    void *gencb_arg;
    struct evhttp_request **open; /* requests taken and not answered */
    size_t nopen, capopen;
    unsigned long started, replied, moved;
    struct client clients[CLIENTS_MAX];
    struct dispatch *dispatch[2]; /* matching off, on: the input chooses */
} h;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_request: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* ---- requests taken and replies sent (the wrapped evhttp calls) ---- */

static void counting_gencb(struct evhttp_request *req, void *arg)
{
    (void)arg;
    if (h.nopen == h.capopen) {
        h.capopen = h.capopen ? 2 * h.capopen : 16;
        h.open = xrealloc(h.open, h.capopen * sizeof(*h.open));
    }
    h.open[h.nopen++] = req;
    h.started++;
    h.gencb(req, h.gencb_arg);
}

void __wrap_evhttp_set_gencb(
    struct evhttp *http, void (*cb)(struct evhttp_request *, void *), void *arg)
{
    h.gencb = cb;
    h.gencb_arg = arg;
    __real_evhttp_set_gencb(http, counting_gencb, NULL);
}

static void open_remove(struct evhttp_request *req)
{
    for (size_t i = 0; i < h.nopen; i++) {
        if (h.open[i] == req) {
            h.open[i] = h.open[--h.nopen];
            return;
        }
    }
    fail("a reply to a request that is not waiting for one (a second reply?)");
}

static void check_error_body(int code, json_t *body, struct evkeyvalq *out)
{
    json_t *err = json_object_get(body, "error");
    json_t *field = json_object_get(err, "field");
    const char *ecode = json_string_value(json_object_get(err, "code"));
    if (ecode == NULL || !json_is_string(json_object_get(err, "message")) ||
        json_string_length(json_object_get(err, "message")) == 0)
        fail("status %d: the body is not {\"error\": {\"code\", \"message\"}}", code);
    if (field != NULL && !json_is_string(field))
        fail("status %d: error field is not a string", code);
    /* A failed login is 401 invalid_credentials without a challenge (docs/api.md). */
    if (code == 401 && strcmp(ecode, "unauthorized") == 0 &&
        evhttp_find_header(out, "WWW-Authenticate") == NULL)
        fail("401 unauthorized without WWW-Authenticate");
}

static void check_reply(struct evhttp_request *req, int code, struct evbuffer *body)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    const char *type = evhttp_find_header(out, "Content-Type");
    size_t len = body ? evbuffer_get_length(body) : 0;

    if (code < 100 || code > 599)
        fail("status %d is not an HTTP status", code);
    if (req->major != 1 || (req->minor != 0 && req->minor != 1))
        fail("status %d would go out as HTTP/%d.%d", code, req->major, req->minor);
    if (code == 500 && !fake_db_said_error())
        fail("500 although the database answered no error");
    if (evhttp_find_header(out, "X-Request-Id") == NULL)
        fail("status %d without X-Request-Id", code);
    if ((code == 204 || code == 304) && len != 0)
        fail("status %d with a body", code);
    if (code == 405 && evhttp_find_header(out, "Allow") == NULL)
        fail("405 without Allow");
    if (len == 0)
        return;
    if (type == NULL)
        fail("status %d: a body without Content-Type", code);
    if (strncmp(type, "application/json", 16) != 0) {
        if (code >= 400)
            fail("status %d: an error that is not JSON (%s)", code, type);
        return;
    }
    json_error_t err;
    json_t *parsed = json_loadb((const char *)evbuffer_pullup(body, -1), len, 0, &err);
    if (parsed == NULL)
        fail("status %d: the JSON body does not parse: %s", code, err.text);
    if (code >= 400)
        check_error_body(code, parsed, out);
    json_decref(parsed);
}

void __wrap_evhttp_send_reply(
    struct evhttp_request *req, int code, const char *reason, struct evbuffer *body)
{
    open_remove(req);
    h.replied++;
    check_reply(req, code, body);
    __real_evhttp_send_reply(req, code, reason, body);
}

/* ---- the client ---- */

static void client_read_cb(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    char buf[65536];
    (void)what;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n > 0) {
            size_t keep =
                c->got + (size_t)n <= CLIENT_READ_MAX ? (size_t)n : CLIENT_READ_MAX - c->got;
            memcpy(c->in + c->got, buf, keep);
            c->got += keep;
            h.moved++;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        c->eof = true; /* the server closed (or reset) the connection */
        h.moved++;
        event_del(c->ev);
        return;
    }
}

static void client_open(struct client *c, const char *out, size_t len, size_t limit)
{
    struct linger rst = { 1, 0 }; /* close with RST: no TIME_WAIT, ports are reused at once */
    char *in = c->in ? c->in : xmalloc(CLIENT_READ_MAX);
    *c = (struct client){ .out = out, .len = len, .limit = limit, .in = in };
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&h.addr, sizeof(h.addr)) != 0)
        fail("cannot connect to the server: %s", strerror(errno));
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
    evutil_make_socket_nonblocking(c->fd);
    c->ev = event_new(h.srv.base, c->fd, EV_READ | EV_PERSIST, client_read_cb, c);
    if (c->ev == NULL || event_add(c->ev, NULL) != 0)
        fail("cannot watch the client socket");
}

static void client_flush(struct client *c)
{
    while (!c->closed && !c->eof && c->sent < c->limit) {
        ssize_t n = send(c->fd, c->out + c->sent, c->limit - c->sent, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* full (the loop drains it) or reset by the server */
        c->sent += (size_t)n;
        h.moved++;
    }
}

static void client_close(struct client *c)
{
    if (c->closed)
        return;
    c->closed = true;
    event_free(c->ev);
    close(c->fd);
}

/* What the client read starts as an HTTP response with a whole head (unless
 * it hung up first and may have read part of one). The version is checked
 * on the server's own replies only: libevent's replies to what it cannot
 * parse repeat the version the request named, whatever it was. */
static void client_check(const struct client *c)
{
    if (c->got == 0 || c->closed)
        return;
    if (c->got < 13 || memcmp(c->in, "HTTP/", 5) != 0)
        fail("the client read something that is not an HTTP response: %.40s", c->in);
    if (memmem(c->in, c->got, "\r\n\r\n", 4) == NULL)
        fail("the client read a response head without its end");
}

/* ---- one exchange ---- */

static unsigned long moved(void)
{
    return h.started + h.replied + h.moved + fake_answers_given();
}

static bool waiting_for_server(void)
{
    return h.nopen > 0 || fake_db_pending() > 0 || fake_background_pending() > 0;
}

struct exchange {
    const char *req;
    size_t len, first; /* first: written before the loop, the rest at pass 2 */
    int hangup_pass;   /* the first client closes after this pass (0: never) */
    int nclients;      /* the second, if any, sends the same bytes meanwhile */
    bool notify;       /* a feed NOTIFY after every pass: the cache is dropped */
};

static bool unsent(const struct client *c)
{
    return !c->closed && !c->eof && c->sent < c->len;
}

static void exchange(const struct exchange *x)
{
    int idle = 0;
    for (int i = 0; i < x->nclients; i++) {
        client_open(&h.clients[i], x->req, x->len, x->first);
        client_flush(&h.clients[i]);
    }
    for (int pass = 1;; pass++) {
        unsigned long before = moved();
        bool pending = false;
        event_base_loop(h.srv.base, EVLOOP_NONBLOCK);
        if (x->notify)
            feed_cache_invalidate();
        for (int i = 0; i < x->nclients; i++) {
            struct client *c = &h.clients[i];
            if (pass == 2)
                c->limit = x->len;
            client_flush(c);
            if (pass == x->hangup_pass && i == 0)
                client_close(c);
            pending = pending || unsent(c);
        }
        idle = moved() == before ? idle + 1 : 0;
        if (!waiting_for_server() && !pending && idle >= IDLE_PASSES)
            break;
        if (idle >= STUCK_PASSES || pass >= MAX_PASSES)
            fail("stuck: %zu requests unanswered, %u queries and %u jobs pending", h.nopen,
                fake_db_pending(), fake_background_pending());
    }
    for (int i = 0; i < x->nclients; i++) {
        client_check(&h.clients[i]);
        client_close(&h.clients[i]);
    }
    /* Let the server see the reset and free the connection. */
    for (int i = 0; i < IDLE_PASSES; i++)
        event_base_loop(h.srv.base, EVLOOP_NONBLOCK);
    if (h.srv.requests_active != 0)
        fail("%u request contexts were never freed", h.srv.requests_active);
}

/* ---- inputs ---- */

static int body_routes[64];
static size_t nbody_routes;
static const char *slugs[SLUGS_MAX] = { "perhekahvilat-tampere" };
static size_t nslugs = 1;

/* Distinct org slugs of the recorded principals, in the order recorded. */
static void slugs_collect(void)
{
    const char *v;
    for (size_t i = 0; (v = fake_db_value("slug", i)) != NULL && nslugs < SLUGS_MAX; i++) {
        bool seen = false;
        for (size_t k = 0; k < nslugs; k++)
            seen = seen || strcmp(slugs[k], v) == 0;
        if (!seen)
            slugs[nslugs++] = v;
    }
}

/* The route's pattern with its parameters filled in. */
static void route_path(const char *pattern, const char *slug, char *out, size_t cap)
{
    size_t used = 0;
    for (const char *p = pattern; *p && used + 64 < cap;) {
        if (*p != '{') {
            out[used++] = *p++;
            continue;
        }
        const char *close = strchr(p, '}');
        const char *value = strncmp(p, "{slug}", 6) == 0    ? slug
                            : strncmp(p, "{token}", 7) == 0 ? FUZZ_FEED_TOKEN
                                                            : FUZZ_UUID;
        used += (size_t)snprintf(out + used, cap - used, "%s", value);
        p = close ? close + 1 : p + strlen(p);
    }
    out[used] = '\0';
}

static char *json_request(const uint8_t *head, const uint8_t *body, size_t len, size_t *out_len)
{
    const struct route *r = route_table_get(routes_table(true), (size_t)body_routes[head[1] % nbody_routes]);
    char path[256];
    route_path(r->entry.pattern, slugs[head[2] % nslugs], path, sizeof(path));
    char *start = xasprintf("%s %s HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer " FUZZ_TOKEN
                            "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
        router_method_name(r->entry.method), path, len);
    size_t hl = strlen(start);
    char *req = xmalloc(hl + len + 1);
    memcpy(req, start, hl);
    memcpy(req + hl, body, len);
    free(start);
    *out_len = hl + len;
    return req;
}

/* The dispatcher with or without the matching module, as the input says
 * (the server builds its table once, at start-up). */
static void fuzz_dispatch(struct req_ctx *ctx, void *arg)
{
    (void)arg;
    dispatch_request(ctx, h.dispatch[h.cfg.matching ? 1 : 0]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *cause = NULL;
    const char *answers = getenv("PIIRI_FUZZ_ANSWERS");
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    fake_log_enabled = getenv("PIIRI_FUZZ_LOG") != NULL;
    if (sodium_init() < 0)
        fail("libsodium cannot start");
    cal_init();
    fake_db_load(answers ? answers : REQFUZZ_ANSWERS);
    slugs_collect();
    const struct route_table *all = routes_table(true);
    metrics_init(route_table_size(all), route_table_metric_labels(all), 1);
    for (size_t i = 0; i < route_table_size(all) && nbody_routes < ARRAY_LEN(body_routes); i++) {
        if (route_table_get(all, i)->body != ROUTE_BODY_NONE)
            body_routes[nbody_routes++] = (int)i;
    }
    for (int on = 0; on < 2; on++)
        h.dispatch[on] = dispatch_new(routes_table(on), principal_sources, principal_nsources);

    config_defaults(&h.cfg);
    /* The client is a trusted proxy, so X-Forwarded-For in the input names
     * the client (throttling keys, /metrics access); a metrics token too. */
    if (config_set(&h.cfg, "public_url", "http://127.0.0.1:8080", &cause) != 0 ||
        config_set(&h.cfg, "trusted_proxies", "127.0.0.0/8", &cause) != 0 ||
        config_set(&h.cfg, "metrics_token", "fuzz-metrics-token-0123", &cause) != 0)
        fail("%s", cause);
    h.cfg.listen_port = 0; /* any free port */
    h.srv.cfg = &h.cfg;
    h.srv.base = event_base_new();
    if (h.srv.base == NULL || event_base_priority_init(h.srv.base, HTTP_CONN_PRIORITIES) != 0)
        fail("cannot create the event loop"); /* as worker.c does */
    struct db_pool_settings dbs = { "fake", h.cfg.db_pool_size, h.cfg.db_queue_max,
        h.cfg.db_wait_ms, h.cfg.query_timeout_ms };
    h.srv.pool = db_pool_new(h.srv.base, &dbs);
    h.srv.background = background_new(h.srv.base);
    h.srv.hasher = hasher_start(h.srv.base, 0);
    if (http_start(&h.srv, fuzz_dispatch, NULL, &cause) != 0)
        fail("http_start: %s", cause);
    socklen_t alen = sizeof(h.addr);
    if (getsockname(evconnlistener_get_fd(h.srv.listener), (struct sockaddr *)&h.addr, &alen) != 0)
        fail("getsockname: %s", strerror(errno));
    feed_cache_enabled = true; /* as with the LISTEN connection up; emptied after each input */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t head[HEADER_LEN] = { 0 };
    size_t hl = size < HEADER_LEN ? size : HEADER_LEN, len;
    char *req;
    memcpy(head, data, hl);
    if (head[0] & FLAG_JSON) {
        req = json_request(head, data + hl, size - hl, &len);
    } else {
        len = size - hl;
        req = xmalloc(len + 1);
        memcpy(req, data + hl, len);
    }
    struct exchange x = {
        .req = req,
        .len = len,
        .first = (head[0] & FLAG_SPLIT) ? len * head[1] / 256 : len,
        .hangup_pass = (head[0] >> HANGUP_SHIFT) & HANGUP_MASK,
        .nclients = (head[0] & FLAG_TWO_CLIENTS) ? 2 : 1,
        .notify = (head[0] & FLAG_NOTIFY) != 0,
    };

    h.cfg.matching = (head[0] & FLAG_MATCHING_OFF) == 0;
    fake_choices_begin(head + 3, HEADER_LEN - 3);
    exchange(&x);
    feed_cache_invalidate();
    free(req);
    return 0;
}
