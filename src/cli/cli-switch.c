/* cli-switch.c: the switch verbs of vxstack (vsctl, ofctl, dpctl,
 * appctl), each mapped onto one control request.  See cli.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/util.h"

/* A growing argument vector for a request. */
struct args {
    const char **argv;          /* Arguments. */
    size_t n;                   /* Number of arguments. */
    size_t allocated;           /* Allocated elements. */
    char **owned;               /* Strings to free with the vector. */
    size_t n_owned;             /* Number of owned strings. */
    size_t allocated_owned;     /* Allocated elements of 'owned'. */
};

static void
args_add(struct args *args, const char *s)
{
    if (args->n >= args->allocated) {
        args->argv = x2nrealloc(args->argv, &args->allocated,
                                sizeof *args->argv);
    }
    args->argv[args->n++] = s;
}

/* Adds S, which the vector frees. */
static void
args_add_owned(struct args *args, char *s)
{
    if (args->n_owned >= args->allocated_owned) {
        args->owned = x2nrealloc(args->owned, &args->allocated_owned,
                                 sizeof *args->owned);
    }
    args->owned[args->n_owned++] = s;
    args_add(args, s);
}

static void
args_destroy(struct args *args)
{
    for (size_t i = 0; i < args->n_owned; i++) {
        free(args->owned[i]);
    }
    free(args->owned);
    free(args->argv);
}

static int
call_args(const struct cli_ctx *ctx, struct args *args)
{
    int status = cli_call(ctx, (int) args->n, args->argv);

    args_destroy(args);
    return status;
}

int
cli_vsctl(const struct cli_ctx *ctx, int argc, char *argv[])
{
    /* The daemon parses the whole vsctl command line: forward it as is. */
    argv[0] = (char *) "vsctl";
    return cli_call(ctx, argc, (const char **) argv);
}

/* ofctl. */

static void
ofctl_usage(void)
{
    printf("\
usage: vxstack ofctl [OPTIONS] COMMAND BRIDGE [ARG...]\n\
\n\
Commands (as ovs-ofctl): show BRIDGE, dump-flows BRIDGE [FLOW],\n\
add-flow BRIDGE FLOW, add-flows BRIDGE FILE (- for standard input),\n\
mod-flows BRIDGE FLOW, del-flows BRIDGE [FLOW], dump-ports BRIDGE.\n\
\n\
Options:\n\
  --strict              use strict matching for del-flows and mod-flows\n\
  --no-stats            leave out flow statistics in dump-flows\n\
  --names, --no-names   show port names (default when output is a\n\
                        terminal) or numbers\n\
  --sort[=FIELD]        sort dump-flows output by FIELD (or priority)\n\
  --rsort[=FIELD]       the same, in descending order\n\
  -O, --protocols=LIST  OpenFlow versions to use\n");
}

/* Returns true if ARG is an ofctl option forwarded as is. */
static bool
is_ofctl_option(const char *arg)
{
    static const char *const plain[] = {
        "--strict", "--no-stats", "--names", "--no-names", "--sort",
        "--rsort",
    };

    for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
        if (!strcmp(arg, plain[i])) {
            return true;
        }
    }
    return (str_has_prefix(arg, "--sort=") || str_has_prefix(arg, "--rsort=")
            || str_has_prefix(arg, "--protocols="));
}

/* Reads all of FILE ("-" for standard input) into a new string.  Returns
 * NULL after printing an error.  A file must fit in one control request
 * (CTL_MAX_REQUEST bytes, about two million flows). */
static char *
read_flow_file(const char *file)
{
    struct ds contents = DS_EMPTY_INITIALIZER;
    FILE *stream = strcmp(file, "-") ? fopen(file, "r") : stdin;
    char buf[65536];
    struct stat st;
    size_t n;

    if (!stream) {
        fprintf(stderr, "vxstack: %s: open failed (%s)\n", file,
                strerror(errno));
        return NULL;
    }
    /* A regular file's size is known at once; a pipe's once it is read. */
    if (!fstat(fileno(stream), &st) && S_ISREG(st.st_mode)
        && (uint64_t) st.st_size > CTL_MAX_REQUEST) {
        goto too_large;
    }
    while ((n = fread(buf, 1, sizeof buf, stream)) > 0) {
        if (contents.length + n > CTL_MAX_REQUEST) {
            goto too_large;
        }
        ds_put_buffer(&contents, buf, n);
    }
    if (ferror(stream)) {
        fprintf(stderr, "vxstack: %s: read failed (%s)\n", file,
                strerror(errno));
        goto error;
    }
    if (stream != stdin) {
        fclose(stream);
    }
    return contents.string ? ds_steal_cstr(&contents) : xstrdup("");

too_large:
    fprintf(stderr, "vxstack: %s: file too large (more than %s, the most "
            "one request can carry; split it into several files)\n", file,
            CTL_MAX_REQUEST_TEXT);
error:
    ds_destroy(&contents);
    if (stream != stdin) {
        fclose(stream);
    }
    return NULL;
}

