/* SPDX-License-Identifier: Apache-2.0 */
/* The facts loaders and their readers: one reader per shape the SQL
 * produces, and nothing else in C reads those keys. */
#include "facts.h"

#include <stdlib.h>
#include <string.h>

int facts_read_group(json_t *group, struct group_facts *g)
{
    json_t *facts = json_object_get(group, "_facts");
    json_t *leaders = json_object_get(facts, "leaders");
    memset(g, 0, sizeof(*g));
    if (!json_is_object(facts))
        return -1;
    g->org_slug = json_string_value(json_object_get(facts, "org"));
    g->closed = strcmp(json_string_value(json_object_get(facts, "access")) ?: "", "open") != 0;
    g->participant = json_is_true(json_object_get(facts, "participant"));
    for (size_t i = 0; i < json_array_size(leaders) && i < GROUP_MAX_LEADERS; i++) {
        const char *id = json_string_value(json_array_get(leaders, i));
        if (id != NULL)
            g->leaders[g->nleaders++] = id;
    }
    return 0;
}

void facts_group_target(const struct group_facts *g, struct authz_target *t)
{
    memset(t, 0, sizeof(*t));
    t->org_slug = g->org_slug;
    t->leaders = g->leaders;
    t->nleaders = g->nleaders;
    t->closed = g->closed;
    t->participant = g->participant;
}

static int read_group(struct facts *f)
{
    if (facts_read_group(f->loaded, &f->u.group) != 0)
        return -1;
    facts_group_target(&f->u.group, &f->target);
    return 0;
}

static int read_session(struct facts *f)
{
    struct session_facts *s = &f->u.session;
    s->group_id = json_string_value(json_object_get(json_object_get(f->loaded, "session"), "group_id"));
    if (s->group_id == NULL || facts_read_group(json_object_get(f->loaded, "group"), &s->group) != 0)
        return -1;
    facts_group_target(&s->group, &f->target);
    return 0;
}

static int read_signup(struct facts *f)
{
    struct signup_facts *s = &f->u.signup;
    s->owner_id = json_string_value(json_object_get(f->loaded, "owner"));
    s->status = json_string_value(json_object_get(f->loaded, "status"));
    if (facts_read_group(json_object_get(f->loaded, "group"), &s->group) != 0)
        return -1;
    facts_group_target(&s->group, &f->target);
    f->target.owner_id = s->owner_id;
    return 0;
}

/* ---- the matching module ---- */

static const char *text_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool true_of(json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

static int read_pairing(struct facts *f)
{
    struct pairing_facts *p = &f->u.pairing;
    json_t *j = f->loaded;
    *p = (struct pairing_facts) { text_of(j, "org"), text_of(j, "supporter"), text_of(j, "requester"),
        true_of(j, "active"), true_of(j, "accepted") };
    if (p->org_slug == NULL)
        return -1;
    f->target = (struct authz_target) { .org_slug = p->org_slug, .requester_id = p->requester_id,
        .supporter_id = p->supporter_id, .pairing_active = p->active, .pairing_accepted = p->accepted };
    return 0;
}

static int read_support_request(struct facts *f)
{
    struct support_request_facts *q = &f->u.support_request;
    json_t *j = f->loaded;
    *q = (struct support_request_facts) { text_of(j, "org"), text_of(j, "requester"), text_of(j, "supporter"),
        true_of(j, "active") };
    if (q->org_slug == NULL)
        return -1;
    f->target = (struct authz_target) { .org_slug = q->org_slug, .requester_id = q->requester_id,
        .supporter_id = q->supporter_id, .pairing_active = q->active };
    return 0;
}

static int read_supporter(struct facts *f)
{
    struct supporter_facts *s = &f->u.supporter;
    json_t *j = f->loaded;
    *s = (struct supporter_facts) { text_of(j, "org"), text_of(j, "supporter"), true_of(j, "listed") };
    if (s->org_slug == NULL)
        return -1;
    f->target = (struct authz_target) { .org_slug = s->org_slug, .supporter_id = s->person_id };
    return 0;
}

const struct facts_loader facts_group = { "group", "SELECT api_group_facts($1, $2)", 2, read_group };
const struct facts_loader facts_session = { "session", "SELECT api_session_facts($1, $2)", 2, read_session };
const struct facts_loader facts_signup = { "signup", "SELECT api_signup_facts($1)", 1, read_signup };
const struct facts_loader facts_pairing = { "pairing", "SELECT api_pairing_facts($1)", 1, read_pairing };
const struct facts_loader facts_support_request = { "support_request", "SELECT api_support_request_facts($1)", 1,
    read_support_request };
const struct facts_loader facts_supporter = { "supporter", "SELECT api_supporter_facts($1)", 1, read_supporter };

void facts_free(struct facts *f)
{
    if (f == NULL)
        return;
    json_decref(f->loaded);
    free(f);
}
