/* SPDX-License-Identifier: Apache-2.0 */
/* The messages: a neutral subject, a greeting, a few plain paragraphs in the
 * person's language, as a text part and an HTML part that each stand alone.
 * Phrases are Mustache over the row's view; the group is named only when
 * the view carries it (no discreet titles). */
#include "mail.h"

#include "log.h"
#include "mustache.h"
#include "util.h"
#include "web.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAS 5

struct mail_phrases {
    const char *kind, *lang;
    const char *subject;
    const char
        *paras[MAX_PARAS]; /* {{{x}}}: raw here, the HTML template escapes the whole paragraph */
    const char *action;    /* a message with a link to act on: its words, after the first paragraph */
    const char *signin;    /* a message about one-to-one support: the sign-in link's words, likewise */
    bool about_signup;     /* a message with a link that is about a signup (an offer), not asked for */
    const char *join;      /* an invitation: the register link's words, after the first paragraph */
};

static const struct mail_phrases phrases[] = {
    { "signup_confirmed", "fi", "Paikkasi on varattu",
        { "Paikkasi on varattu{{#group}} ryhmään {{{group}}}{{/group}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Jos et pääsekään, voit perua ilmoittautumisesi Piirissä. Silloin paikka vapautuu "
            "toiselle.",
            "Tervetuloa!" }, NULL, NULL, false, NULL },
    { "signup_confirmed", "sv", "Din plats är bokad",
        { "Din plats är bokad{{#group}} i {{{group}}}{{/group}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "Om du inte kan komma kan du avboka i Piiri. Då blir platsen ledig för någon annan.",
            "Välkommen!" }, NULL, NULL, false, NULL },
    { "signup_confirmed", "en", "Your place is booked",
        { "Your place is booked{{#group}} in {{{group}}}{{/group}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "If you cannot come after all, you can cancel in Piiri, and the place goes to someone "
            "else.",
            "Welcome!" }, NULL, NULL, false, NULL },
    { "signup_waitlisted", "fi", "Olet jonossa",
        { "Ryhmä{{#group}} {{{group}}}{{/group}} on nyt täynnä, joten olet jonossa{{#position}}, "
          "sijalla "
          "{{position}}{{/position}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Kun paikka vapautuu, saat siitä viestin. Sinun ei tarvitse tehdä mitään sitä "
            "ennen." }, NULL, NULL, false, NULL },
    { "signup_waitlisted", "sv", "Du står i kö",
        { "Gruppen{{#group}} {{{group}}}{{/group}} är full just nu, så du står i kö{{#position}}, "
          "som nummer "
          "{{position}}{{/position}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "När en plats blir ledig får du ett meddelande. Du behöver inte göra något innan "
            "dess." }, NULL, NULL, false, NULL },
    { "signup_waitlisted", "en", "You are on the waiting list",
        { "The group{{#group}} {{{group}}}{{/group}} is full for now, so you are on the waiting "
          "list"
          "{{#position}}, number {{position}}{{/position}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "When a place opens up, we will write to you. You do not need to do anything before "
            "then." }, NULL, NULL, false, NULL },
    { "signup_promoted", "fi", "Sinulle vapautui paikka",
        { "Jonosta vapautui paikka, ja se on nyt sinun{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Jos et pääsekään, peru ilmoittautumisesi Piirissä, niin paikka siirtyy seuraavalle.",
            "Tervetuloa!" }, NULL, NULL, false, NULL },
    { "signup_promoted", "sv", "En plats blev ledig för dig",
        { "En plats blev ledig och den är nu din{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "Om du inte kan komma, avboka i Piiri så går platsen till nästa i kön.",
            "Välkommen!" }, NULL, NULL, false, NULL },
    { "signup_promoted", "en", "A place opened up for you",
        { "A place opened up and it is now yours{{#group}}: {{{group}}}{{/group}}.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "If you cannot come, cancel in Piiri and the place goes to the next person waiting.",
            "Welcome!" }, NULL, NULL, false, NULL },
    { "session_cancelled", "fi", "Tapaaminen on peruttu",
        { "Valitettavasti tapaaminen{{#group}} ({{{group}}}){{/group}} on peruttu{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Syy: {{{reason}}}{{/reason}}",
            "Sinun ei tarvitse tehdä mitään. Pahoittelemme muutosta." }, NULL, NULL, false, NULL },
    { "session_cancelled", "sv", "En träff är inställd",
        { "Tyvärr är träffen{{#group}} ({{{group}}}){{/group}} inställd{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Orsak: {{{reason}}}{{/reason}}",
            "Du behöver inte göra något. Vi beklagar ändringen." }, NULL, NULL, false, NULL },
    { "session_cancelled", "en", "A meeting is cancelled",
        { "We are sorry: the meeting{{#group}} ({{{group}}}){{/group}} is cancelled{{#when}}: "
          "{{{when}}}{{/when}}.",
            "{{#reason}}Reason: {{{reason}}}{{/reason}}", "You do not need to do anything." }, NULL, NULL, false, NULL },
    { "session_moved", "fi", "Tapaamisen aika muuttui",
        { "Tapaamisen{{#group}} ({{{group}}}){{/group}} aika on muuttunut.",
            "{{#when}}Uusi aika: {{{when}}}{{/when}}",
            "Ilmoittautumisesi on voimassa. Jos uusi aika ei sovi, voit perua sen Piirissä." }, NULL, NULL, false, NULL },
    { "session_moved", "sv", "En träff har fått ny tid",
        { "Träffen{{#group}} ({{{group}}}){{/group}} har fått en ny tid.",
            "{{#when}}Ny tid: {{{when}}}{{/when}}",
            "Din anmälan gäller fortfarande. Om den nya tiden inte passar kan du avboka i "
            "Piiri." }, NULL, NULL, false, NULL },
    { "session_moved", "en", "A meeting has a new time",
        { "The meeting{{#group}} ({{{group}}}){{/group}} has a new time.",
            "{{#when}}New time: {{{when}}}{{/when}}",
            "Your signup still stands. If the new time does not suit you, you can cancel in "
            "Piiri." }, NULL, NULL, false, NULL },
    { "schedule_changed", "fi", "Ryhmän aikataulu muuttui",
        { "Ryhmän{{#group}} {{{group}}}{{/group}} aikataulu on muuttunut.",
            "{{#rule}}Uusi aikataulu: {{{rule}}}.{{/rule}}",
            "{{#next_list}}Seuraavat tapaamisesi: {{{next_list}}}.{{/next_list}}",
            "{{#cancelled}}Muutoksen vuoksi peruttuja tapaamisiasi: {{cancelled}}.{{/cancelled}}",
            "Ilmoittautumisesi on voimassa. Jos uusi aikataulu ei sovi, voit perua "
            "ilmoittautumisesi Piirissä." }, NULL, NULL, false, NULL },
    { "schedule_changed", "sv", "Gruppens schema har ändrats",
        { "Schemat för gruppen{{#group}} {{{group}}}{{/group}} har ändrats.",
            "{{#rule}}Det nya schemat: {{{rule}}}.{{/rule}}",
            "{{#next_list}}Dina nästa träffar: {{{next_list}}}.{{/next_list}}",
            "{{#cancelled}}Dina träffar som ställts in på grund av ändringen: "
            "{{cancelled}}.{{/cancelled}}",
            "Din anmälan gäller fortfarande. Om det nya schemat inte passar kan du avboka i "
            "Piiri." }, NULL, NULL, false, NULL },
    { "schedule_changed", "en", "The group's schedule has changed",
        { "The schedule of the group{{#group}} {{{group}}}{{/group}} has changed.",
            "{{#rule}}The new schedule: {{{rule}}}.{{/rule}}",
            "{{#next_list}}Your next meetings: {{{next_list}}}.{{/next_list}}",
            "{{#cancelled}}Your meetings cancelled by the change: {{cancelled}}.{{/cancelled}}",
            "Your signup still stands. If the new schedule does not suit you, you can cancel in "
            "Piiri." }, NULL, NULL, false, NULL },
    { "session_reminder", "fi", "Muistutus tapaamisesta",
        { "Tämä on muistutus tapaamisesta{{#group}} ({{{group}}}){{/group}}, johon olet "
          "ilmoittautunut.",
            "{{#when}}Aika: {{{when}}}{{/when}}", "{{#place}}Paikka: {{{place}}}{{/place}}",
            "Jos et pääsekään, voit perua ilmoittautumisesi Piirissä. Silloin paikka vapautuu "
            "toiselle." }, NULL, NULL, false, NULL },
    { "session_reminder", "sv", "Påminnelse om en träff",
        { "Det här är en påminnelse om träffen{{#group}} ({{{group}}}){{/group}} som du har "
          "anmält dig till.",
            "{{#when}}Tid: {{{when}}}{{/when}}", "{{#place}}Plats: {{{place}}}{{/place}}",
            "Om du inte kan komma kan du avboka i Piiri. Då blir platsen ledig för någon "
            "annan." }, NULL, NULL, false, NULL },
    { "session_reminder", "en", "A reminder of a meeting",
        { "This is a reminder of the meeting{{#group}} ({{{group}}}){{/group}} you signed up for.",
            "{{#when}}When: {{{when}}}{{/when}}", "{{#place}}Where: {{{place}}}{{/place}}",
            "If you cannot come after all, you can cancel in Piiri, and the place goes to someone "
            "else." }, NULL, NULL, false, NULL },
    { "signup_offered", "fi", "Sinulle tarjotaan paikkaa",
        { "Jonosta vapautui paikka{{#group}} ryhmään {{{group}}}{{/group}}, ja sitä tarjotaan nyt "
          "sinulle.",
            "{{#when}}Aika: {{{when}}}{{/when}}",
            "Paikka pidetään sinulle {{{deadline}}} asti. Vastaa siihen mennessä, otatko sen "
            "vastaan. Jos et vastaa, paikka siirtyy jonossa seuraavalle.",
            "Jos et pääse, voit kieltäytyä samasta linkistä, niin paikka vapautuu heti toiselle." },
        "Vastaa tarjoukseen", NULL, true, NULL },
    { "signup_offered", "sv", "Du erbjuds en plats",
        { "En plats blev ledig{{#group}} i {{{group}}}{{/group}} och den erbjuds nu dig.",
            "{{#when}}Tid: {{{when}}}{{/when}}",
            "Platsen hålls för dig till {{{deadline}}}. Svara före det om du tar emot den. Om du "
            "inte svarar går platsen till nästa i kön.",
            "Om du inte kan komma kan du tacka nej via samma länk, så går platsen genast till "
            "någon annan." },
        "Svara på erbjudandet", NULL, true, NULL },
    { "signup_offered", "en", "A place is offered to you",
        { "A place opened up{{#group}} in {{{group}}}{{/group}} and it is offered to you.",
            "{{#when}}When: {{{when}}}{{/when}}",
            "The place is held for you until {{{deadline}}}. Answer by then whether you take it. "
            "If you do not, it goes to the next person waiting.",
            "If you cannot come, you can decline from the same link, and the place goes to "
            "someone else at once." },
        "Answer the offer", NULL, true, NULL },
    /* One-to-one support: that something waits in Piiri, nothing of the
     * request or of the person who asked (mail_pairing_view reads neither). */
    { "pairing_proposed", "fi", "Uusi ehdotus Piirissä",
        { "Koordinaattori on ehdottanut sinulle uutta kahdenkeskistä tukea. Kirjaudu Piiriin, niin "
          "näet ehdotuksen ja voit hyväksyä sen tai kieltäytyä siitä.",
            "Tässä viestissä ei ole ehdotuksen tietoja: ne näet vain Piirissä." },
        NULL, "Kirjaudu Piiriin", false, NULL },
    { "pairing_proposed", "sv", "Ett nytt förslag i Piiri",
        { "En samordnare har föreslagit nytt stöd på tu man hand för dig. Logga in i Piiri för att "
          "se förslaget och godkänna eller avböja det.",
            "Meddelandet innehåller inga uppgifter om förslaget: de finns bara i Piiri." },
        NULL, "Logga in i Piiri", false, NULL },
    { "pairing_proposed", "en", "A new proposal in Piiri",
        { "A coordinator has proposed new one-to-one support to you. Sign in to Piiri to see the "
          "proposal and accept or decline it.",
            "This message holds none of the proposal's details: you see them only in Piiri." },
        NULL, "Sign in to Piiri", false, NULL },
    { "pairing_accepted", "fi", "Ehdotus on hyväksytty",
        { "{{#requester}}Sinulle ehdotettu tukihenkilö on hyväksynyt ehdotuksen. Kirjaudu Piiriin, "
          "niin näet, miten pääsette alkuun.{{/requester}}{{^requester}}Tukihenkilö on hyväksynyt "
          "ehdotetun kahdenkeskisen tuen. Kirjaudu Piiriin, niin näet sen.{{/requester}}",
            "Tässä viestissä ei ole pyynnön tietoja: ne näet vain Piirissä." },
        NULL, "Kirjaudu Piiriin", false, NULL },
    { "pairing_accepted", "sv", "Ett förslag har godkänts",
        { "{{#requester}}Stödpersonen som föreslogs för dig har godkänt förslaget. Logga in i "
          "Piiri för att se hur ni kommer i gång.{{/requester}}{{^requester}}En stödperson har "
          "godkänt föreslaget stöd på tu man hand. Logga in i Piiri för att se det.{{/requester}}",
            "Meddelandet innehåller inga uppgifter om förfrågan: de finns bara i Piiri." },
        NULL, "Logga in i Piiri", false, NULL },
    { "pairing_accepted", "en", "A proposal has been accepted",
        { "{{#requester}}The supporter proposed to you has accepted. Sign in to Piiri to see how "
          "to get started.{{/requester}}{{^requester}}A supporter has accepted proposed one-to-one "
          "support. Sign in to Piiri to see it.{{/requester}}",
            "This message holds none of the request's details: you see them only in Piiri." },
        NULL, "Sign in to Piiri", false, NULL },
    /* An invitation: to an address, from the org; joining needs the
     * address verified, which registering asks for (mail_invitation_view). */
    { "invitation", "fi", "Kutsu Piiriin",
        { "{{{org}}} kutsuu sinut Piiriin{{#as_member}} jäseneksi{{/as_member}}{{#as_leader}} "
          "ryhmänohjaajaksi{{/as_leader}}{{#as_coordinator}} koordinaattoriksi{{/as_coordinator}}. "
          "Piirissä näet yhdistyksen ryhmät ja voit ilmoittautua niihin.",
            "Luo tili tällä sähköpostiosoitteella ja vahvista osoite viestistä, jonka saat sen "
            "jälkeen. Olet mukana heti, kun osoite on vahvistettu.",
            "Jos sinulla on jo tili tällä osoitteella, pyydä kirjautumissivulla kirjautumislinkki "
            "sähköpostiisi: linkin käyttäminen vahvistaa osoitteen.",
            "{{#until}}Kutsu on voimassa {{until}} asti.{{/until}}",
            "Jos et odottanut tätä kutsua, voit jättää viestin huomiotta." },
        NULL, NULL, false, "Luo tili" },
    { "invitation", "sv", "Inbjudan till Piiri",
        { "{{{org}}} bjuder in dig till Piiri{{#as_member}} som medlem{{/as_member}}{{#as_leader}} "
          "som gruppledare{{/as_leader}}{{#as_coordinator}} som samordnare{{/as_coordinator}}. I "
          "Piiri ser du föreningens grupper och kan anmäla dig till dem.",
            "Skapa ett konto med den här e-postadressen och bekräfta adressen via meddelandet du får "
            "efter det. Du är med så snart adressen är bekräftad.",
            "Om du redan har ett konto med den här adressen, be om en inloggningslänk på "
            "inloggningssidan: när du använder länken bekräftas adressen.",
            "{{#until}}Inbjudan gäller till {{until}}.{{/until}}",
            "Om du inte väntade dig inbjudan kan du lämna meddelandet utan åtgärd." },
        NULL, NULL, false, "Skapa ett konto" },
    { "invitation", "en", "An invitation to Piiri",
        { "{{{org}}} invites you to Piiri{{#as_member}} as a member{{/as_member}}{{#as_leader}} as "
          "a group leader{{/as_leader}}{{#as_coordinator}} as a coordinator{{/as_coordinator}}. In "
          "Piiri you see the association's groups and can sign up for them.",
            "Create an account with this email address and confirm the address from the message "
            "you get after that. You are in as soon as the address is confirmed.",
            "If you already have an account with this address, ask for a sign-in link on the "
            "sign-in page: using the link confirms the address.",
            "{{#until}}The invitation is valid until {{until}}.{{/until}}",
            "If you did not expect this invitation, you can ignore this message." },
        NULL, NULL, false, "Create an account" },
    { "email_verify", "fi", "Vahvista sähköpostiosoitteesi",
        { "Vahvista, että tämä osoite on sinun: avaa linkki ja paina sivulla olevaa painiketta. "
          "Sen jälkeen saat Piiristä viestit ilmoittautumisistasi.",
            "Linkki toimii {{valid_for}}.",
            "Jos et luonut tiliä Piiriin, voit jättää tämän viestin huomiotta." },
        "Vahvista osoite", NULL, false, NULL },
    { "email_verify", "sv", "Bekräfta din e-postadress",
        { "Bekräfta att adressen är din: öppna länken och tryck på knappen på sidan. Därefter får "
          "du meddelanden om dina anmälningar från Piiri.",
            "Länken fungerar i {{valid_for}}.",
            "Om du inte skapade ett konto i Piiri kan du lämna meddelandet utan åtgärd." },
        "Bekräfta adressen", NULL, false, NULL },
    { "email_verify", "en", "Confirm your email address",
        { "Confirm that this address is yours: open the link and press the button on the page. "
          "After that, Piiri will tell you about your signups by email.",
            "The link works for {{valid_for}}.",
            "If you did not create an account in Piiri, you can ignore this message." },
        "Confirm the address", NULL, false, NULL },
    { "password_reset", "fi", "Salasanan vaihtaminen",
        { "Tälle osoitteelle pyydettiin uutta salasanaa. Voit valita uuden salasanan tästä:",
            "Linkki toimii {{valid_for}} ja vain kerran.",
            "Jos et pyytänyt tätä, sinun ei tarvitse tehdä mitään: salasanasi pysyy ennallaan." },
        "Valitse uusi salasana", NULL, false, NULL },
    { "password_reset", "sv", "Byte av lösenord",
        { "Någon bad om ett nytt lösenord för den här adressen. Du kan välja ett nytt lösenord här:",
            "Länken fungerar i {{valid_for}} och bara en gång.",
            "Om du inte bad om det behöver du inte göra något: ditt lösenord är som förut." },
        "Välj ett nytt lösenord", NULL, false, NULL },
    { "password_reset", "en", "Changing your password",
        { "A new password was asked for this address. You can choose a new password here:",
            "The link works for {{valid_for}} and only once.",
            "If you did not ask for this, you need not do anything: your password stays as it "
            "is." },
        "Choose a new password", NULL, false, NULL },
    { "signin_link", "fi", "Kirjautumislinkki",
        { "Voit kirjautua Piiriin tästä linkistä ilman salasanaa:",
            "Linkki toimii {{valid_for}} ja vain kerran.",
            "Jos et pyytänyt linkkiä, voit jättää tämän viestin huomiotta." },
        "Kirjaudu sisään", NULL, false, NULL },
    { "signin_link", "sv", "Inloggningslänk",
        { "Du kan logga in i Piiri med den här länken, utan lösenord:",
            "Länken fungerar i {{valid_for}} och bara en gång.",
            "Om du inte bad om länken kan du lämna meddelandet utan åtgärd." },
        "Logga in", NULL, false, NULL },
    { "signin_link", "en", "Your sign-in link",
        { "You can sign in to Piiri with this link, without a password:",
            "The link works for {{valid_for}} and only once.",
            "If you did not ask for the link, you can ignore this message." },
        "Sign in", NULL, false, NULL },
};

