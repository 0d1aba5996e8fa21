#!/bin/bash
# Regenerates the Open vSwitch golden data under tests/data/ovs/ by running
# real OVS (userspace netdev datapath) in private sandboxes (sandbox.sh)
# with the seed's bridges, ports and flows (build-seed.sh).
#
#     tests/ovs/record-all.sh [OUTDIR]       (default: tests/data/ovs)
#
# Needs root (or unprivileged user namespaces) for the private network
# namespace, ovs-vswitchd/ovsdb-server 3.1, tcpdump.  Takes about 30 s.
# Nothing is normalised at record time; see tests/data/ovs/README.md.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$ROOT/tests/data/ovs}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

. "$HERE/sandbox.sh"
. "$HERE/build-seed.sh"
. "$HERE/lib-record.sh"

for tool in ovs-vsctl ovs-ofctl ovs-appctl ovs-vswitchd ovsdb-server \
            ovsdb-tool tcpdump nsenter unshare; do
    command -v "$tool" > /dev/null \
        || { echo "record-all.sh: $tool not found" >&2; exit 1; }
done

BRIDGES="br-int br-tun br-provider br-mgmt"
TAP=tap648437e1-0d
VM_MAC=fa:16:3e:61:21:c6
VM_IP=192.168.101.85
VM_LLA=fe80::f816:3eff:fe61:21c6
GW_MAC=fa:16:3e:e9:26:5b
GW_IP=192.168.101.1
# Another instance behind the tunnel (not in the seed), for ingress tests.
PEER_MAC=fa:16:3e:0a:0b:0c
PEER_IP=192.168.101.50
# Underlay (the seed's eth0 and the network node, from tcpdump-eth0.txt).
UL_MAC=00:15:5d:bf:ba:50
UL_PEER_MAC=00:15:5d:bf:ba:4f
LOCAL_IP=172.16.0.31
REMOTE_IP=172.16.0.11

die() {
    echo "record-all.sh: $*" >&2
    exit 1
}

# Starts a sandbox and builds the seed in it; "$@" goes to ovs_seed_build.
# The stale taps make ovs-vsctl warn on stderr; that is expected (the
# warning is recorded in errors.txt).
seed_sandbox() {
    ovs_sandbox_start || die "sandbox start failed"
    ovs_seed_build "$@" 2> "$OVS_SANDBOX_DIR/build.err" \
        || { cat "$OVS_SANDBOX_DIR/build.err" >&2; die "seed build failed"; }
}

# Adds the underlay bridge br-underlay (dummy eth0, LOCAL port with the
# seed's tunnel address, up, in the daemon's private namespace) so that the
# netdev datapath can route VXLAN: native tunnelling needs a route to the
# remote, a "local" route for the source address and a neighbour entry.
# Records the steps in transcript $1.
underlay_build() {
    local t=$1
    rec "$t" ovs-vsctl add-br br-underlay \
        -- set bridge br-underlay datapath_type=netdev \
           other-config:hwaddr=$UL_MAC \
        -- add-port br-underlay eth0 \
        -- set interface eth0 type=dummy ofport_request=1
    rec "$t" ovs_sandbox_netns ip addr add $LOCAL_IP/24 dev br-underlay
    rec "$t" ovs_sandbox_netns ip link set br-underlay up
    # ovs-vswitchd learns the namespace's routes (the connected /24 and the
    # "local" /32, which native tunnelling needs for the source address)
    # through netlink, asynchronously.
    local i
    for i in $(seq 50); do
        ovs-appctl ovs/route/show | grep -q "$LOCAL_IP/32 .* local" && break
        sleep 0.1
    done
    rec "$t" ovs-appctl tnl/neigh/set br-underlay $REMOTE_IP $UL_PEER_MAC
    rec "$t" ovs-appctl ovs/route/show
    rec "$t" ovs-appctl tnl/ports/show -v
}

# Prints the hex of the Ethernet frame that ovs-ofctl compose-packet
# builds for OpenFlow flow $1 (OVS's default L4 payload: 64 bytes 00..3f).
compose_hex() {
    ovs-ofctl compose-packet "$1" | cut -c11-58 | tr -d ' \n-'
}

# Prints 4*$2 hex digits of number $1.
hexn() {
    printf "%0$(($2 * 2))x" "$1"
}

