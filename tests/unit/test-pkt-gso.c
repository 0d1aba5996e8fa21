/*
 * Unit tests for src/packet/pkt-gso.c (software TCP/UDP segmentation and
 * checksum completion) and the large buffers of packet pools.  Frames are
 * built byte by byte here and every segment is parsed back and its
 * checksums verified with a naive one's complement sum written in this
 * file, not with the checksum code of src/packet.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "lib/util.h"
#include "packet/packets.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

/* What a test frame looks like. */
struct frame_spec {
    bool ipv6;            /* IPv6, otherwise IPv4. */
    bool udp;             /* UDP, otherwise TCP (with 12 bytes of options). */
    int n_vlans;          /* 0, 1 or 2 VLAN tags. */
    size_t payload;       /* Payload bytes (byte i is (i * 7) & 0xff). */
    uint16_t tcp_flags;   /* TCP flags. */
    uint32_t seq;         /* TCP sequence number. */
    uint16_t ip_id;       /* IPv4 identification. */
};

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) get16(p) << 16 | get16(p + 2);
}

/* One's complement sum of N bytes at P as big-endian 16-bit words, added
 * to SUM, not folded. */
static uint64_t
naive_sum(uint64_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += get16(p + i);
    }
    if (n & 1) {
        sum += (uint64_t) p[n - 1] << 8;
    }
    return sum;
}

static uint16_t
naive_fold(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) sum;
}

/* Returns the L3 offset of a frame with N_VLANS tags. */
static size_t
l3_ofs(int n_vlans)
{
    return 14 + 4 * (size_t) n_vlans;
}

/* Returns the length of the L4 header of SPEC's frames. */
static size_t
l4_hlen(const struct frame_spec *spec)
{
    return spec->udp ? 8 : 32;
}

/* Builds SPEC's frame into BUF and returns its length.  The L4 checksum
 * field holds the pseudo-header sum (what a sender with checksum offload
 * leaves there); the IPv4 header checksum is valid. */
