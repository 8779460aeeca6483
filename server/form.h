/* SPDX-License-Identifier: Apache-2.0 */
/* Form bodies (application/x-www-form-urlencoded, what an HTML form sends
 * without JavaScript) as a JSON object of strings, so that page handlers
 * read them as API handlers read JSON. Decoding is libevent's, as for query
 * strings; this module adds the limits and refusals. */
#ifndef PIIRI_FORM_H
#define PIIRI_FORM_H

#include <jansson.h>
#include <stddef.h>

/* The group form alone has about fifty fields and a box per person who may
 * lead, so an org of a couple of hundred leaders and coordinators fits;
 * Jansson's hash is seeded, so many names cost no more than their bytes. */
#define FORM_MAX_FIELDS 256

/* Parse len bytes into a new object {name: value}. -1 with *cause (a
 * static sentence) for: a NUL byte, a field without a name, a name or a
 * value that is not UTF-8 once decoded, a name sent twice, more than
 * FORM_MAX_FIELDS fields. The caller bounds len (HTTP_MAX_BODY). */
int form_parse(const char *data, size_t len, json_t **out, const char **cause)
    __attribute__((warn_unused_result));

#endif
