/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for config.c: defaults, typed keys, config text, environment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const env_names[] = {
    "PIIRI_LISTEN",
    "PIIRI_DATABASE_URL",
    "PIIRI_WORKERS",
    "PIIRI_PUBLIC_URL",
    "PIIRI_MATCHING",
    "PIIRI_DB_POOL_SIZE",
    "PIIRI_DB_QUEUE_MAX",
    "PIIRI_DB_WAIT_MS",
    "PIIRI_QUERY_TIMEOUT_MS",
    "PIIRI_MAX_CONNECTIONS",
    "PIIRI_HTTP_TIMEOUT_S",
    "PIIRI_TOKEN_DAYS",
    "PIIRI_LOG_LEVEL",
    "PIIRI_HTTP_REQUEST_TIMEOUT_S",
    "PIIRI_MAX_CONNECTIONS_PER_CLIENT",
    "PIIRI_TRUSTED_PROXIES",
    "PIIRI_METRICS_TOKEN",
    "PIIRI_LISTEN_DATABASE_URL",
};

/* Every test starts and ends with no PIIRI_* variables set. */
static int clear_env(void **state)
{
    for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
        unsetenv(env_names[i]);
    return 0;
}

/* config_set must succeed. */
static void set_ok(struct config *cfg, const char *key, const char *value)
{
    char *cause = NULL;
    if (config_set(cfg, key, value, &cause) != 0)
        fail_msg("config_set %s=%s failed: %s", key, value, cause ? cause : "(no cause)");
    assert_null(cause);
}

/* config_set must fail with a cause naming the key; the cause is checked
 * to contain want (if not NULL) and freed. */
static void set_bad(struct config *cfg, const char *key, const char *value, const char *want)
{
    char *cause = NULL;
    if (config_set(cfg, key, value, &cause) == 0)
        fail_msg("config_set %s=%s was accepted", key, value);
    assert_non_null(cause);
    if (strstr(cause, key) == NULL)
        fail_msg("cause \"%s\" does not name %s", cause, key);
    if (want != NULL && strstr(cause, want) == NULL)
        fail_msg("cause \"%s\" does not say \"%s\"", cause, want);
    free(cause);
}

static void test_defaults(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    assert_string_equal(cfg.listen, "127.0.0.1:8080");
    assert_string_equal(cfg.listen_host, "127.0.0.1");
    assert_int_equal(cfg.listen_port, 8080);
    assert_string_equal(cfg.database_url, "postgresql:///piiri");
    assert_true(cfg.workers >= 1 && cfg.workers <= 256);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores >= 1 && cores <= 256)
        assert_int_equal(cfg.workers, cores);
    assert_null(cfg.public_url); /* computed by config_load from listen */
    assert_true(cfg.matching);
    assert_int_equal(cfg.db_pool_size, 8);
    assert_int_equal(cfg.db_queue_max, 1024);
    assert_int_equal(cfg.db_wait_ms, 3000);
    assert_int_equal(cfg.query_timeout_ms, 10000);
    assert_int_equal(cfg.max_connections, 4096);
    assert_int_equal(cfg.http_timeout_s, 30);
    assert_int_equal(cfg.token_days, 30);
    assert_string_equal(cfg.log_level, "info");
    config_free(&cfg);
    assert_null(cfg.listen);
}

