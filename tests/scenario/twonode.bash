# twonode.bash: builds the switch of one node of a two-node VXLAN setup
# (a network node and a compute node) through the CLI, as the Neutron OVS
# agent would: br-int and br-tun joined by patch-tun/patch-int, a vxlan
# tunnel port to the other node named vxlan-%08x of its IP, br-tun's flows
# as in the seed (tests/data/seed, reference/seed-behaviour.md §1.5) with
# the node's own local VLAN for VNI 239, and one instance port on br-int.
# Source after common.bash and seed.bash.

# tunnel_name IP: the agent's tunnel port name for remote IP.
tunnel_name() {
    # shellcheck disable=SC2086  # split the address into its four bytes
    printf 'vxlan-%02x%02x%02x%02x' ${1//./ }
}

# node_build DIR LOCAL_IP REMOTE_IP LVID PORT TYPE: builds the node of run
# directory DIR, whose underlay address is LOCAL_IP, with a tunnel to
# REMOTE_IP, local VLAN LVID for VNI 239 (0xef), and the instance port
# PORT of interface type TYPE (dummy, tap...) on br-int with tag LVID and
# MTU 1450.
node_build() {
    local dir=$1 local_ip=$2 remote_ip=$3 lvid=$4 port=$5 type=$6
    local tunnel
    tunnel=$(tunnel_name "$remote_ip")
    vx "$dir" vsctl add-br br-int \
        -- set bridge br-int fail_mode=secure datapath_type=system \
        -- add-br br-tun \
        -- set bridge br-tun fail_mode=secure datapath_type=system \
        -- add-port br-int patch-tun \
        -- set interface patch-tun type=patch options:peer=patch-int \
        -- add-port br-tun patch-int \
        -- set interface patch-int type=patch options:peer=patch-tun \
        -- add-port br-tun "$tunnel" \
        -- set interface "$tunnel" type=vxlan options:df_default=true \
               options:egress_pkt_mark=0 options:in_key=flow \
               options:local_ip="$local_ip" options:out_key=flow \
               options:remote_ip="$remote_ip" \
        -- add-port br-int "$port" tag="$lvid" \
        -- set interface "$port" type="$type" mtu_request=1450 \
        || return 1
    # br-int: the firewall is not the subject here; NORMAL switches the
    # instance's access port and the patch-tun trunk.
    vx "$dir" ofctl add-flow br-int "priority=0 actions=NORMAL" || return 1
    seed_flows br-tun \
        | sed -e "s/vxlan-ac10000b/$tunnel/g" \
              -e "s/mod_vlan_vid:3,/mod_vlan_vid:$lvid,/" \
              -e "s/dl_vlan=3 /dl_vlan=$lvid /" \
        | vx "$dir" ofctl add-flows br-tun - || return 1
}

# node_iface_error DIR IFACE: prints the error column of IFACE.
node_iface_error() {
    vx "$1" vsctl get interface "$2" error 2>/dev/null
}

# vxstack_features: prints the device types `vxstackd --version` lists on
# its "features:" line.
vxstack_features() {
    "$VXSTACKD" --version 2>/dev/null | sed -n 's/^features: *//p'
}

# require_feature TYPE...: skips the scenario unless vxstackd lists every
# TYPE among its features.
require_feature() {
    local f features
    features=" $(vxstack_features) "
    for f in "$@"; do
        case $features in
            *" $f "*) ;;
            *) echo "SKIP: vxstackd has no real '$f' device class yet" \
                    "(features:${features% })"
               exit 77 ;;
        esac
    done
}
