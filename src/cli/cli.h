/*
 * cli.h: the vxstack command-line program's internals.
 *
 * `vxstack` is thin: each switch verb turns its arguments into one control
 * request (lib/ctl.h) to the vxstackd of the chosen run directory and
 * prints the reply, as the Open vSwitch tools do:
 *
 *   vxstack [--rundir DIR] vsctl ARGS...     -> "vsctl" ARGS...
 *   vxstack ofctl [OPTS] CMD ARGS...         -> "ofctl/CMD" OPTS... ARGS...
 *   vxstack dpctl [OPTS] CMD ARGS...         -> "dpctl/CMD" OPTS... ARGS...
 *   vxstack appctl CMD ARGS...               -> CMD ARGS...
 *   vxstack capture -i PORT [-w FILE|-] [-c N]
 *                                            -> "capture" -i PORT [-c N]
 *                                               [--text], a capture
 *                                               stream (cli-capture.c)
 *
 * A successful reply's body goes to standard output; an error reply is
 * printed as "vxstack: MESSAGE" on standard error and the program exits
 * with the reply's status (1, or another value such as 2 from
 * `vsctl br-exists`).  When no daemon answers, the error names the socket
 * and how to choose another node; exit status 1.  Bad command-line usage
 * exits with status 2.
 *
 * Thread safety: single-threaded program.
 */
#ifndef VX_CLI_CLI_H
#define VX_CLI_CLI_H 1

#include "lib/util.h"

/* Where requests go. */
struct cli_ctx {
    char *rundir;               /* The node's run directory. */
    char *ctl_path;             /* Its control socket. */
};

/* Sends ARGV[0..ARGC-1] to the daemon and prints the reply as described
 * above.  Returns the exit status. */
int cli_call(const struct cli_ctx *, int argc, const char *argv[]);

/* Like cli_call(), but a streaming reply is copied to OUT_FD.  Returns the
 * exit status. */
int cli_call_stream(const struct cli_ctx *, int argc, const char *argv[],
                    int out_fd);

/* Prints why the daemon at CTX could not be reached (ERROR is what
 * ctl_client_request() returned) and returns 1. */
int cli_connection_error(const struct cli_ctx *ctx, int error);

/* Prints "vxstack: MESSAGE" and a hint to use --help, and exits 2. */
void cli_usage_error(const char *format, ...) PRINTF_FORMAT(1, 2) NO_RETURN;

/* The switch verbs (cli-switch.c).  ARGV[0] is the verb; each returns the
 * exit status. */
int cli_vsctl(const struct cli_ctx *, int argc, char *argv[]);
int cli_ofctl(const struct cli_ctx *, int argc, char *argv[]);
int cli_dpctl(const struct cli_ctx *, int argc, char *argv[]);
int cli_appctl(const struct cli_ctx *, int argc, char *argv[]);

/* The capture verb (cli-capture.c). */
int cli_capture(const struct cli_ctx *, int argc, char *argv[]);

#endif /* VX_CLI_CLI_H */
