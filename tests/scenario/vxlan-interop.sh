#!/bin/bash
# VXLAN interoperability (root): one node is vxstackd (compute node,
# underlay 172.16.0.31, instance on a real tap), the other is
#   1. the Linux kernel: a vxlan device (VNI 239, UDP 4789, local
#      172.16.0.11, remote 172.16.0.31) in a bridge with a veth to the
#      instance namespace;
#   2. Open vSwitch's userspace (netdev) datapath, where openvswitch-switch
#      is installed: a private ovsdb-server and ovs-vswitchd in the node's
#      namespace, br-underlay holding the underlay veth and the endpoint
#      address, br-int with the instance's internal port and a vxlan port
#      with key 239 (as bench/vxlan builds it).
# Ping and TCP must work both ways with the same VNI on the wire.  Each
# part builds its own namespaces and tears them down before the next.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"
. "$(dirname "$0")/twonode.bash"

require_root_netns
require_tool tcpdump ping python3 ethtool
require_feature tap vxlan
export VXSTACK_REAL_PORTS=1

vxs_ip=172.16.0.31
peer_ip=172.16.0.11
vm1_ip=192.168.101.85      # behind vxstack
vm2_ip=192.168.101.10      # behind the peer
tap1=tap648437e1-0d

# vxstack_node PART: namespaces PART-vxs (the node) and PART-vm1 (the
# instance), the peer's node namespace PART-peer and instance PART-vm2,
# the underlay between the nodes, and vxstackd with its tap moved into
# vm1.  Sets vxs_ns, peer_ns, vm1, vm2 and vxs (run directory).
vxstack_node() {
    local part=$1
    ns_add vxs_ns "$part-vxs"
    ns_add peer_ns "$part-peer"
    ns_add vm1 "$part-vm1"
    ns_add vm2 "$part-vm2"
    underlay "$vxs_ns" $vxs_ip "$peer_ns" $peer_ip
    # A veth hands packets over with their checksums unfinished when its
    # sender leaves them to the hardware; the receiving end, if it reads
    # the bytes (a UDP socket reading the inner frame, OVS reading with
    # AF_PACKET), sees wrong checksums where a NIC would have filled them
    # in on the wire.  Without checksum offload on the underlay veths the
    # kernels finish them, as a NIC would.
    ip netns exec "$vxs_ns" ethtool -K ul0 tx off >/dev/null \
        || fail "$part: ethtool -K ul0 tx off"
    ip netns exec "$peer_ns" ethtool -K ul0 tx off >/dev/null \
        || fail "$part: ethtool -K ul0 tx off"
    new_rundir vxs
    start_daemon_in "$vxs_ns" "$vxs"
    node_build "$vxs" $vxs_ip $peer_ip 3 $tap1 tap \
        || fail "$part: building the vxstack node"
    attach_instance "$vxs_ns" "$vm1" $tap1 $vm1_ip
    err=$(node_iface_error "$vxs" $tap1)
    [ -z "$err" ] || [ "$err" = "[]" ] || fail "$part: $tap1: $err"
}

# check_traffic PART: ping and TCP both ways between vm1 and vm2, and VNI
# 239 in both directions on the underlay.
check_traffic() {
    local part=$1 td bytes wire
    bg_in "$vxs_ns" td tcpdump -i ul0 -n -U -c 40 -w "$vxs/$part.pcap" \
        udp port 4789 2>"$vxs/$part.tcpdump.err"
    for i in $(seq 50); do
        grep -q listening "$vxs/$part.tcpdump.err" 2>/dev/null && break
        sleep 0.1
    done
    ip netns exec "$vm1" ping -c 3 -i 0.2 -W 2 $vm2_ip \
        || fail "$part: ping from vxstack's instance to the peer's"
    ip netns exec "$vm2" ping -c 3 -i 0.2 -W 2 $vm1_ip \
        || fail "$part: ping from the peer's instance to vxstack's"
    ip netns exec "$vm1" ping -c 2 -i 0.2 -W 2 -M do -s 1422 $vm2_ip \
        || fail "$part: 1450-byte ping with DF from vxstack's instance"
    ip netns exec "$vm2" ping -c 2 -i 0.2 -W 2 -M do -s 1422 $vm1_ip \
        || fail "$part: 1450-byte ping with DF from the peer's instance"
    tcp_transfer bytes "$vm1" "$vm2" $vm2_ip
    echo "$part: TCP vxstack -> peer: $bytes bytes in 2 s"
    tcp_transfer bytes "$vm2" "$vm1" $vm1_ip
    echo "$part: TCP peer -> vxstack: $bytes bytes in 2 s"
    for i in $(seq 30); do kill -0 "$td" 2>/dev/null || break; sleep 0.1; done
    kill -INT "$td" 2>/dev/null
    wait "$td"
    wire=$(tcpdump -n -r "$vxs/$part.pcap" 2>/dev/null)
    echo "$wire" | grep -qE "IP $vxs_ip\.[0-9]+ > $peer_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
        || fail "$part: no VNI 239 from vxstack on the underlay"
    echo "$wire" | grep -qE "IP $peer_ip\.[0-9]+ > $vxs_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
        || fail "$part: no VNI 239 from the peer on the underlay"
}

# teardown: stops every process started so far and deletes the
# namespaces, so that the next part starts afresh.
teardown() {
    twonode_cleanup
    SCENARIO_PIDS=()
    TWONODE_NETNS=()
}

