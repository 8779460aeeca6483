/* SPDX-License-Identifier: Apache-2.0 */
/* The authorization rules, one function per kind of action. Organizations
 * are independent: a coordinator of an umbrella org has no rights in its
 * member associations (their data is theirs). Rights that come from a
 * membership (coordinator, group leader, supporter) are checked against the
 * memberships loaded with this request, so removing or demoting someone
 * takes effect on their very next request. */
#include "authz.h"

#include <stddef.h>
#include <string.h>

static bool is_coordinator_of(const struct principal *p, const char *slug)
{
    return slug != NULL && principal_role_in(p, slug) == ROLE_COORDINATOR;
}

static bool is_member_of(const struct principal *p, const char *slug)
{
    return slug != NULL && principal_role_in(p, slug) != ROLE_NONE;
}

/* Named as one of the group's leaders and still a leader or coordinator of
 * its org (the database ends the leadership on a demotion; this holds even
 * if it had not). */
static bool is_leader_of(const struct principal *p, const struct authz_target *t)
{
    if (t->org_slug == NULL || principal_role_in(p, t->org_slug) < ROLE_LEADER)
        return false;
    for (int i = 0; i < t->nleaders; i++) {
        if (strcmp(t->leaders[i], p->person_id) == 0)
            return true;
    }
    return false;
}

static bool is_person(const struct principal *p, const char *person_id)
{
    return person_id != NULL && strcmp(person_id, p->person_id) == 0;
}

/* The supporter of the request or pairing, while still a member of its org. */
static bool is_supporter(const struct principal *p, const struct authz_target *t)
{
    return is_person(p, t->supporter_id) && is_member_of(p, t->org_slug);
}

/* Confidential one-to-one support: a site admin who is not involved may
 * not read a request or act in a supporter's place. */
static bool needs_involvement(enum authz_action action)
{
    return action == AUTHZ_SUPPORT_REQUEST_READ || action == AUTHZ_PAIRING_RESPOND ||
        action == AUTHZ_PAIRING_LOG_CONTACT;
}

static bool allows_matching(const struct principal *p, enum authz_action action, const struct authz_target *t)
{
    bool coordinator = is_coordinator_of(p, t->org_slug);
    switch (action) {
    case AUTHZ_MATCHING_MANAGE:
        return coordinator;
    case AUTHZ_SUPPORT_REQUEST_READ:
        return coordinator || is_person(p, t->requester_id) || (t->pairing_active && is_supporter(p, t));
    case AUTHZ_SUPPORTER_SEE_RECORD:
    case AUTHZ_PAIRING_CONTACTS:
    case AUTHZ_PAIRING_SEE_NOTE:
        return coordinator || is_supporter(p, t);
    case AUTHZ_PAIRING_SEE_SUPPORTER:
        return coordinator || is_supporter(p, t) || (t->pairing_accepted && is_person(p, t->requester_id));
    case AUTHZ_PAIRING_RESPOND:
    case AUTHZ_PAIRING_LOG_CONTACT:
        return is_supporter(p, t);
    case AUTHZ_PAIRING_SEE:
    case AUTHZ_PAIRING_CLOSE:
        return coordinator || is_supporter(p, t) || is_person(p, t->requester_id);
    default:
        return false;
    }
}

bool authz_allows(const struct principal *p, enum authz_action action, const struct authz_target *t)
{
    if (action == AUTHZ_NONE)
        return false;
    if (action == AUTHZ_GROUP_SEE_LINK && t != NULL && !t->closed)
        return true;
    if (p == NULL)
        return false;
    if (p->is_admin && !needs_involvement(action))
        return true;
    switch (action) {
    case AUTHZ_ORG_CREATE:
        return false;
    case AUTHZ_ORG_EDIT:
    case AUTHZ_ORG_MEMBERS_READ:
    case AUTHZ_ORG_MEMBERS_MANAGE:
    case AUTHZ_GROUP_CREATE:
    case AUTHZ_GROUP_SET_LEADERS:
    case AUTHZ_GROUP_SET_CONSENT:
        return t != NULL && is_coordinator_of(p, t->org_slug);
    case AUTHZ_GROUP_EDIT:
    case AUTHZ_GROUP_PEOPLE:
        return t != NULL && (is_coordinator_of(p, t->org_slug) || is_leader_of(p, t));
    case AUTHZ_SIGNUP_CANCEL:
        return t != NULL && ((t->owner_id != NULL && strcmp(t->owner_id, p->person_id) == 0) ||
                                is_coordinator_of(p, t->org_slug));
    case AUTHZ_ABSENCE_NOTICE:
        return t != NULL && t->closed && t->participant;
    case AUTHZ_SIGNUP_CONFIRM:
    case AUTHZ_SIGNUP_ON_BEHALF:
    case AUTHZ_ORG_REPORTS:
    case AUTHZ_ORG_MAIL:
        return t != NULL && is_coordinator_of(p, t->org_slug);
    case AUTHZ_GROUP_SEE_LINK:
        return t != NULL && (is_coordinator_of(p, t->org_slug) || is_leader_of(p, t) || t->participant);
    case AUTHZ_SUPPORT_REQUEST_CREATE:
        return true;
    case AUTHZ_MATCHING_MANAGE:
    case AUTHZ_SUPPORT_REQUEST_READ:
    case AUTHZ_SUPPORTER_SEE_RECORD:
    case AUTHZ_PAIRING_RESPOND:
    case AUTHZ_PAIRING_SEE:
    case AUTHZ_PAIRING_CLOSE:
    case AUTHZ_PAIRING_LOG_CONTACT:
    case AUTHZ_PAIRING_CONTACTS:
    case AUTHZ_PAIRING_SEE_NOTE:
    case AUTHZ_PAIRING_SEE_SUPPORTER:
        return t != NULL && allows_matching(p, action, t);
    case AUTHZ_NONE:
        return false;
    }
    return false;
}
