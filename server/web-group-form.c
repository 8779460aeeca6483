/* SPDX-License-Identifier: Apache-2.0 */
/* The coordinators' group form: its fields as a table (in fieldsets, in the
 * order the page shows them), the API's group body made from what was sent
 * and the form filled from a stored group, the field beside which the
 * API's complaint about one of its fields stands, and the view the
 * template renders. The rules are the API's (group-input.c): this file only
 * reads the form's strings as the API's types. Pure. */
#include "web-manage.h"

#include "cal.h"
#include "util.h"
#include "web.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ff_kind {
    FF_TEXT,
    FF_TEXTAREA,
    FF_URL,
    FF_NUMBER,
    FF_DATE,
    FF_TIME,
    FF_DATETIME,
    FF_SELECT,
    FF_RADIO,
    FF_CHECK,
    FF_CHECKS,
    FF_LEADERS
};

struct form_field {
    const char *name;
    enum ff_kind kind;
    const char *const *choices; /* FF_SELECT, FF_RADIO, FF_CHECKS ("" is "not said") */
    const char *prefix;         /* the catalog prefix of a choice's words */
    const char *text_lang;      /* the language the text is written in, if not the page's */
    int maxlength;
};

static const char *const kinds[] = { "peer_group", "family_cafe", "remote_group", "camp",
    "self_help", "phone_line", "other", NULL };
static const char *const accesses[] = { "open", "closed", NULL };
static const char *const audiences[] = { "public", "members", NULL };
static const char *const modalities[] = { "in_person", "remote", "hybrid", "phone", NULL };
static const char *const policies[] = { "strict", "fit", NULL };
static const char *const languages[] = { "fi", "sv", "en", NULL };
static const char *const targets[] = { "affected", "relatives", "families", "anyone", NULL };
static const char *const leader_types[] = { "", "peer", "professional", "both", NULL };
static const char *const reminders[] = { "", "day_before", "hours_before", "off", NULL };
static const char *const sched_kinds[] = { "weekly", "biweekly", "monthly", "single", "camp",
    "custom", "none", NULL };
