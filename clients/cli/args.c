/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line parsing against a table of options (args.h). */
#include "args.h"

#include "buf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct arg_spec args_global[] = {
    { "json", ARG_FLAG, NULL, "print the API's JSON as it is" },
    { "help", ARG_FLAG, NULL, "show this command's usage" },
    { "server", ARG_VALUE, "URL",
        "the Piiri server (default: PIIRI_SERVER, then the signed-in one)" },
    { NULL, 0, NULL, NULL },
};

static int find(const struct args *a, const char *name, size_t len)
{
    for (int i = 0; i < a->nspecs; i++)
        if (strlen(a->specs[i]->name) == len && strncmp(a->specs[i]->name, name, len) == 0)
            return i;
    return -1;
}

static void add_specs(struct args *a, const struct arg_spec *specs)
{
    for (; specs && specs->name; specs++)
        if (a->nspecs < ARGS_MAX_OPTS && find(a, specs->name, strlen(specs->name)) < 0)
            a->specs[a->nspecs++] = specs;
}

static int is_option(const char *w)
{
    return w[0] == '-' && w[1] == '-' && w[2] != '\0';
}

static void list_add(struct arg_value *v, const char *w)
{
    v->list = xrealloc(v->list, sizeof *v->list * (size_t)(v->nlist + 1));
    v->list[v->nlist++] = w;
}

/* One option at argv[*i]; moves *i past what it used. */
static int parse_option(struct args *a, int argc, char **argv, int *i, char **cause)
{
    const char *w = argv[*i] + 2, *eq = strchr(w, '=');
    size_t len = eq ? (size_t)(eq - w) : strlen(w);
    int k = find(a, w, len);
    if (k < 0) {
        *cause = xasprintf("unknown option --%.*s", (int)len, w);
        return -1;
    }
    const struct arg_spec *s = a->specs[k];
    struct arg_value *v = &a->values[k];
    v->set = 1;
    if (s->kind == ARG_FLAG) {
        if (eq) {
            *cause = xasprintf("--%s takes no value", s->name);
            return -1;
        }
        (*i)++;
        return 0;
    }
    if (s->kind == ARG_VALUE) {
        if (eq)
            v->value = eq + 1;
        else if (*i + 1 < argc)
            v->value = argv[++*i];
        else {
            *cause = xasprintf("--%s needs a value (%s)", s->name, s->metavar);
            return -1;
        }
        (*i)++;
        return 0;
    }
    if (eq)
        list_add(v, eq + 1);
    for ((*i)++; *i < argc && !is_option(argv[*i]) && strcmp(argv[*i], "--") != 0; (*i)++)
        list_add(v, argv[*i]);
    if (v->nlist == 0) {
        *cause = xasprintf("--%s needs at least one %s", s->name, s->metavar);
        return -1;
    }
    return 0;
}

int args_parse(struct args *a, const struct arg_spec *specs, int argc, char **argv, char **cause)
{
    memset(a, 0, sizeof *a);
    add_specs(a, specs);
    add_specs(a, args_global);
    int i = 0, only_pos = 0;
    while (i < argc) {
        if (!only_pos && strcmp(argv[i], "--") == 0) {
            only_pos = 1;
            i++;
        } else if (!only_pos && is_option(argv[i])) {
            if (parse_option(a, argc, argv, &i, cause) < 0)
                return -1;
        } else if (a->npos == ARGS_MAX_POS) {
            *cause = xasprintf("too many arguments");
            return -1;
        } else {
            a->pos[a->npos++] = argv[i++];
        }
    }
    return 0;
}

void args_free(struct args *a)
{
    for (int i = 0; i < a->nspecs; i++)
        free(a->values[i].list);
    memset(a, 0, sizeof *a);
}

int args_flag(const struct args *a, const char *name)
{
    int k = find(a, name, strlen(name));
    return k >= 0 && a->values[k].set;
}

const char *args_value(const struct args *a, const char *name)
{
    int k = find(a, name, strlen(name));
    return k >= 0 ? a->values[k].value : NULL;
}

const char *const *args_list(const struct args *a, const char *name, int *n)
{
    int k = find(a, name, strlen(name));
    *n = k >= 0 ? a->values[k].nlist : 0;
    return k >= 0 ? a->values[k].list : NULL;
}

int args_int(const char *s, long min, long max, long *out, char **cause)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        *cause = xasprintf("'%s' is not a whole number from %ld to %ld", s, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int args_number(const char *s, double min, double max, double *out, char **cause)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < min || v > max) {
        *cause = xasprintf("'%s' is not a number from %g to %g", s, min, max);
        return -1;
    }
    *out = v;
    return 0;
}
