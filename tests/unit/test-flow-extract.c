/* Unit tests for pkt_flow_extract(): the golden set checked against Open
 * vSwitch 3.1's extraction, the bad-input cases E1-E3, E6, I1, I3, I4, I7
 * of reference/bad-inputs.md with exact fields and layer offsets, and
 * determinism over mutated packets. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "packet-util.h"
#include "packet/flow.h"

/* Extracts a copy of SIZE bytes of DATA held in an exactly sized heap
 * buffer (so ASan flags any over-read) into *FLOW and *LAYERS. */
static void
extract_exact(const uint8_t *data, size_t size, struct flow *flow,
              struct pkt_layers *layers)
{
    uint8_t *copy = size ? xmemdup(data, size) : NULL;

    memset(flow, 0, sizeof *flow);
    pkt_flow_extract(copy, size, flow, layers);
    free(copy);
}

/* Returns true if every header field of FLOW (dl_dst onwards) is zero. */
static bool
flow_headers_zero(const struct flow *flow)
{
    size_t ofs = offsetof(struct flow, dl_dst);

    return is_all_zeros((const uint8_t *) flow + ofs, sizeof *flow - ofs);
}

/* Returns true if the L3 and L4 fields of FLOW (nw_src onwards) are zero. */
static bool
flow_l3_zero(const struct flow *flow)
{
    size_t ofs = offsetof(struct flow, nw_src);

    return is_all_zeros((const uint8_t *) flow + ofs, sizeof *flow - ofs);
}

TEST(golden_set_matches_ovs)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    int failures = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t *copy = xmemdup(pkts[i].data, pkts[i].size);
        char *got = extract_canonical(copy, pkts[i].size);

        if (strcmp(got, pkts[i].fields)) {
            fprintf(stderr, "%s:\n  ovs: %s\n  got: %s\n", pkts[i].name,
                    pkts[i].fields, got);
            failures++;
        }
        free(got);
        free(copy);
    }
    golden_free(pkts, n);
    ASSERT_EQ(failures, 0);
}

/* E6: Ethernet padding of any length after a valid IPv4/IPv6 datagram
 * gives the same flow as without it. */
TEST(padding_after_ip_datagram_is_ignored)
{
    static const size_t pads[] = { 1, 2, 3, 7, 8, 46, 255, 256, 1000, 9000,
                                   65492 };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    uint64_t rng = 0x5eed;
    int n_ip = 0;

    for (size_t i = 0; i < n; i++) {
        struct pkt_layers layers;
        struct flow base;

        extract_exact(pkts[i].data, pkts[i].size, &base, &layers);
        if (!is_ip_any(&base) || !layers.l3_len
            || layers.l3 + layers.l3_len != pkts[i].size) {
            continue;
        }
        n_ip++;
        for (size_t j = 0; j < ARRAY_SIZE(pads); j++) {
            size_t size = pkts[i].size + pads[j];
            uint8_t *buf = xmalloc(size);
            struct pkt_layers pl;
            struct flow padded;

            memcpy(buf, pkts[i].data, pkts[i].size);
            for (size_t k = pkts[i].size; k < size; k++) {
                buf[k] = (uint8_t) test_random(&rng);
            }
            memset(&padded, 0, sizeof padded);
            pkt_flow_extract(buf, size, &padded, &pl);
            if (!flow_equal(&base, &padded)) {
                fprintf(stderr, "%s with %zu bytes of padding\n",
                        pkts[i].name, pads[j]);
            }
            ASSERT_TRUE(flow_equal(&base, &padded));
            ASSERT_MEM_EQ(&layers, &pl, sizeof pl);
            free(buf);
        }
    }
    golden_free(pkts, n);
    ASSERT_GE(n_ip, 60);
}

/* E1: frames shorter than an Ethernet header. */
TEST(runt_frames_have_no_fields)
{
    static const uint8_t frame[14] = {
        0xfa, 0x16, 0x3e, 0xe9, 0x26, 0x5b, 0xfa, 0x16, 0x3e, 0x61, 0x21,
        0xc6, 0x08, 0x00
    };
    static const size_t sizes[] = { 0, 1, 13 };

    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        struct pkt_layers layers;
        struct flow flow;

        extract_exact(frame, sizes[i], &flow, &layers);
        ASSERT_TRUE(flow_headers_zero(&flow));
        ASSERT_EQ(layers.l2_5, PKT_LAYER_NONE);
        ASSERT_EQ(layers.l3, PKT_LAYER_NONE);
        ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
        ASSERT_EQ(layers.l3_len, 0);
    }

    /* A null pointer with size 0 is allowed. */
    struct flow flow;

    memset(&flow, 0xff, sizeof flow);
    pkt_flow_extract(NULL, 0, &flow, NULL);
    ASSERT_TRUE(flow_headers_zero(&flow));
    ASSERT_EQ(flow.in_port, UINT32_MAX);
}

