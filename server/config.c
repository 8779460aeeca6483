/* SPDX-License-Identifier: Apache-2.0 */
/* The settings table. Each key has one type, one default and, for numbers,
 * bounds; a bad value stops start-up with a one-line cause. */
#include "config.h"

#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL, CONFIG_LISTEN, CONFIG_URL, CONFIG_LEVEL, CONFIG_CIDRS };

struct config_key {
    const char *name;
    const char *env;
    enum config_type type;
    size_t offset;
    const char *default_value; /* NULL: computed in config_defaults or config_load */
    int min, max;              /* numbers: bounds; strings: min is the shortest length */
};

static const struct config_key config_keys[] = {
    { "listen", "PIIRI_LISTEN", CONFIG_LISTEN, offsetof(struct config, listen), "127.0.0.1:8080", 0, 0 },
    { "database_url", "PIIRI_DATABASE_URL", CONFIG_STRING, offsetof(struct config, database_url),
        "postgresql:///piiri", 0, 0 },
    { "listen_database_url", "PIIRI_LISTEN_DATABASE_URL", CONFIG_STRING,
        offsetof(struct config, listen_database_url), NULL, 0, 0 },
    { "workers", "PIIRI_WORKERS", CONFIG_INT, offsetof(struct config, workers), NULL, 1, 256 },
    { "public_url", "PIIRI_PUBLIC_URL", CONFIG_URL, offsetof(struct config, public_url), NULL, 0, 0 },
    { "matching", "PIIRI_MATCHING", CONFIG_BOOL, offsetof(struct config, matching), "on", 0, 0 },
    { "db_pool_size", "PIIRI_DB_POOL_SIZE", CONFIG_INT, offsetof(struct config, db_pool_size), "8", 1, 64 },
    { "db_queue_max", "PIIRI_DB_QUEUE_MAX", CONFIG_INT, offsetof(struct config, db_queue_max), "1024", 1,
        100000 },
    { "db_wait_ms", "PIIRI_DB_WAIT_MS", CONFIG_INT, offsetof(struct config, db_wait_ms), "3000", 10, 60000 },
    { "query_timeout_ms", "PIIRI_QUERY_TIMEOUT_MS", CONFIG_INT, offsetof(struct config, query_timeout_ms),
        "10000", 100, 600000 },
    { "max_connections", "PIIRI_MAX_CONNECTIONS", CONFIG_INT, offsetof(struct config, max_connections),
        "4096", 16, 1000000 },
    { "http_timeout_s", "PIIRI_HTTP_TIMEOUT_S", CONFIG_INT, offsetof(struct config, http_timeout_s), "30", 1,
        3600 },
    { "http_request_timeout_s", "PIIRI_HTTP_REQUEST_TIMEOUT_S", CONFIG_INT,
        offsetof(struct config, http_request_timeout_s), "20", 1, 3600 },
    { "max_connections_per_client", "PIIRI_MAX_CONNECTIONS_PER_CLIENT", CONFIG_INT,
        offsetof(struct config, max_connections_per_client), "64", 1, 1000000 },
    { "trusted_proxies", "PIIRI_TRUSTED_PROXIES", CONFIG_CIDRS, offsetof(struct config, trusted_proxies), "", 0,
        0 },
    { "token_days", "PIIRI_TOKEN_DAYS", CONFIG_INT, offsetof(struct config, token_days), "30", 1, 3650 },
    { "log_level", "PIIRI_LOG_LEVEL", CONFIG_LEVEL, offsetof(struct config, log_level), "info", 0, 0 },
    /* Where the web pages' accessibility statement and privacy notice send
     * feedback and requests: the service's operator. */
    { "contact_email", "PIIRI_CONTACT_EMAIL", CONFIG_STRING, offsetof(struct config, contact_email),
        "tietosuoja@piiri.example", 0, 0 },
    /* A secret: at least 16 characters, never echoed in a message. */
    { "metrics_token", "PIIRI_METRICS_TOKEN", CONFIG_STRING, offsetof(struct config, metrics_token), NULL, 16,
        0 },
    /* Mail: SMTP when smtp_url is set, else a Maildir when maildir is set,
     * else no delivery (the outbox keeps its rows). */
    { "smtp_url", "PIIRI_SMTP_URL", CONFIG_STRING, offsetof(struct config, smtp_url), NULL, 0, 0 },
    { "smtp_user", "PIIRI_SMTP_USER", CONFIG_STRING, offsetof(struct config, smtp_user), NULL, 0, 0 },
    { "smtp_password", "PIIRI_SMTP_PASSWORD", CONFIG_STRING, offsetof(struct config, smtp_password), NULL, 0, 0 },
    { "mail_from", "PIIRI_MAIL_FROM", CONFIG_STRING, offsetof(struct config, mail_from), "Piiri <piiri@localhost>",
        0, 0 },
    { "maildir", "PIIRI_MAILDIR", CONFIG_STRING, offsetof(struct config, maildir), NULL, 0, 0 },
    { "mail_retry_s", "PIIRI_MAIL_RETRY_S", CONFIG_INT, offsetof(struct config, mail_retry_s), "60", 1, 86400 },
    { "page_cache_ms", "PIIRI_PAGE_CACHE_MS", CONFIG_INT, offsetof(struct config, page_cache_ms), "2000", 0,
        60000 },
};

