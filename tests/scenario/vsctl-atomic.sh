#!/bin/bash
# A vsctl command line is one transaction: when any command fails, the
# error is reported on stderr with status 1 and nothing changes, also
# after a restart.
. "$(dirname "$0")/common.bash" || exit 1

new_rundir dir
start_daemon "$dir"
vx "$dir" vsctl add-br br-int -- add-port br-int p1 tag=1 || fail "setup"
before=$(vx "$dir" vsctl show)

check_fails() {  # EXPECTED-ERROR ARGS...
    local expected=$1
    shift
    run_status out err st vx "$dir" vsctl "$@"
    check_eq "$st" 1 "status of vsctl $*"
    check_eq "$out" "" "output of vsctl $*"
    check_eq "$err" "vxstack: $expected" "error of vsctl $*"
    check_eq "$(vx "$dir" vsctl show)" "$before" "database after vsctl $*"
}

check_fails "no bridge named nope" \
    add-br br-new -- add-port br-new p2 -- set port p1 tag=2 -- add-port nope p3
check_fails "constraint violation: 4096 is not in the valid range 0 to 4095 (inclusive)" \
    add-port br-int p2 -- set port p2 tag=4096
check_fails "Error detected while setting up 'patch-x': patch type requires valid 'peer' argument.  See vxstackd log for details." \
    add-port br-int patch-x -- set interface patch-x type=patch
check_fails "Error detected while setting up 'vx': vxlan type requires valid 'remote_ip' argument.  See vxstackd log for details." \
    add-port br-int vx -- set interface vx type=vxlan options:in_key=flow
check_fails "Interface does not contain a column whose name matches \"colour\"" \
    add-port br-int p2 -- set interface p2 colour=red
check_fails "no bridge named br-int" \
    del-br br-int -- add-br br-x -- add-port br-int p1
check_fails "cannot create a port named p1 because a port named p1 already exists on bridge br-int" \
    add-br br-x -- add-port br-x p1

# br-exists exits 2 and also undoes the line.
run_status out err st vx "$dir" vsctl add-br br-y -- br-exists nope
check_eq "$st" 2 "br-exists status"
check_eq "$err" "" "br-exists prints nothing"
check_eq "$(vx "$dir" vsctl show)" "$before" "database after br-exists"

# Nothing of the failed lines reappears after a restart.
stop_daemon "$dir"
start_daemon "$dir"
check_eq "$(vx "$dir" vsctl show)" "$before" "database after restart"
stop_daemon "$dir"
exit 0