/* Extraction rewrites every header field but no metadata field. */
TEST(metadata_is_preserved_and_headers_are_reset)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    const struct golden_pkt *g = golden_find(pkts, n, "ipv4_udp");
    struct flow flow, meta;

    memset(&flow, 0xa5, sizeof flow);
    meta = flow;
    pkt_flow_extract(g->data, g->size, &flow, NULL);
    ASSERT_MEM_EQ(&flow, &meta, offsetof(struct flow, dl_dst));
    ASSERT_EQ(ntohs(flow.tp_dst), 53);
    ASSERT_EQ(flow.tcp_flags, 0);
    ASSERT_EQ(flow.pad3[0], 0);
    ASSERT_TRUE(is_all_zeros(&flow.ipv6_src, sizeof flow.ipv6_src));
    golden_free(pkts, n);
}

/* E2: a VLAN TPID whose tag or following ethertype is cut off. */
TEST(truncated_vlan_tag)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    static const char *const names[] = { "vlan_trunc_14", "vlan_trunc_15",
                                         "vlan_trunc_16", "vlan_trunc_17" };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, names[i]);
        struct pkt_layers layers;
        struct flow flow;

        extract_exact(g->data, g->size, &flow, &layers);
        ASSERT_EQ(ntohs(flow.dl_type), ETH_TYPE_VLAN_8021Q);
        ASSERT_EQ(flow.vlans[0].tci, 0);
        ASSERT_EQ(flow.vlans[0].tpid, 0);
        ASSERT_EQ(flow_vlan_vid(&flow), -1);
        ASSERT_TRUE(flow_l3_zero(&flow));
        ASSERT_EQ(layers.l2_5, PKT_LAYER_NONE);
        ASSERT_EQ(layers.l3, 14);
        ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
    }

    /* Exactly a tag and an ethertype: the tag counts, IPv4 is missing. */
    const struct golden_pkt *g = golden_find(pkts, n, "vlan_only_18");
    struct pkt_layers layers;
    struct flow flow;

    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_EQ(flow_vlan_vid(&flow), 5);
    ASSERT_EQ(ntohs(flow.dl_type), ETH_TYPE_IP);
    ASSERT_TRUE(flow_l3_zero(&flow));
    ASSERT_EQ(layers.l2_5, 12);
    ASSERT_EQ(layers.l3, 18);
    ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
    golden_free(pkts, n);
}

/* E3: only two tags are parsed; the third is payload under dl_type
 * 0x8100, so nothing of the inner packet (VID 7, IP, ports) is seen. */
TEST(three_vlan_tags)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    const struct golden_pkt *g = golden_find(pkts, n, "vlan_three_tags");
    struct pkt_layers layers;
    struct flow flow;

    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tci), VLAN_CFI | 5);
    ASSERT_HEX_EQ(ntohs(flow.vlans[1].tci), VLAN_CFI | 6);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tpid), ETH_TYPE_VLAN_8021Q);
    ASSERT_HEX_EQ(ntohs(flow.dl_type), ETH_TYPE_VLAN_8021Q);
    ASSERT_TRUE(flow_l3_zero(&flow));
    ASSERT_EQ(layers.l2_5, 12);
    ASSERT_EQ(layers.l3, 22);
    ASSERT_EQ(layers.l4, PKT_LAYER_NONE);

    g = golden_find(pkts, n, "qinq_ipv4_tcp");
    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tpid), ETH_TYPE_VLAN_8021AD);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tci), (1 << 13) | VLAN_CFI | 100);
    ASSERT_HEX_EQ(ntohs(flow.vlans[1].tpid), ETH_TYPE_VLAN_8021Q);
    ASSERT_HEX_EQ(ntohs(flow.vlans[1].tci), (7 << 13) | VLAN_CFI | 3);
    ASSERT_EQ(ntohs(flow.tp_dst), 22);
    ASSERT_EQ(layers.l3, 22);
    ASSERT_EQ(layers.l4, 42);
    golden_free(pkts, n);
}