static void test_int_keys(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    set_ok(&cfg, "workers", "1");
    assert_int_equal(cfg.workers, 1);
    set_ok(&cfg, "workers", "256");
    assert_int_equal(cfg.workers, 256);
    set_bad(&cfg, "workers", "0", "from 1 to 256");
    set_bad(&cfg, "workers", "257", "from 1 to 256");
    set_bad(&cfg, "workers", "-1", NULL);
    set_bad(&cfg, "workers", "", NULL);
    set_bad(&cfg, "workers", "four", NULL);
    set_bad(&cfg, "workers", "4x", NULL);
    set_bad(&cfg, "workers", "4.5", NULL);
    set_bad(&cfg, "workers", "0x10", NULL);
    set_bad(&cfg, "workers", "99999999999999999999", NULL);
    /* A rejected value leaves the old one. */
    assert_int_equal(cfg.workers, 256);

    set_ok(&cfg, "db_pool_size", "64");
    assert_int_equal(cfg.db_pool_size, 64);
    set_bad(&cfg, "db_pool_size", "65", "from 1 to 64");
    set_ok(&cfg, "db_queue_max", "100000");
    assert_int_equal(cfg.db_queue_max, 100000);
    set_bad(&cfg, "db_queue_max", "100001", NULL);
    set_ok(&cfg, "db_wait_ms", "10");
    assert_int_equal(cfg.db_wait_ms, 10);
    set_bad(&cfg, "db_wait_ms", "9", "from 10 to 60000");
    set_ok(&cfg, "query_timeout_ms", "600000");
    assert_int_equal(cfg.query_timeout_ms, 600000);
    set_bad(&cfg, "query_timeout_ms", "99", NULL);
    set_ok(&cfg, "max_connections", "16");
    assert_int_equal(cfg.max_connections, 16);
    set_bad(&cfg, "max_connections", "15", NULL);
    set_bad(&cfg, "max_connections", "1000001", NULL);
    set_ok(&cfg, "http_timeout_s", "3600");
    assert_int_equal(cfg.http_timeout_s, 3600);
    set_bad(&cfg, "http_timeout_s", "0", NULL);
    set_ok(&cfg, "token_days", "3650");
    assert_int_equal(cfg.token_days, 3650);
    set_bad(&cfg, "token_days", "3651", "from 1 to 3650");
    config_free(&cfg);
}

static void test_bool_key(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    static const char *const off[] = { "off", "false", "0" };
    static const char *const on[] = { "on", "true", "1" };
    for (size_t i = 0; i < 3; i++) {
        set_ok(&cfg, "matching", off[i]);
        assert_false(cfg.matching);
        set_ok(&cfg, "matching", on[i]);
        assert_true(cfg.matching);
    }
    set_bad(&cfg, "matching", "yes", "on or off");
    set_bad(&cfg, "matching", "", NULL);
    set_bad(&cfg, "matching", "2", NULL);
    set_bad(&cfg, "matching", "onn", NULL);
    assert_true(cfg.matching);
    config_free(&cfg);
}

static void test_string_keys(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    set_ok(&cfg, "database_url", "postgresql://piiri@db.example.fi/piiri?sslmode=require");
    assert_string_equal(cfg.database_url, "postgresql://piiri@db.example.fi/piiri?sslmode=require");
    set_bad(&cfg, "database_url", "", "empty");
    assert_string_equal(cfg.database_url, "postgresql://piiri@db.example.fi/piiri?sslmode=require");

    static const char *const levels[] = { "debug", "info", "warn", "error" };
    for (size_t i = 0; i < 4; i++) {
        set_ok(&cfg, "log_level", levels[i]);
        assert_string_equal(cfg.log_level, levels[i]);
    }
    set_bad(&cfg, "log_level", "verbose", "debug, info, warn or error");
    set_bad(&cfg, "log_level", "INFO", NULL);
    set_bad(&cfg, "log_level", "", NULL);
    assert_string_equal(cfg.log_level, "error");
    config_free(&cfg);
}

static void test_metrics_token(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    assert_null(cfg.metrics_token); /* none: /metrics only for loopback clients */
    set_bad(&cfg, "metrics_token", "", "empty");
    set_bad(&cfg, "metrics_token", "fifteen-chars-x", "shorter than 16 characters");
    assert_null(cfg.metrics_token);
    set_ok(&cfg, "metrics_token", "sixteen-chars-xy");
    assert_string_equal(cfg.metrics_token, "sixteen-chars-xy");
    /* The message never repeats the secret. */
    char *cause = NULL;
    assert_int_equal(config_set(&cfg, "metrics_token", "short-secret", &cause), -1);
    assert_null(strstr(cause, "short-secret"));
    free(cause);
    config_free(&cfg);
    assert_null(cfg.metrics_token);
}

