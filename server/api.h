/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the api-*.c handlers: mapping database outcomes and
 * validation failures to the JSON error model in one place. */
#ifndef PIIRI_API_H
#define PIIRI_API_H

#include "db.h"
#include "http.h"
#include "validate.h"

/* Reply for a query that did not succeed (503, or the error it raised). */
void api_reply_db_error(struct req_ctx *ctx, const struct db_result *r);
/* Reply with the JSON text in row 0, column 0 (404 when there is none);
 * or, when the query failed, as api_reply_db_error. */
void api_reply_db_json(struct req_ctx *ctx, const struct db_result *r, int status);
/* The one JSON value in row 0, column 0 of a query's answer, parsed (new);
 * or NULL after replying: the query's error, 404 when there is no value,
 * 500 when it is not JSON. Every handler that reshapes an answer before
 * replying starts here. */
json_t *api_row_json(struct req_ctx *ctx, const struct db_result *r) __attribute__((warn_unused_result));
/* Run a statement returning one JSON value and reply with it (status on
 * success, 404 when it returns NULL, the error model otherwise). */
/* A db_done_cb for a page of a list: the JSON row's "next" (the last
 * item's key) becomes the opaque next_cursor (null on the last page). */
void api_reply_page_cb(const struct db_result *r, void *arg);
void api_query_json(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params, int status);
/* Run a statement returning a session's attendance (attendance.sql) and
 * reply with it, its version as the ETag header (api-attendance.c). */
void api_attendance_query(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params);
/* The statuses a record may have, NULL-terminated. */
extern const char *const attendance_statuses[];
/* Mark one (a participant, a guest signup) with the body's "status": SQL
 * takes (session, the path's second id, status, marked by). */
void api_attendance_mark(struct req_ctx *ctx, const char *sql);
/* Run a statement and reply 204, or 404 when its one boolean is false. */
void api_query_empty(struct req_ctx *ctx, const char *sql, int nparams, const char *const *params);
void api_reply_invalid(struct req_ctx *ctx, const struct invalid *inv);
void api_reply_forbidden(struct req_ctx *ctx);
void api_reply_not_found(struct req_ctx *ctx);

/* Handlers, one file per resource; a _check validates the request before
 * its facts are loaded (dispatch.h). */
void api_healthz(struct req_ctx *ctx);
void api_readyz(struct req_ctx *ctx);
void api_metrics(struct req_ctx *ctx);
void api_auth_register(struct req_ctx *ctx);
void api_auth_login(struct req_ctx *ctx);
void api_auth_logout(struct req_ctx *ctx);
/* The same login and registration for the web client's forms (the body an
 * object of strings with the same fields): the login makes a web session
 * and hands done the person (borrowed), the session cookie's value and the
 * device token to keep (device: the one the browser showed, or NULL); the
 * registration calls registered when it is accepted. Refusals are
 * http_reply_error's, as for the API. done and registered must reply. */
typedef void (*api_auth_web_done)(struct req_ctx *ctx, json_t *person, const char *session, const char *device);
void api_auth_login_web(struct req_ctx *ctx, const char *device, api_auth_web_done done);
void api_auth_register_web(struct req_ctx *ctx, void (*registered)(struct req_ctx *ctx));
/* Links by email (api-auth-links.c): asking for one, what one would do,
 * using it, the one-click unsubscribe. The web client's forms ask the same
 * (sent replies the page) and use a link with a web session for a
 * credential: done gets the purpose, the answer (borrowed) and, for a
 * sign-in or reset, the session cookie's value; it must reply. */
