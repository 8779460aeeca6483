/* SPDX-License-Identifier: Apache-2.0 */
/* piirid: command line, settings, start-up (migrations), then the
 * supervisor and its workers. */
#include "admin.h"
#include "cal.h"
#include "config.h"
#include "dispatch.h"
#include "hasher.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "supervisor.h"
#include "util.h"
#include "web.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PIIRI_VERSION
#define PIIRI_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: piirid [--config FILE] COMMAND\n"
    "\n"
    "commands:\n"
    "  serve               migrate, then serve HTTP with PIIRI_WORKERS workers\n"
    "  migrate             apply the database migrations and exit\n"
    "  create-admin EMAIL  create or promote a site admin; password on stdin\n"
    "  --help, --version\n"
    "\n"
    "settings (environment, or key = value lines in the config file):\n"
    "  PIIRI_LISTEN        host:port to serve on (127.0.0.1:8080)\n"
    "  PIIRI_DATABASE_URL  PostgreSQL connection URL (postgresql:///piiri)\n"
    "  PIIRI_WORKERS       worker processes (the number of cores)\n"
    "  PIIRI_PUBLIC_URL    base URL of links Piiri hands out (http://LISTEN)\n"
    "  PIIRI_MATCHING      one-to-one matching module, on or off (on)\n"
    "  PIIRI_SMTP_URL      mail server (smtp:// or smtps://host:port); without it,\n"
    "  PIIRI_MAILDIR       a Maildir the messages are written into\n"
    "  PIIRI_CONFIG        config file, when --config is not given\n"
    "  and PIIRI_DB_POOL_SIZE, PIIRI_DB_QUEUE_MAX, PIIRI_DB_WAIT_MS,\n"
    "  PIIRI_QUERY_TIMEOUT_MS, PIIRI_MAX_CONNECTIONS, PIIRI_HTTP_TIMEOUT_S,\n"
    "  PIIRI_TOKEN_DAYS, PIIRI_LOG_LEVEL, PIIRI_LISTEN_DATABASE_URL, PIIRI_SMTP_USER,\n"
    "  PIIRI_SMTP_PASSWORD, PIIRI_MAIL_FROM, PIIRI_MAIL_RETRY_S (see README.md)\n";

static bool is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static void append_param(char **out, const char *key, const char *value)
{
    char *s = xasprintf("%s%s%s='", *out ? *out : "", *out ? " " : "", key);
    free(*out);
    for (const char *v = value; *v; v++) {
        char *t = xasprintf("%s%s%c", s, (*v == '\'' || *v == '\\') ? "\\" : "", *v);
        free(s);
        s = t;
    }
    *out = xasprintf("%s'", s);
    free(s);
}

/* libpq resolves host names with blocking getaddrinfo inside
 * PQconnectPoll. Resolve once here, before the loop, and pass hostaddr. */
static char *conninfo_resolved(const char *url, const char *setting, char **cause)
{
    char *err = NULL, *out = NULL, *addr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    if (opts == NULL) {
        *cause = xasprintf("bad %s: %s", setting, err ? err : "cannot parse");
        PQfreemem(err);
        return NULL;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (strcmp(o->keyword, "host") == 0 && o->val && o->val[0] != '/' && o->val[0] != '@' &&
            !strchr(o->val, ',') && !is_ip_literal(o->val)) {
            struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
            if (getaddrinfo(o->val, NULL, &hints, &ai) == 0) {
                char text[INET6_ADDRSTRLEN];
                void *a = ai->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                   : (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
                addr = xstrdup(inet_ntop(ai->ai_family, a, text, sizeof(text)));
                freeaddrinfo(ai);
            }
        }
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val != NULL && !(addr && strcmp(o->keyword, "hostaddr") == 0))
            append_param(&out, o->keyword, o->val);
    }
    if (addr != NULL)
        append_param(&out, "hostaddr", addr);
    free(addr);
    PQconninfoFree(opts);
    return out ? out : xstrdup("");
}

static int cmd_migrate(const struct config *cfg)
{
    char *cause = NULL;
    PGconn *conn = migrate_connect(cfg->database_url, 10, &cause);
    int applied = conn ? migrate_apply(conn, &cause) : -1;
    if (conn != NULL)
        PQfinish(conn);
    if (applied < 0)
        fatalx("%s", cause);
    log_info("database schema is current (%d migrations applied now)", applied);
    return 0;
}

static int cmd_serve(const struct config *cfg)
{
    char *cause = NULL;
    char *conninfo = conninfo_resolved(cfg->database_url, "PIIRI_DATABASE_URL", &cause);
    char *listen_conninfo =
        conninfo ? conninfo_resolved(cfg->listen_database_url, "PIIRI_LISTEN_DATABASE_URL", &cause) : NULL;
    if (listen_conninfo == NULL || http_check_port_free(cfg, &cause) != 0)
        fatalx("%s", cause);
    cmd_migrate(cfg);
    hasher_init(cfg->workers);
    web_init(); /* templates compiled, static files compressed, before the workers fork */
    const struct route_table *routes = routes_table(cfg->matching);
    metrics_init(route_table_size(routes), route_table_metric_labels(routes), cfg->workers);
    int status = supervisor_run(cfg, conninfo, listen_conninfo);
    free(conninfo);
    free(listen_conninfo);
    return status;
}

int main(int argc, char **argv)
{
    const char *config_path = getenv("PIIRI_CONFIG");
    struct config cfg;
    char *cause = NULL;
    int i = 1;

    if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
        config_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
        fputs(usage, i >= argc ? stderr : stdout);
        return i >= argc ? 2 : 0;
    }
    if (strcmp(argv[i], "--version") == 0) {
        printf("piirid %s\n", PIIRI_VERSION);
        return 0;
    }
    if (config_load(&cfg, config_path, &cause) != 0) {
        fprintf(stderr, "piirid: %s\n", cause);
        free(cause);
        config_free(&cfg);
        return 2;
    }
    log_set_level(strcmp(cfg.log_level, "debug") == 0 ? LOG_DEBUG
            : strcmp(cfg.log_level, "warn") == 0      ? LOG_WARN
            : strcmp(cfg.log_level, "error") == 0     ? LOG_ERROR
                                                      : LOG_INFO);
    log_capture_libevent();
    if (sodium_init() < 0)
        fatalx("libsodium cannot start");
    cal_init(); /* time zones load once, before the workers fork */

    int status;
    if (strcmp(argv[i], "serve") == 0 && i + 1 == argc)
        status = cmd_serve(&cfg);
    else if (strcmp(argv[i], "migrate") == 0 && i + 1 == argc)
        status = cmd_migrate(&cfg);
    else if (strcmp(argv[i], "create-admin") == 0 && i + 2 == argc) {
        status = admin_create(cfg.database_url, argv[i + 1], &cause) == 0 ? 0 : 1;
        if (status != 0)
            fprintf(stderr, "piirid: %s\n", cause);
    } else {
        fputs(usage, stderr);
        status = 2;
    }
    config_free(&cfg);
    return status;
}
