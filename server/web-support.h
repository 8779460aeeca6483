/* SPDX-License-Identifier: Apache-2.0 */
/* What the coordinators' one-to-one support pages share (web-support.c):
 * the view every page starts from (the org, the pages' links, the crisis
 * note's partial needs nothing of it), the request's preferences and the
 * candidates' reasons in the page's words, dates, the 303 of a form. The
 * pages are web-pages-support*.c; their routes are the matching module's
 * (routes.c), so with PIIRI_MATCHING=off they do not exist. Path
 * parameters: {lang} 0, {slug} 1, an {id} 2. */
#ifndef PIIRI_WEB_SUPPORT_H
#define PIIRI_WEB_SUPPORT_H

#include "http.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A new view for a support page: title (the catalog's title_key), org_name
 * (from page's "org"), support_base (/{lang}/orgs/{slug}/manage/support),
 * manage_href. */
json_t *web_support_view(struct req_ctx *ctx, const json_t *page, const char *title_key);
/* The words of a list: contact modes ("puhelin, Teams"), languages
 * ("suomi, ruotsi"; other codes as they are) or plain strings joined by
 * ", "; new string, "" for none. */
char *web_support_modes(const json_t *modes, const char *lang);
char *web_support_langs(const json_t *langs, const char *lang);
char *web_support_join(const json_t *list);
/* A request (the API's summary or whole request) as the pages list it:
 * id, how long it has waited in words (waiting_days), its preferences
 * (topics, municipality, languages, contact modes) in words. New. */
json_t *web_support_request_item(const json_t *q, long waiting_days, const char *lang);
/* A reason of the candidates ("shared topics: perhe", "2 of 3 places
 * taken") in the page's words; new string. */
char *web_support_reason(const char *reason, const char *lang);
/* A date ("2027-11-15") or an RFC 3339 time as the pages write a day;
 * a time also gets its clock time (time: true). "" when it does not parse. */
void web_support_when(const char *lang, const char *s, bool time, char *buf, size_t len);
/* A status or outcome of a pairing or request in words (key prefix
 * "mm_status_", "mm_outcome_"), the code itself when unknown. */
const char *web_support_word(const char *lang, const char *prefix, const char *code);
/* Reply 303 to path (freed). */
void web_support_see_other(struct req_ctx *ctx, char *path);
/* Is the loaded thing (ctx->facts) of the path's {slug}? Otherwise reply
 * the 404 page (a coordinator of the org reaches another org's request
 * through no path) and false. */
bool web_support_same_org(struct req_ctx *ctx);
/* A form field's string, NULL when absent or empty after trimming spaces
 * (trimmed in place in the form object). */
const char *web_support_field(struct req_ctx *ctx, const char *name);

#endif
