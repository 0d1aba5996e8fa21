#!/bin/bash
# Robustness under traffic (root): three vxstackd nodes in namespaces on
# one underlay bridge (compute 172.16.0.31, network 172.16.0.11, a second
# network node 172.16.0.41), instances on real taps.  While two pings run
# every 0.2 s on the compute node (one across the tunnel to the network
# node, one to a local instance):
#   1. an instance port is deleted,
#   2. the tunnel port to the second network node is deleted (the compute
#      node's VXLAN socket stays: the other tunnel uses it),
#   3. an instance's namespace is deleted under its tap: the daemon lives
#      on, `vsctl show` shows the interface's error, a capture on the tap
#      ends saying that its device failed,
# and the two pings lose nothing.  Then the deleted pieces are added back
# and work again.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"
. "$(dirname "$0")/twonode.bash"

require_root_netns
require_tool ping
require_feature tap vxlan
export VXSTACK_REAL_PORTS=1

cmp_ip=172.16.0.31
net_ip=172.16.0.11
net2_ip=172.16.0.41
tun_net=$(tunnel_name $net_ip)        # on the compute node
tun_net2=$(tunnel_name $net2_ip)      # on the compute node

# The underlay: a bridge in its own namespace, one veth "ul0" per node.
ns_add ul_ns ul
ip -n "$ul_ns" link add br0 type bridge || fail "underlay bridge"
ip -n "$ul_ns" link set br0 up || fail "underlay bridge up"
n_ul=0
node_ns() {     # node_ns VAR ROLE IP: a node namespace on the underlay
    local __node
    ns_add __node "$2"
    n_ul=$((n_ul + 1))
    ip -n "$__node" link add ul0 type veth peer name ul$n_ul netns "$ul_ns" \
        || fail "underlay veth of $2"
    ip -n "$ul_ns" link set ul$n_ul master br0 up || fail "ul$n_ul up"
    ip -n "$__node" addr add "$3/24" dev ul0 || fail "address of $2"
    ip -n "$__node" link set ul0 up || fail "ul0 up in $2"
    printf -v "$1" '%s' "$__node"
}
node_ns cmp_ns cmp $cmp_ip
node_ns net_ns net $net_ip
node_ns net2_ns net2 $net2_ip

new_rundir cmp
new_rundir net
new_rundir net2
start_daemon_in "$cmp_ns" "$cmp"
start_daemon_in "$net_ns" "$net"
start_daemon_in "$net2_ns" "$net2"
node_build "$net" $net_ip $cmp_ip 5 tap00000002-aa tap || fail "network node"
node_build "$net2" $net2_ip $cmp_ip 7 tap00000003-aa tap || fail "network node 2"
node_build "$cmp" $cmp_ip $net_ip 3 tap00000001-aa tap || fail "compute node"

# The compute node's second tunnel, as the agent adds one: its table-0
# flow and the flood flow to every tunnel.
flood_to() {    # flood_to TUNNEL...: the compute node's table-22 flow
    local t actions="strip_vlan,load:0xef->NXM_NX_TUN_ID[]"
    for t in "$@"; do actions="$actions,output:$t"; done
    vx "$cmp" ofctl add-flow br-tun "table=22,priority=1,dl_vlan=3 actions=$actions" \
        || fail "flood flow to $*"
}
add_tunnel_net2() {
    vx "$cmp" vsctl add-port br-tun $tun_net2 \
        -- set interface $tun_net2 type=vxlan options:df_default=true \
               options:in_key=flow options:local_ip=$cmp_ip \
               options:out_key=flow options:remote_ip=$net2_ip \
        || fail "adding $tun_net2"
    vx "$cmp" ofctl add-flow br-tun "table=0,priority=1,in_port=$tun_net2 actions=resubmit(,4)" \
        || fail "table 0 flow of $tun_net2"
    flood_to $tun_net $tun_net2
}
add_tunnel_net2

# Instances: vm1, vm1b, vm1c, vm1d on the compute node; vm2 on the network
# node, vm3 on the second one.
instance() {    # instance VAR ROLE NODE_NS DIR TAP IP [new]
    local __vm
    ns_add __vm "$2"
    if [ "${7:-}" = new ]; then
        vx "$4" vsctl add-port br-int "$5" tag=3 \
            -- set interface "$5" type=tap mtu_request=1450 \
            || fail "adding $5"
    fi
    attach_instance "$3" "$__vm" "$5" "$6"
    printf -v "$1" '%s' "$__vm"
}
instance vm1 vm1 "$cmp_ns" "$cmp" tap00000001-aa 192.168.101.11
instance vm1b vm1b "$cmp_ns" "$cmp" tap00000001-bb 192.168.101.12 new
instance vm1c vm1c "$cmp_ns" "$cmp" tap00000001-cc 192.168.101.13 new
instance vm1d vm1d "$cmp_ns" "$cmp" tap00000001-dd 192.168.101.14 new
instance vm2 vm2 "$net_ns" "$net" tap00000002-aa 192.168.101.21
instance vm3 vm3 "$net2_ns" "$net2" tap00000003-aa 192.168.101.31