/* What every message of a language shares. */
struct mail_frame {
    const char *lang;
    const char *greeting, *guest, *footer;
    const char *account_footer; /* under an account message: asked for, not signed up */
    const char *support_footer; /* under a message about one-to-one support */
    const char *unsubscribe;    /* a message that can be turned off: how */
    const char *prefs;          /* and where all of them are chosen */
    const char *weekdays[7];    /* ISO: Monday first */
    const char *at;             /* between the date and the time */
    const char *minutes, *hours; /* "{{n}} minutes": how long a link works */
    const char *invite_footer;   /* under an invitation: why this address */
};

static const struct mail_frame frames[] = {
    { "fi", "Hei{{#name}} {{{name}}}{{/name}},",
        "Viesti koskee ilmoittautumista, jonka teit henkilön {{{guest}}} puolesta.",
        "Tämä viesti tuli Piiristä, koska ilmoittauduit sen kautta. Siihen ei tarvitse vastata.",
        "Tämä viesti tuli Piiristä, koska sitä pyydettiin tälle osoitteelle. Siihen ei tarvitse "
        "vastata.",
        "Tämä viesti tuli Piiristä, koska olet mukana sen kahdenkeskisessä tuessa. Siihen ei "
        "tarvitse vastata.",
        "En halua tällaisia viestejä", "Kaikki viestiasetukset",
        { "ma", "ti", "ke", "to", "pe", "la", "su" }, "klo", "{{n}} minuuttia", "{{n}} tuntia",
        "Tämä viesti tuli Piiristä, koska yhdistyksen koordinaattori kutsui tämän osoitteen. "
        "Siihen ei tarvitse vastata." },
    { "sv", "Hej{{#name}} {{{name}}}{{/name}},",
        "Meddelandet gäller anmälan som du gjorde för {{{guest}}}.",
        "Det här meddelandet kommer från Piiri eftersom du anmälde dig där. Du behöver inte svara.",
        "Det här meddelandet kommer från Piiri eftersom det beställdes till den här adressen. Du "
        "behöver inte svara.",
        "Det här meddelandet kommer från Piiri eftersom du är med i dess stöd på tu man hand. Du "
        "behöver inte svara.",
        "Jag vill inte ha sådana meddelanden", "Alla inställningar för meddelanden",
        { "mån", "tis", "ons", "tors", "fre", "lör", "sön" }, "kl.", "{{n}} minuter", "{{n}} timmar",
        "Det här meddelandet kommer från Piiri eftersom en samordnare i föreningen bjöd in den här "
        "adressen. Du behöver inte svara." },
    { "en", "Hello{{#name}} {{{name}}}{{/name}},",
        "This is about the signup you made for {{{guest}}}.",
        "This message comes from Piiri because you signed up there. There is no need to reply.",
        "This message comes from Piiri because it was asked for this address. There is no need to "
        "reply.",
        "This message comes from Piiri because you take part in its one-to-one support. There is "
        "no need to reply.",
        "I do not want messages like this", "All message settings",
        { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }, "at", "{{n}} minutes", "{{n}} hours",
        "This message comes from Piiri because a coordinator of the association invited this "
        "address. There is no need to reply." },
};