static const char *const weekdays[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU", NULL };
static const char *const nths[] = { "1", "2", "3", "4", "-1", NULL };

#define END                                \
    {                                      \
        NULL, FF_TEXT, NULL, NULL, NULL, 0 \
    }

static const struct form_field what_fields[] = {
    { "title", FF_TEXT, NULL, NULL, NULL, 200 },
    { "title_sv", FF_TEXT, NULL, NULL, "sv", 200 },
    { "title_en", FF_TEXT, NULL, NULL, "en", 200 },
    { "kind", FF_SELECT, kinds, "kind_", NULL, 0 },
    { "description", FF_TEXTAREA, NULL, NULL, NULL, 5000 },
    { "description_sv", FF_TEXTAREA, NULL, NULL, "sv", 5000 },
    { "description_en", FF_TEXTAREA, NULL, NULL, "en", 5000 },
    { "target_groups", FF_CHECKS, targets, "target_", NULL, 0 },
    { "topics", FF_TEXT, NULL, NULL, NULL, 1300 },
    { "languages", FF_CHECKS, languages, "language_", NULL, 0 },
    { "languages_other", FF_TEXT, NULL, NULL, NULL, 40 },
    END,
};

static const struct form_field when_fields[] = {
    { "sched_kind", FF_RADIO, sched_kinds, "gf_sched_kind_", NULL, 0 },
    { "sched_date", FF_DATE, NULL, NULL, NULL, 0 },
    { "sched_weekday", FF_SELECT, weekdays, "gf_wd_", NULL, 0 },
    { "sched_nth", FF_SELECT, nths, "gf_nth_", NULL, 0 },
    { "sched_time", FF_TIME, NULL, NULL, NULL, 0 },
    { "sched_end_time", FF_TIME, NULL, NULL, NULL, 0 },
    { "sched_end_date", FF_DATE, NULL, NULL, NULL, 0 },
    { "sched_count", FF_NUMBER, NULL, NULL, NULL, 4 },
    { "sched_rrule", FF_TEXT, NULL, NULL, NULL, 500 },
    { "timezone", FF_TEXT, NULL, NULL, NULL, 64 },
    END,
};

static const struct form_field where_fields[] = {
    { "modality", FF_SELECT, modalities, "modality_", NULL, 0 },
    { "location_name", FF_TEXT, NULL, NULL, NULL, 200 },
    { "location_address", FF_TEXT, NULL, NULL, NULL, 300 },
    { "municipality", FF_TEXT, NULL, NULL, NULL, 100 },
    { "accessibility", FF_TEXTAREA, NULL, NULL, NULL, 1000 },
    { "online_url", FF_URL, NULL, NULL, NULL, 2000 },
    END,
};

static const struct form_field joining_fields[] = {
    { "access", FF_RADIO, accesses, "gf_access_", NULL, 0 },
    { "audience", FF_RADIO, audiences, "audience_", NULL, 0 },
    { "anonymous_ok", FF_CHECK, NULL, NULL, NULL, 0 },
    { "capacity", FF_NUMBER, NULL, NULL, NULL, 6 },
    { "waitlist_policy", FF_RADIO, policies, "gf_waitlist_policy_", NULL, 0 },
    { "waitlist_offer_hours", FF_NUMBER, NULL, NULL, NULL, 3 },
    { "join_late", FF_CHECK, NULL, NULL, NULL, 0 },
    { "registration_opens", FF_DATETIME, NULL, NULL, NULL, 0 },
    { "registration_closes", FF_DATETIME, NULL, NULL, NULL, 0 },
    { "cost", FF_TEXT, NULL, NULL, NULL, 200 },
    { "consent_text", FF_TEXTAREA, NULL, NULL, NULL, 2000 },
    { "consent_text_sv", FF_TEXTAREA, NULL, NULL, "sv", 2000 },
    { "consent_text_en", FF_TEXTAREA, NULL, NULL, "en", 2000 },
    END,
};

static const struct form_field leading_fields[] = {
    { "leader_type", FF_SELECT, leader_types, "leader_type_", NULL, 0 },
    { "leaders", FF_LEADERS, NULL, NULL, NULL, 0 },
    END,
};

static const struct form_field reminder_fields[] = {
    { "reminder_kind", FF_RADIO, reminders, "gf_reminder_kind_", NULL, 0 },
    { "reminder_at", FF_TIME, NULL, NULL, NULL, 0 },
    { "reminder_hours", FF_NUMBER, NULL, NULL, NULL, 3 },
    END,
};

static const struct fieldset {
    const char *id;
    const struct form_field *fields;
} fieldsets[] = {
    { "what", what_fields },
    { "when", when_fields },
    { "where", where_fields },
    { "joining", joining_fields },
    { "leading", leading_fields },
    { "reminder", reminder_fields },
};
#define NFIELDSETS (sizeof(fieldsets) / sizeof(fieldsets[0]))

static const char *value(const json_t *form, const char *name)
{
    const char *v = json_string_value(json_object_get(form, name));
    return v != NULL ? v : "";
}

static bool ticked(const json_t *form, const char *name)
{
    return json_object_get(form, name) != NULL;
}

static void blame(json_t *errs, const char *field)
{
    char key[48];
    snprintf(key, sizeof(key), "gf_err_%s", field);
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field, "key", key));
}

/* ---- the form as the API's body ---- */

static json_t *text_or_null(const json_t *form, const char *name)
{
    const char *v = value(form, name);
    return v[0] != '\0' ? json_string(v) : json_null();
}

/* A count typed (digits only): an integer, null when empty, NULL when not
 * a number (blamed). */
static json_t *count_or_null(const json_t *form, const char *name, json_t *errs)
{
    const char *v = value(form, name);
    if (v[0] == '\0')
        return json_null();
    for (const char *c = v; *c; c++) {
        if (!isdigit((unsigned char)*c) || c - v > 8) {
            blame(errs, name);
            return NULL;
        }
    }
    return json_integer(strtol(v, NULL, 10));
}

/* "vertaistuki, jaksaminen": the items of a comma-separated list, trimmed. */
static json_t *split_list(const char *v, json_t *into)
{
    char *copy = xstrdup(v), *save = NULL;
    for (char *item = strtok_r(copy, ",;", &save); item != NULL;
         item = strtok_r(NULL, ",;", &save)) {
        while (isspace((unsigned char)*item))
            item++;
        size_t n = strlen(item);
        while (n > 0 && isspace((unsigned char)item[n - 1]))
            item[--n] = '\0';
        if (n > 0)
            json_array_append_new(into, json_string(item));
    }
    free(copy);
    return into;
}

static json_t *ticked_codes(const json_t *form, const char *prefix, const char *const *codes)
{
    json_t *a = json_array();
    for (int i = 0; codes[i] != NULL; i++) {
        char name[48];
        snprintf(name, sizeof(name), "%s%s", prefix, codes[i]);
        if (ticked(form, name))
            json_array_append_new(a, json_string(codes[i]));
    }
    return a;
}

