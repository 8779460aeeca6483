/* SPDX-License-Identifier: Apache-2.0 */
/* piiri attendance: a session's attendance on a full screen in a terminal, or
 * set from options. Each record is sent on its own (PUT .../records/{person}),
 * the walk-ins as presses (PUT .../walk-ins/{change}) and my hours with PATCH,
 * so that two leaders marking at once do not overwrite each other. */
#include "attendance.h"
#include "buf.h"
#include "cli.h"
#include "http.h"
#include "keys.h"
#include "output.h"
#include "screen.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const struct arg_spec attendance_opts[] = {
    { "present", ARG_LIST, "PERSON", "mark these people present" },
    { "absent", ARG_LIST, "PERSON", "mark these people absent" },
    { "excused", ARG_LIST, "PERSON", "mark these people excused" },
    { "walk-ins", ARG_VALUE, "N", "set the count of walk-ins" },
    { "hours", ARG_VALUE, "H", "set my volunteer hours" },
    { NULL, 0, NULL, NULL },
};

static char *attendance_path(const char *sid, const char *tail, const char *id)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "/api/v1/sessions/");
    http_escape(&b, sid);
    buf_adds(&b, "/attendance");
    if (tail) {
        buf_adds(&b, tail);
        http_escape(&b, id);
    }
    return b.data;
}

/* A new walk-in change's id: a random UUID, so that a press sent twice counts once. */
static void change_id(char out[37])
{
    unsigned char r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        for (size_t i = 0; i < sizeof r; i++)
            r[i] = (unsigned char)rand();
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
        r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
        r[15]);
}

/* METHOD on the attendance (TAIL/ID under it) with BODY (stolen); the answer's
 * attendance replaces *last (new reference). */
static int send(const struct cli *cli, const char *sid, const char *method, const char *tail,
    const char *id, json_t *body, int flags, json_t **last, char **error)
{
    char *path = attendance_path(sid, tail, id);
    struct http_resp r;
    int rc = http_request(cli, method, path, body, NULL, flags, &r);
    json_decref(body);
    free(path);
    if (rc == EXIT_OK && r.json) {
        json_decref(*last);
        *last = json_incref(r.json);
    }
    if (rc != EXIT_OK && error)
        *error = r.error ? xstrdup(r.error) : NULL;
    http_resp_free(&r);
    return rc;
}

static char *my_id(const struct cli *cli)
{
    struct http_resp r;
    char *id = NULL;
    if (http_request(cli, "GET", "/api/v1/me", NULL, NULL, 0, &r) == EXIT_OK) {
        const char *s = json_string_value(json_object_get(json_object_get(r.json, "person"), "id"));
        id = s ? xstrdup(s) : NULL;
    }
    http_resp_free(&r);
    return id;
}

/* --- without a screen ------------------------------------------------------ */

static void print_attendance(const struct cli *cli, json_t *att, const char *me)
{
    struct att_model m = { 0 };
    attendance_load(&m, att, me);
    struct table *t = table_new(5, "PERSON", "NAME", "PARTY", "STATUS", "NOTICE");
    for (size_t i = 0; i < m.nrows; i++) {
        struct att_row *r = &m.rows[i];
        table_cell(t, r->person_id);
        table_cell(t, r->name);
        if (r->children)
            table_cellf(t, "%d+%d", r->adults, r->children);
        else
            table_cellf(t, "%d", r->adults);
        table_cell(t, attendance_status_name(r->status));
        table_cell(t, r->absence_notice ? "absent" : "-");
    }
    if (table_rows(t) > 0)
        table_print(t, stdout, cli->color);
    else
        puts("Nobody is expected.");
    printf(
        "\nWalk-ins: %ld   My hours: %g   All hours: %g\n", m.walk_ins, m.my_hours, m.total_hours);
    table_free(t);
    attendance_free(&m);
}

/* The options' values, checked before anything is sent. */
struct marks {
    json_t *patch; /* {walk_ins, volunteer_hours} as given */
};

static int read_marks(const struct cli *cli, const struct args *a, struct marks *k)
{
    long n;
    double h;
    char *cause = NULL;
    k->patch = json_object();
    if (args_value(a, "walk-ins")) {
        if (args_int(args_value(a, "walk-ins"), 0, 100000, &n, &cause) < 0)
            goto usage;
        json_object_set_new(k->patch, "walk_ins", json_integer(n));
    }
    if (args_value(a, "hours")) {
        /* "1,5" as well as "1.5": a decimal comma is what Finnish hands type. */
        char *hours = xstrdup(args_value(a, "hours")), *comma = strchr(hours, ',');
        if (comma)
            *comma = '.';
        int bad = args_number(hours, 0, 10000, &h, &cause) < 0;
        free(hours);
        if (bad)
            goto usage;
        json_object_set_new(k->patch, "volunteer_hours", json_real(h));
    }
    return 0;
usage:
    cli_usage_error(cli, "%s", cause);
    free(cause);
    json_decref(k->patch);
    return -1;
}