static void test_metrics_token_from_env(void **state)
{
    struct config cfg;
    char *cause = NULL;
    setenv("PIIRI_METRICS_TOKEN", "c2NyYXBlLXRoZS1tZXRyaWNz", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_string_equal(cfg.metrics_token, "c2NyYXBlLXRoZS1tZXRyaWNz");
    config_free(&cfg);
}

static void test_unknown_key(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    set_bad(&cfg, "wokers", "4", "unknown setting");
    set_bad(&cfg, "Workers", "4", "unknown setting");
    set_bad(&cfg, "PIIRI_WORKERS", "4", "unknown setting");
    config_free(&cfg);
}

static void test_listen(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    set_ok(&cfg, "listen", "0.0.0.0:80");
    assert_string_equal(cfg.listen, "0.0.0.0:80");
    assert_string_equal(cfg.listen_host, "0.0.0.0");
    assert_int_equal(cfg.listen_port, 80);

    set_ok(&cfg, "listen", "[::1]:8080");
    assert_string_equal(cfg.listen, "[::1]:8080");
    assert_string_equal(cfg.listen_host, "::1");
    assert_int_equal(cfg.listen_port, 8080);

    set_ok(&cfg, "listen", "[::]:65535");
    assert_string_equal(cfg.listen_host, "::");
    assert_int_equal(cfg.listen_port, 65535);

    set_ok(&cfg, "listen", "localhost:1");
    assert_string_equal(cfg.listen_host, "localhost");
    assert_int_equal(cfg.listen_port, 1);

    set_bad(&cfg, "listen", "localhost", "host:port");
    set_bad(&cfg, "listen", ":8080", NULL);
    set_bad(&cfg, "listen", "localhost:", NULL);
    set_bad(&cfg, "listen", "localhost:0", NULL);
    set_bad(&cfg, "listen", "localhost:65536", NULL);
    set_bad(&cfg, "listen", "localhost:http", NULL);
    set_bad(&cfg, "listen", "localhost:80x", NULL);
    set_bad(&cfg, "listen", "", NULL);

    /* A host too long for listen_host is refused, not truncated. */
    char longhost[128];
    memset(longhost, 'h', 100);
    strcpy(longhost + 100, ":8080");
    set_bad(&cfg, "listen", longhost, NULL);

    /* Failures left the last good value in place. */
    assert_string_equal(cfg.listen, "localhost:1");
    assert_string_equal(cfg.listen_host, "localhost");
    assert_int_equal(cfg.listen_port, 1);
    config_free(&cfg);
}

static void test_public_url(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    set_ok(&cfg, "public_url", "https://piiri.example.fi");
    assert_string_equal(cfg.public_url, "https://piiri.example.fi");
    set_ok(&cfg, "public_url", "https://piiri.example.fi/");
    assert_string_equal(cfg.public_url, "https://piiri.example.fi");
    set_ok(&cfg, "public_url", "http://example.fi/piiri/");
    assert_string_equal(cfg.public_url, "http://example.fi/piiri");
    set_ok(&cfg, "public_url", "http://[::1]:8080");
    assert_string_equal(cfg.public_url, "http://[::1]:8080");

    set_bad(&cfg, "public_url", "piiri.example.fi", "http:// or https://");
    set_bad(&cfg, "public_url", "ftp://piiri.example.fi", NULL);
    set_bad(&cfg, "public_url", "", NULL);
    set_bad(&cfg, "public_url", "HTTP//x", NULL);
    assert_string_equal(cfg.public_url, "http://[::1]:8080");
    config_free(&cfg);
}

/* A URL with no host (PIIRI_PUBLIC_URL=https://$HOST with HOST unset) is not
 * an http:// or https:// URL: it must be refused, not trimmed to "https:/". */
static void test_public_url_needs_host(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    static const char *const bad[] = { "http://", "https://", "https:///" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *cause = NULL;
        int rc = config_set(&cfg, "public_url", bad[i], &cause);
        char got[64];
        snprintf(got, sizeof(got), "%s", cfg.public_url ? cfg.public_url : "(null)");
        free(cause);
        if (rc == 0) {
            config_free(&cfg);
            fail_msg("public_url=%s was accepted as \"%s\"", bad[i], got);
        }
    }
    config_free(&cfg);
}

static void test_apply_text(void **state)
{
    struct config cfg;
    char *cause = NULL;
    config_defaults(&cfg);
    const char *text = "# Piiri settings\n"
                       "\n"
                       "listen = [::1]:9090\n"
                       "   # indented comment\n"
                       "workers=3\n"
                       "\t\n"
                       "  log_level   =   debug  \n"
                       "matching = off\r\n"
                       "database_url = postgresql:///piiri?application_name=piiri\n"
                       "public_url = https://piiri.example.fi/\n"
                       "workers = 5"; /* no final newline; the later line wins */
    assert_int_equal(config_apply_text(&cfg, text, &cause), 0);
    assert_null(cause);
    assert_string_equal(cfg.listen_host, "::1");
    assert_int_equal(cfg.listen_port, 9090);
    assert_int_equal(cfg.workers, 5);
    assert_string_equal(cfg.log_level, "debug");
    assert_false(cfg.matching);
    /* Only the first "=" separates key and value. */
    assert_string_equal(cfg.database_url, "postgresql:///piiri?application_name=piiri");
    assert_string_equal(cfg.public_url, "https://piiri.example.fi");
    config_free(&cfg);
}

static void test_apply_text_empty(void **state)
{
    struct config cfg;
    char *cause = NULL;
    config_defaults(&cfg);
    assert_int_equal(config_apply_text(&cfg, "", &cause), 0);
    assert_int_equal(config_apply_text(&cfg, "\n\n# only comments\n\n", &cause), 0);
    assert_null(cause);
    assert_int_equal(cfg.db_pool_size, 8);
    config_free(&cfg);
}

static void test_apply_text_bad_line(void **state)
{
    struct config cfg;
    char *cause = NULL;
    config_defaults(&cfg);
    assert_int_equal(
        config_apply_text(&cfg, "workers = 2\nthis is not a setting\nworkers = 3\n", &cause), -1);
    assert_non_null(cause);
    if (strstr(cause, "line 2") == NULL)
        fail_msg("cause \"%s\" does not name line 2", cause);
    free(cause);
    cause = NULL;
    /* Lines before the bad one were applied; lines after it were not. */
    assert_int_equal(cfg.workers, 2);

    assert_int_equal(config_apply_text(&cfg, "workers = lots\n", &cause), -1);
    assert_non_null(cause);
    assert_non_null(strstr(cause, "workers"));
    free(cause);
    cause = NULL;

    assert_int_equal(config_apply_text(&cfg, "colour = blue\n", &cause), -1);
    assert_non_null(strstr(cause, "colour"));
    free(cause);
    config_free(&cfg);
}

/* Blank lines and comments are lines too: a cause must point at the line a
 * person sees in their editor. */
static void test_apply_text_bad_line_number_counts_blank_lines(void **state)
{
    struct config cfg;
    char *cause = NULL;
    config_defaults(&cfg);
    int rc = config_apply_text(&cfg, "# Piiri\n\nworkers = 2\n\n\nbroken line\n", &cause);
    char got[128];
    snprintf(got, sizeof(got), "%s", cause ? cause : "(none)");
    free(cause);
    config_free(&cfg);
    assert_int_equal(rc, -1);
    if (strstr(got, "line 6") == NULL)
        fail_msg("cause \"%s\" does not name line 6", got);
}

static void test_load_env(void **state)
{
    struct config cfg;
    char *cause = NULL;
    setenv("PIIRI_WORKERS", "7", 1);
    setenv("PIIRI_MATCHING", "false", 1);
    setenv("PIIRI_LISTEN", "[::1]:8081", 1);
    setenv("PIIRI_PUBLIC_URL", "https://piiri.example.fi/", 1);
    setenv("PIIRI_LOG_LEVEL", "warn", 1);
    setenv("PIIRI_DATABASE_URL", "postgresql:///other", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_null(cause);
    assert_int_equal(cfg.workers, 7);
    assert_false(cfg.matching);
    assert_string_equal(cfg.listen_host, "::1");
    assert_int_equal(cfg.listen_port, 8081);
    assert_string_equal(cfg.public_url, "https://piiri.example.fi");
    assert_string_equal(cfg.log_level, "warn");
    assert_string_equal(cfg.database_url, "postgresql:///other");
    assert_int_equal(cfg.db_pool_size, 8); /* untouched keys keep defaults */
    config_free(&cfg);
    clear_env(state);
}

static void test_load_env_bad(void **state)
{
    struct config cfg;
    char *cause = NULL;
    setenv("PIIRI_DB_POOL_SIZE", "0", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), -1);
    assert_non_null(cause);
    assert_non_null(strstr(cause, "db_pool_size"));
    assert_non_null(strstr(cause, "PIIRI_DB_POOL_SIZE"));
    free(cause);
    config_free(&cfg);
    clear_env(state);

    cause = NULL;
    setenv("PIIRI_DATABASE_URL", "", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), -1);
    assert_non_null(strstr(cause, "database_url"));
    free(cause);
    config_free(&cfg);
    clear_env(state);
}