/* Returns true if ofctl command CMD takes a file of flows as its second
 * argument. */
static bool
takes_flow_file(const char *cmd)
{
    return !strcmp(cmd, "add-flows") || !strcmp(cmd, "replace-flows");
}

int
cli_ofctl(const struct cli_ctx *ctx, int argc, char *argv[])
{
    struct args options = { 0 }, positional = { 0 };
    struct args request = { 0 };
    bool no_more_options = false;
    bool names_given = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (no_more_options || arg[0] != '-' || !strcmp(arg, "-")) {
            args_add(&positional, arg);
        } else if (!strcmp(arg, "--")) {
            no_more_options = true;
        } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            ofctl_usage();
            args_destroy(&options);
            args_destroy(&positional);
            return 0;
        } else if (!strcmp(arg, "-O") || !strcmp(arg, "--protocols")) {
            if (i + 1 >= argc) {
                cli_usage_error("ofctl: option '%s' requires an argument",
                                arg);
            }
            args_add_owned(&options, xasprintf("--protocols=%s", argv[++i]));
        } else if (str_has_prefix(arg, "-O")) {
            args_add_owned(&options, xasprintf("--protocols=%s", arg + 2));
        } else if (is_ofctl_option(arg)) {
            names_given |= (!strcmp(arg, "--names")
                            || !strcmp(arg, "--no-names"));
            args_add(&options, arg);
        } else {
            cli_usage_error("ofctl: unrecognized option '%s'", arg);
        }
    }
    if (!positional.n) {
        cli_usage_error("ofctl: missing command name");
    }
    if (!names_given && isatty(STDOUT_FILENO)) {
        args_add(&options, "--names");
    }

    const char *cmd = positional.argv[0];
    if (takes_flow_file(cmd) && positional.n > 3) {
        /* As ovs-ofctl; checked here because the file's name is sent
         * after its contents. */
        fprintf(stderr, "vxstack: '%s' command takes at most 2 arguments\n",
                cmd);
        args_destroy(&options);
        args_destroy(&positional);
        return 1;
    }
    args_add_owned(&request, xasprintf("ofctl/%s", cmd));
    for (size_t i = 0; i < options.n; i++) {
        args_add(&request, options.argv[i]);
    }
    for (size_t i = 1; i < positional.n; i++) {
        if (i == 2 && takes_flow_file(cmd)) {
            char *contents = read_flow_file(positional.argv[i]);

            if (!contents) {
                args_destroy(&options);
                args_destroy(&positional);
                args_destroy(&request);
                return 1;
            }
            /* The contents, then the name for error messages. */
            args_add_owned(&request, contents);
            args_add(&request, positional.argv[i]);
        } else {
            args_add(&request, positional.argv[i]);
        }
    }
    args_destroy(&positional);
    int status = call_args(ctx, &request);
    args_destroy(&options);
    return status;
}

/* dpctl. */

int
cli_dpctl(const struct cli_ctx *ctx, int argc, char *argv[])
{
    static const char *const options[] = {
        "-s", "--statistics", "-m", "--more", "--names", "--no-names",
    };
    struct args opts = { 0 }, request = { 0 };
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        bool known = false;

        for (size_t k = 0; k < ARRAY_SIZE(options); k++) {
            known |= !strcmp(argv[i], options[k]);
        }
        if (!known) {
            cli_usage_error("dpctl: unrecognized option '%s'", argv[i]);
        }
        args_add(&opts, argv[i]);
    }
    if (i >= argc) {
        cli_usage_error("dpctl: missing command name");
    }
    args_add_owned(&request, xasprintf("dpctl/%s", argv[i]));
    for (size_t k = 0; k < opts.n; k++) {
        args_add(&request, opts.argv[k]);
    }
    for (i++; i < argc; i++) {
        args_add(&request, argv[i]);
    }
    args_destroy(&opts);
    return call_args(ctx, &request);
}

/* appctl. */

int
cli_appctl(const struct cli_ctx *ctx, int argc, char *argv[])
{
    if (argc < 2) {
        cli_usage_error("appctl: missing command name (use `vxstack appctl "
                        "list-commands` to list them)");
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        printf("usage: vxstack appctl COMMAND [ARG...]\n"
               "Sends COMMAND to vxstackd; `vxstack appctl list-commands` "
               "lists them.\n");
        return 0;
    }
    return cli_call(ctx, argc - 1, (const char **) argv + 1);
}
