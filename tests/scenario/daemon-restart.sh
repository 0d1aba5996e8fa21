#!/bin/bash
# A node keeps its bridges, ports and OpenFlow port numbers across a
# restart (`appctl exit`, then SIGTERM), and cleans up its pid file and
# control socket each time it stops.
. "$(dirname "$0")/common.bash" || exit 1

new_rundir dir
start_daemon "$dir" --enable-dummy=override
pid=$(cat "$dir/vxstackd.pid")
kill -0 "$pid" || fail "daemon $pid not running"
[ -S "$dir/vxstackd.ctl" ] || fail "no control socket"

vx "$dir" vsctl add-br br-int -- set bridge br-int fail_mode=secure \
    datapath_type=system -- set-controller br-int tcp:127.0.0.1:6633 \
    || fail "add-br"
vx "$dir" vsctl add-port br-int patch-tun -- set interface patch-tun \
    type=patch options:peer=patch-int -- add-port br-int tap1 tag=3 \
    -- set interface tap1 type=dummy -- add-port br-int tap2 tag=4 \
    -- set interface tap2 type=dummy || fail "add-port"
vx "$dir" vsctl add-br br-tun -- add-port br-tun patch-int -- set \
    interface patch-int type=patch options:peer=patch-tun \
    -- add-port br-tun vxlan-ac10000b -- set interface vxlan-ac10000b \
    type=vxlan options:remote_ip=172.16.0.11 options:local_ip=172.16.0.31 \
    options:in_key=flow options:out_key=flow ofport_request=9 \
    || fail "br-tun"
# Free a number in the middle, so a renumbering bug would show.
vx "$dir" vsctl del-port br-int tap1 -- add-port br-int tap3 \
    -- set interface tap3 type=dummy || fail "tap3"

show1=$(vx "$dir" vsctl show) || fail "show"
ports1=$(vx "$dir" vsctl --bare --columns=name,ofport list interface | paste -sd' ' | tr -s ' ')
check_contains "$ports1" "vxlan-ac10000b 9" "ofport_request honoured"
check_contains "$show1" "ovs_version: \"$("$VXSTACKD" --version | awk 'NR == 1 {print $3}')\"" "version line"

# appctl answers while running.
check_eq "$(vx "$dir" appctl version)" "$("$VXSTACKD" --version | head -n 1)" "appctl version"
mem=$(vx "$dir" appctl memory/show) || fail "memory/show"
check_contains "$mem" "Bridge:2 Port:7 Interface:7 Controller:1" "memory/show row counts"
check_contains "$mem" "rss:" "memory/show rss"
check_eq "$(vx "$dir" appctl time/warp 1000)" "warped" "time/warp"
check_eq "$(vx "$dir" appctl time/warp 5000 1000)" "warped" "time/warp in steps"
vx "$dir" appctl coverage/show >/dev/null || fail "coverage/show"
vx "$dir" appctl vlog/set dbg || fail "vlog/set"
check_eq "$(vx "$dir" appctl vlog/list)" "level: dbg" "vlog/list"
vx "$dir" appctl vlog/set ANY:info || fail "vlog/set ANY:info"
run_status out err st vx "$dir" appctl vlog/set ofproto:dbg
check_eq "$st" 1 "per-module vlog/set is refused"
vx "$dir" appctl list-commands | grep -q '^  vsctl ' || fail "list-commands lacks vsctl"

# Stop with `appctl exit` and start again.
stop_daemon "$dir"
start_daemon "$dir" --enable-dummy=override
show2=$(vx "$dir" vsctl show) || fail "show after restart"
ports2=$(vx "$dir" vsctl --bare --columns=name,ofport list interface | paste -sd' ' | tr -s ' ')
check_eq "$show2" "$show1" "show after appctl exit and restart"
check_eq "$ports2" "$ports1" "ofport numbers after restart"

# A new port after the restart takes the lowest free number, as before.
vx "$dir" vsctl add-port br-int tap4 -- set interface tap4 type=dummy \
    || fail "tap4"
check_eq "$(vx "$dir" vsctl get interface tap4 ofport)" 4 "tap4 ofport"

# Stop with SIGTERM and start again.
pid=$(cat "$dir/vxstackd.pid")
kill -TERM "$pid"
wait_gone "$pid"
[ ! -e "$dir/vxstackd.pid" ] || fail "pid file left after SIGTERM"
[ ! -e "$dir/vxstackd.ctl" ] || fail "socket left after SIGTERM"
start_daemon "$dir" --enable-dummy=override
check_eq "$(vx "$dir" vsctl get interface tap4 ofport)" 4 "tap4 ofport after SIGTERM restart"
check_eq "$(vx "$dir" vsctl list-ports br-int)" "$(printf 'patch-tun\ntap2\ntap3\ntap4')" "ports after SIGTERM restart"

# kill -9 leaves a stale pid file and socket; the next start reclaims
# them and still has the state.
pid=$(cat "$dir/vxstackd.pid")
kill -KILL "$pid"
wait_gone "$pid"
[ -S "$dir/vxstackd.ctl" ] || fail "expected a stale socket after kill -9"
run_status out err st vx "$dir" vsctl show
check_eq "$st" 1 "vxstack against a dead daemon"
check_contains "$err" "cannot connect to vxstackd at $dir/vxstackd.ctl" "dead daemon error"
start_daemon "$dir" --enable-dummy=override
check_eq "$(vx "$dir" vsctl get interface tap4 ofport)" 4 "tap4 ofport after kill -9"
stop_daemon "$dir"
grep -q 'vsctl add-br br-int' "$dir/vxstackd.log" || fail "log lacks the vsctl command"
exit 0
