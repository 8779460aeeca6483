/* SPDX-License-Identifier: Apache-2.0 */
/* The route table: every endpoint of the HTTP contract, its handler and
 * whether it needs a signed-in person or a JSON body. */
#include "api.h"
#include "http.h"
#include "util.h"

#include <stdio.h>

#define R(method, pattern, handler, flags) { { ROUTER_##method, pattern }, handler, flags }

const struct route routes[] = {
    R(GET, "/healthz", api_healthz, 0),
    R(GET, "/readyz", api_readyz, 0),
    R(GET, "/metrics", api_metrics, 0),

    /* Calendar feeds: no Authorization, as calendar apps send none. */
    R(GET, "/calendars/groups/{id}.ics", api_feed_group, 0),
    R(GET, "/calendars/orgs/{slug}.ics", api_feed_org, 0),
    R(GET, "/calendars/people/{token}.ics", api_feed_person, 0),

    R(POST, "/api/v1/auth/register", api_auth_register, ROUTE_BODY),
    R(POST, "/api/v1/auth/login", api_auth_login, ROUTE_BODY),
    R(POST, "/api/v1/auth/logout", api_auth_logout, ROUTE_AUTH),

    R(GET, "/api/v1/me", api_me_get, ROUTE_AUTH),
    R(DELETE, "/api/v1/me", api_me_delete, ROUTE_AUTH),
    R(PATCH, "/api/v1/me", api_me_patch, ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/me/export", api_me_export, ROUTE_AUTH),
    R(POST, "/api/v1/me/calendar-token", api_me_calendar_token, ROUTE_AUTH),

    R(GET, "/api/v1/orgs", api_orgs_list, 0),
    R(POST, "/api/v1/orgs", api_orgs_create, ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/orgs/{slug}", api_orgs_get, 0),
    R(GET, "/api/v1/orgs/{slug}/members", api_members_list, ROUTE_AUTH),
    R(PUT, "/api/v1/orgs/{slug}/members/{person_id}", api_members_put, ROUTE_AUTH | ROUTE_BODY),
    R(DELETE, "/api/v1/orgs/{slug}/members/{person_id}", api_members_delete, ROUTE_AUTH),

    R(POST, "/api/v1/orgs/{slug}/groups", api_groups_create, ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/groups", api_groups_list, ROUTE_AUTH_OPTIONAL),
    R(GET, "/api/v1/groups/{id}", api_groups_get, ROUTE_AUTH_OPTIONAL),
    R(PATCH, "/api/v1/groups/{id}", api_groups_patch, ROUTE_AUTH | ROUTE_BODY),
    R(DELETE, "/api/v1/groups/{id}", api_groups_delete, ROUTE_AUTH),
    R(GET, "/api/v1/groups/{id}/sessions", api_group_sessions_list, 0),
    R(POST, "/api/v1/groups/{id}/sessions", api_group_sessions_add, ROUTE_AUTH | ROUTE_BODY),
    R(PATCH, "/api/v1/sessions/{id}", api_sessions_patch, ROUTE_AUTH | ROUTE_BODY),

    /* Signing up resolves the token in its own transaction: one round trip. */
    R(POST, "/api/v1/groups/{id}/signups", api_signups_group_create, ROUTE_BODY_OPTIONAL),
    R(POST, "/api/v1/sessions/{id}/signups", api_signups_session_create, ROUTE_BODY_OPTIONAL),
    R(GET, "/api/v1/groups/{id}/signups", api_signups_group_list, ROUTE_AUTH),
    R(GET, "/api/v1/sessions/{id}/signups", api_signups_session_list, ROUTE_AUTH),
    R(DELETE, "/api/v1/signups/{id}", api_signups_cancel, ROUTE_AUTH),
    R(GET, "/api/v1/me/signups", api_me_signups, ROUTE_AUTH),
    R(POST, "/api/v1/sessions/{id}/absence", api_absence_create, ROUTE_AUTH | ROUTE_BODY_OPTIONAL),
    R(PUT, "/api/v1/sessions/{id}/attendance", api_attendance_put, ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/sessions/{id}/attendance", api_attendance_get, ROUTE_AUTH),
    R(GET, "/api/v1/orgs/{slug}/reports/attendance", api_reports_attendance, ROUTE_AUTH),

    /* One-to-one matching: a module; with PIIRI_MATCHING=off these are 404. */
    R(GET, "/api/v1/orgs/{slug}/supporters", api_supporters_list, ROUTE_MATCHING),
    R(POST, "/api/v1/orgs/{slug}/supporters", api_supporters_create, ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/supporters/{id}", api_supporters_get, ROUTE_MATCHING | ROUTE_AUTH_OPTIONAL),
    R(PATCH, "/api/v1/supporters/{id}", api_supporters_patch, ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(DELETE, "/api/v1/supporters/{id}", api_supporters_delete, ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/orgs/{slug}/support-requests", api_support_requests_create,
        ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/orgs/{slug}/support-requests", api_support_requests_list, ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/orgs/{slug}/support-requests/access-log", api_support_requests_access_log,
        ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/me/support-requests", api_me_support_requests, ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/support-requests/{id}", api_support_requests_get, ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/support-requests/{id}/candidates", api_support_requests_candidates,
        ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/support-requests/{id}/match", api_support_requests_match,
        ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/me/pairings", api_me_pairings, ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/pairings/{id}", api_pairings_get, ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/pairings/{id}/accept", api_pairings_accept, ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/pairings/{id}/decline", api_pairings_decline, ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/pairings/{id}/close", api_pairings_close, ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/pairings/{id}/contacts", api_pairings_contacts_list, ROUTE_MATCHING | ROUTE_AUTH),
    R(POST, "/api/v1/pairings/{id}/contacts", api_pairings_contacts_add, ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(POST, "/api/v1/orgs/{slug}/matching/proposals", api_matching_proposals, ROUTE_MATCHING | ROUTE_AUTH),
    R(GET, "/api/v1/orgs/{slug}/matching/settings", api_matching_settings_get, ROUTE_MATCHING | ROUTE_AUTH),
    R(PUT, "/api/v1/orgs/{slug}/matching/settings", api_matching_settings_put,
        ROUTE_MATCHING | ROUTE_AUTH | ROUTE_BODY),
    R(GET, "/api/v1/orgs/{slug}/matching/stats", api_matching_stats, ROUTE_MATCHING | ROUTE_AUTH),
};

const size_t nroutes = ARRAY_LEN(routes);

const char *const *route_metric_labels;

void routes_init_labels(void)
{
    char **labels = xcalloc(nroutes + 1, sizeof(*labels));
    for (size_t i = 0; i < nroutes; i++)
        labels[i] = xasprintf("route=\"%s\",method=\"%s\"", routes[i].entry.pattern,
            router_method_name(routes[i].entry.method));
    labels[nroutes] = xstrdup("route=\"unmatched\",method=\"any\"");
    route_metric_labels = (const char *const *)labels;
}
