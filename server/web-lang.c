/* SPDX-License-Identifier: Apache-2.0 */
/* Which language a page is in: the path's first segment names it, so that
 * a link shared in Swedish opens in Swedish; only the bare "/" asks the
 * browser (Accept-Language, RFC 9110 12.5.4). Pure. */
#include "web.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const web_langs[] = { "fi", "sv", "en" };

const char *web_lang_known(const char *lang, size_t len)
{
    for (int i = 0; i < WEB_NLANGS; i++) {
        if (len == 2 && strncasecmp(lang, web_langs[i], 2) == 0)
            return web_langs[i];
    }
    return NULL;
}

/* One language range's q-value: 1 without one, 0 for a malformed one. */
static double range_q(const char *params, const char *end)
{
    const char *q = params;
    while (q < end && (*q == ';' || *q == ' ' || *q == '\t'))
        q++;
    if (q == end)
        return 1.0;
    if (end - q < 3 || (q[0] != 'q' && q[0] != 'Q') || q[1] != '=')
        return 0.0;
    char num[8];
    size_t n = (size_t)(end - q - 2);
    if (n >= sizeof(num))
        n = sizeof(num) - 1;
    memcpy(num, q + 2, n);
    num[n] = '\0';
    char *stop;
    double v = strtod(num, &stop);
    return stop == num || v < 0 || v > 1 ? 0.0 : v;
}

const char *web_lang_negotiate(const char *header)
{
    const char *best = WEB_LANG_DEFAULT;
    double best_q = 0.0;
    if (header == NULL)
        return best;
    for (const char *p = header; *p != '\0';) {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        /* The primary subtag: "sv" of "sv-FI;q=0.8". */
        size_t tag = 0;
        while (p + tag < end && p[tag] != '-' && p[tag] != ';' && p[tag] != ' ')
            tag++;
        const char *params = p + tag;
        while (params < end && *params != ';')
            params++;
        const char *lang = web_lang_known(p, tag);
        double q = range_q(params, end);
        /* The first of equal weights wins: the browser's order. */
        if (lang != NULL && q > best_q) {
            best = lang;
            best_q = q;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return best;
}

const char *web_lang_of_path(const char *path)
{
    if (path == NULL || path[0] != '/' || strlen(path) < 3 || (path[3] != '/' && path[3] != '\0'))
        return NULL;
    /* In lower case only, as the routes' {lang} takes it. */
    for (int i = 0; i < WEB_NLANGS; i++) {
        if (strncmp(path + 1, web_langs[i], 2) == 0)
            return web_langs[i];
    }
    return NULL;
}

bool web_is_page_path(const char *path)
{
    return path != NULL && (strcmp(path, "/") == 0 || web_lang_of_path(path) != NULL ||
        strncmp(path, "/static/", 8) == 0);
}

#define NEXT_PATH_MAX 512

bool web_next_path_ok(const char *next)
{
    if (next == NULL || strlen(next) > NEXT_PATH_MAX)
        return false;
    /* "/fi/..." exactly: a language segment and a slash. */
    if (web_lang_of_path(next) == NULL || next[3] != '/')
        return false;
    if (strstr(next, "//") != NULL || strstr(next, "..") != NULL)
        return false;
    for (const char *p = next; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("/-_.", c) != NULL;
        if (!plain)
            return false;
    }
    return true;
}
