#!/bin/bash
# Errors around starting and reaching a daemon: nobody answering, a second
# daemon on the same run directory, bad flags for both programs.
. "$(dirname "$0")/common.bash" || exit 1

# No daemon: a clear error naming the socket and how to pick a node.
new_rundir empty
run_status out err st "$VXSTACK" --rundir "$empty" vsctl show
check_eq "$st" 1 "status without a daemon"
check_eq "$out" "" "no output without a daemon"
check_contains "$err" "vxstack: cannot connect to vxstackd at $empty/vxstackd.ctl" "no-daemon error"
check_contains "$err" "--rundir DIR or VXSTACK_RUNDIR" "no-daemon hint"
run_status out err st "$VXSTACK" --rundir "$empty/missing/dir" appctl version
check_eq "$st" 1 "status without a run directory"

# A second daemon on the same run directory is refused, detached or not,
# and the first one keeps working.
new_rundir dir
start_daemon "$dir"
pid=$(cat "$dir/vxstackd.pid")
vx "$dir" vsctl add-br br0 || fail "add-br"
run_status out err st "$VXSTACKD" --detach --rundir "$dir"
[ "$st" != 0 ] || fail "second detached daemon started"
check_contains "$err" "already locked by another vxstackd (pid $pid)" "second daemon error"
run_status out err st timeout 10 "$VXSTACKD" --rundir "$dir"
[ "$st" != 0 ] && [ "$st" != 124 ] || fail "second foreground daemon: status $st"
check_contains "$err" "(pid $pid)" "second foreground daemon error"
check_eq "$(cat "$dir/vxstackd.pid")" "$pid" "pid file kept"
check_eq "$(vx "$dir" vsctl list-br)" "br0" "first daemon still serves"
[ -S "$dir/vxstackd.ctl" ] || fail "socket of the first daemon removed"

# An unusable run directory is reported, with status 1.
new_rundir parent
touch "$parent/file"
run_status out err st "$VXSTACKD" --detach --rundir "$parent/file/sub"
check_eq "$st" 1 "daemon with a bad run directory"
check_contains "$err" "cannot create run directory" "bad run directory error"

# Bad flags: usage errors, status 2.
for args in "--bogus" "--role=compute" "extra-arg" "--rundir"; do
    run_status out err st "$VXSTACKD" $args
    check_eq "$st" 2 "vxstackd $args"
    check_contains "$err" "Try 'vxstackd --help'" "vxstackd $args hint"
done
for args in "--bogus" "" "frob" "ofctl" "ofctl --bogus show br0" "capture" \
            "capture -i p -c 0" "dpctl -x show" "appctl"; do
    run_status out err st "$VXSTACK" --rundir "$dir" $args
    check_eq "$st" 2 "vxstack $args"
    check_contains "$err" "Try 'vxstack --help'" "vxstack $args hint"
done
"$VXSTACKD" --help | grep -q -- '--rundir' || fail "vxstackd --help"
"$VXSTACKD" --version | grep -q '^vxstackd (vxstack) ' || fail "vxstackd --version"

# A command the daemon does not have is an error, not a usage error.
run_status out err st vx "$dir" appctl no/such-command
check_eq "$st" 1 "unknown appctl command"
check_contains "$err" '"no/such-command" is not a valid command' "unknown command error"
stop_daemon "$dir"
exit 0
