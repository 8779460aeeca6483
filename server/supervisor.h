/* SPDX-License-Identifier: Apache-2.0 */
/* The parent process: forks the workers (and the mail delivery process when
 * mail is on), restarts one that dies, forwards
 * SIGTERM/SIGINT to them and waits until they are all gone. */
#ifndef PIIRI_SUPERVISOR_H
#define PIIRI_SUPERVISOR_H

#include "config.h"

/* Returns the process exit status. db_conninfo is the pool's, listen_conninfo
 * the LISTEN connection's (PostgreSQL itself, also behind a transaction pooler). */
int supervisor_run(const struct config *cfg, const char *db_conninfo, const char *listen_conninfo);

#endif
