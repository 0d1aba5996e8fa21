#!/bin/bash
# Like seed-traces, but against a fresh recording: runs real Open vSwitch
# now (tests/ovs/record-all.sh into a temporary folder, about 30 s), then
# compares vxstack's answers to the same commands with what OVS just said.
# Skips when OVS or root is not available.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
command -v ovs-vswitchd >/dev/null || { echo "SKIP: Open vSwitch is not installed"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: recording OVS needs root (tap devices)"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }

new_rundir rec
if ! bash "$VXSTACK_TOP/tests/ovs/record-all.sh" "$rec" > "$rec/record.log" 2>&1; then
    tail -20 "$rec/record.log"
    if grep -q "cannot create tap devices\|refus" "$rec/record.log"; then
        echo "SKIP: the OVS sandbox cannot run here"
        exit 77
    fi
    fail "recording Open vSwitch failed"
fi

new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" || fail "building the seed"
files=$(ls "$rec"/traces/[0-9]*.txt | grep -v 00-setup-underlay)
python3 "$VXSTACK_TOP/tests/scenario/ovs_golden.py" \
    --vxstack "$VXSTACK" --rundir "$dir" \
    --skip-cmd 'ovs_sandbox_netns' --skip-cmd 'tnl/' --skip-cmd 'ovs/route' \
    $files || fail "outputs differ from Open vSwitch's (recorded just now)"
