#!/usr/bin/python3
"""Generates the golden packet set for tests/unit/test-flow-extract.c.

Packets are built with scapy (Debian python3-scapy: run with /usr/bin/python3).
The expected header fields of each packet come from the oracle, Open vSwitch
3.1 itself: the script starts a private ovsdb-server + ovs-vswitchd
(--enable-dummy, a dummy-datapath bridge, vlan-limit=0 so two VLAN tags are
parsed), asks `ovs-appctl ofproto/trace br0 in_port=1 HEX` for each packet,
and converts the "Flow:" line into the canonical field list that the C test
prints for a struct flow.  VLAN TPIDs are not shown by OVS, so they are taken
from the packet bytes with OVS's parse_vlan() rule and checked against the
number of tags OVS reports.

Output (overwritten):
  tests/data/packets/golden.txt   one packet per line: NAME HEX FIELDS
  fuzz/corpus/pkt-extract/NAME    each packet of at most 2048 bytes

Usage: /usr/bin/python3 tests/data/packets/gen-golden.py
The OVS daemons run in a temporary directory and are stopped by pid.
"""

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from scapy.all import (AH, ARP, ICMP, IP, SCTP, TCP, UDP, BOOTP, DHCP, LLC,
                       SNAP, Dot1AD, Dot1Q, Dot3, Ether, ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptSrcLLAddr, ICMPv6DestUnreach, IPOption,
                       IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Padding, Raw,
                       VXLAN, ICMPv6MLQuery, conf)

conf.verb = 0
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                   ".."))
MAC_A = "fa:16:3e:61:21:c6"
MAC_B = "fa:16:3e:e9:26:5b"


def eth(**kw):
    return Ether(src=MAC_A, dst=MAC_B, **kw)


def ip4(**kw):
    kw.setdefault("src", "192.168.101.85")
    kw.setdefault("dst", "192.168.101.1")
    return IP(**kw)


def ip6(**kw):
    kw.setdefault("src", "fe80::f816:3eff:fe61:21c6")
    kw.setdefault("dst", "fe80::f816:3eff:fee9:265b")
    return IPv6(**kw)


def patch(pkt, ofs, value):
    """Returns the bytes of PKT with VALUE (bytes) written at OFS."""
    b = bytearray(bytes(pkt))
    b[ofs:ofs + len(value)] = value
    return bytes(b)


def be16(x):
    return x.to_bytes(2, "big")