static const char html_source[] =
    "<!DOCTYPE html>\n<html lang=\"{{lang}}\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<title>{{subject}}</title>\n</head>\n"
    "<body style=\"font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a;\">\n"
    "<p>{{greeting}}</p>\n{{#paragraphs}}<p>{{text}}</p>\n"
    "{{#url}}<p><a href=\"{{url}}\" style=\"font-size: 18px; font-weight: bold;\">{{label}}</a></p>\n"
    "{{/url}}{{/paragraphs}}"
    "<p style=\"color: #555555; font-size: 14px;\">{{footer}}</p>\n"
    "{{#unsubscribe_url}}<p style=\"color: #555555; font-size: 14px;\"><a "
    "href=\"{{unsubscribe_url}}\">{{unsubscribe}}</a> · <a href=\"{{prefs_url}}\">{{prefs}}</a>"
    "</p>\n{{/unsubscribe_url}}</body>\n</html>\n";

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

/* How long a link works, in words (minutes under two hours), as a JSON string. */
static json_t *valid_for(const struct mail_frame *f, json_int_t minutes)
{
    bool in_minutes = minutes < 120;
    json_t *n = json_pack("{s:I}", "n", in_minutes ? minutes : minutes / 60);
    char *words = render_phrase(in_minutes ? f->minutes : f->hours, n);
    json_decref(n);
    json_t *out = json_string(words);
    free(words);
    return out;
}

