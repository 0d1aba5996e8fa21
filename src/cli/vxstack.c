/* vxstack.c: main() of the vxstack command-line program: global options,
 * the verbs, and how replies are printed.  See cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/rundir.h"
#include "lib/util.h"

void
cli_usage_error(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("vxstack: ", stderr);
    vfprintf(stderr, format, args);
    va_end(args);
    fputs("\nTry 'vxstack --help' for more information.\n", stderr);
    exit(2);
}

int
cli_connection_error(const struct cli_ctx *ctx, int error)
{
    if (error == EPROTO) {
        fprintf(stderr, "vxstack: %s: malformed reply from vxstackd\n",
                ctx->ctl_path);
    } else {
        fprintf(stderr, "vxstack: cannot connect to vxstackd at %s (%s); "
                "is it running?  Choose the node with --rundir DIR or "
                "VXSTACK_RUNDIR.\n", ctx->ctl_path, vx_strerror(error));
    }
    return 1;
}

int
cli_call_stream(const struct cli_ctx *ctx, int argc, const char *argv[],
                int out_fd)
{
    struct ds reply = DS_EMPTY_INITIALIZER;
    int status;
    int error = ctl_client_call(ctx->ctl_path, argc, argv, out_fd, &status,
                                &reply);

    if (error) {
        ds_destroy(&reply);
        return cli_connection_error(ctx, error);
    }
    if (!status) {
        fwrite(reply.string ? reply.string : "", 1, reply.length, stdout);
    } else {
        if (reply.length) {
            ds_chomp(&reply, '\n');
            fprintf(stderr, "vxstack: %s\n", ds_cstr(&reply));
        }
        status = status > 0 && status < 256 ? status : 1;
    }
    ds_destroy(&reply);
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "vxstack: error writing output (%s)\n",
                strerror(errno));
        return 1;
    }
    return status;
}

int
cli_call(const struct cli_ctx *ctx, int argc, const char *argv[])
{
    return cli_call_stream(ctx, argc, argv, STDOUT_FILENO);
}

static void
usage(void)
{
    printf("\
vxstack: the vxstack command-line tool\n\
usage: vxstack [--rundir DIR] COMMAND [ARG...]\n\
\n\
Switch commands (sent to the vxstackd of the run directory):\n\
  vsctl [OPTIONS] CMD [ARG...] [-- CMD [ARG...]]...\n\
                        configure bridges, ports and interfaces, as\n\
                        ovs-vsctl (`vxstack vsctl --help` lists commands)\n\
  ofctl [OPTIONS] CMD BRIDGE [ARG...]\n\
                        OpenFlow tables, as ovs-ofctl (add-flow, add-flows\n\
                        BRIDGE FILE|-, del-flows, mod-flows, dump-flows,\n\
                        show, dump-ports); options --strict, --no-stats,\n\
                        --names, --no-names, --sort[=FIELD],\n\
                        --rsort[=FIELD], -O PROTOCOLS\n\
  dpctl [OPTIONS] CMD [ARG...]\n\
                        the datapath, as ovs-dpctl (show, dump-flows...)\n\
  appctl CMD [ARG...]   any control command, as ovs-appctl\n\
                        (`vxstack appctl list-commands`)\n\
  capture -i PORT [-w FILE|-] [-c COUNT]\n\
                        the packets seen on PORT, one line each, or as a\n\
                        pcap file with -w (`-w - | tcpdump -r -`)\n\
\n\
Options:\n\
  --rundir DIR          talk to the vxstackd whose run directory is DIR\n\
                        (default: $VXSTACK_RUNDIR, else /run/vxstack as\n\
                        root, else $XDG_RUNTIME_DIR/vxstack or\n\
                        /tmp/vxstack-$UID)\n\
  -h, --help            display this help message\n\
  -V, --version         display version information\n");
}

/* A verb and what runs it. */
struct verb {
    const char *name;       /* As typed. */
    int (*run)(const struct cli_ctx *, int argc, char *argv[]);
};

static const struct verb verbs[] = {
    { "vsctl", cli_vsctl },
    { "ofctl", cli_ofctl },
    { "dpctl", cli_dpctl },
    { "appctl", cli_appctl },
    { "capture", cli_capture },
};

int
main(int argc, char *argv[])
{
    const char *rundir_option = NULL;
    struct cli_ctx ctx;
    int i, status;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *arg = argv[i];

        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage();
            return 0;
        } else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
            printf("vxstack (vxstack) %s\n", VXSTACK_VERSION);
            return 0;
        } else if (!strcmp(arg, "--rundir")) {
            if (i + 1 >= argc) {
                cli_usage_error("option '--rundir' requires an argument");
            }
            rundir_option = argv[++i];
        } else if (str_has_prefix(arg, "--rundir=")) {
            rundir_option = arg + strlen("--rundir=");
        } else {
            cli_usage_error("unrecognized option '%s'", arg);
        }
        if (!rundir_option[0]) {
            cli_usage_error("--rundir requires a directory name");
        }
    }
    if (i >= argc) {
        cli_usage_error("missing command name");
    }

    ctx.rundir = rundir_resolve(rundir_option);
    ctx.ctl_path = rundir_file(ctx.rundir, "vxstackd.ctl");
    for (size_t v = 0; v < ARRAY_SIZE(verbs); v++) {
        if (!strcmp(verbs[v].name, argv[i])) {
            status = verbs[v].run(&ctx, argc - i, argv + i);
            free(ctx.rundir);
            free(ctx.ctl_path);
            return status;
        }
    }
    cli_usage_error("unknown command '%s'", argv[i]);
}
