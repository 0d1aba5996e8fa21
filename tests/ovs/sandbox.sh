#!/bin/bash
# A private Open vSwitch (ovsdb-server + ovs-vswitchd, userspace "netdev"
# datapath only) for recording oracle data and for tests.
#
# Use it from another bash script:
#
#     . tests/ovs/sandbox.sh
#     ovs_sandbox_start            # exports OVS_RUNDIR & co, sets a trap
#     ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev
#     ...
#     ovs_sandbox_stop             # also run by the trap on exit/error
#
# or run one command inside a sandbox:
#
#     tests/ovs/sandbox.sh ovs-vsctl show
#
# What it guarantees:
#   * Everything lives in one fresh temporary directory ($OVS_SANDBOX_DIR):
#     the database, the sockets, the pid files, the logs.  OVS_RUNDIR,
#     OVS_DBDIR, OVS_LOGDIR and OVS_SYSCONFDIR point there, so ovs-vsctl,
#     ovs-ofctl, ovs-appctl and ovs-dpctl reach only this instance.
#   * ovs-vswitchd runs with --enable-dummy (netdev-dummy ports, the
#     netdev-dummy/receive command, time/warp) and --disable-system (no
#     kernel datapath); callers must use datapath_type=netdev.  Its routing
#     table (ovs/route/show) is the private namespace's, so empty until a
#     caller gives an address to a bridge's internal port there.
#   * ovs-vswitchd runs in a network namespace of its own (unshare --net;
#     for non-root users also a user namespace, which works only where
#     /dev/net/tun is writable for them), so the tap devices that
#     the netdev datapath creates for bridge-internal ports, and the device
#     lookups for "system" ports, never touch the host's interfaces.  The
#     namespace disappears with the daemon.
#   * ovs_sandbox_stop kills exactly the two pids this script started
#     (checked against /proc/PID/cmdline first; never pkill/killall) and
#     removes the directory.  ovs_sandbox_start installs an EXIT/INT/TERM
#     trap that calls it, unless OVS_SANDBOX_NO_TRAP=1.
#
# Options (environment):
#   OVS_SANDBOX_VSWITCHD          the ovs-vswitchd program (default
#                                 ovs-vswitchd; e.g. the DPDK build
#                                 /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk).
#                                 Its control socket is named after the
#                                 program: ovs_sandbox_appctl reaches it.
#   OVS_SANDBOX_VSWITCHD_WRAPPER  words to run it under, e.g. "taskset -c 0".

OVS_SANDBOX_SCHEMA=${OVS_SANDBOX_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

# Prints an error and returns 1.
ovs_sandbox__fail() {
    echo "sandbox.sh: $*" >&2
    return 1
}

# True if PID is alive and its command line mentions both PROG and DIR, so
# a recycled pid is never killed by mistake.
ovs_sandbox__is_ours() {
    local pid=$1 prog=$2 dir=$3 cmd
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
    case $cmd in
        *"$prog"*"$dir"*) return 0 ;;
    esac
    return 1
}

# Sends SIGTERM to PID (if it is ours), waits up to 5 s for it to be gone,
# then SIGKILL (again only if it is still ours) and waits up to 2 s more.
# An exiting process loses its command line before it disappears, so the
# waits look at the pid itself.
ovs_sandbox__kill() {
    local pid=$1 prog=$2 dir=$3 i
    ovs_sandbox__is_ours "$pid" "$prog" "$dir" || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    if ovs_sandbox__is_ours "$pid" "$prog" "$dir"; then
        kill -KILL "$pid" 2>/dev/null
        for i in $(seq 20); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
    fi
    ovs_sandbox__is_ours "$pid" "$prog" "$dir" \
        && { ovs_sandbox__fail "pid $pid ($prog) did not exit"; return 1; }
    return 0
}