def cases():
    """Yields (name, bytes) for every golden packet."""
    u = ip4() / UDP(sport=5353, dport=53) / Raw(b"q" * 12)
    t = ip4() / TCP(sport=44874, dport=22, flags="S", seq=1)
    yield "ipv4_udp", eth() / u
    yield "ipv4_tcp_syn", eth() / t
    yield "ipv4_tcp_ack_psh", eth() / ip4() / TCP(sport=22, dport=44874,
                                                  flags="PA") / Raw(b"x" * 9)
    yield "ipv4_tcp_all_flags", eth() / ip4() / TCP(sport=1, dport=2,
                                                    flags=0xfff)
    yield "ipv4_tcp_options", eth() / ip4() / TCP(
        sport=80, dport=8080, flags="S",
        options=[("MSS", 1410), ("SAckOK", b""), ("WScale", 7)])
    yield "ipv4_icmp_echo", eth() / ip4() / ICMP(type=8, id=1, seq=1) / Raw(
        b"\x00" * 56)
    yield "ipv4_icmp_reply", eth() / ip4() / ICMP(type=0, id=1, seq=1)
    yield "ipv4_icmp_frag_needed", eth() / ip4() / ICMP(
        type=3, code=4, nexthopmtu=1450) / ip4(src="10.0.0.1") / UDP()
    yield "ipv4_icmp_trunc4", eth() / ip4(proto=1) / Raw(b"\x08\x00\x00\x00")
    yield "ipv4_igmp", eth() / ip4(dst="224.0.0.22", proto=2) / Raw(
        b"\x22\x00\xfa\x02\x00\x00\x00\x00")
    yield "ipv4_sctp", eth() / ip4() / SCTP(sport=5000, dport=6000)
    yield "ipv4_sctp_trunc", eth() / ip4(proto=132) / Raw(b"\x13\x88" * 5)
    yield "ipv4_gre_unknown_l4", eth() / ip4(proto=47) / Raw(b"\x00" * 24)
    yield "ipv4_proto0", eth() / ip4(proto=0) / Raw(b"\x01" * 20)
    yield "ipv4_proto255", eth() / ip4(proto=255) / Raw(b"\x01" * 20)
    yield "ipv4_tos_ecn", eth() / ip4(tos=0xb9, ttl=1) / UDP(sport=1,
                                                               dport=2)
    yield "ipv4_options", eth() / ip4(options=[IPOption(b"\x94\x04\x00\x00")
                                               ]) / TCP(sport=7, dport=9)
    yield "ipv4_frag_first", eth() / ip4(flags="MF") / UDP(sport=1, dport=2)
    yield "ipv4_frag_later", eth() / ip4(frag=185) / UDP(sport=1, dport=2)
    yield "ipv4_frag_last", eth() / ip4(frag=3, proto=6) / Raw(b"z" * 30)
    yield "ipv4_df", eth() / ip4(flags="DF") / TCP(sport=3, dport=4)
    yield "ipv4_dhcp_discover", Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / \
        IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) / \
        BOOTP(chaddr=bytes.fromhex("fa163e6121c6"), xid=0x1234) / \
        DHCP(options=[("message-type", "discover"), "end"])
    yield "vxlan_outer", Ether(src="00:15:5d:bf:ba:50",
                               dst="00:15:5d:bf:ba:4f") / \
        IP(src="172.16.0.31", dst="172.16.0.11") / \
        UDP(sport=44874, dport=4789) / VXLAN(flags=0x08, vni=239) / \
        eth() / ip4() / ICMP(type=8) / Raw(b"\x00" * 56)

    # E1/E2/E3: VLANs.
    yield "vlan_ipv4_udp", eth() / Dot1Q(vlan=3, prio=5) / u
    yield "vlan_8021ad", eth() / Dot1AD(vlan=100) / u
    yield "qinq_ipv4_tcp", eth() / Dot1AD(vlan=100, prio=1) / Dot1Q(
        vlan=3, prio=7) / t
    yield "qinq_8100_8100", eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) / u
    yield "vlan_three_tags", eth() / Dot1Q(vlan=5) / Dot1Q(vlan=6) / Dot1Q(
        vlan=7) / u
    yield "vlan_dei_vid0", eth() / Dot1Q(vlan=0, id=1) / u
    yield "vlan_arp", eth() / Dot1Q(vlan=3) / ARP(op=1, hwsrc=MAC_A,
                                                  psrc="192.168.101.85",
                                                  pdst="192.168.101.1")
    tag = bytes(eth() / Dot1Q(vlan=5, type=0x0800))
    yield "vlan_trunc_14", tag[:12] + b"\x81\x00"
    yield "vlan_trunc_15", tag[:15]
    yield "vlan_trunc_16", tag[:16]
    yield "vlan_trunc_17", tag[:17]
    yield "vlan_only_18", tag[:18]
    yield "qinq_trunc_inner", bytes(eth() / Dot1AD(vlan=1) / Dot1Q(
        vlan=2))[:20]

    # 802.2/802.3 and other ethertypes.
    yield "ieee8023_llc", Dot3(src=MAC_A, dst=MAC_B) / LLC() / Raw(b"x" * 40)
    yield "ieee8023_snap_ipv4", Dot3(src=MAC_A, dst=MAC_B) / LLC(
        dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) / u
    yield "ieee8023_snap_smalltype", Dot3(src=MAC_A, dst=MAC_B) / LLC(
        dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0500) / Raw(
            b"x" * 40)
    yield "ieee8023_snap_oui", Dot3(src=MAC_A, dst=MAC_B) / LLC(
        dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0x00000c, code=0x0800) / u
    yield "ieee8023_short", bytes(eth())[:12] + b"\x00\x05" + b"\xaa\xaa\x03"
    yield "ieee8023_vlan", eth() / Dot1Q(vlan=9, type=0x40) / LLC() / Raw(
        b"y" * 60)
    yield "lldp", eth(type=0x88cc) / Raw(b"\x02\x07\x04" + b"\x00" * 40)
    yield "mpls", eth(type=0x8847) / Raw(b"\x00\x01\x41\x40") / u
    yield "unknown_ethertype", eth(type=0x9999) / Raw(b"\x00" * 46)

    # ARP / RARP.
    yield "arp_request", Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(
        op=1, hwsrc=MAC_A, psrc="192.168.101.85", pdst="192.168.101.1")
    yield "arp_reply", eth() / ARP(op=2, hwsrc=MAC_B, hwdst=MAC_A,
                                   psrc="192.168.101.1",
                                   pdst="192.168.101.85")
    yield "arp_padded", eth() / ARP(op=1, psrc="1.2.3.4",
                                    pdst="5.6.7.8") / Padding(b"\x00" * 18)
    yield "arp_op_big", eth() / ARP(op=0x101, hwsrc=MAC_A, psrc="1.2.3.4",
                                    pdst="5.6.7.8")
    yield "arp_op_255", eth() / ARP(op=255, hwsrc=MAC_A, psrc="1.2.3.4",
                                    pdst="5.6.7.8")
    yield "arp_bad_hln", patch(eth() / ARP(op=1, psrc="1.2.3.4",
                                           pdst="5.6.7.8"), 18, b"\x08")
    yield "arp_bad_hrd", patch(eth() / ARP(op=1, psrc="1.2.3.4",
                                           pdst="5.6.7.8"), 14, b"\x00\x06")
    yield "arp_trunc27", bytes(eth() / ARP(op=1, psrc="1.2.3.4",
                                           pdst="5.6.7.8"))[:14 + 27]
    yield "rarp", eth(type=0x8035) / ARP(op=3, hwsrc=MAC_A, hwdst=MAC_A)

    # I1: bad IPv4 headers.
    good = bytes(eth() / ip4() / UDP(sport=1, dport=2) / Raw(b"p" * 20))
    yield "ipv4_ihl4", patch(good, 14, b"\x44")
    yield "ipv4_ihl0", patch(good, 14, b"\x40")
    yield "ipv4_ihl15_short", bytes(eth() / ip4(ihl=15, proto=17) / Raw(
        b"\x00" * 30))
    yield "ipv4_ihl6_no_room", patch(bytes(eth() / ip4(proto=6)), 14,
                                     b"\x46")
    yield "ipv4_totlen_lt_ihl", patch(good, 16, be16(19))
    yield "ipv4_totlen_zero", patch(good, 16, be16(0))
    yield "ipv4_totlen_gt_frame", patch(good, 16, be16(len(good) - 14 + 1))
    yield "ipv4_totlen_max", patch(good, 16, be16(65535))
    yield "ipv4_trunc19", good[:14 + 19]
    yield "ipv4_hdr_only_tcp", bytes(eth() / ip4(proto=6))
    yield "ipv4_version6_in_ipv4", patch(good, 14, b"\x65")

    # E6: padding after a valid datagram.
    for n in (1, 2, 17, 255, 256, 1500):
        yield "ipv4_pad%d" % n, eth() / u / Padding(b"\xee" * n)
    yield "ipv6_pad300", eth() / ip6() / UDP(sport=3, dport=4) / Padding(
        b"\xee" * 300)
    yield "tcp_pad_fake_options", eth() / ip4() / TCP(
        sport=5, dport=6, dataofs=5) / Padding(b"\x01" * 40)

    # I3: TCP data offset.
    for doff in (0, 1, 4, 5, 6, 15):
        yield "tcp_doff%d" % doff, eth() / ip4() / TCP(
            sport=1, dport=2, dataofs=doff, flags="S")
    yield "tcp_doff15_fits", eth() / ip4() / TCP(
        sport=1, dport=2, dataofs=15, flags="S") / Raw(b"\x01" * 40)
    yield "tcp_trunc19", eth() / ip4(proto=6) / Raw(bytes(TCP(
        sport=1, dport=2))[:19])
    yield "tcp_doff6_in_padding", patch(eth() / ip4() / TCP(
        sport=1, dport=2, flags="S") / Padding(b"\x00" * 4), 14 + 20 + 12,
        b"\x60")

    # I4: UDP length.
    yield "udp_len3", eth() / ip4() / UDP(sport=1, dport=2, len=3)
    yield "udp_len0", eth() / ip4() / UDP(sport=1, dport=2, len=0)
    yield "udp_len_long", eth() / ip4() / UDP(sport=1, dport=2, len=1000)
    yield "udp_trunc7", eth() / ip4(proto=17) / Raw(b"\x00\x01\x00\x02\x00"
                                                    b"\x08\x00")

    # IPv6.
    yield "ipv6_udp", eth() / ip6(tc=0xb8, fl=0xabcde, hlim=3) / UDP(
        sport=546, dport=547)
    yield "ipv6_tcp", eth() / ip6() / TCP(sport=1000, dport=22, flags="SE")
    yield "ipv6_sctp", eth() / ip6() / SCTP(sport=1, dport=2)
    yield "ipv6_icmp6_echo", eth() / ip6() / ICMPv6EchoRequest(id=7, seq=1)
    yield "ipv6_icmp6_unreach", eth() / ip6() / ICMPv6DestUnreach(code=4) / \
        ip6() / UDP()
    yield "ipv6_icmp6_trunc4", eth() / ip6(nh=58) / Raw(b"\x80\x00\x00\x00")
    yield "ipv6_mld_query", eth() / ip6() / ICMPv6MLQuery()
    yield "ipv6_plen_gt", patch(eth() / ip6() / UDP(), 18, be16(9))
    yield "ipv6_trunc39", bytes(eth() / ip6() / UDP())[:14 + 39]
    yield "ipv6_nonext", eth() / ip6(nh=59) / Raw(b"\x00" * 8)
    yield "ipv6_version4", patch(eth() / ip6() / UDP(sport=8, dport=9), 14,
                                 b"\x40")

    # ICMPv6 ND.
    ns = ip6(dst="ff02::1:ffe9:265b", hlim=255) / ICMPv6ND_NS(
        tgt="fe80::f816:3eff:fee9:265b")
    na = ip6(hlim=255) / ICMPv6ND_NA(tgt="fe80::f816:3eff:fe61:21c6", R=0,
                                     S=1, O=1)
    yield "nd_ns_sll", eth() / ns / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)
    yield "nd_ns_noopt", eth() / ns
    yield "nd_na_tll", eth() / na / ICMPv6NDOptDstLLAddr(lladdr=MAC_A)
    yield "nd_na_sll_tll", eth() / na / ICMPv6NDOptSrcLLAddr(
        lladdr=MAC_B) / ICMPv6NDOptDstLLAddr(lladdr=MAC_A)
    yield "nd_ns_dup_sll", eth() / ns / ICMPv6NDOptSrcLLAddr(
        lladdr=MAC_A) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_B)
    yield "nd_na_dup_tll", eth() / na / ICMPv6NDOptDstLLAddr(
        lladdr=MAC_A) / ICMPv6NDOptDstLLAddr(lladdr=MAC_B)
    yield "nd_ns_zero_sll_twice", eth() / ns / ICMPv6NDOptSrcLLAddr(
        lladdr="00:00:00:00:00:00") / ICMPv6NDOptSrcLLAddr(lladdr=MAC_B)
    yield "nd_ns_optlen0", eth() / ns / ICMPv6NDOptSrcLLAddr(
        lladdr=MAC_A) / Raw(b"\x02\x00" + b"\x11" * 6) / \
        ICMPv6NDOptDstLLAddr(lladdr=MAC_B)
    yield "nd_ns_optlen2", eth() / ns / Raw(b"\x01\x02" + b"\x22" * 14)
    yield "nd_ns_opt_overrun", eth() / ns / Raw(b"\x01\x03" + b"\x22" * 14)
    yield "nd_ns_unknown_opt", eth() / ns / Raw(b"\x0e\x01" + b"\x33" * 6) / \
        ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)
    yield "nd_ns_trunc_target", eth() / ip6(nh=58, hlim=255) / Raw(bytes(
        ICMPv6ND_NS(tgt="fe80::2"))[:20])
    yield "nd_ns_code1", eth() / ip6(hlim=255) / ICMPv6ND_NS(
        code=1, tgt="fe80::2") / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)
    yield "nd_ns_opt_tail6", eth() / ns / ICMPv6NDOptSrcLLAddr(
        lladdr=MAC_A) / Raw(b"\x02\x01\x00\x00\x00\x00")

    # I7: IPv6 extension header chains.
    yield "ipv6_hbh_tcp", eth() / ip6() / IPv6ExtHdrHopByHop() / TCP(
        sport=7, dport=8)
    yield "ipv6_chain10_tcp", eth() / ip6() / IPv6ExtHdrHopByHop() / \
        IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() / \
        IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / \
        IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / \
        TCP(sport=100, dport=200, flags="A")
    chain = ip6()
    for _ in range(200):
        chain = chain / IPv6ExtHdrDestOpt()
    yield "ipv6_chain200_udp", eth() / chain / UDP(sport=9, dport=10)
    yield "ipv6_routing_frag_first", eth() / ip6() / IPv6ExtHdrRouting() / \
        IPv6ExtHdrFragment(offset=0, m=1) / TCP(sport=7, dport=8)
    yield "ipv6_routing_frag_later", eth() / ip6() / IPv6ExtHdrRouting() / \
        IPv6ExtHdrFragment(offset=100, m=1, nh=6) / Raw(b"\x00" * 40)
    yield "ipv6_frag_atomic", eth() / ip6() / IPv6ExtHdrFragment(
        offset=0, m=0) / UDP(sport=11, dport=12)
    yield "ipv6_frag_last", eth() / ip6() / IPv6ExtHdrFragment(
        offset=5, m=0, nh=17) / Raw(b"\x00" * 16)
    yield "ipv6_frag_trunc", eth() / ip6(nh=44) / Raw(b"\x11\x00\x00")
    yield "ipv6_ah_tcp", eth() / ip6() / AH(nh=6, payloadlen=4, spi=1,
                                            icv=b"\x00" * 12) / TCP(
        sport=11, dport=12)
    yield "ipv6_hbh_overrun", eth() / ip6() / IPv6ExtHdrHopByHop(
        nh=6, len=3) / Raw(b"\x00" * 6)
    yield "ipv6_hbh_overrun_padding", patch(
        eth() / ip6() / IPv6ExtHdrHopByHop(nh=17) / Padding(b"\x00" * 64),
        14 + 40 + 1, b"\x04")
    yield "ipv6_ext_short7", eth() / ip6(nh=0) / Raw(b"\x06\x00" + b"\x00" * 5)