/* I1: malformed IPv4 headers keep dl_type but yield no L3/L4 field. */
TEST(malformed_ipv4_has_no_l3_l4)
{
    static const char *const names[] = {
        "ipv4_ihl4", "ipv4_ihl0", "ipv4_ihl15_short", "ipv4_ihl6_no_room",
        "ipv4_totlen_lt_ihl", "ipv4_totlen_zero", "ipv4_totlen_gt_frame",
        "ipv4_totlen_max", "ipv4_trunc19",
    };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, names[i]);
        struct pkt_layers layers;
        struct flow flow;

        extract_exact(g->data, g->size, &flow, &layers);
        ASSERT_HEX_EQ(ntohs(flow.dl_type), ETH_TYPE_IP);
        ASSERT_TRUE(flow_l3_zero(&flow));
        ASSERT_EQ(layers.l3, 14);
        ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
        ASSERT_EQ(layers.l3_len, 0);
    }
    golden_free(pkts, n);
}

/* I3: TCP data offset below 5 or past the datagram: no ports, no flags,
 * so "tp_dst=0/0xfff0"-style drop rules still see port 0. */
TEST(malformed_tcp_has_no_ports)
{
    static const char *const bad[] = { "tcp_doff0", "tcp_doff1", "tcp_doff4",
                                       "tcp_doff6", "tcp_doff15",
                                       "tcp_trunc19", "tcp_doff6_in_padding",
                                       "ipv4_hdr_only_tcp" };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, bad[i]);
        struct pkt_layers layers;
        struct flow flow;

        extract_exact(g->data, g->size, &flow, &layers);
        ASSERT_EQ(flow.nw_proto, IPPROTO_TCP_);
        ASSERT_EQ(flow.tp_src, 0);
        ASSERT_EQ(flow.tp_dst, 0);
        ASSERT_EQ(flow.tcp_flags, 0);
        ASSERT_EQ(layers.l4, 34);
    }

    const struct golden_pkt *g = golden_find(pkts, n, "tcp_doff15_fits");
    struct flow flow;

    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_EQ(ntohs(flow.tp_dst), 2);
    ASSERT_HEX_EQ(ntohs(flow.tcp_flags), TCP_SYN);

    /* All 9 flags, then the 3 reserved bits too: tcp_flags keeps 12. */
    g = golden_find(pkts, n, "ipv4_tcp_all_flags");
    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_HEX_EQ(ntohs(flow.tcp_flags), 0x1ff);
    uint8_t *copy = xmemdup(g->data, g->size);
    copy[ETH_HEADER_LEN + IP_HEADER_LEN + 12] = 0x5e;
    pkt_flow_extract(copy, g->size, &flow, NULL);
    ASSERT_HEX_EQ(ntohs(flow.tcp_flags), 0xeff);
    free(copy);
    golden_free(pkts, n);
}

/* I4: the UDP length field is not trusted (as in OVS, extraction reads
 * only the 8-byte header inside the datagram); a header cut short by the
 * IP total length yields no ports. */
TEST(udp_length_field)
{
    static const char *const names[] = { "udp_len3", "udp_len0",
                                         "udp_len_long" };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    struct pkt_layers layers;
    struct flow flow;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, names[i]);

        extract_exact(g->data, g->size, &flow, &layers);
        ASSERT_EQ(ntohs(flow.tp_src), 1);
        ASSERT_EQ(ntohs(flow.tp_dst), 2);
        ASSERT_EQ(layers.l3_len, 28);
    }

    const struct golden_pkt *g = golden_find(pkts, n, "udp_trunc7");
    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_EQ(flow.nw_proto, IPPROTO_UDP_);
    ASSERT_EQ(flow.tp_src, 0);
    ASSERT_EQ(flow.tp_dst, 0);
    ASSERT_EQ(layers.l4, 34);
    golden_free(pkts, n);
}

/* I7: extension header chains are walked within the payload length. */
TEST(ipv6_extension_header_chains)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    const struct golden_pkt *g = golden_find(pkts, n, "ipv6_chain200_udp");
    struct pkt_layers layers;
    struct flow flow;

    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_EQ(flow.nw_proto, IPPROTO_UDP_);
    ASSERT_EQ(ntohs(flow.tp_src), 9);
    ASSERT_EQ(layers.l4, 14 + 40 + 200 * 8);
    ASSERT_EQ(layers.l3_len, 40 + 200 * 8 + 8);

    g = golden_find(pkts, n, "ipv6_routing_frag_later");
    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_EQ(flow.nw_proto, IPPROTO_FRAGMENT_);
    ASSERT_EQ(flow.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    ASSERT_EQ(flow.tp_src, 0);

    g = golden_find(pkts, n, "ipv6_routing_frag_first");
    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_EQ(flow.nw_proto, IPPROTO_TCP_);
    ASSERT_EQ(flow.nw_frag, FLOW_NW_FRAG_ANY);
    ASSERT_EQ(ntohs(flow.tp_dst), 8);

    /* A header running past the payload: addresses and label stay, the
     * rest of L3 and all of L4 are zero. */
    g = golden_find(pkts, n, "ipv6_hbh_overrun_padding");
    extract_exact(g->data, g->size, &flow, &layers);
    ASSERT_TRUE(ipv6_addr_is_set(&flow.ipv6_src));
    ASSERT_EQ(flow.nw_proto, 0);
    ASSERT_EQ(flow.nw_ttl, 0);
    ASSERT_EQ(flow.tp_src, 0);
    ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
    golden_free(pkts, n);
}

