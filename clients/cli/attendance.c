/* SPDX-License-Identifier: Apache-2.0 */
/* The attendance screen's state, its keys and its drawing (attendance.h). */
#include "attendance.h"

#include "buf.h"
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = { "-", "present", "absent", "excused" };

const char *attendance_status_name(enum att_status s)
{
    return status_names[s];
}

int attendance_status_parse(const char *s)
{
    for (int i = ATT_PRESENT; i <= ATT_EXCUSED; i++)
        if (s && strcmp(s, status_names[i]) == 0)
            return i;
    return -1;
}

static struct att_row *find_row(struct att_row *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].person_id, id) == 0)
            return &rows[i];
    return NULL;
}

static struct att_row *add_row(struct att_model *m, const char *id, const char *name)
{
    m->rows = xrealloc(m->rows, (m->nrows + 1) * sizeof *m->rows);
    struct att_row *r = &m->rows[m->nrows++];
    memset(r, 0, sizeof *r);
    r->person_id = xstrdup(id);
    r->name = xstrdup(name ? name : "?");
    return r;
}

static int int_of(json_t *o, const char *key)
{
    return (int)json_integer_value(json_object_get(o, key));
}

/* The expected participants, then anyone else with a record. */
static void load_rows(struct att_model *m, json_t *att)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(att, "expected"), i, e)
    {
        const char *id = json_string_value(json_object_get(e, "person_id"));
        if (id == NULL || find_row(m->rows, m->nrows, id))
            continue;
        struct att_row *r = add_row(m, id, json_string_value(json_object_get(e, "display_name")));
        r->adults = int_of(e, "adults");
        r->children = int_of(e, "children");
        r->absence_notice = json_is_true(json_object_get(e, "absence_notice"));
    }
    json_array_foreach(json_object_get(att, "records"), i, e)
    {
        const char *id = json_string_value(json_object_get(e, "person_id"));
        if (id == NULL)
            continue;
        struct att_row *r = find_row(m->rows, m->nrows, id);
        if (r == NULL)
            r = add_row(m, id, json_string_value(json_object_get(e, "display_name")));
        int st = attendance_status_parse(json_string_value(json_object_get(e, "status")));
        r->saved = r->status = st > 0 ? (enum att_status)st : ATT_NONE;
    }
}

static double my_hours_of(json_t *att, const char *my_id)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(att, "volunteer_hours_by_leader"), i, h)
    {
        const char *id = json_string_value(json_object_get(h, "person_id"));
        if (my_id && id && strcmp(id, my_id) == 0)
            return json_number_value(json_object_get(h, "hours"));
    }
    return 0;
}

void attendance_load(struct att_model *m, json_t *att, const char *my_id)
{
    struct att_row *old = m->rows;
    size_t nold = m->nrows;
    m->rows = NULL;
    m->nrows = 0;
    load_rows(m, att);
    for (size_t i = 0; i < nold; i++) {
        struct att_row *r = find_row(m->rows, m->nrows, old[i].person_id);
        if (r && old[i].status != old[i].saved)
            r->status = old[i].status;
        free(old[i].person_id);
        free(old[i].name);
    }
    free(old);
    m->walk_ins = (long)json_integer_value(json_object_get(att, "walk_ins"));
    m->total_hours = json_number_value(json_object_get(att, "volunteer_hours"));
    m->my_hours = my_hours_of(att, my_id);
    if (m->nrows > 0 && m->cursor >= m->nrows)
        m->cursor = m->nrows - 1;
}

void attendance_free(struct att_model *m)
{
    for (size_t i = 0; i < m->nrows; i++) {
        free(m->rows[i].person_id);
        free(m->rows[i].name);
    }
    free(m->rows);
    memset(m, 0, sizeof *m);
}

int attendance_dirty(const struct att_model *m)
{
    for (size_t i = 0; i < m->nrows; i++)
        if (m->rows[i].status != m->rows[i].saved)
            return 1;
    return m->walk_in_delta != 0 || m->hours_changed;
}

