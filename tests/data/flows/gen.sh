#!/bin/bash
# Regenerates the golden flow corpus from real Open vSwitch:
#   tests/data/flows/match.txt   INPUT <TAB> what `ovs-ofctl -O OpenFlow10
#                                parse-flow INPUT` prints after "ADD " (the
#                                canonical match, then the actions)
#   tests/data/flows/errors.txt  INPUT <TAB> ovs-ofctl's error message
#   tests/data/flows/flowmods.txt  whole flow-mod lines (keywords, actions,
#                                the seed's dump-flows lines with port
#                                numbers for names) <TAB> what ovs-ofctl
#                                prints after "ADD"
# Inputs that OVS itself cannot round-trip (its own decode errors) are left
# out.  Run from anywhere: tests/data/flows/gen.sh (needs ovs-ofctl).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v ovs-ofctl >/dev/null || { echo "gen.sh: ovs-ofctl not found" >&2; exit 1; }

inputs() {
    # Seed-style flows.
    cat <<'EOF'
priority=65535,dl_vlan=4095
priority=3,in_port=2,dl_vlan=100
priority=3,in_port=2,vlan_tci=0x0000/0x1fff
priority=0
priority=1,tun_id=0xef
priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00
priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00
priority=1,vlan_tci=0x0003/0x0fff,dl_dst=fa:16:3e:e9:26:5b
priority=1,dl_vlan=3
priority=100,in_port=4
priority=90,dl_vlan=3,dl_dst=fa:16:3e:61:21:c6
priority=110,ct_state=+trk
priority=95,arp,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,arp_spa=192.168.101.85
priority=65,ip,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,nw_src=192.168.101.85
priority=95,rarp,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6
priority=95,icmp6,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,ipv6_src=fe80::f816:3eff:fe61:21c6,icmp_type=130
priority=95,icmp6,reg5=0x4,in_port=4,icmp_type=136,nd_target=fe80::f816:3eff:fe61:21c6
priority=80,udp,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,nw_src=0.0.0.0,tp_src=68,tp_dst=67
priority=80,udp6,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,ipv6_src=fe80::f816:3eff:fe61:21c6,tp_src=546,tp_dst=547
priority=74,ct_state=+est-rel-rpl,ipv6,reg5=0x4
priority=74,ct_state=+new-est,ip,reg5=0x4
priority=50,ct_state=+trk+inv
priority=50,ct_mark=0x1,reg5=0x4
priority=50,ct_state=+est-rel+rpl,ct_zone=3,ct_mark=0,reg5=0x4
priority=50,ct_state=-new-est+rel-inv,ct_zone=3,ct_mark=0,reg5=0x4
priority=40,ct_state=-est,reg5=0x4
priority=100,reg6=0x3,dl_dst=fa:16:3e:61:21:c6
priority=90,ct_state=-trk,ip,reg5=0x4
priority=77,ct_state=+est-rel-rpl,tcp,reg5=0x4,tp_dst=22
priority=75,ct_state=+new-est,icmp,reg5=0x4
EOF
    # Protocol shorthands and dl_type spellings.
    for p in ip ipv4 ip4 ipv6 ip6 arp rarp icmp icmp6 tcp tcp6 udp udp6 \
             sctp sctp6 mpls mplsm; do
        echo "$p"
        echo "priority=7,$p"
    done
    for t in 0x0800 0x86dd 0x0806 0x8035 0x88cc 0x1234 2048 0x8847 0x05ff; do
        echo "dl_type=$t"
        echo "eth_type=$t,priority=1"
    done
    for proto in 1 2 6 17 58 132 47 0; do
        echo "ip,nw_proto=$proto"
        echo "ipv6,nw_proto=$proto"
        echo "dl_type=0x0800,ip_proto=$proto,tp_src=1,tp_dst=2"
        echo "dl_type=0x86dd,ip_proto=$proto,tp_src=1,tp_dst=2"
    done
    # Priorities.
    for pr in 0 1 32767 32768 32769 65535 0x10 010; do
        echo "priority=$pr,ip"
    done
    # Ports.
    for port in 1 4 65279 65280 65534 65535 LOCAL local NORMAL IN_PORT \
                TABLE FLOOD ALL CONTROLLER ANY NONE UNSET 4294967294 \
                4294967040 '*'; do
        echo "in_port=$port"
    done
    echo "in_port_oxm=5"
    echo "in_port_oxm=LOCAL"
    echo "actset_output=3"
    # VLAN forms.
    for v in 0 1 3 100 4095 5000 0xffff 65535 '*'; do
        echo "dl_vlan=$v"
    done
    for v in 0x0000 0x1003 0x0003/0x0fff 0x1000/0x1000 0x0000/0x1fff \
             0x1003/0x1fff 0xf003 0xe000/0xe000 0x6000/0xf000 0x1000/0xf000 \
             0x0000/0x0000 0xffff/0xf0ff 0x7003/0xffff; do
        echo "vlan_tci=$v"
    done
    for v in 0 3 7 8; do
        echo "dl_vlan_pcp=$v"
        echo "dl_vlan=10,dl_vlan_pcp=$v"
        echo "vlan_pcp=$v"
    done
    for v in 0x1005 0x1000/0x1000 5 0x1fff 0x1003/0x1ff0; do
        echo "vlan_vid=$v"
    done
    echo "vlan_tci=0x1003,dl_vlan_pcp=2"
    echo "dl_vlan_pcp=2,dl_vlan=7"
    echo "dl_vlan=7,dl_vlan=*"
    # Ethernet.
    for m in fa:16:3e:61:21:c6 FA:16:3E:61:21:C6 1:2:3:4:5:6 \
             ff:ff:ff:ff:ff:ff 00:00:00:00:00:00 \
             aa:bb:cc:dd:ee:ff/ff:ff:ff:00:00:00 \
             aa:bb:cc:dd:ee:ff/00:00:00:00:00:00 \
             aa:bb:cc:dd:ee:ff/ff:ff:ff:ff:ff:ff \
             01:00:00:00:00:00/01:00:00:00:00:00 \
             aa:bb:cc:dd:ee:ff/fe:ff:ff:ff:ff:ff; do
        echo "dl_src=$m"
        echo "dl_dst=$m"
        echo "eth_src=$m,eth_dst=$m"
    done
    # IPv4 addresses, CIDRs and masks.
    for a in 10.0.0.1 0.0.0.0 255.255.255.255 10.1.2.3/8 10.1.2.3/16 \
             10.1.2.3/24 10.1.2.3/31 10.1.2.3/32 10.1.2.3/0 10.1.2.3/1 \
             10.1.2.3/255.255.255.0 10.1.2.3/255.0.255.0 \
             10.1.2.3/0.0.0.255 192.168.101.85 1.2.3.300 \
             10.1.2.3/255.255.255.255; do
        echo "ip,nw_src=$a"
        echo "ip,nw_dst=$a"
        echo "arp,arp_spa=$a"
        echo "arp,arp_tpa=$a"
        echo "tcp,ip_src=$a,ip_dst=$a"
    done
    echo "nw_src=10.0.0.1"
    echo "arp,nw_src=10.0.0.1,nw_dst=10.0.0.2"
    echo "ipv6,nw_src=10.0.0.1"
    echo "rarp,arp_spa=1.2.3.4,arp_tpa=5.6.7.8,arp_op=3"
    # IPv6.
    for a in fe80::f816:3eff:fe61:21c6 ::1 :: 2001:db8::1 2001:db8::/32 \
             2001:db8::/64 2001:db8::1/128 2001:db8::1/0 \
             2001:db8::/ffff:ffff:: 2001:db8::/ffff:0:ffff:: \
             ::ffff:1.2.3.4 2001:0db8:0000:0000:0000:0000:0000:0001 \
             fe80::1/10 1:2:3:4:5:6:7:8; do
        echo "ipv6,ipv6_src=$a"
        echo "ipv6,ipv6_dst=$a"
        echo "icmp6,icmp_type=135,nd_target=$a"
    done
    echo "ipv6_src=::1"
    echo "ip,ipv6_src=::1"
    for l in 0 5 0xfffff 0x12345 0x12345/0xfffff 0x5/0xf 0x100000; do
        echo "ipv6,ipv6_label=$l"
    done
    # ICMP and ND.
    for t in 0 3 8 11 128 130 133 134 135 136 255; do
        echo "icmp,icmp_type=$t"
        echo "icmp6,icmp_type=$t"
        echo "icmp,icmp_type=$t,icmp_code=1"
        echo "icmp6,icmp_type=$t,icmp_code=0"
    done
    echo "icmp6,icmpv6_type=135,icmpv6_code=0"
    echo "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=fa:16:3e:00:00:01"
    echo "icmp6,icmp_type=136,nd_target=fe80::1,nd_tll=fa:16:3e:00:00:01"
    echo "icmp6,icmp_type=135,nd_tll=fa:16:3e:00:00:01"
    echo "icmp6,icmp_type=136,nd_sll=fa:16:3e:00:00:01"
    echo "icmp6,icmp_type=135,nd_sll=fa:16:3e:00:00:01/ff:ff:ff:00:00:00"
    echo "icmp6,icmp_type=135,nd_target=fe80::/64"
    echo "icmp6,icmp_type=135,icmp_code=1,nd_target=::1"
    echo "icmp6,nd_target=::1"
    echo "icmp,icmp_type=8,nd_target=::1"
    echo "ip,nw_proto=2,tp_src=17,tp_dst=0"
    # ARP.
    for o in 0 1 2 3 255 300; do
        echo "arp,arp_op=$o"
    done
    echo "arp,arp_sha=fa:16:3e:00:00:01,arp_tha=ff:ff:ff:ff:ff:ff"
    echo "arp,arp_sha=fa:16:3e:00:00:01/ff:ff:ff:00:00:00"
    echo "rarp,arp_tha=fa:16:3e:00:00:01"
    echo "ip,arp_sha=fa:16:3e:00:00:01"
    # L4 ports and masks.
    for p in 0 22 80 65535 0x50 0x8000/0x8000 1024/0xfc00 22/0xffff 0/0; do
        echo "tcp,tp_src=$p"
        echo "udp,tp_dst=$p"
        echo "sctp,tp_src=$p,tp_dst=$p"
        echo "tcp6,tcp_dst=$p"
        echo "udp6,udp_src=$p"
        echo "sctp6,sctp_dst=$p"
    done
    echo "tp_dst=80"
    echo "ip,tp_dst=80"
    echo "icmp,tp_src=3"
    echo "udp,tcp_src=1,udp_dst=2"
    # TCP flags.
    for f in syn ack syn\|ack fin\|syn\|rst\|psh\|ack\|urg\|ece\|cwr\|ns \
             +syn-ack -syn +syn +fin+syn+rst+psh+ack+urg+ece+cwr+ns \
             0x002 0x12 0x800/0xfff 0x002/0x012 0x200 0x400/0x400 0x0/0x0 \
             0xfff/0xfff; do
        echo "tcp,tcp_flags=$f"
        echo "tcp6,tcp_flags=$f"
    done
    echo "udp,tcp_flags=syn"
    echo "ip,tcp_flags=syn"
    # IP fields.
    for v in 0 4 8 252 3; do
        echo "ip,nw_tos=$v"
    done
    for v in 0 1 2 3; do
        echo "ip,nw_ecn=$v"
        echo "ipv6,ip_ecn=$v"
    done
    for v in 0 1 63 64; do
        echo "ip,ip_dscp=$v"
    done
    echo "ip,nw_tos=16,nw_ecn=2"
    for v in 0 1 64 255; do
        echo "ip,nw_ttl=$v"
        echo "ipv6,nw_ttl=$v"
    done
    echo "arp,nw_tos=4"
    echo "nw_ttl=5"
    for f in no yes first later not_later NO Yes; do
        echo "ip,ip_frag=$f"
        echo "ipv6,nw_frag=$f"
        echo "tcp,ip_frag=$f,tp_dst=80"
    done
    echo "ip_frag=yes"
    # Metadata, registers, tunnels.
    for r in 0 5 15; do
        echo "reg$r=0x4"
        echo "reg$r=4/0xff"
        echo "reg$r=0"
        echo "reg$r=0xffffffff"
        echo "reg$r=0x80000000/0x80000000"
    done
    echo "reg0=1,reg1=2,reg2=3,reg3=4,reg4=5,reg5=6,reg6=7,reg7=8"
    echo "reg8=1,reg9=2,reg10=3,reg11=4,reg12=5,reg13=6,reg14=7,reg15=8"
    for v in 0x5 5 0x5/0xff 0xffffffffffffffff 0 0x8000000000000000/0x8000000000000000; do
        echo "metadata=$v"
        echo "tun_id=$v"
        echo "tunnel_id=$v"
    done
    echo "tun_src=172.16.0.11,tun_dst=172.16.0.31"
    echo "tun_src=172.16.0.0/12,tun_dst=10.0.0.0/255.0.0.255"
    for f in +oam -oam oam 0x1/0x1 0; do
        echo "tun_flags=$f"
    done
    for v in 0 1 0x5/0xff 0xffffffff; do
        echo "pkt_mark=$v"
        echo "dp_hash=$v"
    done
    echo "recirc_id=5"
    echo "recirc_id=0"
    echo "conj_id=7"
    # Conntrack.
    for s in +trk -trk +new +est +rel +rpl +inv +snat +dnat +trk+inv \
             +inv+trk +trk+est+rel +dnat+snat+trk -new-est-rel-rpl-inv-trk \
             new new\|trk trk\|est 0x21 0xff 0 0x20/0x20 0x21/0x31 \
             +est-rel-rpl +new-est; do
        echo "ct_state=$s"
    done
    for z in 0 3 65535 0x10; do
        echo "ct_zone=$z"
    done
    for v in 0 1 0x1/0x1 0xffffffff 0x10/0xf0; do
        echo "ct_mark=$v"
    done
    for v in 0x1 0 0x1/0xff 0xffffffffffffffffffffffffffffffff \
             0x10000000000000000 0x1/0x10000000000000001; do
        echo "ct_label=$v"
    done
    echo "ct_state=+trk+est,ct_nw_src=10.0.0.1,ct_nw_dst=10.0.0.0/8"
    # Subfields.
    for sf in 'reg0[0..3]=5' 'reg0[5]=1' 'reg0[]=7' 'reg6[0..15]=0x3' \
              'NXM_NX_REG6[16..31]=0xffff' 'tun_id[0..31]=0xef' \
              'metadata[32..63]=1' 'eth_dst[40]=1' 'NXM_OF_VLAN_TCI[0..11]=3' \
              'reg0[0..3]=5,reg0[8..11]=0xa' 'vlan_tci[12]=1' \
              'ip_dst[24..31]=10,ip'; do
        echo "$sf"
    done
    # Combinations and order independence.
    echo "tcp,tp_dst=22,nw_src=10.0.0.0/8,in_port=3,priority=7,reg5=0x4"
    echo "tp_dst=22,tcp"
    echo "nw_dst=10.0.0.1,ip"
    echo "in_port=1,in_port=2"
    echo "ip,ipv6"
    echo "ipv6,udp"
    echo "udp,ipv6,tp_dst=53"
    echo "dl_type=0x0800,nw_proto=6,tp_dst=80,tcp_flags=+syn"
    echo "icmp,icmp_type=8,icmp_code=0,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64"
    echo "ct_state=+trk,ct_zone=5,ct_mark=0x1,ct_label=0x2,tcp6,ipv6_src=::1,tcp_dst=443,reg1=0x3,metadata=0x9,tun_id=0x7,in_port=9,dl_vlan=12,dl_src=00:11:22:33:44:55,dl_dst=66:77:88:99:aa:bb"
    echo "pkt_mark=1,recirc_id=2,dp_hash=3,conj_id=4,actset_output=5,ct_state=+trk,ct_zone=6,ct_mark=7,ct_label=8,ip,reg0=9,tun_id=10,tun_src=1.1.1.1,tun_dst=2.2.2.2,tun_flags=+oam,metadata=11,in_port=12,dl_vlan=13,dl_vlan_pcp=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=3.3.3.3,nw_dst=4.4.4.4,nw_proto=99,nw_tos=8,nw_ecn=1,nw_ttl=9,ip_frag=first"
    echo "  priority=5 ,  ip  "
    echo "eth,ip"
    echo "no_readonly_table,ip"
    echo "allow_hidden_fields,ip"
}

