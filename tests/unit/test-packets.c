/* Unit tests for src/packet/packets.c: address parsing and checksums
 * (compared with a trivially correct byte-wise implementation and with the
 * checksums scapy wrote into the golden packets). */
#include <arpa/inet.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/util.h"
#include "packet-util.h"
#include "packet/flow.h"
#include "packet/packets.h"

TEST(eth_addr_parsing)
{
    static const char *const bad[] = {
        "", "fa:16:3e:61:21", "fa:16:3e:61:21:c6:", "fa:16:3e:61:21:c", "x",
        "fa-16-3e-61-21-c6", "fa:16:3e:61:21:c6 ", " fa:16:3e:61:21:c6",
        "fa:16:3e:61:21:cg", "fa:16:3e:61:2:1c6", "fa:16:3e:61:21:c60",
        "+a:16:3e:61:21:c6",
    };
    struct eth_addr ea, orig = { { 1, 2, 3, 4, 5, 6 } };

    ASSERT_TRUE(eth_addr_from_string("fa:16:3E:61:21:c6", &ea));
    ASSERT_HEX_EQ(eth_addr_to_uint64(ea), 0xfa163e6121c6ULL);
    ASSERT_TRUE(eth_addr_from_string("ff:ff:ff:ff:ff:ff", &ea));
    ASSERT_TRUE(eth_addr_is_broadcast(ea));
    ASSERT_TRUE(eth_addr_is_multicast(ea));
    ASSERT_TRUE(eth_addr_from_string("00:00:00:00:00:00", &ea));
    ASSERT_TRUE(eth_addr_is_zero(ea));
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ea = orig;
        if (eth_addr_from_string(bad[i], &ea)) {
            harness_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
        }
        ASSERT_TRUE(eth_addr_equals(ea, orig));
    }
}

TEST(ip_parsing)
{
    static const char *const bad[] = {
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4",
        "01.2.3.4", "1.2.3.-4", "1..3.4", "0x1.2.3.4", "1.2.3.4/24", "a.b.c.d",
    };
    be32 ip = htonl(0x01020304);

    ASSERT_TRUE(ip_from_string("192.168.101.85", &ip));
    ASSERT_HEX_EQ(ntohl(ip), 0xc0a86555);
    ASSERT_TRUE(ip_from_string("0.0.0.0", &ip));
    ASSERT_EQ(ip, 0);
    ASSERT_TRUE(ip_from_string("255.255.255.255", &ip));
    ASSERT_HEX_EQ(ip, 0xffffffff);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ip = htonl(0x0a000001);
        if (ip_from_string(bad[i], &ip)) {
            harness_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
        }
        ASSERT_HEX_EQ(ntohl(ip), 0x0a000001);
    }
}

TEST(cidr_masks)
{
    for (int plen = 0; plen <= 32; plen++) {
        uint32_t m = plen ? ~0u << (32 - plen) : 0;

        ASSERT_TRUE(ip_is_cidr(htonl(m)));
        ASSERT_EQ(ip_count_cidr_bits(htonl(m)), plen);
    }

    /* Every other mask is rejected: compare with a bit-by-bit oracle over
     * random masks and a few hand-picked ones. */
    static const uint32_t bad[] = { 0x1, 0x80000001, 0xff00ff00, 0x7fffffff,
                                    0xfffffffe & ~0x100u };
    uint64_t rng = 9;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ASSERT_FALSE(ip_is_cidr(htonl(bad[i])));
        ASSERT_EQ(ip_count_cidr_bits(htonl(bad[i])), -1);
    }
    for (int i = 0; i < 100000; i++) {
        uint32_t m = (uint32_t) test_random(&rng);
        bool seen_zero = false, cidr = true;

        if (i & 1) {
            m = ~0u << (test_random(&rng) % 32);
            m ^= 1u << (test_random(&rng) % 32);
        }
        for (int bit = 31; bit >= 0; bit--) {
            if (!(m >> bit & 1)) {
                seen_zero = true;
            } else if (seen_zero) {
                cidr = false;
            }
        }
        ASSERT_EQ(ip_is_cidr(htonl(m)), cidr);
        ASSERT_EQ(ip_count_cidr_bits(htonl(m)),
                  cidr ? __builtin_popcount(m) : -1);
    }
}

/* The textbook RFC 1071 checksum over bytes as big-endian words, in host
 * order. */
static uint16_t
ref_csum(const uint8_t *p, size_t n)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

TEST(csum_matches_reference)
{
    uint64_t rng = 1;

    for (int i = 0; i < 2000; i++) {
        size_t n = test_random(&rng) % 1600;
        uint8_t *buf = xmalloc(n + 1);
        size_t split = n ? (test_random(&rng) % n) & ~(size_t) 1 : 0;
        int mode = i % 3;

        for (size_t j = 0; j < n; j++) {
            /* Mode 1 makes long runs of 0xff to exercise carries. */
            buf[j] = mode == 1 ? 0xff : (uint8_t) test_random(&rng);
        }
        ASSERT_HEX_EQ(ntohs(csum(buf, n)), ref_csum(buf, n));

        /* A chain split at an even offset gives the same sum. */
        uint32_t partial = csum_continue(0, buf, split);
        partial = csum_continue(partial, buf + split, n - split);
        ASSERT_HEX_EQ(ntohs(csum_finish(partial)), ref_csum(buf, n));

        /* Unaligned data. */
        memmove(buf + 1, buf, n);
        ASSERT_HEX_EQ(ntohs(csum(buf + 1, n)), ref_csum(buf + 1, n));
        free(buf);
    }

    /* 128 KiB of 0xff: the accumulator must not overflow. */
    size_t big = 1 << 17;
    uint8_t *buf = xmalloc(big);
    memset(buf, 0xff, big);
    ASSERT_HEX_EQ(ntohs(csum(buf, big)), ref_csum(buf, big));
    free(buf);
}

