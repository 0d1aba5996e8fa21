/*
 * Unit tests for src/packet/pkt-icmp.c: the "fragmentation needed" and
 * "packet too big" messages the datapath sends instances whose frames do
 * not fit a tunnel.  Each reply is parsed back with flow extraction and
 * its checksums verified.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lib/util.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt-icmp.h"
#include "packet/pkt.h"

static const struct eth_addr mac_vm = {{ 0xfa, 0x16, 0x3e, 0x61, 0x21, 0xc6 }};
static const struct eth_addr mac_gw = {{ 0xfa, 0x16, 0x3e, 0xe9, 0x26, 0x5b }};

/* A TCP frame from the instance to 192.168.101.1 with PAYLOAD bytes. */
static struct pkt *
tcp4_frame(size_t payload, bool df, int vid)
{
    struct flow flow;
    uint8_t buf[9100];
    size_t n;
    struct pkt *p;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = mac_vm;
    flow.dl_dst = mac_gw;
    if (vid >= 0) {
        flow.vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        flow.vlans[0].tci = htons(VLAN_CFI | vid);
    }
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_src = htonl(0xc0a86555);
    flow.nw_dst = htonl(0xc0a86501);
    flow.nw_proto = IPPROTO_TCP_;
    flow.nw_ttl = 64;
    flow.tp_src = htons(40000);
    flow.tp_dst = htons(80);
    flow.tcp_flags = htons(TCP_ACK);
    n = flow_compose(&flow, payload, buf, sizeof buf);
    ASSERT_TRUE(n > 0);
    p = pkt_clone_data(buf, n);
    if (df) {
        size_t l3 = vid >= 0 ? 18 : 14;
        struct ip_header ip;

        memcpy(&ip, buf + l3, sizeof ip);
        ip.ip_frag_off = htons(0x4000);
        ip.ip_csum = 0;
        ip.ip_csum = csum(&ip, sizeof ip);
        memcpy((uint8_t *) pkt_data(p) + l3, &ip, sizeof ip);
    }
    return p;
}

TEST(ipv4_fragmentation_needed)
{
    struct pkt *p = tcp4_frame(1460, true, -1);
    struct pkt *r = pkt_icmp_too_big(p, 1400);
    struct pkt_layers l;
    struct flow f;
    const uint8_t *d;
    uint16_t mtu;

    ASSERT_TRUE(r != NULL);
    memset(&f, 0, sizeof f);
    pkt_flow_extract(pkt_data(r), pkt_size(r), &f, &l);
    ASSERT_TRUE(eth_addr_equals(f.dl_src, mac_gw));
    ASSERT_TRUE(eth_addr_equals(f.dl_dst, mac_vm));
    ASSERT_HEX_EQ(ntohs(f.dl_type), ETH_TYPE_IP);
    ASSERT_HEX_EQ(ntohl(f.nw_src), 0xc0a86501);
    ASSERT_HEX_EQ(ntohl(f.nw_dst), 0xc0a86555);
    ASSERT_EQ(f.nw_proto, IPPROTO_ICMP_);
    ASSERT_EQ(ntohs(f.tp_src), 3);     /* Type. */
    ASSERT_EQ(ntohs(f.tp_dst), 4);     /* Code. */
    d = (const uint8_t *) pkt_data(r) + l.l3;
    /* Both checksums verify (a correct sum over the data gives 0). */
    ASSERT_EQ(csum(d, 20), 0);
    ASSERT_EQ(csum(d + 20, pkt_size(r) - l.l3 - 20), 0);
    mtu = (uint16_t) (d[26] << 8 | d[27]);
    ASSERT_EQ(mtu, 1400);
    /* The quote is the start of the original datagram, within 576. */
    ASSERT_EQ(pkt_size(r) - l.l3, 576);
    ASSERT_MEM_EQ(d + 28, (const uint8_t *) pkt_data(p) + 14, 548);
    pkt_free(r);

    /* An MTU below IPv4's minimum is raised to 68. */
    r = pkt_icmp_too_big(p, 10);
    ASSERT_TRUE(r != NULL);
    d = (const uint8_t *) pkt_data(r) + 14;
    ASSERT_EQ(d[26] << 8 | d[27], 68);
    pkt_free(r);
    pkt_free(p);
}

