/* SPDX-License-Identifier: Apache-2.0 */
/* The credentials file, $XDG_CONFIG_HOME/piiri/credentials (~/.config when
 * unset): the server, the sign-in token and the device token, mode 0600. */
#ifndef PIIRI_CLI_CREDENTIALS_H
#define PIIRI_CLI_CREDENTIALS_H

struct credentials {
    char *server; /* each new, or NULL when the file has none */
    char *email;
    char *token;
    char *device_token;
};

/* The file's path (new), or NULL when neither XDG_CONFIG_HOME nor HOME is set. */
char *credentials_path(void);
/* Reads the file; a missing file is empty credentials. 0, or -1 with *cause (new). */
int credentials_load(struct credentials *c, char **cause) __attribute__((warn_unused_result));
/* Writes the file atomically with mode 0600 (its directory 0700). 0, or -1 with *cause (new). */
int credentials_save(const struct credentials *c, char **cause) __attribute__((warn_unused_result));
void credentials_free(struct credentials *c);

#endif
