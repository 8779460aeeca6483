/* SPDX-License-Identifier: Apache-2.0 */
/* Form bodies as JSON objects of strings: libevent decodes (percent escapes
 * and '+' as a space), then every name and value is checked. */
#include "form.h"

#include "log.h"
#include "util.h"
#include "validate.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

/* The decoded pairs into *out; -1 with *cause on the first one refused. */
static int form_fields(const struct evkeyvalq *q, json_t *obj, const char **cause)
{
    const struct evkeyval *kv;
    size_t n = 0;
    TAILQ_FOREACH(kv, q, next) {
        if (++n > FORM_MAX_FIELDS) {
            *cause = "The form has too many fields.";
            return -1;
        }
        if (kv->key[0] == '\0') {
            *cause = "A field of the form has no name.";
            return -1;
        }
        if (!utf8_valid(kv->key, strlen(kv->key)) || !utf8_valid(kv->value, strlen(kv->value))) {
            *cause = "The form is not valid UTF-8.";
            return -1;
        }
        if (json_object_get(obj, kv->key) != NULL) {
            *cause = "A field of the form is sent twice.";
            return -1;
        }
        json_object_set_new(obj, kv->key, json_string(kv->value));
    }
    return 0;
}

int form_parse(const char *data, size_t len, json_t **out, const char **cause)
{
    struct evkeyvalq q;
    *out = NULL;
    if (memchr(data, '\0', len) != NULL) {
        *cause = "The form holds a NUL byte.";
        return -1;
    }
    char *text = xstrndup(data, len);
    TAILQ_INIT(&q);
    int rc = evhttp_parse_query_str(text, &q);
    free(text);
    json_t *obj = json_object();
    if (obj == NULL)
        fatalx("out of memory");
    if (rc != 0) {
        *cause = "The form is not form-encoded.";
        rc = -1;
    } else
        rc = form_fields(&q, obj, cause);
    evhttp_clear_headers(&q);
    if (rc != 0) {
        json_decref(obj);
        return -1;
    }
    *out = obj;
    return 0;
}
