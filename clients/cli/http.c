/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP client over libcurl: the request, the token, the answer's errors
 * mapped to exit codes in http_exit_code(). */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_S 10
#define REQUEST_TIMEOUT_S 120

void http_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("piiri: libcurl could not start\n", stderr);
        exit(EXIT_FAIL);
    }
}

int http_exit_code(long status)
{
    if (status >= 200 && status < 300)
        return EXIT_OK;
    if (status == 401 || status == 403)
        return EXIT_DENIED;
    if (status == 404)
        return EXIT_NOTFOUND;
    return EXIT_FAIL;
}

static size_t body_cb(char *data, size_t size, size_t n, void *arg)
{
    buf_add(arg, data, size * n);
    return size * n;
}

/* Keeps the ETag header; the others are not needed. */
static size_t header_cb(char *data, size_t size, size_t n, void *arg)
{
    struct http_resp *resp = arg;
    size_t len = size * n;
    if (len > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        const char *v = data + 5;
        while (*v == ' ')
            v++;
        size_t vlen = len - (size_t)(v - data);
        while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
            vlen--;
        free(resp->etag);
        resp->etag = strndup(v, vlen);
    }
    return len;
}

/* The language of the API's messages and CSV headers when the locale names
 * fi, sv or en; else none is asked for (English messages, and a report's CSV
 * headed by the JSON keys, which is what scripts want). */
static const char *accept_language(void)
{
    const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v == NULL || *v == '\0')
            continue;
        if (strncmp(v, "fi", 2) == 0)
            return "Accept-Language: fi";
        if (strncmp(v, "sv", 2) == 0)
            return "Accept-Language: sv";
        if (strncmp(v, "en", 2) == 0)
            return "Accept-Language: en";
        break;
    }
    return NULL;
}

static struct curl_slist *headers_of(
    const struct cli *cli, int has_body, const char *extra, int flags)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(
        h, flags & HTTP_ACCEPT_CSV ? "Accept: text/csv" : "Accept: application/json");
    if (accept_language() != NULL)
        h = curl_slist_append(h, accept_language());
    if (has_body)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (cli->token != NULL) {
        char *auth = xasprintf("Authorization: Bearer %s", cli->token);
        h = curl_slist_append(h, auth);
        free(auth);
    }
    if (extra != NULL)
        h = curl_slist_append(h, extra);
    return h;
}

/* The API's error object, into resp->error and resp->error_code. */
static void read_error(struct http_resp *resp)
{
    json_t *err = resp->json ? json_object_get(resp->json, "error") : NULL;
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *code = json_string_value(json_object_get(err, "code"));
    const char *field = json_string_value(json_object_get(err, "field"));
    if (code)
        resp->error_code = xstrdup(code);
    if (msg && field)
        resp->error = xasprintf("%s (%s)", msg, field);
    else if (msg)
        resp->error = xstrdup(msg);
    else
        resp->error = xasprintf("the server answered %ld", resp->status);
}

static void parse_json(struct http_resp *resp)
{
    if (resp->body.len == 0)
        return;
    resp->json = json_loadb(resp->body.data, resp->body.len, 0, NULL);
}

static CURLcode perform(const struct cli *cli, const char *method, const char *path, json_t *body,
    struct curl_slist *headers, struct http_resp *resp)
{
    CURL *c = curl_easy_init();
    if (c == NULL)
        return CURLE_FAILED_INIT;
    char *url = xasprintf("%s%s", cli->server, path);
    char *data = body ? json_dumps(body, JSON_COMPACT) : NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (data != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)REQUEST_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "piiri/" PIIRI_VERSION);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_cleanup(c);
    free(data);
    free(url);
    return rc;
}

int http_request(const struct cli *cli, const char *method, const char *path, json_t *body,
    const char *header, int flags, struct http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    struct curl_slist *headers = headers_of(cli, body != NULL, header, flags);
    CURLcode rc = perform(cli, method, path, body, headers, resp);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        resp->error = xasprintf("cannot reach %s: %s", cli->server, curl_easy_strerror(rc));
        if (!(flags & HTTP_QUIET))
            fprintf(stderr, "piiri: %s\n", resp->error);
        return EXIT_FAIL;
    }
    parse_json(resp);
    int code = http_exit_code(resp->status);
    if (code == EXIT_OK)
        return EXIT_OK;
    read_error(resp);
    if (!(flags & HTTP_QUIET))
        fprintf(stderr, "piiri: %s\n", resp->error);
    return code;
}

void http_resp_free(struct http_resp *resp)
{
    buf_free(&resp->body);
    free(resp->etag);
    free(resp->error);
    free(resp->error_code);
    json_decref(resp->json);
    memset(resp, 0, sizeof *resp);
}

void http_escape(struct buf *b, const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    if (e == NULL) {
        fputs("piiri: out of memory\n", stderr);
        abort();
    }
    buf_adds(b, e);
    curl_free(e);
}

void http_query(struct buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    buf_addc(b, strchr(buf_str(b), '?') ? '&' : '?');
    buf_adds(b, name);
    buf_addc(b, '=');
    http_escape(b, value);
}

void http_print_body(const struct http_resp *resp)
{
    if (resp->body.len == 0)
        return;
    fwrite(resp->body.data, 1, resp->body.len, stdout);
    if (resp->body.data[resp->body.len - 1] != '\n')
        putchar('\n');
}
