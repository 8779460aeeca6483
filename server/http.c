/* SPDX-License-Identifier: Apache-2.0 */
/* evhttp with every limit set explicitly, a cap on open connections, the
 * framing checks, and the reply functions: every reply is logged once
 * (method, route pattern, status, duration, request id: never personal
 * data) and counted in the metrics, and frees the request context. What a
 * request asks for is the request callback's to work out. */
#include "http.h"

#include "http-conn.h"
#include "log.h"
#include "metrics.h"
#include "netaddr.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <sys/queue.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define ACCEPT_PAUSE_MS 100
#define HTTP_MAX_SINGLE_WRITE (1024 * 1024)

/* Where requests go (one server per process). */
static http_request_cb request_handler;
static void *request_handler_arg;

static unsigned method_of(struct evhttp_request *req)
{
    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_GET:
    case EVHTTP_REQ_HEAD:
        return ROUTER_GET;
    case EVHTTP_REQ_POST:
        return ROUTER_POST;
    case EVHTTP_REQ_PUT:
        return ROUTER_PUT;
    case EVHTTP_REQ_PATCH:
        return ROUTER_PATCH;
    case EVHTTP_REQ_DELETE:
        return ROUTER_DELETE;
    default:
        return 0;
    }
}

/* ---- the request context ---- */

static void set_request_id(struct req_ctx *ctx)
{
    const char *given = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-Request-Id");
    if (given != NULL) {
        size_t len = strlen(given);
        bool sane = len > 0 && len < sizeof(ctx->request_id);
        for (size_t i = 0; sane && i < len; i++) {
            char c = given[i];
            sane = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.';
        }
        if (sane) {
            memcpy(ctx->request_id, given, len + 1);
            return;
        }
    }
    /* A random prefix per process and a counter: unique without asking the
     * kernel for randomness on every request. */
    static uint32_t prefix;
    if (prefix == 0)
        prefix = randombytes_random() | 1;
    snprintf(ctx->request_id, sizeof(ctx->request_id), "%08x%08llx", prefix,
        (unsigned long long)++ctx->srv->request_seq);
}

/* The client: the peer, or behind a trusted proxy the address it forwarded. */
static void set_client_addr(struct req_ctx *ctx)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(ctx->req);
    char *host = NULL;
    ev_uint16_t port;
    struct netaddr peer, client;
    snprintf(ctx->client_addr, sizeof(ctx->client_addr), "unknown");
    if (evcon == NULL)
        return;
    evhttp_connection_get_peer(evcon, &host, &port);
    if (host == NULL || netaddr_parse(host, &peer) != 0)
        return;
    const char *xff = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-Forwarded-For");
    netaddr_forwarded_client(&peer, xff, &ctx->srv->cfg->trusted_proxy_list, &client);
    netaddr_format(&client, ctx->client_addr, sizeof(ctx->client_addr));
}

static struct req_ctx *ctx_new(struct server *srv, struct evhttp_request *req)
{
    struct req_ctx *ctx = xcalloc(1, sizeof(*ctx));
    ctx->req = req;
    ctx->srv = srv;
    ctx->route = -1;
    ctx->method = method_of(req);
    ctx->started_ns = clock_mono_ns();
    set_request_id(ctx);
    set_client_addr(ctx);
    srv->requests_active++;
    return ctx;
}

static void ctx_free(struct req_ctx *ctx)
{
    struct server *srv = ctx->srv;
    if (ctx->release != NULL)
        ctx->release(ctx);
    if (ctx->query != NULL) {
        evhttp_clear_headers(ctx->query);
        free(ctx->query);
    }
    free(ctx->page_key);
    free(ctx);
    srv->requests_active--;
    if (srv->draining && srv->requests_active == 0 && srv->drained != NULL)
        srv->drained(srv);
}

const char *http_query_param(struct req_ctx *ctx, const char *name)
{
    if (ctx->query == NULL) {
        ctx->query = xcalloc(1, sizeof(*ctx->query));
        TAILQ_INIT(ctx->query);
        const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(ctx->req));
        if (q != NULL && evhttp_parse_query_str(q, ctx->query) != 0)
            evhttp_clear_headers(ctx->query);
    }
    return evhttp_find_header(ctx->query, name);
}