def canonical_from_ovs(flow_str, tpids):
    """Converts an OVS 'Flow:' string into the canonical field string."""
    f = {
        "dl_dst": "00:00:00:00:00:00", "dl_src": "00:00:00:00:00:00",
        "dl_type": 0, "vlan0": (0, 0), "vlan1": (0, 0),
        "nw_src": "0.0.0.0", "nw_dst": "0.0.0.0",
        "ipv6_src": "0" * 32, "ipv6_dst": "0" * 32, "nd_target": "0" * 32,
        "ipv6_label": 0, "nw_frag": 0, "nw_tos": 0, "nw_ttl": 0,
        "nw_proto": 0, "arp_sha": "00:00:00:00:00:00",
        "arp_tha": "00:00:00:00:00:00", "tcp_flags": 0, "tp_src": 0,
        "tp_dst": 0,
    }
    protos = {
        "ip": (0x0800, None), "ipv6": (0x86dd, None), "arp": (0x0806, None),
        "rarp": (0x8035, None), "tcp": (0x0800, 6), "udp": (0x0800, 17),
        "sctp": (0x0800, 132), "icmp": (0x0800, 1), "tcp6": (0x86dd, 6),
        "udp6": (0x86dd, 17), "sctp6": (0x86dd, 132), "icmp6": (0x86dd, 58),
        "mpls": (0x8847, None), "mplsm": (0x8848, None),
    }
    flags = {"fin": 0x1, "syn": 0x2, "rst": 0x4, "psh": 0x8, "ack": 0x10,
             "urg": 0x20, "ece": 0x40, "cwr": 0x80, "ns": 0x100}
    vid = [None, None]
    pcp = [0, 0]
    tci = [0, 0]
    ecn = 0
    for item in flow_str.split(","):
        if "=" not in item:
            f["dl_type"], proto = protos[item]
            if proto is not None:
                f["nw_proto"] = proto
            continue
        k, v = item.split("=", 1)
        if k in ("in_port", "mpls_label", "mpls_tc", "mpls_ttl", "mpls_bos",
                 "mpls_lse1", "mpls_lse2"):
            continue
        elif k in ("dl_src", "dl_dst", "arp_sha", "arp_tha"):
            f[k] = v
        elif k == "nd_sll":
            f["arp_sha"] = v
        elif k == "nd_tll":
            f["arp_tha"] = v
        elif k == "dl_type":
            f["dl_type"] = int(v, 16)
        elif k in ("vlan_tci", "vlan_tci1"):
            tci[0 if k == "vlan_tci" else 1] = int(v, 16)
        elif k in ("dl_vlan", "dl_vlan1"):
            vid[0 if k == "dl_vlan" else 1] = int(v)
        elif k in ("dl_vlan_pcp", "dl_vlan_pcp1"):
            pcp[0 if k == "dl_vlan_pcp" else 1] = int(v)
        elif k in ("nw_src", "nw_dst"):
            f[k] = v
        elif k == "arp_spa":
            f["nw_src"] = v
        elif k == "arp_tpa":
            f["nw_dst"] = v
        elif k == "arp_op":
            f["nw_proto"] = int(v)
        elif k in ("ipv6_src", "ipv6_dst", "nd_target"):
            f[k] = ipaddress.IPv6Address(v).packed.hex()
        elif k == "ipv6_label":
            f[k] = int(v, 16)
        elif k == "nw_tos":
            f["nw_tos"] = int(v)
        elif k == "nw_ecn":
            ecn = int(v)
        elif k in ("nw_ttl", "nw_proto"):
            f[k] = int(v)
        elif k == "nw_frag":
            f[k] = {"no": 0, "first": 1, "later": 3}[v]
        elif k in ("tp_src", "icmp_type"):
            f["tp_src"] = int(v)
        elif k in ("tp_dst", "icmp_code"):
            f["tp_dst"] = int(v)
        elif k == "tcp_flags":
            bits = 0
            for name in v.split("|"):
                if name in flags:
                    bits |= flags[name]
                elif name.startswith("["):
                    bits |= int(name.strip("[]"), 16)  # Reserved bits.
                else:
                    bits |= int(name, 0)
            f[k] = bits
        else:
            raise ValueError("unknown OVS field %s in %s" % (k, flow_str))
    f["nw_tos"] |= ecn
    for i in range(2):
        if vid[i] is not None:
            tci[i] = 0x1000 | (pcp[i] << 13) | vid[i]
        present = bool(tci[i] & 0x1000)
        if present != (i < len(tpids)):
            raise ValueError("VLAN tag count mismatch: %s" % flow_str)
        if present:
            f["vlan%d" % i] = (tpids[i], tci[i])
    order = ["dl_dst", "dl_src", "dl_type", "vlan0", "vlan1", "nw_src",
             "nw_dst", "ipv6_src", "ipv6_dst", "nd_target", "ipv6_label",
             "nw_frag", "nw_tos", "nw_ttl", "nw_proto", "arp_sha", "arp_tha",
             "tcp_flags", "tp_src", "tp_dst"]
    out = []
    for k in order:
        v = f[k]
        if k == "dl_type":
            v = "0x%04x" % v
        elif k.startswith("vlan"):
            v = "%04x:%04x" % v
        elif k == "ipv6_label":
            v = "0x%05x" % v
        elif k == "tcp_flags":
            v = "0x%03x" % v
        out.append("%s=%s" % (k, v))
    return ",".join(out)


