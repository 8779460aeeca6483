/* SPDX-License-Identifier: Apache-2.0 */
/* The web client: HTML pages on the request pipeline of the JSON API. A
 * page handler runs the SQL function the API runs, shapes its JSON into a
 * page's view (web-cards.c and the web-pages-*.c files) and renders a
 * Mustache template over it inside the layout (web-render.c). Templates,
 * static files and string catalogs are built into piirid (web-assets.h)
 * and read once at start-up (web_init). The language is the path's first
 * segment (/fi/, /sv/, /en/); errors of the pages are HTML pages in it. */
#ifndef PIIRI_WEB_H
#define PIIRI_WEB_H

#include "http.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct route;
struct dispatch_html;

/* ---- languages (web-lang.c, pure) ---- */

#define WEB_LANG_DEFAULT "fi"
/* The page languages in the order the switcher shows them. */
extern const char *const web_langs[];
#define WEB_NLANGS 3

/* The language code if lang is one of the pages' ("fi", "sv", "en";
 * static strings), or NULL. */
const char *web_lang_known(const char *lang, size_t len);
/* The best page language for an Accept-Language header (may be NULL):
 * q-values weigh, a region counts as its language (sv-FI is sv), fi when
 * nothing fits. */
const char *web_lang_negotiate(const char *accept_language);
/* The language a path names in its first segment (/sv/groups/...), or NULL. */
const char *web_lang_of_path(const char *path);
/* Is the path one of the web client's (/, /fi/..., /static/...)? Errors
 * on it are HTML pages. */
bool web_is_page_path(const char *path);
/* Is next a path the sign-in form may send the person on to: a path of
 * this site under /fi/, /sv/ or /en/, of letters, digits and "/-_." only,
 * without "//" or ".." (so no scheme, backslash, query, fragment, escape or
 * control character)? Anything else would make the form an open redirect;
 * a plain path also goes into a query string (?next=) as it is. */
bool web_next_path_ok(const char *next);

/* ---- dates and times (web-dates.c, pure) ---- */

/* A local wall time read from an RFC 3339 time with its offset
 * ("2026-11-24T18:00:00+02:00": the group's zone's wall time, as the SQL
 * writes it). */
struct web_wall {
    int year, month, day, hour, minute;
    int wday; /* 0 = Sunday */
};
int web_wall_parse(const char *rfc3339, struct web_wall *w) __attribute__((warn_unused_result));
/* "ti 24.11.2026 klo 18.00–20.00" (fi), "tis 24.11.2026 kl. 18.00–20.00"
 * (sv), "Tue 24 Nov 2026, 18:00–20:00" (en); a session over several days
 * names both days. Into buf (always NUL-terminated); -1 when a time does not
 * parse. */
int web_format_session(const char *lang, const char *starts_at, const char *ends_at, char *buf, size_t len)
    __attribute__((warn_unused_result));
/* The day alone: "ti 24.11.2026", "tis 24.11.2026", "Tue 24 Nov 2026". */
void web_format_day(const char *lang, const struct web_wall *w, char *buf, size_t len);
/* The time alone: "18.00" (fi, sv), "18:00" (en); short drops ":00"
 * ("18", for plain-words schedules). */
void web_format_time(const char *lang, int hour, int minute, bool short_form, char *buf, size_t len);

/* ---- schedules in plain words (web-schedule.c, pure) ---- */

/* "joka toinen lauantai klo 10–12" for a schedule (start "2027-01-16T10:00",
 * duration in minutes, an RRULE or NULL) in lang; NULL when the rule is one
 * that plain words do not say well (the sessions are listed instead). New
 * string. */
char *web_schedule_words(const char *lang, const char *start, int duration_minutes, const char *rrule);

/* ---- templates, catalogs, the page reply (web-render.c) ---- */

/* Compile the templates, read the catalogs, hash and compress the static
 * files: once, before the workers fork. A bug in the built-in files is
 * fatal. Idempotent. */
void web_init(void);
/* The catalog string key in lang (borrowed), Finnish when lang lacks it,
 * the key itself when no catalog has it. */
const char *web_t(const char *lang, const char *key);
/* The catalog string key_one or key_other for n, with "{n}" replaced by n.
 * New string. */
char *web_tn(const char *lang, const char *key, long n);
/* Reply with the page template name rendered over view (stolen) inside the
 * layout: the common keys (lang, t, assets, langs, title) are added, the
 * page gets its headers (CSP and the others), an ETag (304 for a matching
 * If-None-Match) and gzip when asked. */
void web_reply_page(struct req_ctx *ctx, int status, const char *lang, const char *name, json_t *view);
/* The security headers every web reply carries. */
void web_add_headers(struct req_ctx *ctx);
/* 303 See Other to path, with those headers: where a form that acted sends
 * the browser, so that reloading does not send it again. */
