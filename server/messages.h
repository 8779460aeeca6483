/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON API's error messages in the language the client asks for
 * (Accept-Language: fi, sv or en; English when it names none of them, so
 * that a client that asks nothing gets what it always got). Only the
 * "message" of an error is translated: codes and fields never change,
 * and a message without a translation stays in English. */
#ifndef PIIRI_MESSAGES_H
#define PIIRI_MESSAGES_H

enum messages_lang { MESSAGES_EN, MESSAGES_FI, MESSAGES_SV };

/* The supported language the header prefers most (its q values, then its
 * order); MESSAGES_EN for NULL or none. */
enum messages_lang messages_lang(const char *accept_language);
/* The error's message in lang: the translation of this code's sentence
 * english (static), or english itself (borrowed). */
const char *messages_sentence(enum messages_lang lang, const char *code, const char *english);
/* A validation phrase ("is required") in lang, or english itself. */
const char *messages_phrase(enum messages_lang lang, const char *english);

#endif