/* The boxes lead_<person id> ticked. */
static json_t *ticked_leaders(const json_t *form)
{
    json_t *a = json_array(), *v;
    const char *key;
    json_object_foreach((json_t *)form, key, v)
    {
        if (strncmp(key, "lead_", 5) == 0)
            json_array_append_new(a, json_string(key + 5));
    }
    return a;
}

/* A wall time in the group's zone ("2027-01-04T09:00") as RFC 3339 with its
 * offset; null when empty, NULL when not a time (blamed). */
static json_t *moment_or_null(const json_t *form, const char *name, const char *tz, json_t *errs)
{
    const char *v = value(form, name);
    int64_t utc;
    if (v[0] == '\0')
        return json_null();
    if (cal_local_to_utc(v, tz, &utc) != 0) {
        blame(errs, name);
        return NULL;
    }
    char out[CAL_RFC3339_LEN];
    cal_format_rfc3339(utc, tz, out);
    return json_string(out);
}

static json_t *location_of(const json_t *form)
{
    static const char *const names[][2] = { { "name", "location_name" },
        { "address", "location_address" }, { "municipality", "municipality" },
        { "accessibility", "accessibility" } };
    json_t *loc = json_object();
    bool any = false;
    for (size_t i = 0; i < 4; i++) {
        any = any || value(form, names[i][1])[0] != '\0';
        json_object_set_new(loc, names[i][0], text_or_null(form, names[i][1]));
    }
    if (!any) {
        json_decref(loc);
        return json_null();
    }
    return loc;
}

static json_t *reminder_of(const json_t *form, json_t *errs)
{
    const char *kind = value(form, "reminder_kind");
    if (kind[0] == '\0')
        return json_null();
    if (strcmp(kind, "day_before") == 0) {
        if (value(form, "reminder_at")[0] == '\0') {
            blame(errs, "reminder_at");
            return NULL;
        }
        return json_pack("{s:s, s:s}", "kind", kind, "at", value(form, "reminder_at"));
    }
    if (strcmp(kind, "hours_before") == 0) {
        json_t *hours = count_or_null(form, "reminder_hours", errs);
        if (!json_is_integer(hours)) {
            if (hours != NULL)
                blame(errs, "reminder_hours");
            json_decref(hours);
            return NULL;
        }
        return json_pack("{s:s, s:o}", "kind", kind, "hours", hours);
    }
    return json_pack("{s:s}", "kind", kind);
}

/* Set key to v (stolen); a NULL v (a field blamed) leaves it out. */
static void put(json_t *body, const char *key, json_t *v)
{
    if (v != NULL)
        json_object_set_new(body, key, v);
}

static void put_texts(json_t *body, const json_t *form)
{
    static const char *const texts[] = { "title_sv", "title_en", "description", "description_sv",
        "description_en", "online_url", "cost", "consent_text", "consent_text_sv",
        "consent_text_en", NULL };
    json_object_set_new(body, "title", json_string(value(form, "title")));
    for (int i = 0; texts[i] != NULL; i++)
        json_object_set_new(body, texts[i], text_or_null(form, texts[i]));
    static const char *const choices[] = { "kind", "access", "audience", "modality",
        "waitlist_policy", NULL };
    for (int i = 0; choices[i] != NULL; i++) {
        if (value(form, choices[i])[0] != '\0')
            json_object_set_new(body, choices[i], json_string(value(form, choices[i])));
    }
    json_object_set_new(body, "leader_type", text_or_null(form, "leader_type"));
}

