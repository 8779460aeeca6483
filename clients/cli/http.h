/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP client over libcurl: one request at a time to the Piiri API with
 * the bearer token, and the one place an answer becomes an exit code. */
#ifndef PIIRI_CLI_HTTP_H
#define PIIRI_CLI_HTTP_H

#include "buf.h"
#include "cli.h"

#include <jansson.h>

struct http_resp {
    long status;      /* 0: no answer (the network) */
    struct buf body;  /* the answer's bytes */
    char *etag;       /* new, or NULL */
    char *error;      /* on failure: the API's message or the network's (new) */
    char *error_code; /* the API's error code, or NULL (new) */
    json_t *json;     /* the body parsed when it is JSON (new reference), or NULL */
};

enum {
    HTTP_QUIET = 1,     /* do not print the error: the caller shows resp->error */
    HTTP_ACCEPT_CSV = 2 /* send Accept: text/csv */
};

void http_global_init(void);

/* METHOD PATH (starting "/api/...", escaped already) with BODY (borrowed, may
 * be NULL) and an optional extra header line. Returns EXIT_OK for a 2xx
 * answer, else prints the error (unless HTTP_QUIET) and returns its exit code:
 * EXIT_FAIL for the network or the server, EXIT_NOTFOUND for 404, EXIT_DENIED
 * for 401 and 403. */
int http_request(const struct cli *cli, const char *method, const char *path, json_t *body,
    const char *header, int flags, struct http_resp *resp) __attribute__((warn_unused_result));
void http_resp_free(struct http_resp *resp);

/* The exit code of an HTTP status. */
int http_exit_code(long status);

/* Appends S to B escaped for a URL path segment or a query value. */
void http_escape(struct buf *b, const char *s);
/* Appends "?name=value" or "&name=value" (escaped) when VALUE is not NULL. */
void http_query(struct buf *b, const char *name, const char *value);

/* Prints the answer's body as it is (--json), with a final newline. */
void http_print_body(const struct http_resp *resp);

#endif
