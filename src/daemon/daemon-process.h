/*
 * daemon-process.h: the process side of vxstackd: detaching into the
 * background, the locked pid file, and signals.
 *
 * Detaching is two-phase, as in Open vSwitch's lib/daemon-unix.c: the
 * process forks at once; the parent waits while the child starts up (it
 * locks the pid file, opens the database, starts the modules and listens
 * on the control socket), then the child tells the parent it is ready and
 * the parent exits 0.  If the child fails, it prints its error to the
 * terminal it still shares and exits, and the parent exits with the same
 * status.  So `vxstackd --detach && vxstack ...` never finds the socket
 * missing.
 *
 * The pid file is locked with flock() for the life of the daemon: a second
 * daemon on the same run directory finds it locked and refuses to start,
 * naming the pid that holds it.
 *
 * Signals: SIGTERM and SIGINT ask the main loop to exit cleanly, SIGHUP
 * reopens the log file, SIGPIPE is ignored (clients may hang up).
 *
 * Thread safety: call from the main thread before starting threads.
 */
#ifndef VX_DAEMON_DAEMON_PROCESS_H
#define VX_DAEMON_DAEMON_PROCESS_H 1

/* Forks.  Returns in the child; the parent waits for the child to call
 * daemon_detach_finish() and exits 0, or exits with the child's status if
 * the child exits first. */
void daemon_detach_start(void);

/* Tells the waiting parent that the child is ready, starts a new session,
 * moves to "/" and points standard input and output at /dev/null and
 * standard error at LOG_FILE (or /dev/null when NULL).  Does nothing when
 * the process did not detach. */
void daemon_detach_finish(const char *log_file);

/* Creates and locks the pid file PATH and writes our pid into it.
 * Returns the locked descriptor, or -1 with an error message in *ERRORP
 * (which the caller frees). */
int daemon_pidfile_lock(const char *path, char **errorp);

/* Removes the pid file PATH and closes FD, its lock. */
void daemon_pidfile_remove(const char *path, int fd);

/* Installs the signal handlers.  Returns 0 or an errno value. */
int daemon_signals_init(void);

/* Acts on signals received since the last call; LOG_FILE (or NULL) is
 * reopened on SIGHUP. */
void daemon_signals_run(const char *log_file);

/* Wakes the poll loop when a signal arrives. */
void daemon_signals_wait(void);

#endif /* VX_DAEMON_DAEMON_PROCESS_H */
