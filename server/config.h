/* SPDX-License-Identifier: Apache-2.0 */
/* Settings: a table of keys with types, bounds and defaults, read from an
 * optional "key = value" file and then from PIIRI_* environment variables. */
#ifndef PIIRI_CONFIG_H
#define PIIRI_CONFIG_H

#include "netaddr.h"

#include <stdbool.h>

struct config {
    char *listen;            /* "host:port" as given */
    char listen_host[64];    /* parsed from listen */
    int listen_port;
    char *database_url;
    char *listen_database_url; /* the LISTEN connection's; default database_url */
    int workers;
    char *public_url;
    bool matching;
    int db_pool_size;        /* connections per worker */
    int db_queue_max;        /* requests waiting for a connection, per worker */
    int db_wait_ms;          /* longest wait for a connection before 503 */
    int query_timeout_ms;    /* longest a query may run */
    int max_connections;     /* open HTTP connections per worker */
    int http_timeout_s;      /* read/write/keep-alive idle timeout */
    int http_request_timeout_s; /* a whole request (head and body) must arrive within this */
    int max_connections_per_client; /* open HTTP connections per client address, all workers */
    char *trusted_proxies;   /* as given */
    struct netaddr_cidrs trusted_proxy_list; /* parsed: X-Forwarded-For is believed from these */
    int token_days;          /* lifetime of a sign-in token */
    char *log_level;
    char *metrics_token;     /* bearer token for /metrics from outside loopback; NULL: none */
    char *contact_email;     /* the operator's address on the privacy and accessibility pages */
    char *smtp_url;          /* smtp:// or smtps://host:port; NULL: no SMTP */
    char *smtp_user, *smtp_password; /* NULL: no SMTP AUTH */
    char *mail_from;         /* From: of every message ("Name <addr>" or addr) */
    char *maildir;           /* without smtp_url: messages written here; NULL: neither, no delivery */
    int mail_retry_s;        /* first delay after a temporary refusal; it doubles each time */
    int page_cache_ms;       /* how long a signed-out page is answered from memory; 0: never */
};

/* Fill in every default. */
void config_defaults(struct config *cfg);
/* Set one key ("workers") to a textual value; -1 and *cause (new) on error. */
int config_set(struct config *cfg, const char *key, const char *value, char **cause)
    __attribute__((warn_unused_result));
/* Apply "key = value" lines (# comments, blank lines); -1 and *cause on error. */
int config_apply_text(struct config *cfg, const char *text, char **cause)
    __attribute__((warn_unused_result));
/* Defaults, then the file (if path is not NULL), then the environment. */
int config_load(struct config *cfg, const char *path, char **cause)
    __attribute__((warn_unused_result));
void config_free(struct config *cfg);

#endif
