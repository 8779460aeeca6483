/* SPDX-License-Identifier: Apache-2.0 */
/* The route table: every endpoint of the HTTP contract, its handler and
 * what the dispatcher does before it (dispatch.h): who it serves, its body,
 * the facts it loads and the authz action asked on them, and the check of
 * its input. The matching module's routes are in the table only when the
 * module is on. */
#include "api.h"
#include "dispatch.h"
#include "facts.h"
#include "util.h"
#include "web-session.h"
#include "web.h"

#define R(method, pattern, handler, who, body, facts, action, check) \
    { { ROUTER_##method, pattern }, handler, ROUTE_##who, ROUTE_BODY_##body, facts, action, check, ROUTE_ANSWERS_JSON }
/* A web page: the same pipeline, and its errors are HTML pages (web.h). */
#define P(method, pattern, handler, who, body, facts, action, check) \
    { { ROUTER_##method, pattern }, handler, ROUTE_##who, ROUTE_BODY_##body, facts, action, check, \
        ROUTE_ANSWERS_HTML }

static const struct route core_routes[] = {
    R(GET, "/healthz", api_healthz, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/readyz", api_readyz, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/metrics", api_metrics, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),

    /* Calendar feeds: no Authorization, as calendar apps send none. */
    R(GET, "/calendars/groups/{id:uuid}.ics", api_feed_group, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/calendars/orgs/{slug}.ics", api_feed_org, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/calendars/people/{token}.ics", api_feed_person, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),

    R(POST, "/api/v1/auth/register", api_auth_register, ANYONE, JSON, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/auth/login", api_auth_login, ANYONE, JSON, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/auth/logout", api_auth_logout, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    /* Links by email: asked for by address, acting only on POST (api-auth-links.c). */
    R(POST, "/api/v1/auth/email-link", api_auth_email_link, ANYONE, JSON, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/auth/links/{token:link}", api_auth_link_get, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/auth/links/{token:link}", api_auth_link_post, ANYONE, JSON_OR_EMPTY, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/mail/unsubscribe/{token:link}", api_mail_unsubscribe, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),

    R(GET, "/api/v1/me", api_me_get, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(DELETE, "/api/v1/me", api_me_delete, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(PATCH, "/api/v1/me", api_me_patch, PERSON, JSON, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/me/export", api_me_export, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/me/calendar-token", api_me_calendar_token, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/me/mail", api_me_mail_get, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(PATCH, "/api/v1/me/mail", api_me_mail_patch, PERSON, JSON, NULL, AUTHZ_NONE, NULL),

    R(GET, "/api/v1/orgs", api_orgs_list, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/orgs", api_orgs_create, PERSON, JSON, NULL, AUTHZ_ORG_CREATE, NULL),
    R(GET, "/api/v1/orgs/{slug}", api_orgs_get, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(PATCH, "/api/v1/orgs/{slug}", api_orgs_patch, PERSON, JSON, NULL, AUTHZ_ORG_EDIT, NULL),
    R(GET, "/api/v1/orgs/{slug}/members", api_members_list, PERSON, NONE, NULL, AUTHZ_ORG_MEMBERS_READ, NULL),
    R(PUT, "/api/v1/orgs/{slug}/members/{person_id:uuid}", api_members_put, PERSON, JSON, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    R(DELETE, "/api/v1/orgs/{slug}/members/{person_id:uuid}", api_members_delete, PERSON, NONE, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),

    R(POST, "/api/v1/orgs/{slug}/groups", api_groups_create, PERSON, JSON, NULL, AUTHZ_GROUP_CREATE, NULL),
    R(GET, "/api/v1/groups", api_groups_list, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/groups/{id:uuid}", api_groups_get, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    R(PATCH, "/api/v1/groups/{id:uuid}", api_groups_patch, PERSON, JSON, &facts_group, AUTHZ_GROUP_EDIT,
        api_groups_patch_check),
    R(DELETE, "/api/v1/groups/{id:uuid}", api_groups_delete, PERSON, NONE, &facts_group, AUTHZ_GROUP_EDIT, NULL),
    R(GET, "/api/v1/groups/{id:uuid}/sessions", api_group_sessions_list, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/groups/{id:uuid}/sessions", api_group_sessions_add, PERSON, JSON, &facts_group,
        AUTHZ_GROUP_EDIT, api_group_sessions_add_check),
    R(PATCH, "/api/v1/sessions/{id:uuid}", api_sessions_patch, PERSON, JSON, &facts_session, AUTHZ_GROUP_EDIT,
        api_sessions_patch_check),

    /* Signing up resolves the token in its own transaction: one round trip. */
    R(POST, "/api/v1/groups/{id:uuid}/signups", api_signups_group_create, PERSON_IN_SQL, JSON_OR_EMPTY, NULL,
        AUTHZ_NONE, NULL),
    R(POST, "/api/v1/sessions/{id:uuid}/signups", api_signups_session_create, PERSON_IN_SQL, JSON_OR_EMPTY, NULL,
        AUTHZ_NONE, NULL),
    /* A coordinator's signup for someone without an account: authorized first. */
    R(POST, "/api/v1/groups/{id:uuid}/signups/on-behalf", api_signups_group_on_behalf, PERSON, JSON, &facts_group,
        AUTHZ_SIGNUP_ON_BEHALF, NULL),
    R(POST, "/api/v1/sessions/{id:uuid}/signups/on-behalf", api_signups_session_on_behalf, PERSON, JSON,
        &facts_session, AUTHZ_SIGNUP_ON_BEHALF, NULL),
    R(GET, "/api/v1/groups/{id:uuid}/signups", api_signups_group_list, PERSON, NONE, &facts_group,
        AUTHZ_GROUP_PEOPLE, NULL),
    R(GET, "/api/v1/sessions/{id:uuid}/signups", api_signups_session_list, PERSON, NONE, &facts_session,
        AUTHZ_GROUP_PEOPLE, NULL),
    R(DELETE, "/api/v1/signups/{id:uuid}", api_signups_cancel, PERSON, NONE, &facts_signup, AUTHZ_SIGNUP_CANCEL,
        NULL),
    R(POST, "/api/v1/signups/{id:uuid}/confirm", api_signups_confirm, PERSON, JSON_OR_EMPTY, &facts_signup,
        AUTHZ_SIGNUP_CONFIRM, NULL),
    /* An offer from the waitlist is answered by whoever may cancel the signup. */
    R(POST, "/api/v1/signups/{id:uuid}/offer/accept", api_signups_offer_accept, PERSON, JSON_OR_EMPTY,
        &facts_signup, AUTHZ_SIGNUP_CANCEL, NULL),
    R(POST, "/api/v1/signups/{id:uuid}/offer/decline", api_signups_offer_decline, PERSON, JSON_OR_EMPTY,
        &facts_signup, AUTHZ_SIGNUP_CANCEL, NULL),
    R(GET, "/api/v1/me/signups", api_me_signups, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/me/sessions", api_me_sessions, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/sessions/{id:uuid}/absence", api_absence_create, PERSON, JSON_OR_EMPTY, &facts_session,
        AUTHZ_ABSENCE_NOTICE, NULL),
    R(DELETE, "/api/v1/sessions/{id:uuid}/absence", api_absence_delete, PERSON, NONE, &facts_session,
        AUTHZ_ABSENCE_NOTICE, NULL),
    R(PUT, "/api/v1/sessions/{id:uuid}/attendance", api_attendance_put, PERSON, JSON, &facts_session,
        AUTHZ_GROUP_PEOPLE, api_attendance_put_check),
    R(PATCH, "/api/v1/sessions/{id:uuid}/attendance", api_attendance_patch, PERSON, JSON, &facts_session,
        AUTHZ_GROUP_PEOPLE, api_attendance_patch_check),
    R(PUT, "/api/v1/sessions/{id:uuid}/attendance/records/{person_id:uuid}", api_attendance_record_put, PERSON,
        JSON, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(DELETE, "/api/v1/sessions/{id:uuid}/attendance/records/{person_id:uuid}", api_attendance_record_delete,
        PERSON, NONE, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(PUT, "/api/v1/sessions/{id:uuid}/attendance/drop-ins/{drop_in_id:uuid}", api_attendance_drop_in_put, PERSON,
        JSON, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(DELETE, "/api/v1/sessions/{id:uuid}/attendance/drop-ins/{drop_in_id:uuid}", api_attendance_drop_in_delete,
        PERSON, NONE, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(PUT, "/api/v1/sessions/{id:uuid}/attendance/walk-ins/{change_id:uuid}", api_attendance_walk_in_put, PERSON,
        JSON, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(GET, "/api/v1/sessions/{id:uuid}/attendance", api_attendance_get, PERSON, NONE, &facts_session,
        AUTHZ_GROUP_PEOPLE, NULL),
    R(PUT, "/api/v1/sessions/{id:uuid}/attendance/signups/{signup_id:uuid}", api_attendance_signup_put, PERSON,
        JSON, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(DELETE, "/api/v1/sessions/{id:uuid}/attendance/signups/{signup_id:uuid}", api_attendance_signup_delete,
        PERSON, NONE, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    R(GET, "/api/v1/orgs/{slug}/reports/attendance", api_reports_attendance, PERSON, NONE, NULL, AUTHZ_ORG_REPORTS,
        NULL),
    R(GET, "/api/v1/orgs/{slug}/reports/attendance/rollup", api_reports_rollup, PERSON, NONE, NULL,
        AUTHZ_ORG_REPORTS, NULL),
    /* How the org's mail went: status only, never an address or content. */
    R(GET, "/api/v1/orgs/{slug}/mail", api_org_mail, PERSON, NONE, NULL, AUTHZ_ORG_MAIL, NULL),
};

/* The web client's pages: the language is the first segment, so that a
 * link keeps it. The static files' routes (one per hashed name) are added
 * from web-static.c. */
static const struct route page_routes[] = {
    P(GET, "/", web_root, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    /* Before /{lang}: the service worker's scope is the directory it is served from. */
    P(GET, "/sw.js", web_worker, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}", web_lang_root, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/", web_front, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/groups/{id:uuid}", web_group, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/orgs/{slug}", web_org, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/privacy", web_privacy, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/accessibility", web_accessibility, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    /* Signing in: the API's accounts and login steps, a session cookie (web-session.h). */
    P(GET, "/{lang}/signin", web_session_signin_page, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/signin", web_session_signin, ANYONE, FORM, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/register", web_session_register_page, PERSON_OPTIONAL, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/register", web_session_register, ANYONE, FORM, NULL, AUTHZ_NONE, NULL),
    /* Links by email (web-pages-links.c): a link's page only says what its form does. */
    P(GET, "/{lang}/signin/email", web_email_link_page, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/signin/email", web_email_link, ANYONE, FORM, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/link/{token:link}", web_link_page, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/link/{token:link}", web_link, ANYONE, FORM, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/me/mail", web_mail_prefs, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/me/mail", web_mail_prefs_save, PERSON, FORM, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/signout", web_session_signout, PERSON, FORM, NULL, AUTHZ_NONE, NULL),
    /* A member's pages (web-pages-member.c): signing up resolves the cookie in
     * its own transaction, as the API's signups do. */
    P(POST, "/{lang}/groups/{id:uuid}/signup", web_signup_group, PERSON_IN_SQL, FORM, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/signup", web_signup_session, PERSON_IN_SQL, FORM, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/signups/{id:uuid}", web_signup, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/signups/{id:uuid}/cancel", web_signup_cancel_page, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/signups/{id:uuid}/cancel", web_signup_cancel, PERSON, FORM, &facts_signup, AUTHZ_SIGNUP_CANCEL,
        NULL),
    P(GET, "/{lang}/me", web_me, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/absence", web_absence, PERSON, FORM, &facts_session, AUTHZ_ABSENCE_NOTICE,
        NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/absence/withdraw", web_absence_withdraw, PERSON, FORM, &facts_session,
        AUTHZ_ABSENCE_NOTICE, NULL),
    P(POST, "/{lang}/me/calendar", web_me_calendar, PERSON, FORM, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/me/calendar-link", web_me_calendar_link, PERSON, FORM, NULL, AUTHZ_NONE, NULL),
    /* The leader's attendance page (web-pages-attendance.c): as the API's attendance. */
    P(GET, "/{lang}/sessions/{id:uuid}/attendance", web_attendance, PERSON, NONE, &facts_session, AUTHZ_GROUP_PEOPLE,
        NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/records/{person_id:uuid}", web_attendance_record, PERSON, FORM,
        &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/signups/{signup_id:uuid}", web_attendance_signup, PERSON, FORM,
        &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/drop-ins", web_attendance_drop_in, PERSON, FORM, &facts_session,
        AUTHZ_GROUP_PEOPLE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/drop-ins/{drop_in_id:uuid}/remove", web_attendance_drop_in_remove,
        PERSON, FORM, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/walk-ins", web_attendance_walk_ins, PERSON, FORM, &facts_session,
        AUTHZ_GROUP_PEOPLE, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/attendance/hours", web_attendance_hours, PERSON, FORM, &facts_session,
        AUTHZ_GROUP_PEOPLE, NULL),
    P(GET, "/{lang}/me/erase", web_me_erase_page, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(POST, "/{lang}/me/erase", web_me_erase, PERSON, FORM, NULL, AUTHZ_NONE, NULL),
    /* A leader's pages (web-pages-leader.c): who is coming is the API's
     * signup lists', authorized as they are. */
    P(GET, "/{lang}/today", web_today, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    P(GET, "/{lang}/sessions/{id:uuid}/coming", web_coming, PERSON, NONE, &facts_session, AUTHZ_GROUP_PEOPLE, NULL),
    /* A coordinator's pages (web-pages-manage.c, web-pages-group-form.c): the
     * API's rule of who may create a group in the org; a group's form edits
     * its leaders and consent too, so it asks what they need (coordinators,
     * admins: a leader of the group gets the 403 page). */
    P(GET, "/{lang}/orgs/{slug}/manage", web_manage, PERSON, NONE, NULL, AUTHZ_GROUP_CREATE, NULL),
    P(GET, "/{lang}/orgs/{slug}/manage/groups/new", web_group_new_page, PERSON, NONE, NULL, AUTHZ_GROUP_CREATE,
        NULL),
    P(POST, "/{lang}/orgs/{slug}/manage/groups/new", web_group_new, PERSON, FORM, NULL, AUTHZ_GROUP_CREATE, NULL),
    P(GET, "/{lang}/groups/{id:uuid}/edit", web_group_edit_page, PERSON, NONE, &facts_group, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(POST, "/{lang}/groups/{id:uuid}/edit", web_group_edit, PERSON, FORM, &facts_group, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(GET, "/{lang}/groups/{id:uuid}/archive", web_group_archive_page, PERSON, NONE, &facts_group,
        AUTHZ_GROUP_SET_LEADERS, NULL),
    P(POST, "/{lang}/groups/{id:uuid}/archive", web_group_archive, PERSON, FORM, &facts_group,
        AUTHZ_GROUP_SET_LEADERS, NULL),
    /* People and their mail (api-invitations.c, web-pages-people.c): the
     * member routes' rules, on the path's {slug}; a member's page shows the
     * org's mail to them, so it asks what the org's mail status asks. */
    R(POST, "/api/v1/orgs/{slug}/invitations", api_invitations_create, PERSON, JSON, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    R(GET, "/api/v1/orgs/{slug}/invitations", api_invitations_list, PERSON, NONE, NULL,
        AUTHZ_ORG_MEMBERS_READ, NULL),
    R(DELETE, "/api/v1/orgs/{slug}/invitations/{id:uuid}", api_invitations_delete, PERSON, NONE, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    P(GET, "/{lang}/orgs/{slug}/manage/people", web_people, PERSON, NONE, NULL, AUTHZ_ORG_MEMBERS_READ, NULL),
    P(POST, "/{lang}/orgs/{slug}/manage/people/add", web_people_add, PERSON, FORM, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    P(POST, "/{lang}/orgs/{slug}/manage/people/invitations/{id:uuid}/remove", web_invitation_withdraw,
        PERSON, FORM, NULL, AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    P(GET, "/{lang}/orgs/{slug}/manage/people/{person_id:uuid}", web_person, PERSON, NONE, NULL,
        AUTHZ_ORG_MAIL, NULL),
    P(POST, "/{lang}/orgs/{slug}/manage/people/{person_id:uuid}/role", web_person_role, PERSON, FORM, NULL,
        AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    P(GET, "/{lang}/orgs/{slug}/manage/people/{person_id:uuid}/remove", web_person_remove_page, PERSON, NONE,
        NULL, AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    P(POST, "/{lang}/orgs/{slug}/manage/people/{person_id:uuid}/remove", web_person_remove, PERSON, FORM,
        NULL, AUTHZ_ORG_MEMBERS_MANAGE, NULL),
    /* A coordinator's sessions and signups (web-pages-coord-sessions.c,
     * web-pages-coord-signups.c): the org's coordinators and admins only (a
     * group's leader gets the 403 page), as the org's other pages ask. */
    P(GET, "/{lang}/orgs/{slug}/manage/sessions", web_ms_org_sessions, PERSON, NONE, NULL, AUTHZ_GROUP_CREATE, NULL),
    P(GET, "/{lang}/groups/{id:uuid}/sessions", web_ms_group_sessions, PERSON, NONE, &facts_group,
        AUTHZ_GROUP_SET_LEADERS, NULL),
    P(GET, "/{lang}/groups/{id:uuid}/sessions/new", web_ms_add_page, PERSON, NONE, &facts_group,
        AUTHZ_GROUP_SET_LEADERS, NULL),
    P(POST, "/{lang}/groups/{id:uuid}/sessions/new", web_ms_add, PERSON, FORM, &facts_group, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(GET, "/{lang}/sessions/{id:uuid}/cancel", web_ms_cancel_page, PERSON, NONE, &facts_session,
        AUTHZ_GROUP_SET_LEADERS, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/cancel", web_ms_cancel, PERSON, FORM, &facts_session, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(GET, "/{lang}/sessions/{id:uuid}/move", web_ms_move_page, PERSON, NONE, &facts_session, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/move", web_ms_move, PERSON, FORM, &facts_session, AUTHZ_GROUP_SET_LEADERS,
        NULL),
    P(GET, "/{lang}/sessions/{id:uuid}/signups", web_mu_session_signups, PERSON, NONE, &facts_session,
        AUTHZ_SIGNUP_ON_BEHALF, NULL),
    P(POST, "/{lang}/sessions/{id:uuid}/signups/on-behalf", web_mu_session_on_behalf, PERSON, FORM, &facts_session,
        AUTHZ_SIGNUP_ON_BEHALF, NULL),
    P(GET, "/{lang}/groups/{id:uuid}/signups", web_mu_group_signups, PERSON, NONE, &facts_group,
        AUTHZ_SIGNUP_ON_BEHALF, NULL),
    P(POST, "/{lang}/groups/{id:uuid}/signups/on-behalf", web_mu_group_on_behalf, PERSON, FORM, &facts_group,
        AUTHZ_SIGNUP_ON_BEHALF, NULL),
    P(POST, "/{lang}/manage/signups/{id:uuid}/confirm", web_mu_confirm, PERSON, FORM, &facts_signup,
        AUTHZ_SIGNUP_CONFIRM, NULL),
    P(GET, "/{lang}/manage/signups/{id:uuid}/cancel", web_mu_cancel_page, PERSON, NONE, &facts_signup,
        AUTHZ_SIGNUP_CONFIRM, NULL),
    P(POST, "/{lang}/manage/signups/{id:uuid}/cancel", web_mu_cancel, PERSON, FORM, &facts_signup,
        AUTHZ_SIGNUP_CONFIRM, NULL),
    /* A coordinator's reports (web-pages-reports.c): who may read the API's
     * attendance reports; its CSV links are the API's own routes. */
    P(GET, "/{lang}/orgs/{slug}/manage/reports", web_reports, PERSON, NONE, NULL, AUTHZ_ORG_REPORTS, NULL),
};

/* A coordinator's one-to-one support pages (web-pages-support*.c): part of
 * the matching module, so added with its routes only when it is on. Each
 * asks what the API's matching routes ask of a coordinator
 * (AUTHZ_MATCHING_MANAGE), on the path's {slug} or on the loaded request,
 * supporter or pairing; the handler then refuses one of another org (404). */
#define SUPPORT "/{lang}/orgs/{slug}/manage/support"
static const struct route support_page_routes[] = {
    P(GET, SUPPORT, web_support_queue, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/requests/{id:uuid}", web_support_request, PERSON, NONE, &facts_support_request,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(POST, SUPPORT "/requests/{id:uuid}/propose", web_support_propose, PERSON, FORM, &facts_support_request,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/supporters", web_support_supporters, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(POST, SUPPORT "/supporters", web_support_supporter_add, PERSON, FORM, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/supporters/{id:uuid}", web_support_supporter, PERSON, NONE, &facts_supporter,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(POST, SUPPORT "/supporters/{id:uuid}", web_support_supporter_save, PERSON, FORM, &facts_supporter,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/pairings", web_support_pairings, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/pairings/{id:uuid}/close", web_support_close_page, PERSON, NONE, &facts_pairing,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(POST, SUPPORT "/pairings/{id:uuid}/close", web_support_close, PERSON, FORM, &facts_pairing,
        AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/proposals", web_support_batch, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(POST, SUPPORT "/proposals", web_support_batch_make, PERSON, FORM, NULL, AUTHZ_MATCHING_MANAGE, NULL),
    P(GET, SUPPORT "/access-log", web_support_access_log, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE, NULL),
};
#undef SUPPORT

/* One-to-one matching, a module: with PIIRI_MATCHING=off these routes do
 * not exist (404 like any unknown path). A route about one supporter,
 * request or pairing loads its facts (facts.h) and asks authz before its
 * handler; an org-wide one asks on the path's {slug}. */
static const struct route matching_routes[] = {
    R(GET, "/api/v1/orgs/{slug}/supporters", api_supporters_list, ANYONE, NONE, NULL, AUTHZ_NONE, NULL),
    R(POST, "/api/v1/orgs/{slug}/supporters", api_supporters_create, PERSON, JSON, NULL, AUTHZ_MATCHING_MANAGE,
        api_supporters_create_check),
    /* Anyone: the handler asks AUTHZ_SUPPORTER_SEE_RECORD for the whole record. */
    R(GET, "/api/v1/supporters/{id:uuid}", api_supporters_get, PERSON_OPTIONAL, NONE, &facts_supporter, AUTHZ_NONE,
        NULL),
    R(PATCH, "/api/v1/supporters/{id:uuid}", api_supporters_patch, PERSON, JSON, &facts_supporter,
        AUTHZ_MATCHING_MANAGE, api_supporters_patch_check),
    R(DELETE, "/api/v1/supporters/{id:uuid}", api_supporters_delete, PERSON, NONE, &facts_supporter,
        AUTHZ_MATCHING_MANAGE, NULL),

    R(POST, "/api/v1/orgs/{slug}/support-requests", api_support_requests_create, PERSON, JSON, NULL,
        AUTHZ_SUPPORT_REQUEST_CREATE, api_support_requests_create_check),
    R(GET, "/api/v1/orgs/{slug}/support-requests", api_support_requests_list, PERSON, NONE, NULL,
        AUTHZ_MATCHING_MANAGE, NULL),
    R(GET, "/api/v1/orgs/{slug}/support-requests/access-log", api_support_requests_access_log, PERSON, NONE, NULL,
        AUTHZ_MATCHING_MANAGE, NULL),
    R(GET, "/api/v1/me/support-requests", api_me_support_requests, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/support-requests/{id:uuid}", api_support_requests_get, PERSON, NONE, &facts_support_request,
        AUTHZ_SUPPORT_REQUEST_READ, NULL),
    R(GET, "/api/v1/support-requests/{id:uuid}/candidates", api_support_requests_candidates, PERSON, NONE,
        &facts_support_request, AUTHZ_MATCHING_MANAGE, NULL),
    R(POST, "/api/v1/support-requests/{id:uuid}/match", api_support_requests_match, PERSON, JSON,
        &facts_support_request, AUTHZ_MATCHING_MANAGE, api_support_requests_match_check),

    R(GET, "/api/v1/me/pairings", api_me_pairings, PERSON, NONE, NULL, AUTHZ_NONE, NULL),
    R(GET, "/api/v1/pairings/{id:uuid}", api_pairings_get, PERSON, NONE, &facts_pairing, AUTHZ_PAIRING_SEE, NULL),
    R(POST, "/api/v1/pairings/{id:uuid}/accept", api_pairings_accept, PERSON, NONE, &facts_pairing,
        AUTHZ_PAIRING_RESPOND, NULL),
    R(POST, "/api/v1/pairings/{id:uuid}/decline", api_pairings_decline, PERSON, NONE, &facts_pairing,
        AUTHZ_PAIRING_RESPOND, NULL),
    R(POST, "/api/v1/pairings/{id:uuid}/close", api_pairings_close, PERSON, JSON, &facts_pairing,
        AUTHZ_PAIRING_CLOSE, api_pairings_close_check),
    R(GET, "/api/v1/pairings/{id:uuid}/contacts", api_pairings_contacts_list, PERSON, NONE, &facts_pairing,
        AUTHZ_PAIRING_CONTACTS, NULL),
    R(POST, "/api/v1/pairings/{id:uuid}/contacts", api_pairings_contacts_add, PERSON, JSON, &facts_pairing,
        AUTHZ_PAIRING_LOG_CONTACT, api_pairings_contacts_add_check),

    R(POST, "/api/v1/orgs/{slug}/matching/proposals", api_matching_proposals, PERSON, NONE, NULL,
        AUTHZ_MATCHING_MANAGE, NULL),
    R(GET, "/api/v1/orgs/{slug}/matching/settings", api_matching_settings_get, PERSON, NONE, NULL,
        AUTHZ_MATCHING_MANAGE, NULL),
    R(PUT, "/api/v1/orgs/{slug}/matching/settings", api_matching_settings_put, PERSON, JSON, NULL,
        AUTHZ_MATCHING_MANAGE, api_matching_settings_put_check),
    R(GET, "/api/v1/orgs/{slug}/matching/stats", api_matching_stats, PERSON, NONE, NULL, AUTHZ_MATCHING_MANAGE,
        NULL),
};

const struct route_table *routes_table(bool matching)
{
    static struct route_table *built[2];
    int i = matching ? 1 : 0;
    if (built[i] == NULL) {
        built[i] = route_table_new();
        route_table_add(built[i], core_routes, ARRAY_LEN(core_routes));
        route_table_add(built[i], page_routes, ARRAY_LEN(page_routes));
        size_t nstatic;
        const struct route *statics = web_static_routes(&nstatic);
        route_table_add(built[i], statics, nstatic);
        if (matching) {
            route_table_add(built[i], matching_routes, ARRAY_LEN(matching_routes));
            route_table_add(built[i], support_page_routes, ARRAY_LEN(support_page_routes));
        }
    }
    return built[i];
}
