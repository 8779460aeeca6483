/* SPDX-License-Identifier: Apache-2.0 */
/* One worker process: an event loop serving HTTP on the shared port. */
#ifndef PIIRI_WORKER_H
#define PIIRI_WORKER_H

#include "config.h"

/* Exit status of a worker that cannot start (bad listen address, port in
 * use): the supervisor stops instead of restarting it. */
#define WORKER_EXIT_CONFIG 78

/* Run worker number slot until shut down; returns the exit status. The
 * caller has blocked SIGTERM/SIGINT/SIGCHLD; the worker unblocks them once
 * its loop handles them. */
int worker_main(const struct config *cfg, const char *db_conninfo, const char *listen_conninfo, int slot);

#endif