static size_t
build_frame(const struct frame_spec *spec, uint8_t *buf)
{
    size_t l3 = l3_ofs(spec->n_vlans);
    size_t l4 = l3 + (spec->ipv6 ? 40 : 20);
    size_t l4_len = l4_hlen(spec) + spec->payload;
    uint8_t proto = spec->udp ? 17 : 6;
    uint64_t pseudo;
    size_t ofs = 12;

    memset(buf, 0, l4 + l4_len);
    memcpy(buf, "\xfa\x16\x3e\x00\x00\x02\xfa\x16\x3e\x00\x00\x01", 12);
    for (int i = 0; i < spec->n_vlans; i++) {
        put16(buf + ofs, i == 0 && spec->n_vlans == 2 ? 0x88a8 : 0x8100);
        put16(buf + ofs + 2, (uint16_t) (100 + i));
        ofs += 4;
    }
    put16(buf + ofs, spec->ipv6 ? 0x86dd : 0x0800);
    if (spec->ipv6) {
        buf[l3] = 0x60;
        put16(buf + l3 + 4, (uint16_t) l4_len);
        buf[l3 + 6] = proto;
        buf[l3 + 7] = 64;
        buf[l3 + 8] = 0xfd;
        buf[l3 + 23] = 1;
        buf[l3 + 24] = 0xfd;
        buf[l3 + 39] = 2;
        pseudo = naive_sum(0, buf + l3 + 8, 32) + l4_len + proto;
    } else {
        buf[l3] = 0x45;
        put16(buf + l3 + 2, (uint16_t) (20 + l4_len));
        put16(buf + l3 + 4, spec->ip_id);
        put16(buf + l3 + 6, 0x4000);
        buf[l3 + 8] = 64;
        buf[l3 + 9] = proto;
        memcpy(buf + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
        put16(buf + l3 + 10, (uint16_t) ~naive_fold(naive_sum(0, buf + l3,
                                                              20)));
        pseudo = naive_sum(0, buf + l3 + 12, 8) + l4_len + proto;
    }
    put16(buf + l4, 40000);
    put16(buf + l4 + 2, 5201);
    if (spec->udp) {
        put16(buf + l4 + 4, (uint16_t) l4_len);
        put16(buf + l4 + 6, naive_fold(pseudo));
    } else {
        put16(buf + l4 + 4, (uint16_t) (spec->seq >> 16));
        put16(buf + l4 + 6, (uint16_t) spec->seq);
        put16(buf + l4 + 8, 0x1234);
        put16(buf + l4 + 10, 0x5678);
        put16(buf + l4 + 12, (uint16_t) (8 << 12 | spec->tcp_flags));
        put16(buf + l4 + 14, 512);
        put16(buf + l4 + 16, naive_fold(pseudo));
        /* NOP, NOP, timestamp option. */
        memcpy(buf + l4 + 20, "\x01\x01\x08\x0a\x00\x00\x00\x01"
               "\x00\x00\x00\x02", 12);
    }
    for (size_t i = 0; i < spec->payload; i++) {
        buf[l4 + l4_hlen(spec) + i] = (uint8_t) (i * 7);
    }
    return l4 + l4_len;
}

/* Checks that SEG is segment number IDX (of N), carrying payload bytes
 * [OFS, OFS + LEN) of SPEC's frame, with valid lengths and checksums. */
static void
check_segment(const struct frame_spec *spec, const struct pkt *seg,
              size_t idx, size_t n, size_t ofs, size_t len)
{
    const uint8_t *d = pkt_data(seg);
    size_t l3 = l3_ofs(spec->n_vlans);
    size_t l4 = l3 + (spec->ipv6 ? 40 : 20);
    size_t l4_len = l4_hlen(spec) + len;
    uint8_t proto = spec->udp ? 17 : 6;
    uint64_t sum;

    ASSERT_UEQ(pkt_size(seg), l4 + l4_len);
    ASSERT_FALSE(seg->ol.csum_partial);
    ASSERT_EQ(seg->ol.gso_type, 0);
    if (spec->ipv6) {
        ASSERT_EQ(get16(d + l3 + 4), l4_len);
        sum = naive_sum(0, d + l3 + 8, 32) + l4_len + proto;
    } else {
        ASSERT_EQ(get16(d + l3 + 2), 20 + l4_len);
        ASSERT_EQ(get16(d + l3 + 4), (uint16_t) (spec->ip_id + idx));
        ASSERT_HEX_EQ(naive_fold(naive_sum(0, d + l3, 20)), 0xffff);
        sum = naive_sum(0, d + l3 + 12, 8) + l4_len + proto;
    }
    ASSERT_HEX_EQ(naive_fold(naive_sum(sum, d + l4, l4_len)), 0xffff);
    if (spec->udp) {
        ASSERT_EQ(get16(d + l4 + 4), l4_len);
    } else {
        uint16_t flags = get16(d + l4 + 12) & 0x1ff;
        uint16_t want = spec->tcp_flags;

        ASSERT_UEQ(get32(d + l4 + 4), spec->seq + (uint32_t) ofs);
        if (idx + 1 < n) {
            want &= (uint16_t) ~(TCP_FIN | TCP_PSH);
        }
        if (idx > 0) {
            want &= (uint16_t) ~TCP_CWR;
        }
        ASSERT_HEX_EQ(flags, want);
        ASSERT_EQ(get16(d + l4 + 12) >> 12, 8);
    }
    for (size_t i = 0; i < len; i++) {
        ASSERT_EQ(d[l4 + l4_hlen(spec) + i], (uint8_t) ((ofs + i) * 7));
    }
}

/* Segments SPEC's frame with MSS (GSO type from the spec) using POOL (or
 * pkt_new() when null) and checks every segment. */
static void
segment_and_check(const struct frame_spec *spec, uint16_t mss,
                  struct pkt_pool *pool)
{
    static uint8_t buf[PKT_MAX_SIZE];
    size_t len = build_frame(spec, buf);
    struct pkt *p = pkt_clone_data(buf, len);
    size_t expect = spec->payload ? (spec->payload + mss - 1) / mss : 1;
    struct pkt_gso gso;
    size_t ofs = 0, n = 0;

    p->ol.gso_type = (spec->udp ? PKT_GSO_UDP_L4
                      : spec->ipv6 ? PKT_GSO_TCPV6 : PKT_GSO_TCPV4);
    p->ol.gso_size = mss;
    ASSERT_OK(pkt_gso_start(&gso, p));
    ASSERT_UEQ(pkt_gso_n_segs(&gso), expect);
    while (!pkt_gso_done(&gso)) {
        struct pkt *seg = pkt_gso_next(&gso, pool);
        size_t chunk = MIN((size_t) mss, spec->payload - ofs);

        ASSERT_TRUE(seg != NULL);
        ASSERT_EQ(seg->from_pool, pool != NULL);
        check_segment(spec, seg, n, expect, ofs, chunk);
        pkt_free(seg);
        ofs += chunk;
        n++;
    }
    ASSERT_UEQ(n, expect);
    ASSERT_UEQ(ofs, spec->payload);
    ASSERT_TRUE(pkt_gso_next(&gso, pool) == NULL);
    pkt_free(p);
}

TEST(tso4_64k_into_mss_segments)
{
    struct frame_spec spec = {
        .payload = 65000, .tcp_flags = TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR,
        .seq = 0xfffff000, .ip_id = 0xfffe,
    };
    struct pkt_pool *pool = pkt_pool_create(64, PKT_DEFAULT_SIZE);

    /* 45 segments, sequence numbers and IP ids wrapping. */
    segment_and_check(&spec, 1448, pool);
    ASSERT_UEQ(pkt_pool_available(pool), 64);
    pkt_pool_destroy(pool);
}

TEST(tso6_with_vlan_tags)
{
    struct frame_spec spec = {
        .ipv6 = true, .payload = 30001, .tcp_flags = TCP_ACK | TCP_PSH,
        .seq = 1000,
    };

    for (int vlans = 0; vlans <= 2; vlans++) {
        spec.n_vlans = vlans;
        segment_and_check(&spec, 1428, NULL);
    }
    spec.ipv6 = false;
    spec.n_vlans = 1;
    segment_and_check(&spec, 1000, NULL);
}

TEST(uso_v4_and_v6)
{
    struct frame_spec spec = { .udp = true, .payload = 8000, .ip_id = 7 };

    segment_and_check(&spec, 1472, NULL);
    spec.ipv6 = true;
    segment_and_check(&spec, 1200, NULL);
}

TEST(short_gso_frame_makes_one_complete_segment)
{
    struct frame_spec spec = { .payload = 100, .tcp_flags = TCP_ACK,
                               .seq = 5 };

    segment_and_check(&spec, 1448, NULL);
    spec.payload = 0;
    segment_and_check(&spec, 1448, NULL);
    spec.payload = 1448 * 3;
    segment_and_check(&spec, 1448, NULL);
}

TEST(bad_gso_frames_are_refused)
{
    struct frame_spec spec = { .payload = 3000, .tcp_flags = TCP_ACK };
    static uint8_t buf[8192];
    size_t len = build_frame(&spec, buf);
    struct pkt_gso gso;
    struct pkt *p;

    /* Type does not match the frame. */
    p = pkt_clone_data(buf, len);
    p->ol.gso_type = PKT_GSO_TCPV6;
    p->ol.gso_size = 1000;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    p->ol.gso_type = PKT_GSO_UDP_L4;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    p->ol.gso_type = PKT_GSO_UDP;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    /* No MSS, or too many segments. */
    p->ol.gso_type = PKT_GSO_TCPV4;
    p->ol.gso_size = 0;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    p->ol.gso_size = 1;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    /* Truncated inside the TCP header. */
    p->ol.gso_size = 1000;
    pkt_set_size(p, 14 + 20 + 10);
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    pkt_set_size(p, 10);
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    pkt_free(p);

    /* An IPv4 fragment. */
    buf[14 + 6] |= 0x20;
    p = pkt_clone_data(buf, len);
    p->ol.gso_type = PKT_GSO_TCPV4;
    p->ol.gso_size = 1000;
    ASSERT_EQ(pkt_gso_start(&gso, p), EINVAL);
    pkt_free(p);
}

TEST(segments_stop_when_the_pool_runs_dry)
{
    struct frame_spec spec = { .payload = 10000, .tcp_flags = TCP_ACK };
    struct pkt_pool *pool = pkt_pool_create(4, PKT_DEFAULT_SIZE);
    static uint8_t buf[16384];
    size_t len = build_frame(&spec, buf);
    struct pkt *p = pkt_clone_data(buf, len), *segs[4];
    struct pkt_gso gso;

    p->ol.gso_type = PKT_GSO_TCPV4;
    p->ol.gso_size = 1000;
    ASSERT_OK(pkt_gso_start(&gso, p));
    for (size_t i = 0; i < 4; i++) {
        segs[i] = pkt_gso_next(&gso, pool);
        ASSERT_TRUE(segs[i] != NULL);
    }
    ASSERT_TRUE(pkt_gso_next(&gso, pool) == NULL);
    ASSERT_FALSE(pkt_gso_done(&gso));
    for (size_t i = 0; i < 4; i++) {
        pkt_free(segs[i]);
    }
    /* It goes on where it stopped. */
    for (size_t i = 4; i < 10; i++) {
        struct pkt *seg = pkt_gso_next(&gso, pool);

        ASSERT_TRUE(seg != NULL);
        check_segment(&spec, seg, i, 10, i * 1000, 1000);
        pkt_free(seg);
    }
    ASSERT_TRUE(pkt_gso_done(&gso));
    pkt_free(p);
    pkt_pool_destroy(pool);
}

TEST(csum_complete_tcp_and_udp)
{
    static uint8_t buf[4096];

    for (int i = 0; i < 4; i++) {
        struct frame_spec spec = {
            .ipv6 = i & 1, .udp = i & 2, .payload = 1001,
            .tcp_flags = TCP_ACK, .seq = 77,
        };
        size_t len = build_frame(&spec, buf);
        struct pkt *p = pkt_clone_data(buf, len);
        size_t l4 = 14 + (spec.ipv6 ? 40 : 20);

        p->ol.csum_partial = true;
        p->ol.csum_start = (uint16_t) l4;
        p->ol.csum_offset = spec.udp ? 6 : 16;
        ASSERT_OK(pkt_csum_complete(p));
        ASSERT_FALSE(p->ol.csum_partial);
        check_segment(&spec, p, 0, 1, 0, spec.payload);
        /* Nothing left to do. */
        ASSERT_OK(pkt_csum_complete(p));
        check_segment(&spec, p, 0, 1, 0, spec.payload);

        /* A checksum field outside the frame is refused. */
        p->ol.csum_partial = true;
        p->ol.csum_start = (uint16_t) (len - 1);
        p->ol.csum_offset = 0;
        ASSERT_EQ(pkt_csum_complete(p), EINVAL);
        ASSERT_TRUE(p->ol.csum_partial);
        pkt_free(p);
    }
}

TEST(vnet_header_is_checked_against_the_frame)
{
    struct pkt_vnet_hdr hdr = {
        .flags = PKT_VNET_F_NEEDS_CSUM, .gso_type = PKT_GSO_TCPV4,
        .hdr_len = 66, .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
    };
    struct pkt_offload ol;
    struct pkt_vnet_hdr back;

    ASSERT_OK(pkt_offload_from_vnet(&ol, &hdr, 60000));
    ASSERT_TRUE(ol.csum_partial);
    ASSERT_EQ(ol.csum_start, 34);
    ASSERT_EQ(ol.csum_offset, 16);
    ASSERT_EQ(ol.gso_type, PKT_GSO_TCPV4);
    ASSERT_EQ(ol.gso_size, 1448);
    pkt_offload_to_vnet(&ol, 66, &back);
    ASSERT_MEM_EQ(&back, &hdr, sizeof hdr);

    ASSERT_EQ(pkt_offload_from_vnet(&ol, &hdr, 51), EINVAL);
    ASSERT_FALSE(ol.csum_partial);
    ASSERT_OK(pkt_offload_from_vnet(&ol, &hdr, 52));
    hdr.gso_type = PKT_GSO_UDP;
    ASSERT_EQ(pkt_offload_from_vnet(&ol, &hdr, 60000), EINVAL);
    hdr.gso_type = PKT_GSO_TCPV6 | PKT_GSO_ECN;
    hdr.gso_size = 0;
    ASSERT_EQ(pkt_offload_from_vnet(&ol, &hdr, 60000), EINVAL);
    hdr.gso_size = 1000;
    ASSERT_OK(pkt_offload_from_vnet(&ol, &hdr, 60000));
    ASSERT_EQ(ol.gso_type, PKT_GSO_TCPV6);
    hdr.flags = 0;
    hdr.gso_type = 0;
    ASSERT_OK(pkt_offload_from_vnet(&ol, &hdr, 10));
    ASSERT_FALSE(ol.csum_partial);
    ASSERT_EQ(ol.gso_type, 0);
}

TEST(pool_large_buffers)
{
    struct pkt_pool *pool = pkt_pool_create_mixed(2, PKT_DEFAULT_SIZE, 2,
                                                  PKT_LARGE_SIZE);
    struct pkt *a, *b, *c, *copy;
    static uint8_t buf[60000];

    ASSERT_UEQ(pkt_pool_large_size(pool), PKT_LARGE_SIZE);
    ASSERT_UEQ(pkt_pool_available_large(pool), 2);
    a = pkt_pool_get_large(pool);
    ASSERT_TRUE(a != NULL);
    ASSERT_UEQ(pkt_tailroom(a), PKT_MAX_SIZE);
    memset(buf, 0x5a, sizeof buf);
    pkt_put(a, buf, sizeof buf);
    /* A copy of a big frame takes the other large buffer, then none is
     * left. */
    copy = pkt_clone(a);
    ASSERT_TRUE(copy->from_pool);
    ASSERT_UEQ(pkt_pool_available_large(pool), 0);
    ASSERT_TRUE(pkt_pool_get_large(pool) == NULL);
    ASSERT_TRUE(pkt_pool_get_size(pool, 3000) == NULL);
    b = pkt_pool_get_size(pool, 1500);
    ASSERT_TRUE(b != NULL && pkt_tailroom(b) < 3000);
    ASSERT_MEM_EQ(pkt_data(copy), buf, sizeof buf);
    pkt_free(copy);
    pkt_free(a);
    ASSERT_UEQ(pkt_pool_available_large(pool), 2);

    /* Released with a packet out: freed when it comes back. */
    c = pkt_pool_get_large(pool);
    pkt_pool_release(pool);
    pkt_free(b);
    pkt_free(c);
}
