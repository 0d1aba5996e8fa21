/*
 * vsctl.h: ovs-vsctl's command language over the switch configuration
 * database, behind `vxstack vsctl ...`.
 *
 * A command line is global options, then commands separated by "--", each
 * optionally preceded by its own options:
 *
 *     [--dry-run] [--oneline] [--bare] [--columns=C,...] [--no-wait]
 *     [--timeout=SECS] CMD ARG... [-- [--may-exist|--if-exists...] CMD
 *     ARG...]...
 *
 * All the commands of one line run in one vsdb transaction: if any fails,
 * nothing changes and only the error is reported.  Commands, options,
 * outputs and error messages are those of ovs-vsctl (Open vSwitch 3.x,
 * utilities/ovs-vsctl.c and lib/db-ctl-base.c), for the tables vsdb has:
 *
 *   init, show, comment
 *   add-br BR, del-br BR, list-br, br-exists BR, br-to-vlan BR,
 *   br-to-parent BR, br-set-external-id BR KEY [VALUE],
 *   br-get-external-id BR [KEY]
 *   add-port BR PORT [COLUMN[:KEY]=VALUE]..., del-port [BR] PORT,
 *   list-ports BR, port-to-br PORT, list-ifaces BR, iface-to-br IFACE
 *   get-controller BR, del-controller BR, set-controller BR TARGET...,
 *   get-fail-mode BR, del-fail-mode BR, set-fail-mode BR MODE
 *   get-manager, del-manager, set-manager TARGET...
 *   get, list, find, set, add, remove, clear, destroy (on Open_vSwitch,
 *   Bridge, Port, Interface, Controller, Manager)
 *
 * Fake (VLAN) bridges, bonds and the `create` and `wait-until` commands
 * are not supported and say so.  `--no-wait`, `--timeout` and `--retry`
 * are accepted for compatibility: commits here never wait for the switch,
 * which applies them before the command returns.
 *
 * Thread safety: none; runs in the daemon's main thread.
 */
#ifndef VX_DAEMON_VSCTL_H
#define VX_DAEMON_VSCTL_H 1

struct ds;
struct vsdb;
struct vsdb_data;

/* Runs the vsctl command line ARGV[0..ARGC-1] (the words after "vsctl")
 * against DB.  On success appends the commands' output to OUT and returns
 * 0.  On failure appends the error message (without "vxstack: " and
 * without a trailing newline) to OUT and returns the exit status the CLI
 * should use: 1, or 2 for `br-exists` on a missing bridge (whose message
 * is empty). */
int vsctl_run(struct vsdb *db, int argc, const char *argv[], struct ds *out);

/* Appends `ovs-vsctl show` output for DATA to OUT. */
void vsctl_show(const struct vsdb_data *data, struct ds *out);

/* Registers the "vsctl" control command, which answers with
 * vsctl_run()'s output and status, using DB. */
void vsctl_register_commands(struct vsdb *db);

#endif /* VX_DAEMON_VSCTL_H */
