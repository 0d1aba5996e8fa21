/* vxstackd.c: main() of the vxstack daemon: command-line flags, run
 * directory, pid file, database, modules, control socket and the main
 * loop.  See daemon.h and daemon-process.h. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon-process.h"
#include "daemon/daemon.h"
#include "daemon/vsdb.h"
#include "datapath/netdev-linux.h"
#include "datapath/netdev-vxlan.h"
#include "datapath/netdev.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/rundir.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vxstackd);

/* True once log messages go to a file rather than standard error. */
static bool logging_to_file;

/* Command-line settings. */
struct options {
    const char *rundir;         /* --rundir, or NULL for the default. */
    bool detach;                /* --detach. */
    const char *pidfile;        /* --pidfile=FILE, or NULL for default. */
    bool log_file_given;        /* --log-file given (with or without a
                                 * file name). */
    const char *log_file;       /* --log-file=FILE, or NULL for default. */
    const char *role;           /* --role. */
    bool dummy_override;        /* --enable-dummy=override. */
    bool version;               /* -V, --version. */
};

static void
usage(void)
{
    printf("\
vxstackd: the vxstack daemon (virtual switch and, later, cloud services)\n\
usage: vxstackd [OPTIONS]\n\
\n\
Options:\n\
  --rundir=DIR        keep the control socket, pid file, log and state in\n\
                      DIR (default: $VXSTACK_RUNDIR, else /run/vxstack as\n\
                      root, else $XDG_RUNTIME_DIR/vxstack or\n\
                      /tmp/vxstack-$UID)\n\
  --detach            run in the background once ready to serve requests\n\
  --pidfile[=FILE]    pid file, locked while running\n\
                      (default: RUNDIR/vxstackd.pid)\n\
  --log-file[=FILE]   log to FILE (default when detached or without FILE:\n\
                      RUNDIR/vxstackd.log; otherwise standard error)\n\
  --role=ROLE         services to run: all (the default), or switch\n\
                      (the virtual switch only)\n\
  --enable-dummy[=override]\n\
                      with override, tap, internal and vxlan interfaces\n\
                      are software \"dummy\" devices (no kernel devices,\n\
                      no sockets), for tests; netdev-dummy/receive is\n\
                      always available\n\
  -h, --help          display this help message\n\
  -V, --version       display version information\n\
\n\
The control socket is RUNDIR/vxstackd.ctl; use `vxstack --rundir DIR ...`\n\
or VXSTACK_RUNDIR to reach this daemon.\n");
}

/* Prints a usage error and exits with status 2. */
static void NO_RETURN PRINTF_FORMAT(1, 2)
usage_error(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("vxstackd: ", stderr);
    vfprintf(stderr, format, args);
    va_end(args);
    fputs("\nTry 'vxstackd --help' for more information.\n", stderr);
    exit(2);
}

static void
parse_options(int argc, char *argv[], struct options *opts)
{
    enum {
        OPT_RUNDIR = 256,
        OPT_DETACH,
        OPT_PIDFILE,
        OPT_LOG_FILE,
        OPT_ROLE,
        OPT_ENABLE_DUMMY,
    };
    static const struct option long_options[] = {
        { "rundir", required_argument, NULL, OPT_RUNDIR },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "pidfile", optional_argument, NULL, OPT_PIDFILE },
        { "log-file", optional_argument, NULL, OPT_LOG_FILE },
        { "role", required_argument, NULL, OPT_ROLE },
        { "enable-dummy", optional_argument, NULL, OPT_ENABLE_DUMMY },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    memset(opts, 0, sizeof *opts);
    opts->role = "all";
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":hV", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_RUNDIR:
            if (!optarg[0]) {
                usage_error("--rundir requires a directory name");
            }
            opts->rundir = optarg;
            break;
        case OPT_DETACH:
            opts->detach = true;
            break;
        case OPT_PIDFILE:
            opts->pidfile = optarg;
            break;
        case OPT_LOG_FILE:
            opts->log_file_given = true;
            opts->log_file = optarg;
            break;
        case OPT_ROLE:
            if (strcmp(optarg, "all") && strcmp(optarg, "switch")) {
                usage_error("unknown role '%s' (supported roles: all, "
                            "switch)", optarg);
            }
            opts->role = optarg;
            break;
        case OPT_ENABLE_DUMMY:
            if (optarg && strcmp(optarg, "override")) {
                usage_error("--enable-dummy takes no value or 'override', "
                            "not '%s'", optarg);
            }
            opts->dummy_override = optarg != NULL;
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            opts->version = true;
            break;
        case ':':
            usage_error("option '%s' requires an argument",
                        argv[optind - 1]);
        default:
            usage_error("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument '%s'", argv[optind]);
    }
}

/* Registers the device classes of this build.  Under
 * --enable-dummy=override the bridge layer registers dummy stand-ins for
 * the kernel-backed types instead (bridge_init()). */
static void
register_netdev_classes(const struct options *opts)
{
    int error;

    if (opts->dummy_override) {
        return;
    }
    error = netdev_linux_register();
    if (error) {
        fprintf(stderr, "vxstackd: cannot register the kernel's devices "
                "(%s)\n", vx_strerror(error));
        exit(1);
    }
    error = netdev_vxlan_register();
    if (error) {
        fprintf(stderr, "vxstackd: cannot register vxlan devices (%s)\n",
                vx_strerror(error));
        exit(1);
    }
}

/* Prints the version and, as `features:`, the real port types registered
 * (those of classes other than the dummy class), sorted. */