/* ---- replies ---- */

/* libevent 2.1 knows no phrase for these and would say "Client Error". */
static const char *reason_phrase(int status)
{
    switch (status) {
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return NULL;
    }
}

/* The Date header, formatted once a second: evhttp would format it for every
 * reply, a twelfth of the instructions a cached feed's reply takes. */
static const char *date_now(void)
{
    static time_t shown = -1;
    static char date[40];
    time_t now = time(NULL);
    if (now != shown) {
        struct tm tm;
        gmtime_r(&now, &tm);
        evutil_date_rfc1123(date, sizeof(date), &tm);
        shown = now;
    }
    return date;
}

static void reply_send(struct req_ctx *ctx, int status, const char *content_type, struct evbuffer *body)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->req);
    uint64_t elapsed = clock_mono_ns() - ctx->started_ns;

    if (content_type != NULL)
        evhttp_add_header(h, "Content-Type", content_type);
    evhttp_add_header(h, "X-Request-Id", ctx->request_id);
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    if (evhttp_find_header(h, "Cache-Control") == NULL)
        evhttp_add_header(h, "Cache-Control", "no-store");
    if (ctx->srv->draining || ctx->close_connection)
        evhttp_add_header(h, "Connection", "close");
    evhttp_add_header(h, "Date", date_now());
    http_conns_request_answered(ctx->srv->conns, ctx->req);
    evhttp_send_reply(ctx->req, status, reason_phrase(status), body);

    const char *pattern = ctx->log_pattern ? ctx->log_pattern : "unmatched";
    log_info("%s %s %d %.2fms rid=%s", router_method_name(ctx->method), pattern, status,
        (double)elapsed / 1e6, ctx->request_id);
    metrics_observe(ctx->route, status, elapsed);
    ctx_free(ctx);
}

void http_reply_text(struct req_ctx *ctx, int status, const char *content_type, struct evbuffer *body)
{
    reply_send(ctx, status, content_type, body);
}

void http_reply_json_text(struct req_ctx *ctx, int status, const char *text, size_t len)
{
    struct evbuffer *buf = evbuffer_new();
    if (buf == NULL)
        fatalx("out of memory");
    evbuffer_add(buf, text, len);
    evbuffer_add(buf, "\n", 1);
    reply_send(ctx, status, "application/json", buf);
    evbuffer_free(buf);
}

void http_reply_json(struct req_ctx *ctx, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    if (text == NULL)
        fatalx("out of memory");
    json_decref(body);
    http_reply_json_text(ctx, status, text, strlen(text));
    free(text);
}

enum messages_lang http_messages_lang(struct req_ctx *ctx)
{
    return messages_lang(evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Language"));
}

void http_reply_error(struct req_ctx *ctx, int status, const char *code, const char *message, const char *field)
{
    if (ctx->error_reply != NULL) {
        void (*reply)(struct req_ctx *, int, const char *, const char *) = ctx->error_reply;
        ctx->error_reply = NULL; /* an error while replying is then plain JSON */
        reply(ctx, status, code, message);
        return;
    }
    message = messages_sentence(http_messages_lang(ctx), code, message);
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err == NULL)
        fatalx("out of memory");
    if (field != NULL)
        json_object_set_new(err, "field", json_string(field));
    http_reply_json(ctx, status, json_pack("{s:o}", "error", err));
}

void http_reply_empty(struct req_ctx *ctx, int status)
{
    reply_send(ctx, status, NULL, NULL);
}

/* ---- requests ---- */

/* Framing a proxy in front may read differently from us (request smuggling):
 * two Content-Length values that differ, or Content-Length beside
 * Transfer-Encoding. Refused, and the connection closed, since where the
 * next request starts is unknown. */
