#!/bin/bash
# Builds the seed's four bridges (br-int, br-tun, br-provider, br-mgmt) with
# the seed's ports and flows inside a running OVS sandbox (sandbox.sh).
#
# Use it from another bash script:
#
#     . tests/ovs/sandbox.sh
#     . tests/ovs/build-seed.sh
#     ovs_sandbox_start
#     ovs_seed_build                # static table-20 flow learned later
#     ovs_seed_build --with-learned # also load the seed's learned flow
#
# or run one command against a freshly built seed:
#
#     tests/ovs/build-seed.sh [--with-learned] [COMMAND...]
#
# Port numbering (see tests/data/ovs/README.md for the reasons):
#
#   bridge       OpenFlow port         ofport  datapath port (netdev)
#   br-provider  br-provider (LOCAL)   65534   1
#                phy-br-provider       1       - (patch)
#                eth2 (dummy)          2       2
#   br-mgmt      br-mgmt (LOCAL)       65534   4
#                phy-br-mgmt           1       - (patch)
#                eth3 (dummy)          2       3
#   br-int       br-int (LOCAL)        65534   5
#                int-br-provider       1       - (patch)
#                int-br-mgmt           2       - (patch)
#                patch-tun             3       - (patch)
#                tap648437e1-0d (dummy, tag 3)  4  8
#                tap0ab9a23c-99 (tag 1, no device) -1  -
#                tap635485ff-6c (tag 2, no device) -1  -
#   br-tun       br-tun (LOCAL)        65534   6
#                patch-int             1       - (patch)
#                vxlan-ac10000b        2       7 (vxlan_sys_4789)
#
# The datapath port numbers equal the seed's `ovs-dpctl show`.

# The seed's outputs: $OVS_SEED_DIR, else shared/seed/outputs next to the
# checkout (../shared for /work/main, ../../shared for /work/wt/NAME).
if [ -z "${OVS_SEED_DIR:-}" ]; then
    ovs_seed__root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    for OVS_SEED_DIR in "$ovs_seed__root/../shared/seed/outputs" \
                        "$ovs_seed__root/../../shared/seed/outputs" \
                        /work/shared/seed/outputs; do
        [ -d "$OVS_SEED_DIR" ] && break
    done
    unset ovs_seed__root
fi

OVS_SEED_BRIDGES="br-int br-tun br-provider br-mgmt"

# Runs ovs-vsctl with a timeout so that a wedged daemon fails the script.
ovs_seed__vsctl() {
    ovs-vsctl --timeout=20 "$@"
}

# Prints the add-flows input for bridge BR: the seed's dump-flows file
# without its "$ ..." command line.  OVS itself ignores the duration,
# n_packets and n_bytes fields (lib/ofp-flow.c parse_ofp_str__), so the
# lines are fed back unchanged, cookies and hard_timeout included.  With
# SKIP_LEARNED=1, the learned (hard_timeout) flow of br-tun table 20 is
# left out.
ovs_seed_flows() {
    local br=$1 file="$OVS_SEED_DIR/ovs-ofctl-dump-flows-$1.txt"
    [ -r "$file" ] || { echo "build-seed.sh: $file not found" >&2; return 1; }
    if [ "${SKIP_LEARNED:-0}" = 1 ]; then
        grep -v '^\$ ' "$file" | grep -v 'hard_timeout=300, priority=1,vlan_tci'
    else
        grep -v '^\$ ' "$file"
    fi
}