static int parse_int(const char *value, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_listen(struct config *cfg, const char *value)
{
    const char *colon = strrchr(value, ':');
    if (colon == NULL || colon == value || (size_t)(colon - value) >= sizeof(cfg->listen_host))
        return -1;
    int port;
    if (parse_int(colon + 1, 1, 65535, &port) != 0)
        return -1;
    const char *host = value;
    size_t len = (size_t)(colon - value);
    if (host[0] == '[' && len >= 2 && host[len - 1] == ']') { /* [::1]:8080 */
        host++;
        len -= 2;
    }
    memcpy(cfg->listen_host, host, len);
    cfg->listen_host[len] = '\0';
    cfg->listen_port = port;
    return 0;
}

static void set_string(char **slot, const char *value)
{
    free(*slot);
    *slot = xstrdup(value);
}

static int apply_key(struct config *cfg, const struct config_key *k, const char *value, char **cause)
{
    void *slot = (char *)cfg + k->offset;
    switch (k->type) {
    case CONFIG_INT:
        if (parse_int(value, k->min, k->max, slot) != 0) {
            *cause = xasprintf("bad setting %s=%s: expected a whole number from %d to %d", k->name, value,
                k->min, k->max);
            return -1;
        }
        return 0;
    case CONFIG_BOOL:
        if (strcmp(value, "on") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
            *(bool *)slot = true;
        else if (strcmp(value, "off") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
            *(bool *)slot = false;
        else {
            *cause = xasprintf("bad setting %s=%s: expected on or off", k->name, value);
            return -1;
        }
        return 0;
    case CONFIG_LISTEN:
        if (parse_listen(cfg, value) != 0) {
            *cause = xasprintf("bad setting %s=%s: expected host:port", k->name, value);
            return -1;
        }
        set_string(slot, value);
        return 0;
    case CONFIG_URL: {
        const char *host = strncmp(value, "http://", 7) == 0 ? value + 7
            : strncmp(value, "https://", 8) == 0              ? value + 8
                                                              : NULL;
        if (host == NULL || *host == '\0' || *host == '/') {
            *cause = xasprintf("bad setting %s=%s: expected an http:// or https:// URL", k->name, value);
            return -1;
        }
        set_string(slot, value);
        /* Links are built as public_url + "/path": drop trailing slashes. */
        char *url = *(char **)slot;
        size_t len = strlen(url);
        while (len > 0 && url[len - 1] == '/')
            url[--len] = '\0';
        return 0;
    }
    case CONFIG_LEVEL:
        if (strcmp(value, "debug") != 0 && strcmp(value, "info") != 0 && strcmp(value, "warn") != 0 &&
            strcmp(value, "error") != 0) {
            *cause = xasprintf("bad setting %s=%s: expected debug, info, warn or error", k->name, value);
            return -1;
        }
        set_string(slot, value);
        return 0;
    case CONFIG_CIDRS: {
        struct netaddr_cidrs list;
        char *why = NULL;
        if (netaddr_cidrs_parse(value, &list, &why) != 0) {
            *cause = xasprintf("bad setting %s: %s", k->name, why);
            free(why);
            return -1;
        }
        netaddr_cidrs_free(&cfg->trusted_proxy_list);
        cfg->trusted_proxy_list = list;
        set_string(slot, value);
        return 0;
    }
    case CONFIG_STRING:
        if (*value == '\0') {
            *cause = xasprintf("bad setting %s: empty", k->name);
            return -1;
        }
        if (strlen(value) < (size_t)k->min) { /* min: the shortest length, for secrets */
            *cause = xasprintf("bad setting %s: shorter than %d characters", k->name, k->min);
            return -1;
        }
        set_string(slot, value);
        return 0;
    }
    return -1;
}

int config_set(struct config *cfg, const char *key, const char *value, char **cause)
{
    for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
        if (strcmp(config_keys[i].name, key) == 0)
            return apply_key(cfg, &config_keys[i], value, cause);
    }
    *cause = xasprintf("unknown setting %s", key);
    return -1;
}

void config_defaults(struct config *cfg)
{
    char *cause = NULL;
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
        if (config_keys[i].default_value != NULL &&
            apply_key(cfg, &config_keys[i], config_keys[i].default_value, &cause) != 0)
            abort(); /* a bad default is a bug */
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->workers = cores < 1 ? 1 : cores > 256 ? 256 : (int)cores;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int config_apply_text(struct config *cfg, const char *text, char **cause)
{
    char *copy = xstrdup(text), *next = copy;
    int lineno = 0, rc = 0;
    while (next != NULL) {
        char *line = next;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            *cause = xasprintf("config line %d: expected key = value", lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (config_set(cfg, trim(s), trim(eq + 1), cause) != 0) {
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

static int read_file(const char *path, char **out, char **cause)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        *cause = xasprintf("cannot open config file %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0)
            buf = xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    *out = buf;
    return 0;
}

int config_load(struct config *cfg, const char *path, char **cause)
{
    config_defaults(cfg);
    if (path != NULL) {
        char *text;
        if (read_file(path, &text, cause) != 0)
            return -1;
        int rc = config_apply_text(cfg, text, cause);
        free(text);
        if (rc != 0)
            return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
        const char *v = getenv(config_keys[i].env);
        if (v != NULL && apply_key(cfg, &config_keys[i], v, cause) != 0) {
            char *why = *cause;
            *cause = xasprintf("%s (from %s)", why, config_keys[i].env);
            free(why);
            return -1;
        }
    }
    if (cfg->public_url == NULL)
        cfg->public_url = xasprintf("http://%s", cfg->listen);
    if (cfg->listen_database_url == NULL)
        cfg->listen_database_url = xstrdup(cfg->database_url);
    return 0;
}

void config_free(struct config *cfg)
{
    free(cfg->listen);
    free(cfg->database_url);
    free(cfg->listen_database_url);
    free(cfg->public_url);
    free(cfg->log_level);
    free(cfg->trusted_proxies);
    netaddr_cidrs_free(&cfg->trusted_proxy_list);
    free(cfg->metrics_token);
    free(cfg->contact_email);
    free(cfg->smtp_url);
    free(cfg->smtp_user);
    free(cfg->smtp_password);
    free(cfg->mail_from);
    free(cfg->maildir);
    memset(cfg, 0, sizeof(*cfg));
}
