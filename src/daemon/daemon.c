/* daemon.c: the module registry, `memory/show`, the daemon's own periodic
 * work and its built-in control commands.  See daemon.h. */
#include "daemon/daemon.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/vsctl.h"
#include "daemon/vsdb.h"
#include "lib/coverage.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(daemon);

/* Modules. */

static const struct daemon_module **modules;
static size_t n_modules, allocated_modules;
static size_t n_started;

void
daemon_module_register(const struct daemon_module *module)
{
    if (n_modules >= allocated_modules) {
        modules = x2nrealloc(modules, &allocated_modules, sizeof *modules);
    }
    modules[n_modules++] = module;
}

char *
daemon_modules_init(const struct daemon_ctx *ctx)
{
    for (n_started = 0; n_started < n_modules; n_started++) {
        const struct daemon_module *m = modules[n_started];
        char *error = m->init ? m->init(ctx) : NULL;

        if (error) {
            char *msg = xasprintf("%s: %s", m->name, error);

            free(error);
            daemon_modules_fini();
            return msg;
        }
        VLOG_DBG("module %s started", m->name);
    }
    return NULL;
}

void
daemon_modules_run(void)
{
    for (size_t i = 0; i < n_started; i++) {
        if (modules[i]->run) {
            modules[i]->run();
        }
    }
}

void
daemon_modules_wait(void)
{
    for (size_t i = 0; i < n_started; i++) {
        if (modules[i]->wait) {
            modules[i]->wait();
        }
    }
}

void
daemon_modules_fini(void)
{
    while (n_started > 0) {
        const struct daemon_module *m = modules[--n_started];

        if (m->fini) {
            m->fini();
        }
    }
}

/* Memory reports. */

struct memory_report {
    daemon_memory_func *func;   /* Appends the report. */
    void *aux;                  /* Its argument. */
};

static struct memory_report *reports;
static size_t n_reports, allocated_reports;

void
daemon_memory_register(daemon_memory_func *func, void *aux)
{
    if (n_reports >= allocated_reports) {
        reports = x2nrealloc(reports, &allocated_reports, sizeof *reports);
    }
    reports[n_reports].func = func;
    reports[n_reports].aux = aux;
    n_reports++;
}

void
daemon_memory_report(struct ds *ds)
{
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long long int size, resident;

    if (statm && fscanf(statm, "%llu %llu", &size, &resident) == 2) {
        ds_put_format(ds, "rss:%llukB",
                      resident * (unsigned long long int) sysconf(
                          _SC_PAGESIZE) / 1024);
    }
    if (statm) {
        fclose(statm);
    }

    /* Bytes the program holds from malloc() (glibc's count, headers
     * included; 0 under sanitizers, which bypass glibc's allocator). */
    struct mallinfo2 mi = mallinfo2();
    ds_put_format(ds, " heap:%zukB\n", (mi.uordblks + mi.hblkhd) / 1024);
    for (size_t i = 0; i < n_reports; i++) {
        reports[i].func(ds, reports[i].aux);
    }
}

/* Exit. */

static bool exiting;
static struct ctl_conn **exit_conns;
static size_t n_exit_conns, allocated_exit_conns;

bool
daemon_exiting(void)
{
    return exiting;
}

void
daemon_request_exit(void)
{
    exiting = true;
    poll_immediate_wake();
}

void
daemon_reply_exit(void)
{
    for (size_t i = 0; i < n_exit_conns; i++) {
        ctl_reply(exit_conns[i], "");
    }
    n_exit_conns = 0;
}

static void
cmd_exit(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    VLOG_INFO("exit requested through the control socket");
    if (n_exit_conns >= allocated_exit_conns) {
        exit_conns = x2nrealloc(exit_conns, &allocated_exit_conns,
                                sizeof *exit_conns);
    }
    exit_conns[n_exit_conns++] = conn;
    daemon_request_exit();
}

/* Periodic work: coverage history and time/warp in steps. */

static long long int next_coverage_run;

/* A time/warp LARGE_MSECS MSECS in progress. */
static struct ctl_conn *warp_conn;
static long long int warp_remaining;
static long long int warp_step;

void
daemon_run(void)
{
    long long int now = time_msec();

    if (now >= next_coverage_run) {
        coverage_run();
        next_coverage_run = now + 1000;
    }
    if (warp_conn) {
        long long int step = MIN(warp_step, warp_remaining);

        time_warp(step);
        warp_remaining -= step;
        if (!warp_remaining) {
            ctl_reply(warp_conn, "warped\n");
            warp_conn = NULL;
        }
    }
}

void
daemon_wait(void)
{
    poll_timer_wait_until(next_coverage_run);
    if (warp_conn) {
        poll_immediate_wake();
    }
}

/* Control commands. */

static void
cmd_version(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) argc;
    (void) argv;
    (void) aux;
    ctl_reply(conn, "vxstackd (vxstack) " VXSTACK_VERSION "\n");
}

static void
cmd_coverage_show(struct ctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) argv;
    (void) aux;
    coverage_format(&s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static const char *const level_names[] = {
    [VLL_OFF] = "off", [VLL_EMER] = "emer", [VLL_ERR] = "err",
    [VLL_WARN] = "warn", [VLL_INFO] = "info", [VLL_DBG] = "dbg",
};

static bool
parse_level(const char *s, enum vlog_level *level)
{
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcasecmp(s, level_names[i])) {
            *level = (enum vlog_level) i;
            return true;
        }
    }
    if (!strcasecmp(s, "debug")) {
        *level = VLL_DBG;
        return true;
    }
    return false;
}

