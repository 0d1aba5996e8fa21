/*
 * rundir.h: the run directory of a vxstack node.
 *
 * Each vxstackd keeps its control socket (vxstackd.ctl), pid file, log and
 * persistent switch state (conf.db) in one directory, so several nodes run
 * side by side on one machine with different directories.  `vxstack` finds
 * a node's socket through the same rule: --rundir DIR, else
 * $VXSTACK_RUNDIR, else a default: /run/vxstack as root, otherwise
 * $XDG_RUNTIME_DIR/vxstack, otherwise /tmp/vxstack-$UID.
 *
 * Thread safety: all functions are thread-safe (they read the environment,
 * which callers must not modify concurrently).
 */
#ifndef VX_LIB_RUNDIR_H
#define VX_LIB_RUNDIR_H 1

#include <sys/types.h>

/* Returns the run directory to use (the caller frees it): OPTION when it
 * is nonnull (the value of --rundir), else the default described above. */
char *rundir_resolve(const char *option);

/* Returns "RUNDIR/NAME" (the caller frees it). */
char *rundir_file(const char *rundir, const char *name);

/* Creates PATH and any missing parents with MODE (like `mkdir -p`).
 * Returns 0 (also when PATH already is a directory) or an errno value. */
int rundir_mkdir_p(const char *path, mode_t mode);

/* Returns PATH made absolute against the current directory, without
 * resolving symbolic links (the caller frees it). */
char *rundir_abs_path(const char *path);

#endif /* VX_LIB_RUNDIR_H */