# Reads a pid file written by an OVS daemon, waiting up to 5 s for it.
ovs_sandbox__read_pid() {
    local file=$1 i
    for i in $(seq 50); do
        if [ -s "$file" ]; then
            cat "$file"
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Stops the daemons started by ovs_sandbox_start and removes the directory.
# Safe to call more than once and after a partial start.  Set
# OVS_SANDBOX_KEEP=1 to keep the directory (logs) for debugging.
ovs_sandbox_stop() {
    local dir=${OVS_SANDBOX_DIR:-} rc=0
    [ -n "$dir" ] || return 0
    if [ -n "${OVS_SANDBOX_VSWITCHD_PID:-}" ]; then
        ovs_sandbox__kill "$OVS_SANDBOX_VSWITCHD_PID" ovs-vswitchd "$dir" \
            || rc=1
    fi
    if [ -n "${OVS_SANDBOX_OVSDB_PID:-}" ]; then
        ovs_sandbox__kill "$OVS_SANDBOX_OVSDB_PID" ovsdb-server "$dir" \
            || rc=1
    fi
    OVS_SANDBOX_VSWITCHD_PID=
    OVS_SANDBOX_OVSDB_PID=
    if [ "${OVS_SANDBOX_KEEP:-0}" = 1 ]; then
        echo "sandbox.sh: kept $dir" >&2
    else
        case $dir in
            */ovs-sandbox.*) rm -rf -- "$dir" ;;
        esac
    fi
    OVS_SANDBOX_DIR=
    return $rc
}

# EXIT trap: stop the sandbox, keep the exit status of the script.
ovs_sandbox__on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    ovs_sandbox_stop
    exit $rc
}

# INT/TERM trap: stop the sandbox, exit with 128 + the signal number ($1).
ovs_sandbox__on_signal() {
    trap - EXIT INT TERM
    ovs_sandbox_stop
    exit "$1"
}

