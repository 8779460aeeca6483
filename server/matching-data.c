/* SPDX-License-Identifier: Apache-2.0 */
/* JSON in, structs for matching.c, JSON out. */
#include "matching-data.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Strings of a JSON array (members that are not strings are skipped); the
 * pointers go into the pool at *used. */
static struct matching_list list_of(json_t *array, const char **pool, size_t *used)
{
    struct matching_list l = { pool + *used, 0 };
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item) {
        if (json_is_string(item)) {
            pool[(*used)++] = json_string_value(item);
            l.n++;
        }
    }
    return l;
}

static size_t array_items(json_t *obj, const char *const *keys)
{
    size_t n = 0;
    for (const char *const *k = keys; *k; k++)
        n += json_array_size(json_object_get(obj, *k));
    return n;
}

static const char *const request_lists[] = { "topics", "languages", "contact_modes", "declined", NULL };
static const char *const supporter_lists[] = { "topics", "municipalities", "languages", "contact_modes", NULL };

int matching_data_load(const char *text, struct matching_data *d)
{
    memset(d, 0, sizeof(*d));
    json_t *root = json_loads(text, 0, NULL);
    json_t *reqs = json_object_get(root, "requests"), *sups = json_object_get(root, "supporters"), *v;
    if (!json_is_array(reqs) || !json_is_array(sups)) {
        json_decref(root);
        return -1;
    }
    size_t i, total = 1, used = 0;
    json_array_foreach(reqs, i, v) total += array_items(v, request_lists);
    json_array_foreach(sups, i, v) total += array_items(v, supporter_lists);
    d->root = root;
    d->pool = xcalloc(total, sizeof(char *));
    d->nrequests = (int)json_array_size(reqs);
    d->nsupporters = (int)json_array_size(sups);
    d->requests = xcalloc((size_t)d->nrequests + 1, sizeof(*d->requests));
    d->supporters = xcalloc((size_t)d->nsupporters + 1, sizeof(*d->supporters));
    json_array_foreach(reqs, i, v) {
        struct matching_request *r = &d->requests[i];
        r->id = json_string_value(json_object_get(v, "id"));
        r->person_id = json_string_value(json_object_get(v, "person_id"));
        r->municipality = json_string_value(json_object_get(v, "municipality"));
        r->topics = list_of(json_object_get(v, "topics"), d->pool, &used);
        r->languages = list_of(json_object_get(v, "languages"), d->pool, &used);
        r->modes = list_of(json_object_get(v, "contact_modes"), d->pool, &used);
        r->declined = list_of(json_object_get(v, "declined"), d->pool, &used);
    }
    json_array_foreach(sups, i, v) {
        struct matching_supporter *s = &d->supporters[i];
        const char *status = json_string_value(json_object_get(v, "status"));
        s->id = json_string_value(json_object_get(v, "id"));
        s->person_id = json_string_value(json_object_get(v, "person_id"));
        s->topics = list_of(json_object_get(v, "topics"), d->pool, &used);
        s->municipalities = list_of(json_object_get(v, "municipalities"), d->pool, &used);
        s->languages = list_of(json_object_get(v, "languages"), d->pool, &used);
        s->modes = list_of(json_object_get(v, "contact_modes"), d->pool, &used);
        s->active = status != NULL && strcmp(status, "active") == 0;
        s->load = (int)json_integer_value(json_object_get(v, "load"));
        s->max_active = (int)json_integer_value(json_object_get(v, "max_active"));
    }
    for (int k = 0; k < d->nrequests; k++) {
        if (d->requests[k].id == NULL)
            goto bad;
    }
    for (int k = 0; k < d->nsupporters; k++) {
        if (d->supporters[k].id == NULL)
            goto bad;
    }
    return 0;
bad:
    matching_data_free(d);
    return -1;
}

void matching_data_free(struct matching_data *d)
{
    json_decref(d->root);
    free(d->pool);
    free(d->requests);
    free(d->supporters);
    memset(d, 0, sizeof(*d));
}

static json_t *public_name(const struct matching_data *d, int k)
{
    json_t *s = json_array_get(json_object_get(d->root, "supporters"), (size_t)k);
    json_t *name = json_object_get(s, "public_name");
    return name ? json_incref(name) : json_null();
}

static json_t *reasons_json(const struct matching_request *r, const struct matching_supporter *s, int load)
{
    struct matching_reasons why;
    json_t *out = json_array();
    matching_reasons(r, s, load, &why);
    for (int i = 0; i < why.n; i++)
        json_array_append_new(out, json_string(why.text[i]));
    matching_reasons_free(&why);
    return out;
}

json_t *matching_data_candidates(const struct matching_data *d)
{
    json_t *list = json_array();
    if (d->nrequests > 0) {
        const struct matching_request *r = &d->requests[0];
        struct matching_candidate *c;
        int n = matching_candidates(r, d->supporters, d->nsupporters, &c);
        for (int i = 0; i < n; i++) {
            const struct matching_supporter *s = &d->supporters[c[i].supporter];
            json_array_append_new(list,
                json_pack("{s:s, s:o, s:i, s:o, s:i, s:i}", "supporter_id", s->id, "public_name",
                    public_name(d, c[i].supporter), "score", c[i].score, "reasons", reasons_json(r, s, s->load),
                    "load", s->load, "max_active", s->max_active));
        }
        free(c);
    }
    return json_pack("{s:o}", "candidates", list);
}

json_t *matching_data_proposals(const struct matching_data *d)
{
    struct matching_result res;
    if (matching_assign(d->requests, d->nrequests, d->supporters, d->nsupporters, &res) != 0)
        return NULL;
    json_t *proposals = json_array(), *unmatched = json_array();
    for (int i = 0; i < d->nrequests; i++) {
        const struct matching_request *r = &d->requests[i];
        int k = res.supporter[i];
        if (k < 0) {
            json_array_append_new(unmatched, json_string(r->id));
            continue;
        }
        const struct matching_supporter *s = &d->supporters[k];
        json_array_append_new(proposals,
            json_pack("{s:s, s:s, s:o, s:i, s:o}", "request_id", r->id, "supporter_id", s->id, "public_name",
                public_name(d, k), "score", res.score[i], "reasons", reasons_json(r, s, res.load[i])));
    }
    json_t *out = json_pack("{s:o, s:o, s:i, s:I, s:i, s:i}", "proposals", proposals, "unmatched", unmatched,
        "matched", res.matched, "total_score", (json_int_t)res.total, "requests", d->nrequests, "supporters",
        d->nsupporters);
    matching_result_free(&res);
    return out;
}
