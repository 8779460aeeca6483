/* SPDX-License-Identifier: Apache-2.0 */
/* The messages: a neutral subject, a greeting, a few plain paragraphs in the
 * person's language, as a text part and an HTML part that each stand alone.
 * Phrases are Mustache over the row's view; the group is named only when
 * the view carries it (no discreet titles). */
#include "mail.h"

#include "log.h"
#include "mustache.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAS 4

struct mail_phrases {
    const char *kind, *lang;
    const char *subject;
    const char
        *paras[MAX_PARAS]; /* {{{x}}}: raw here, the HTML template escapes the whole paragraph */
};

static const struct mail_phrases phrases[] = {
    { "signup_confirmed", "fi", "Paikkasi on varattu",
        { "Paikkasi on varattu{{#group}} ryhmään {{{group}}}{{/group}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Jos et pääsekään, voit perua ilmoittautumisesi Piirissä. Silloin paikka vapautuu "
            "toiselle.",
            "Tervetuloa!" } },
    { "signup_confirmed", "sv", "Din plats är bokad",
        { "Din plats är bokad{{#group}} i {{{group}}}{{/group}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "Om du inte kan komma kan du avboka i Piiri. Då blir platsen ledig för någon annan.",
            "Välkommen!" } },
    { "signup_confirmed", "en", "Your place is booked",
        { "Your place is booked{{#group}} in {{{group}}}{{/group}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "If you cannot come after all, you can cancel in Piiri, and the place goes to someone "
            "else.",
            "Welcome!" } },
    { "signup_waitlisted", "fi", "Olet jonossa",
        { "Ryhmä{{#group}} {{{group}}}{{/group}} on nyt täynnä, joten olet jonossa{{#position}}, "
          "sijalla "
          "{{position}}{{/position}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Kun paikka vapautuu, saat siitä viestin. Sinun ei tarvitse tehdä mitään sitä "
            "ennen." } },
    { "signup_waitlisted", "sv", "Du står i kö",
        { "Gruppen{{#group}} {{{group}}}{{/group}} är full just nu, så du står i kö{{#position}}, "
          "som nummer "
          "{{position}}{{/position}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "När en plats blir ledig får du ett meddelande. Du behöver inte göra något innan "
            "dess." } },
    { "signup_waitlisted", "en", "You are on the waiting list",
        { "The group{{#group}} {{{group}}}{{/group}} is full for now, so you are on the waiting "
          "list"
          "{{#position}}, number {{position}}{{/position}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "When a place opens up, we will write to you. You do not need to do anything before "
            "then." } },
    { "signup_promoted", "fi", "Sinulle vapautui paikka",
        { "Jonosta vapautui paikka, ja se on nyt sinun{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Jos et pääsekään, peru ilmoittautumisesi Piirissä, niin paikka siirtyy seuraavalle.",
            "Tervetuloa!" } },
    { "signup_promoted", "sv", "En plats blev ledig för dig",
        { "En plats blev ledig och den är nu din{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "Om du inte kan komma, avboka i Piiri så går platsen till nästa i kön.",
            "Välkommen!" } },
    { "signup_promoted", "en", "A place opened up for you",
        { "A place opened up and it is now yours{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "If you cannot come, cancel in Piiri and the place goes to the next person waiting.",
            "Welcome!" } },
    { "session_cancelled", "fi", "Tapaaminen on peruttu",
        { "Valitettavasti tapaaminen{{#group}} ({{{group}}}){{/group}} on peruttu{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Syy: {{{reason}}}{{/reason}}",
            "Sinun ei tarvitse tehdä mitään. Pahoittelemme muutosta." } },
    { "session_cancelled", "sv", "En träff är inställd",
        { "Tyvärr är träffen{{#group}} ({{{group}}}){{/group}} inställd{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Orsak: {{{reason}}}{{/reason}}",
            "Du behöver inte göra något. Vi beklagar ändringen." } },
    { "session_cancelled", "en", "A meeting is cancelled",
        { "We are sorry: the meeting{{#group}} ({{{group}}}){{/group}} is cancelled{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Reason: {{{reason}}}{{/reason}}", "You do not need to do anything." } },
    { "session_moved", "fi", "Tapaamisen aika muuttui",
        { "Tapaamisen{{#group}} ({{{group}}}){{/group}} aika on muuttunut.",
            "{{#when}}Uusi aika: {{{when}}}{{/when}}",
            "Ilmoittautumisesi on voimassa. Jos uusi aika ei sovi, voit perua sen Piirissä." } },
    { "session_moved", "sv", "En träff har fått ny tid",
        { "Träffen{{#group}} ({{{group}}}){{/group}} har fått en ny tid.",
            "{{#when}}Ny tid: {{{when}}}{{/when}}",
            "Din anmälan gäller fortfarande. Om den nya tiden inte passar kan du avboka i "
            "Piiri." } },
    { "session_moved", "en", "A meeting has a new time",
        { "The meeting{{#group}} ({{{group}}}){{/group}} has a new time.",
            "{{#when}}New time: {{{when}}}{{/when}}",
            "Your signup still stands. If the new time does not suit you, you can cancel in "
            "Piiri." } },
    { "session_reminder", "fi", "Muistutus tapaamisesta",
        { "Tämä on muistutus tapaamisesta{{#group}} ({{{group}}}){{/group}}, johon olet "
          "ilmoittautunut.",
            "{{#when}}Aika: {{{when}}}{{/when}}", "{{#place}}Paikka: {{{place}}}{{/place}}",
            "Jos et pääsekään, voit perua ilmoittautumisesi Piirissä. Silloin paikka vapautuu "
            "toiselle." } },
    { "session_reminder", "sv", "Påminnelse om en träff",
        { "Det här är en påminnelse om träffen{{#group}} ({{{group}}}){{/group}} som du har "
          "anmält dig till.",
            "{{#when}}Tid: {{{when}}}{{/when}}", "{{#place}}Plats: {{{place}}}{{/place}}",
            "Om du inte kan komma kan du avboka i Piiri. Då blir platsen ledig för någon "
            "annan." } },
    { "session_reminder", "en", "A reminder of a meeting",
        { "This is a reminder of the meeting{{#group}} ({{{group}}}){{/group}} you signed up for.",
            "{{#when}}When: {{{when}}}{{/when}}", "{{#place}}Where: {{{place}}}{{/place}}",
            "If you cannot come after all, you can cancel in Piiri, and the place goes to someone "
            "else." } },
};

