# Helpers for scenario tests: source from tests/scenario/*.sh.
#
# Scenarios drive vxstackd only through build/vxstack, as a user would.
# Every daemon a scenario starts is stopped by its pid and every run
# directory removed when the script exits, also on failure.  Exit status:
# 0 pass, 77 skip, anything else fail.

set -u

: "${VXSTACK_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${VXSTACK_BUILD:=$VXSTACK_TOP/build}"
VXSTACKD=$VXSTACK_BUILD/vxstackd
VXSTACK=$VXSTACK_BUILD/vxstack

if [ ! -x "$VXSTACKD" ] || [ ! -x "$VXSTACK" ]; then
    echo "SKIP: $VXSTACKD or $VXSTACK is not built"
    exit 77
fi

# Pids of daemons started here, and directories to remove.
SCENARIO_PIDS=()
SCENARIO_DIRS=()

scenario_cleanup() {
    local pid i
    for pid in "${SCENARIO_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${SCENARIO_PIDS[@]}"; do
        for i in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "${SCENARIO_DIRS[@]}"
}
trap scenario_cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# new_rundir VAR: makes a fresh run directory and stores its path in VAR.
new_rundir() {
    local __dir
    __dir=$(mktemp -d /tmp/vxs-scenario.XXXXXX) || fail "mktemp failed"
    SCENARIO_DIRS+=("$__dir")
    printf -v "$1" '%s' "$__dir"
}

# start_daemon DIR [ARGS...]: starts vxstackd --detach in DIR and records
# its pid.  Unless VXSTACK_REAL_PORTS=1, the daemon runs with
# --enable-dummy=override: the seed topology's taps and the bridges'
# internal ports are software devices, so that no kernel device is made on
# the host (real tap, internal and system ports are what
# VXSTACK_REAL_PORTS=1 scenarios, run as root in their own namespaces,
# use).
start_daemon() {
    local dir=$1
    shift
    local dummy=(--enable-dummy=override)
    if [ "${VXSTACK_REAL_PORTS:-0}" = 1 ]; then
        dummy=()
    fi
    "$VXSTACKD" --detach --rundir "$dir" "${dummy[@]}" "$@" || fail "vxstackd failed to start in $dir"
    [ -s "$dir/vxstackd.pid" ] || fail "no pid file in $dir"
    SCENARIO_PIDS+=("$(cat "$dir/vxstackd.pid")")
}

# wait_gone PID: waits up to 5 s for PID to exit.
wait_gone() {
    local i
    for i in $(seq 50); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    fail "process $1 did not exit"
}

# stop_daemon DIR: stops the daemon of DIR with `appctl exit` and checks
# that it cleaned up.
stop_daemon() {
    local dir=$1 pid
    pid=$(cat "$dir/vxstackd.pid") || fail "no pid file in $dir"
    "$VXSTACK" --rundir "$dir" appctl exit || fail "appctl exit failed"
    wait_gone "$pid"
    [ ! -e "$dir/vxstackd.pid" ] || fail "pid file left in $dir"
    [ ! -e "$dir/vxstackd.ctl" ] || fail "control socket left in $dir"
}

# vx DIR ARGS...: runs vxstack against the daemon of DIR.
vx() {
    local dir=$1
    shift
    "$VXSTACK" --rundir "$dir" "$@"
}

# check_eq ACTUAL EXPECTED WHAT
check_eq() {
    if [ "$1" != "$2" ]; then
        printf 'FAIL: %s\n--- got:\n%s\n--- expected:\n%s\n' "$3" "$1" "$2" >&2
        exit 1
    fi
}

# check_contains HAYSTACK NEEDLE WHAT
check_contains() {
    case "$1" in
        *"$2"*) ;;
        *) printf 'FAIL: %s\n--- got:\n%s\n--- expected to contain:\n%s\n' \
                  "$3" "$1" "$2" >&2
           exit 1 ;;
    esac
}

# run_status VAR_OUT VAR_ERR VAR_STATUS CMD...: runs CMD capturing its
# standard output, standard error and exit status.
run_status() {
    local __out __err __status __tmp
    __tmp=$(mktemp)
    __out=$("${@:4}" 2>"$__tmp")
    __status=$?
    __err=$(cat "$__tmp")
    rm -f "$__tmp"
    printf -v "$1" '%s' "$__out"
    printf -v "$2" '%s' "$__err"
    printf -v "$3" '%s' "$__status"
}