/* A chain of 8191 destination-options headers fills a 64 KiB payload: the
 * walk is bounded by the length and the L4 offset no longer fits 16 bits,
 * but the ports are still extracted. */
TEST(ipv6_max_length_chain)
{
    size_t n_ext = 8190, plen = n_ext * 8 + UDP_HEADER_LEN;
    size_t size = ETH_HEADER_LEN + IPV6_HEADER_LEN + plen;
    uint8_t *buf = xzalloc(size);
    struct ip6_header *ip6 = (void *) (buf + ETH_HEADER_LEN);
    uint8_t *p = buf + ETH_HEADER_LEN + IPV6_HEADER_LEN;
    struct pkt_layers layers;
    struct flow flow;

    buf[12] = 0x86;
    buf[13] = 0xdd;
    ip6->ip6_flow = htonl(6u << 28);
    ip6->ip6_plen = htons((uint16_t) plen);
    ip6->ip6_nxt = IPPROTO_DSTOPTS_;
    for (size_t i = 0; i < n_ext; i++, p += 8) {
        p[0] = i + 1 < n_ext ? IPPROTO_DSTOPTS_ : IPPROTO_UDP_;
    }
    p[0] = 0x12;
    p[1] = 0x34;
    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(buf, size, &flow, &layers);
    ASSERT_EQ(flow.nw_proto, IPPROTO_UDP_);
    ASSERT_HEX_EQ(ntohs(flow.tp_src), 0x1234);
    ASSERT_EQ(layers.l4, PKT_LAYER_NONE);
    ASSERT_EQ(layers.l3_len, IPV6_HEADER_LEN + plen);
    free(buf);
}

TEST(layer_offsets)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    static const struct {
        const char *name;
        uint16_t l2_5, l3, l4;
        uint32_t l3_len;
    } cases[] = {
        { "ipv4_udp", PKT_LAYER_NONE, 14, 34, 40 },
        { "ipv4_options", PKT_LAYER_NONE, 14, 38, 44 },
        { "vlan_ipv4_udp", 12, 18, 38, 40 },
        { "ieee8023_snap_ipv4", PKT_LAYER_NONE, 22, 42, 40 },
        { "ieee8023_llc", PKT_LAYER_NONE, 14, PKT_LAYER_NONE, 0 },
        { "mpls", 14, 18, PKT_LAYER_NONE, 0 },
        { "arp_request", PKT_LAYER_NONE, 14, PKT_LAYER_NONE, 0 },
        { "ipv6_hbh_tcp", PKT_LAYER_NONE, 14, 62, 68 },
        { "ipv4_frag_later", PKT_LAYER_NONE, 14, 34, 28 },
        { "ipv4_pad255", PKT_LAYER_NONE, 14, 34, 40 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, cases[i].name);
        struct pkt_layers layers;
        struct flow flow;

        extract_exact(g->data, g->size, &flow, &layers);
        if (layers.l2_5 != cases[i].l2_5 || layers.l3 != cases[i].l3
            || layers.l4 != cases[i].l4 || layers.l3_len != cases[i].l3_len) {
            harness_fail(__FILE__, __LINE__, "%s: layers %u/%u/%u/%u",
                         cases[i].name, layers.l2_5, layers.l3, layers.l4,
                         layers.l3_len);
        }
    }
    golden_free(pkts, n);
}