static void move(struct att_model *m, long by)
{
    if (m->nrows == 0)
        return;
    long c = (long)m->cursor + by;
    if (c < 0)
        c = 0;
    if (c >= (long)m->nrows)
        c = (long)m->nrows - 1;
    m->cursor = (size_t)c;
}

/* Space: unmarked and excused go to present, present to absent, absent to excused. */
static void cycle(struct att_model *m)
{
    if (m->nrows == 0)
        return;
    struct att_row *r = &m->rows[m->cursor];
    r->status = r->status == ATT_PRESENT  ? ATT_ABSENT
                : r->status == ATT_ABSENT ? ATT_EXCUSED
                                          : ATT_PRESENT;
}

static void hours_key(struct att_model *m, int key)
{
    size_t n = strlen(m->edit);
    if (key == KEY_ESC) {
        m->mode = ATT_BROWSE;
        m->message[0] = '\0';
    } else if (key == KEY_BACKSPACE) {
        if (n > 0)
            m->edit[n - 1] = '\0';
    } else if (key == KEY_ENTER) {
        char *end;
        for (char *p = m->edit; *p; p++)
            if (*p == ',')
                *p = '.';
        double h = strtod(m->edit, &end);
        if (m->edit[0] == '\0' || *end != '\0' || h < 0 || h > 10000) {
            snprintf(m->message, sizeof m->message, "Hours are a number from 0 to 10000.");
        } else {
            m->new_hours = h;
            m->hours_changed = 1;
            m->mode = ATT_BROWSE;
            m->message[0] = '\0';
        }
    } else if (((key >= '0' && key <= '9') || key == '.' || key == ',') && n + 1 < sizeof m->edit) {
        m->edit[n] = (char)key;
        m->edit[n + 1] = '\0';
    }
}

static void walk_in(struct att_model *m, int by)
{
    if (m->walk_ins + m->walk_in_delta + by >= 0)
        m->walk_in_delta += by;
}

static void quit(struct att_model *m)
{
    if (attendance_dirty(m) && m->mode != ATT_QUIT_ASKED) {
        m->mode = ATT_QUIT_ASKED;
        snprintf(
            m->message, sizeof m->message, "Not saved: s saves, q again quits without saving.");
        return;
    }
    m->mode = ATT_DONE;
}

int attendance_key(struct att_model *m, int key, int list_rows)
{
    if (m->mode == ATT_HOURS) {
        hours_key(m, key);
        return ATT_KEY_NONE;
    }
    if (key == 'q' || key == KEY_CTRL_C) {
        if (key == KEY_CTRL_C)
            m->mode = ATT_QUIT_ASKED;
        quit(m);
        return ATT_KEY_NONE;
    }
    if (m->mode == ATT_QUIT_ASKED) {
        m->mode = ATT_BROWSE;
        m->message[0] = '\0';
    }
    switch (key) {
    case 'j':
    case KEY_DOWN:
        move(m, 1);
        break;
    case 'k':
    case KEY_UP:
        move(m, -1);
        break;
    case KEY_PGDN:
        move(m, list_rows);
        break;
    case KEY_PGUP:
        move(m, -list_rows);
        break;
    case 'g':
    case KEY_HOME:
        move(m, -(long)m->nrows);
        break;
    case 'G':
    case KEY_END:
        move(m, (long)m->nrows);
        break;
    case ' ':
        cycle(m);
        break;
    case '+':
        walk_in(m, 1);
        break;
    case '-':
        walk_in(m, -1);
        break;
    case 'h':
        m->mode = ATT_HOURS;
        snprintf(m->edit, sizeof m->edit, "%g", m->hours_changed ? m->new_hours : m->my_hours);
        break;
    case 's':
        return ATT_KEY_SAVE;
    case 'r':
        return ATT_KEY_RELOAD;
    default:
        break;
    }
    return ATT_KEY_NONE;
}