# 1. The Linux kernel's vxlan device.
vxstack_node k
ip -n "$peer_ns" link add vx0 type vxlan id 239 local $peer_ip \
    remote $vxs_ip dstport 4789 dev ul0 || fail "kernel vxlan device"
ip -n "$peer_ns" link add br0 type bridge || fail "kernel bridge"
ip -n "$vm2" link add eth0 mtu 1450 type veth peer name tapvm2 \
    netns "$peer_ns" || fail "instance veth"
ip -n "$peer_ns" link set tapvm2 mtu 1450 master br0 up || fail "tapvm2"
ip -n "$peer_ns" link set vx0 master br0 up || fail "vx0 up"
ip -n "$peer_ns" link set br0 up || fail "br0 up"
ip -n "$vm2" addr add $vm2_ip/24 dev eth0 || fail "vm2 address"
ip -n "$vm2" link set eth0 up || fail "vm2 eth0 up"
check_traffic kernel
echo "kernel vxlan: interoperates"
teardown

# 2. Open vSwitch's userspace datapath.
if ! command -v ovs-vswitchd >/dev/null || ! command -v ovsdb-server >/dev/null \
   || [ ! -f /usr/share/openvswitch/vswitch.ovsschema ]; then
    echo "Open vSwitch is not installed: the OVS part is skipped"
    echo "vxlan-interop: kernel part passed"
    exit 0
fi
vxstack_node o
ovs=$(mktemp -d /tmp/vxs-scenario.XXXXXX) || fail mktemp
SCENARIO_DIRS+=("$ovs")
ovs_vsctl() { ovs-vsctl --db="unix:$ovs/db.sock" --timeout=10 "$@"; }
ovs_appctl() { ovs-appctl --target="$ovs/ovs-vswitchd.ctl" --timeout=10 "$@"; }
ovsdb-tool create "$ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema \
    || fail "ovsdb-tool create"
OVS_RUNDIR=$ovs OVS_DBDIR=$ovs OVS_LOGDIR=$ovs OVS_SYSCONFDIR=$ovs \
    ovsdb-server "$ovs/conf.db" --remote="punix:$ovs/db.sock" \
    --unixctl="$ovs/ovsdb-server.ctl" --log-file="$ovs/ovsdb-server.log" \
    -vconsole:off </dev/null >/dev/null 2>&1 &
SCENARIO_PIDS+=($!)
for i in $(seq 50); do [ -S "$ovs/db.sock" ] && break; sleep 0.1; done
ovs_vsctl --no-wait init || fail "ovs-vsctl init"
OVS_RUNDIR=$ovs OVS_DBDIR=$ovs OVS_LOGDIR=$ovs OVS_SYSCONFDIR=$ovs \
    ip netns exec "$peer_ns" ovs-vswitchd "unix:$ovs/db.sock" \
    --disable-system --unixctl="$ovs/ovs-vswitchd.ctl" \
    --log-file="$ovs/ovs-vswitchd.log" -vconsole:off \
    </dev/null >/dev/null 2>&1 &
SCENARIO_PIDS+=($!)
ovs_vsctl --timeout=10 wait-until Open_vSwitch . 'cur_cfg>=0' >/dev/null \
    || fail "ovs-vswitchd did not start"
# The underlay address moves from ul0 to br-underlay, OVS's tunnel
# endpoint (userspace tunnelling).
ip -n "$peer_ns" addr flush dev ul0
ovs_vsctl add-br br-underlay -- set bridge br-underlay datapath_type=netdev \
    -- add-port br-underlay ul0 || fail "OVS br-underlay"
for i in $(seq 50); do ip -n "$peer_ns" link show br-underlay >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$peer_ns" addr add $peer_ip/24 dev br-underlay || fail "br-underlay address"
ip -n "$peer_ns" link set br-underlay up || fail "br-underlay up"
# The endpoint's MAC changed with it: forget what the vxstack node's kernel
# learned about ul0's.
ip -n "$vxs_ns" neigh flush dev ul0
ovs_vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
    -- add-port br-int tapvm2 -- set interface tapvm2 type=internal \
           mtu_request=1450 \
    -- add-port br-int vxlan0 -- set interface vxlan0 type=vxlan \
           options:remote_ip=$vxs_ip options:local_ip=$peer_ip \
           options:key=239 || fail "OVS br-int"
for i in $(seq 50); do ip -n "$peer_ns" link show tapvm2 >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$peer_ns" link set tapvm2 netns "$vm2" || fail "moving tapvm2"
ip -n "$vm2" link set tapvm2 mtu 1450 || fail "tapvm2 MTU"
ip -n "$vm2" addr add $vm2_ip/24 dev tapvm2 || fail "vm2 address"
ip -n "$vm2" link set tapvm2 up || fail "vm2 tapvm2 up"
for i in $(seq 50); do
    ovs_appctl ovs/route/show 2>/dev/null | grep -q '172.16.0.0/24 dev br-underlay' && break
    sleep 0.1
done
vxs_mac=$(ip netns exec "$vxs_ns" cat /sys/class/net/ul0/address)
ovs_appctl tnl/neigh/set br-underlay $vxs_ip "$vxs_mac" >/dev/null \
    || fail "OVS tnl/neigh/set"
check_traffic ovs
echo "Open vSwitch userspace datapath ($(ovs-vswitchd --version | sed -n '1s/.* //p')): interoperates"
echo "vxlan-interop: all checks passed"