void web_see_other(struct req_ctx *ctx, const char *path);
/* The language of the request's page: the path's, else Accept-Language's. */
const char *web_request_lang(struct req_ctx *ctx);

/* A signed-out visitor's GET of a public page, answered from the worker's
 * cache when it is there (true: replied). Otherwise the page the handler
 * goes on to render is kept for the next visitor. Call first thing. */
bool web_page_from_cache(struct req_ctx *ctx);

/* ---- static files (web-static.c) ---- */

/* The path a static file is served at, named by its content's hash
 * ("app.css" -> "/static/app.1f2e3d4c5b6a.css"), or NULL (borrowed). */
const char *web_static_href(const char *name);
/* The route of each static file (one per hashed name), n of them. */
const struct route *web_static_routes(size_t *n);
/* Does Accept-Encoding take gzip? */
bool web_accepts_gzip(const char *accept_encoding);
/* data deflated with a gzip header at level, new (free()), or NULL when it
 * would not be smaller. */
unsigned char *web_gzip(const void *data, size_t len, int level, size_t *out_len);
void web_static_init(void);
/* GET /sw.js: the attendance page's service worker, with the static files'
 * hashed names in it; asked for afresh every time (no-cache, an ETag). */
void web_worker(struct req_ctx *ctx);

/* ---- errors (web-errors.c) ---- */

/* The dispatcher's HTML error hooks (dispatch_set_html). */
extern const struct dispatch_html web_dispatch_html;

/* ---- what the pages show of a group (web-cards.c) ---- */

/* A signup's party in words, "2 aikuista, 1 lapsi" (its adults and
 * children); new. */
char *web_party_words(const json_t *signup, const char *lang);

/* The group's text field (title, description) in lang, Finnish when it has
 * none in lang: *shown_lang is then "fi" (borrowed), else NULL, for a
 * lang="fi" on the element. NULL when there is no text at all. */
const char *web_group_text(const json_t *group, const char *field, const char *lang, const char **shown_lang);
/* A group of the list (web_groups_page's) as its card on a page: href,
 * title (and title_lang), kind, where, next session, room; new. */
json_t *web_group_card(const json_t *group, const char *lang);
/* A session (web_session_json) as the pages show it: {text, datetime,
 * room, full, cancelled, ...}; new. access and kind decide what a room
 * count means. */
json_t *web_session_view(const json_t *session, const char *lang);
/* Where the group meets, in words: "Runosmäen nuorisotila, Turku",
 * "Etänä"; new. */
char *web_group_where(const json_t *group, const char *lang);
/* How a group is joined, in the page's words: closed (the whole series), open
 * with a capacity (sign up per session) or open (just come). */
const char *web_group_access(const json_t *group, const char *lang);

/* ---- pages ---- */

void web_root(struct req_ctx *ctx);
void web_lang_root(struct req_ctx *ctx);
void web_front(struct req_ctx *ctx);
void web_group(struct req_ctx *ctx);
void web_org(struct req_ctx *ctx);
void web_privacy(struct req_ctx *ctx);
void web_accessibility(struct req_ctx *ctx);
/* A member's (web-pages-member.c): signing up, the confirmation, my page,
 * cancelling. */
void web_signup_group(struct req_ctx *ctx);
void web_signup_session(struct req_ctx *ctx);
/* A sign-up form refused for one of its fields (field: "adults" for the
 * party, "note", "consent"; key: the message in the catalogs): the group's
 * page again with status, what was typed kept, the message beside the field
 * and in the summary (web-pages-group.c). session: the path's id is a
 * session's. */
void web_group_signup_refused(struct req_ctx *ctx, bool session, int status, const char *field, const char *key);
/* A refused signup that is not about a field: the page that says why (key:
 * its words in the catalogs), with the way back (web-pages-member.c). */
void web_signup_error_page(struct req_ctx *ctx, int status, const char *key);
void web_signup(struct req_ctx *ctx);
void web_signup_cancel_page(struct req_ctx *ctx);
void web_signup_cancel(struct req_ctx *ctx);
void web_me(struct req_ctx *ctx);
void web_absence(struct req_ctx *ctx);
void web_absence_withdraw(struct req_ctx *ctx);
/* My account's forms (web-pages-account.c): the feed's discreet titles and
 * a new feed link, erasing the account with a confirmation step; and the
 * calendar part of my page over api_me's JSON (new). */
json_t *web_calendar_view(const json_t *me);
void web_me_calendar(struct req_ctx *ctx);
void web_me_calendar_link(struct req_ctx *ctx);
void web_me_erase_page(struct req_ctx *ctx);
void web_me_erase(struct req_ctx *ctx);
/* Links by email (web-pages-links.c): asking for a sign-in link, a reset
 * or the verification again; the page a link opens and its form; my mail
 * preferences. */
