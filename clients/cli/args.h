/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line parsing: a command's options as a table (flag, one value, or
 * a list of values), positional arguments, and the options every command has. */
#ifndef PIIRI_CLI_ARGS_H
#define PIIRI_CLI_ARGS_H

enum arg_kind {
    ARG_FLAG,  /* --json */
    ARG_VALUE, /* --from DATE or --from=DATE; given twice, the last wins */
    ARG_LIST,  /* --present ID ID ...: every word up to the next option */
};

struct arg_spec {
    const char *name; /* without the leading "--" */
    enum arg_kind kind;
    const char *metavar; /* for the usage line: "DATE" */
    const char *help;
};

#define ARGS_MAX_POS  8
#define ARGS_MAX_OPTS 24

struct arg_value {
    int set;
    const char *value; /* ARG_VALUE: borrowed from argv */
    const char **list; /* ARG_LIST: new array of borrowed strings */
    int nlist;
};

struct args {
    const struct arg_spec *specs[ARGS_MAX_OPTS]; /* the command's, then the global ones */
    struct arg_value values[ARGS_MAX_OPTS];
    int nspecs;
    const char *pos[ARGS_MAX_POS]; /* borrowed from argv */
    int npos;
};

/* The options every command takes: --json, --help, --server URL. */
extern const struct arg_spec args_global[];

/* Parses ARGV (the words after the command's name) against SPECS (ended by a
 * {NULL} entry) and args_global. Returns 0, or -1 with *cause (new) saying
 * what is wrong; "--" ends the options. */
int args_parse(struct args *a, const struct arg_spec *specs, int argc, char **argv, char **cause)
    __attribute__((warn_unused_result));
void args_free(struct args *a);

int args_flag(const struct args *a, const char *name);
/* The value of --NAME, or NULL when it was not given (borrowed). */
const char *args_value(const struct args *a, const char *name);
/* The words of --NAME; *n is 0 when it was not given (borrowed). */
const char *const *args_list(const struct args *a, const char *name, int *n);

/* Whole number in [min, max]; 0, or -1 with *cause (new). */
int args_int(const char *s, long min, long max, long *out, char **cause)
    __attribute__((warn_unused_result));
/* A number in [min, max] (hours: "1.5"); 0, or -1 with *cause (new). */
int args_number(const char *s, double min, double max, double *out, char **cause)
    __attribute__((warn_unused_result));

#endif