static bool framing_ambiguous(struct evhttp_request *req)
{
    struct evkeyvalq *headers = evhttp_request_get_input_headers(req);
    const char *length = evhttp_find_header(headers, "Content-Length");
    if (length == NULL)
        return false;
    if (evhttp_find_header(headers, "Transfer-Encoding") != NULL)
        return true;
    struct evkeyval *h;
    TAILQ_FOREACH(h, headers, next) {
        if (strcasecmp(h->key, "Content-Length") == 0 && strcmp(h->value, length) != 0)
            return true;
    }
    return false;
}

/* libevent 2.1 takes any "HTTP/x.y" with x <= 1 (HTTP/0.1, HTTP/1.7, even
 * HTTP/-3.2) and answers in the version asked. A later 1.x is served as 1.1
 * (RFC 9112 2.3); anything else gets 505, in HTTP/1.1. */
static int check_version(struct req_ctx *ctx)
{
    struct evhttp_request *req = ctx->req;
    if (req->major == 1 && req->minor >= 0) {
        if (req->minor > 1)
            req->minor = 1;
        return 0;
    }
    req->major = 1;
    req->minor = 1;
    ctx->close_connection = true;
    http_reply_error(ctx, 505, "http_version_not_supported", "Send HTTP/1.1 or HTTP/1.0.", NULL);
    return -1;
}

static void request_cb(struct evhttp_request *req, void *arg)
{
    struct server *srv = arg;
    http_conns_request_read(srv->conns, req);
    struct req_ctx *ctx = ctx_new(srv, req);

    if (check_version(ctx) != 0)
        return;
    if (framing_ambiguous(req)) {
        ctx->close_connection = true;
        http_reply_error(ctx, 400, "ambiguous_framing",
            "Send one Content-Length, or Transfer-Encoding without Content-Length.", NULL);
        return;
    }
    request_handler(ctx, request_handler_arg);
}

/* ---- connections: a cap below the fd limit ---- */

static void listener_set(struct server *srv, bool on)
{
    if (srv->listener == NULL || srv->accepting == on)
        return;
    srv->accepting = on;
    if (on)
        evconnlistener_enable(srv->listener);
    else
        evconnlistener_disable(srv->listener);
}

/* http-conn.c counts every open connection exactly (it sees each close). */
static bool over_cap(const struct server *srv)
{
    return http_conns_open(srv->conns) >= (unsigned)srv->fd_cap;
}

static void accept_resume_cb(evutil_socket_t fd, short what, void *arg);

/* Pause accepting and look again shortly. */
static void accept_pause(struct server *srv)
{
    struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
    listener_set(srv, false);
    event_base_once(srv->base, -1, EV_TIMEOUT, accept_resume_cb, srv, &tv);
}

static void accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
    struct server *srv = arg;
    (void)fd;
    (void)what;
    if (srv->draining || srv->listener == NULL)
        return;
    if (over_cap(srv))
        accept_pause(srv);
    else
        listener_set(srv, true);
}

static struct bufferevent *connection_bev_cb(struct event_base *base, void *arg)
{
    struct server *srv = arg;
    if (srv->accepting && over_cap(srv)) {
        log_warn("connection cap reached; pausing accept");
        accept_pause(srv);
    }
    struct bufferevent *bev = http_conns_bev_cb(base, srv->conns);
    /* libevent writes at most 16 KiB per loop pass by default: a 100 KiB
     * feed would take seven passes and as many system calls. */
    if (bev != NULL)
        bufferevent_set_max_single_write(bev, HTTP_MAX_SINGLE_WRITE);
    return bev;
}

/* accept() failed (EMFILE, ENFILE, ENOBUFS): pause instead of spinning. */
static void accept_error_cb(struct evconnlistener *lev, void *arg)
{
    struct server *srv = arg;
    (void)lev;
    log_warn("accept failed (%s); pausing %d ms", strerror(errno), ACCEPT_PAUSE_MS);
    accept_pause(srv);
}