static void test_load_public_url_default(void **state)
{
    struct config cfg;
    char *cause = NULL;
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_string_equal(cfg.public_url, "http://127.0.0.1:8080");
    config_free(&cfg);

    setenv("PIIRI_LISTEN", "[::1]:8080", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_string_equal(cfg.public_url, "http://[::1]:8080");
    config_free(&cfg);
    clear_env(state);
}

/* The LISTEN connection goes where the pool goes unless told otherwise (behind
 * a transaction pooler it must reach PostgreSQL itself). */
static void test_load_listen_database_url(void **state)
{
    struct config cfg;
    char *cause = NULL;
    setenv("PIIRI_DATABASE_URL", "postgresql://piiri@pgbouncer:6432/piiri", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_string_equal(cfg.listen_database_url, "postgresql://piiri@pgbouncer:6432/piiri");
    config_free(&cfg);

    setenv("PIIRI_LISTEN_DATABASE_URL", "postgresql://piiri@db:5432/piiri", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_string_equal(cfg.database_url, "postgresql://piiri@pgbouncer:6432/piiri");
    assert_string_equal(cfg.listen_database_url, "postgresql://piiri@db:5432/piiri");
    config_free(&cfg);

    setenv("PIIRI_LISTEN_DATABASE_URL", "", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), -1);
    assert_non_null(strstr(cause, "listen_database_url"));
    free(cause);
    config_free(&cfg);
    clear_env(state);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/piiri-test-config-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_load_file_then_env(void **state)
{
    struct config cfg;
    char *cause = NULL;
    char *path = write_temp("# test\nworkers = 2\nlisten = 127.0.0.1:9999\ntoken_days = 7\n");
    setenv("PIIRI_WORKERS", "9", 1);
    assert_int_equal(config_load(&cfg, path, &cause), 0);
    assert_int_equal(cfg.workers, 9);    /* environment beats file */
    assert_int_equal(cfg.token_days, 7); /* file beats default */
    assert_int_equal(cfg.listen_port, 9999);
    assert_string_equal(cfg.public_url, "http://127.0.0.1:9999");
    config_free(&cfg);
    unlink(path);
    free(path);
    clear_env(state);
}

static void test_load_file_errors(void **state)
{
    struct config cfg;
    char *cause = NULL;
    assert_int_equal(config_load(&cfg, "/nonexistent/piiri.conf", &cause), -1);
    assert_non_null(cause);
    assert_non_null(strstr(cause, "/nonexistent/piiri.conf"));
    free(cause);
    config_free(&cfg);

    cause = NULL;
    char *path = write_temp("log_level = loud\n");
    assert_int_equal(config_load(&cfg, path, &cause), -1);
    assert_non_null(strstr(cause, "log_level"));
    free(cause);
    config_free(&cfg);
    unlink(path);
    free(path);
}

static void test_load_large_file(void **state)
{
    /* More than the 4096-byte first read buffer. */
    size_t n = 600;
    char *text = malloc(n * 16 + 32);
    assert_non_null(text);
    char *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "# comment %04zu\n", i);
    strcpy(p, "db_wait_ms = 1234\n");
    char *path = write_temp(text);
    free(text);

    struct config cfg;
    char *cause = NULL;
    assert_int_equal(config_load(&cfg, path, &cause), 0);
    assert_int_equal(cfg.db_wait_ms, 1234);
    config_free(&cfg);
    unlink(path);
    free(path);
}

static void test_connection_keys(void **state)
{
    struct config cfg;
    config_defaults(&cfg);
    assert_int_equal(cfg.http_request_timeout_s, 20);
    assert_int_equal(cfg.max_connections_per_client, 64);
    assert_string_equal(cfg.trusted_proxies, "");
    assert_int_equal(cfg.trusted_proxy_list.n, 0);
    set_ok(&cfg, "http_request_timeout_s", "5");
    assert_int_equal(cfg.http_request_timeout_s, 5);
    set_bad(&cfg, "http_request_timeout_s", "0", "1 to 3600");
    set_ok(&cfg, "max_connections_per_client", "2");
    assert_int_equal(cfg.max_connections_per_client, 2);
    set_bad(&cfg, "max_connections_per_client", "-1", NULL);
    config_free(&cfg);
}

static void test_trusted_proxies(void **state)
{
    struct config cfg;
    struct netaddr a;
    config_defaults(&cfg);
    set_ok(&cfg, "trusted_proxies", "10.0.0.0/8, 192.0.2.7 ::1");
    assert_string_equal(cfg.trusted_proxies, "10.0.0.0/8, 192.0.2.7 ::1");
    assert_int_equal(cfg.trusted_proxy_list.n, 3);
    assert_int_equal(netaddr_parse("10.200.3.4", &a), 0);
    assert_true(netaddr_cidrs_contain(&cfg.trusted_proxy_list, &a));
    set_bad(&cfg, "trusted_proxies", "10.0.0.0/33", "10.0.0.0/33");
    set_bad(&cfg, "trusted_proxies", "proxy.example", "proxy.example");
    /* A bad value leaves the earlier list in place. */
    assert_int_equal(cfg.trusted_proxy_list.n, 3);
    set_ok(&cfg, "trusted_proxies", "");
    assert_int_equal(cfg.trusted_proxy_list.n, 0);
    config_free(&cfg);
}

static void test_trusted_proxies_from_env(void **state)
{
    struct config cfg;
    char *cause = NULL;
    setenv("PIIRI_TRUSTED_PROXIES", "127.0.0.1", 1);
    assert_int_equal(config_load(&cfg, NULL, &cause), 0);
    assert_int_equal(cfg.trusted_proxy_list.n, 1);
    config_free(&cfg);
    setenv("PIIRI_TRUSTED_PROXIES", "127.0.0.1/99", 1);
    assert_int_not_equal(config_load(&cfg, NULL, &cause), 0);
    assert_non_null(strstr(cause, "PIIRI_TRUSTED_PROXIES"));
    free(cause);
    config_free(&cfg);
}

#define T(f) cmocka_unit_test_setup_teardown(f, clear_env, clear_env)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_int_keys),
        T(test_bool_key),
        T(test_string_keys),
        T(test_metrics_token),
        T(test_metrics_token_from_env),
        T(test_unknown_key),
        T(test_listen),
        T(test_public_url),
        T(test_public_url_needs_host),
        T(test_apply_text),
        T(test_apply_text_empty),
        T(test_apply_text_bad_line),
        T(test_apply_text_bad_line_number_counts_blank_lines),
        T(test_load_env),
        T(test_load_env_bad),
        T(test_load_public_url_default),
        T(test_load_listen_database_url),
        T(test_load_file_then_env),
        T(test_load_file_errors),
        T(test_load_large_file),
        T(test_connection_keys),
        T(test_trusted_proxies),
        T(test_trusted_proxies_from_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
