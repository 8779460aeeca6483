/* SPDX-License-Identifier: Apache-2.0 */
/* What the pages say of a group and its sessions, in words: the texts in
 * the page's language (Finnish as the fallback, marked), where it meets,
 * when it next meets and whether there is room. Nothing is said by colour
 * alone: every state here is a sentence. */
#include "web.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *web_group_text(const json_t *group, const char *field, const char *lang, const char **shown_lang)
{
    *shown_lang = NULL;
    if (strcmp(lang, "fi") != 0) {
        char key[40];
        snprintf(key, sizeof(key), "%s_%s", field, lang);
        const char *own = json_string_value(json_object_get(group, key));
        if (own != NULL)
            return own;
    }
    const char *fi = json_string_value(json_object_get(group, field));
    if (fi != NULL && strcmp(lang, "fi") != 0)
        *shown_lang = "fi";
    return fi;
}

char *web_group_where(const json_t *group, const char *lang)
{
    const char *modality = json_string_value(json_object_get(group, "modality"));
    const json_t *loc = json_object_get(group, "location");
    const char *name = json_string_value(json_object_get(loc, "name"));
    const char *town = json_string_value(json_object_get(loc, "municipality"));
    char *place = name && town ? xasprintf("%s, %s", name, town)
        : name                 ? xstrdup(name)
        : town                 ? xstrdup(town)
                               : NULL;
    char *where;
    if (modality != NULL && strcmp(modality, "remote") == 0)
        where = xstrdup(web_t(lang, "where_remote"));
    else if (modality != NULL && strcmp(modality, "phone") == 0)
        where = xstrdup(web_t(lang, "where_phone"));
    else if (modality != NULL && strcmp(modality, "hybrid") == 0 && place != NULL) {
        const char *tpl = web_t(lang, "where_place_or_remote"), *at = strstr(tpl, "{place}");
        where = at ? xasprintf("%.*s%s%s", (int)(at - tpl), tpl, place, at + 7) : xstrdup(tpl);
    } else if (modality != NULL && strcmp(modality, "hybrid") == 0)
        where = xstrdup(web_t(lang, "where_remote_too"));
    else
        where = place ? xstrdup(place) : xstrdup(web_t(lang, "where_unknown"));
    free(place);
    return where;
}

/* "3 paikkaa vapaana", "Täynnä, jonossa 2", "Täynnä", "Ei paikkarajaa". */
static char *room_words(const json_t *session, const char *lang, bool *full)
{
    const json_t *cap = json_object_get(session, "capacity");
    long taken = (long)json_integer_value(json_object_get(session, "seats_taken"));
    long waiting = (long)json_integer_value(json_object_get(session, "waitlisted"));
    *full = false;
    if (!json_is_integer(cap))
        return xstrdup(web_t(lang, "room_unlimited"));
    long free_seats = (long)json_integer_value(cap) - taken;
    if (free_seats > 0)
        return web_tn(lang, "room_free", free_seats);
    *full = true;
    if (waiting > 0)
        return web_tn(lang, "room_full_queue", waiting);
    return xstrdup(web_t(lang, "room_full"));
}

json_t *web_session_view(const json_t *session, const char *lang)
{
    const char *starts = json_string_value(json_object_get(session, "starts_at"));
    const char *ends = json_string_value(json_object_get(session, "ends_at"));
    const char *status = json_string_value(json_object_get(session, "status"));
    char when[120];
    bool full;
    if (web_format_session(lang, starts, ends, when, sizeof(when)) != 0)
        snprintf(when, sizeof(when), "%s", starts ? starts : "");
    char *room = room_words(session, lang, &full);
    json_t *v = json_pack("{s:s?, s:s, s:s?, s:s, s:b, s:b, s:b}", "id",
        json_string_value(json_object_get(session, "id")), "text", when, "datetime", starts, "room", room, "full",
        full, "limited", json_is_integer(json_object_get(session, "capacity")), "cancelled",
        status != NULL && strcmp(status, "cancelled") == 0);
    free(room);
    const char *reason = json_string_value(json_object_get(session, "cancel_reason"));
    if (reason != NULL)
        json_object_set_new(v, "cancel_reason", json_string(reason));
    return v;
}

json_t *web_group_card(const json_t *group, const char *lang)
{
    const char *title_lang, *id = json_string_value(json_object_get(group, "id"));
    const char *title = web_group_text(group, "title", lang, &title_lang);
    const char *kind = json_string_value(json_object_get(group, "kind"));
    char key[40], *href = xasprintf("/%s/groups/%s", lang, id ? id : "");
    char *where = web_group_where(group, lang);
    json_t *card = json_pack("{s:s, s:s?, s:s?, s:s, s:s?}", "href", href, "title", title, "title_lang", title_lang,
        "where", where, "org_name", json_string_value(json_object_get(group, "org_name")));
    free(href);
    free(where);
    snprintf(key, sizeof(key), "kind_%s", kind ? kind : "other");
    json_object_set_new(card, "kind", json_string(web_t(lang, key)));
    json_object_set_new(card, "access", json_string(web_group_access(group, lang)));
    const char *audience = json_string_value(json_object_get(group, "audience"));
    json_object_set_new(card, "members_only", json_boolean(audience != NULL && strcmp(audience, "members") == 0));
    const json_t *next = json_object_get(group, "next_session");
    if (json_is_object(next))
        json_object_set_new(card, "next", web_session_view(next, lang));
    return card;
}

const char *web_group_access(const json_t *group, const char *lang)
{
    const char *access = json_string_value(json_object_get(group, "access"));
    if (access != NULL && strcmp(access, "closed") == 0)
        return web_t(lang, "access_closed");
    /* An open group with a capacity takes signups per session: "come without
     * signing up" would send people to a full room. */
    return web_t(lang, json_is_integer(json_object_get(group, "capacity")) ? "access_open_limited" : "access_open");
}

char *web_party_words(const json_t *x, const char *lang)
{
    long adults = (long)json_integer_value(json_object_get(x, "adults"));
    long children = (long)json_integer_value(json_object_get(x, "children"));
    char *a = web_tn(lang, "party_adults", adults);
    if (children == 0)
        return a;
    char *c = web_tn(lang, "party_children", children);
    char *both = adults > 0 ? xasprintf("%s, %s", a, c) : xstrdup(c);
    free(a);
    free(c);
    return both;
}