TEST(ipv4_keeps_vlan_tag_and_short_quote)
{
    struct pkt *p = tcp4_frame(10, true, 3);
    struct pkt *r = pkt_icmp_too_big(p, 1450);
    struct pkt_layers l;
    struct flow f;

    ASSERT_TRUE(r != NULL);
    memset(&f, 0, sizeof f);
    pkt_flow_extract(pkt_data(r), pkt_size(r), &f, &l);
    ASSERT_HEX_EQ(ntohs(f.vlans[0].tci), VLAN_CFI | 3);
    ASSERT_EQ(l.l3, 18);
    /* The whole short datagram is quoted. */
    ASSERT_EQ(pkt_size(r), 18 + 20 + 8 + (pkt_size(p) - 18));
    pkt_free(r);
    pkt_free(p);
}

TEST(no_reply_when_none_is_due)
{
    struct pkt *p = tcp4_frame(100, false, -1);

    /* Without DF the datagram may be fragmented: no ICMP. */
    ASSERT_TRUE(pkt_icmp_too_big(p, 1400) == NULL);
    pkt_free(p);

    /* Truncated frames, at every length. */
    p = tcp4_frame(100, true, -1);
    for (size_t n = 0; n < 14 + 20; n++) {
        struct pkt *t = pkt_clone_data(pkt_data(p), n);

        ASSERT_TRUE(pkt_icmp_too_big(t, 1400) == NULL);
        pkt_free(t);
    }
    pkt_free(p);

    /* A broadcast source, or an ICMP error, gets nothing. */
    p = tcp4_frame(100, true, -1);
    memset((uint8_t *) pkt_data(p) + 14 + 12, 0xff, 4);
    ASSERT_TRUE(pkt_icmp_too_big(p, 1400) == NULL);
    pkt_free(p);
    p = tcp4_frame(100, true, -1);
    {
        struct pkt *r = pkt_icmp_too_big(p, 1400);
        struct pkt *r2;

        ASSERT_TRUE(r != NULL);
        /* The reply itself has no DF, and is an ICMP error anyway. */
        r2 = pkt_icmp_too_big(r, 500);
        ASSERT_TRUE(r2 == NULL);
        pkt_free(r);
    }
    pkt_free(p);
}

TEST(ipv6_packet_too_big)
{
    struct flow flow;
    uint8_t buf[2000];
    struct pkt *p, *r;
    struct pkt_layers l;
    struct flow f;
    const uint8_t *d;
    size_t n;
    uint32_t partial;
    struct ip6_header ip6;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = mac_vm;
    flow.dl_dst = mac_gw;
    flow.dl_type = htons(ETH_TYPE_IPV6);
    ASSERT_EQ(inet_pton(AF_INET6, "fd00::85", &flow.ipv6_src), 1);
    ASSERT_EQ(inet_pton(AF_INET6, "fd00::1", &flow.ipv6_dst), 1);
    flow.nw_proto = IPPROTO_UDP_;
    flow.nw_ttl = 64;
    flow.tp_src = htons(5000);
    flow.tp_dst = htons(53);
    n = flow_compose(&flow, 1400, buf, sizeof buf);
    ASSERT_TRUE(n > 0);
    p = pkt_clone_data(buf, n);

    r = pkt_icmp_too_big(p, 1430);
    ASSERT_TRUE(r != NULL);
    memset(&f, 0, sizeof f);
    pkt_flow_extract(pkt_data(r), pkt_size(r), &f, &l);
    ASSERT_HEX_EQ(ntohs(f.dl_type), ETH_TYPE_IPV6);
    ASSERT_EQ(f.nw_proto, IPPROTO_ICMPV6_);
    ASSERT_EQ(ntohs(f.tp_src), ICMP6_PACKET_TOO_BIG);
    ASSERT_TRUE(!memcmp(&f.ipv6_src, &flow.ipv6_dst, 16));
    ASSERT_TRUE(!memcmp(&f.ipv6_dst, &flow.ipv6_src, 16));
    d = (const uint8_t *) pkt_data(r) + l.l3;
    memcpy(&ip6, d, sizeof ip6);
    /* The message fits 1280 bytes; its checksum verifies. */
    ASSERT_EQ(pkt_size(r) - l.l3, 1280);
    partial = packet_csum_pseudoheader6(&ip6, IPPROTO_ICMPV6_,
                                        ntohs(ip6.ip6_plen));
    partial = csum_continue(partial, d + 40, ntohs(ip6.ip6_plen));
    ASSERT_EQ(csum_finish(partial), 0);
    ASSERT_EQ((uint32_t) d[44] << 24 | d[45] << 16 | d[46] << 8 | d[47],
              1430);
    pkt_free(r);

    /* Below the IPv6 minimum MTU, 1280 is announced. */
    r = pkt_icmp_too_big(p, 1000);
    d = (const uint8_t *) pkt_data(r) + 14;
    ASSERT_EQ((uint32_t) d[44] << 24 | d[45] << 16 | d[46] << 8 | d[47],
              1280);
    pkt_free(r);
    pkt_free(p);
}