/* vlog/set [MODULE:][DESTINATION:]LEVEL.  Levels are global here, so a
 * module or destination other than "ANY" is refused. */
static void
cmd_vlog_set(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *spec = xstrdup(argv[1]);
    char *save = NULL;
    enum vlog_level level = VLL_INFO;
    bool have_level = false;
    char *error = NULL;

    (void) argc;
    (void) aux;
    for (char *word = strtok_r(spec, ":", &save); word && !error;
         word = strtok_r(NULL, ":", &save)) {
        if (parse_level(word, &level)) {
            have_level = true;
        } else if (strcasecmp(word, "any")) {
            error = xasprintf("\"%s\": unknown level, or a module or "
                              "destination other than ANY (log levels are "
                              "global in vxstackd)", word);
        }
    }
    if (!error && !have_level) {
        error = xasprintf("\"%s\": no log level given (off, emer, err, "
                          "warn, info, dbg)", argv[1]);
    }
    if (error) {
        ctl_reply_error(conn, error);
        free(error);
    } else {
        vlog_set_level(level);
        ctl_reply(conn, "");
    }
    free(spec);
}

static void
cmd_vlog_list(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = xasprintf("level: %s\n", level_names[vlog_get_level()]);

    (void) argc;
    (void) argv;
    (void) aux;
    ctl_reply(conn, s);
    free(s);
}

static void
cmd_vlog_reopen(struct ctl_conn *conn, int argc, const char *argv[],
                void *log_file)
{
    int error;

    (void) argc;
    (void) argv;
    if (!log_file) {
        ctl_reply_error(conn, "Logging to file not configured");
        return;
    }
    error = vlog_set_file(log_file);
    if (error) {
        char *msg = xasprintf("%s: cannot reopen log file (%s)",
                              (const char *) log_file, vx_strerror(error));
        ctl_reply_error(conn, msg);
        free(msg);
    } else {
        ctl_reply(conn, "");
    }
}

static bool
parse_msecs(const char *s, long long int *msecs)
{
    uint64_t x;

    if (!str_to_uint64(s, 10, INT64_MAX / 1000000, &x)) {
        return false;
    }
    *msecs = (long long int) x;
    return true;
}

/* time/warp [LARGE_MSECS] MSECS: advances the clock by MSECS, or by
 * LARGE_MSECS in steps of MSECS with a pass of the main loop after each
 * (so that timers fire in order), replying when done. */
static void
cmd_time_warp(struct ctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    long long int total, step = 0;

    (void) aux;
    if (!parse_msecs(argv[1], &total)
        || (argc > 2 && (!parse_msecs(argv[2], &step) || !step))) {
        ctl_reply_error(conn, "A non-negative integer is required");
        return;
    }
    if (argc == 2) {
        time_warp(total);
        ctl_reply(conn, "warped\n");
    } else if (warp_conn) {
        ctl_reply_error(conn, "A previous time/warp command is not yet "
                        "done");
    } else if (!total) {
        ctl_reply(conn, "warped\n");
    } else {
        warp_conn = conn;
        warp_remaining = total;
        warp_step = step;
        poll_immediate_wake();
    }
}

static void
cmd_memory_show(struct ctl_conn *conn, int argc, const char *argv[],
                void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) argv;
    (void) aux;
    daemon_memory_report(&s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_vsdb_compact(struct ctl_conn *conn, int argc, const char *argv[],
                 void *db)
{
    int error = vsdb_compact(db);

    (void) argc;
    (void) argv;
    if (error) {
        char *msg = xasprintf("compaction failed (%s)", vx_strerror(error));

        ctl_reply_error(conn, msg);
        free(msg);
    } else {
        ctl_reply(conn, "");
    }
}

static void
vsdb_memory(struct ds *ds, void *db)
{
    vsdb_memory_report(db, ds);
}

void
daemon_register_commands(const char *log_file)
{
    ctl_command_register("exit", "", 0, 0, cmd_exit, NULL);
    ctl_command_register("version", "", 0, 0, cmd_version, NULL);
    ctl_command_register("coverage/show", "", 0, 0, cmd_coverage_show,
                         NULL);
    ctl_command_register("vlog/set", "[MODULE:][DESTINATION:]LEVEL", 1, 1,
                         cmd_vlog_set, NULL);
    ctl_command_register("vlog/list", "", 0, 0, cmd_vlog_list, NULL);
    ctl_command_register("vlog/reopen", "", 0, 0, cmd_vlog_reopen,
                         (void *) log_file);
    ctl_command_register("time/warp", "[LARGE_MSECS] MSECS", 1, 2,
                         cmd_time_warp, NULL);
    ctl_command_register("memory/show", "", 0, 0, cmd_memory_show, NULL);
}

/* The vsdb module: the database's control commands and memory report. */
static char *
vsdb_module_init(const struct daemon_ctx *ctx)
{
    ctl_command_register("vsdb/compact", "", 0, 0, cmd_vsdb_compact,
                         ctx->db);
    daemon_memory_register(vsdb_memory, ctx->db);
    vsctl_register_commands(ctx->db);
    return NULL;
}

const struct daemon_module daemon_vsdb_module = {
    .name = "vsdb",
    .init = vsdb_module_init,
};
