#!/bin/bash
# Two nodes run side by side with different run directories; each CLI
# call reaches the node its --rundir or VXSTACK_RUNDIR names, and each
# node keeps its own configuration.
. "$(dirname "$0")/common.bash" || exit 1

new_rundir a
new_rundir b
start_daemon "$a"
start_daemon "$b"
[ "$(cat "$a/vxstackd.pid")" != "$(cat "$b/vxstackd.pid")" ] || fail "same pid"

vx "$a" vsctl add-br br-a -- add-port br-a pa || fail "configure a"
vx "$b" vsctl add-br br-b -- add-port br-b pb || fail "configure b"
check_eq "$(vx "$a" vsctl list-br)" "br-a" "node a bridges"
check_eq "$(vx "$b" vsctl list-br)" "br-b" "node b bridges"

# VXSTACK_RUNDIR selects the node when --rundir is absent, and --rundir
# wins over it.
check_eq "$(VXSTACK_RUNDIR=$b "$VXSTACK" vsctl list-ports br-b)" "pb" "VXSTACK_RUNDIR"
check_eq "$(VXSTACK_RUNDIR=$b "$VXSTACK" --rundir "$a" vsctl list-br)" "br-a" "--rundir over VXSTACK_RUNDIR"
check_eq "$(VXSTACK_RUNDIR=$a "$VXSTACK" --rundir="$b" vsctl list-br)" "br-b" "--rundir=DIR"

# The daemon also finds its run directory in VXSTACK_RUNDIR.
new_rundir c
VXSTACK_RUNDIR=$c "$VXSTACKD" --detach || fail "start through VXSTACK_RUNDIR"
SCENARIO_PIDS+=("$(cat "$c/vxstackd.pid")")
check_eq "$(VXSTACK_RUNDIR=$c "$VXSTACK" vsctl list-br)" "" "node c is empty"

# Stopping one leaves the others running.
stop_daemon "$a"
check_eq "$(vx "$b" vsctl list-br)" "br-b" "node b after a stopped"
run_status out err st vx "$a" vsctl list-br
check_eq "$st" 1 "node a is gone"
stop_daemon "$b"
stop_daemon "$c"
exit 0