# Everything reaches everything before the test starts.
for pair in "$vm1 192.168.101.21" "$vm1 192.168.101.12" \
            "$vm1c 192.168.101.31" "$vm1d 192.168.101.21"; do
    set -- $pair
    ip netns exec "$1" ping -c 1 -W 3 "$2" >/dev/null \
        || fail "$1 cannot reach $2 before the test"
done

# Two pings that must lose nothing, 10 s each.
n_ping=50
new_rundir out
bg_in "$vm1" ping_tun ping -i 0.2 -c $n_ping -W 1 192.168.101.21 \
    >"$out/tun.txt"
bg_in "$vm1" ping_local ping -i 0.2 -c $n_ping -W 1 192.168.101.12 \
    >"$out/local.txt"
sleep 1

# 1. An instance port goes away.
vx "$cmp" vsctl del-port br-int tap00000001-cc || fail "del-port instance"
sleep 1
# 2. A tunnel port goes away (the agent also drops it from the flood flow).
vx "$cmp" vsctl del-port br-tun $tun_net2 || fail "del-port tunnel"
flood_to $tun_net
sleep 1
# 3. An instance's namespace vanishes with its tap, while a capture runs
# on it.
vx "$cmp" capture -i tap00000001-dd >/dev/null 2>"$out/cap.err" &
cap=$!
sleep 0.3
ip netns del "$vm1d" || fail "ip netns del $vm1d"
for i in $(seq 50); do
    err=$(node_iface_error "$cmp" tap00000001-dd)
    [ -n "$err" ] && [ "$err" != "[]" ] && break
    sleep 0.1
done
echo "error of tap00000001-dd: $err"
[ -n "$err" ] && [ "$err" != "[]" ] || fail "no error for the vanished tap"
kill -0 "$(cat "$cmp/vxstackd.pid")" || fail "vxstackd died"
show=$(vx "$cmp" vsctl show) || fail "vsctl show after the namespace went"
check_contains "$show" "Port tap00000001-dd" "the vanished tap's port"
check_contains "$show" "error: " "vsctl show error line"
echo "$show" | grep -A4 'Port tap00000001-dd'
for i in $(seq 50); do kill -0 $cap 2>/dev/null || break; sleep 0.1; done
kill -0 $cap 2>/dev/null && { kill $cap; fail "the capture on the vanished tap did not end"; }
wait $cap && fail "the capture on the vanished tap exited with status 0"
cat "$out/cap.err"
check_contains "$(cat "$out/cap.err")" "capture on tap00000001-dd ended: the device of port tap00000001-dd failed (" \
    "the capture's message when its tap vanished"

wait "$ping_tun"
wait "$ping_local"
for p in tun local; do
    summary=$(grep 'packets transmitted' "$out/$p.txt")
    echo "$p: $summary"
    check_contains "$summary" "$n_ping packets transmitted, $n_ping received" \
        "the $p ping lost packets"
done

# 4. Adding back works: the tunnel, the deleted port, a new namespace for
# the vanished one.
add_tunnel_net2
vx "$cmp" vsctl add-port br-int tap00000001-cc tag=3 \
    -- set interface tap00000001-cc type=tap mtu_request=1450 \
    || fail "re-adding tap00000001-cc"
ip -n "$vm1c" addr flush dev tap00000001-cc 2>/dev/null
attach_instance "$cmp_ns" "$vm1c" tap00000001-cc 192.168.101.13
ip netns exec "$vm1c" ping -c 3 -i 0.2 -W 3 192.168.101.31 >/dev/null \
    || fail "the re-added port cannot reach the second network node"
# Deleted and added in one transaction: a new Interface row, a new tap.
vx "$cmp" vsctl del-port br-int tap00000001-dd \
    -- add-port br-int tap00000001-dd tag=3 \
    -- set interface tap00000001-dd type=tap mtu_request=1450 \
    || fail "re-adding tap00000001-dd"
ns_add vm1d vm1d-again
attach_instance "$cmp_ns" "$vm1d" tap00000001-dd 192.168.101.14
ip netns exec "$vm1d" ping -c 3 -i 0.2 -W 3 192.168.101.21 >/dev/null \
    || fail "the re-added tap cannot reach the network node"
err=$(node_iface_error "$cmp" tap00000001-dd)
[ -z "$err" ] || [ "$err" = "[]" ] || fail "error left on the re-added tap: $err"
echo "two-node-robust: all checks passed"