void web_email_link_page(struct req_ctx *ctx);
void web_email_link(struct req_ctx *ctx);
void web_link_page(struct req_ctx *ctx);
void web_link(struct req_ctx *ctx);
void web_mail_prefs(struct req_ctx *ctx);
void web_mail_prefs_save(struct req_ctx *ctx);
/* A leader's (web-pages-leader.c): "Today", the sessions I lead this week;
 * who is coming to a session (its facts loaded and authz asked first). */
void web_today(struct req_ctx *ctx);
void web_coming(struct req_ctx *ctx);
/* The leader's attendance page and its forms (web-pages-attendance.c). */
void web_attendance(struct req_ctx *ctx);
void web_attendance_record(struct req_ctx *ctx);
void web_attendance_signup(struct req_ctx *ctx);
void web_attendance_drop_in(struct req_ctx *ctx);
void web_attendance_drop_in_remove(struct req_ctx *ctx);
void web_attendance_walk_ins(struct req_ctx *ctx);
void web_attendance_hours(struct req_ctx *ctx);
/* A coordinator's (web-pages-manage.c, web-pages-group-form.c): the org's
 * groups; the group form, new and edit, with its preview; archiving. */
void web_manage(struct req_ctx *ctx);
void web_group_new_page(struct req_ctx *ctx);
void web_group_new(struct req_ctx *ctx);
void web_group_edit_page(struct req_ctx *ctx);
void web_group_edit(struct req_ctx *ctx);
void web_group_archive_page(struct req_ctx *ctx);
void web_group_archive(struct req_ctx *ctx);
/* A coordinator's people pages (web-pages-people.c): the org's members with
 * their roles and its open invitations, adding by email, a role changed,
 * an invitation withdrawn; one member's mail status, removing them with a
 * confirmation step. */
void web_people(struct req_ctx *ctx);
void web_people_add(struct req_ctx *ctx);
void web_person_role(struct req_ctx *ctx);
void web_invitation_withdraw(struct req_ctx *ctx);
void web_person(struct req_ctx *ctx);
void web_person_remove_page(struct req_ctx *ctx);
void web_person_remove(struct req_ctx *ctx);
/* A coordinator's sessions and signups (web-pages-coord-sessions.c,
 * web-pages-coord-signups.c): the org's or a group's sessions by week or
 * month; cancelling, moving, adding one; a session's or a series' signups,
 * signing someone up on their behalf, confirming and cancelling a signup. */
void web_ms_org_sessions(struct req_ctx *ctx);
void web_ms_group_sessions(struct req_ctx *ctx);
void web_ms_add_page(struct req_ctx *ctx);
void web_ms_add(struct req_ctx *ctx);
void web_ms_cancel_page(struct req_ctx *ctx);
void web_ms_cancel(struct req_ctx *ctx);
void web_ms_move_page(struct req_ctx *ctx);
void web_ms_move(struct req_ctx *ctx);
void web_mu_session_signups(struct req_ctx *ctx);
void web_mu_session_on_behalf(struct req_ctx *ctx);
void web_mu_group_signups(struct req_ctx *ctx);
void web_mu_group_on_behalf(struct req_ctx *ctx);
void web_mu_confirm(struct req_ctx *ctx);
void web_mu_cancel_page(struct req_ctx *ctx);
void web_mu_cancel(struct req_ctx *ctx);
/* A coordinator's reports page (web-pages-reports.c): the attendance
 * report of a period, its chart, its CSV links, an umbrella's roll-up. */
void web_reports(struct req_ctx *ctx);

/* A coordinator's one-to-one support (web-pages-support*.c, the matching
 * module's routes): the request queue, a request with its candidates and
 * proposing one; supporters, adding one, a supporter's form; pairings and
 * closing one; batch proposals, previewed then made; the access log. */
void web_support_queue(struct req_ctx *ctx);
void web_support_request(struct req_ctx *ctx);
void web_support_propose(struct req_ctx *ctx);
void web_support_supporters(struct req_ctx *ctx);
void web_support_supporter_add(struct req_ctx *ctx);
void web_support_supporter(struct req_ctx *ctx);
void web_support_supporter_save(struct req_ctx *ctx);
void web_support_pairings(struct req_ctx *ctx);
void web_support_close_page(struct req_ctx *ctx);
void web_support_close(struct req_ctx *ctx);
void web_support_batch(struct req_ctx *ctx);
void web_support_batch_make(struct req_ctx *ctx);
void web_support_access_log(struct req_ctx *ctx);

#endif
