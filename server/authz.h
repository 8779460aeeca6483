/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization: the one place that answers "may this principal do this?".
 * Pure decisions over the principal's site role and memberships; handlers
 * ask here and never decide themselves. */
#ifndef PIIRI_AUTHZ_H
#define PIIRI_AUTHZ_H

#include "principal.h"

#include <stdbool.h>

enum authz_action {
    AUTHZ_ORG_CREATE,          /* create an organization: site admins */
    AUTHZ_ORG_MEMBERS_READ,    /* list an org's members: its coordinators, admins */
    AUTHZ_ORG_MEMBERS_MANAGE,  /* set or remove roles: its coordinators, admins */
    AUTHZ_GROUP_CREATE,        /* create a group in an org: its coordinators, admins */
    AUTHZ_GROUP_EDIT,          /* change, archive, schedule sessions: the org's
                                  coordinators, the group's leaders (while they hold
                                  the leader or coordinator role there), admins */
    AUTHZ_GROUP_SET_LEADERS,   /* choose a group's leaders: the org's coordinators,
                                  admins; never the leaders themselves */
    AUTHZ_GROUP_SEE_LINK,      /* a closed group's online_url: as EDIT, and its
                                  confirmed participants; open groups: anyone */
    AUTHZ_GROUP_PEOPLE,        /* who signed up, attendance: as EDIT */
    AUTHZ_SIGNUP_CANCEL,       /* cancel a signup: its owner, the org's coordinators, admins */
    AUTHZ_ABSENCE_NOTICE,      /* tell a closed group's leader you will be away: its
                                  confirmed participants */
    AUTHZ_ORG_REPORTS,         /* attendance reports: the org's coordinators, admins */
    AUTHZ_MATCHING_MANAGE,     /* one-to-one matching in an org (supporters, requests,
                                  candidates, proposals, settings, access log): its
                                  coordinators, admins */
    AUTHZ_SUPPORT_REQUEST_CREATE, /* ask an org for one-to-one support: anyone signed in */
    AUTHZ_SUPPORT_REQUEST_READ, /* a request with its message and preferences: the org's
                                  coordinators, the requester, the supporter of its active
                                  pairing; being a site admin is not enough */
    /* Every right of a supporter below holds only while they are a member of
     * the org: a removal ends it at once. A requester need not be a member. */
    AUTHZ_SUPPORTER_SEE_RECORD, /* a supporter's whole record (training, pledge, status):
                                  the org's coordinators, admins, the supporter */
    AUTHZ_PAIRING_RESPOND,     /* accept or decline a proposed pairing: its supporter only */
    AUTHZ_PAIRING_SEE,         /* a pairing: its supporter, its requester, the org's
                                  coordinators, admins */
    AUTHZ_PAIRING_CLOSE,       /* end a pairing: as SEE */
    AUTHZ_PAIRING_LOG_CONTACT, /* add to a pairing's contact log: its supporter only */
    AUTHZ_PAIRING_CONTACTS,    /* read the contact log: its supporter, the org's
                                  coordinators, admins */
    AUTHZ_PAIRING_SEE_NOTE,    /* the coordinator's note to the supporter: as CONTACTS */
    AUTHZ_PAIRING_SEE_SUPPORTER, /* who the supporter is: as CONTACTS, and the requester
                                  once the supporter has accepted */
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