# Starts ovsdb-server and ovs-vswitchd in a new temporary directory and
# exports the OVS_* variables that make the OVS utilities use them.
ovs_sandbox_start() {
    local dir ns_cmd
    [ -z "${OVS_SANDBOX_DIR:-}" ] \
        || { ovs_sandbox__fail "a sandbox is already running in ${OVS_SANDBOX_DIR:-}"; return 1; }
    [ -r "$OVS_SANDBOX_SCHEMA" ] \
        || { ovs_sandbox__fail "schema $OVS_SANDBOX_SCHEMA not found"; return 1; }
    dir=$(mktemp -d "${TMPDIR:-/tmp}/ovs-sandbox.XXXXXX") \
        || { ovs_sandbox__fail "mktemp failed"; return 1; }
    OVS_SANDBOX_DIR=$dir
    if [ "${OVS_SANDBOX_NO_TRAP:-0}" != 1 ]; then
        trap ovs_sandbox__on_exit EXIT
        trap 'ovs_sandbox__on_signal 130' INT
        trap 'ovs_sandbox__on_signal 143' TERM
    fi
    export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir \
           OVS_SYSCONFDIR=$dir OVS_SANDBOX_DIR

    ovsdb-tool create "$dir/conf.db" "$OVS_SANDBOX_SCHEMA" \
        || { ovs_sandbox__fail "ovsdb-tool create failed"; ovs_sandbox_stop; return 1; }
    # Both daemons start in $dir (and stay there: --no-chdir), so relative
    # file names in options (e.g. options:tx_pcap=eth0.pcap) land there.
    (cd "$dir" && exec ovsdb-server --detach --no-chdir -vconsole:off \
        --pidfile="$dir/ovsdb-server.pid" \
        --log-file="$dir/ovsdb-server.log" \
        --remote="punix:$dir/db.sock" "$dir/conf.db") \
        || { ovs_sandbox__fail "ovsdb-server failed to start"; ovs_sandbox_stop; return 1; }
    OVS_SANDBOX_OVSDB_PID=$(ovs_sandbox__read_pid "$dir/ovsdb-server.pid") \
        || { ovs_sandbox__fail "no ovsdb-server pid file"; ovs_sandbox_stop; return 1; }
    ovs-vsctl --no-wait init \
        || { ovs_sandbox__fail "ovs-vsctl init failed"; ovs_sandbox_stop; return 1; }

    if [ "$(id -u)" = 0 ]; then
        ns_cmd=(unshare --net)
    elif [ -w /dev/net/tun ]; then
        ns_cmd=(unshare --user --map-root-user --net)
    else
        # The netdev datapath opens /dev/net/tun for every bridge.
        ovs_sandbox__fail "needs root, or user namespaces and a writable /dev/net/tun"
        ovs_sandbox_stop
        return 1
    fi
    local vswitchd=${OVS_SANDBOX_VSWITCHD:-ovs-vswitchd} wrapper
    read -ra wrapper <<< "${OVS_SANDBOX_VSWITCHD_WRAPPER:-}"
    (cd "$dir" && exec "${ns_cmd[@]}" "${wrapper[@]}" "$vswitchd" \
        --detach --no-chdir \
        -vconsole:off --enable-dummy --disable-system \
        --pidfile="$dir/ovs-vswitchd.pid" \
        --log-file="$dir/ovs-vswitchd.log" \
        "unix:$dir/db.sock") \
        || { ovs_sandbox__fail "ovs-vswitchd failed to start (see $dir/ovs-vswitchd.log)"; ovs_sandbox_stop; return 1; }
    OVS_SANDBOX_VSWITCHD_PID=$(ovs_sandbox__read_pid "$dir/ovs-vswitchd.pid") \
        || { ovs_sandbox__fail "no ovs-vswitchd pid file"; ovs_sandbox_stop; return 1; }
    ovs-vsctl --timeout=10 wait-until Open_vSwitch . 'cur_cfg>=0' \
        || { ovs_sandbox__fail "ovs-vswitchd did not connect"; ovs_sandbox_stop; return 1; }
    export OVS_SANDBOX_OVSDB_PID OVS_SANDBOX_VSWITCHD_PID
    # No IPv6 on the namespace's devices: a tap that comes up would
    # otherwise send router solicitations and MLD reports into OVS.
    ovs_sandbox_netns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
    return 0
}

# Runs ovs-appctl "$@" against the sandbox's ovs-vswitchd, whatever the
# program's name (plain `ovs-appctl` finds it only if it is ovs-vswitchd).
ovs_sandbox_appctl() {
    local prog=${OVS_SANDBOX_VSWITCHD:-ovs-vswitchd}
    [ -n "${OVS_SANDBOX_VSWITCHD_PID:-}" ] \
        || { ovs_sandbox__fail "no sandbox running"; return 1; }
    ovs-appctl -t "$OVS_SANDBOX_DIR/${prog##*/}.$OVS_SANDBOX_VSWITCHD_PID.ctl" "$@"
}

# Runs "$@" inside ovs-vswitchd's private network namespace (for example
# `ovs_sandbox_netns ip addr add 172.16.0.31/24 dev br-underlay`).
ovs_sandbox_netns() {
    [ -n "${OVS_SANDBOX_VSWITCHD_PID:-}" ] \
        || { ovs_sandbox__fail "no sandbox running"; return 1; }
    if [ "$(id -u)" = 0 ]; then
        nsenter --target "$OVS_SANDBOX_VSWITCHD_PID" --net -- "$@"
    else
        nsenter --target "$OVS_SANDBOX_VSWITCHD_PID" --user --net \
            --preserve-credentials -- "$@"
    fi
}

# Executed rather than sourced: run "$@" inside a sandbox.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    ovs_sandbox_start || exit 1
    if [ $# -gt 0 ]; then
        "$@"
    else
        echo "sandbox in $OVS_SANDBOX_DIR; exit the shell to stop it" >&2
        "${SHELL:-/bin/bash}" -i
    fi
fi
