/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line administration (runs outside the event loop). */
#ifndef PIIRI_ADMIN_H
#define PIIRI_ADMIN_H

/* Create or promote a site admin; the password comes from stdin. */
int admin_create(const char *url, const char *email, char **cause) __attribute__((warn_unused_result));

#endif
