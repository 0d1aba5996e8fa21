#!/bin/bash
# Two vxstackd nodes in network namespaces (root): the network node on the
# seed's underlay 172.16.0.11 and the compute node on 172.16.0.31, joined
# by a veth pair, each with br-int/br-tun, the seed's br-tun flows and a
# VXLAN tunnel to the other.  Two instance namespaces (192.168.101.x/24,
# MTU 1450, offloads at their defaults) are attached by real taps that the
# daemons create and that are then moved into them.  Ping (also 1450-byte
# packets with DF) and a TCP transfer cross the tunnel; tcpdump on the
# underlay veth sees VNI 239 and full-size 1450-MTU inner frames, never an
# outer packet over the underlay's 1500.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"
. "$(dirname "$0")/twonode.bash"

require_root_netns
require_tool tcpdump ping python3
require_feature tap vxlan
export VXSTACK_REAL_PORTS=1

net_ip=172.16.0.11
cmp_ip=172.16.0.31
vm1_ip=192.168.101.85          # on the compute node
vm2_ip=192.168.101.10          # on the network node
tap1=tap648437e1-0d
tap2=tap5a0c1e2f-3b

ns_add net_ns net
ns_add cmp_ns cmp
ns_add vm1 vm1
ns_add vm2 vm2
underlay "$net_ns" $net_ip "$cmp_ns" $cmp_ip

new_rundir net
new_rundir cmp
start_daemon_in "$net_ns" "$net"
start_daemon_in "$cmp_ns" "$cmp"
node_build "$net" $net_ip $cmp_ip 5 $tap2 tap || fail "building the network node"
node_build "$cmp" $cmp_ip $net_ip 3 $tap1 tap || fail "building the compute node"
attach_instance "$cmp_ns" "$vm1" $tap1 $vm1_ip
attach_instance "$net_ns" "$vm2" $tap2 $vm2_ip
for n in "$net $tap2" "$cmp $tap1" "$net $(tunnel_name $cmp_ip)" \
         "$cmp $(tunnel_name $net_ip)"; do
    set -- $n
    err=$(node_iface_error "$1" "$2")
    [ -z "$err" ] || [ "$err" = "[]" ] || fail "interface $2: $err"
done
check_eq "$(ip -n "$vm1" -o link show $tap1 | grep -o 'mtu [0-9]*')" "mtu 1450" \
    "the instance tap's MTU"

# Watch the underlay while the instances talk.  A veth passes UDP GSO
# super-packets whole, which tcpdump would show as one long packet; without
# that offload the kernel cuts them before the capture point, as a NIC
# would on the wire, so the capture shows the datagrams the peer receives.
wire_segments=0
if command -v ethtool >/dev/null; then
    ip netns exec "$cmp_ns" ethtool -K ul0 tx-udp-segmentation off 2>/dev/null \
        && ip netns exec "$net_ns" ethtool -K ul0 tx-udp-segmentation off 2>/dev/null \
        && wire_segments=1
fi
# Headers only, and the first 20000 packets: the pings and the start of the
# TCP transfer are enough.
bg_in "$cmp_ns" td tcpdump -i ul0 -n -U -s 200 -c 20000 -w "$cmp/ul0.pcap" \
    udp port 4789 2>"$cmp/tcpdump.err"
for i in $(seq 50); do
    grep -q listening "$cmp/tcpdump.err" 2>/dev/null && break
    sleep 0.1
done

ip netns exec "$vm1" ping -c 3 -i 0.2 -W 2 $vm2_ip \
    || fail "ping from the compute node's instance to the network node's"
ip netns exec "$vm2" ping -c 3 -i 0.2 -W 2 $vm1_ip \
    || fail "ping from the network node's instance to the compute node's"
# The largest packet the 1450 MTU allows, not fragmented.
ip netns exec "$vm1" ping -c 2 -i 0.2 -W 2 -M do -s 1422 $vm2_ip \
    || fail "1450-byte ping with DF"

tcp_transfer bytes "$vm1" "$vm2" $vm2_ip
echo "TCP from vm1 to vm2: $bytes bytes in 2 s"
tcp_transfer bytes "$vm2" "$vm1" $vm1_ip
echo "TCP from vm2 to vm1: $bytes bytes in 2 s"

sleep 0.3
kill -INT "$td" 2>/dev/null
wait "$td"
wire=$(tcpdump -n -e -r "$cmp/ul0.pcap" 2>/dev/null)
echo "$wire" | grep -E "ICMP echo request" | head -n 2
echo "$wire" | grep -qE "$cmp_ip\.[0-9]+ > $net_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
    || { echo "$wire" | head -n 4; fail "tcpdump on ul0: no VXLAN VNI 239 from the compute node"; }
echo "$wire" | grep -qE "$net_ip\.[0-9]+ > $cmp_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
    || fail "tcpdump on ul0: no VXLAN VNI 239 from the network node"
# Outer frames: at most 1514 bytes (1500-byte IP packets), and the TCP
# transfer fills them: inner frames of 1464 bytes (1450 + Ethernet).
outer_max=$(echo "$wire" | grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.' \
    | sed -n 's/.*, ethertype IPv4 (0x0800), length \([0-9]*\):.*/\1/p' \
    | sort -n | tail -n 1)
inner_max=$(echo "$wire" | grep -vE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.' \
    | sed -n 's/.*, ethertype IPv4 (0x0800), length \([0-9]*\):.*/\1/p' \
    | sort -n | tail -n 1)
echo "largest outer frame $outer_max, largest inner frame $inner_max"
if [ $wire_segments = 1 ]; then
    check_eq "$outer_max" 1514 "largest outer frame on the underlay"
else
    echo "no ethtool: outer frames may be GSO super-packets, not checked"
fi
check_eq "$inner_max" 1464 "largest inner frame on the underlay"

# A capture on the tap from the daemon's side shows the instance's frames.
vx "$cmp" capture -i $tap1 -c 1 -w "$cmp/tap.pcap" 2>/dev/null &
cap=$!
sleep 0.3
ip netns exec "$vm1" ping -c 1 -W 2 $vm2_ip >/dev/null || fail "ping for the capture"
for i in $(seq 30); do kill -0 $cap 2>/dev/null || break; sleep 0.1; done
kill -0 $cap 2>/dev/null && { kill $cap; fail "capture on $tap1 saw nothing"; }
wait $cap || fail "capture on $tap1 failed"
tcpdump -n -r "$cmp/tap.pcap" 2>/dev/null | grep -q "$vm1_ip > $vm2_ip: ICMP echo request" \
    || fail "capture on $tap1 | tcpdump -r: no echo request"
echo "two-node-netns: all checks passed"
