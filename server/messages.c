/* SPDX-License-Identifier: Apache-2.0 */
/* Error messages by language: Accept-Language read as RFC 9110 says (the
 * highest q wins, q=0 refuses, a tag's primary subtag names the language),
 * and the tables of translated sentences and validation phrases. */
#include "messages.h"

#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One tag of the header: its language, or -1 when not one of ours; *q in
 * thousandths. */
static int tag_lang(const char *tag, size_t len, int *q)
{
    static const char *const names[] = { "en", "fi", "sv" };
    size_t primary = 0;
    while (primary < len && isalpha((unsigned char)tag[primary]))
        primary++;
    *q = 1000;
    const char *semi = memchr(tag, ';', len);
    if (semi != NULL) {
        const char *p = semi + 1;
        while (*p == ' ')
            p++;
        if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
            *q = (int)(strtod(p + 2, NULL) * 1000.0 + 0.5);
    }
    if (primary != 2 || (primary < len && tag[primary] != '-' && tag[primary] != ';' && tag[primary] != ' '))
        return -1;
    for (int i = 0; i < (int)ARRAY_LEN(names); i++) {
        if (strncasecmp(tag, names[i], 2) == 0)
            return i;
    }
    return -1;
}

enum messages_lang messages_lang(const char *accept_language)
{
    enum messages_lang best = MESSAGES_EN;
    int best_q = 0;
    const char *p = accept_language;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        int q;
        int lang = tag_lang(p, len, &q);
        if (lang >= 0 && q > best_q) {
            best = (enum messages_lang)lang;
            best_q = q;
        }
        p += len;
    }
    return best;
}

/* code, its English sentence (NULL: any sentence of the code), Finnish, Swedish. */
static const struct {
    const char *code, *en, *fi, *sv;
} sentences[] = {
    { "unauthorized", "Sign in: send Authorization: Bearer TOKEN.", "Kirjaudu sisään.", "Logga in." },
    { "invalid_credentials", NULL, "Sähköpostiosoite tai salasana on väärin.",
        "E-postadressen eller lösenordet är fel." },
    { "too_many_attempts", "Too many failed logins; wait before trying again.",
        "Liian monta epäonnistunutta kirjautumista: odota hetki ennen kuin yrität uudelleen.",
        "För många misslyckade inloggningar: vänta en stund innan du försöker igen." },
    { "too_many_attempts", "Too many registrations from here; wait before trying again.",
        "Täältä on rekisteröidytty liian monta kertaa: odota hetki ennen kuin yrität uudelleen.",
        "För många registreringar härifrån: vänta en stund innan du försöker igen." },
    { "busy", NULL, "Palvelu on kiireinen: yritä hetken päästä uudelleen.",
        "Tjänsten är upptagen: försök igen om en stund." },
    { "forbidden", "You may not do this.", "Sinulla ei ole oikeutta tähän.", "Du har inte rätt att göra detta." },
    { "not_found", NULL, "Tätä ei löydy.", "Det här finns inte." },
    { "csrf_failed", NULL,
        "Lomake on vanhentunut tai lähetetty toiselta sivustolta: lataa sivu uudelleen ja lähetä lomake uudestaan.",
        "Formuläret är föråldrat eller skickades från en annan webbplats: ladda om sidan och skicka det igen." },
    { "method_not_allowed", NULL, "Tätä menetelmää ei voi käyttää tässä.", "Den här metoden kan inte användas här." },
    { "payload_too_large", NULL, "Pyyntö on liian suuri (yli 1 MiB).", "Begäran är för stor (över 1 MiB)." },
    { "database_unavailable", NULL, "Tietokanta ei ole käytettävissä: yritä pian uudelleen.",
        "Databasen är inte tillgänglig: försök igen snart." },
    { "internal_error", NULL, "Jokin meni vikaan meidän päässämme.", "Något gick fel hos oss." },
    { "conflict", NULL, "Tämä on ristiriidassa olemassa olevan kanssa.", "Det här strider mot det som redan finns." },
    { "already_signed_up", NULL, "Olet jo ilmoittautunut.", "Du har redan anmält dig." },
    { "already_cancelled", NULL, "Tämä ilmoittautuminen on jo peruttu.", "Den här anmälan är redan avbokad." },
    { "group_archived", NULL, "Tämä ryhmä ei enää kokoonnu.", "Den här gruppen träffas inte längre." },
    { "registration_closed", NULL, "Ilmoittautuminen ei ole nyt auki.", "Anmälan är inte öppen nu." },
    { "series_ended", NULL, "Tämä sarja on päättynyt.", "Den här serien har tagit slut." },
    { "session_cancelled", NULL, "Tämä tapaaminen on peruttu.", "Den här träffen är inställd." },
    { "session_over", NULL, "Tämä tapaaminen on jo ohi.", "Den här träffen är redan över." },
    { "consent_required", NULL, "Ryhmä pyytää suostumustasi: lähetä \"consent\": true.",
        "Gruppen ber om ditt samtycke: skicka \"consent\": true." },
};

/* English validation phrase, Finnish, Swedish. */
static const struct {
    const char *en, *fi, *sv;
} phrases[] = {
    { "is required", "puuttuu", "saknas" },
    { "must be a string", "pitää olla tekstiä", "ska vara text" },
    { "is too long", "on liian pitkä", "är för lång" },
    { "is too short", "on liian lyhyt", "är för kort" },
    { "is empty", "on tyhjä", "är tom" },
    { "is not one of the allowed values", "ei ole mikään sallituista arvoista", "är inte ett av de tillåtna värdena" },
    { "must be true or false", "pitää olla true tai false", "ska vara true eller false" },
    { "must be an id", "pitää olla tunniste", "ska vara en identifierare" },
    { "must have at least 8 characters", "pitää olla vähintään 8 merkkiä", "ska ha minst 8 tecken" },
    { "must be an object", "pitää olla olio", "ska vara ett objekt" },
    { "must be an array", "pitää olla taulukko", "ska vara en lista" },
};

const char *messages_sentence(enum messages_lang lang, const char *code, const char *english)
{
    if (lang == MESSAGES_EN || code == NULL)
        return english;
    for (size_t i = 0; i < ARRAY_LEN(sentences); i++) {
        if (strcmp(sentences[i].code, code) == 0 && (sentences[i].en == NULL || strcmp(sentences[i].en, english) == 0))
            return lang == MESSAGES_FI ? sentences[i].fi : sentences[i].sv;
    }
    return english;
}

const char *messages_phrase(enum messages_lang lang, const char *english)
{
    if (lang == MESSAGES_EN)
        return english;
    for (size_t i = 0; i < ARRAY_LEN(phrases); i++) {
        if (strcmp(phrases[i].en, english) == 0)
            return lang == MESSAGES_FI ? phrases[i].fi : phrases[i].sv;
    }
    return english;
}