TEST(arp_and_nd_fields)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    struct eth_addr a, b;
    struct flow flow;
    be32 ip;

    ASSERT_TRUE(eth_addr_from_string("fa:16:3e:61:21:c6", &a));
    ASSERT_TRUE(eth_addr_from_string("fa:16:3e:e9:26:5b", &b));

    const struct golden_pkt *g = golden_find(pkts, n, "arp_reply");
    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_EQ(flow.nw_proto, ARP_OP_REPLY);
    ASSERT_TRUE(ip_from_string("192.168.101.1", &ip));
    ASSERT_EQ(flow.nw_src, ip);
    ASSERT_TRUE(eth_addr_equals(flow.arp_sha, b));
    ASSERT_TRUE(eth_addr_equals(flow.arp_tha, a));

    /* Opcode above 255: addresses kept, opcode not matchable. */
    g = golden_find(pkts, n, "arp_op_big");
    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_EQ(flow.nw_proto, 0);
    ASSERT_TRUE(ip_from_string("1.2.3.4", &ip));
    ASSERT_EQ(flow.nw_src, ip);

    g = golden_find(pkts, n, "nd_na_sll_tll");
    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_EQ(ntohs(flow.tp_src), ND_NEIGHBOR_ADVERT);
    ASSERT_TRUE(eth_addr_equals(flow.arp_sha, b));
    ASSERT_TRUE(eth_addr_equals(flow.arp_tha, a));
    ASSERT_TRUE(ipv6_addr_is_set(&flow.nd_target));

    /* A repeated option invalidates the target and both addresses. */
    g = golden_find(pkts, n, "nd_ns_dup_sll");
    extract_exact(g->data, g->size, &flow, NULL);
    ASSERT_EQ(ntohs(flow.tp_src), ND_NEIGHBOR_SOLICIT);
    ASSERT_FALSE(ipv6_addr_is_set(&flow.nd_target));
    ASSERT_TRUE(eth_addr_is_zero(flow.arp_sha));
    golden_free(pkts, n);
}

/* Truncations and byte flips of every golden packet: extraction is
 * deterministic and stays inside the buffer (checked by ASan). */
TEST(mutations_are_deterministic)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    uint64_t rng = 42;

    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 64; k++) {
            size_t size = pkts[i].size;
            uint8_t *buf;
            struct pkt_layers la, lb;
            struct flow a, b;

            if (k < 32 && size) {
                size = test_random(&rng) % (size + 1);
            }
            buf = xmalloc(size ? size : 1);
            memcpy(buf, pkts[i].data, size);
            for (int f = 0; size && f < 1 + k % 4; f++) {
                buf[test_random(&rng) % size] ^=
                    (uint8_t) (1 + test_random(&rng) % 255);
            }
            memset(&a, 0, sizeof a);
            memset(&b, 0x77, sizeof b);
            pkt_flow_extract(buf, size, &a, &la);
            memset(&b, 0, offsetof(struct flow, dl_dst));
            pkt_flow_extract(buf, size, &b, &lb);
            ASSERT_TRUE(flow_equal(&a, &b));
            ASSERT_MEM_EQ(&la, &lb, sizeof la);
            ASSERT_TRUE(la.l3 == PKT_LAYER_NONE || la.l3 <= size);
            ASSERT_TRUE(la.l4 == PKT_LAYER_NONE || la.l4 <= size);
            ASSERT_TRUE(la.l3 == PKT_LAYER_NONE
                        || la.l3 + la.l3_len <= size);
            free(buf);
        }
    }
    golden_free(pkts, n);
}

TEST(hash_5tuple_is_symmetric)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    int n_distinct = 0, n_ip = 0;
    uint32_t prev = 0;

    for (size_t i = 0; i < n; i++) {
        struct flow f, r;

        extract_exact(pkts[i].data, pkts[i].size, &f, NULL);
        r = f;
        r.nw_src = f.nw_dst;
        r.nw_dst = f.nw_src;
        r.ipv6_src = f.ipv6_dst;
        r.ipv6_dst = f.ipv6_src;
        r.tp_src = f.tp_dst;
        r.tp_dst = f.tp_src;
        r.dl_src = f.dl_dst;
        r.dl_dst = f.dl_src;
        ASSERT_EQ(flow_hash_5tuple(&f, 7), flow_hash_5tuple(&r, 7));
        ASSERT_NE(flow_hash_5tuple(&f, 7), flow_hash_5tuple(&f, 8));
        if (is_ip_any(&f)) {
            n_ip++;
            n_distinct += flow_hash_5tuple(&f, 0) != prev;
            prev = flow_hash_5tuple(&f, 0);
        }
        ASSERT_EQ(flow_hash(&f, 1), flow_hash(&f, 1));
        if (!flow_equal(&f, &r)) {
            ASSERT_NE(flow_hash(&f, 1), flow_hash(&r, 1));
        }
    }

    /* The ports matter for TCP. */
    const struct golden_pkt *g = golden_find(pkts, n, "ipv4_tcp_syn");
    struct flow f, other;

    extract_exact(g->data, g->size, &f, NULL);
    other = f;
    other.tp_src = htons(ntohs(f.tp_src) + 1);
    ASSERT_NE(flow_hash_5tuple(&f, 0), flow_hash_5tuple(&other, 0));
    ASSERT_GT(n_distinct, n_ip / 3);
    golden_free(pkts, n);
}

