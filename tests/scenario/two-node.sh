#!/bin/bash
# Two vxstackd nodes on one machine, without root: the network node on
# underlay 127.0.0.11 and the compute node on 127.0.0.31, each with its own
# run directory, br-int and br-tun joined by patch ports, the seed's br-tun
# flows and a real VXLAN tunnel (kernel UDP sockets on port 4789) to the
# other.  An ICMP echo injected on the compute node's instance port crosses
# the tunnel with VNI 239 to the network node's port, the reply comes back;
# br-tun learns the seed's table-20 flows on both sides; captures show the
# frames on the ports and the tunnel metadata on vxlan_sys_4789;
# `ofproto/list-tunnels` prints the seed's line; with root and tcpdump, the
# packets on lo are `VXLAN, flags [I] (0x08), vni 239`.
#
# The instance ports are dummy devices (type=dummy), fed with
# `netdev-dummy/receive`; the tunnel device must be the real one, so the
# daemons run without --enable-dummy=override (VXSTACK_REAL_PORTS=1).
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"
. "$(dirname "$0")/twonode.bash"

require_feature vxlan
export VXSTACK_REAL_PORTS=1

net_ip=127.0.0.11
cmp_ip=127.0.0.31
vm=fa:16:3e:61:21:c6          # the instance on the compute node
gw=fa:16:3e:e9:26:5b          # the router port on the network node
tap=tap648437e1-0d
qr=qr-e9265b00-00
net_tun=$(tunnel_name $cmp_ip)
cmp_tun=$(tunnel_name $net_ip)

new_rundir net
new_rundir cmp
start_daemon "$net"
start_daemon "$cmp"
node_build "$net" $net_ip $cmp_ip 5 $qr dummy || fail "building the network node"
node_build "$cmp" $cmp_ip $net_ip 3 $tap dummy || fail "building the compute node"
for n in "net $net $net_tun" "cmp $cmp $cmp_tun"; do
    set -- $n
    err=$(node_iface_error "$2" "$3")
    [ -z "$err" ] || [ "$err" = "[]" ] \
        || fail "$1 node: tunnel $3 has an error: $err (is another" \
                "process using UDP port 4789 on its address?)"
done

# ofproto/list-tunnels: the seed's line, with the datapath port of
# vxlan_sys_4789.
dp_port=$(vx "$cmp" dpctl show | sed -n 's/^  port \([0-9]*\): vxlan_sys_4789.*/\1/p')
[ -n "$dp_port" ] || fail "no vxlan_sys_4789 in dpctl show"
check_eq "$(vx "$cmp" appctl ofproto/list-tunnels)" \
    "port $dp_port: $cmp_tun (vxlan: $cmp_ip->$net_ip, key=flow, legacy_l2, dp port=$dp_port, ttl=64)" \
    "ofproto/list-tunnels on the compute node"

# With root and tcpdump, watch the underlay on lo.
lo_pcap=
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null; then
    lo_pcap=$net/lo.pcap
    tcpdump -i lo -n -U -c 4 -w "$lo_pcap" \
        "udp dst port 4789 and host $net_ip and host $cmp_ip" \
        2>"$net/tcpdump.err" &
    SCENARIO_PIDS+=($!)
    for i in $(seq 50); do
        grep -q listening "$net/tcpdump.err" && break
        sleep 0.1
    done
else
    echo "not root or no tcpdump: the packets on lo are not checked"
fi

# start_capture VAR DIR ARGS...: starts `vxstack capture ARGS` against
# the daemon of DIR in the background, its output in DIR/cap-N, and waits
# until the daemon has registered it.  Stores "PID FILE" in VAR.
n_cap=0
start_capture() {
    local __var=$1 dir=$2 out n i
    shift 2
    n_cap=$((n_cap + 1))
    out=$dir/cap-$n_cap
    n=$(grep -c 'capture on .* started' "$dir/vxstackd.log")
    "$VXSTACK" --rundir "$dir" capture "$@" >"$out" 2>"$out.err" &
    printf -v "$__var" '%s %s' $! "$out"
    for i in $(seq 50); do
        [ "$(grep -c 'capture on .* started' "$dir/vxstackd.log")" -gt "$n" ] \
            && return 0
        sleep 0.1
    done
    fail "capture $* did not start: $(cat "$out.err")"
}

