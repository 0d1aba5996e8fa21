#!/bin/bash
# The datapath views of the seed's switch from the command line, as the
# packets of a ping and its reply over VXLAN go from upcalls to cached
# flows: `dpctl show` counters, `dpctl dump-flows` lines (the kernel
# datapath's format, as the seed's `ovs-dpctl show` is), `dpif/show`,
# `dpctl del-flows`, idle expiry, upcall/disable-megaflows, and the
# OpenFlow rule counters, which the cached packets still reach.
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/seed.bash"

new_rundir dir
start_daemon "$dir" --enable-dummy=override
seed_build "$dir" || fail "building the seed"
export VXSTACK_RUNDIR=$dir

vm=fa:16:3e:61:21:c6
gw=fa:16:3e:e9:26:5b
request="in_port(8),eth(src=$vm,dst=$gw),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
reply="tunnel(tun_id=0xef,src=172.16.0.11,dst=172.16.0.31,ttl=64,flags(+key)),in_port(7),eth(src=$gw,dst=$vm),eth_type(0x0800),ipv4(src=192.168.101.1,dst=192.168.101.85,proto=1,tos=0,ttl=64,frag=no),icmp(type=0,code=0)"

show() { "$VXSTACK" dpctl show | sed -n '2,5p'; }

[ "$(show)" = "  lookups: hit:0 missed:0 lost:0
  flows: 0
  masks: hit:0 total:0 hit/pkt:0.00
  cache: hit:0 hit-rate:0.00%" ] || fail "dpctl show before traffic: $(show)"

for i in 1 2 3; do
    "$VXSTACK" appctl netdev-dummy/receive tap648437e1-0d "$request" || fail "receive"
    "$VXSTACK" appctl netdev-dummy/receive vxlan_sys_4789 "$reply" || fail "receive"
done

# Ping 1: both passes miss (+new).  Reply 1: both miss (+est+rpl).  Ping 2:
# the first pass hits, the second (now +est) misses.  Then everything hits.
lookups=$("$VXSTACK" dpctl show | sed -n 2p)
[ "$lookups" = "  lookups: hit:7 missed:5 lost:0" ] || fail "dpctl show: $lookups"
[ "$("$VXSTACK" dpctl show | sed -n 3p)" = "  flows: 5" ] || fail "flows: $("$VXSTACK" dpctl show)"
hdr=$("$VXSTACK" appctl dpif/show | head -1)
[ "$hdr" = "system@ovs-system: hit:7 missed:5" ] || fail "dpif/show: $hdr"

flows=$("$VXSTACK" dpctl dump-flows | sed 's/used:[0-9.]*s/used:T/')
want='recirc_id(0),in_port(8),ct_state(-trk),eth(src=fa:16:3e:61:21:c6),eth_type(0x0800),ipv4(src=192.168.101.85,proto=1,frag=no), packets:2, bytes:212, used:T, actions:ct(zone=3),recirc(0x1)
recirc_id(0x1),in_port(8),skb_mark(0),ct_state(+new-est-rel-rpl),eth(src=fa:16:3e:61:21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),ipv4(tos=0/0x3,frag=no), packets:0, bytes:0, used:never, actions:ct(commit,zone=3),push_vlan(vid=3,pcp=0),5,set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,ttl=64,tp_dst=4789,flags(df|key))),pop_vlan,7
recirc_id(0),tunnel(tun_id=0xef,src=172.16.0.11,dst=172.16.0.31,flags(-df-csum+key)),in_port(7),ct_state(-trk),eth(src=fa:16:3e:e9:26:5b,dst=fa:16:3e:61:21:c6),eth_type(0x0800),ipv4(proto=1,frag=no), packets:2, bytes:212, used:T, actions:ct(zone=3),recirc(0x2)
recirc_id(0x2),tunnel(tun_id=0xef,src=172.16.0.11,dst=172.16.0.31,flags(-df-csum+key)),in_port(7),ct_state(-new+est-rel+rpl-inv+trk),ct_zone(0x3),ct_mark(0),eth(),eth_type(0x0800),ipv4(frag=no), packets:2, bytes:212, used:T, actions:8
recirc_id(0x1),in_port(8),skb_mark(0),ct_state(-new+est-rel-rpl),eth(src=fa:16:3e:61:21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),ipv4(tos=0/0x3,frag=no), packets:1, bytes:106, used:T, actions:push_vlan(vid=3,pcp=0),5,set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,ttl=64,tp_dst=4789,flags(df|key))),pop_vlan,7'
if [ "$flows" != "$want" ]; then
    diff <(echo "$want") <(echo "$flows")
    fail "dpctl dump-flows differs"
fi
"$VXSTACK" dpctl dump-flows -m | grep -q '^ufid:[0-9a-f-]\{36\}, recirc_id(0),in_port(8)' \
    || fail "dump-flows -m has no ufid"

# The OpenFlow rules saw all three pings, cached or not.
n=$("$VXSTACK" ofctl dump-flows br-int "table=60,in_port=tap648437e1-0d" | grep -o 'n_packets=[0-9]*' | head -1)
[ "$n" = "n_packets=3" ] || fail "br-int table 60 counted $n"

# Bad arguments change nothing.
out=$("$VXSTACK" dpctl dump-flows zone=3 2>&1) && fail "zone= accepted"
echo "$out" | grep -q "unknown argument" || fail "unclear error: $out"
out=$("$VXSTACK" dpctl del-flows no-such-dp 2>&1) && fail "bad datapath accepted"
[ "$("$VXSTACK" dpctl show | sed -n 3p)" = "  flows: 5" ] || fail "a bad command changed the flows"

# Exact-match flows instead of megaflows, as OVS's upcall/disable-megaflows.
[ "$("$VXSTACK" appctl upcall/disable-megaflows)" = "megaflows disabled" ] || fail "disable-megaflows"
[ "$("$VXSTACK" dpctl show | sed -n 3p)" = "  flows: 0" ] || fail "disabling megaflows kept the flows"
"$VXSTACK" appctl netdev-dummy/receive tap648437e1-0d "$request" || fail "receive"
"$VXSTACK" dpctl dump-flows | head -1 | grep -q '^recirc_id(0),dp_hash(0),skb_priority(0),in_port(8),skb_mark(0),.*icmp(type=8,code=0), packets:0' \
    || fail "not an exact-match flow: $("$VXSTACK" dpctl dump-flows | head -1)"
[ "$("$VXSTACK" appctl upcall/enable-megaflows)" = "megaflows enabled" ] || fail "enable-megaflows"

# Flows unused for 10 s go (as OVS's max-idle).
"$VXSTACK" appctl time/warp 11000 >/dev/null || fail "time/warp"
[ -z "$("$VXSTACK" dpctl dump-flows)" ] || fail "idle flows stayed: $("$VXSTACK" dpctl dump-flows)"
"$VXSTACK" appctl netdev-dummy/receive tap648437e1-0d "$request" || fail "receive"

"$VXSTACK" dpctl del-flows || fail "del-flows"
[ -z "$("$VXSTACK" dpctl dump-flows)" ] || fail "flows left after del-flows"
"$VXSTACK" appctl netdev-dummy/receive tap648437e1-0d "$request" || fail "receive"
[ "$("$VXSTACK" dpctl show | sed -n 2p)" = "  lookups: hit:7 missed:11 lost:0" ] \
    || fail "after del-flows: $("$VXSTACK" dpctl show | sed -n 2p)"
exit 0