/* Returns a random 16-bit value in network order. */
static be16
random_be16(uint64_t *rng)
{
    return (be16) test_random(rng);
}

static void
random_eth(uint64_t *rng, struct eth_addr *ea)
{
    uint64_t x = test_random(rng);

    memcpy(ea->ea, &x, ETH_ADDR_LEN);
}

/* Fills FLOW with random header fields that flow_compose() can express
 * exactly: what extraction of the composed packet must give back. */
static void
random_flow(uint64_t *rng, struct flow *flow)
{
    static const be16 other_types[] = { 0x88cc, 0x9999, 0x8847, 0x0600,
                                        0xffff };
    static const uint8_t other_v4[] = { 0, 4, 41, 47, 50, 89, 255 };
    static const uint8_t other_v6[] = { 4, 41, 47, 50, 59, 89, 255 };
    int n_vlans = (int) (test_random(rng) % 3);
    int kind = (int) (test_random(rng) % 13);
    bool v6;

    memset(flow, 0, sizeof *flow);
    random_eth(rng, &flow->dl_dst);
    random_eth(rng, &flow->dl_src);
    for (int i = 0; i < n_vlans; i++) {
        flow->vlans[i].tpid = htons(test_random(rng) & 1
                                    ? ETH_TYPE_VLAN_8021Q
                                    : ETH_TYPE_VLAN_8021AD);
        flow->vlans[i].tci = random_be16(rng) | htons(VLAN_CFI);
    }

    if (kind == 10) {
        flow->dl_type = htons(test_random(rng) & 1 ? ETH_TYPE_ARP
                                                   : ETH_TYPE_RARP);
        flow->nw_src = (be32) test_random(rng);
        flow->nw_dst = (be32) test_random(rng);
        flow->nw_proto = (uint8_t) test_random(rng);
        random_eth(rng, &flow->arp_sha);
        random_eth(rng, &flow->arp_tha);
        return;
    } else if (kind == 11) {
        flow->dl_type = htons(FLOW_DL_TYPE_NONE);
        return;
    } else if (kind == 12) {
        flow->dl_type = htons(other_types[test_random(rng)
                                          % ARRAY_SIZE(other_types)]);
        return;
    }

    v6 = kind >= 5;
    if (v6) {
        flow->dl_type = htons(ETH_TYPE_IPV6);
        for (int i = 0; i < 4; i++) {
            uint32_t a = (uint32_t) test_random(rng);
            uint32_t b = (uint32_t) test_random(rng);

            memcpy((uint8_t *) &flow->ipv6_src + 4 * i, &a, 4);
            memcpy((uint8_t *) &flow->ipv6_dst + 4 * i, &b, 4);
        }
        flow->ipv6_label = htonl((uint32_t) test_random(rng)
                                 & IPV6_LABEL_MASK);
    } else {
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_src = (be32) test_random(rng);
        flow->nw_dst = (be32) test_random(rng);
    }
    flow->nw_tos = (uint8_t) test_random(rng);
    flow->nw_ttl = (uint8_t) test_random(rng);
    switch (test_random(rng) % 4) {
    case 0:
        flow->nw_frag = FLOW_NW_FRAG_ANY;
        break;
    case 1:
        flow->nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
        break;
    default:
        break;
    }

    switch (kind % 5) {
    case 0:
        flow->nw_proto = IPPROTO_TCP_;
        flow->tcp_flags = htons(test_random(rng) & 0xfff);
        break;
    case 1:
        flow->nw_proto = IPPROTO_UDP_;
        break;
    case 2:
        flow->nw_proto = IPPROTO_SCTP_;
        break;
    case 3:
        flow->nw_proto = v6 ? IPPROTO_ICMPV6_
                            : (test_random(rng) & 1 ? IPPROTO_ICMP_
                                                    : IPPROTO_IGMP_);
        break;
    default:
        flow->nw_proto = v6 ? other_v6[test_random(rng) % sizeof other_v6]
                            : other_v4[test_random(rng) % sizeof other_v4];
        break;
    }
    if (flow->nw_proto == IPPROTO_TCP_ || flow->nw_proto == IPPROTO_UDP_
        || flow->nw_proto == IPPROTO_SCTP_) {
        flow->tp_src = random_be16(rng);
        flow->tp_dst = random_be16(rng);
    } else if (kind % 5 == 3) {
        uint8_t type = (uint8_t) test_random(rng);
        uint8_t code = test_random(rng) & 1 ? 0 : (uint8_t) test_random(rng);

        if (v6 && test_random(rng) & 1) {
            type = test_random(rng) & 1 ? ND_NEIGHBOR_SOLICIT
                                        : ND_NEIGHBOR_ADVERT;
            code = 0;
            memcpy(&flow->nd_target, &flow->ipv6_dst, 16);
            if (test_random(rng) & 1) {
                random_eth(rng, &flow->arp_sha);
            }
            if (test_random(rng) & 1) {
                random_eth(rng, &flow->arp_tha);
            }
        }
        flow->tp_src = htons(type);
        flow->tp_dst = htons(code);
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        /* No L4 in later fragments; IPv6 reports protocol 44. */
        flow->tp_src = flow->tp_dst = flow->tcp_flags = 0;
        flow->nd_target = in6addr_any;
        flow->arp_sha = flow->arp_tha = eth_addr_zero;
        if (v6) {
            flow->nw_proto = IPPROTO_FRAGMENT_;
        }
    }
}

