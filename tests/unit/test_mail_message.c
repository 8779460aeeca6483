/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for mail-message.c: a message for every kind in every language,
 * subjects that never name the group, discreet titles kept out of the body,
 * a changed schedule's rule in words (or the next meetings), the sign-in link
 * of a message about one-to-one support, an invitation's register link and
 * role, HTML escaped, and the header helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mail.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = { "signup_confirmed", "signup_waitlisted", "signup_promoted",
    "session_cancelled", "session_moved", "session_reminder", "schedule_changed" };
static const char *const langs[] = { "fi", "sv", "en" };

static json_t *view(const char *kind, const char *lang, const char *group)
{
    json_t *v = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i}", "org_id",
        "5a1b0000-0000-4000-8000-000000000001", "id", (json_int_t)42, "kind", kind, "language",
        lang, "email", "aino@example.org", "name", "Aino", "date", "25.11.2026", "weekday", 3,
        "time", "10.00", "reason", "Ohjaaja <sairastui>", "position", 2);
    assert_non_null(v);
    if (group != NULL)
        json_object_set_new(v, "group", json_string(group));
    return v;
}

static void test_every_kind_in_every_language(void **state)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
            json_t *v = view(kinds[k], langs[l], "Surevien vanhempien ryhmä");
            struct mail_message m;
            char *cause = NULL;
            assert_int_equal(mail_message_build(v, "Piiri <piiri@example.org>", &m, &cause), 0);
            assert_null(strstr(m.subject, "Surevien"));
            assert_non_null(strstr(m.text, "Surevien vanhempien ryhmä"));
            assert_non_null(strstr(m.html, "Surevien vanhempien ryhmä"));
            assert_non_null(strstr(m.text, "Aino"));
            assert_string_equal(
                m.message_id, "<piiri-outbox-42.5a1b0000-0000-4000-8000-000000000001@example.org>");
            assert_string_equal(m.to, "aino@example.org");
            mail_message_free(&m);
            json_decref(v);
        }
    }
}

static void test_discreet_titles_keep_the_group_out(void **state)
{
    json_t *v = view("signup_confirmed", "fi", NULL);
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_non_null(strstr(m.text, "Paikkasi on varattu."));
    assert_non_null(strstr(m.text, "ke 25.11.2026 klo 10.00"));
    mail_message_free(&m);
    json_decref(v);
}

static void test_a_reminder_says_when_and_where(void **state)
{
    static const char *const where[] = { "Paikka: Kirjasto, Kauppakatu 1",
        "Plats: Kirjasto, Kauppakatu 1", "Where: Kirjasto, Kauppakatu 1" };
    static const char *const subjects[] = { "Muistutus tapaamisesta", "Påminnelse om en träff",
        "A reminder of a meeting" };
    for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
        json_t *v = view("session_reminder", langs[l], NULL);
        json_object_set_new(v, "place", json_string("Kirjasto, Kauppakatu 1"));
        struct mail_message m;
        char *cause = NULL;
        assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
        assert_string_equal(m.subject, subjects[l]);
        assert_non_null(strstr(m.text, where[l]));
        assert_non_null(strstr(m.text, "25.11.2026"));
        assert_null(strstr(m.text, "()"));
        mail_message_free(&m);
        json_object_del(v, "place");
        assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
        assert_null(strstr(m.text, "Kauppakatu"));
        assert_null(strstr(m.text, where[l]));
        mail_message_free(&m);
        json_decref(v);
    }
}

static void test_html_is_escaped_text_is_not(void **state)
{
    json_t *v = view("session_cancelled", "en", "Tea & talk");
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_non_null(strstr(m.text, "Tea & talk"));
    assert_non_null(strstr(m.text, "Reason: Ohjaaja <sairastui>"));
    assert_non_null(strstr(m.html, "Tea &amp; talk"));
    assert_non_null(strstr(m.html, "Ohjaaja &lt;sairastui&gt;"));
    assert_null(strstr(m.html, "<sairastui>"));
    mail_message_free(&m);
    json_decref(v);
}

static void test_waitlist_position(void **state)
{
    json_t *v = view("signup_waitlisted", "sv", NULL);
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_non_null(strstr(m.text, "som nummer 2."));
    mail_message_free(&m);
    json_decref(v);
}

static json_t *meeting(const char *date, int weekday, const char *time)
{
    return json_pack("{s:s, s:i, s:s}", "date", date, "weekday", weekday, "time", time);
}