json_t *web_group_body_from_form(const json_t *form, json_t *errs)
{
    size_t before = json_array_size(errs);
    const char *tz = value(form, "timezone")[0] ? value(form, "timezone") : CAL_DEFAULT_TIMEZONE;
    json_t *body = json_object();
    put_texts(body, form);
    if (value(form, "title")[0] == '\0')
        blame(errs, "title");
    put(body, "location", location_of(form));
    put(body, "capacity", count_or_null(form, "capacity", errs));
    put(body, "waitlist_offer_hours", count_or_null(form, "waitlist_offer_hours", errs));
    json_object_set_new(body, "join_late", json_boolean(ticked(form, "join_late")));
    json_object_set_new(body, "anonymous_ok", json_boolean(ticked(form, "anonymous_ok")));
    json_t *langs = ticked_codes(form, "language_", languages);
    put(body, "languages", split_list(value(form, "languages_other"), langs));
    put(body, "topics", split_list(value(form, "topics"), json_array()));
    put(body, "target_groups", ticked_codes(form, "target_", targets));
    put(body, "leaders", ticked_leaders(form));
    json_t *opens = moment_or_null(form, "registration_opens", tz, errs);
    json_t *closes = moment_or_null(form, "registration_closes", tz, errs);
    if (opens != NULL && closes != NULL)
        json_object_set_new(
            body, "registration", json_pack("{s:o, s:o}", "opens", opens, "closes", closes));
    else {
        json_decref(opens);
        json_decref(closes);
    }
    put(body, "reminder", reminder_of(form, errs));
    put(body, "schedule", web_schedule_from_form(form, errs));
    if (json_array_size(errs) > before) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* ---- a stored group as the form ---- */

static void set(json_t *form, const char *name, const char *v)
{
    if (v != NULL)
        json_object_set_new(form, name, json_string(v));
}

static void set_list(
    json_t *form, const char *name, const json_t *items, const char *const *ticked_codes_)
{
    char *text = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *s = json_string_value(item);
        bool boxed = false;
        for (int j = 0; s != NULL && ticked_codes_ != NULL && ticked_codes_[j] != NULL; j++) {
            if (strcmp(ticked_codes_[j], s) == 0) {
                char box[48];
                snprintf(box, sizeof(box), "language_%s", s);
                set(form, box, "yes");
                boxed = true;
            }
        }
        if (s == NULL || boxed)
            continue;
        char *next = text ? xasprintf("%s, %s", text, s) : xstrdup(s);
        free(text);
        text = next;
    }
    set(form, name, text != NULL ? text : "");
    free(text);
}

static void set_count(json_t *form, const char *name, const json_t *n)
{
    char buf[24];
    if (!json_is_integer(n))
        return;
    snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(n));
    set(form, name, buf);
}

/* "2027-01-04T09:00:00+02:00" (in the group's zone, as the SQL writes it)
 * as the wall time a datetime-local field takes. */
static void set_moment(json_t *form, const char *name, const json_t *at)
{
    const char *s = json_string_value(at);
    if (s != NULL && strlen(s) >= 16)
        json_object_set_new(form, name, json_stringn(s, 16));
}

static void set_reminder(json_t *form, const json_t *r)
{
    if (!json_is_object(r))
        return;
    set(form, "reminder_kind", json_string_value(json_object_get(r, "kind")));
    set(form, "reminder_at", json_string_value(json_object_get(r, "at")));
    set_count(form, "reminder_hours", json_object_get(r, "hours"));
}

json_t *web_group_form_from_group(const json_t *g)
{
    static const char *const texts[] = { "title", "title_sv", "title_en", "description",
        "description_sv", "description_en", "online_url", "cost", "consent_text", "consent_text_sv",
        "consent_text_en", "kind", "access", "audience", "modality", "waitlist_policy",
        "leader_type", NULL };
    json_t *form = json_object(), *loc = json_object_get(g, "location"), *item;
    for (int i = 0; texts[i] != NULL; i++)
        set(form, texts[i], json_string_value(json_object_get(g, texts[i])));
    set(form, "location_name", json_string_value(json_object_get(loc, "name")));
    set(form, "location_address", json_string_value(json_object_get(loc, "address")));
    set(form, "municipality", json_string_value(json_object_get(loc, "municipality")));
    set(form, "accessibility", json_string_value(json_object_get(loc, "accessibility")));
    set_count(form, "capacity", json_object_get(g, "capacity"));
    set_count(form, "waitlist_offer_hours", json_object_get(g, "waitlist_offer_hours"));
    if (json_is_true(json_object_get(g, "join_late")))
        set(form, "join_late", "yes");
    if (json_is_true(json_object_get(g, "anonymous_ok")))
        set(form, "anonymous_ok", "yes");
    set_list(form, "languages_other", json_object_get(g, "languages"), languages);
    set_list(form, "topics", json_object_get(g, "topics"), NULL);
    size_t i;
    json_array_foreach(json_object_get(g, "target_groups"), i, item)
    {
        char *box = xasprintf("target_%s", json_string_value(item) ? json_string_value(item) : "");
        set(form, box, "yes");
        free(box);
    }
    json_array_foreach(json_object_get(g, "leaders"), i, item)
    {
        const char *id = json_string_value(json_object_get(item, "person_id"));
        char *box = xasprintf("lead_%s", id ? id : "");
        set(form, box, "yes");
        free(box);
    }
    set_moment(
        form, "registration_opens", json_object_get(json_object_get(g, "registration"), "opens"));
    set_moment(
        form, "registration_closes", json_object_get(json_object_get(g, "registration"), "closes"));
    set_reminder(form, json_object_get(g, "reminder"));
    web_schedule_to_form(json_object_get(g, "schedule"), form);
    return form;
}

