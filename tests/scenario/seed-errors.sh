#!/bin/bash
# Bad flows, actions, matches and commands given to the seed's switch fail
# exactly where real Open vSwitch 3.1 failed, with OVS's message, and change
# nothing (tests/data/ovs/errors.txt, recorded by tests/ovs/record-all.sh;
# the comparison and its known deviations are in ovs_errors.py).
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" || fail "building the seed"

before=$("$VXSTACK" --rundir "$dir" ofctl dump-flows br-int --no-stats; "$VXSTACK" --rundir "$dir" ofctl dump-flows br-tun --no-stats)
python3 "$VXSTACK_TOP/tests/scenario/ovs_errors.py" \
    --vxstack "$VXSTACK" --rundir "$dir" \
    "$VXSTACK_TOP/tests/data/ovs/errors.txt" || fail "errors differ from Open vSwitch's"
after=$("$VXSTACK" --rundir "$dir" ofctl dump-flows br-int --no-stats; "$VXSTACK" --rundir "$dir" ofctl dump-flows br-tun --no-stats)
# (the commands OVS accepted add flows and delete them again; as in OVS,
# that leaves the dump order as it was)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "the failed commands changed the flow tables"; }