static int marked_anything(const struct args *a)
{
    int n = 0, any = 0;
    const char *names[] = { "present", "absent", "excused", "walk-ins", "hours" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        args_list(a, names[i], &n);
        any |= n > 0 || args_value(a, names[i]) != NULL;
    }
    return any;
}

static int set_from_options(struct cli *cli, const char *sid, const struct args *a)
{
    struct marks k;
    if (read_marks(cli, a, &k) < 0)
        return EXIT_USAGE;
    json_t *last = NULL;
    int rc = EXIT_OK;
    for (int st = ATT_PRESENT; st <= ATT_EXCUSED && rc == EXIT_OK; st++) {
        int n;
        const char *const *ids = args_list(a, attendance_status_name((enum att_status)st), &n);
        for (int i = 0; i < n && rc == EXIT_OK; i++)
            rc = send(cli, sid, "PUT", "/records/", ids[i],
                json_pack("{s:s}", "status", attendance_status_name((enum att_status)st)), 0, &last,
                NULL);
    }
    if (rc == EXIT_OK && json_object_size(k.patch) > 0)
        rc = send(cli, sid, "PATCH", NULL, NULL, json_incref(k.patch), 0, &last, NULL);
    json_decref(k.patch);
    if (rc == EXIT_OK && cli->json) {
        char *s = json_dumps(last, JSON_INDENT(2));
        puts(s ? s : "{}");
        free(s);
    } else if (rc == EXIT_OK) {
        char *me = my_id(cli);
        print_attendance(cli, last, me);
        free(me);
    }
    json_decref(last);
    return rc;
}

static int show(struct cli *cli, const char *sid)
{
    char *path = attendance_path(sid, NULL, NULL);
    struct http_resp r;
    int rc = http_request(cli, "GET", path, NULL, NULL, 0, &r);
    free(path);
    if (rc == EXIT_OK && cli->json) {
        http_print_body(&r);
    } else if (rc == EXIT_OK) {
        char *me = my_id(cli);
        print_attendance(cli, r.json, me);
        free(me);
    }
    http_resp_free(&r);
    return rc;
}

/* --- on a screen ------------------------------------------------------------ */

struct view {
    struct cli *cli;
    const char *sid;
    char *me;
    char title[64];
    struct att_model m;
    struct screen s;
    int color;
};

static void draw(struct view *v)
{
    struct buf out = BUF_INIT;
    attendance_draw(&v->m, &v->s, v->title, v->color);
    screen_render(&v->s, &out);
    (void)term_write(1, &out);
    buf_free(&out);
}

static void say(struct view *v, const char *what, const char *detail)
{
    snprintf(v->m.message, sizeof v->m.message, "%s%s%s", what, detail ? ": " : "",
        detail ? detail : "");
}

/* Sends what changed, one request per change; what was sent stays sent when a
 * later one fails. */
static int save_records(struct view *v, json_t **last, char **error)
{
    for (size_t i = 0; i < v->m.nrows; i++) {
        struct att_row *r = &v->m.rows[i];
        if (r->status == r->saved || r->status == ATT_NONE)
            continue;
        json_t *body = json_pack("{s:s}", "status", attendance_status_name(r->status));
        if (send(v->cli, v->sid, "PUT", "/records/", r->person_id, body, HTTP_QUIET, last, error) !=
            EXIT_OK)
            return -1;
        r->saved = r->status;
    }
    return 0;
}

static int save_walk_ins(struct view *v, json_t **last, char **error)
{
    while (v->m.walk_in_delta != 0) {
        long d = v->m.walk_in_delta > 100    ? 100
                 : v->m.walk_in_delta < -100 ? -100
                                             : v->m.walk_in_delta;
        char id[37];
        change_id(id);
        if (send(v->cli, v->sid, "PUT", "/walk-ins/", id,
                json_pack("{s:I}", "delta", (json_int_t)d), HTTP_QUIET, last, error) != EXIT_OK)
            return -1;
        v->m.walk_in_delta -= d;
    }
    return 0;
}