/* "ti 24.11.2026 klo 18.00" of a {date, weekday, time}; NULL without one. New string. */
static char *when_words(const json_t *o, const struct mail_frame *f)
{
    const char *date = str(o, "date"), *time = str(o, "time");
    json_int_t wd = json_integer_value(json_object_get(o, "weekday"));
    if (date == NULL || time == NULL || wd < 1 || wd > 7)
        return NULL;
    return xasprintf("%s %s %s %s", f->weekdays[wd - 1], date, f->at, time);
}

/* A changed schedule's words: the new rule as a person says it
 * (web_schedule_words; none for a rule words do not say well) and the
 * person's next meetings, one after another. */
static void schedule_data(json_t *data, const json_t *view, const struct mail_frame *f)
{
    json_t *sch = json_object_get(view, "schedule");
    char *rule = str(sch, "start") != NULL && str(sch, "rrule") != NULL
        ? web_schedule_words(f->lang, str(sch, "start"),
              (int)json_integer_value(json_object_get(sch, "duration")), str(sch, "rrule"))
        : NULL;
    if (rule != NULL)
        json_object_set_new(data, "rule", json_string(rule));
    free(rule);
    char *list = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(view, "next"), i, item)
    {
        char *when = when_words(item, f);
        if (when == NULL)
            continue;
        char *longer = list ? xasprintf("%s, %s", list, when) : xstrdup(when);
        free(list);
        free(when);
        list = longer;
    }
    if (list != NULL)
        json_object_set_new(data, "next_list", json_string(list));
    free(list);
}