# Creates the bridges, ports and flows.  Each step is its own ovs-vsctl
# transaction so that the netdev datapath hands out port numbers in the
# seed's order (dpif-netdev takes the lowest free number).
ovs_seed_build() {
    local with_learned=0 br
    if [ "${1:-}" = --with-learned ]; then
        with_learned=1
    fi

    # The Open_vSwitch row: a manager entry as in the seed.  Our
    # ovsdb-server does not read it (no db:... remote), so it only shows.
    # ovs_version is what ovs-ctl writes at startup on a real system.
    ovs_seed__vsctl set-manager ptcp:6640:127.0.0.1 || return 1
    ovs_seed__vsctl set Open_vSwitch . \
        "ovs_version=\"$(ovs-vswitchd --version | sed -n '1s/.* //p')\"" \
        || return 1

    # br-provider (dp 1) + eth2 (dp 2).  eth3 goes on br-provider first so
    # that it takes dp port 3 before br-mgmt's internal port takes 4, as in
    # the seed; it then moves to br-mgmt and keeps dp port 3.
    ovs_seed__vsctl add-br br-provider \
        -- set bridge br-provider datapath_type=netdev fail_mode=secure \
           protocols=OpenFlow10,OpenFlow13 || return 1
    ovs_seed__vsctl add-port br-provider eth2 \
        -- set interface eth2 type=dummy ofport_request=2 || return 1
    ovs_seed__vsctl add-port br-provider eth3 \
        -- set interface eth3 type=dummy || return 1
    ovs_seed__vsctl add-br br-mgmt \
        -- set bridge br-mgmt datapath_type=netdev fail_mode=secure \
           protocols=OpenFlow10,OpenFlow13 || return 1
    ovs_seed__vsctl del-port br-provider eth3 \
        -- add-port br-mgmt eth3 \
        -- set interface eth3 type=dummy ofport_request=2 || return 1

    # br-int (dp 5): firewall needs OpenFlow10..14 (Neutron adds them).
    ovs_seed__vsctl add-br br-int \
        -- set bridge br-int datapath_type=netdev fail_mode=secure \
           protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14 \
        || return 1
    # Patch pairs between br-int and the physical bridges.
    ovs_seed__vsctl \
        add-port br-int int-br-provider \
        -- set interface int-br-provider type=patch \
           options:peer=phy-br-provider ofport_request=1 \
        -- add-port br-provider phy-br-provider \
        -- set interface phy-br-provider type=patch \
           options:peer=int-br-provider ofport_request=1 || return 1
    ovs_seed__vsctl \
        add-port br-int int-br-mgmt \
        -- set interface int-br-mgmt type=patch \
           options:peer=phy-br-mgmt ofport_request=2 \
        -- add-port br-mgmt phy-br-mgmt \
        -- set interface phy-br-mgmt type=patch \
           options:peer=int-br-mgmt ofport_request=1 || return 1

    # br-tun (dp 6), its patch pair with br-int, then the tunnel (dp 7).
    ovs_seed__vsctl add-br br-tun \
        -- set bridge br-tun datapath_type=netdev fail_mode=secure \
           protocols=OpenFlow10,OpenFlow13 || return 1
    ovs_seed__vsctl \
        add-port br-int patch-tun \
        -- set interface patch-tun type=patch options:peer=patch-int \
           ofport_request=3 \
        -- add-port br-tun patch-int \
        -- set interface patch-int type=patch options:peer=patch-tun \
           ofport_request=1 || return 1
    ovs_seed__vsctl add-port br-tun vxlan-ac10000b \
        -- set interface vxlan-ac10000b type=vxlan ofport_request=2 \
           options:df_default=true options:egress_pkt_mark=0 \
           options:in_key=flow options:local_ip=172.16.0.31 \
           options:out_key=flow options:remote_ip=172.16.0.11 || return 1

    # The instance's tap (dp 8): a dummy port, access VLAN 3, ofport 4.
    ovs_seed__vsctl add-port br-int tap648437e1-0d tag=3 \
        -- set interface tap648437e1-0d type=dummy ofport_request=4 \
           mtu_request=1450 \
           external_ids:attached-mac=fa:16:3e:61:21:c6 \
           external_ids:iface-status=active \
           external_ids:vm-uuid=2337b0eb-372c-43b8-923e-90a89337d211 \
        || return 1
    # The two stale ports: no type (= system), no such device => error.
    ovs_seed__vsctl add-port br-int tap0ab9a23c-99 tag=1 || return 1
    ovs_seed__vsctl add-port br-int tap635485ff-6c tag=2 || return 1

    # Controllers as in the seed, out-of-band (as Neutron sets them).  The
    # daemon runs in its own network namespace, so nothing is reached.
    for br in $OVS_SEED_BRIDGES; do
        ovs_seed__vsctl set-controller "$br" tcp:127.0.0.1:6633 \
            -- set controller "$br" connection_mode=out-of-band || return 1
    done

    # Flows.
    for br in $OVS_SEED_BRIDGES; do
        if [ "$with_learned" = 1 ]; then
            ovs_seed_flows "$br" | ovs-ofctl add-flows "$br" - || return 1
        else
            SKIP_LEARNED=1 ovs_seed_flows "$br" \
                | ovs-ofctl add-flows "$br" - || return 1
        fi
    done
    return 0
}

# Executed rather than sourced: build the seed in a new sandbox, then run
# "$@" (or an interactive shell) in it.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    . "$(dirname "$0")/sandbox.sh"
    args=()
    if [ "${1:-}" = --with-learned ]; then
        args=(--with-learned)
        shift
    fi
    ovs_sandbox_start || exit 1
    ovs_seed_build "${args[@]}" || exit 1
    if [ $# -gt 0 ]; then
        "$@"
    else
        echo "seed built in $OVS_SANDBOX_DIR; exit the shell to stop it" >&2
        "${SHELL:-/bin/bash}" -i
    fi
fi
