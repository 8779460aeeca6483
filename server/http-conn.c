/* SPDX-License-Identifier: Apache-2.0 */
/* The open connections of one worker: per-client caps and request deadlines.
 *
 * evhttp (libevent 2.1) tells us nothing about a connection until a whole
 * request has arrived. We create each connection's bufferevent ourselves
 * (evhttp_set_bevcb) and adopt the connection from a priority-0 event that
 * runs before any of its I/O: by then evhttp has set the socket and its
 * callbacks, whose argument is the evhttp_connection, so we can count the
 * peer's address and set the close hook that untracks it. An input-buffer
 * callback notices the first byte of each request, which starts its
 * deadline; a one-second janitor closes connections whose request is not
 * complete by then. Idle keep-alive time is evhttp's timeout, not ours. */
#include "http-conn.h"

#include "log.h"
#include "netaddr.h"
#include "util.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#define ADDR_BUCKETS 1024
#define JANITOR_MS 250
#define MAX_METHOD_LEN 32 /* longer tokens are left to libevent */

enum conn_state {
    CONN_NEW,      /* accepted, not adopted yet */
    CONN_IDLE,     /* waiting for the first byte of a request */
    CONN_READING,  /* a request has begun: its deadline runs */
    CONN_HANDLING, /* the request is complete; the handlers have it */
};

struct addr_count {
    struct netaddr addr;
    unsigned n;
    struct addr_count *next;
};

struct http_conn {
    struct http_conns *owner;
    struct bufferevent *bev;
    struct evhttp_connection *evcon;
    struct addr_count *counted; /* NULL: a trusted proxy, or not adopted */
    struct evbuffer_cb_entry *input_cb;
    enum conn_state state;
    int fd;
    uint64_t deadline_ns;
    TAILQ_ENTRY(http_conn) link; /* on the deadline list when CONN_READING */
};

TAILQ_HEAD(conn_list, http_conn);

struct http_conns {
    struct event_base *base;
    const struct config *cfg;
    unsigned per_client_cap; /* this worker's share of max_connections_per_client */
    uint64_t request_timeout_ns;
    struct http_conn **pending; /* accepted, to adopt (CONN_NEW) */
    size_t npending, pending_cap;
    struct conn_list deadlines;
    struct event *adopt_ev, *janitor_ev;
    struct http_conn **by_fd;
    size_t nby_fd;
    struct addr_count *buckets[ADDR_BUCKETS];
    struct http_conns_stats stats;
};

/* ---- per-address counts ---- */

static unsigned addr_hash(const struct netaddr *a)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    size_t len = a->family == AF_INET ? 4 : 16;
    for (size_t i = 0; i < len; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    return h % ADDR_BUCKETS;
}

static struct addr_count *addr_take(struct http_conns *conns, const struct netaddr *a)
{
    struct addr_count **head = &conns->buckets[addr_hash(a)], *c;
    for (c = *head; c != NULL; c = c->next)
        if (netaddr_equal(&c->addr, a))
            break;
    if (c == NULL) {
        c = xcalloc(1, sizeof(*c));
        c->addr = *a;
        c->next = *head;
        *head = c;
    }
    c->n++;
    return c;
}

static void addr_release(struct http_conns *conns, struct addr_count *c)
{
    if (--c->n > 0)
        return;
    struct addr_count **p = &conns->buckets[addr_hash(&c->addr)];
    while (*p != c)
        p = &(*p)->next;
    *p = c->next;
    free(c);
}

/* ---- the table by descriptor ---- */

static void by_fd_set(struct http_conns *conns, int fd, struct http_conn *conn)
{
    if ((size_t)fd >= conns->nby_fd) {
        size_t n = conns->nby_fd ? conns->nby_fd : 256;
        while (n <= (size_t)fd)
            n *= 2;
        conns->by_fd = xrealloc(conns->by_fd, n * sizeof(*conns->by_fd));
        memset(conns->by_fd + conns->nby_fd, 0, (n - conns->nby_fd) * sizeof(*conns->by_fd));
        conns->nby_fd = n;
    }
    conns->by_fd[fd] = conn;
}

static struct http_conn *conn_of_request(struct http_conns *conns, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    if (evcon == NULL)
        return NULL;
    int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
    if (fd < 0 || (size_t)fd >= conns->nby_fd)
        return NULL;
    struct http_conn *conn = conns->by_fd[fd];
    return conn != NULL && conn->evcon == evcon ? conn : NULL;
}

/* ---- states ---- */

static void conn_set_state(struct http_conn *conn, enum conn_state state)
{
    struct http_conns *conns = conn->owner;
    if (conn->state == CONN_READING)
        TAILQ_REMOVE(&conns->deadlines, conn, link);
    conn->state = state;
    if (state == CONN_READING) {
        /* One timeout for all: appending keeps the list in deadline order. */
        conn->deadline_ns = clock_mono_ns() + conns->request_timeout_ns;
        TAILQ_INSERT_TAIL(&conns->deadlines, conn, link);
    }
}