void api_auth_email_link(struct req_ctx *ctx);
void api_auth_link_get(struct req_ctx *ctx);
void api_auth_link_post(struct req_ctx *ctx);
void api_mail_unsubscribe(struct req_ctx *ctx);
typedef void (*api_link_web_done)(struct req_ctx *ctx, const char *purpose, json_t *answer, const char *session);
void api_auth_email_link_web(struct req_ctx *ctx, void (*sent)(struct req_ctx *ctx));
void api_auth_link_post_web(struct req_ctx *ctx, api_link_web_done done);
/* A person's mail preferences (api-me-mail.c). */
void api_me_mail_get(struct req_ctx *ctx);
void api_me_mail_patch(struct req_ctx *ctx);
void api_me_get(struct req_ctx *ctx);
void api_me_export(struct req_ctx *ctx);
void api_me_delete(struct req_ctx *ctx);
void api_orgs_list(struct req_ctx *ctx);
void api_orgs_create(struct req_ctx *ctx);
void api_orgs_get(struct req_ctx *ctx);
void api_orgs_patch(struct req_ctx *ctx);
void api_members_list(struct req_ctx *ctx);
void api_members_put(struct req_ctx *ctx);
void api_members_delete(struct req_ctx *ctx);
/* Adding people by email, open invitations, withdrawing one (api-invitations.c). */
void api_invitations_create(struct req_ctx *ctx);
void api_invitations_list(struct req_ctx *ctx);
void api_invitations_delete(struct req_ctx *ctx);
void api_groups_create(struct req_ctx *ctx);
void api_groups_list(struct req_ctx *ctx);
void api_groups_get(struct req_ctx *ctx);
void api_groups_patch(struct req_ctx *ctx);
int api_groups_patch_check(struct req_ctx *ctx);
void api_groups_delete(struct req_ctx *ctx);
void api_group_sessions_list(struct req_ctx *ctx);
void api_group_sessions_add(struct req_ctx *ctx);
int api_group_sessions_add_check(struct req_ctx *ctx);
void api_sessions_patch(struct req_ctx *ctx);
int api_sessions_patch_check(struct req_ctx *ctx);
void api_signups_group_create(struct req_ctx *ctx);
void api_signups_session_create(struct req_ctx *ctx);
void api_signups_cancel(struct req_ctx *ctx);
void api_signups_group_on_behalf(struct req_ctx *ctx);
void api_signups_session_on_behalf(struct req_ctx *ctx);
void api_signups_confirm(struct req_ctx *ctx);
void api_signups_offer_accept(struct req_ctx *ctx);
void api_signups_offer_decline(struct req_ctx *ctx);
void api_attendance_signup_put(struct req_ctx *ctx);
void api_attendance_signup_delete(struct req_ctx *ctx);
void api_signups_group_list(struct req_ctx *ctx);
void api_signups_session_list(struct req_ctx *ctx);
void api_me_signups(struct req_ctx *ctx);
void api_me_sessions(struct req_ctx *ctx);
void api_absence_create(struct req_ctx *ctx);
/* Gives the principal's absence notice for SESSION_ID with the body's optional
 * "reason" (trimmed and checked: the API's and the web page's one rule); DONE
 * gets api_absence's answer. An invalid reason is answered here. */
void absence_give(struct req_ctx *ctx, const char *session_id, db_done_cb done);
void api_absence_delete(struct req_ctx *ctx);
void api_attendance_put(struct req_ctx *ctx);
int api_attendance_put_check(struct req_ctx *ctx);
void api_attendance_patch(struct req_ctx *ctx);
int api_attendance_patch_check(struct req_ctx *ctx);
void api_attendance_get(struct req_ctx *ctx);
void api_attendance_record_put(struct req_ctx *ctx);
void api_attendance_record_delete(struct req_ctx *ctx);
void api_attendance_drop_in_put(struct req_ctx *ctx);
void api_attendance_drop_in_delete(struct req_ctx *ctx);
void api_attendance_walk_in_put(struct req_ctx *ctx);
void api_reports_attendance(struct req_ctx *ctx);
void api_reports_rollup(struct req_ctx *ctx);
void api_org_mail(struct req_ctx *ctx);
void api_me_patch(struct req_ctx *ctx);
void api_me_calendar_token(struct req_ctx *ctx);
void api_feed_group(struct req_ctx *ctx);
void api_feed_org(struct req_ctx *ctx);
void api_feed_person(struct req_ctx *ctx);
void api_supporters_list(struct req_ctx *ctx);
void api_supporters_create(struct req_ctx *ctx);
int api_supporters_create_check(struct req_ctx *ctx);
void api_supporters_get(struct req_ctx *ctx);
void api_supporters_patch(struct req_ctx *ctx);
int api_supporters_patch_check(struct req_ctx *ctx);
void api_supporters_delete(struct req_ctx *ctx);
void api_support_requests_create(struct req_ctx *ctx);
int api_support_requests_create_check(struct req_ctx *ctx);
void api_support_requests_list(struct req_ctx *ctx);
void api_support_requests_access_log(struct req_ctx *ctx);
void api_me_support_requests(struct req_ctx *ctx);
void api_support_requests_get(struct req_ctx *ctx);
void api_support_requests_candidates(struct req_ctx *ctx);
void api_support_requests_match(struct req_ctx *ctx);
int api_support_requests_match_check(struct req_ctx *ctx);
void api_me_pairings(struct req_ctx *ctx);
void api_pairings_get(struct req_ctx *ctx);
void api_pairings_accept(struct req_ctx *ctx);
void api_pairings_decline(struct req_ctx *ctx);
void api_pairings_close(struct req_ctx *ctx);
int api_pairings_close_check(struct req_ctx *ctx);
void api_pairings_contacts_list(struct req_ctx *ctx);
void api_pairings_contacts_add(struct req_ctx *ctx);
int api_pairings_contacts_add_check(struct req_ctx *ctx);
void api_matching_proposals(struct req_ctx *ctx);
void api_matching_settings_get(struct req_ctx *ctx);
void api_matching_settings_put(struct req_ctx *ctx);
int api_matching_settings_put_check(struct req_ctx *ctx);
void api_matching_stats(struct req_ctx *ctx);

#endif
