/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for piiri's terminal drawing (clients/cli/screen.c, keys.c,
 * attendance.c): only changed lines are sent, text is cut to the width, keys
 * are read from bytes that arrive in pieces, and the attendance screen fits
 * 80x24 and changes as its keys say. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "attendance.h"
#include "buf.h"
#include "keys.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_first_frame_clears_then_only_changes(void **state)
{
    struct screen s;
    struct buf out = BUF_INIT;
    screen_init(&s, 4, 20);
    screen_set(&s, 0, "head");
    screen_set(&s, 2, "row");
    screen_render(&s, &out);
    assert_string_equal(
        buf_str(&out), "\033[H\033[2J\033[1;1Hhead\033[0m\033[K\033[3;1Hrow\033[0m\033[K");
    buf_reset(&out);
    screen_render(&s, &out);
    assert_string_equal(buf_str(&out), "");
    screen_set(&s, 2, "row!");
    screen_set(&s, 0, "head");
    screen_render(&s, &out);
    assert_string_equal(buf_str(&out), "\033[3;1Hrow!\033[0m\033[K");
    buf_reset(&out);
    screen_set(&s, 2, "");
    screen_render(&s, &out);
    assert_string_equal(buf_str(&out), "\033[3;1H\033[0m\033[K");
    buf_free(&out);
    screen_free(&s);
}

static void test_resize_redraws_everything(void **state)
{
    struct screen s;
    struct buf out = BUF_INIT;
    screen_init(&s, 3, 10);
    screen_set(&s, 0, "a");
    screen_render(&s, &out);
    buf_reset(&out);
    screen_resize(&s, 5, 30);
    screen_set(&s, 0, "a");
    screen_set(&s, 4, "z");
    screen_render(&s, &out);
    assert_string_equal(
        buf_str(&out), "\033[H\033[2J\033[1;1Ha\033[0m\033[K\033[5;1Hz\033[0m\033[K");
    buf_free(&out);
    screen_free(&s);
}

static void test_fit_cuts_by_characters(void **state)
{
    struct buf out = BUF_INIT;
    screen_fit(&out, "Äiti ja vauva", 6, 0);
    assert_string_equal(buf_str(&out), "Äiti j");
    buf_reset(&out);
    screen_fit(&out, "ab", 4, 1);
    assert_string_equal(buf_str(&out), "ab  ");
    buf_reset(&out);
    screen_fit(&out, "a\033[2Jb", 10, 0);
    assert_string_equal(buf_str(&out), "a?[2Jb");
    buf_free(&out);
}

static void expect_key(const char *bytes, int final, int key, size_t used)
{
    size_t u;
    assert_int_equal(keys_decode((const unsigned char *)bytes, strlen(bytes), &u, final), key);
    if (key != KEY_MORE)
        assert_int_equal(u, used);
}

static void test_keys(void **state)
{
    expect_key("j", 0, 'j', 1);
    expect_key(" x", 0, ' ', 1);
    expect_key("\033[A", 0, KEY_UP, 3);
    expect_key("\033[Bj", 0, KEY_DOWN, 3);
    expect_key("\033OA", 0, KEY_UP, 3);
    expect_key("\033[5~", 0, KEY_PGUP, 4);
    expect_key("\033[6~", 0, KEY_PGDN, 4);
    expect_key("\033[H", 0, KEY_HOME, 3);
    expect_key("\033[1;5C", 0, KEY_NONE, 6);
    expect_key("\r", 0, KEY_ENTER, 1);
    expect_key("\x7f", 0, KEY_BACKSPACE, 1);
    expect_key("\003", 0, KEY_CTRL_C, 1);
    expect_key("\xE2\x88\x92", 0, '-', 3);
    expect_key("\xC3\xA4", 0, KEY_NONE, 2);
    /* Over a slow link an arrow may come in pieces. */
    expect_key("\033", 0, KEY_MORE, 0);
    expect_key("\033[", 0, KEY_MORE, 0);
    expect_key("\xE2\x88", 0, KEY_MORE, 0);
    /* ... and a lone Escape, once nothing more comes, is Escape. */
    expect_key("\033", 1, KEY_ESC, 1);
}

static json_t *sample(void)
{
    json_error_t err;
    json_t *j =
        json_loads("{\"session_id\": \"s1\", \"walk_ins\": 2, \"volunteer_hours\": 3.5,"
                   " \"volunteer_hours_by_leader\": [{\"person_id\": \"me\", \"hours\": 1.5}],"
                   " \"records\": [{\"person_id\": \"p2\", \"display_name\": \"Sanna\", "
                   "\"status\": \"absent\"}],"
                   " \"expected\": ["
                   "  {\"person_id\": \"p1\", \"display_name\": \"Liisa Järvinen\", \"adults\": 1,"
                   "   \"children\": 2, \"absence_notice\": false},"
                   "  {\"person_id\": \"p2\", \"display_name\": \"Sanna\", \"adults\": 1,"
                   "   \"children\": 0, \"absence_notice\": true}]}",
            0, &err);
    assert_non_null(j);
    return j;
}