json_t *web_group_form_defaults(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "peer_group",
        "access", "closed", "audience", "public", "modality", "in_person", "waitlist_policy",
        "strict", "language_fi", "yes", "sched_kind", "weekly", "sched_time", "18:00",
        "sched_end_time", "20:00", "timezone", CAL_DEFAULT_TIMEZONE);
}

/* ---- the API's field, beside the form's ---- */

void web_group_form_blame(
    const char *api_field, const json_t *form, const char **field, const char **key)
{
    static const char *const map[][2] = {
        { "location.name", "location_name" },
        { "location.address", "location_address" },
        { "location.municipality", "municipality" },
        { "location.accessibility", "accessibility" },
        { "location", "location_name" },
        { "registration.opens", "registration_opens" },
        { "registration.closes", "registration_closes" },
        { "registration", "registration_opens" },
        { "schedule.start", "sched_date" },
        { "schedule.duration_minutes", "sched_end_time" },
        { "schedule.timezone", "timezone" },
        { "schedule", "sched_kind" },
        { "reminder.at", "reminder_at" },
        { "reminder.hours", "reminder_hours" },
        { "reminder", "reminder_kind" },
    };
    static char k[48];
    const char *f = NULL;
    if (api_field != NULL && strcmp(api_field, "schedule.rrule") == 0)
        f = strcmp(value(form, "sched_kind"), "custom") == 0 ? "sched_rrule" : "sched_kind";
    for (size_t i = 0; f == NULL && api_field != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], api_field) == 0 ||
            (strncmp(map[i][0], api_field, strlen(map[i][0])) == 0 &&
                api_field[strlen(map[i][0])] == '.'))
            f = map[i][1];
    }
    for (size_t s = 0; f == NULL && api_field != NULL && s < NFIELDSETS; s++) {
        for (const struct form_field *ff = fieldsets[s].fields; ff->name != NULL; ff++) {
            if (strcmp(ff->name, api_field) == 0)
                f = ff->name;
        }
    }
    *field = f != NULL ? f : "title";
    snprintf(k, sizeof(k), "gf_err_%s", *field);
    *key = k;
}

/* ---- the view ---- */

static const char *input_type(enum ff_kind kind)
{
    switch (kind) {
    case FF_URL:
        return "url";
    case FF_DATE:
        return "date";
    case FF_TIME:
        return "time";
    case FF_DATETIME:
        return "datetime-local";
    default:
        return "text";
    }
}

/* The words of key in lang, or NULL when the catalogs have none. */
static const char *words(const char *lang, const char *key)
{
    const char *w = web_t(lang, key);
    return strcmp(w, key) == 0 ? NULL : w;
}

static json_t *options(const struct form_field *f, const json_t *form, const char *lang)
{
    json_t *a = json_array();
    for (int i = 0; f->choices[i] != NULL; i++) {
        const char *c = f->choices[i];
        char label[64], name[64], id[72];
        snprintf(label, sizeof(label), "%s%s", f->prefix, c[0] ? c : "none");
        if (f->kind == FF_CHECKS)
            snprintf(name, sizeof(name), "%s%s",
                strcmp(f->name, "languages") == 0 ? "language_" : "target_", c);
        else
            snprintf(name, sizeof(name), "%s", f->name);
        snprintf(id, sizeof(id), "%s-%s", f->name, c[0] ? c : "none");
        bool on = f->kind == FF_CHECKS ? ticked(form, name) : strcmp(value(form, f->name), c) == 0;
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", id, "name", name, "value",
                   f->kind == FF_CHECKS ? "yes" : c, "label", web_t(lang, label), "on", on));
    }
    return a;
}

static json_t *leader_options(const json_t *people, const json_t *form)
{
    json_t *a = json_array(), *p;
    size_t i;
    json_array_foreach(people, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "person_id"));
        const char *name = json_string_value(json_object_get(p, "display_name"));
        if (id == NULL)
            continue;
        char *box = xasprintf("lead_%s", id), *dom = xasprintf("leaders-%zu", i + 1);
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", dom, "name", box, "value", "yes",
                   "label", name ? name : "", "on", ticked(form, box)));
        free(box);
        free(dom);
    }
    return a;
}

