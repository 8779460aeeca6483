/* SPDX-License-Identifier: Apache-2.0 */
/* Email identity on libunistring: the form an address is stored in
 * (Unicode NFC) and the key that makes two spellings of it one account (the
 * full Unicode case folding, in NFC), so that "äiti@", "ÄITI@" and a
 * decomposed "äiti@" are the same person. Pure code: no libevent, no libpq. */
#ifndef PIIRI_EMAIL_H
#define PIIRI_EMAIL_H

/* For a new account: refuses characters that cannot be seen or typed back
 * (default-ignorable ones such as U+200B, U+00AD, U+FEFF; controls, format
 * and private-use characters, unassigned code points, any space) and what
 * valid_email refuses. On success *stored (NFC) and *key (folded) are new
 * strings; on failure -1 and *why, a static phrase for the 422. */
int email_identity(const char *in, char **stored, char **key, const char **why)
    __attribute__((warn_unused_result));
/* The key of an address as typed at login: folded, nothing refused, so an
 * account made before the rules still signs in. New string. */
char *email_key(const char *in);

#endif