static void test_attendance_model_and_keys(void **state)
{
    struct att_model m = { 0 };
    json_t *att = sample();
    attendance_load(&m, att, "me");
    assert_int_equal(m.nrows, 2);
    assert_int_equal(m.rows[1].saved, ATT_ABSENT);
    assert_true(m.my_hours == 1.5 && m.total_hours == 3.5);
    assert_false(attendance_dirty(&m));
    attendance_key(&m, ' ', 20);
    assert_int_equal(m.rows[0].status, ATT_PRESENT);
    attendance_key(&m, ' ', 20);
    assert_int_equal(m.rows[0].status, ATT_ABSENT);
    attendance_key(&m, ' ', 20);
    assert_int_equal(m.rows[0].status, ATT_EXCUSED);
    attendance_key(&m, ' ', 20);
    assert_int_equal(m.rows[0].status, ATT_PRESENT);
    assert_true(attendance_dirty(&m));
    attendance_key(&m, KEY_DOWN, 20);
    attendance_key(&m, 'j', 20);
    assert_int_equal(m.cursor, 1);
    /* Walk-ins never go below 0. */
    for (int i = 0; i < 5; i++)
        attendance_key(&m, '-', 20);
    assert_int_equal(m.walk_ins + m.walk_in_delta, 0);
    attendance_key(&m, '+', 20);
    assert_int_equal(m.walk_in_delta, -1);
    /* Hours: typed, with a decimal comma, Enter sets them. */
    attendance_key(&m, 'h', 20);
    assert_int_equal(m.mode, ATT_HOURS);
    attendance_key(&m, KEY_BACKSPACE, 20);
    attendance_key(&m, KEY_BACKSPACE, 20);
    attendance_key(&m, KEY_BACKSPACE, 20);
    attendance_key(&m, '2', 20);
    attendance_key(&m, ',', 20);
    attendance_key(&m, '5', 20);
    attendance_key(&m, KEY_ENTER, 20);
    assert_int_equal(m.mode, ATT_BROWSE);
    assert_true(m.hours_changed && m.new_hours == 2.5);
    assert_int_equal(attendance_key(&m, 's', 20), ATT_KEY_SAVE);
    /* q with unsaved marks asks first; a second q quits. */
    attendance_key(&m, 'q', 20);
    assert_int_equal(m.mode, ATT_QUIT_ASKED);
    attendance_key(&m, 'q', 20);
    assert_int_equal(m.mode, ATT_DONE);
    /* Reading the attendance again keeps what is marked here and not sent. */
    attendance_load(&m, att, "me");
    assert_int_equal(m.rows[0].status, ATT_PRESENT);
    assert_int_equal(m.rows[0].saved, ATT_NONE);
    json_decref(att);
    attendance_free(&m);
}

static void test_attendance_fits_80x24(void **state)
{
    struct att_model m = { 0 };
    struct screen s;
    json_t *att = sample();
    attendance_load(&m, att, "me");
    screen_init(&s, 24, 80);
    attendance_draw(&m, &s, "Attendance s1", 0);
    for (int i = 0; i < 24; i++)
        assert_true(s.next[i] == NULL || strlen(s.next[i]) <= 80 + 8);
    assert_non_null(strstr(s.next[0], "walk-ins 2"));
    assert_non_null(strstr(s.next[0], "my hours 1.5"));
    assert_string_equal(s.next[2], ">   -         1+2    Liisa Järvinen");
    assert_non_null(strstr(s.next[3], "absent    1      Sanna  (said they would not come)"));
    assert_non_null(strstr(s.next[23], "s save"));
    assert_null(strchr(s.next[2], '\033')); /* no colour asked for, none given */
    attendance_draw(&m, &s, "Attendance s1", 1);
    assert_non_null(strstr(s.next[2], "\033[7m"));
    screen_free(&s);
    json_decref(att);
    attendance_free(&m);
}

/* A list longer than the screen scrolls to keep the cursor on it. */
static void test_attendance_scrolls(void **state)
{
    struct att_model m = { 0 };
    struct screen s;
    json_t *att = json_pack(
        "{s:[], s:[], s:i, s:f}", "records", "expected", "walk_ins", 0, "volunteer_hours", 0.0);
    json_t *exp = json_object_get(att, "expected");
    for (int i = 0; i < 40; i++) {
        char id[16], name[32];
        snprintf(id, sizeof id, "p%02d", i);
        snprintf(name, sizeof name, "Henkilö %02d", i);
        json_array_append_new(
            exp, json_pack("{s:s, s:s, s:i, s:i, s:b}", "person_id", id, "display_name", name,
                     "adults", 1, "children", 0, "absence_notice", 0));
    }
    attendance_load(&m, att, NULL);
    screen_init(&s, 24, 80);
    attendance_key(&m, KEY_END, attendance_list_rows(24));
    attendance_draw(&m, &s, "t", 0);
    assert_int_equal(m.top, 40 - 20);
    assert_non_null(strstr(s.next[21], "> "));
    assert_non_null(strstr(s.next[21], "Henkilö 39"));
    attendance_key(&m, KEY_PGUP, attendance_list_rows(24));
    attendance_key(&m, KEY_PGUP, attendance_list_rows(24));
    attendance_draw(&m, &s, "t", 0);
    assert_int_equal(m.cursor, 0);
    assert_int_equal(m.top, 0);
    screen_free(&s);
    json_decref(att);
    attendance_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_frame_clears_then_only_changes),
        cmocka_unit_test(test_resize_redraws_everything),
        cmocka_unit_test(test_fit_cuts_by_characters),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_attendance_model_and_keys),
        cmocka_unit_test(test_attendance_fits_80x24),
        cmocka_unit_test(test_attendance_scrolls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