static int bind_listener(struct server *srv, char **cause)
{
    struct evutil_addrinfo hints = { 0 }, *ai = NULL;
    char port[8];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
    snprintf(port, sizeof(port), "%d", srv->cfg->listen_port);
    int rc = evutil_getaddrinfo(srv->cfg->listen_host, port, &hints, &ai);
    if (rc != 0 || ai == NULL) {
        *cause = xasprintf("cannot resolve listen address %s: %s", srv->cfg->listen, evutil_gai_strerror(rc));
        return -1;
    }
    srv->listener = evconnlistener_new_bind(srv->base, NULL, srv,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT, 1024,
        ai->ai_addr, (int)ai->ai_addrlen);
    evutil_freeaddrinfo(ai);
    if (srv->listener == NULL) {
        *cause = xasprintf("cannot listen on %s: %s", srv->cfg->listen, strerror(errno));
        return -1;
    }
    evconnlistener_set_error_cb(srv->listener, accept_error_cb);
    srv->accepting = true;
    return 0;
}

/* Raise the descriptor limit as far as allowed and keep a reserve below it
 * for the database pool and files, so clients can never take the last ones. */
static void set_fd_cap(struct server *srv)
{
    struct rlimit rl;
    int reserve = srv->cfg->db_pool_size + 32;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        rl.rlim_cur = 1024;
    long limit = rl.rlim_cur == RLIM_INFINITY ? INT_MAX : (long)rl.rlim_cur;
    long cap = srv->cfg->max_connections;
    srv->fd_cap = (int)(cap < limit - reserve ? cap : limit - reserve);
}

int http_check_port_free(const struct config *cfg, char **cause)
{
    struct evutil_addrinfo hints = { 0 }, *ai = NULL;
    char port[8];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE;
    snprintf(port, sizeof(port), "%d", cfg->listen_port);
    if (evutil_getaddrinfo(cfg->listen_host, port, &hints, &ai) != 0 || ai == NULL) {
        *cause = xasprintf("cannot resolve listen address %s", cfg->listen);
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, rc = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        *cause = xasprintf("cannot listen on %s: %s", cfg->listen, strerror(errno));
        rc = -1;
    }
    if (fd >= 0)
        close(fd);
    evutil_freeaddrinfo(ai);
    return rc;
}

int http_start(struct server *srv, http_request_cb cb, void *arg, char **cause)
{
    struct timeval timeout = { srv->cfg->http_timeout_s, 0 };

    request_handler = cb;
    request_handler_arg = arg;
    srv->http = evhttp_new(srv->base);
    if (srv->http == NULL)
        fatalx("out of memory");
    /* evhttp's defaults are unsafe: no limits, 50 s timeouts, ISO-8859-1. */
    evhttp_set_max_body_size(srv->http, HTTP_MAX_BODY);
    evhttp_set_max_headers_size(srv->http, HTTP_MAX_HEADERS);
    evhttp_set_timeout_tv(srv->http, &timeout);
    evhttp_set_default_content_type(srv->http, "application/json");
    /* Every method evhttp knows reaches the router, so that TRACE and CONNECT
     * get our JSON 405 rather than libevent's HTML 501. */
    evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
            EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
    evhttp_set_gencb(srv->http, request_cb, srv);
    srv->conns = http_conns_new(srv->base, srv->cfg);
    evhttp_set_bevcb(srv->http, connection_bev_cb, srv);
    set_fd_cap(srv);
    if (bind_listener(srv, cause) != 0)
        return -1;
    srv->bound = evhttp_bind_listener(srv->http, srv->listener);
    if (srv->bound == NULL) {
        *cause = xasprintf("cannot serve on %s", srv->cfg->listen);
        return -1;
    }
    return 0;
}

/* Close the listening socket: with SO_REUSEPORT the kernel would otherwise
 * keep queueing new connections on it that nobody accepts. */
void http_stop_accepting(struct server *srv)
{
    if (srv->bound == NULL)
        return;
    evhttp_del_accept_socket(srv->http, srv->bound);
    srv->bound = NULL;
    srv->listener = NULL;
    srv->accepting = false;
}

void http_free(struct server *srv)
{
    /* evhttp owns the listener after evhttp_bind_listener and frees it. */
    if (srv->http != NULL)
        evhttp_free(srv->http);
    srv->http = NULL;
    http_conns_free(srv->conns); /* after evhttp_free: its connections are gone */
    srv->conns = NULL;
    srv->listener = NULL;
}
