/* SPDX-License-Identifier: Apache-2.0 */
/* A message's iCalendar part: the events the person's calendar feed shows
 * for the row's signup or session, made by the feed's own code from the
 * feed's own query (mail_view's "calendar", feed_person_json), so that a
 * calendar app that takes the part and one that subscribes to the feed see
 * one event: the same UID, SEQUENCE, DTSTAMP, STATUS and title. */
#include "mail.h"

#include "feed-events.h"
#include "ics.h"
#include "util.h"

#include <stddef.h>
#include <string.h>

/* The kinds about sessions, and what their part asks of a calendar. */
static const struct {
    const char *kind, *method;
} calendar_kinds[] = {
    { "signup_confirmed", "PUBLISH" },
    { "signup_promoted", "PUBLISH" },
    { "signup_waitlisted", "PUBLISH" }, /* the feed's event, TENTATIVE */
    { "session_moved", "PUBLISH" },
    { "session_cancelled", "CANCEL" }, /* with the feed's STATUS:CANCELLED */
    /* Moved, added and cancelled sessions in one calendar, which has one
     * METHOD: the cancelled ones carry the feed's STATUS:CANCELLED. */
    { "schedule_changed", "PUBLISH" },
};

static const char *calendar_method_for(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < ARRAY_LEN(calendar_kinds); i++) {
        if (strcmp(calendar_kinds[i].kind, kind) == 0)
            return calendar_kinds[i].method;
    }
    return NULL;
}

char *mail_calendar_render(const json_t *view, const char **method)
{
    const char *m = calendar_method_for(json_string_value(json_object_get(view, "kind")));
    json_t *feed = json_object_get(view, "calendar");
    *method = NULL;
    if (m == NULL || !json_is_object(feed))
        return NULL;
    struct feed_events l = { 0 };
    feed_events_person(&l, feed);
    char *out = NULL;
    if (l.n > 0) {
        /* No name or refresh interval: the part is not a calendar to
         * subscribe to, only its events. */
        struct ics_calendar cal = { .events = l.ev, .nevents = l.n, .method = m };
        size_t len;
        out = ics_render(&cal, &len);
        *method = m;
    }
    feed_events_free(&l);
    return out;
}