/* evhttp is freeing the connection: forget it. Runs once per adopted conn. */
static void conn_closed_cb(struct evhttp_connection *evcon, void *arg)
{
    struct http_conn *conn = arg;
    struct http_conns *conns = conn->owner;
    (void)evcon;
    conn_set_state(conn, CONN_IDLE);
    evbuffer_remove_cb_entry(bufferevent_get_input(conn->bev), conn->input_cb);
    if (conn->counted != NULL)
        addr_release(conns, conn->counted);
    if (conn->fd >= 0 && (size_t)conn->fd < conns->nby_fd && conns->by_fd[conn->fd] == conn)
        conns->by_fd[conn->fd] = NULL;
    conns->stats.open--;
    free(conn);
}

static bool method_known(const char *m, size_t len)
{
    static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
        "CONNECT" };
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (strlen(known[i]) == len && memcmp(known[i], m, len) == 0)
            return true;
    return false;
}

/* libevent 2.1 answers a method it does not know (PROPFIND, FOO) itself, with
 * an HTML 501. Before evhttp reads the request line, such a method is renamed
 * TRACE, which reaches the router and gets the JSON 405 every other
 * unsupported method gets. Only the first request of a read is looked at:
 * a pipelined one behind it keeps libevent's answer. */
static void rename_unknown_method(struct evbuffer *buf)
{
    char head[MAX_METHOD_LEN + 1];
    ev_ssize_t n = evbuffer_copyout(buf, head, sizeof(head));
    ev_ssize_t len = 0;
    while (len < n && head[len] >= 'A' && head[len] <= 'Z')
        len++;
    if (len == 0 || len == n || head[len] != ' ' || method_known(head, (size_t)len))
        return;
    evbuffer_drain(buf, (size_t)len);
    evbuffer_prepend(buf, "TRACE", 5);
}

/* Bytes arrived (or were consumed): the first byte of a request starts its clock. */
static void input_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
    struct http_conn *conn = arg;
    if (info->n_added == 0 || conn->state != CONN_IDLE)
        return;
    conn_set_state(conn, CONN_READING); /* first: the rename below calls us again */
    rename_unknown_method(buf);
}

static bool peer_of(int fd, struct netaddr *out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    return getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
        netaddr_from_sockaddr((struct sockaddr *)&ss, out) == 0;
}

enum adoption { ADOPTED, OVER_CAP, GONE };

/* Count the connection's client and hook its close. GONE: evhttp dropped the
 * connection before we got to it (it clears the callbacks when it frees the
 * bufferevent; our reference keeps the memory until we let go). */
static enum adoption conn_adopt(struct http_conns *conns, struct http_conn *conn)
{
    bufferevent_data_cb rd, wr;
    bufferevent_event_cb ev;
    void *cbarg = NULL;
    bufferevent_getcb(conn->bev, &rd, &wr, &ev, &cbarg);
    struct evhttp_connection *evcon = cbarg; /* evhttp's own callback argument */
    conn->fd = bufferevent_getfd(conn->bev);
    if (evcon == NULL || conn->fd < 0 || evhttp_connection_get_bufferevent(evcon) != conn->bev)
        return GONE;
    conn->evcon = evcon;
    evhttp_connection_set_closecb(evcon, conn_closed_cb, conn);
    by_fd_set(conns, conn->fd, conn);
    conn_set_state(conn, evbuffer_get_length(bufferevent_get_input(conn->bev)) > 0 ? CONN_READING : CONN_IDLE);
    struct netaddr peer;
    if (!peer_of(conn->fd, &peer) || netaddr_cidrs_contain(&conns->cfg->trusted_proxy_list, &peer))
        return ADOPTED; /* a proxy speaks for many clients; it keeps its own limits */
    conn->counted = addr_take(conns, &peer);
    return conn->counted->n <= conns->per_client_cap ? ADOPTED : OVER_CAP;
}

static void conn_forget(struct http_conns *conns, struct http_conn *conn)
{
    evbuffer_remove_cb_entry(bufferevent_get_input(conn->bev), conn->input_cb);
    conns->stats.open--;
    free(conn);
}

static void adopt_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_conns *conns = arg;
    (void)fd;
    (void)what;
    unsigned refused = 0;
    for (size_t i = 0; i < conns->npending; i++) {
        struct http_conn *conn = conns->pending[i];
        struct bufferevent *bev = conn->bev;
        switch (conn_adopt(conns, conn)) {
        case ADOPTED:
            break;
        case OVER_CAP:
            refused++;
            conn_set_state(conn, CONN_HANDLING); /* off every list before it goes */
            evhttp_connection_free(conn->evcon); /* runs conn_closed_cb */
            break;
        case GONE:
            conn_forget(conns, conn);
            break;
        }
        bufferevent_decref(bev); /* the reference taken in http_conns_bev_cb */
    }
    conns->npending = 0;
    if (refused > 0) /* one line per batch: an attack must not flood the log */
        log_warn("%u connection(s) refused: a client is at its cap of %u per worker", refused,
            conns->per_client_cap);
    conns->stats.refused += refused;
}