/* Returns true if the L4 checksum of the IP packet in golden packet G
 * verifies against its pseudo-header. */
static bool
l4_csum_ok(const struct golden_pkt *g)
{
    struct pkt_layers layers;
    struct flow flow;
    const uint8_t *l3, *l4;
    size_t l4_len;
    uint32_t partial;

    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(g->data, g->size, &flow, &layers);
    l3 = g->data + layers.l3;
    l4 = g->data + layers.l4;
    l4_len = layers.l3 + layers.l3_len - layers.l4;
    if (flow.dl_type == htons(ETH_TYPE_IP)) {
        struct ip_header ip;

        memcpy(&ip, l3, sizeof ip);
        partial = packet_csum_pseudoheader(&ip);
    } else {
        struct ip6_header ip6;

        memcpy(&ip6, l3, sizeof ip6);
        partial = packet_csum_pseudoheader6(&ip6, flow.nw_proto,
                                            (uint32_t) l4_len);
    }
    return csum_finish(csum_continue(partial, l4, l4_len)) == 0;
}

TEST(pseudoheader_checksums_verify_scapy_packets)
{
    static const char *const names[] = {
        "ipv4_udp", "ipv4_tcp_syn", "ipv4_tcp_options", "ipv4_options",
        "ipv6_udp", "ipv6_tcp", "ipv6_icmp6_echo", "nd_ns_sll",
        "nd_na_sll_tll", "ipv4_dhcp_discover", "vxlan_outer",
    };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, names[i]);
        struct golden_pkt bad = *g;

        if (!l4_csum_ok(g)) {
            harness_fail(__FILE__, __LINE__, "%s: bad L4 checksum", names[i]);
        }
        /* Flipping one payload byte breaks it. */
        bad.data = xmemdup(g->data, g->size);
        bad.data[g->size - 1] ^= 0x40;
        ASSERT_FALSE(l4_csum_ok(&bad));
        free(bad.data);
    }

    /* IPv4 header checksums written by scapy verify to 0. */
    const struct golden_pkt *g = golden_find(pkts, n, "ipv4_options");
    ASSERT_EQ(csum(g->data + ETH_HEADER_LEN, 24), 0);
    golden_free(pkts, n);
}

/* Returns true if checksums A and B are the same ones' complement value
 * (0x0000 and 0xffff both mean zero). */
static bool
csum_equiv(be16 a, be16 b)
{
    return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

TEST(incremental_checksum_update)
{
    uint64_t rng = 77;

    for (int i = 0; i < 20000; i++) {
        uint8_t hdr[20];
        size_t ofs;
        be16 sum, upd, full;

        for (size_t j = 0; j < sizeof hdr; j++) {
            hdr[j] = (uint8_t) test_random(&rng);
        }
        if (i % 5 == 0) {
            memset(hdr, 0, sizeof hdr);
        }
        hdr[10] = hdr[11] = 0;
        sum = csum(hdr, sizeof hdr);
        memcpy(hdr + 10, &sum, 2);

        if (i & 1) {
            be16 old, new_ = (be16) test_random(&rng);

            ofs = 2 * (test_random(&rng) % 5);
            memcpy(&old, hdr + ofs, 2);
            memcpy(hdr + ofs, &new_, 2);
            upd = recalc_csum16(sum, old, new_);
        } else {
            be32 old, new_ = (be32) test_random(&rng);

            ofs = 12 + 4 * (test_random(&rng) % 2);
            memcpy(&old, hdr + ofs, 4);
            memcpy(hdr + ofs, &new_, 4);
            upd = recalc_csum32(sum, old, new_);
        }
        memcpy(hdr + 10, &upd, 2);
        /* The updated header verifies... */
        ASSERT_TRUE(csum_equiv(csum(hdr, sizeof hdr), 0));
        /* ...and matches a full recomputation. */
        hdr[10] = hdr[11] = 0;
        full = csum(hdr, sizeof hdr);
        if (!csum_equiv(upd, full)) {
            harness_fail(__FILE__, __LINE__, "iteration %d: %04x vs %04x", i,
                         ntohs(upd), ntohs(full));
        }
    }

    /* RFC 1624 section 4's example: HC 0xdd2f, m 0x5555 -> 0x3285. */
    ASSERT_HEX_EQ(ntohs(recalc_csum16(htons(0xdd2f), htons(0x5555),
                                      htons(0x3285))), 0x0000);
}

TEST(header_sizes)
{
    ASSERT_EQ(sizeof(struct eth_header), ETH_HEADER_LEN);
    ASSERT_EQ(sizeof(struct vlan_eth_header), ETH_HEADER_LEN + 4);
    ASSERT_EQ(sizeof(struct arp_eth_header), ARP_ETH_HEADER_LEN);
    ASSERT_EQ(sizeof(struct ip_header), IP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct ip6_header), IPV6_HEADER_LEN);
    ASSERT_EQ(sizeof(struct ip6_frag_header), IPV6_FRAG_HEADER_LEN);
    ASSERT_EQ(sizeof(struct udp_header), UDP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct tcp_header), TCP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct sctp_header), SCTP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct igmp_header), IGMP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct icmp_header), ICMP_HEADER_LEN);
    ASSERT_EQ(sizeof(struct ovs_nd_msg), 4 + 4 + 16);
    ASSERT_EQ(sizeof(struct nd_lla_opt), ND_LLA_OPT_LEN);
    ASSERT_EQ(sizeof(struct vxlan_header), VXLAN_HLEN);
    ASSERT_EQ(VXLAN_IPV4_OVERHEAD, 50);
}
