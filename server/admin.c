/* SPDX-License-Identifier: Apache-2.0 */
/* "piirid create-admin EMAIL": make a site admin from the command line, with
 * the password read from stdin (never from argv, which others can see). */
#include "admin.h"

#include "email.h"
#include "log.h"
#include "migrate.h"
#include "util.h"
#include "validate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_upsert_admin[] =
    "INSERT INTO persons (email, email_key, display_name, password_hash, is_admin) VALUES ($1, $2, $3, $4, true)"
    " ON CONFLICT (email_key) WHERE email_key IS NOT NULL"
    " DO UPDATE SET is_admin = true, password_hash = excluded.password_hash"
    " RETURNING id, (xmax = 0) AS created";

static int read_password(char *buf, size_t len, char **cause)
{
    if (fgets(buf, (int)len, stdin) == NULL) {
        *cause = xstrdup("no password on stdin");
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    if (utf8_chars(buf) < 8) {
        *cause = xstrdup("the password must have at least 8 characters");
        return -1;
    }
    return 0;
}

int admin_create(const char *url, const char *email, char **cause)
{
    char password[1100], hash[crypto_pwhash_STRBYTES], name[65]; /* a local part has at most 64 bytes */
    char *stored = NULL, *key = NULL;
    const char *why;
    int rc = -1;

    if (email_identity(email, &stored, &key, &why) != 0) {
        *cause = xasprintf("the email address %s", why);
        return -1;
    }
    if (read_password(password, sizeof(password), cause) != 0)
        goto out;
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        *cause = xstrdup("cannot hash the password (out of memory?)");
        goto out;
    }
    PGconn *conn = migrate_connect(url, 10, cause);
    if (conn == NULL)
        goto out;
    if (migrate_apply(conn, cause) < 0) {
        PQfinish(conn);
        goto out;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(strchr(stored, '@') - stored), stored);
    const char *params[] = { stored, key, name, hash };
    PGresult *res = PQexecParams(conn, sql_upsert_admin, 4, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        printf("%s site admin %s\n", PQgetvalue(res, 0, 1)[0] == 't' ? "created" : "promoted",
            PQgetvalue(res, 0, 0));
        rc = 0;
    } else
        *cause = xasprintf("cannot save the admin: sqlstate %s", PQresultErrorField(res, PG_DIAG_SQLSTATE));
    PQclear(res);
    PQfinish(conn);
out:
    sodium_memzero(password, sizeof(password));
    free(stored);
    free(key);
    return rc;
}
