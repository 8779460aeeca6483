/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for client addresses: the first line is a trusted-proxy
 * list, the second the peer, the rest an X-Forwarded-For value. The answer
 * is checked: it is the peer unless the peer is trusted, and otherwise an
 * address that appears in the header, and it formats and parses back to
 * itself. */
#include "netaddr.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *line_dup(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL)
        abort();
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* Splits off the text before the next '\n' (or the end). */
static char *next_line(const char **s, const char *end)
{
    const char *nl = memchr(*s, '\n', (size_t)(end - *s));
    const char *stop = nl ? nl : end;
    char *line = line_dup(*s, (size_t)(stop - *s));
    *s = nl ? nl + 1 : end;
    return line;
}

static void check_round_trip(const struct netaddr *a)
{
    char text[NETADDR_TEXT_MAX];
    struct netaddr back;
    netaddr_format(a, text, sizeof(text));
    if (netaddr_parse(text, &back) != 0 || !netaddr_equal(a, &back))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    char *proxies = next_line(&s, end), *peer_text = next_line(&s, end);
    char *xff = line_dup(s, (size_t)(end - s));
    struct netaddr_cidrs trusted;
    char *cause = NULL;
    struct netaddr peer, client;

    if (netaddr_cidrs_parse(proxies, &trusted, &cause) != 0) {
        if (cause == NULL)
            abort();
        free(cause);
        trusted.items = NULL;
        trusted.n = 0;
    }
    if (netaddr_parse(peer_text, &peer) == 0) {
        check_round_trip(&peer);
        netaddr_forwarded_client(&peer, *xff ? xff : NULL, &trusted, &client);
        check_round_trip(&client);
        if (!netaddr_cidrs_contain(&trusted, &peer) && !netaddr_equal(&peer, &client))
            abort(); /* an untrusted peer's header was believed */
        if (!netaddr_equal(&peer, &client)) {
            char text[NETADDR_TEXT_MAX];
            netaddr_format(&client, text, sizeof(text));
            /* The client came from the header (possibly in another spelling). */
            if (memchr(xff, ':', strlen(xff)) == NULL && strstr(xff, text) == NULL)
                abort();
        }
    }
    netaddr_cidrs_free(&trusted);
    free(proxies);
    free(peer_text);
    free(xff);
    return 0;
}
