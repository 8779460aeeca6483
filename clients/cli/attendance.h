/* SPDX-License-Identifier: Apache-2.0 */
/* A session's attendance as the attendance screen holds it: the expected
 * participants with the status on the server and the one marked here, the
 * walk-in presses not sent yet, my volunteer hours; how a key changes it and
 * how it is drawn into a screen. No I/O: cmd-attendance.c sends it. */
#ifndef PIIRI_CLI_ATTENDANCE_H
#define PIIRI_CLI_ATTENDANCE_H

#include "screen.h"

#include <jansson.h>
#include <stddef.h>

enum att_status { ATT_NONE, ATT_PRESENT, ATT_ABSENT, ATT_EXCUSED };

struct att_row {
    char *person_id, *name; /* new */
    int adults, children, absence_notice;
    enum att_status saved;  /* as the server has it */
    enum att_status status; /* as marked here */
};

enum att_mode { ATT_BROWSE, ATT_HOURS, ATT_QUIT_ASKED, ATT_DONE };

struct att_model {
    struct att_row *rows;
    size_t nrows;
    long walk_ins;      /* the server's count */
    long walk_in_delta; /* presses of + and - not sent yet */
    double my_hours;    /* mine on the server */
    double total_hours;
    double new_hours; /* typed with h, to send when hours_changed */
    int hours_changed;
    size_t cursor, top;
    enum att_mode mode;
    char edit[16]; /* the hours being typed */
    char message[200];
};

/* Takes the server's attendance (borrowed) into M, keeping statuses marked
 * here and not sent yet; MY_ID picks my hours. */
void attendance_load(struct att_model *m, json_t *att, const char *my_id);
void attendance_free(struct att_model *m);

const char *attendance_status_name(enum att_status s);
/* "present", "absent", "excused": the status; anything else -1. */
int attendance_status_parse(const char *s);

/* Whether something is marked here and not sent yet. */
int attendance_dirty(const struct att_model *m);

/* A key in the screen's terms (keys.h); the result, when it is not a change
 * of M alone: ATT_KEY_SAVE or ATT_KEY_RELOAD for the caller to do. */
enum { ATT_KEY_NONE, ATT_KEY_SAVE, ATT_KEY_RELOAD };
int attendance_key(struct att_model *m, int key, int list_rows);

/* The rows of the list on a screen of ROWS lines. */
int attendance_list_rows(int rows);
/* Draws M into S's next frame; COLOR: reverse video and colours (else plain). */
void attendance_draw(struct att_model *m, struct screen *s, const char *title, int color);

#endif