errors() {
    cat <<'EOF'
in_port
table
foo=1
reg0=0x1ffffffff
reg0=xyz
reg0=1/zz
nw_src=1.2.3
ip,nw_src=1.2.3.4/33
ip,nw_src=1.2.3.4/-1
ip,nw_src=1.2.3.4/24x
ip,nw_src=hello
dl_src=01:02:03
dl_src=01:02:03:04:05:06:07
dl_src=01:02:03:04:05:06/ff
ipv6,ipv6_src=::1/129
ipv6,ipv6_src=fe80:::1
ipv6,ipv6_src=zz::1
in_port=foo
in_port=0xfff8
in_port=65536
in_port=-1
in_port="foo"
priority=70000
priority=-1
priority=abc
priority=
ct_state=+foo
ct_state=+trk+trk
ct_state=trk+est
ct_state=+trk*
ct_state=foo
ct_state=0x100
ct_zone=0x10000
ct_zone=5/0xff
ip_frag=maybe
tcp,tcp_flags=+foo
tcp,tcp_flags=0x1000
tcp,tcp_flags=+syn+syn
eth_type=0x800/0xff00
dl_type=0x10000
nw_proto=256
tcp,tp_dst=70000
tcp,tp_dst=-1
tcp,tp_dst=80/0x1ffff
arp,arp_op=65536
icmp,icmp_type=256
icmp,icmp_type=1/1
reg0[0..3]=17
reg0[0..32]=1
reg0[3..1]=1
reg0[x]=1
reg0[0..3]
reg0[0..3]=zz
foo[0..3]=1
reg0[0..3]x=1
dl_vlan=0x10000
dl_vlan=3/0xfff
vlan_tci=0x10000
tun_id=0x10000000000000000
ct_label=0x100000000000000000000000000000000
metadata=0x1/0x10000000000000000
idle_timeout=70000
hard_timeout=-5
importance=x
cookie=1/1
cookie=xyz
skb_priority=5
tun_ttl=5
tun_tos=5
tun_flags=+df
igmp
NXM_NX_REG0=5
in_port_oxm=65536
EOF
}