struct bufferevent *http_conns_bev_cb(struct event_base *base, void *arg)
{
    struct http_conns *conns = arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (bev == NULL)
        return NULL;
    struct http_conn *conn = xcalloc(1, sizeof(*conn));
    conn->owner = conns;
    conn->bev = bev;
    conn->fd = -1;
    conn->state = CONN_NEW;
    conn->input_cb = evbuffer_add_cb(bufferevent_get_input(bev), input_cb, conn);
    if (conn->input_cb == NULL)
        fatalx("out of memory");
    /* Held until adopt_cb, so that a connection evhttp drops first (it can,
     * when out of memory) is still there to look at. */
    bufferevent_incref(bev);
    if (conns->npending == conns->pending_cap) {
        conns->pending_cap = conns->pending_cap ? conns->pending_cap * 2 : 64;
        conns->pending = xrealloc(conns->pending, conns->pending_cap * sizeof(*conns->pending));
    }
    conns->pending[conns->npending++] = conn;
    conns->stats.open++;
    event_active(conns->adopt_ev, EV_TIMEOUT, 0);
    return bev;
}

void http_conns_request_read(struct http_conns *conns, struct evhttp_request *req)
{
    struct http_conn *conn = conn_of_request(conns, req);
    if (conn != NULL)
        conn_set_state(conn, CONN_HANDLING);
}

void http_conns_request_answered(struct http_conns *conns, struct evhttp_request *req)
{
    struct http_conn *conn = conn_of_request(conns, req);
    if (conn == NULL)
        return;
    /* Bytes already waiting are a pipelined request: its clock starts now. */
    bool waiting = evbuffer_get_length(bufferevent_get_input(conn->bev)) > 0;
    conn_set_state(conn, waiting ? CONN_READING : CONN_IDLE);
}

/* Close every connection whose request is overdue. */
static void janitor_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_conns *conns = arg;
    uint64_t now = clock_mono_ns();
    struct http_conn *conn;
    unsigned expired = 0;
    (void)fd;
    (void)what;
    while ((conn = TAILQ_FIRST(&conns->deadlines)) != NULL && conn->deadline_ns <= now) {
        if (evbuffer_get_length(bufferevent_get_output(conn->bev)) > 0) {
            conn_set_state(conn, CONN_READING); /* still sending the last answer: not its fault */
            continue;
        }
        expired++;
        conn_set_state(conn, CONN_HANDLING); /* off the list before it goes */
        evhttp_connection_free(conn->evcon); /* runs conn_closed_cb */
    }
    if (expired > 0)
        log_info("%u connection(s) closed: no complete request within %d s", expired,
            conns->cfg->http_request_timeout_s);
    conns->stats.expired += expired;
}

struct http_conns *http_conns_new(struct event_base *base, const struct config *cfg)
{
    struct http_conns *conns = xcalloc(1, sizeof(*conns));
    conns->base = base;
    conns->cfg = cfg;
    int workers = cfg->workers > 0 ? cfg->workers : 1;
    conns->per_client_cap = (unsigned)((cfg->max_connections_per_client + workers - 1) / workers);
    conns->request_timeout_ns = (uint64_t)cfg->http_request_timeout_s * 1000000000ull;
    TAILQ_INIT(&conns->deadlines);
    conns->adopt_ev = event_new(base, -1, 0, adopt_cb, conns);
    conns->janitor_ev = event_new(base, -1, EV_PERSIST, janitor_cb, conns);
    struct timeval tick = { 0, JANITOR_MS * 1000 };
    if (conns->adopt_ev == NULL || conns->janitor_ev == NULL ||
        event_priority_set(conns->adopt_ev, HTTP_CONN_PRIORITY_ADOPT) != 0 || event_add(conns->janitor_ev, &tick))
        fatalx("http-conn: cannot create events");
    return conns;
}

void http_conns_free(struct http_conns *conns)
{
    if (conns == NULL)
        return;
    event_free(conns->adopt_ev);
    event_free(conns->janitor_ev);
    for (size_t i = 0; i < ADDR_BUCKETS; i++) {
        while (conns->buckets[i] != NULL) {
            struct addr_count *c = conns->buckets[i];
            conns->buckets[i] = c->next;
            free(c);
        }
    }
    free(conns->by_fd);
    free(conns->pending);
    free(conns);
}

unsigned http_conns_open(const struct http_conns *conns)
{
    return conns->stats.open;
}

void http_conns_stats(const struct http_conns *conns, struct http_conns_stats *out)
{
    *out = conns->stats;
}