static void
print_version(void)
{
    struct ds types = DS_EMPTY_INITIALIZER;

    netdev_format_real_types(&types);
    printf("vxstackd (vxstack) %s\nfeatures: %s\n", VXSTACK_VERSION,
           ds_cstr(&types));
    ds_destroy(&types);
}

/* Reports a startup error on the terminal (which a detaching daemon still
 * shares with its waiting parent) and in the log, and exits 1. */
static void NO_RETURN PRINTF_FORMAT(1, 2)
startup_error(const char *format, ...)
{
    va_list args;
    char *msg;

    va_start(args, format);
    msg = xvasprintf(format, args);
    va_end(args);
    if (logging_to_file) {
        VLOG_ERR("%s", msg);
    }
    fprintf(stderr, "vxstackd: %s\n", msg);
    free(msg);
    exit(1);
}

/* Records our version in the Open_vSwitch row, as ovs-vswitchd does. */
static void
set_version(struct vsdb *db)
{
    struct vsdb_txn *txn = vsdb_txn_begin(db);
    char *error;

    vsdb_txn_set_string(txn, vsdb_root(vsdb_txn_data(txn)),
                        VSDB_OVS_OVS_VERSION, VXSTACK_VERSION);
    error = vsdb_txn_commit(txn);
    if (error) {
        startup_error("cannot record the version in the database: %s",
                      error);
    }
}

int
main(int argc, char *argv[])
{
    struct ctl_server *server;
    struct options opts;
    struct daemon_ctx ctx;
    struct vsdb *db;
    char *rundir, *pidfile, *log_file, *db_path, *ctl_path, *error;
    int pidfile_fd, retval;

    parse_options(argc, argv, &opts);
    register_netdev_classes(&opts);
    if (opts.version) {
        print_version();
        exit(0);
    }

    char *resolved = rundir_resolve(opts.rundir);
    rundir = rundir_abs_path(resolved);
    free(resolved);
    retval = rundir_mkdir_p(rundir, 0755);
    if (retval) {
        fprintf(stderr, "vxstackd: %s: cannot create run directory (%s)\n",
                rundir, vx_strerror(retval));
        exit(1);
    }
    pidfile = (opts.pidfile ? rundir_abs_path(opts.pidfile)
                            : rundir_file(rundir, "vxstackd.pid"));
    log_file = NULL;
    if (opts.log_file) {
        log_file = rundir_abs_path(opts.log_file);
    } else if (opts.log_file_given || opts.detach) {
        log_file = rundir_file(rundir, "vxstackd.log");
    }
    db_path = rundir_file(rundir, "conf.db");
    ctl_path = rundir_file(rundir, "vxstackd.ctl");

    if (opts.detach) {
        daemon_detach_start();
    }
    retval = daemon_signals_init();
    if (retval) {
        startup_error("cannot set up signal handling (%s)",
                      vx_strerror(retval));
    }
    pidfile_fd = daemon_pidfile_lock(pidfile, &error);
    if (pidfile_fd < 0) {
        startup_error("%s", error);
    }
    if (log_file) {
        retval = vlog_set_file(log_file);
        if (retval) {
            daemon_pidfile_remove(pidfile, pidfile_fd);
            startup_error("%s: cannot open log file (%s)", log_file,
                          vx_strerror(retval));
        }
        logging_to_file = true;
    }
    VLOG_INFO("vxstackd %s starting (pid %ld, role %s, run directory %s)",
              VXSTACK_VERSION, (long int) getpid(), opts.role, rundir);

    retval = vsdb_open(db_path, &db);
    if (retval) {
        daemon_pidfile_remove(pidfile, pidfile_fd);
        startup_error("%s: cannot open the configuration database (%s)",
                      db_path, vx_strerror(retval));
    }
    set_version(db);

    ctx.rundir = rundir;
    ctx.role = opts.role;
    ctx.dummy_override = opts.dummy_override;
    ctx.db = db;
    daemon_register_commands(log_file);
    daemon_register_modules();
    error = daemon_modules_init(&ctx);
    if (error) {
        daemon_pidfile_remove(pidfile, pidfile_fd);
        startup_error("%s", error);
    }

    retval = ctl_server_create(ctl_path, &server);
    if (retval) {
        daemon_modules_fini();
        daemon_pidfile_remove(pidfile, pidfile_fd);
        startup_error("%s: cannot listen on the control socket (%s)",
                      ctl_path, vx_strerror(retval));
    }
    VLOG_INFO("listening on %s", ctl_path);
    daemon_detach_finish(log_file);

    while (!daemon_exiting()) {
        daemon_signals_run(log_file);
        ctl_server_run(server);
        daemon_modules_run();
        daemon_run();
        if (daemon_exiting()) {
            break;
        }
        daemon_signals_wait();
        ctl_server_wait(server);
        daemon_modules_wait();
        daemon_wait();
        poll_block();
    }

    /* Shut down, then answer `exit`, so that its caller knows the state is
     * saved; requests that arrive meanwhile find no commands. */
    VLOG_INFO("shutting down");
    daemon_modules_fini();
    vsdb_close(db);
    ctl_command_unregister_all();
    daemon_reply_exit();
    ctl_server_run(server);
    ctl_server_destroy(server);
    daemon_pidfile_remove(pidfile, pidfile_fd);
    VLOG_INFO("exited");

    free(rundir);
    free(pidfile);
    free(log_file);
    free(db_path);
    free(ctl_path);
    return 0;
}
