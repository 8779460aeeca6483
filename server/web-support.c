/* SPDX-License-Identifier: Apache-2.0 */
/* What the coordinators' one-to-one support pages share: the view each
 * starts from, a request's preferences and the candidates' reasons in the
 * page's words (matching/ writes its reasons in English, for the API),
 * dates, and the answer to a form. */
#include "web-support.h"

#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "strbuf.h"
#include "util.h"
#include "web.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *web_support_view(struct req_ctx *ctx, const json_t *page, const char *title_key)
{
    const char *lang = ctx->params[0], *slug = ctx->params[1];
    const char *name = json_string_value(json_object_get(json_object_get(page, "org"), "name"));
    return json_pack("{s:s, s:s, s:o, s:o}", "title", web_t(lang, title_key), "org_name",
        name ? name : "", "support_base", json_sprintf("/%s/orgs/%s/manage/support", lang, slug),
        "manage_href", json_sprintf("/%s/orgs/%s/manage", lang, slug));
}

/* Each item of list, in words by key_prefix when the catalog has it. */
static char *words_of(const json_t *list, const char *lang, const char *key_prefix)
{
    struct strbuf b = STRBUF_INIT;
    const json_t *v;
    size_t i;
    json_array_foreach(list, i, v)
    {
        const char *code = json_string_value(v);
        if (code == NULL)
            continue;
        const char *word = code;
        if (key_prefix != NULL) {
            char key[80];
            snprintf(key, sizeof(key), "%s%s", key_prefix, code);
            const char *t = web_t(lang, key);
            if (strcmp(t, key) != 0)
                word = t;
        }
        if (b.len > 0)
            strbuf_adds(&b, ", ");
        strbuf_adds(&b, word);
    }
    return strbuf_take(&b);
}

char *web_support_modes(const json_t *modes, const char *lang)
{
    return words_of(modes, lang, "mm_mode_");
}

char *web_support_langs(const json_t *langs, const char *lang)
{
    return words_of(langs, lang, "mm_lang_");
}

char *web_support_join(const json_t *list)
{
    return words_of(list, "fi", NULL);
}

static void set_text(json_t *view, const char *key, char *text /* freed */)
{
    json_object_set_new(view, key, json_string(text ? text : ""));
    free(text);
}

json_t *web_support_request_item(const json_t *q, long waiting_days, const char *lang)
{
    const char *id = json_string_value(json_object_get(q, "id"));
    json_t *v = json_pack("{s:s}", "id", id ? id : "");
    set_text(v, "waiting_text",
        waiting_days < 1 ? xstrdup(web_t(lang, "mm_waiting_today"))
                         : web_tn(lang, "mm_waiting_days", waiting_days));
    set_text(v, "topics_text", web_support_join(json_object_get(q, "topics")));
    set_text(v, "languages_text", web_support_langs(json_object_get(q, "languages"), lang));
    set_text(v, "modes_text", web_support_modes(json_object_get(q, "contact_modes"), lang));
    const char *municipality = json_string_value(json_object_get(q, "municipality"));
    if (municipality != NULL)
        json_object_set_new(v, "municipality", json_string(municipality));
    json_object_set_new(
        v, "has_topics", json_boolean(json_array_size(json_object_get(q, "topics")) > 0));
    /* The day in the org's zone when the SQL gave it (created_local). */
    const char *created = json_string_value(json_object_get(q, "created_local"));
    if (created == NULL)
        created = json_string_value(json_object_get(q, "created_at"));
    char day[64];
    web_support_when(lang, created, false, day, sizeof(day));
    json_object_set_new(v, "created_text", json_string(day));
    if (created != NULL && strlen(created) >= 10)
        json_object_set_new(v, "created_at", json_stringn(created, 10));
    return v;
}

