/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for email.c and auth-keys.c: one key per spelling of an address,
 * characters refused in new addresses, and the throttle keys built on them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "auth-keys.h"
#include "email.h"

#include <stdlib.h>
#include <string.h>

#define NFC_MAKI "m\xc3\xa4ki@esimerkki.fi"  /* ä as one code point */
#define NFD_MAKI "ma\xcc\x88ki@esimerkki.fi" /* a + combining diaeresis */

static void assert_key(const char *in, const char *want)
{
    char *key = email_key(in);
    assert_string_equal(key, want);
    free(key);
}

static void test_key_folds_case_and_normalization(void **state)
{
    assert_key("aiti@example.org", "aiti@example.org");
    assert_key("\xc3\xa4iti@example.org", "\xc3\xa4iti@example.org");        /* äiti@ */
    assert_key("\xc3\x84ITI@EXAMPLE.ORG", "\xc3\xa4iti@example.org");        /* ÄITI@ */
    assert_key("A\xcc\x88iti@Example.org", "\xc3\xa4iti@example.org");       /* decomposed Ä */
    assert_key(NFD_MAKI, NFC_MAKI);
    assert_key("M\xc3\x84KI@ESIMERKKI.FI", NFC_MAKI);
    assert_key("\xc3\x85sa@x.se", "\xc3\xa5sa@x.se");                        /* Åsa */
    assert_key("stra\xc3\x9f" "e@x.de", "strasse@x.de");                     /* straße: full folding */
    assert_key("STRASSE@X.DE", "strasse@x.de");
    assert_key("\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3@x.gr",              /* ΣΟΦΟΣ */
        "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x83@x.gr");                    /* σοφοσ, no final ς */
}

/* A key is what the typed address folds to; nothing is refused at login. */
static void test_key_keeps_what_it_cannot_fold(void **state)
{
    assert_key("ai\xe2\x80\x8bti@x.fi", "ai\xe2\x80\x8bti@x.fi"); /* U+200B stays */
}

static void test_identity_stores_nfc(void **state)
{
    char *stored, *key;
    const char *why = NULL;
    assert_int_equal(email_identity(NFD_MAKI, &stored, &key, &why), 0);
    assert_string_equal(stored, NFC_MAKI);
    assert_string_equal(key, NFC_MAKI);
    free(stored);
    free(key);
    assert_int_equal(email_identity("Etu.Suku+tag@Sub.Example.fi", &stored, &key, &why), 0);
    assert_string_equal(stored, "Etu.Suku+tag@Sub.Example.fi");
    assert_string_equal(key, "etu.suku+tag@sub.example.fi");
    free(stored);
    free(key);
}

static void test_identity_refuses_invisible_and_control(void **state)
{
    static const char *const bad[] = {
        "ai\xe2\x80\x8bti@x.fi",     /* U+200B zero width space */
        "ai\xc2\xadti@x.fi",         /* U+00AD soft hyphen */
        "\xef\xbb\xbf" "aiti@x.fi",  /* U+FEFF byte order mark */
        "ai\xe2\x80\x8dti@x.fi",     /* U+200D zero width joiner */
        "ai\xe2\x81\xa0ti@x.fi",     /* U+2060 word joiner */
        "ai\xcd\x8fti@x.fi",         /* U+034F combining grapheme joiner */
        "ai\xe1\xa0\x8bti@x.fi",     /* U+180B Mongolian variation selector */
        "ai\xef\xb8\x8fti@x.fi",     /* U+FE0F variation selector 16 */
        "ai\xf3\xa0\x81\x81ti@x.fi", /* U+E0041 tag */
        "ai\x07ti@x.fi",             /* BEL */
        "ai\xc2\x85ti@x.fi",         /* U+0085 next line */
        "ai\xc2\xa0ti@x.fi",         /* U+00A0 no-break space */
        "ai\xe3\x80\x80ti@x.fi",     /* U+3000 ideographic space */
        "ai\xe2\x80\xaeti@x.fi",     /* U+202E right-to-left override */
        "ai\xee\x80\x80ti@x.fi",     /* U+E000 private use */
        "ai\xcd\xb8ti@x.fi",         /* U+0378 unassigned */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *stored = (char *)"x", *key = (char *)"x";
        const char *why = NULL;
        if (email_identity(bad[i], &stored, &key, &why) != -1)
            fail_msg("accepted case %zu", i);
        assert_null(stored);
        assert_null(key);
        assert_non_null(strstr(why, "invisible"));
    }
}

static void test_identity_refuses_what_valid_email_refuses(void **state)
{
    char *stored, *key;
    const char *why = NULL;
    assert_int_equal(email_identity("no-at-sign.fi", &stored, &key, &why), -1);
    assert_string_equal(why, "is not a valid email address");
    assert_int_equal(email_identity("a\xff@x.fi", &stored, &key, &why), -1); /* from argv */
}

static void test_client_ipv6_by_64(void **state)
{
    char a[AUTH_CLIENT_LEN], b[AUTH_CLIENT_LEN];
    auth_client("2001:db8:1:2:aaaa:bbbb:cccc:dddd", a);
    auth_client("2001:db8:1:2::1", b);
    assert_string_equal(a, "2001:db8:1:2::/64");
    assert_string_equal(a, b);
    auth_client("2001:db8:1:3::1", b);
    assert_string_not_equal(a, b);
    auth_client("::ffff:192.0.2.7", a);
    assert_string_equal(a, "192.0.2.7");
    auth_client("192.0.2.7", a);
    assert_string_equal(a, "192.0.2.7");
    auth_client("unknown", a);
    assert_string_equal(a, "unknown");
}

static void derive(const char *scope, const char *email, const char *addr, struct auth_keys *k)
{
    char *key = email_key(email);
    auth_keys_derive(scope, key, addr, k);
    free(key);
}

static void test_keys_follow_the_folded_email(void **state)
{
    struct auth_keys a, b, c, r;
    derive("login", NFC_MAKI, "192.0.2.1", &a);
    derive("login", "MA\xcc\x88KI@Esimerkki.FI", "192.0.2.1", &b);
    assert_string_equal(a.email, b.email);
    assert_string_equal(a.pair, b.pair);
    assert_string_equal(a.addr, b.addr);
    derive("login", NFC_MAKI, "192.0.2.2", &c);
    assert_string_equal(a.email, c.email);
    assert_string_not_equal(a.pair, c.pair);
    assert_string_not_equal(a.addr, c.addr);
    derive("register", NFC_MAKI, "192.0.2.1", &r);
    assert_string_not_equal(a.email, r.email);
    assert_string_not_equal(a.addr, r.addr);
    /* The login kinds are the ones counted before: "email:" and "addr:". */
    char want[TOKEN_HASH_PARAM_LEN + 1];
    token_key_hash_param("email", NFC_MAKI, want);
    assert_string_equal(a.email, want);
    token_key_hash_param("addr", "192.0.2.1", want);
    assert_string_equal(a.addr, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_folds_case_and_normalization),
        cmocka_unit_test(test_key_keeps_what_it_cannot_fold),
        cmocka_unit_test(test_identity_stores_nfc),
        cmocka_unit_test(test_identity_refuses_invisible_and_control),
        cmocka_unit_test(test_identity_refuses_what_valid_email_refuses),
        cmocka_unit_test(test_client_ipv6_by_64),
        cmocka_unit_test(test_keys_follow_the_folded_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
