#!/bin/bash
# The seed's switch built through the CLI gives the same ofproto/trace,
# fdb/show and dump-flows output as real Open vSwitch 3.1 did for the same
# commands (tests/data/ovs/traces/, recorded by tests/ovs/record-all.sh),
# after normalising what differs by design (see ovs_golden.py).
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" || fail "building the seed"

traces=$VXSTACK_TOP/tests/data/ovs/traces
files=$(ls "$traces"/[0-9]*.txt | grep -v 00-setup-underlay)
python3 "$VXSTACK_TOP/tests/scenario/ovs_golden.py" \
    --vxstack "$VXSTACK" --rundir "$dir" \
    --skip-cmd 'ovs_sandbox_netns' --skip-cmd 'tnl/' --skip-cmd 'ovs/route' \
    $files || fail "outputs differ from Open vSwitch's"