/* The data the phrases see: the view, "when" and "valid_for" written out. */
static json_t *phrase_data(const json_t *view, const struct mail_frame *f)
{
    json_t *data = json_deep_copy(view);
    if (data == NULL)
        fatalx("out of memory");
    char *when = when_words(view, f);
    if (when != NULL)
        json_object_set_new(data, "when", json_string(when));
    free(when);
    schedule_data(data, view, f);
    const char *date = str(view, "deadline_date"), *time = str(view, "deadline_time");
    json_int_t wd = json_integer_value(json_object_get(view, "deadline_weekday"));
    if (date != NULL && time != NULL && wd >= 1 && wd <= 7)
        json_object_set_new(
            data, "deadline", json_sprintf("%s %s %s %s", f->weekdays[wd - 1], date, f->at, time));
    json_t *minutes = json_object_get(view, "link_minutes");
    if (json_is_integer(minutes))
        json_object_set_new(data, "valid_for", valid_for(f, json_integer_value(minutes)));
    return data;
}

/* Append "line\n" and a blank line to the text part. */
static void text_add(char **text, const char *line)
{
    char *t = xasprintf("%s\n%s\n", *text, line);
    free(*text);
    *text = t;
}

/* The paragraphs, into the text part and as the HTML's list; an account
 * message's link, or a support message's sign-in link, after the first. */
