/* SPDX-License-Identifier: Apache-2.0 */
/* The coordinators' group form, pure: its fields (a form body is a JSON
 * object of strings, web-group-form.c), the group body the API takes made
 * from them and back, and the schedule builder's plain choices as a
 * schedule and back (web-schedule-builder.c). Problems are appended to an
 * array of {"field": form field, "key": catalog key}: the page shows each
 * beside its field and in the summary. */
#ifndef PIIRI_WEB_MANAGE_H
#define PIIRI_WEB_MANAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- the schedule builder (web-schedule-builder.c) ---- */

/* The builder's fields (sched_kind: none, weekly, biweekly, monthly, single,
 * camp, custom; sched_date, sched_time, sched_end_time, sched_end_date,
 * sched_weekday MO..SU, sched_nth 1..4 or -1, sched_count, sched_rrule,
 * timezone) as the API's schedule object (new), json null for none, or NULL
 * when a field is wrong (errs says which). A weekday rule starts on its
 * first meeting on or after sched_date, as the API wants the start to be
 * an occurrence. */
json_t *web_schedule_from_form(const json_t *form, json_t *errs);
/* A stored schedule (or null) as the builder's fields, into form: a rule
 * the builder does not have is "custom" with its RRULE. */
void web_schedule_to_form(const json_t *schedule, json_t *form);
/* The first n meetings of schedule from now (unix seconds) on, as the pages
 * show a session ({text, datetime}); new array, empty when the schedule
 * cannot be expanded. */
json_t *web_schedule_next(const json_t *schedule, int64_t now, int n, const char *lang);

/* ---- the group form (web-group-form.c) ---- */

/* The form as the API's group body (new; every field, empty ones null, as a
 * whole group for create and for a PATCH of every field), or NULL when a
 * field cannot be read as the API's (a capacity that is no number...); errs
 * says which. */
json_t *web_group_body_from_form(const json_t *form, json_t *errs);
/* A group as the API shows it (group_view_json) as the form's fields (new). */
json_t *web_group_form_from_group(const json_t *group);
/* The fields of a new group's form (new): a weekly group at 18-20. */
json_t *web_group_form_defaults(void);
/* The form field a field the API blames ("location.name",
 * "schedule.rrule"...) stands beside, and the catalog key of its message. */
void web_group_form_blame(
    const char *api_field, const json_t *form, const char **field, const char **key);
/* The form's fieldsets for the template (new): each field with its label,
 * hint, value, choices and error; people: [{person_id, display_name}] who
 * may lead. */
json_t *web_group_form_view(
    const json_t *form, const json_t *errs, const json_t *people, const char *lang);

#endif
