/*
 * daemon.h: how the parts of vxstackd plug into the daemon.
 *
 * vxstackd is one process that runs modules (the switch, later the agent,
 * DHCP, the API...) in one main loop, in Open vSwitch's run/wait/block
 * style (lib/poll-loop.h):
 *
 *     for (;;) {
 *         ctl_server_run(); every module's run();
 *         ctl_server_wait(); every module's wait();
 *         poll_block();
 *     }
 *
 * A module is a struct daemon_module registered with
 * daemon_module_register() before the loop starts; daemon-modules.c
 * (daemon_register_modules()) lists the built-in ones, in the order they
 * start.  init() runs once, in registration order, after the run
 * directory is locked and the configuration database is open but before
 * the control socket listens, so that everything a module registers with
 * ctl_command_register() is there when the first client connects (this is
 * what makes `vxstackd --detach && vxstack ...` race-free).  A module that
 * cannot start returns an error message and the daemon exits with it.
 * fini() runs in reverse order at shutdown.
 *
 * Modules that show memory use register a daemon_memory_func; `vxstack
 * appctl memory/show` prints every registered report, one line each.
 *
 * Built-in control commands (daemon.c): exit, version, list-commands,
 * coverage/show, vlog/set, vlog/list, vlog/reopen, time/warp and
 * memory/show; the vsdb module adds vsctl and vsdb/compact.
 *
 * Thread safety: everything here runs in the main thread.
 */
#ifndef VX_DAEMON_DAEMON_H
#define VX_DAEMON_DAEMON_H 1

#include <stdbool.h>

struct ds;
struct vsdb;

/* What a module gets at start. */
struct daemon_ctx {
    const char *rundir;         /* Absolute path of the run directory. */
    const char *role;           /* --role: "all" or "switch". */
    bool dummy_override;        /* --enable-dummy=override: software
                                 * devices instead of kernel ones. */
    struct vsdb *db;            /* The switch configuration database. */
};

/* A part of the daemon.  Every function pointer except 'name' may be
 * NULL. */
struct daemon_module {
    const char *name;           /* Short name for logs and errors. */

    /* Starts the module.  CTX and what it points to stay valid until
     * fini().  Returns NULL on success or an error message (freed by the
     * caller) that stops the daemon. */
    char *(*init)(const struct daemon_ctx *ctx);

    /* Does whatever work is ready, without blocking. */
    void (*run)(void);

    /* Registers with the poll loop what would make run() have work. */
    void (*wait)(void);

    /* Releases everything init() acquired. */
    void (*fini)(void);
};

/* Adds MODULE (which must stay valid for the life of the process) to the
 * modules the daemon starts. */
void daemon_module_register(const struct daemon_module *module);

/* Registers the built-in modules (daemon-modules.c). */
void daemon_register_modules(void);

/* Starts every registered module in order.  On failure stops the ones
 * already started and returns an error message naming the module. */
char *daemon_modules_init(const struct daemon_ctx *ctx);

/* Runs / waits / stops every started module. */
void daemon_modules_run(void);
void daemon_modules_wait(void);
void daemon_modules_fini(void);

/* Appends one line (or more) of "name:value" pairs to DS. */
typedef void daemon_memory_func(struct ds *ds, void *aux);

/* Adds a report to `memory/show`. */
void daemon_memory_register(daemon_memory_func *func, void *aux);

/* Appends the `memory/show` report: the process's resident set size and
 * the bytes it holds from malloc() ("rss:NkB heap:NkB"), then every
 * registered report. */
void daemon_memory_report(struct ds *ds);

/* Registers the daemon's own control commands (exit, version,
 * coverage/show, vlog/..., time/warp, memory/show), using LOG_FILE (NULL
 * when logging to stderr) for vlog/reopen. */
void daemon_register_commands(const char *log_file);

/* The module that serves the configuration database over the control
 * socket: `vsctl`, `vsdb/compact` and its `memory/show` line. */
extern const struct daemon_module daemon_vsdb_module;

/* Returns true once `exit` or a signal has asked the daemon to stop. */
bool daemon_exiting(void);

/* Asks the main loop to stop (what SIGTERM and `exit` do). */
void daemon_request_exit(void);

/* Runs the daemon's own periodic work (coverage history, time/warp
 * steps) and registers its wake-ups; called by the main loop. */
void daemon_run(void);
void daemon_wait(void);

/* Answers the `exit` requests that are waiting for the daemon to finish
 * shutting down. */
void daemon_reply_exit(void);

#endif /* VX_DAEMON_DAEMON_H */
