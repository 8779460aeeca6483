/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization: the one place that answers "may this principal do this?".
 * Pure decisions over the principal's site role and memberships; the
 * dispatcher asks here for the action a route declares (dispatch.h), and a
 * handler asks for what depends on the body (AUTHZ_GROUP_SET_LEADERS).
 *
 * Some rules can only hold inside the transaction that writes (a count, a
 * row lock, a state read under it), so the SQL enforces them; each is listed
 * below as "SQL:" next to the action that relies on it, with the function
 * in schema/functions/ that enforces it. Some rules are decided by SQL for a
 * whole list at once: AUTHZ_GROUP_SEE_LINK (group_link_visible), and the
 * matching lists a person gets of their own (api_my_pairings,
 * api_my_support_requests). */
#ifndef PIIRI_AUTHZ_H
#define PIIRI_AUTHZ_H

#include "principal.h"

#include <stdbool.h>

enum authz_action {
    AUTHZ_ORG_CREATE,          /* create an organization: site admins */
    AUTHZ_ORG_EDIT,            /* change an org's settings (its reminder): its coordinators, admins */
    AUTHZ_ORG_MEMBERS_READ,    /* list an org's members: its coordinators, admins */
    AUTHZ_ORG_MEMBERS_MANAGE,  /* set or remove roles: its coordinators, admins.
                                  SQL (api_membership_delete, orgs.sql and matching.sql):
                                  a removal closes the person's pairings there as a
                                  supporter, in the same transaction */
    AUTHZ_GROUP_CREATE,        /* create a group in an org: its coordinators, admins */
    AUTHZ_GROUP_EDIT,          /* change, archive, schedule sessions: the org's
                                  coordinators, the group's leaders (while they hold
                                  the leader or coordinator role there), admins.
                                  SQL (group_set_leaders, groups.sql): every leader named
                                  is a leader or coordinator of the org; a demotion to
                                  member or a removal ends the leadership (orgs.sql:
                                  trigger, foreign key) */
    AUTHZ_GROUP_SET_LEADERS,   /* choose a group's leaders: the org's coordinators,
                                  admins; never the leaders themselves */
    AUTHZ_GROUP_SET_CONSENT,   /* word the consent a group asks for (consent_text*):
                                  what people agree to is the organization's to say,
                                  so as SET_LEADERS */
    AUTHZ_GROUP_SEE_LINK,      /* a closed group's online_url: as EDIT, and its
                                  confirmed participants; open groups: anyone.
                                  SQL decides it for every group it returns to a viewer,
                                  from the viewer's scope piirid passes
                                  (group_link_visible, groups.sql; group_view_scope in
                                  group-view.c): the same rule, held to one table by
                                  tests/group-see-link.cases (test_authz.c, and
                                  test_groups.py against the SQL). Feeds: a group feed
                                  shows an open group's link only, a personal feed a
                                  confirmed signup's (feeds.sql) */
    AUTHZ_GROUP_PEOPLE,        /* who signed up, attendance: as EDIT.
                                  SQL (attendance.sql): writes only for a session
                                  that has started and is not cancelled
                                  (attendance_lock, 422), records only for the
                                  session's confirmed participants, a drop-in only
                                  for a member of the org, hours the sender's own */
    /* Signing up (POST .../signups) asks no action: anyone signed in may try, and
     * the rules are facts of the data checked in the one transaction that also
     * resolves the person from the token hash (ROUTE_PERSON_IN_SQL).
     * SQL (api_signup and signup_make, signups.sql): a members-only audience takes members of
     * the org only (403 members_only), the registration window (409
     * registration_closed), no archived group or cancelled or past session
     * (409), the kind of signup the group takes (409 wrong_signup_kind), one
     * active signup per person (409), the party within the capacity (422), and
     * confirmed or waitlisted under the seat-count lock. */
    AUTHZ_SIGNUP_CANCEL,       /* cancel a signup: its owner, the org's coordinators, admins.
                                  SQL (api_signup_cancel): a signup cancelled meanwhile
                                  is not cancelled twice (404), and the waitlist moves
                                  up in the same transaction, under the seat-count lock */
    AUTHZ_SIGNUP_CONFIRM,      /* confirm a waitlisted signup by hand: the org's
                                  coordinators, admins. SQL (api_signup_confirm): only
                                  a waitlisted signup (409 not_waitlisted) whose whole
                                  party fits the free places (409 does_not_fit), under
                                  the seat-count lock */
    AUTHZ_SIGNUP_ON_BEHALF,    /* sign up someone without an account (a name only):
                                  the org's coordinators, admins. SQL (signup_make):
                                  the rules of signing up, but neither the members-only
                                  audience nor one signup per person, as a guest is
                                  nobody's account */
    AUTHZ_ABSENCE_NOTICE,      /* tell a closed group's leader you will be away, or
                                  withdraw it: its confirmed participants. SQL
                                  (api_absence, attendance.sql): a confirmed participant
                                  of that very session (403 otherwise); withdrawing
                                  touches the sender's own notice only */
    AUTHZ_ORG_REPORTS,         /* attendance reports: the org's coordinators, admins */
    AUTHZ_ORG_MAIL,            /* how the org's mail went (status only, never an address
                                  or what a message said): its coordinators, admins.
                                  SQL (api_org_mail, mail.sql): leaves out the address,
                                  the payload and an erased person's id */
    AUTHZ_MATCHING_MANAGE,     /* one-to-one matching in an org (supporters, requests,
                                  candidates, proposals, settings, access log): its
                                  coordinators, admins.
                                  SQL (matching.sql):
                                  api_supporter_create: the person is a member of the
                                  org (422 person_id), once per org (409 supporter_exists);
                                  api_supporter_delete: refused while a pairing of the
                                  supporter is proposed or active (409
                                  supporter_has_pairings), under a row lock on it;
                                  api_support_request_match: the request is open (409
                                  request_not_open); the supporter is the org's, is not
                                  the requester and shares a language (422 supporter_id),
                                  is active and listed (409 supporter_unavailable) and
                                  has room (409 supporter_full), under row locks on the
                                  request, then the supporter;
                                  api_support_requests_list, api_candidates_data,
                                  api_matching_batch_data: every request read is written
                                  to the access log in the same transaction */
    AUTHZ_SUPPORT_REQUEST_CREATE, /* ask an org for one-to-one support: anyone signed in.
                                  SQL (api_support_request_create, matching.sql): at most
                                  3 requests not closed per person and org (409), counted
                                  under a transaction-scoped advisory lock */
    AUTHZ_SUPPORT_REQUEST_READ, /* a request with its message and preferences: the org's
                                  coordinators, the requester, the supporter of its active
                                  pairing; being a site admin is not enough.
                                  SQL (api_support_request_read): every read by anyone but
                                  the requester is written to the access log in the same
                                  transaction. api_my_support_requests returns the
                                  requester's own requests only, so READ holds for each */
    /* Every right of a supporter below holds only while they are a member of
     * the org: a removal ends it at once. A requester need not be a member. */
    AUTHZ_SUPPORTER_SEE_RECORD, /* a supporter's whole record (training, pledge, status):
                                  the org's coordinators, admins, the supporter. Decided
                                  here and passed to api_supporter_read, which returns
                                  the public introduction otherwise, and nothing for a
                                  supporter who is not listed (supporter_listed: retired,
                                  or no longer a member) */
    AUTHZ_PAIRING_RESPOND,     /* accept or decline a proposed pairing: its supporter only.
                                  SQL (api_pairing_change): only a proposed pairing (409
                                  pairing_not_proposed), under a row lock on it, then on
                                  its request */
    AUTHZ_PAIRING_SEE,         /* a pairing: its supporter, its requester, the org's
                                  coordinators, admins. api_my_pairings returns the
                                  viewer's pairings as a supporter, in the orgs they are
                                  still a member of, so SEE, SEE_NOTE and SEE_SUPPORTER
                                  hold for each (the whole pairing_json) */
    AUTHZ_PAIRING_CLOSE,       /* end a pairing: as SEE.
                                  SQL (api_pairing_change): only a proposed or active
                                  pairing (409 pairing_not_open), under the same locks */
    AUTHZ_PAIRING_LOG_CONTACT, /* add to a pairing's contact log: its supporter only.
                                  SQL (api_pairing_contact_add): only an active pairing
                                  (409 pairing_not_active), a date neither in the future
                                  nor before the proposal in the org's time zone (422
                                  date) */
    AUTHZ_PAIRING_CONTACTS,    /* read the contact log: its supporter, the org's
                                  coordinators, admins */
    AUTHZ_PAIRING_SEE_NOTE,    /* the coordinator's note to the supporter: as CONTACTS */
    AUTHZ_PAIRING_SEE_SUPPORTER, /* who the supporter is: as CONTACTS, and the requester
                                  once the supporter has accepted. SEE_NOTE, SEE_SUPPORTER
                                  and MATCHING_MANAGE (the history) are decided here and
                                  passed to api_pairing_read/api_pairing_change, which
                                  leave out what is not allowed */
    AUTHZ_NONE,                /* a route with no authorization step (dispatch.h); never
                                  allowed when asked */
};

/* What the action is about. */
struct authz_target {
    const char *org_slug;      /* org-scoped actions */
    const char *const *leaders; /* group actions: person ids of its leaders */
    int nleaders;
    bool closed;               /* AUTHZ_GROUP_SEE_LINK: the group is closed */
    bool participant;          /* the principal is a confirmed participant */
    const char *owner_id;      /* AUTHZ_SIGNUP_CANCEL: whose signup */
    const char *requester_id;  /* matching: the person who asked for support */
    const char *supporter_id;  /* matching: the supporter's person id */
    bool pairing_active;       /* matching: that supporter's pairing is active */
    bool pairing_accepted;     /* matching: the supporter accepted the pairing (it may
                                  have ended since) */
};

/* p may be NULL (anonymous). */
bool authz_allows(const struct principal *p, enum authz_action action, const struct authz_target *target);

#endif