static void test_a_changed_schedule_says_the_rule_or_the_meetings(void **state)
{
    json_t *v = view("schedule_changed", "fi", NULL);
    json_object_set_new(v, "schedule",
        json_pack("{s:s, s:i, s:s}", "start", "2027-03-18T18:00", "duration", 90, "rrule",
            "FREQ=WEEKLY;INTERVAL=2;COUNT=10"));
    json_object_set_new(v, "next",
        json_pack("[o, o]", meeting("18.3.2027", 4, "18.00"), meeting("1.4.2027", 4, "18.00")));
    json_object_set_new(v, "cancelled", json_integer(2));
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_string_equal(m.subject, "Ryhmän aikataulu muuttui");
    assert_non_null(strstr(m.text, "Uusi aikataulu: joka toinen torstai klo 18.00–19.30."));
    assert_non_null(
        strstr(m.text, "Seuraavat tapaamisesi: to 18.3.2027 klo 18.00, to 1.4.2027 klo 18.00."));
    assert_non_null(strstr(m.text, "peruttuja tapaamisiasi: 2."));
    mail_message_free(&m);
    /* A rule words do not say well: the meetings alone; nothing cancelled. */
    json_object_set_new(json_object_get(v, "schedule"), "rrule", json_string("FREQ=YEARLY"));
    json_object_del(v, "cancelled");
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
    assert_null(strstr(m.text, "Uusi aikataulu"));
    assert_null(strstr(m.text, "peruttuja"));
    assert_non_null(strstr(m.text, "Seuraavat tapaamisesi: to 18.3.2027"));
    mail_message_free(&m);
    json_decref(v);
}

static void test_support_messages_ask_to_sign_in(void **state)
{
    static const char *const kinds_support[] = { "pairing_proposed", "pairing_accepted" };
    for (size_t k = 0; k < 2; k++) {
        for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
            json_t *v = view(kinds_support[k], langs[l], NULL);
            json_object_set_new(v, "signin_url", json_string("https://piiri.example/fi/signin"));
            json_object_set_new(v, "requester", json_boolean(l == 0));
            struct mail_message m;
            char *cause = NULL;
            assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
            assert_non_null(strstr(m.text, ": https://piiri.example/fi/signin\n"));
            assert_non_null(strstr(m.html, "<a href=\"https://piiri.example/fi/signin\""));
            assert_null(strstr(m.text, "signed up"));
            assert_null(strstr(m.text, "ilmoittauduit"));
            assert_null(strstr(m.text, "anmälde"));
            assert_null(m.calendar);
            mail_message_free(&m);
            json_decref(v);
        }
    }
}

/* An invitation: to the address, no name; the org and the role in the
 * body, never in the subject; the register link; no unsubscribing. */
static void test_an_invitation_names_the_org_and_the_role_and_links_to_register(void **state)
{
    static const char *const role_words[] = { "ryhmänohjaajaksi", "som gruppledare", "as a group leader" };
    for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
        json_t *v = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s}", "org_id",
            "5a1b0000-0000-4000-8000-000000000001", "id", (json_int_t)7, "kind", "invitation",
            "language", langs[l], "email", "uusi@example.org", "org", "Kotkan <omaiset>", "as_member", 0,
            "as_leader", 1, "as_coordinator", 0, "until", "17.12.2026", "register_url",
            "https://piiri.example/fi/register");
        assert_non_null(v);
        struct mail_message m;
        char *cause = NULL;
        assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), 0);
        assert_string_equal(m.to, "uusi@example.org");
        assert_null(strstr(m.subject, "Kotkan"));
        assert_non_null(strstr(m.text, "Kotkan <omaiset>"));
        assert_non_null(strstr(m.html, "Kotkan &lt;omaiset&gt;"));
        assert_non_null(strstr(m.text, role_words[l]));
        assert_non_null(strstr(m.text, "17.12.2026"));
        assert_non_null(strstr(m.text, ": https://piiri.example/fi/register\n"));
        assert_non_null(strstr(m.html, "<a href=\"https://piiri.example/fi/register\""));
        assert_null(m.list_unsubscribe);
        assert_null(m.calendar);
        mail_message_free(&m);
        json_decref(v);
    }
}

static void test_unknown_kind_is_refused(void **state)
{
    json_t *v = view("reminder", "fi", NULL);
    struct mail_message m;
    char *cause = NULL;
    assert_int_equal(mail_message_build(v, "piiri@example.org", &m, &cause), -1);
    assert_non_null(cause);
    free(cause);
    json_decref(v);
}

static void test_headers(void **state)
{
    char *s = mail_header_encode("Your place is booked");
    assert_string_equal(s, "Your place is booked");
    free(s);
    s = mail_header_encode("Din plats \xc3\xa4r bokad");
    assert_string_equal(s, "=?UTF-8?B?RGluIHBsYXRzIMOkciBib2thZA==?=");
    free(s);
    s = mail_address("Piiri <ilmoitukset@piiri.example>");
    assert_string_equal(s, "ilmoitukset@piiri.example");
    free(s);
    s = mail_address("piiri@localhost");
    assert_string_equal(s, "piiri@localhost");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_in_every_language),
        cmocka_unit_test(test_discreet_titles_keep_the_group_out),
        cmocka_unit_test(test_a_reminder_says_when_and_where),
        cmocka_unit_test(test_html_is_escaped_text_is_not),
        cmocka_unit_test(test_waitlist_position),
        cmocka_unit_test(test_a_changed_schedule_says_the_rule_or_the_meetings),
        cmocka_unit_test(test_support_messages_ask_to_sign_in),
        cmocka_unit_test(test_an_invitation_names_the_org_and_the_role_and_links_to_register),
        cmocka_unit_test(test_unknown_kind_is_refused),
        cmocka_unit_test(test_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
