/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the settings file (config.c): the input is the text
 * of a config file. Whatever it holds, the settings are either refused with
 * a cause or applied within their bounds, with the listen address split
 * into a terminated host that fits its buffer and a port. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    char *cause = NULL;
    char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    config_defaults(&cfg);
    if (config_apply_text(&cfg, text, &cause) != 0) {
        check(cause != NULL && cause[0] != '\0');
        free(cause);
    } else {
        check(cause == NULL);
        check(memchr(cfg.listen_host, '\0', sizeof(cfg.listen_host)) != NULL);
        check(cfg.listen_port >= 1 && cfg.listen_port <= 65535);
        check(cfg.listen != NULL && cfg.database_url != NULL && cfg.log_level != NULL);
        check(cfg.workers >= 1 && cfg.db_pool_size >= 1 && cfg.http_timeout_s >= 1);
    }
    config_free(&cfg);
    free(text);
    return 0;
}
