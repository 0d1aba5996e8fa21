#!/bin/bash
# The seed's switch built through the CLI prints the seed's views:
# `vsctl show`, `ofctl dump-flows --names` of the four bridges (same
# flows, same order), `dpctl show`'s port list and `appctl
# ofproto/list-tunnels`, compared with ../shared/seed/outputs after
# normalising only what is dynamic or environment-specific.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

seed=$VXSTACK_TOP/tests/data/seed
new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" --with-learned || fail "building the seed"

# dump-flows: identical except durations and counters.
norm_stats() {
    sed -E 's/duration=[0-9.]+s/duration=X/; s/n_packets=[0-9]+/n_packets=N/; s/n_bytes=[0-9]+/n_bytes=N/'
}
for br in br-int br-tun br-provider br-mgmt; do
    check_eq "$(vx "$dir" ofctl dump-flows --names "$br" | norm_stats)" \
             "$(grep -v '^\$ ' "$seed/ovs-ofctl-dump-flows-$br.txt" | norm_stats)" \
             "dump-flows $br"
done

# list-tunnels: byte for byte.
check_eq "$(vx "$dir" appctl ofproto/list-tunnels)" \
         "$(grep -v '^\$ ' "$seed/ovs-appctl-ofproto-list-tunnels.txt")" \
         "ofproto/list-tunnels"

# dpctl show: the port list byte for byte (the seed's NICs eth2/eth3 are
# dummy devices here, shown with their type); the counters are dynamic.
check_eq "$(vx "$dir" dpctl show | grep '^  port' | sed 's/ (dummy)$//')" \
         "$(grep '^  port' "$seed/ovs-dpctl-show.txt")" \
         "dpctl show ports"
vx "$dir" dpctl show | head -7 | grep -qE '^  lookups: hit:[0-9]+ missed:[0-9]+ lost:[0-9]+$' \
    || fail "dpctl show lookups line"

# vsctl show: the same tree once the UUID line, the order of bridges and
# ports (OVSDB's UUID order, random), the version, the controllers'
# connection state (no OpenFlow controller connects here) and the device
# types of the seed's NICs and tap (dummy devices here) are normalised.
norm_show() {
    python3 "$VXSTACK_TOP/tests/scenario/norm_vsctl_show.py"
}
actual_show=$(vx "$dir" vsctl show | norm_show) || fail "vsctl show"
check_eq "$actual_show" \
         "$(grep -v '^\$ ' "$seed/ovs-vsctl-show.txt" | norm_show)" \
         "vsctl show"
echo "seed views agree"