static json_t *body_paragraphs(const struct mail_phrases *p, const struct mail_frame *f,
    const json_t *view, const json_t *data, char **text)
{
    json_t *paras = json_array();
    const char *label = p->action ? p->action : p->signin ? p->signin : p->join;
    const char *link = str(view, p->action ? "link_url" : p->signin ? "signin_url" : "register_url");
    for (int i = 0; i <= MAX_PARAS; i++) {
        const char *src = i < MAX_PARAS ? p->paras[i] : (str(view, "guest") ? f->guest : NULL);
        if (src == NULL)
            continue;
        char *para = render_phrase(src, data);
        if (para[0] != '\0') {
            text_add(text, para);
            json_t *o = json_pack("{s:s}", "text", para);
            if (json_array_size(paras) == 0 && label != NULL && link != NULL) {
                char *line = xasprintf("%s: %s", label, link);
                text_add(text, line);
                free(line);
                json_object_set_new(o, "url", json_string(link));
                json_object_set_new(o, "label", json_string(label));
            }
            json_array_append_new(paras, o);
        }
        free(para);
    }
    return paras;
}

/* Why the message came: asked for, signed up, one-to-one support, or invited. */
static const char *why(const struct mail_phrases *p, const struct mail_frame *f)
{
    if (p->join != NULL)
        return f->invite_footer;
    if (p->action != NULL && !p->about_signup)
        return f->account_footer;
    return p->signin != NULL ? f->support_footer : f->footer;
}