static void save(struct view *v)
{
    json_t *last = NULL;
    char *error = NULL;
    say(v, "Saving...", NULL);
    draw(v);
    int ok = save_records(v, &last, &error) == 0 && save_walk_ins(v, &last, &error) == 0;
    if (ok && v->m.hours_changed) {
        json_t *body = json_pack("{s:f}", "volunteer_hours", v->m.new_hours);
        ok = send(v->cli, v->sid, "PATCH", NULL, NULL, body, HTTP_QUIET, &last, &error) == EXIT_OK;
        if (ok)
            v->m.hours_changed = 0;
    }
    if (last)
        attendance_load(&v->m, last, v->me);
    if (ok)
        say(v, "Saved.", NULL);
    else
        say(v, "Not saved", error ? error : "no answer");
    v->m.mode = ATT_BROWSE;
    free(error);
    json_decref(last);
}

static void reload(struct view *v)
{
    json_t *last = NULL;
    char *error = NULL;
    if (send(v->cli, v->sid, "GET", NULL, NULL, NULL, HTTP_QUIET, &last, &error) == EXIT_OK) {
        attendance_load(&v->m, last, v->me);
        say(v, "Read again.", NULL);
    } else {
        say(v, "Not read", error);
    }
    free(error);
    json_decref(last);
}

/* The keys in BUF; how many bytes were used (a key cut short waits for the rest). */
static size_t feed(struct view *v, const unsigned char *buf, size_t len, int final)
{
    size_t off = 0;
    while (off < len && v->m.mode != ATT_DONE) {
        size_t used;
        int key = keys_decode(buf + off, len - off, &used, final);
        if (key == KEY_MORE)
            break;
        off += used;
        int todo = attendance_key(&v->m, key, attendance_list_rows(v->s.rows));
        if (todo == ATT_KEY_SAVE)
            save(v);
        else if (todo == ATT_KEY_RELOAD)
            reload(v);
    }
    return off;
}

static void loop(struct view *v)
{
    unsigned char in[256];
    size_t have = 0;
    while (v->m.mode != ATT_DONE && term_stop_signal() == 0) {
        if (term_resized()) {
            int rows, cols;
            term_size(1, &rows, &cols);
            screen_resize(&v->s, rows, cols);
        }
        draw(v);
        /* Half of an escape sequence waits a little for the rest, then counts as typed. */
        ssize_t n = term_read(0, in + have, sizeof in - have, have ? 300 : 1000);
        if (n < 0)
            continue;
        have += (size_t)n;
        size_t used = feed(v, in, have, n == 0);
        memmove(in, in + used, have - used);
        have -= used;
    }
}

static int interactive(struct cli *cli, const char *sid)
{
    json_t *att = NULL;
    struct view v = { .cli = cli, .sid = sid, .color = cli->color };
    int rc = send(cli, sid, "GET", NULL, NULL, NULL, 0, &att, NULL);
    if (rc != EXIT_OK)
        return rc;
    v.me = my_id(cli);
    attendance_load(&v.m, att, v.me);
    json_decref(att);
    snprintf(v.title, sizeof v.title, "Attendance %.8s", sid);
    int rows, cols;
    term_size(1, &rows, &cols);
    screen_init(&v.s, rows, cols);
    if (term_enter(0) < 0) {
        screen_free(&v.s);
        attendance_free(&v.m);
        free(v.me);
        return cli_error(EXIT_FAIL, "cannot set up the terminal");
    }
    loop(&v);
    term_leave();
    int sig = term_stop_signal(), dirty = attendance_dirty(&v.m);
    if (dirty && (sig || v.m.mode == ATT_DONE))
        rc = cli_error(sig ? EXIT_FAIL : EXIT_OK, "%s: the marks not saved were not sent",
            sig ? "interrupted" : "quit");
    screen_free(&v.s);
    attendance_free(&v.m);
    free(v.me);
    return rc;
}

static int attendance_exec(struct cli *cli, const struct args *a)
{
    const char *sid = a->pos[0];
    if (marked_anything(a))
        return set_from_options(cli, sid, a);
    if (cli->json || !isatty(0) || !isatty(1))
        return show(cli, sid);
    return interactive(cli, sid);
}

const struct cmd_entry cmd_attendance_entry = {
    "attendance",
    "SESSION [--present PERSON...] [--absent PERSON...] [--excused PERSON...] [--walk-ins N] "
    "[--hours H]",
    "Mark a session's attendance (a screen, or options).",
    1,
    1,
    attendance_opts,
    1,
    attendance_exec,
};
