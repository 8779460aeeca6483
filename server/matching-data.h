/* SPDX-License-Identifier: Apache-2.0 */
/* Matching data as the database hands it over (JSON) turned into
 * matching.c's structs, and candidates and proposals turned back into the
 * JSON the API replies with. Pure: Jansson only. */
#ifndef PIIRI_MATCHING_DATA_H
#define PIIRI_MATCHING_DATA_H

#include "matching.h"

#include <jansson.h>

struct matching_data {
    json_t *root;                          /* owned; every string below is borrowed from it */
    struct matching_request *requests;
    int nrequests;
    struct matching_supporter *supporters;
    int nsupporters;
    const char **pool;                     /* the items of every list */
};

/* Parse {"requests": [...], "supporters": [...]} as api_candidates_data and
 * api_matching_batch_data return it. 0, or -1 (d holds nothing) when the
 * text does not have that shape. */
int matching_data_load(const char *text, struct matching_data *d) __attribute__((warn_unused_result));
void matching_data_free(struct matching_data *d);

/* {"candidates": [{supporter_id, public_name, score, reasons, load, max_active}]}
 * for the first request, best first. New. */
json_t *matching_data_candidates(const struct matching_data *d);
/* {"proposals": [{request_id, supporter_id, public_name, score, reasons}],
 *  "unmatched": [request_id...], "matched", "total_score", "requests",
 *  "supporters"}: the optimal assignment of every request. New; NULL when
 * there are more requests than matching_assign takes. */
json_t *matching_data_proposals(const struct matching_data *d);

#endif
