/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for validate.c: UTF-8 checks and lengths, e-mail, slug, UUID, JSON members. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "validate.h"

#include <stdio.h>
#include <string.h>

/* ---- utf8_chars ----------------------------------------------------------- */

static void test_utf8_chars(void **state)
{
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars("Piiri"), 5);
    assert_int_equal(utf8_chars("\xc3\x84\xc3\xa4nekoski"), 9); /* Äänekoski */
    assert_int_equal(
        utf8_chars("\xc3\xa5\xc3\xa4\xc3\xb6\xc3\x85\xc3\x84\xc3\x96"), 6); /* åäöÅÄÖ */
    assert_int_equal(utf8_chars("\xe2\x82\xac"), 1);                        /* € */
    assert_int_equal(utf8_chars("\xf0\x9f\x98\x80"), 1);                    /* 😀 */
    assert_int_equal(utf8_chars("Moi \xf0\x9f\x91\x8b!"), 6);               /* "Moi 👋!" */
    /* 👍🏽 is a thumb and a skin tone: two code points. */
    assert_int_equal(utf8_chars("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), 2);
}

static int valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_utf8_valid_good(void **state)
{
    assert_true(utf8_valid("", 0));
    assert_true(valid("helsingin-partio"));
    assert_true(valid("\xc3\x84\xc3\xa4nekoski")); /* Äänekoski */
    assert_true(valid("\xe2\x82\xac"));            /* € */
    assert_true(valid("\xf0\x9f\x98\x80"));        /* 😀 */
    assert_true(valid("\xc2\x80"));                /* U+0080, smallest 2-byte */
    assert_true(valid("\xe0\xa0\x80"));            /* U+0800, smallest 3-byte */
    assert_true(valid("\xed\x9f\xbf"));            /* U+D7FF, just below surrogates */
    assert_true(valid("\xee\x80\x80"));            /* U+E000, just above */
    assert_true(valid("\xef\xbf\xbf"));            /* U+FFFF */
    assert_true(valid("\xf0\x90\x80\x80"));        /* U+10000 */
    assert_true(valid("\xf4\x8f\xbf\xbf"));        /* U+10FFFF, the last */
    /* Only len bytes count: a valid prefix before a bad byte. */
    assert_true(utf8_valid("ok\xff", 2));
}

static void test_utf8_valid_bad(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        const char *why;
    } bad[] = {
        { "a\0b", 3, "NUL" },
        { "\0", 1, "lone NUL" },
        { "\x80", 1, "lone continuation byte" },
        { "a\xbf"
          "b",
            3, "continuation byte in ASCII" },
        { "\xc3", 1, "truncated 2-byte" },
        { "\xc3\xa4", 1, "2-byte cut by len" },
        { "\xe2\x82", 2, "truncated 3-byte" },
        { "\xf0\x9f\x98", 3, "truncated 4-byte" },
        { "\xc3\x28", 2, "bad continuation" },
        { "\xe2\x28\xa1", 3, "bad second byte of 3" },
        { "\xe2\x82\x28", 3, "bad third byte of 3" },
        { "\xc0\xaf", 2, "overlong /" },
        { "\xc1\xbf", 2, "overlong 2-byte" },
        { "\xc0\x80", 2, "overlong NUL" },
        { "\xe0\x80\xaf", 3, "overlong 3-byte" },
        { "\xe0\x9f\xbf", 3, "overlong U+07FF" },
        { "\xf0\x80\x80\xaf", 4, "overlong 4-byte" },
        { "\xf0\x8f\xbf\xbf", 4, "overlong U+FFFF" },
        { "\xed\xa0\x80", 3, "surrogate U+D800" },
        { "\xed\xbf\xbf", 3, "surrogate U+DFFF" },
        { "\xf4\x90\x80\x80", 4, "above U+10FFFF" },
        { "\xf5\x80\x80\x80", 4, "lead byte F5" },
        { "\xf8\x88\x80\x80\x80", 5, "5-byte form" },
        { "\xfe", 1, "FE" },
        { "\xff", 1, "FF" },
        { "caf\xe9", 4, "Latin-1 e acute" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (utf8_valid(bad[i].s, bad[i].len))
            fail_msg("accepted %s", bad[i].why);
    }
}

/* ---- valid_email ---------------------------------------------------------- */

static void test_email_good(void **state)
{
    assert_true(valid_email("pekka.virtanen@esimerkki.fi"));
    assert_true(valid_email("a@b.c"));
    assert_true(valid_email("user+tag@example.com"));
    assert_true(valid_email("first_last-1@sub.domain.example.org"));
    assert_true(valid_email("\xc3\xa4iti@esimerkki.fi")); /* äiti@ */

    /* Local part of exactly 64 characters. */
    char local64[128];
    memset(local64, 'a', 64);
    strcpy(local64 + 64, "@example.fi");
    assert_true(valid_email(local64));
}

static void test_email_bad(void **state)
{
    static const char *const bad[] = {
        "",
        "a",
        "ab",
        "plainaddress",
        "@example.com",
        "pekka@",
        "pekka@localhost",
        "pekka@@example.com",
        "pekka@exa@mple.com",
        "pekka virtanen@example.com",
        " pekka@example.com",
        "pekka@example.com ",
        "pekka@example.com\n",
        "pekka\t@example.com",
        "pekka@.example.com",
        "pekka@example.com.",
        "pekka@example..com",
        "<pekka@example.com>",
        "Pekka <pekka@example.com>",
        "pekka@example.com, liisa@example.com",
        "pekka@example.com;",
        "\"pekka\"@example.com",
        "pekka(x)@example.com",
        "pekka@[127.0.0.1]",
        "pe\\kka@example.com",
        "pekka\x7f@example.com",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (valid_email(bad[i]))
            fail_msg("accepted bad e-mail \"%s\"", bad[i]);
    }
}

static void test_email_lengths(void **state)
{
    char buf[300];
    /* Local part of 65 characters. */
    memset(buf, 'a', 65);
    strcpy(buf + 65, "@example.fi");
    assert_false(valid_email(buf));

    /* 254 characters in all is the limit. */
    memset(buf, 0, sizeof(buf));
    strcpy(buf, "a@");
    memset(buf + 2, 'b', 254 - 2 - 3);
    strcpy(buf + 254 - 3, ".fi");
    assert_int_equal(strlen(buf), 254);
    assert_true(valid_email(buf));
    memset(buf, 0, sizeof(buf));
    strcpy(buf, "a@");
    memset(buf + 2, 'b', 255 - 2 - 3);
    strcpy(buf + 255 - 3, ".fi");
    assert_int_equal(strlen(buf), 255);
    assert_false(valid_email(buf));
}

/* ---- valid_slug ----------------------------------------------------------- */

static void test_slug(void **state)
{
    assert_true(valid_slug("ab"));
    assert_true(valid_slug("42"));
    assert_true(valid_slug("helsingin-partio"));
    assert_true(valid_slug("a-1-b"));

    assert_false(valid_slug(""));
    assert_false(valid_slug("a"));
    assert_false(valid_slug("-ab"));
    assert_false(valid_slug("ab-"));
    assert_false(valid_slug("a--b"));
    assert_false(valid_slug("Helsinki"));
    assert_false(valid_slug("a_b"));
    assert_false(valid_slug("a b"));
    assert_false(valid_slug("a.b"));
    assert_false(valid_slug("a/b"));
    assert_false(valid_slug("\xc3\xa4x")); /* äx */
    assert_false(valid_slug("--"));

    char buf[80];
    memset(buf, 0, sizeof(buf));
    memset(buf, 'a', 63);
    assert_true(valid_slug(buf));
    buf[63] = 'a';
    assert_false(valid_slug(buf));
}

/* ---- valid_uuid ----------------------------------------------------------- */

static int uuid(const char *s)
{
    return valid_uuid(s, strlen(s));
}

static void test_uuid(void **state)
{
    assert_true(uuid("123e4567-e89b-12d3-a456-426614174000"));
    assert_true(uuid("123E4567-E89B-12D3-A456-426614174000"));
    assert_true(uuid("00000000-0000-0000-0000-000000000000"));

    assert_false(uuid(""));
    assert_false(uuid("123e4567-e89b-12d3-a456-42661417400"));   /* 35 */
    assert_false(uuid("123e4567-e89b-12d3-a456-4266141740000")); /* 37 */
    assert_false(uuid("123e4567e89b12d3a456426614174000"));
    assert_false(uuid("123e4567-e89b-12d3-a456_426614174000"));
    assert_false(uuid("123e4567-e89b-12d3a-456-426614174000"));
    assert_false(uuid("123e4567-e89b-12d3-a456-42661417400g"));
    assert_false(uuid("{23e4567-e89b-12d3-a456-42661417400}"));
    assert_false(uuid(" 23e4567-e89b-12d3-a456-426614174000"));
    assert_false(uuid("------------------------------------"));

    /* The length given is what counts: a prefix of a longer string. */
    assert_true(valid_uuid("123e4567-e89b-12d3-a456-426614174000/members", 36));
    /* An embedded NUL inside the 36 is not a hex digit. */
    assert_false(valid_uuid("123e4567-e89b-12d3-a456-4266141740\0\0", 36));
}

/* ---- JSON members --------------------------------------------------------- */

static json_t *obj_of(const char *text)
{
    json_error_t err;
    json_t *o = json_loads(text, 0, &err);
    if (o == NULL)
        fail_msg("bad test JSON %s: %s", text, err.text);
    return o;
}

/* Run json_require_string on {"name": <value>} and return its result. */
static int require(const char *json, size_t min, size_t max, const char **out, struct invalid *inv)
{
    json_t *o = obj_of(json);
    inv->field = NULL;
    inv->message = NULL;
    int rc = json_require_string(o, "name", min, max, out, inv);
    if (rc == 0) {
        /* *out is borrowed from o: compare before it goes. */
        static char copy[256];
        snprintf(copy, sizeof(copy), "%s", *out);
        *out = copy;
    }
    json_decref(o);
    return rc;
}

static void test_require_string_ok(void **state)
{
    const char *out = NULL;
    struct invalid inv;
    assert_int_equal(require("{\"name\": \"Pekka Virtanen\"}", 1, 100, &out, &inv), 0);
    assert_string_equal(out, "Pekka Virtanen");
    assert_null(inv.field);

    /* Borrowed from the object. */
    json_t *o = obj_of("{\"name\": \"x\"}");
    assert_int_equal(json_require_string(o, "name", 1, 1, &out, &inv), 0);
    assert_ptr_equal(out, json_string_value(json_object_get(o, "name")));
    json_decref(o);
}

static void test_require_string_missing(void **state)
{
    const char *out = "stale";
    struct invalid inv;
    assert_int_equal(require("{\"other\": \"x\"}", 1, 100, &out, &inv), -1);
    assert_string_equal(inv.field, "name");
    assert_string_equal(inv.message, "is required");
    assert_null(out);

    out = "stale";
    assert_int_equal(require("{\"name\": null}", 1, 100, &out, &inv), -1);
    assert_string_equal(inv.field, "name");
    assert_string_equal(inv.message, "is required");
    assert_null(out);
}

static void test_require_string_wrong_type(void **state)
{
    static const char *const cases[] = {
        "{\"name\": 42}",
        "{\"name\": 4.2}",
        "{\"name\": true}",
        "{\"name\": false}",
        "{\"name\": [\"x\"]}",
        "{\"name\": {\"x\": \"y\"}}",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *out = "stale";
        struct invalid inv;
        assert_int_equal(require(cases[i], 0, 100, &out, &inv), -1);
        assert_string_equal(inv.field, "name");
        assert_string_equal(inv.message, "must be a string");
        assert_null(out);
    }
}

static void test_require_string_length_in_chars(void **state)
{
    const char *out;
    struct invalid inv;
    /* "Äänekoski": 9 characters, 11 bytes. */
    assert_int_equal(require("{\"name\": \"\xc3\x84\xc3\xa4nekoski\"}", 9, 9, &out, &inv), 0);
    assert_int_equal(require("{\"name\": \"\xc3\x84\xc3\xa4nekoski\"}", 1, 8, &out, &inv), -1);
    assert_string_equal(inv.field, "name");
    assert_string_equal(inv.message, "is too long");
    assert_int_equal(require("{\"name\": \"\xc3\x84\xc3\xa4nekoski\"}", 10, 20, &out, &inv), -1);
    assert_string_equal(inv.message, "is too short");

    /* "ä" is two bytes but one character: too short for min 2. */
    assert_int_equal(require("{\"name\": \"\xc3\xa4\"}", 2, 10, &out, &inv), -1);
    assert_string_equal(inv.field, "name");
    assert_string_equal(inv.message, "is too short");

    /* Two emoji (8 bytes) fit in max 2; three do not. */
    assert_int_equal(
        require("{\"name\": \"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", 1, 2, &out, &inv), 0);
    assert_string_equal(out, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
    assert_int_equal(require("{\"name\": \"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", 1,
                         2, &out, &inv),
        -1);
    assert_string_equal(inv.message, "is too long");

    /* JSON escapes count as the characters they stand for. */
    assert_int_equal(require("{\"name\": \"\\u00e4\\u00f6\"}", 2, 2, &out, &inv), 0);
    assert_string_equal(out, "\xc3\xa4\xc3\xb6");

    /* Empty with min 1. */
    assert_int_equal(require("{\"name\": \"\"}", 1, 10, &out, &inv), -1);
    assert_string_equal(inv.message, "is too short");
    assert_null(out);
}

static void test_require_string_bounds_inclusive(void **state)
{
    const char *out;
    struct invalid inv;
    assert_int_equal(require("{\"name\": \"abc\"}", 3, 5, &out, &inv), 0);
    assert_int_equal(require("{\"name\": \"abcde\"}", 3, 5, &out, &inv), 0);
    assert_int_equal(require("{\"name\": \"ab\"}", 3, 5, &out, &inv), -1);
    assert_string_equal(inv.message, "is too short");
    assert_int_equal(require("{\"name\": \"abcdef\"}", 3, 5, &out, &inv), -1);
    assert_string_equal(inv.message, "is too long");
}

static void test_require_string_whitespace(void **state)
{
    static const char *const cases[] = {
        "{\"name\": \" Pekka\"}", "{\"name\": \"Pekka \"}", "{\"name\": \"\\tPekka\"}",
        "{\"name\": \"Pekka\\n\"}", "{\"name\": \"\\r\\nPekka\"}", "{\"name\": \"   \"}",
        "{\"name\": \"ab \"}", /* padding a two-letter value to min 3 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *out = "stale";
        struct invalid inv;
        if (require(cases[i], 3, 100, &out, &inv) != -1)
            fail_msg("accepted %s", cases[i]);
        assert_string_equal(inv.field, "name");
        assert_string_equal(inv.message, "must not begin or end with white space");
        assert_null(out);
    }

    /* Space inside is fine. */
    const char *out;
    struct invalid inv;
    assert_int_equal(require("{\"name\": \"Pekka Virtanen\"}", 3, 100, &out, &inv), 0);
    assert_int_equal(require("{\"name\": \"a b\"}", 3, 100, &out, &inv), 0);
}

static void test_require_string_not_object(void **state)
{
    json_t *a = obj_of("[\"name\"]");
    const char *out = "stale";
    struct invalid inv = { NULL, NULL };
    assert_int_equal(json_require_string(a, "name", 1, 10, &out, &inv), -1);
    assert_string_equal(inv.field, "name");
    assert_null(out);
    json_decref(a);
}

static void test_optional_string(void **state)
{
    json_t *o = obj_of("{\"nick\": \"Pekka\", \"empty\": \"\", \"nothing\": null, \"num\": 7,"
                       " \"pad\": \" Pekka\", \"long\": \"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\"}");
    const char *out = "stale";
    struct invalid inv = { NULL, NULL };

    assert_int_equal(json_optional_string(o, "missing", 1, 10, &out, &inv), 0);
    assert_null(out);
    assert_null(inv.field);

    out = "stale";
    assert_int_equal(json_optional_string(o, "nothing", 1, 10, &out, &inv), 0);
    assert_null(out);
    assert_null(inv.field);

    assert_int_equal(json_optional_string(o, "nick", 1, 10, &out, &inv), 0);
    assert_string_equal(out, "Pekka");

    /* Present but invalid is still an error, naming the member. */
    assert_int_equal(json_optional_string(o, "num", 1, 10, &out, &inv), -1);
    assert_string_equal(inv.field, "num");
    assert_string_equal(inv.message, "must be a string");
    assert_null(out);

    assert_int_equal(json_optional_string(o, "empty", 1, 10, &out, &inv), -1);
    assert_string_equal(inv.field, "empty");
    assert_string_equal(inv.message, "is too short");

    assert_int_equal(json_optional_string(o, "pad", 1, 10, &out, &inv), -1);
    assert_string_equal(inv.field, "pad");
    assert_string_equal(inv.message, "must not begin or end with white space");

    assert_int_equal(json_optional_string(o, "long", 1, 3, &out, &inv), -1);
    assert_string_equal(inv.field, "long");
    assert_string_equal(inv.message, "is too long");
    assert_int_equal(json_optional_string(o, "long", 1, 4, &out, &inv), 0);

    /* Empty is allowed when min is 0. */
    assert_int_equal(json_optional_string(o, "empty", 0, 10, &out, &inv), 0);
    assert_string_equal(out, "");
    json_decref(o);
}

static const char *const roles[] = { "member", "leader", "coordinator", NULL };

static void test_require_enum(void **state)
{
    json_t *o =
        obj_of("{\"role\": \"leader\", \"bad\": \"admin\", \"upper\": \"Leader\", \"num\": 1,"
               " \"pad\": \" leader\", \"empty\": \"\", \"nul\": null}");
    const char *out = NULL;
    struct invalid inv = { NULL, NULL };

    assert_int_equal(json_require_enum(o, "role", roles, &out, &inv), 0);
    assert_string_equal(out, "leader");

    static const struct {
        const char *key, *message;
    } bad[] = {
        { "bad", "is not one of the allowed values" },
        { "upper", "is not one of the allowed values" },
        { "num", "must be a string" },
        { "pad", "must not begin or end with white space" },
        { "empty", "is too short" },
        { "nul", "is required" },
        { "missing", "is required" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out = "stale";
        inv.field = inv.message = NULL;
        assert_int_equal(json_require_enum(o, bad[i].key, roles, &out, &inv), -1);
        assert_string_equal(inv.field, bad[i].key);
        assert_string_equal(inv.message, bad[i].message);
        assert_null(out);
    }
    json_decref(o);
}

static void test_require_enum_no_choices(void **state)
{
    static const char *const none[] = { NULL };
    json_t *o = obj_of("{\"role\": \"member\"}");
    const char *out = "stale";
    struct invalid inv = { NULL, NULL };
    assert_int_equal(json_require_enum(o, "role", none, &out, &inv), -1);
    assert_string_equal(inv.field, "role");
    assert_null(out);
    json_decref(o);
}

/* ---- display names ---------------------------------------------------------- */

static void test_display_name_good(void **state)
{
    assert_true(valid_display_name("Aino"));
    assert_true(valid_display_name("\xc3\x84ij\xc3\xa4 \xc3\x96\xc3\xb6rni \xe2\x9d\xa4 \xe6\x9d\x8e")); /* Äijä Öörni ❤ 李 */
    assert_true(valid_display_name("Anna-Liisa M\xc3\xa4ki"));
    /* Right-to-left text with its marks (U+200F) is a real name, not an override. */
    assert_true(valid_display_name("\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa\xe2\x80\x8f"));
}

static void test_display_name_bad(void **state)
{
    static const char *const bad[] = {
        "Aino\x01", "Ai\nno", "Ai\tno", "Ai\x7fno", "Ai\xc2\x9bno", /* C0, C1, DEL */
        "Ai\xe2\x80\xa8no", "Ai\xe2\x80\xa9no",                    /* U+2028, U+2029 */
        "Ai\xe2\x80\xaano", "Ai\xe2\x80\xabno", "Ai\xe2\x80\xacno", /* U+202A..U+202C */
        "Ai\xe2\x80\xadno", "Aino\xe2\x80\xae" "exe.txt",               /* U+202D, U+202E */
        "Ai\xe2\x81\xa6no", "Ai\xe2\x81\xa7no", "Ai\xe2\x81\xa8no", "Ai\xe2\x81\xa9no", /* U+2066..9 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (valid_display_name(bad[i]))
            fail_msg("accepted case %zu", i);
    }
}

static void test_json_display_name(void **state)
{
    json_t *o = obj_of("{\"display_name\": \"Aino\\u202egnp.exe\"}");
    const char *out = "stale";
    struct invalid inv = { NULL, NULL };
    assert_int_equal(json_display_name(o, true, &out, &inv), -1);
    assert_string_equal(inv.field, "display_name");
    assert_null(out);
    json_decref(o);
    o = obj_of("{}");
    assert_int_equal(json_display_name(o, false, &out, &inv), 0);
    assert_null(out);
    assert_int_equal(json_display_name(o, true, &out, &inv), -1);
    json_decref(o);
    o = obj_of("{\"display_name\": \"Aino\"}");
    assert_int_equal(json_display_name(o, true, &out, &inv), 0);
    assert_string_equal(out, "Aino");
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_utf8_valid_good),
        cmocka_unit_test(test_utf8_valid_bad),
        cmocka_unit_test(test_email_good),
        cmocka_unit_test(test_email_bad),
        cmocka_unit_test(test_email_lengths),
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_require_string_ok),
        cmocka_unit_test(test_require_string_missing),
        cmocka_unit_test(test_require_string_wrong_type),
        cmocka_unit_test(test_require_string_length_in_chars),
        cmocka_unit_test(test_require_string_bounds_inclusive),
        cmocka_unit_test(test_require_string_whitespace),
        cmocka_unit_test(test_require_string_not_object),
        cmocka_unit_test(test_optional_string),
        cmocka_unit_test(test_require_enum),
        cmocka_unit_test(test_require_enum_no_choices),
        cmocka_unit_test(test_display_name_good),
        cmocka_unit_test(test_display_name_bad),
        cmocka_unit_test(test_json_display_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