/* Checks the IPv4 header checksum and the L4 checksum of the composed
 * frame of SIZE bytes at BUF whose flow is FLOW. */
static void
check_composed_csums(const uint8_t *buf, size_t size, const struct flow *flow)
{
    struct pkt_layers layers;
    struct flow got;
    const uint8_t *l4;
    size_t l4_len;
    uint32_t partial = 0;

    memset(&got, 0, sizeof got);
    pkt_flow_extract(buf, size, &got, &layers);
    if (!is_ip_any(flow)) {
        return;
    }
    ASSERT_EQ(layers.l3 + layers.l3_len, size);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        struct ip_header ip;

        ASSERT_EQ(csum(buf + layers.l3, IP_HEADER_LEN), 0);
        memcpy(&ip, buf + layers.l3, sizeof ip);
        partial = packet_csum_pseudoheader(&ip);
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    l4 = buf + layers.l4;
    l4_len = size - layers.l4;
    if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        struct ip6_header ip6;

        memcpy(&ip6, buf + layers.l3, sizeof ip6);
        partial = packet_csum_pseudoheader6(&ip6, flow->nw_proto,
                                            (uint32_t) l4_len);
    }
    switch (flow->nw_proto) {
    case IPPROTO_TCP_:
    case IPPROTO_UDP_:
    case IPPROTO_ICMPV6_:
        ASSERT_EQ(csum_finish(csum_continue(partial, l4, l4_len)), 0);
        break;
    case IPPROTO_ICMP_:
    case IPPROTO_IGMP_:
        ASSERT_EQ(csum(l4, l4_len), 0);
        break;
    default:
        break;
    }
}

TEST(compose_extract_round_trip)
{
    size_t cap = 70000;
    uint8_t *buf = xmalloc(cap);
    uint64_t rng = 2026;

    for (int i = 0; i < 20000; i++) {
        struct flow flow, got;
        size_t payload = test_random(&rng) % 4 ? test_random(&rng) % 400 : 0;
        size_t len;

        random_flow(&rng, &flow);
        len = flow_compose(&flow, payload, buf, cap);
        ASSERT_GE(len, ETH_HEADER_LEN);
        memset(&got, 0, sizeof got);
        pkt_flow_extract(buf, len, &got, NULL);
        if (!flow_equal(&flow, &got)) {
            struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;

            flow_format_canonical(&flow, &a);
            flow_format_canonical(&got, &b);
            ASSERT_STR_EQ(ds_cstr(&a), ds_cstr(&b));
        }
        check_composed_csums(buf, len, &flow);

        /* Too small a buffer: 0, and nothing written past its end (the
         * buffer is exactly sized for ASan). */
        if (i % 200 == 0) {
            for (size_t small = 0; small < len; small++) {
                uint8_t *s = xmalloc(small ? small : 1);

                ASSERT_EQ(flow_compose(&flow, payload, s, small), 0);
                free(s);
            }
        }
    }
    free(buf);
}