/* "{n}" in text replaced by n and "{m}" by m; new string. */
static char *fill(const char *text, const char *n, const char *m)
{
    struct strbuf b = STRBUF_INIT;
    for (const char *p = text; *p != '\0'; p++) {
        if (strncmp(p, "{n}", 3) == 0) {
            strbuf_adds(&b, n);
            p += 2;
        } else if (strncmp(p, "{m}", 3) == 0) {
            strbuf_adds(&b, m);
            p += 2;
        } else
            strbuf_addc(&b, *p);
    }
    return strbuf_take(&b);
}

/* The comma-separated codes after a reason's prefix in words. */
static char *codes_in_words(const char *codes, const char *lang, const char *key_prefix)
{
    json_t *list = json_array();
    char *copy = xstrdup(codes), *next = NULL;
    for (char *tok = strtok_r(copy, ",", &next); tok != NULL; tok = strtok_r(NULL, ",", &next)) {
        while (*tok == ' ')
            tok++;
        json_array_append_new(list, json_string(tok));
    }
    free(copy);
    char *out = words_of(list, lang, key_prefix);
    json_decref(list);
    return out;
}

/* The reasons matching.c writes: a prefix, then what is shared. */
static const struct {
    const char *prefix;
    const char *key;
    const char *codes; /* the catalog prefix of the items, or NULL: as they are */
} reasons[] = {
    { "shared topics: ", "mm_reason_topics", NULL },
    { "same municipality: ", "mm_reason_municipality", NULL },
    { "shared contact modes: ", "mm_reason_modes", "mm_mode_" },
    { "speaks ", "mm_reason_languages", "mm_lang_" },
};

char *web_support_reason(const char *reason, const char *lang)
{
    int taken, max;
    for (size_t i = 0; i < ARRAY_LEN(reasons); i++) {
        size_t n = strlen(reasons[i].prefix);
        if (strncmp(reason, reasons[i].prefix, n) == 0) {
            char *what = reasons[i].codes ? codes_in_words(reason + n, lang, reasons[i].codes)
                                          : xstrdup(reason + n);
            char *out = fill(web_t(lang, reasons[i].key), what, "");
            free(what);
            return out;
        }
    }
    if (sscanf(reason, "%d of %d places taken", &taken, &max) == 2) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", taken);
        snprintf(b, sizeof(b), "%d", max);
        return fill(web_t(lang, "mm_reason_places"), a, b);
    }
    return xstrdup(reason);
}

void web_support_when(const char *lang, const char *s, bool time, char *buf, size_t len)
{
    struct web_wall w;
    char stamp[32];
    buf[0] = '\0';
    if (s == NULL)
        return;
    if (strlen(s) == 10) { /* a date */
        snprintf(stamp, sizeof(stamp), "%sT00:00", s);
        s = stamp;
    }
    if (web_wall_parse(s, &w) != 0)
        return;
    char day[48], clock[16];
    web_format_day(lang, &w, day, sizeof(day));
    if (!time) {
        snprintf(buf, len, "%s", day);
        return;
    }
    web_format_time(lang, w.hour, w.minute, false, clock, sizeof(clock));
    snprintf(buf, len, "%s %s", day, clock);
}

const char *web_support_word(const char *lang, const char *prefix, const char *code)
{
    char key[80];
    if (code == NULL)
        return "";
    snprintf(key, sizeof(key), "%s%s", prefix, code);
    const char *t = web_t(lang, key);
    return strcmp(t, key) == 0 ? code : t;
}

void web_support_see_other(struct req_ctx *ctx, char *path)
{
    web_see_other(ctx, path);
    free(path);
}

bool web_support_same_org(struct req_ctx *ctx)
{
    const char *org = ctx->facts ? ctx->facts->target.org_slug : NULL;
    if (org != NULL && strcmp(org, ctx->params[1]) == 0)
        return true;
    api_reply_not_found(ctx);
    return false;
}

const char *web_support_field(struct req_ctx *ctx, const char *name)
{
    const char *s = json_string_value(json_object_get(ctx->body, name));
    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return NULL;
    json_object_set_new(ctx->body, name, json_stringn(s, n));
    return json_string_value(json_object_get(ctx->body, name));
}