# Prints the hex of a VXLAN frame as the network node would send it to
# this node: outer Ethernet $UL_PEER_MAC -> $UL_MAC, IPv4 $REMOTE_IP ->
# $LOCAL_IP (DF, TTL 64, id 0), UDP source port $3 -> 4789 (checksum 0),
# VXLAN flags 0x08 and VNI $2, around the inner frame for OpenFlow flow $1.
vxlan_hex() {
    local inner vni=$2 sport=$3 inner_len udp_len ip_len sum i word ip
    inner=$(compose_hex "$1") || return 1
    inner_len=$((${#inner} / 2))
    udp_len=$((8 + 8 + inner_len))
    ip_len=$((20 + udp_len))
    ip="4500$(hexn $ip_len 2)00004000""4011""0000"
    ip+="$(printf '%02x' ${REMOTE_IP//./ })$(printf '%02x' ${LOCAL_IP//./ })"
    sum=0
    for ((i = 0; i < 40; i += 4)); do
        word=$((16#${ip:i:4}))
        sum=$((sum + word))
    done
    while ((sum >> 16)); do
        sum=$(((sum & 0xffff) + (sum >> 16)))
    done
    sum=$((~sum & 0xffff))
    ip="${ip:0:20}$(hexn $sum 2)${ip:24}"
    printf '%s' "${UL_MAC//:/}${UL_PEER_MAC//:/}0800$ip"
    printf '%s' "$(hexn "$sport" 2)12b5$(hexn $udp_len 2)0000"
    printf '%s' "08000000$(hexn "$vni" 3)00$inner"
}

# Flows (OpenFlow syntax) used by the traces.
F_ARP_REQ="in_port=$TAP,arp,dl_src=$VM_MAC,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=$VM_IP,arp_tpa=$GW_IP,arp_sha=$VM_MAC,arp_tha=00:00:00:00:00:00"
F_DHCP_DISCOVER="in_port=$TAP,udp,dl_src=$VM_MAC,dl_dst=ff:ff:ff:ff:ff:ff,nw_src=0.0.0.0,nw_dst=255.255.255.255,nw_ttl=64,udp_src=68,udp_dst=67"
F_ICMP_REQ="in_port=$TAP,icmp,dl_src=$VM_MAC,dl_dst=$GW_MAC,nw_src=$VM_IP,nw_dst=$GW_IP,nw_ttl=64,icmp_type=8,icmp_code=0"
F_SPOOF_MAC="in_port=$TAP,icmp,dl_src=fa:16:3e:00:00:99,dl_dst=$GW_MAC,nw_src=$VM_IP,nw_dst=$GW_IP,nw_ttl=64,icmp_type=8,icmp_code=0"
F_SPOOF_IP="in_port=$TAP,icmp,dl_src=$VM_MAC,dl_dst=$GW_MAC,nw_src=192.168.101.99,nw_dst=$GW_IP,nw_ttl=64,icmp_type=8,icmp_code=0"
F_SPOOF_ARP="in_port=$TAP,arp,dl_src=$VM_MAC,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=192.168.101.99,arp_tpa=$GW_IP,arp_sha=$VM_MAC,arp_tha=00:00:00:00:00:00"
F_DHCP_OFFER_FROM_VM="in_port=$TAP,udp,dl_src=$VM_MAC,dl_dst=ff:ff:ff:ff:ff:ff,nw_src=$VM_IP,nw_dst=255.255.255.255,nw_ttl=64,udp_src=67,udp_dst=68"
F_RS="in_port=$TAP,icmp6,dl_src=$VM_MAC,dl_dst=33:33:00:00:00:02,ipv6_src=$VM_LLA,ipv6_dst=ff02::2,nw_ttl=255,icmpv6_type=133,icmpv6_code=0"
F_TCP_SYN="in_port=$TAP,tcp,dl_src=$VM_MAC,dl_dst=$GW_MAC,nw_src=$VM_IP,nw_dst=$GW_IP,nw_ttl=64,tp_src=40000,tp_dst=80,tcp_flags=syn"
TUN="in_port=vxlan-ac10000b,tun_id=0xef,tun_src=$REMOTE_IP,tun_dst=$LOCAL_IP"
F_VX_ICMP_REPLY="$TUN,icmp,dl_src=$GW_MAC,dl_dst=$VM_MAC,nw_src=$GW_IP,nw_dst=$VM_IP,nw_ttl=64,icmp_type=0,icmp_code=0"
F_VX_UNKNOWN_VNI="in_port=vxlan-ac10000b,tun_id=0x99,tun_src=$REMOTE_IP,tun_dst=$LOCAL_IP,icmp,dl_src=$GW_MAC,dl_dst=$VM_MAC,nw_src=$GW_IP,nw_dst=$VM_IP,nw_ttl=64,icmp_type=0,icmp_code=0"
F_VX_GW_ARP_REQ="$TUN,arp,dl_src=$GW_MAC,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=$GW_IP,arp_tpa=$VM_IP,arp_sha=$GW_MAC,arp_tha=00:00:00:00:00:00"
F_VX_SSH_SYN="$TUN,tcp,dl_src=$PEER_MAC,dl_dst=$VM_MAC,nw_src=$PEER_IP,nw_dst=$VM_IP,nw_ttl=64,tp_src=50000,tp_dst=22,tcp_flags=syn"
F_VX_TELNET_SYN="$TUN,tcp,dl_src=$PEER_MAC,dl_dst=$VM_MAC,nw_src=$PEER_IP,nw_dst=$VM_IP,nw_ttl=64,tp_src=50001,tp_dst=23,tcp_flags=syn"
F_PATCH_GW_ICMP_REPLY="in_port=patch-tun,dl_vlan=3,icmp,dl_src=$GW_MAC,dl_dst=$VM_MAC,nw_src=$GW_IP,nw_dst=$VM_IP,nw_ttl=64,icmp_type=0,icmp_code=0"
F_PATCH_GW_ARP_REQ="in_port=patch-tun,dl_vlan=3,arp,dl_src=$GW_MAC,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=$GW_IP,arp_tpa=$VM_IP,arp_sha=$GW_MAC,arp_tha=00:00:00:00:00:00"

# Datapath flows (ODP syntax) injected on the tap with netdev-dummy/receive.
ODP_ARP_REQ="eth(src=$VM_MAC,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp(sip=$VM_IP,tip=$GW_IP,op=1,sha=$VM_MAC,tha=00:00:00:00:00:00)"
ODP_DHCP_DISCOVER="eth(src=$VM_MAC,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0800),ipv4(src=0.0.0.0,dst=255.255.255.255,proto=17,tos=0,ttl=64,frag=no),udp(src=68,dst=67)"
ODP_ICMP_REQ="eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
ODP_TCP_SYN="eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=6,tos=0,ttl=64,frag=no),tcp(src=40000,dst=80),tcp_flags(syn)"
ODP_TCP_ACK="eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=6,tos=0,ttl=64,frag=no),tcp(src=40000,dst=80),tcp_flags(ack)"
ODP_SPOOF_MAC="eth(src=fa:16:3e:00:00:99,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
ODP_SPOOF_IP="eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=192.168.101.99,dst=$GW_IP,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"

# Inner frames (OpenFlow syntax, for compose-packet) of the VXLAN packets
# injected on eth0.
IN_ICMP_REPLY="icmp,dl_src=$GW_MAC,dl_dst=$VM_MAC,nw_src=$GW_IP,nw_dst=$VM_IP,nw_ttl=64,icmp_type=0,icmp_code=0"
IN_TCP_SYNACK="tcp,dl_src=$GW_MAC,dl_dst=$VM_MAC,nw_src=$GW_IP,nw_dst=$VM_IP,nw_ttl=64,tp_src=80,tp_dst=40000,tcp_flags=syn|ack"
IN_SSH_SYN="tcp,dl_src=$PEER_MAC,dl_dst=$VM_MAC,nw_src=$PEER_IP,nw_dst=$VM_IP,nw_ttl=64,tp_src=50000,tp_dst=22,tcp_flags=syn"
IN_TELNET_SYN="tcp,dl_src=$PEER_MAC,dl_dst=$VM_MAC,nw_src=$PEER_IP,nw_dst=$VM_IP,nw_ttl=64,tp_src=50001,tp_dst=23,tcp_flags=syn"

# ---------------------------------------------------------------------------
# 1. The seed as loaded (learned table-20 flow loaded statically).
# ---------------------------------------------------------------------------
record_static() {
    local d=$OUT/static br t
    rm -rf "$d"
    mkdir -p "$d"
    seed_sandbox --with-learned

    rec_new "$d/ovs-vsctl-show.txt"
    rec "$d/ovs-vsctl-show.txt" ovs-vsctl show
    for br in $BRIDGES; do
        rec_new "$d/dump-flows-$br.txt"
        rec "$d/dump-flows-$br.txt" ovs-ofctl dump-flows $br
        rec_new "$d/dump-flows-names-$br.txt"
        rec "$d/dump-flows-names-$br.txt" ovs-ofctl dump-flows --names $br
        rec_new "$d/dump-flows-no-stats-$br.txt"
        rec "$d/dump-flows-no-stats-$br.txt" \
            ovs-ofctl dump-flows --no-stats $br
        rec_new "$d/dump-flows-no-stats-names-$br.txt"
        rec "$d/dump-flows-no-stats-names-$br.txt" \
            ovs-ofctl dump-flows --no-stats --names $br
        rec_new "$d/ofctl-show-$br.txt"
        rec "$d/ofctl-show-$br.txt" ovs-ofctl show $br
        rec_new "$d/dump-ports-$br.txt"
        rec "$d/dump-ports-$br.txt" ovs-ofctl dump-ports $br
    done
    t=$d/dump-flows-br-int-variants.txt
    rec_new "$t"
    rec "$t" ovs-ofctl dump-flows --names br-int table=71
    rec "$t" ovs-ofctl dump-flows br-int table=71
    rec "$t" ovs-ofctl dump-flows --names --sort br-int table=72
    rec "$t" ovs-ofctl dump-flows --names --rsort br-int table=72
    rec "$t" ovs-ofctl dump-flows --names br-int 'table=60,dl_vlan=3'
    rec "$t" ovs-ofctl dump-flows --names br-int 'cookie=0x9b32c8053d494869/-1,table=0'
    rec "$t" ovs-ofctl dump-flows --names -O OpenFlow13 br-int table=60
    rec "$t" ovs-ofctl dump-flows --names -O OpenFlow13 br-tun table=4
    rec "$t" ovs-ofctl dump-flows --names -O OpenFlow13 br-tun table=22
    rec "$t" ovs-ofctl dump-aggregate br-int
    rec "$t" ovs-ofctl dump-tables br-tun

    rec_new "$d/dpif-show.txt"
    rec "$d/dpif-show.txt" ovs-appctl dpif/show
    rec_new "$d/dpctl-show.txt"
    rec "$d/dpctl-show.txt" ovs-appctl dpctl/show
    rec "$d/dpctl-show.txt" ovs-appctl dpctl/show -s
    rec_new "$d/ovs-dpctl-show.txt"
    rec_err "$d/ovs-dpctl-show.txt" ovs-dpctl show
    rec_new "$d/list-tunnels.txt"
    rec "$d/list-tunnels.txt" ovs-appctl ofproto/list-tunnels
    rec_new "$d/ofproto-list.txt"
    rec "$d/ofproto-list.txt" ovs-appctl ofproto/list
    rec_new "$d/fdb-show-empty.txt"
    rec "$d/fdb-show-empty.txt" ovs-appctl fdb/show br-int
    rec_new "$d/tnl-ports-show.txt"
    rec "$d/tnl-ports-show.txt" ovs-appctl tnl/ports/show -v
    rec_new "$d/interfaces.txt"
    rec "$d/interfaces.txt" ovs-vsctl --columns=name,ofport,ofport_request,type,error list interface
    rec "$d/interfaces.txt" ovs-vsctl get interface br-int mtu
    rec "$d/interfaces.txt" ovs-vsctl get interface br-tun mtu
    rec "$d/interfaces.txt" ovs-vsctl get interface $TAP mtu
    # Without an underlay the netdev datapath cannot route the tunnel.
    rec_new "$d/trace-icmp-no-underlay.txt"
    rec "$d/trace-icmp-no-underlay.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ"
    # coverage/show reports totals that the daemon folds in about once a
    # second; give it time.
    sleep 2
    rec_new "$d/coverage-show.txt"
    rec "$d/coverage-show.txt" ovs-appctl coverage/show

    record_order
    ovs_sandbox_stop
}

# Dump order experiments (same sandbox as record_static).
record_order() {
    local d=$OUT/order br t
    rm -rf "$d"
    mkdir -p "$d"
    for br in br-int br-tun; do
        ovs_seed_flows $br > "$d/$br.flows"
        tac "$d/$br.flows" > "$d/$br-reversed.flows"
    done
    # Two fixed pseudo-random orders (the inputs are kept with the results).
    for br in br-int br-tun; do
        for seed in 1 2; do
            awk -v seed=$seed 'BEGIN { srand(seed) } { print rand() "\t" $0 }' \
                "$d/$br.flows" | sort -n | cut -f2- > "$d/$br-shuffled-$seed.flows"
        done
    done
    cd "$d" || die "cd $d"
    for br in br-int br-tun; do
        t=$d/shuffled-$br.txt
        rec_new "$t"
        for seed in 1 2; do
            rec "$t" ovs-ofctl del-flows $br
            rec "$t" ovs-ofctl add-flows $br $br-shuffled-$seed.flows
            rec "$t" ovs-ofctl dump-flows --no-stats --names $br
        done
    done
    for br in br-int br-tun; do
        t=$d/reversed-$br.txt
        rec_new "$t"
        rec "$t" ovs-ofctl del-flows $br
        rec "$t" ovs-ofctl add-flows $br $br-reversed.flows
        rec "$t" ovs-ofctl dump-flows --no-stats --names $br
    done
    # Back to the seed order, then: re-adding an identical flow (a
    # replacement), deleting + re-adding a flow, modifying flows, adding
    # flows to an existing and to new subtables.
    t=$d/replace-and-readd-br-int.txt
    rec_new "$t"
    rec "$t" ovs-ofctl del-flows br-int
    rec "$t" ovs-ofctl add-flows br-int br-int.flows
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    rec "$t" ovs-ofctl add-flow br-int \
        'cookie=0x9b32c8053d494869,table=0,priority=3,in_port=int-br-provider,dl_vlan=100,actions=mod_vlan_vid:1,resubmit(,58)'
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    rec "$t" ovs-ofctl --strict del-flows br-int \
        'table=0,priority=3,in_port=int-br-provider,dl_vlan=100'
    rec "$t" ovs-ofctl add-flow br-int \
        'cookie=0x9b32c8053d494869,table=0,priority=3,in_port=int-br-provider,dl_vlan=100,actions=mod_vlan_vid:1,resubmit(,58)'
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    # Modifying a flow's actions (strict and non-strict mod-flows).
    rec "$t" ovs-ofctl --strict mod-flows br-int \
        'table=0,priority=3,in_port=int-br-provider,vlan_tci=0x0000/0x1fff,actions=mod_vlan_vid:2,resubmit(,58)'
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    rec "$t" ovs-ofctl mod-flows br-int \
        'table=0,in_port=int-br-mgmt,actions=drop'
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    # A new flow in an existing subtable goes after that subtable's flows;
    # a flow with a new mask makes a new subtable placed by its priority.
    rec "$t" ovs-ofctl add-flow br-int \
        'cookie=0x1,table=0,priority=2,in_port=tap648437e1-0d,actions=drop'
    rec "$t" ovs-ofctl add-flow br-int \
        'cookie=0x1,table=0,priority=2,dl_src=fa:16:3e:00:00:01,actions=drop'
    rec "$t" ovs-ofctl add-flow br-int \
        'cookie=0x1,table=0,priority=3,dl_src=fa:16:3e:00:00:02,actions=drop'
    rec "$t" ovs-ofctl dump-flows --no-stats --names br-int table=0
    cd "$ROOT" || die "cd $ROOT"
}

# ---------------------------------------------------------------------------
# 2. ofproto/trace scenarios (seed without the learned flow, plus underlay).
# ---------------------------------------------------------------------------
record_traces() {
    local d=$OUT/traces t
    rm -rf "$d"
    mkdir -p "$d"
    seed_sandbox
    rec_new "$d/00-setup-underlay.txt"
    underlay_build "$d/00-setup-underlay.txt"

    # Egress from the instance (no side effects: no packet given).
    rec_new "$d/01-arp-request.txt"
    rec "$d/01-arp-request.txt" ovs-appctl ofproto/trace br-int "$F_ARP_REQ"
    rec_new "$d/02-dhcp-discover.txt"
    rec "$d/02-dhcp-discover.txt" \
        ovs-appctl ofproto/trace br-int "$F_DHCP_DISCOVER"
    rec_new "$d/03-icmp-to-gateway.txt"
    rec "$d/03-icmp-to-gateway.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ"
    rec_new "$d/03a-icmp-to-gateway-ct-new.txt"
    rec "$d/03a-icmp-to-gateway-ct-new.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ" --ct-next 'trk,new'
    rec_new "$d/03b-icmp-to-gateway-ct-est.txt"
    rec "$d/03b-icmp-to-gateway-ct-est.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ" --ct-next 'trk,est'
    rec_new "$d/03c-icmp-to-gateway-ct-inv.txt"
    rec "$d/03c-icmp-to-gateway-ct-inv.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ" --ct-next 'trk,inv'
    rec_new "$d/04-spoofed-mac.txt"
    rec "$d/04-spoofed-mac.txt" ovs-appctl ofproto/trace br-int "$F_SPOOF_MAC"
    rec_new "$d/05-spoofed-ip.txt"
    rec "$d/05-spoofed-ip.txt" ovs-appctl ofproto/trace br-int "$F_SPOOF_IP"
    rec_new "$d/05a-spoofed-arp-spa.txt"
    rec "$d/05a-spoofed-arp-spa.txt" \
        ovs-appctl ofproto/trace br-int "$F_SPOOF_ARP"
    rec_new "$d/05b-dhcp-server-from-vm.txt"
    rec "$d/05b-dhcp-server-from-vm.txt" \
        ovs-appctl ofproto/trace br-int "$F_DHCP_OFFER_FROM_VM"
    rec_new "$d/06-ipv6-router-solicit.txt"
    rec "$d/06-ipv6-router-solicit.txt" ovs-appctl ofproto/trace br-int "$F_RS"
    rec_new "$d/07-tcp-syn-to-gateway.txt"
    rec "$d/07-tcp-syn-to-gateway.txt" \
        ovs-appctl ofproto/trace br-int "$F_TCP_SYN"

    # Ingress from the tunnel.
    rec_new "$d/10-vxlan-icmp-reply.txt"
    rec "$d/10-vxlan-icmp-reply.txt" \
        ovs-appctl ofproto/trace br-tun "$F_VX_ICMP_REPLY"
    rec_new "$d/10a-vxlan-icmp-reply-ct-est-rpl.txt"
    rec "$d/10a-vxlan-icmp-reply-ct-est-rpl.txt" \
        ovs-appctl ofproto/trace br-tun "$F_VX_ICMP_REPLY" \
        --ct-next 'trk,est,rpl'
    rec_new "$d/11-vxlan-unknown-vni.txt"
    rec "$d/11-vxlan-unknown-vni.txt" \
        ovs-appctl ofproto/trace br-tun "$F_VX_UNKNOWN_VNI"
    rec_new "$d/12-vxlan-ssh-syn-to-vm.txt"
    rec "$d/12-vxlan-ssh-syn-to-vm.txt" \
        ovs-appctl ofproto/trace br-tun "$F_VX_SSH_SYN"
    rec_new "$d/13-vxlan-telnet-syn-to-vm.txt"
    rec "$d/13-vxlan-telnet-syn-to-vm.txt" \
        ovs-appctl ofproto/trace br-tun "$F_VX_TELNET_SYN"
    rec_new "$d/14-patch-tun-icmp-reply.txt"
    rec "$d/14-patch-tun-icmp-reply.txt" \
        ovs-appctl ofproto/trace br-int "$F_PATCH_GW_ICMP_REPLY"

    # Side effects: -generate makes a packet, so learn and MAC learning run.
    t=$d/20-vxlan-learn.txt
    rec_new "$t"
    rec "$t" ovs-ofctl dump-flows --names br-tun table=20
    rec "$t" ovs-appctl ofproto/trace br-tun "$F_VX_ICMP_REPLY" -generate
    rec "$t" ovs-ofctl dump-flows --names br-tun table=20
    rec "$t" ovs-ofctl dump-flows --names --no-stats br-tun
    rec "$t" ovs-ofctl dump-flows br-tun table=20
    rec "$t" ovs-appctl fdb/show br-int
    # The unicast reply went to table 81 (firewall), not NORMAL, so br-int
    # has learned nothing.  A broadcast from the gateway reaches NORMAL.
    t=$d/21-normal-learning.txt
    rec_new "$t"
    rec "$t" ovs-appctl ofproto/trace br-tun "$F_VX_GW_ARP_REQ" -generate
    rec "$t" ovs-appctl fdb/show br-int
    rec "$t" ovs-appctl ofproto/trace br-int "$F_ARP_REQ" -generate
    rec "$t" ovs-appctl fdb/show br-int
    rec "$t" ovs-appctl fdb/show br-tun
    rec "$t" ovs-appctl fdb/stats-show br-int
    # After both learnings: the instance's ping goes straight to the tunnel.
    rec_new "$d/22-icmp-to-learned-gateway.txt"
    rec "$d/22-icmp-to-learned-gateway.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ"
    rec_new "$d/22a-icmp-to-learned-gateway-ct-est.txt"
    rec "$d/22a-icmp-to-learned-gateway-ct-est.txt" \
        ovs-appctl ofproto/trace br-int "$F_ICMP_REQ" --ct-next 'trk,est'
    rec_new "$d/23-arp-request-after-learning.txt"
    rec "$d/23-arp-request-after-learning.txt" \
        ovs-appctl ofproto/trace br-int "$F_ARP_REQ"
    # A reply from the gateway through the patch port, traced on br-int.
    rec_new "$d/24-patch-tun-gw-arp-request.txt"
    rec "$d/24-patch-tun-gw-arp-request.txt" \
        ovs-appctl ofproto/trace br-int "$F_PATCH_GW_ARP_REQ"
    # Datapath (ODP) flow syntax for the same ping.
    rec_new "$d/25-odp-flow-icmp.txt"
    rec "$d/25-odp-flow-icmp.txt" ovs-appctl ofproto/trace \
        "in_port(8),eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
    rec "$d/25-odp-flow-icmp.txt" ovs-appctl ofproto/trace ovs-netdev \
        "in_port(8),eth(src=$VM_MAC,dst=$GW_MAC),eth_type(0x0800),ipv4(src=$VM_IP,dst=$GW_IP,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"

    # The learned flow's hard_timeout (300 s) and the MAC ageing (300 s):
    # warp the daemon's clock.
    t=$d/26-learned-flow-expiry.txt
    rec_new "$t"
    rec "$t" ovs-appctl time/warp 299000
    rec "$t" ovs-ofctl dump-flows --names --no-stats br-tun table=20
    rec "$t" ovs-appctl time/warp 2000
    rec "$t" ovs-ofctl dump-flows --names --no-stats br-tun table=20
    rec "$t" ovs-appctl fdb/show br-int
    ovs_sandbox_stop
}

# ---------------------------------------------------------------------------
# 3. Packets through the datapath (netdev-dummy/receive).
# ---------------------------------------------------------------------------
record_datapath() {
    local d=$OUT/datapath t hex
    rm -rf "$d"
    mkdir -p "$d"
    seed_sandbox
    t=$d/00-setup.txt
    rec_new "$t"
    underlay_build "$t"
    # Relative names: the daemon runs in $OVS_SANDBOX_DIR.
    rec "$t" ovs-vsctl set interface eth0 options:tx_pcap=eth0-tx.pcap
    rec "$t" ovs-vsctl set interface $TAP options:tx_pcap=tap-tx.pcap
    # Userspace conntrack checks TCP sequence numbers; the composed
    # packets all have seq=0/ack=0, so the check is off.
    rec "$t" ovs-appctl dpctl/ct-disable-tcp-seq-chk
    rec "$t" ovs-appctl dpctl/show
    sleep 2
    rec_new "$d/coverage-before.txt"
    rec "$d/coverage-before.txt" ovs-appctl coverage/show

    # The packets, in order.  Each netdev-dummy/receive prints nothing.
    t=$d/01-packets.txt
    rec_new "$t"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_ARP_REQ"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_DHCP_DISCOVER"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_ICMP_REQ"
    hex=$(vxlan_hex "$IN_ICMP_REPLY" 0xef 44874) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_ICMP_REQ"
    hex=$(vxlan_hex "$IN_ICMP_REPLY" 0xef 44874) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_TCP_SYN"
    hex=$(vxlan_hex "$IN_TCP_SYNACK" 0xef 51000) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_TCP_ACK"
    hex=$(vxlan_hex "$IN_SSH_SYN" 0xef 52000) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    hex=$(vxlan_hex "$IN_TELNET_SYN" 0xef 52001) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    hex=$(vxlan_hex "$IN_ICMP_REPLY" 0x99 44874) || die "vxlan_hex"
    rec "$t" ovs-appctl netdev-dummy/receive eth0 "$hex"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_SPOOF_MAC"
    rec "$t" ovs-appctl netdev-dummy/receive $TAP "$ODP_SPOOF_IP"
    # Let the revalidator and the coverage totals settle.
    sleep 2

    rec_new "$d/dpctl-dump-flows.txt"
    rec "$d/dpctl-dump-flows.txt" ovs-appctl dpctl/dump-flows
    rec_new "$d/dpctl-dump-flows-names.txt"
    rec "$d/dpctl-dump-flows-names.txt" ovs-appctl dpctl/dump-flows --names
    rec_new "$d/dpctl-dump-flows-m.txt"
    rec "$d/dpctl-dump-flows-m.txt" ovs-appctl dpctl/dump-flows -m
    rec_new "$d/dpctl-dump-conntrack.txt"
    rec "$d/dpctl-dump-conntrack.txt" ovs-appctl dpctl/dump-conntrack
    rec "$d/dpctl-dump-conntrack.txt" ovs-appctl dpctl/dump-conntrack zone=3
    rec "$d/dpctl-dump-conntrack.txt" ovs-appctl dpctl/dump-conntrack -m
    rec "$d/dpctl-dump-conntrack.txt" ovs-appctl dpctl/ct-stats-show
    rec_new "$d/dpctl-show.txt"
    rec "$d/dpctl-show.txt" ovs-appctl dpctl/show
    rec "$d/dpctl-show.txt" ovs-appctl dpctl/show -s
    rec_new "$d/dpif-show.txt"
    rec "$d/dpif-show.txt" ovs-appctl dpif/show
    rec_new "$d/fdb-show.txt"
    rec "$d/fdb-show.txt" ovs-appctl fdb/show br-int
    rec "$d/fdb-show.txt" ovs-appctl fdb/show br-underlay
    rec_new "$d/dump-flows-after.txt"
    for br in $BRIDGES br-underlay; do
        rec "$d/dump-flows-after.txt" ovs-ofctl dump-flows --names $br
    done
    rec_new "$d/dump-ports-after.txt"
    for br in $BRIDGES br-underlay; do
        rec "$d/dump-ports-after.txt" ovs-ofctl dump-ports $br
    done
    rec_new "$d/coverage-after.txt"
    rec "$d/coverage-after.txt" ovs-appctl coverage/show
    rec_new "$d/upcall-show.txt"
    rec "$d/upcall-show.txt" ovs-appctl upcall/show

    # What left the node: the tunnel side (eth0) and the instance (tap).
    # Dropping the tx_pcap option closes (and so flushes) the files.
    ovs-vsctl remove interface eth0 options tx_pcap \
        -- remove interface $TAP options tx_pcap || die "vsctl"
    cp "$OVS_SANDBOX_DIR/eth0-tx.pcap" "$OVS_SANDBOX_DIR/tap-tx.pcap" "$d/" \
        || die "no pcap files"
    ovs_sandbox_stop
    cd "$d" || die "cd $d"
    rec_new "$d/tcpdump-eth0-tx.txt"
    rec "$d/tcpdump-eth0-tx.txt" tcpdump -n -e -r eth0-tx.pcap
    rec "$d/tcpdump-eth0-tx.txt" tcpdump -n -e -v -r eth0-tx.pcap
    rec_new "$d/tcpdump-tap-tx.txt"
    rec "$d/tcpdump-tap-tx.txt" tcpdump -n -e -r tap-tx.pcap
    rec "$d/tcpdump-tap-tx.txt" tcpdump -n -e -v -r tap-tx.pcap
    cd "$ROOT" || die "cd $ROOT"
}

# ---------------------------------------------------------------------------
# 4. Error messages.
# ---------------------------------------------------------------------------
# err_add FLOW: records `ovs-ofctl add-flow br-int FLOW`.  When OVS accepts
# it after all, also records what it made of it and deletes it again, so
# that every case runs against the seed's tables.  The seed's flows all
# have cookies that are nonzero in the low 63 bits, the new ones cookie 0.
# (The mask is not -1 on purpose: an exact cookie match also lists the
# hidden table-254 flows, see the case at the end of the ovs-ofctl part.)
err_add() {
    rec_err "$f" ovs-ofctl add-flow br-int "$1"
    if [ "$REC_RC" = 0 ]; then
        rec_err "$f" ovs-ofctl dump-flows --no-stats --names br-int \
            cookie=0/0x7fffffffffffffff
        rec_err "$f" ovs-ofctl del-flows br-int cookie=0/0x7fffffffffffffff
    fi
}

record_errors() {
    local f=$OUT/errors.txt before after br
    seed_sandbox
    : > "$f"
    before=$(for br in $BRIDGES; do
                 ovs-ofctl dump-flows --no-stats --names $br; done)

    # Flow syntax: fields, values, masks, ports.
    err_add 'priority=1,foo=1 actions=drop'
    err_add 'ip,nw_src=192.168.101.300 actions=drop'
    err_add 'ip,nw_src=192.168.101.0/33 actions=drop'
    err_add 'ip,nw_src=192.168.101.0/255.255.0.zz actions=drop'
    err_add 'ipv6,ipv6_src=fe80::1::2 actions=drop'
    err_add 'dl_src=fa:16:3e:61:21 actions=drop'
    err_add 'dl_dst=01:00:00:00:00:00/zz actions=drop'
    err_add 'in_port=no-such-port actions=drop'
    err_add 'in_port=70000 actions=drop'
    err_add 'reg5=0x100000000 actions=drop'
    err_add 'reg16=1 actions=drop'
    err_add 'dl_type=0x10000 actions=drop'
    err_add 'ip,nw_proto=256 actions=drop'
    err_add 'ip,nw_tos=3 actions=drop'
    err_add 'tcp,tp_dst=70000 actions=drop'
    err_add 'icmp,icmp_type=256 actions=drop'
    err_add 'arp,arp_op=256 actions=drop'
    err_add 'tcp,tcp_flags=+foo actions=drop'
    # Missing prerequisites.
    err_add 'nw_src=10.0.0.1 actions=drop'
    err_add 'tp_dst=22 actions=drop'
    err_add 'ip,tp_dst=22 actions=drop'
    err_add 'arp_spa=10.0.0.1 actions=drop'
    err_add 'icmp_type=8 actions=drop'
    err_add 'ipv6_src=fe80::1 actions=drop'
    # Out-of-range table, priority, VLAN, timeouts.
    err_add 'table=255 actions=drop'
    err_add 'table=256 actions=drop'
    err_add 'priority=65536 actions=drop'
    err_add 'priority=-1 actions=drop'
    err_add 'dl_vlan=4096 actions=drop'
    err_add 'dl_vlan_pcp=8 actions=drop'
    err_add 'vlan_tci=0x10000 actions=drop'
    err_add 'idle_timeout=70000 actions=drop'
    err_add 'hard_timeout=-1 actions=drop'
    err_add 'cookie=0x1/0xff actions=drop'
    err_add 'in_port=1'
    # Actions.
    err_add 'in_port=1 actions=frobnicate'
    err_add 'in_port=1 actions=output:no-such-port'
    err_add 'in_port=1 actions=output:70000'
    err_add 'in_port=1 actions=drop,output:2'
    err_add 'in_port=1 actions=mod_vlan_vid:4096'
    err_add 'in_port=1 actions=mod_vlan_vid:abc'
    err_add 'in_port=1 actions=resubmit(,256)'
    err_add 'in_port=1 actions=resubmit(no-such-port)'
    err_add 'in_port=1 actions=goto_table:0'
    err_add 'in_port=1 actions=load:0x10000->NXM_NX_REG5[0..15]'
    err_add 'in_port=1 actions=load:1->NXM_OF_FOO[]'
    err_add 'in_port=1 actions=load:1->NXM_NX_REG5[32..33]'
    err_add 'in_port=1 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_REG0[]'
    err_add 'in_port=1 actions=set_field:1->foo'
    err_add 'in_port=1 actions=load:1->NXM_OF_IP_SRC[]'
    err_add 'in_port=1 actions=strip_vlan,output'
    # learn.
    err_add 'actions=learn(table=20,NXM_OF_FOO[])'
    err_add 'actions=learn(table=20,NXM_OF_ETH_DST[]=NXM_NX_REG0[0..15])'
    err_add 'actions=learn(table=256)'
    err_add 'actions=learn(table=20,hard_timeout=x)'
    err_add 'actions=learn(table=20,load:NXM_NX_TUN_ID[]->NXM_NX_REG0[])'
    err_add 'actions=learn(table=20,frobnicate=1)'
    err_add 'actions=learn(table=20,NXM_OF_IP_SRC[])'
    # ct.
    err_add 'ip,actions=ct(zone=70000)'
    err_add 'ip,actions=ct(table=256)'
    err_add 'ip,actions=ct(commit,zone=NXM_NX_REG6[0..16])'
    err_add 'ip,actions=ct(foo)'
    err_add 'ip,actions=ct(commit,exec(output:1))'
    err_add 'ip,actions=ct(exec(load:0x1->NXM_NX_CT_MARK[]))'
    err_add 'ct_state=+foo,actions=drop'
    err_add 'ct_state=+trk-trk,actions=drop'
    err_add 'ct_zone=70000,actions=drop'
    err_add 'actions=ct(commit)'
    # del-flows, dump-flows, other ovs-ofctl commands.
    rec_err "$f" ovs-ofctl --strict del-flows br-int 'priority=1,foo=1'
    rec_err "$f" ovs-ofctl del-flows br-int 'cookie=0x1/0xzz'
    rec_err "$f" ovs-ofctl del-flows br-int 'cookie=0x1'
    rec_err "$f" ovs-ofctl del-flows br-int 'table=256'
    rec_err "$f" ovs-ofctl --strict del-flows br-int 'table=71,priority=95,arp,reg5=0x4,in_port=tap648437e1-0d,dl_src=fa:16:3e:61:21:c6'
    rec_err "$f" ovs-ofctl dump-flows br-int 'foo=1'
    rec_err "$f" ovs-ofctl dump-flows no-such-bridge
    rec_err "$f" ovs-ofctl add-flow no-such-bridge 'actions=drop'
    rec_err "$f" ovs-ofctl add-flows br-int /nonexistent/flows.txt
    rec_err "$f" ovs-ofctl mod-flows br-int 'in_port=99 actions=foo'
    rec_err "$f" ovs-ofctl frobnicate br-int
    rec_err "$f" ovs-ofctl add-flow br-int
    # Not an error, a quirk: an exact cookie match (mask -1) goes through
    # OVS's cookie index, which does not skip the hidden table 254.
    rec_err "$f" ovs-ofctl dump-flows --no-stats --names br-int cookie=0/-1
    rec_err "$f" ovs-ofctl dump-flows --no-stats --names br-int table=254
    # ovs-vsctl.
    rec_err "$f" ovs-vsctl add-port br-missing p1
    rec_err "$f" ovs-vsctl add-br br-int
    rec_err "$f" ovs-vsctl add-port br-int tap648437e1-0d
    rec_err "$f" ovs-vsctl add-port br-tun tap648437e1-0d
    rec_err "$f" ovs-vsctl del-br br-missing
    rec_err "$f" ovs-vsctl del-port br-int no-such-port
    rec_err "$f" ovs-vsctl del-port br-tun tap648437e1-0d
    rec_err "$f" ovs-vsctl add-port br-int
    rec_err "$f" ovs-vsctl frobnicate
    rec_err "$f" ovs-vsctl set interface no-such-if type=dummy
    rec_err "$f" ovs-vsctl set interface tap648437e1-0d foo=bar
    rec_err "$f" ovs-vsctl set interface tap648437e1-0d ofport_request=70000
    rec_err "$f" ovs-vsctl set port tap648437e1-0d tag=4096
    rec_err "$f" ovs-vsctl set bridge br-int fail_mode=bogus
    rec_err "$f" ovs-vsctl set interface tap648437e1-0d mtu_request=abc
    rec_err "$f" ovs-vsctl get interface tap648437e1-0d no_such_column
    rec_err "$f" ovs-vsctl get interface tap648437e1-0d options:no_such_key
    # Accepted by ovs-vsctl, rejected by ovs-vswitchd: the interface gets an
    # error column, then the change is undone.
    rec_err "$f" ovs-vsctl set interface vxlan-ac10000b options:remote_ip=not-an-ip
    rec_err "$f" ovs-vsctl get interface vxlan-ac10000b error
    rec_err "$f" ovs-vsctl set interface vxlan-ac10000b options:remote_ip=$REMOTE_IP
    rec_err "$f" ovs-vsctl get interface vxlan-ac10000b error
    rec_err "$f" ovs-vsctl add-port br-int p-nopeer -- set interface p-nopeer type=patch
    rec_err "$f" ovs-vsctl get interface p-nopeer error
    rec_err "$f" ovs-vsctl del-port br-int p-nopeer
    rec_err "$f" ovs-vsctl add-port br-int tap0123456-78
    rec_err "$f" ovs-vsctl get interface tap0123456-78 error ofport
    rec_err "$f" ovs-vsctl del-port br-int tap0123456-78
    rec_err "$f" ovs-vsctl set interface tap648437e1-0d type=no-such-type
    rec_err "$f" ovs-vsctl get interface tap648437e1-0d error
    rec_err "$f" ovs-vsctl set interface tap648437e1-0d type=dummy
    rec_err "$f" ovs-vsctl get interface tap648437e1-0d error ofport
    # ovs-appctl.
    rec_err "$f" ovs-appctl ofproto/trace br-missing in_port=1
    rec_err "$f" ovs-appctl ofproto/trace br-int 'in_port=4,foo=1'
    rec_err "$f" ovs-appctl ofproto/trace br-int 'in_port=no-such-port'
    rec_err "$f" ovs-appctl ofproto/trace br-int in_port=4 --ct-next foo
    rec_err "$f" ovs-appctl ofproto/trace br-int 'in_port=4,udp,tp_src=68,tp_dst=67'
    rec_err "$f" ovs-appctl ofproto/trace br-int 'in_port=4,udp,udp_src=68,udp_dst=67'
    rec_err "$f" ovs-appctl ofproto/trace br-int 'in_port=4,icmp6,icmp_type=133'
    rec_err "$f" ovs-appctl ofproto/trace br-int in_port=4 --frobnicate
    rec_err "$f" ovs-appctl ofproto/trace 'in_port(99),eth_type(0x0800)'
    rec_err "$f" ovs-appctl fdb/show br-missing
    rec_err "$f" ovs-appctl netdev-dummy/receive no-such-port 'eth(src=fa:16:3e:61:21:c6,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806)'
    rec_err "$f" ovs-appctl netdev-dummy/receive tap648437e1-0d 'eth(src=zz)'
    rec_err "$f" ovs-appctl dpctl/dump-flows no-such-dp
    rec_err "$f" ovs-appctl no/such-command

    after=$(for br in $BRIDGES; do
                ovs-ofctl dump-flows --no-stats --names $br; done)
    if [ "$before" != "$after" ]; then
        diff <(echo "$before") <(echo "$after") >&2
        die "the error commands changed the flow tables"
    fi
    ovs_sandbox_stop
}

cd "$ROOT" || die "cd $ROOT"
record_static
record_traces
record_datapath
record_errors
echo "record-all.sh: wrote $OUT"