/* Where the summary's link for the field leads: the field, or the first
 * of its choices. */
static const char *anchor_of(const json_t *field)
{
    const json_t *opts = json_object_get(field, "options");
    if (json_array_size(opts) > 0)
        return json_string_value(json_object_get(json_array_get(opts, 0), "id"));
    return json_string_value(json_object_get(field, "id"));
}

static json_t *field_view(
    const struct form_field *f, const json_t *form, const json_t *people, const char *lang)
{
    char key[64];
    snprintf(key, sizeof(key), "gf_%s", f->name);
    json_t *v = json_pack("{s:s, s:s, s:s, s:s}", "id", f->name, "name", f->name, "label",
        web_t(lang, key), "value", value(form, f->name));
    snprintf(key, sizeof(key), "gf_%s_hint", f->name);
    if (words(lang, key) != NULL)
        json_object_set_new(v, "hint", json_string(words(lang, key)));
    if (f->text_lang != NULL)
        json_object_set_new(v, "text_lang", json_string(f->text_lang));
    if (f->maxlength > 0)
        json_object_set_new(v, "maxlength", json_integer(f->maxlength));
    const char *flag = f->kind == FF_TEXTAREA                          ? "is_textarea"
                       : f->kind == FF_SELECT                          ? "is_select"
                       : f->kind == FF_RADIO                           ? "is_radio"
                       : f->kind == FF_CHECK                           ? "is_check"
                       : f->kind == FF_CHECKS || f->kind == FF_LEADERS ? "is_checks"
                                                                       : "is_input";
    json_object_set_new(v, flag, json_true());
    json_object_set_new(v, "type", json_string(input_type(f->kind)));
    if (f->kind == FF_NUMBER)
        json_object_set_new(v, "numeric", json_true());
    if (f->kind == FF_CHECK)
        json_object_set_new(v, "on", json_boolean(ticked(form, f->name)));
    if (f->choices != NULL)
        json_object_set_new(v, "options", options(f, form, lang));
    if (f->kind == FF_LEADERS) {
        json_object_set_new(v, "options", leader_options(people, form));
        if (json_array_size(json_object_get(v, "options")) == 0)
            json_object_set_new(v, "none_text", json_string(web_t(lang, "gf_leaders_none")));
    }
    return v;
}

/* The error of the field, if one was blamed (the first). */
static const char *error_of(const json_t *errs, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "field")), name) == 0)
            return json_string_value(json_object_get(e, "key"));
    }
    return NULL;
}

json_t *web_group_form_view(
    const json_t *form, const json_t *errs, const json_t *people, const char *lang)
{
    json_t *sets = json_array(), *summary = json_array();
    for (size_t s = 0; s < NFIELDSETS; s++) {
        char key[48];
        snprintf(key, sizeof(key), "gf_fs_%s", fieldsets[s].id);
        json_t *fields = json_array();
        for (const struct form_field *f = fieldsets[s].fields; f->name != NULL; f++) {
            json_t *v = field_view(f, form, people, lang);
            const char *err = error_of(errs, f->name);
            char *described = xasprintf("%s%s%s", err != NULL ? f->name : "",
                err != NULL ? "-error " : "", json_object_get(v, "hint") != NULL ? f->name : "");
            if (json_object_get(v, "hint") != NULL) {
                char *with = xasprintf("%s-hint", described);
                free(described);
                described = with;
            }
            size_t n = strlen(described);
            while (n > 0 && described[n - 1] == ' ')
                described[--n] = '\0';
            if (n > 0)
                json_object_set_new(v, "described", json_string(described));
            free(described);
            if (err != NULL) {
                json_object_set_new(v, "error", json_string(web_t(lang, err)));
                json_array_append_new(summary,
                    json_pack("{s:s, s:s}", "field", anchor_of(v), "text", web_t(lang, err)));
            }
            json_array_append_new(fields, v);
        }
        json_array_append_new(sets,
            json_pack("{s:s, s:s, s:o, s:b}", "id", fieldsets[s].id, "legend", web_t(lang, key),
                "fields", fields, "builder", strcmp(fieldsets[s].id, "when") == 0));
    }
    return json_pack("{s:o, s:o, s:b}", "fieldsets", sets, "errors", summary, "has_errors",
        json_array_size(summary) > 0);
}
