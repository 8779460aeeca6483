/* SPDX-License-Identifier: Apache-2.0 */
/* From the rows a feed's SQL function gives (schema/functions/feeds.sql) to
 * the events calendars/ renders: a recurring group as one series (its rule
 * from its first occurrence in the window, EXDATEs, overrides), the sessions
 * outside the rule as events of their own, a person's sessions one by one. */
#ifndef PIIRI_FEED_EVENTS_H
#define PIIRI_FEED_EVENTS_H

#include "ics.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct feed_events {
    struct ics_event *ev;
    size_t n, cap;
    char **owned; /* strings the events point to (UIDs, texts, rules) */
    size_t nowned;
    int64_t modified; /* latest change: Last-Modified; 0 = none */
};

/* The events of a group or org feed ({"from", "to", "groups": [...]}), or
 * of a personal feed ({"discreet", "events": [...]}), added to l. Strings
 * are borrowed from feed, which must outlive l's use. */
void feed_events_groups(struct feed_events *l, json_t *feed);
void feed_events_person(struct feed_events *l, json_t *feed);
void feed_events_free(struct feed_events *l);

#endif
