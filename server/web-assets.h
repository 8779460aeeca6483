/* SPDX-License-Identifier: Apache-2.0 */
/* The web client's files as built into piirid (scripts/embed-web.sh writes
 * build/web.c from clients/web/): templates, static files and string
 * catalogs, each named by its path under clients/web/. */
#ifndef PIIRI_WEB_ASSETS_H
#define PIIRI_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *name;          /* "templates/layout.mustache", "static/app.css", "i18n/fi.json" */
    const unsigned char *data; /* NUL-terminated, len bytes before the NUL */
    size_t len;
};

/* In name order, ended by { NULL, NULL, 0 }. */
extern const struct web_asset web_assets[];
extern const unsigned web_asset_count;

#endif