flowmods() {
    # The seed's dump-flows lines, ports by number (names need a switch).
    sed -n 's/^ cookie/cookie/p' "$here/../seed/"ovs-ofctl-dump-flows-*.txt \
        | sed -e 's/"patch-int"/1/g' -e 's/"vxlan-ac10000b"/2/g' \
              -e 's/"int-br-provider"/3/g' -e 's/"tap648437e1-0d"/4/g' \
              -e 's/"int-br-mgmt"/5/g' -e 's/"phy-br-provider"/6/g' \
              -e 's/"phy-br-mgmt"/7/g'
    cat <<'EOF'
table=5,idle_timeout=10,hard_timeout=20,cookie=0x5,send_flow_rem,priority=7,ip actions=drop
check_overlap,send_flow_rem,priority=5 actions=drop
send_flow_rem,check_overlap actions=NORMAL
importance=5 actions=drop
cookie=0 actions=drop
cookie=-1 actions=drop
cookie=0xffffffffffffffff actions=drop
cookie=0x10,table=255 actions=drop
table=0 actions=drop
table=254,priority=0 actions=drop
idle_timeout=0x10,hard_timeout=010 actions=drop
idle_timeout=65535,hard_timeout=0 actions=drop
actions=
priority=5 action=drop
priority=5,actions=drop
actionsX=drop
 cookie=0x1, duration=1.5s, table=3, n_packets=5, n_bytes=300, idle_timeout=60, idle_age=3, hard_age=4, priority=9,tcp,tp_dst=22 actions=drop
priority=95,arp,in_port=1 actions=resubmit(,94)
table=60,priority=100,in_port=4 actions=load:0x4->NXM_NX_REG5[],load:0x3->NXM_NX_REG6[],resubmit(,71)
table=71,priority=65,ip,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:21:c6,nw_src=192.168.101.85 actions=ct(table=72,zone=NXM_NX_REG6[0..15])
table=72,priority=40,ct_state=+est,ip,reg5=0x4 actions=ct(commit,zone=NXM_NX_REG6[0..15],exec(load:0x1->NXM_NX_CT_MARK[]))
table=10,priority=1 actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x8a8d4d7575036c1a,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1
table=22,priority=1,dl_vlan=3 actions=strip_vlan,load:0xef->NXM_NX_TUN_ID[],output:2
table=4,priority=1,tun_id=0xef actions=mod_vlan_vid:3,resubmit(,10)
ip actions=output:1,output:LOCAL
tcp,tp_dst=80 actions=mod_tp_dst:8080,NORMAL
arp actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],IN_PORT
ip actions=set_field:10.0.0.1->ip_dst,output:3
actions=set_field:5->reg0,goto_table:3
tcp actions=load:1->NXM_OF_TCP_DST[]
EOF
}

