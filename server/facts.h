/* SPDX-License-Identifier: Apache-2.0 */
/* The facts authorization needs, as C structs: a route of the table names a
 * facts loader (the statement that loads the rows, and the one reader that
 * fills the struct from what it returns), the dispatcher runs it before
 * asking authz, and the handler finds the result in ctx->facts.
 *
 * Each shape read here is produced by one SQL function, named next to it
 * (and that function names the struct back): no key of a _facts object is
 * read anywhere else in C. */
#ifndef PIIRI_FACTS_H
#define PIIRI_FACTS_H

#include "authz.h"

#include <jansson.h>

#define GROUP_MAX_LEADERS 20

/* A group's "_facts" object, from group_facts_json(g, viewer) in
 * schema/functions/groups.sql (inside group_json, which api_group_facts,
 * api_session_facts and api_signup_facts return):
 * {"org": slug, "leaders": [person ids], "participant": bool, "access": text}.
 * Strings are borrowed from the loaded JSON. */
struct group_facts {
    const char *org_slug;
    bool closed;        /* access is not "open" */
    bool participant;   /* the viewer is a confirmed participant */
    int nleaders;
    const char *leaders[GROUP_MAX_LEADERS];
};

/* api_session_facts(id, viewer), schema/functions/sessions.sql:
 * {"session": {... "group_id"}, "group": group_json}. */
struct session_facts {
    const char *group_id;
    struct group_facts group;
};

/* api_signup_facts(id), schema/functions/signups.sql:
 * {"owner": person id, "status": text, "group": group_json}. */
struct signup_facts {
    const char *owner_id;
    const char *status;
    struct group_facts group;
};

/* The matching module's facts (its routes exist only when it is on). The
 * person ids are those of the people involved; the strings are borrowed from
 * the loaded JSON. */

/* api_pairing_facts(id), schema/functions/matching.sql (pairing_facts_json):
 * {"org": slug, "supporter": person id, "requester": person id,
 *  "active": bool, "accepted": bool}. */
struct pairing_facts {
    const char *org_slug;
    const char *supporter_id;   /* the supporter's person id */
    const char *requester_id;
    bool active;                /* the pairing is active */
    bool accepted;              /* the supporter accepted it (it may have ended since) */
};

/* api_support_request_facts(id), schema/functions/matching.sql:
 * {"org": slug, "requester": person id, "supporter": person id of the
 *  active pairing's supporter or null, "active": bool}. */
struct support_request_facts {
    const char *org_slug;
    const char *requester_id;
    const char *supporter_id;   /* NULL without an active pairing */
    bool active;                /* the request is active (it has an active pairing) */
};

/* api_supporter_facts(id), schema/functions/matching.sql:
 * {"org": slug, "supporter": person id, "listed": bool}. */
struct supporter_facts {
    const char *org_slug;
    const char *person_id;
    bool listed;                /* shown publicly: not retired, still a member */
};

/* What the dispatcher loaded for a request (ctx->facts; owned by it). */
struct facts {
    json_t *loaded;              /* the loader's JSON, or NULL for facts from the path alone */
    struct authz_target target;  /* what authz was asked about */
    union {
        struct group_facts group;     /* facts_group */
        struct session_facts session; /* facts_session */
        struct signup_facts signup;   /* facts_signup */
        struct pairing_facts pairing; /* facts_pairing */
        struct support_request_facts support_request; /* facts_support_request */
        struct supporter_facts supporter; /* facts_supporter */
    } u;
};

/* A loader: sql runs with $1 the route's first path parameter and, when
 * nparams is 2, $2 the viewer's person id (NULL when anonymous). No row or
 * a NULL value is 404. read fills f->u and f->target from f->loaded;
 * -1 when the JSON is not of its shape (404). */
struct facts_loader {
    const char *name;
    const char *sql;
    int nparams;
    int (*read)(struct facts *f);
};

/* api_group_facts($1 group, $2 viewer): the group as group_json (struct group_facts). */
extern const struct facts_loader facts_group;
/* api_session_facts($1 session, $2 viewer): struct session_facts. */
extern const struct facts_loader facts_session;
/* api_signup_facts($1 signup): struct signup_facts. */
extern const struct facts_loader facts_signup;

/* api_pairing_facts($1 pairing): struct pairing_facts. */
extern const struct facts_loader facts_pairing;
/* api_support_request_facts($1 request): struct support_request_facts. */
extern const struct facts_loader facts_support_request;
/* api_supporter_facts($1 supporter): struct supporter_facts. */
extern const struct facts_loader facts_supporter;

/* Read the "_facts" of a group object (group_json) into g; -1 when it has none. */
int facts_read_group(json_t *group, struct group_facts *g) __attribute__((warn_unused_result));
/* The authz target of a group (t borrows from g, which must stay put). */
void facts_group_target(const struct group_facts *g, struct authz_target *t);
/* Free f and what it holds (NULL is fine). */
void facts_free(struct facts *f);

#endif