/* Two lines above the list (the counts, the column heads), two below (a
 * message, the keys). */
int attendance_list_rows(int rows)
{
    return rows > 5 ? rows - 4 : 1;
}

static void draw_head(const struct att_model *m, struct screen *s, const char *title, int color)
{
    struct buf line = BUF_INIT, text = BUF_INIT;
    double hours = m->hours_changed ? m->new_hours : m->my_hours;
    buf_addf(&text, "%s  walk-ins %ld%s  my hours %g%s  all %g", title,
        m->walk_ins + m->walk_in_delta, m->walk_in_delta ? "*" : "", hours,
        m->hours_changed ? "*" : "", m->total_hours);
    if (color)
        buf_adds(&line, "\033[1m");
    screen_fit(&line, buf_str(&text), s->cols, 0);
    screen_set(s, 0, buf_str(&line));
    buf_reset(&line);
    buf_reset(&text);
    buf_addf(&text, "    %-8s  %-5s  %s", "STATUS", "PARTY", "NAME");
    screen_fit(&line, buf_str(&text), s->cols, 0);
    screen_set(s, 1, buf_str(&line));
    buf_free(&line);
    buf_free(&text);
}

static const char *status_color(enum att_status st)
{
    return st == ATT_PRESENT   ? "\033[32m"
           : st == ATT_ABSENT  ? "\033[31m"
           : st == ATT_EXCUSED ? "\033[33m"
                               : "";
}

static void draw_row(const struct att_model *m, struct screen *s, int line_no, size_t i, int color)
{
    const struct att_row *r = &m->rows[i];
    int here = i == m->cursor;
    struct buf line = BUF_INIT, text = BUF_INIT;
    char party[16];
    snprintf(party, sizeof party, r->children ? "%d+%d" : "%d", r->adults, r->children);
    buf_addf(&text, "%c %c %-8s  %-5s  %s%s", here ? '>' : ' ', r->status != r->saved ? '*' : ' ',
        attendance_status_name(r->status), party, r->name,
        r->absence_notice ? "  (said they would not come)" : "");
    if (color && here)
        buf_adds(&line, "\033[7m");
    else if (color)
        buf_adds(&line, status_color(r->status));
    screen_fit(&line, buf_str(&text), s->cols, color && here);
    screen_set(s, line_no, buf_str(&line));
    buf_free(&line);
    buf_free(&text);
}

static void draw_foot(const struct att_model *m, struct screen *s, int color)
{
    struct buf line = BUF_INIT, text = BUF_INIT;
    if (m->mode == ATT_HOURS)
        buf_addf(&text, "My volunteer hours: %s_  (Enter sets, Esc cancels)", m->edit);
    else
        buf_adds(&text, m->message);
    screen_fit(&line, buf_str(&text), s->cols, 0);
    screen_set(s, s->rows - 2, buf_str(&line));
    buf_reset(&line);
    if (color)
        buf_adds(&line, "\033[7m");
    screen_fit(&line, "j/k move  space mark  +/- walk-ins  h hours  s save  r reload  q quit",
        s->cols, color);
    screen_set(s, s->rows - 1, buf_str(&line));
    buf_free(&line);
    buf_free(&text);
}

void attendance_draw(struct att_model *m, struct screen *s, const char *title, int color)
{
    int list = attendance_list_rows(s->rows);
    if (m->cursor < m->top)
        m->top = m->cursor;
    if (m->cursor >= m->top + (size_t)list)
        m->top = m->cursor - (size_t)list + 1;
    draw_head(m, s, title, color);
    for (int i = 0; i < list; i++) {
        size_t r = m->top + (size_t)i;
        if (r < m->nrows)
            draw_row(m, s, 2 + i, r, color);
        else
            screen_set(s, 2 + i, r == 0 && m->nrows == 0 ? "    Nobody is expected." : "");
    }
    draw_foot(m, s, color);
}
