/* SPDX-License-Identifier: Apache-2.0 */
/* The credentials file: "key = value" lines, written to a temporary file of
 * mode 0600 and renamed, so that it is never readable by others, not even
 * half-written. */
#include "credentials.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *config_dir(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg != NULL && xdg[0] == '/')
        return xasprintf("%s/piiri", xdg);
    if (home != NULL && *home != '\0')
        return xasprintf("%s/.config/piiri", home);
    return NULL;
}

char *credentials_path(void)
{
    char *dir = config_dir();
    if (dir == NULL)
        return NULL;
    char *path = xasprintf("%s/credentials", dir);
    free(dir);
    return path;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* The field a key names, or NULL for a key this version does not know. */
static char **field_of(struct credentials *c, const char *key)
{
    if (strcmp(key, "server") == 0)
        return &c->server;
    if (strcmp(key, "email") == 0)
        return &c->email;
    if (strcmp(key, "token") == 0)
        return &c->token;
    if (strcmp(key, "device_token") == 0)
        return &c->device_token;
    return NULL;
}

static void parse_line(struct credentials *c, char *line)
{
    char *eq = strchr(line, '=');
    if (line[0] == '#' || eq == NULL)
        return;
    *eq = '\0';
    char **field = field_of(c, trim(line));
    const char *value = trim(eq + 1);
    if (field == NULL || *value == '\0')
        return;
    free(*field);
    *field = xstrdup(value);
}

int credentials_load(struct credentials *c, char **cause)
{
    memset(c, 0, sizeof *c);
    char *path = credentials_path();
    if (path == NULL)
        return 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        int missing = errno == ENOENT;
        if (!missing)
            *cause = xasprintf("cannot read %s: %s", path, strerror(errno));
        free(path);
        return missing ? 0 : -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0)
        parse_line(c, line);
    free(line);
    fclose(f);
    free(path);
    return 0;
}

static int make_dirs(const char *dir, char **cause)
{
    char *copy = xstrdup(dir);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void)mkdir(copy, 0700);
        *p = '/';
    }
    free(copy);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        *cause = xasprintf("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static void put(struct buf *b, const char *key, const char *value)
{
    if (value != NULL)
        buf_addf(b, "%s = %s\n", key, value);
}

static int write_all(int fd, const struct buf *b)
{
    size_t off = 0;
    while (off < b->len) {
        ssize_t n = write(fd, b->data + off, b->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

int credentials_save(const struct credentials *c, char **cause)
{
    char *dir = config_dir();
    if (dir == NULL) {
        *cause = xasprintf("neither XDG_CONFIG_HOME nor HOME is set");
        return -1;
    }
    int rc = -1;
    char *path = xasprintf("%s/credentials", dir),
         *tmp = xasprintf("%s/.credentials.%ld", dir, (long)getpid());
    struct buf b = BUF_INIT;
    buf_adds(&b, "# piiri's sign-in: keep this file to yourself (mode 0600)\n");
    put(&b, "server", c->server);
    put(&b, "email", c->email);
    put(&b, "token", c->token);
    put(&b, "device_token", c->device_token);
    if (make_dirs(dir, cause) < 0)
        goto out;
    (void)unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) < 0 || write_all(fd, &b) < 0 || fsync(fd) < 0) {
        *cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        (void)unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        *cause = xasprintf("cannot write %s: %s", path, strerror(errno));
        (void)unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    buf_free(&b);
    free(tmp);
    free(path);
    free(dir);
    return rc;
}

void credentials_free(struct credentials *c)
{
    free(c->server);
    free(c->email);
    free(c->token);
    free(c->device_token);
    memset(c, 0, sizeof *c);
}