/* The footer of the text part: why the message came, and for a message
 * that can be turned off, how. New string. */
static char *text_footer(const struct mail_phrases *p, const struct mail_frame *f, const json_t *view)
{
    const char *unsub = str(view, "unsubscribe_url"), *prefs = str(view, "prefs_url");
    if ((p->action != NULL && !p->about_signup) || unsub == NULL || prefs == NULL)
        return xstrdup(why(p, f));
    return xasprintf("%s\n\n%s: %s\n%s: %s", why(p, f), f->unsubscribe, unsub, f->prefs, prefs);
}

static char *render_html(const struct mail_phrases *p, const struct mail_frame *f,
    const json_t *view, const char *greeting, json_t *paras, char **cause)
{
    json_t *page = json_pack("{s:s, s:s, s:s, s:o, s:s}", "lang", f->lang, "subject", p->subject,
        "greeting", greeting, "paragraphs", paras, "footer", why(p, f));
    if (page == NULL)
        fatalx("out of memory");
    if (p->action == NULL && str(view, "unsubscribe_url") && str(view, "prefs_url")) {
        json_object_set_new(page, "unsubscribe_url", json_string(str(view, "unsubscribe_url")));
        json_object_set_new(page, "prefs_url", json_string(str(view, "prefs_url")));
        json_object_set_new(page, "unsubscribe", json_string(f->unsubscribe));
        json_object_set_new(page, "prefs", json_string(f->prefs));
    }
    struct mustache_template *tpl = mustache_compile(html_source, sizeof(html_source) - 1, cause);
    if (tpl == NULL)
        fatalx("mail template: %s", *cause);
    size_t len;
    char *html = mustache_render_string(tpl, page, NULL, &len, cause);
    mustache_template_free(tpl);
    if (html == NULL)
        fatalx("mail template: %s", *cause);
    json_decref(page);
    return html;
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
    if (p->action != NULL && str(view, "link_url") == NULL) {
        *cause = xasprintf("a %s message needs its link", kind);
        return -1;
    }
    json_t *data = phrase_data(view, f);
    char *greeting = render_phrase(f->greeting, data);
    char *text = xasprintf("%s\n", greeting);
    json_t *paras = body_paragraphs(p, f, view, data, &text);
    char *footer = text_footer(p, f, view);
    m->text = xasprintf("%s\n-- \n%s\n", text, footer);
    free(footer);
    free(text);
    m->html = render_html(p, f, view, greeting, paras, cause);
    json_decref(data);
    free(greeting);
    m->to = xstrdup(email);
    m->subject = xstrdup(p->subject);
    m->message_id = message_id(view, from);
    const char *one_click = str(view, "one_click_url");
    if (p->action == NULL && one_click != NULL)
        m->list_unsubscribe = xstrdup(one_click);
    m->calendar = mail_calendar_render(view, &m->calendar_method);
    return 0;
}

void mail_message_free(struct mail_message *m)
{
    free(m->to);
    free(m->subject);
    free(m->message_id);
    free(m->text);
    free(m->html);
    free(m->list_unsubscribe);
    free(m->calendar);
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