/* What every message of a language shares. */
struct mail_frame {
    const char *lang;
    const char *greeting, *guest, *footer;
    const char *weekdays[7]; /* ISO: Monday first */
    const char *at;          /* between the date and the time */
};

static const struct mail_frame frames[] = {
    { "fi", "Hei{{#name}} {{{name}}}{{/name}},",
        "Viesti koskee ilmoittautumista, jonka teit henkilön {{{guest}}} puolesta.",
        "Tämä viesti tuli Piiristä, koska ilmoittauduit sen kautta. Siihen ei tarvitse vastata.",
        { "ma", "ti", "ke", "to", "pe", "la", "su" }, "klo" },
    { "sv", "Hej{{#name}} {{{name}}}{{/name}},",
        "Meddelandet gäller anmälan som du gjorde för {{{guest}}}.",
        "Det här meddelandet kommer från Piiri eftersom du anmälde dig där. Du behöver inte svara.",
        { "mån", "tis", "ons", "tors", "fre", "lör", "sön" }, "kl." },
    { "en", "Hello{{#name}} {{{name}}}{{/name}},",
        "This is about the signup you made for {{{guest}}}.",
        "This message comes from Piiri because you signed up there. There is no need to reply.",
        { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }, "at" },
};

static const char html_source[] =
    "<!DOCTYPE html>\n<html lang=\"{{lang}}\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<title>{{subject}}</title>\n</head>\n"
    "<body style=\"font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a;\">\n"
    "<p>{{greeting}}</p>\n{{#paragraphs}}<p>{{.}}</p>\n{{/paragraphs}}"
    "<p style=\"color: #555555; font-size: 14px;\">{{footer}}</p>\n</body>\n</html>\n";

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const struct mail_phrases *phrases_for(const char *kind, const char *lang)
{
    for (size_t i = 0; i < ARRAY_LEN(phrases); i++) {
        if (strcmp(phrases[i].kind, kind) == 0 && strcmp(phrases[i].lang, lang) == 0)
            return &phrases[i];
    }
    return NULL;
}

static const struct mail_frame *frame_for(const char *lang)
{
    for (size_t i = 0; i < ARRAY_LEN(frames); i++) {
        if (strcmp(frames[i].lang, lang) == 0)
            return &frames[i];
    }
    return &frames[0];
}

