#!/bin/bash
# Packets through the seed's switch from the command line: the instance's
# ping leaves br-int and creates a conntrack entry in its zone, the reply
# arriving over VXLAN VNI 239 teaches br-tun table 20 the seed's learned
# flow and reaches the tap, where `vxstack capture` records both packets in
# a pcap that tcpdump reads; a spoofed source MAC goes nowhere; time/warp
# expires the learned flow (hard_timeout=300) and the ICMP connection.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" || fail "building the seed"
export VXSTACK_RUNDIR=$dir

vm=fa:16:3e:61:21:c6
gw=fa:16:3e:e9:26:5b
tap=tap648437e1-0d
request="in_port(8),eth(src=$vm,dst=$gw),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
reply="tunnel(tun_id=0xef,src=172.16.0.11,dst=172.16.0.31,ttl=64,flags(+key)),in_port(7),eth(src=$gw,dst=$vm),eth_type(0x0800),ipv4(src=192.168.101.1,dst=192.168.101.85,proto=1,tos=0,ttl=64,frag=no),icmp(type=0,code=0)"
spoofed="in_port(8),eth(src=fa:16:3e:00:00:99,dst=$gw),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"

tx_of() {   # tx_of PORTNO: the tx packet count of br-int's port PORTNO
    "$VXSTACK" ofctl dump-ports br-int "$1" | sed -n 's/.*tx pkts=\([0-9]*\),.*/\1/p'
}

"$VXSTACK" capture -i "$tap" -c 2 -w "$dir/tap.pcap" &
cap=$!
# The capture is registered once the daemon has answered its request; wait
# for the file the CLI creates then.
for i in $(seq 50); do [ -e "$dir/tap.pcap" ] && break; sleep 0.1; done

"$VXSTACK" appctl netdev-dummy/receive "$tap" "$request" || fail "receive request"
"$VXSTACK" appctl netdev-dummy/receive vxlan_sys_4789 "$reply" || fail "receive reply"
for i in $(seq 50); do kill -0 "$cap" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cap" 2>/dev/null && { kill "$cap"; fail "capture did not see 2 packets"; }
wait "$cap" || fail "capture failed"

ct=$("$VXSTACK" appctl dpctl/dump-conntrack)
[ "$ct" = "icmp,orig=(src=192.168.101.85,dst=192.168.101.1,id=0,type=8,code=0),reply=(src=192.168.101.1,dst=192.168.101.85,id=0,type=0,code=0),zone=3" ] \
    || fail "conntrack after the ping: $ct"

learned=$("$VXSTACK" ofctl dump-flows --no-stats --names br-tun table=20 | grep "priority=1," | sed 's/^ *//')
want=$(grep 'table=20, .*priority=1,' "$VXSTACK_TOP/tests/data/seed/ovs-ofctl-dump-flows-br-tun.txt" \
       | sed -e 's/^ *//' -e 's/duration=[0-9.]*s, //' -e 's/n_packets=[0-9]*, n_bytes=[0-9]*, //')
[ -n "$want" ] || fail "no learned flow in the seed's br-tun dump"
[ "$learned" = "$want" ] || fail "learned flow: got '$learned', seed has '$want'"

fdb=$("$VXSTACK" appctl fdb/show br-int | awk 'NR > 1 { print $1, $2, $3 }')
[ "$fdb" = "4 3 $vm" ] || fail "fdb/show br-int: $fdb"

if command -v tcpdump >/dev/null; then
    out=$(tcpdump -nn -e -r "$dir/tap.pcap" 2>/dev/null | cut -d' ' -f2-)
    echo "$out"
    echo "$out" | grep -q "^$vm > $gw, ethertype IPv4 (0x0800), .*192.168.101.85 > 192.168.101.1: ICMP echo request" \
        || fail "tcpdump does not show the request"
    echo "$out" | grep -q "^$gw > $vm, ethertype IPv4 (0x0800), .*192.168.101.1 > 192.168.101.85: ICMP echo reply" \
        || fail "tcpdump does not show the reply"
else
    echo "tcpdump not installed: pcap contents not checked"
    [ -s "$dir/tap.pcap" ] || fail "empty capture"
fi

# A spoofed source MAC is dropped by br-int's table 71: no port sends it.
before=$(tx_of 3)
"$VXSTACK" appctl netdev-dummy/receive "$tap" "$spoofed" || fail "receive spoofed"
[ "$(tx_of 3)" = "$before" ] || fail "the spoofed packet left br-int through patch-tun"

# Expiry: the learned flow's hard_timeout is 300 s, an ICMP connection's 30 s.
"$VXSTACK" appctl time/warp 301000 >/dev/null || fail "time/warp"
[ -z "$("$VXSTACK" ofctl dump-flows --no-stats br-tun table=20 | grep "priority=1,")" ] \
    || fail "the learned flow did not expire"
[ -z "$("$VXSTACK" appctl dpctl/dump-conntrack)" ] || fail "the ICMP connection did not expire"
exit 0