def vlan_tpids(data):
    """Returns the TPIDs of the tags OVS parse_vlan() accepts in DATA."""
    tpids = []
    ofs = 12
    while len(tpids) < 2 and len(data) - ofs >= 6:
        tpid = int.from_bytes(data[ofs:ofs + 2], "big")
        if tpid not in (0x8100, 0x88a8):
            break
        tpids.append(tpid)
        ofs += 4
    return tpids


class Oracle:
    """A private ovsdb-server + ovs-vswitchd with a dummy bridge."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vx-ovs-oracle-")
        self.env = dict(os.environ)
        for var in ("OVS_RUNDIR", "OVS_DBDIR", "OVS_LOGDIR",
                    "OVS_SYSCONFDIR"):
            self.env[var] = self.dir
        self.pids = []
        d = self.dir
        db = "unix:%s/db.sock" % d
        self.run(["ovsdb-tool", "create", d + "/conf.db",
                  "/usr/share/openvswitch/vswitch.ovsschema"])
        self.run(["ovsdb-server", "--remote=punix:%s/db.sock" % d,
                  "--pidfile=%s/ovsdb-server.pid" % d, "--detach",
                  "--log-file=%s/ovsdb-server.log" % d, d + "/conf.db"])
        self.pids.append(self.read_pid("ovsdb-server"))
        self.run(["ovs-vsctl", "--db=" + db, "--no-wait", "init"])
        self.run(["ovs-vswitchd", "--enable-dummy=override", db,
                  "--disable-system", "--pidfile=%s/ovs-vswitchd.pid" % d,
                  "--detach", "--log-file=%s/ovs-vswitchd.log" % d])
        pid = self.read_pid("ovs-vswitchd")
        self.pids.append(pid)
        self.ctl = "%s/ovs-vswitchd.%d.ctl" % (d, pid)
        self.run(["ovs-vsctl", "--db=" + db, "set", "Open_vSwitch", ".",
                  "other_config:vlan-limit=0", "--", "add-br", "br0", "--",
                  "set", "bridge", "br0", "datapath_type=dummy",
                  "fail-mode=secure", "--", "add-port", "br0", "p1", "--",
                  "set", "interface", "p1", "type=dummy",
                  "ofport_request=1"])

    def run(self, argv):
        return subprocess.run(argv, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def read_pid(self, name):
        path = "%s/%s.pid" % (self.dir, name)
        for _ in range(100):
            if os.path.exists(path):
                return int(open(path).read())
            time.sleep(0.05)
        raise RuntimeError("%s did not start" % name)

    def flow(self, data):
        out = self.run(["ovs-appctl", "-t", self.ctl, "ofproto/trace", "br0",
                        "in_port=1", data.hex()])
        line = out.splitlines()[0]
        assert line.startswith("Flow: "), out
        return line[len("Flow: "):]

    def stop(self):
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    oracle = Oracle()
    lines = []
    corpus = os.path.join(TOP, "fuzz", "corpus", "pkt-extract")
    os.makedirs(corpus, exist_ok=True)
    for old in os.listdir(corpus):
        if old.startswith("golden-"):
            os.unlink(os.path.join(corpus, old))
    try:
        names = set()
        for name, pkt in cases():
            data = bytes(pkt)
            assert name not in names, name
            names.add(name)
            fields = canonical_from_ovs(oracle.flow(data), vlan_tpids(data))
            lines.append("%s %s %s" % (name, data.hex(), fields))
            if len(data) <= 2048:
                with open(os.path.join(corpus, "golden-" + name), "wb") as f:
                    f.write(data)
    finally:
        oracle.stop()
    out = os.path.join(TOP, "tests", "data", "packets", "golden.txt")
    with open(out, "w") as f:
        f.write("# Generated by tests/data/packets/gen-golden.py from scapy "
                "packets and the\n# flows Open vSwitch 3.1 extracts "
                "(ofproto/trace).  Do not edit.\n")
        f.write("# NAME HEX FIELDS\n")
        for line in lines:
            f.write(line + "\n")
    print("%d packets" % len(lines))


if __name__ == "__main__":
    sys.exit(main())