/* One phrase over the data; "" when its sections left nothing. New string. */
static char *render_phrase(const char *src, const json_t *data)
{
    char *cause = NULL;
    struct mustache_template *tpl = mustache_compile(src, strlen(src), &cause);
    if (tpl == NULL)
        fatalx("mail phrase: %s", cause);
    size_t len;
    char *out = mustache_render_string(tpl, data, NULL, &len, &cause);
    mustache_template_free(tpl);
    if (out == NULL)
        fatalx("mail phrase: %s", cause);
    return out;
}

static char *message_id(const json_t *view, const char *from)
{
    char *addr = mail_address(from);
    const char *at = strrchr(addr, '@');
    char *id = xasprintf("<piiri-outbox-%lld.%s@%s>",
        (long long)json_integer_value(json_object_get(view, "id")), str(view, "org_id"),
        at && at[1] ? at + 1 : "localhost");
    free(addr);
    return id;
}

/* The data the phrases see: the view, and "when" written out. */
static json_t *phrase_data(const json_t *view, const struct mail_frame *f)
{
    json_t *data = json_deep_copy(view);
    if (data == NULL)
        fatalx("out of memory");
    const char *date = str(view, "date"), *time = str(view, "time");
    json_int_t wd = json_integer_value(json_object_get(view, "weekday"));
    if (date != NULL && time != NULL && wd >= 1 && wd <= 7)
        json_object_set_new(
            data, "when", json_sprintf("%s %s %s %s", f->weekdays[wd - 1], date, f->at, time));
    return data;
}

int mail_message_build(const json_t *view, const char *from, struct mail_message *m, char **cause)
{
    memset(m, 0, sizeof(*m));
    const char *kind = str(view, "kind"), *lang = str(view, "language"),
               *email = str(view, "email");
    const struct mail_frame *f = frame_for(lang ? lang : "fi");
    const struct mail_phrases *p = kind ? phrases_for(kind, f->lang) : NULL;
    if (p == NULL || email == NULL) {
        *cause = xasprintf("no message for kind %s", kind ? kind : "(none)");
        return -1;
    }
    json_t *data = phrase_data(view, f);
    json_t *paras = json_array();
    char *greeting = render_phrase(f->greeting, data);
    char *text = xasprintf("%s\n", greeting);
    for (int i = 0; i <= MAX_PARAS; i++) {
        const char *src = i < MAX_PARAS ? p->paras[i] : (str(view, "guest") ? f->guest : NULL);
        if (src == NULL)
            continue;
        char *para = render_phrase(src, data);
        if (para[0] != '\0') {
            char *t = xasprintf("%s\n%s\n", text, para);
            free(text);
            text = t;
            json_array_append_new(paras, json_string(para));
        }
        free(para);
    }
    m->text = xasprintf("%s\n-- \n%s\n", text, f->footer);
    free(text);

    json_t *page = json_pack("{s:s, s:s, s:s, s:o, s:s}", "lang", f->lang, "subject", p->subject,
        "greeting", greeting, "paragraphs", paras, "footer", f->footer);
    if (page == NULL)
        fatalx("out of memory");
    struct mustache_template *tpl = mustache_compile(html_source, sizeof(html_source) - 1, cause);
    if (tpl == NULL)
        fatalx("mail template: %s", *cause);
    size_t len;
    m->html = mustache_render_string(tpl, page, NULL, &len, cause);
    mustache_template_free(tpl);
    if (m->html == NULL)
        fatalx("mail template: %s", *cause);
    json_decref(page);
    json_decref(data);
    free(greeting);
    m->to = xstrdup(email);
    m->subject = xstrdup(p->subject);
    m->message_id = message_id(view, from);
    return 0;
}

void mail_message_free(struct mail_message *m)
{
    free(m->to);
    free(m->subject);
    free(m->message_id);
    free(m->text);
    free(m->html);
    memset(m, 0, sizeof(*m));
}

char *mail_header_encode(const char *s)
{
    bool ascii = true;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        ascii = ascii && *c >= 0x20 && *c < 0x7f;
    if (ascii)
        return xstrdup(s);
    size_t len = strlen(s);
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(cap);
    sodium_bin2base64(b64, cap, (const unsigned char *)s, len, sodium_base64_VARIANT_ORIGINAL);
    char *out = xasprintf("=?UTF-8?B?%s?=", b64);
    free(b64);
    return out;
}

char *mail_address(const char *from)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt != NULL && gt != NULL)
        return xasprintf("%.*s", (int)(gt - lt - 1), lt + 1);
    return xstrdup(from);
}