/* Writes the frames to a pcap file at PATH. */
static void
write_pcap(const char *path, struct pkt *const *pkts, size_t n)
{
    static const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535,
                                     1 };
    FILE *f = fopen(path, "wb");

    ASSERT_TRUE(f != NULL);
    fwrite(hdr, sizeof hdr, 1, f);
    for (size_t i = 0; i < n; i++) {
        uint32_t rec[4] = { 0, 0, pkt_size(pkts[i]), pkt_size(pkts[i]) };

        fwrite(rec, sizeof rec, 1, f);
        fwrite(pkt_data(pkts[i]), pkt_size(pkts[i]), 1, f);
    }
    ASSERT_EQ(fclose(f), 0);
}

/* tcpdump, the independent decoder, reads the messages as intended, with
 * correct checksums. */
TEST(tcpdump_decodes_the_messages)
{
    struct pkt *p4 = tcp4_frame(1460, true, -1);
    struct pkt *r[2];
    char path[] = "/tmp/vxs-icmp-XXXXXX";
    char cmd[256], out[4096];
    struct flow flow;
    uint8_t buf[2000];
    struct pkt *p6;
    size_t n, len;
    FILE *f;
    int fd;

    if (system("command -v tcpdump >/dev/null 2>&1")) {
        pkt_free(p4);
        SKIP("tcpdump is not installed");
    }
    memset(&flow, 0, sizeof flow);
    flow.dl_src = mac_vm;
    flow.dl_dst = mac_gw;
    flow.dl_type = htons(ETH_TYPE_IPV6);
    ASSERT_EQ(inet_pton(AF_INET6, "fd00::85", &flow.ipv6_src), 1);
    ASSERT_EQ(inet_pton(AF_INET6, "fd00::1", &flow.ipv6_dst), 1);
    flow.nw_proto = IPPROTO_UDP_;
    flow.nw_ttl = 64;
    n = flow_compose(&flow, 1400, buf, sizeof buf);
    p6 = pkt_clone_data(buf, n);
    r[0] = pkt_icmp_too_big(p4, 1400);
    r[1] = pkt_icmp_too_big(p6, 1430);
    ASSERT_TRUE(r[0] && r[1]);

    fd = mkstemp(path);
    ASSERT_TRUE(fd >= 0);
    close(fd);
    write_pcap(path, r, 2);
    snprintf(cmd, sizeof cmd, "tcpdump -nn -vv -r %s 2>/dev/null", path);
    f = popen(cmd, "r");
    ASSERT_TRUE(f != NULL);
    len = fread(out, 1, sizeof out - 1, f);
    out[len] = '\0';
    pclose(f);
    unlink(path);

    ASSERT_TRUE(strstr(out, "192.168.101.1 > 192.168.101.85: ICMP "
                            "192.168.101.1 unreachable - need to frag "
                            "(mtu 1400)") != NULL);
    ASSERT_TRUE(strstr(out, "fd00::1 > fd00::85: [icmp6 sum ok] ICMP6, "
                            "packet too big, mtu 1430") != NULL);
    ASSERT_TRUE(strstr(out, "bad cksum") == NULL);
    ASSERT_TRUE(strstr(out, "wrong") == NULL);
    pkt_free(r[0]);
    pkt_free(r[1]);
    pkt_free(p4);
    pkt_free(p6);
}