tab=$(printf '\t')
out_ok="$here/match.txt"
out_err="$here/errors.txt"
: > "$out_ok.tmp"
: > "$out_err.tmp"

run() {  # input
    ovs-ofctl -O OpenFlow10 parse-flow "$1 actions=drop" 2>&1 \
        | grep -v '|ofp_match|\||ofp_port|\||ofp_util|' || true
}

inputs | while IFS= read -r line; do
    out=$(run "$line")
    case "$out" in
        *'decode error'*) continue ;;
        *'_FLOW_MOD (xid=0x1): ADD '*)
            canon=${out##*): ADD }
            printf '%s\t%s\n' "$line actions=drop" "$canon" >> "$out_ok.tmp" ;;
        *'ovs-ofctl: '*)
            printf '%s\t%s\n' "$line actions=drop" "error: ${out##*ovs-ofctl: }" >> "$out_ok.tmp" ;;
        *) echo "gen.sh: unexpected output for '$line': $out" >&2; exit 1 ;;
    esac
done

errors | while IFS= read -r line; do
    out=$(run "$line")
    case "$out" in
        *'ovs-ofctl: '*)
            printf '%s\t%s\n' "$line actions=drop" "${out##*ovs-ofctl: }" >> "$out_err.tmp" ;;
        *) echo "gen.sh: '$line' did not fail in OVS: $out" >&2 ;;
    esac
done

out_fm="$here/flowmods.txt"
: > "$out_fm.tmp"
flowmods | while IFS= read -r line; do
    out=$(ovs-ofctl -O OpenFlow10 parse-flow "$line" 2>&1 \
          | grep -v '|ofp_match|\||ofp_port|\||ofp_util|\||ofp_actions|' || true)
    case "$out" in
        *'decode error'*|*'no usable protocol'*) continue ;;
        *'_FLOW_MOD (xid=0x1): ADD'*)
            printf '%s\t%s\n' "$line" "${out##*): }" >> "$out_fm.tmp" ;;
        *'ovs-ofctl: '*)
            printf '%s\t%s\n' "$line" "error: ${out##*ovs-ofctl: }" >> "$out_fm.tmp" ;;
        *) echo "gen.sh: unexpected output for '$line': $out" >&2; exit 1 ;;
    esac
done
mv "$out_fm.tmp" "$out_fm"

mv "$out_ok.tmp" "$out_ok"
mv "$out_err.tmp" "$out_err"
echo "gen.sh: $(wc -l < "$out_ok") flows, $(wc -l < "$out_err") errors," \
     "$(wc -l < "$out_fm") flow-mods"