# finish_capture VAR "PID FILE": waits up to 5 s for the capture to end by
# itself (-c COUNT) and stores its lines, without the time stamps, in VAR.
finish_capture() {
    local __var=$1 pid=${2% *} out=${2#* } i
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid"
        echo "--- partial capture $out:" >&2
        cat "$out" >&2
        fail "capture $out did not see all its packets"
    fi
    wait "$pid" || fail "capture $out failed: $(cat "$out.err")"
    printf -v "$__var" '%s' "$(cut -d' ' -f2- "$out")"
}

request="in_port(1),eth(src=$vm,dst=$gw),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
reply="in_port(1),eth(src=$gw,dst=$vm),eth_type(0x0800),ipv4(src=192.168.101.1,dst=192.168.101.85,proto=1,tos=0,ttl=64,frag=no),icmp(type=0,code=0)"
req_frame="$vm > $gw, ethertype IPv4 (0x0800), length 106: 192.168.101.85 > 192.168.101.1: ICMP echo request, id 0, seq 0, length 72"
rep_frame="$gw > $vm, ethertype IPv4 (0x0800), length 106: 192.168.101.1 > 192.168.101.85: ICMP echo reply, id 0, seq 0, length 72"

for round in flooded learned; do
    start_capture cap_qr "$net" -i $qr -c 1
    start_capture cap_tun "$net" -i vxlan_sys_4789 -c 2
    start_capture cap_tap "$cmp" -i $tap -c 2

    vx "$cmp" appctl netdev-dummy/receive $tap "$request" \
        || fail "injecting the echo request"
    finish_capture got "$cap_qr"
    check_eq "$got" "Out $req_frame" \
        "$round: the request on the network node's port"
    vx "$net" appctl netdev-dummy/receive $qr "$reply" \
        || fail "injecting the echo reply"
    finish_capture got "$cap_tap"
    check_eq "$got" "In $req_frame
Out $rep_frame" "$round: the compute node's port"

    finish_capture tun "$cap_tun"
    echo "$tun"
    echo "$tun" | sed -n 1p | grep -qF "In tunnel(tun_id=0xef,src=$cmp_ip,dst=$net_ip," \
        || fail "$round: the request's tunnel metadata on vxlan_sys_4789: $tun"
    echo "$tun" | sed -n 2p | grep -qF "Out tunnel(tun_id=0xef,src=$net_ip,dst=$cmp_ip," \
        || fail "$round: the reply's tunnel metadata on vxlan_sys_4789: $tun"
    check_contains "$tun" "tp_dst=4789" "$round: UDP port on vxlan_sys_4789"
    check_contains "$(echo "$tun" | sed -n 1p)" ") $req_frame" \
        "$round: the decapsulated request on vxlan_sys_4789"
    check_contains "$(echo "$tun" | sed -n 2p)" ") $rep_frame" \
        "$round: the reply on vxlan_sys_4789"
done

# br-tun learned the remote MACs as the seed shows (table 20, priority 1).
learned() {     # learned DIR: br-tun's learned flows, without stats
    vx "$1" ofctl dump-flows --no-stats --names br-tun table=20 \
        | grep 'priority=1,' | sed -e 's/^ *//' -e 's/cookie=[^ ]* //'
}
check_eq "$(learned "$cmp")" "table=20, hard_timeout=300, priority=1,vlan_tci=0x0003/0x0fff,dl_dst=$gw actions=load:0->NXM_OF_VLAN_TCI[],load:0xef->NXM_NX_TUN_ID[],output:\"$cmp_tun\"" \
    "the compute node's learned flow"
check_eq "$(learned "$net")" "table=20, hard_timeout=300, priority=1,vlan_tci=0x0005/0x0fff,dl_dst=$vm actions=load:0->NXM_OF_VLAN_TCI[],load:0xef->NXM_NX_TUN_ID[],output:\"$net_tun\"" \
    "the network node's learned flow"

if [ -n "$lo_pcap" ]; then
    for i in $(seq 30); do
        [ "$(tcpdump -n -r "$lo_pcap" 2>/dev/null | wc -l)" -ge 4 ] && break
        sleep 0.1
    done
    wire=$(tcpdump -n -r "$lo_pcap" 2>/dev/null)
    echo "$wire"
    echo "$wire" | grep -qE "IP $cmp_ip\.[0-9]+ > $net_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
        || fail "tcpdump on lo: no VXLAN VNI 239 from the compute node"
    echo "$wire" | grep -qE "IP $net_ip\.[0-9]+ > $cmp_ip\.4789: VXLAN, flags \[I\] \(0x08\), vni 239" \
        || fail "tcpdump on lo: no VXLAN VNI 239 from the network node"
fi
echo "two-node: all checks passed"
