/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for token.c: generation, shape checks and hash parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "token.h"

#include <sodium.h>
#include <string.h>

static bool url_safe(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void assert_hash_param(const char *h)
{
    assert_int_equal(strlen(h), TOKEN_HASH_PARAM_LEN);
    assert_int_equal(h[0], '\\');
    assert_int_equal(h[1], 'x');
    for (size_t i = 2; i < TOKEN_HASH_PARAM_LEN; i++) {
        char c = h[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            fail_msg("not lower-case hex at %zu: %s", i, h);
    }
}

static void test_generate_shape(void **state)
{
    for (int n = 0; n < 200; n++) {
        char t[TOKEN_TEXT_LEN + 1];
        memset(t, '!', sizeof(t));
        token_generate(t);
        assert_int_equal(strlen(t), TOKEN_TEXT_LEN);
        assert_int_equal(TOKEN_TEXT_LEN, 43);
        for (size_t i = 0; i < TOKEN_TEXT_LEN; i++) {
            if (!url_safe(t[i]))
                fail_msg("not URL-safe at %zu: %s", i, t);
        }
        assert_true(token_well_formed(t, strlen(t)));
    }
}

static void test_generate_differs(void **state)
{
    enum { N = 64 };
    char t[N][TOKEN_TEXT_LEN + 1];
    for (int i = 0; i < N; i++)
        token_generate(t[i]);
    for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++)
            assert_string_not_equal(t[i], t[j]);
    }
}

static void test_generate_no_constant_position(void **state)
{
    /* 43 base64 characters carry 258 bits for 256: the last character has
     * only 16 possible values, but the others vary freely. Check that over
     * many tokens every position changes, i.e. nothing is constant. */
    char first[TOKEN_TEXT_LEN + 1], t[TOKEN_TEXT_LEN + 1];
    bool changed[TOKEN_TEXT_LEN] = { false };
    token_generate(first);
    for (int n = 0; n < 200; n++) {
        token_generate(t);
        for (size_t i = 0; i < TOKEN_TEXT_LEN; i++)
            changed[i] |= t[i] != first[i];
    }
    for (size_t i = 0; i < TOKEN_TEXT_LEN; i++)
        assert_true(changed[i]);
}

static void test_well_formed(void **state)
{
    const char *good = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9";
    assert_int_equal(strlen(good), 43);
    assert_true(token_well_formed(good, 43));

    /* Wrong lengths. */
    assert_false(token_well_formed("", 0));
    assert_false(token_well_formed(good, 42));
    char longer[64];
    strcpy(longer, good);
    strcat(longer, "a");
    assert_false(token_well_formed(longer, 44));

    /* Characters outside base64url, one at a time at various places. */
    static const char bad_chars[] = { '+', '/', '=', '.', ' ', '%', '\n', '\0', '~' };
    for (size_t b = 0; b < sizeof(bad_chars); b++) {
        for (size_t pos = 0; pos < 43; pos += 21) {
            char t[44];
            memcpy(t, good, 44);
            t[pos] = bad_chars[b];
            if (token_well_formed(t, 43))
                fail_msg("accepted 0x%02x at %zu", (unsigned char)bad_chars[b], pos);
        }
    }

    /* Non-ASCII letters are not base64url. */
    char t[44];
    memcpy(t, good, 44);
    t[10] = (char)0xc3;
    t[11] = (char)0xa4; /* ä */
    assert_false(token_well_formed(t, 43));

    /* Only len bytes are looked at: a well-formed prefix of a longer string. */
    assert_true(token_well_formed(longer, 43));
}

static void test_hash_param_known_value(void **state)
{
    char h[TOKEN_HASH_PARAM_LEN + 1];
    /* SHA-256("abc") from FIPS 180-2. */
    token_hash_param("abc", 3, h);
    assert_string_equal(h, "\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* SHA-256(""). */
    token_hash_param("", 0, h);
    assert_string_equal(h, "\\xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_hash_param_deterministic(void **state)
{
    char t[TOKEN_TEXT_LEN + 1];
    char a[TOKEN_HASH_PARAM_LEN + 1], b[TOKEN_HASH_PARAM_LEN + 1];
    token_generate(t);
    memset(a, '?', sizeof(a));
    token_hash_param(t, TOKEN_TEXT_LEN, a);
    token_hash_param(t, TOKEN_TEXT_LEN, b);
    assert_hash_param(a);
    assert_string_equal(a, b);
    /* The hash is not the token. */
    assert_null(strstr(a, t));
}

static void test_hash_param_len(void **state)
{
    char a[TOKEN_HASH_PARAM_LEN + 1], b[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param("abcdef", 3, a);
    token_hash_param("abc", 3, b);
    assert_string_equal(a, b);
}

static void test_hash_param_differs(void **state)
{
    enum { N = 32 };
    char h[N][TOKEN_HASH_PARAM_LEN + 1];
    for (int i = 0; i < N; i++) {
        char t[TOKEN_TEXT_LEN + 1];
        token_generate(t);
        token_hash_param(t, TOKEN_TEXT_LEN, h[i]);
        assert_hash_param(h[i]);
    }
    for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++)
            assert_string_not_equal(h[i], h[j]);
    }

    /* Tokens that differ in one character. */
    char t1[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    char t2[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";
    char a[TOKEN_HASH_PARAM_LEN + 1], b[TOKEN_HASH_PARAM_LEN + 1];
    token_hash_param(t1, 43, a);
    token_hash_param(t2, 43, b);
    assert_string_not_equal(a, b);
}

static void test_key_hash_param(void **state)
{
    char a[TOKEN_HASH_PARAM_LEN + 1], b[TOKEN_HASH_PARAM_LEN + 1], c[TOKEN_HASH_PARAM_LEN + 1];
    token_key_hash_param("email", "pekka@example.fi", a);
    token_key_hash_param("email", "pekka@example.fi", b);
    assert_hash_param(a);
    assert_string_equal(a, b);

    /* Same value, another kind: another hash. */
    token_key_hash_param("addr", "pekka@example.fi", c);
    assert_hash_param(c);
    assert_string_not_equal(a, c);

    /* Another value, same kind. */
    token_key_hash_param("email", "liisa@example.fi", c);
    assert_string_not_equal(a, c);

    /* It is the hash of "kind:value", as the header describes the key. */
    token_hash_param("email:pekka@example.fi", strlen("email:pekka@example.fi"), c);
    assert_string_equal(a, c);

    /* Keys do not collide with a token of the same text. */
    token_key_hash_param("addr", "127.0.0.1", a);
    token_hash_param("127.0.0.1", 9, b);
    assert_string_not_equal(a, b);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_shape),
        cmocka_unit_test(test_generate_differs),
        cmocka_unit_test(test_generate_no_constant_position),
        cmocka_unit_test(test_well_formed),
        cmocka_unit_test(test_hash_param_known_value),
        cmocka_unit_test(test_hash_param_deterministic),
        cmocka_unit_test(test_hash_param_len),
        cmocka_unit_test(test_hash_param_differs),
        cmocka_unit_test(test_key_hash_param),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