TEST(compose_specific_packets)
{
    uint8_t buf[2048];
    struct flow flow;
    size_t len;

    /* The seed's inner ICMP echo: 98 bytes, IPv4 total length 84. */
    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_proto = IPPROTO_ICMP_;
    flow.nw_ttl = 64;
    ASSERT_TRUE(ip_from_string("192.168.101.85", &flow.nw_src));
    ASSERT_TRUE(ip_from_string("192.168.101.1", &flow.nw_dst));
    flow.tp_src = htons(ICMP4_ECHO_REQUEST);
    len = flow_compose(&flow, 56, buf, sizeof buf);
    ASSERT_EQ(len, 98);
    ASSERT_EQ(buf[16], 0);
    ASSERT_EQ(buf[17], 84);
    /* Non-echo ICMP carries no payload. */
    flow.tp_src = htons(ICMP4_DST_UNREACH);
    ASSERT_EQ(flow_compose(&flow, 56, buf, sizeof buf), 42);

    /* A DHCPDISCOVER-sized UDP datagram. */
    flow.nw_proto = IPPROTO_UDP_;
    flow.nw_src = 0;
    flow.nw_dst = htonl(0xffffffff);
    flow.tp_src = htons(68);
    flow.tp_dst = htons(67);
    len = flow_compose(&flow, 300, buf, sizeof buf);
    ASSERT_EQ(len, 14 + 20 + 8 + 300);
    ASSERT_EQ(buf[38] << 8 | buf[39], 308);

    /* TCP SYN: no payload, data offset 5, flags as given. */
    flow.nw_proto = IPPROTO_TCP_;
    flow.tcp_flags = htons(TCP_SYN);
    ASSERT_EQ(flow_compose(&flow, 100, buf, sizeof buf), 54);
    ASSERT_EQ(buf[46], 0x50);
    ASSERT_EQ(buf[47], TCP_SYN);
    flow.tcp_flags = htons(TCP_ACK | TCP_PSH);
    ASSERT_EQ(flow_compose(&flow, 100, buf, sizeof buf), 154);

    /* ARP request. */
    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(ETH_TYPE_ARP);
    flow.nw_proto = ARP_OP_REQUEST;
    ASSERT_EQ(flow_compose(&flow, 100, buf, sizeof buf), 42);
    ASSERT_EQ(buf[21], ARP_OP_REQUEST);

    /* ND neighbor solicitation with a source link-layer address. */
    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(ETH_TYPE_IPV6);
    flow.nw_proto = IPPROTO_ICMPV6_;
    flow.nw_ttl = 255;
    flow.tp_src = htons(ND_NEIGHBOR_SOLICIT);
    ASSERT_TRUE(eth_addr_from_string("fa:16:3e:61:21:c6", &flow.arp_sha));
    len = flow_compose(&flow, 0, buf, sizeof buf);
    ASSERT_EQ(len, 14 + 40 + 8 + 16 + 8);
    ASSERT_EQ(buf[14 + 40 + 24], ND_OPT_SOURCE_LINKADDR);

    /* 802.3: the length field counts the payload; too long a payload
     * cannot be expressed. */
    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(FLOW_DL_TYPE_NONE);
    ASSERT_EQ(flow_compose(&flow, 10, buf, sizeof buf), 24);
    ASSERT_EQ(buf[12] << 8 | buf[13], 10);
    ASSERT_EQ(flow_compose(&flow, ETH_TYPE_MIN, buf, sizeof buf), 0);
}

/* E4: a multicast, broadcast or all-zero source MAC is extracted as is,
 * so that the port-security tables can match and drop it; extraction
 * itself does not judge it. */
TEST(invalid_source_macs_are_extracted_verbatim)
{
    static const char *const macs[] = { "01:00:5e:00:00:01",
                                        "ff:ff:ff:ff:ff:ff",
                                        "00:00:00:00:00:00" };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    const struct golden_pkt *g = golden_find(pkts, n, "ipv4_udp");

    for (size_t i = 0; i < ARRAY_SIZE(macs); i++) {
        uint8_t *copy = xmemdup(g->data, g->size);
        struct eth_addr mac;
        struct flow flow;

        ASSERT_TRUE(eth_addr_from_string(macs[i], &mac));
        memcpy(copy + ETH_ADDR_LEN, mac.ea, ETH_ADDR_LEN);
        memset(&flow, 0, sizeof flow);
        pkt_flow_extract(copy, g->size, &flow, NULL);
        ASSERT_TRUE(eth_addr_equals(flow.dl_src, mac));
        ASSERT_EQ(eth_addr_is_multicast(flow.dl_src), i < 2);
        ASSERT_EQ(eth_addr_is_zero(flow.dl_src), i == 2);
        ASSERT_EQ(ntohs(flow.tp_dst), 53);
        free(copy);
    }
    golden_free(pkts, n);
}
