/*
 * ct-frames.h: builders of Ethernet frames for the conntrack tests and
 * fuzz seeds (TCP, UDP, ICMP, ICMPv6 and other protocols over IPv4 or
 * IPv6), with checksums from a deliberately simple RFC 1071 sum that is
 * independent of the one conntrack verifies with.
 *
 * A struct ct_frame holds the frame bytes and a struct pkt / struct flow
 * pair describing them the way the datapath would (dl_type and the L3
 * offset), so tests need nothing from the packet layer but its headers.
 * Addresses are strings: IPv6 when they contain ':'.
 */
#ifndef VX_TESTS_CT_FRAMES_H
#define VX_TESTS_CT_FRAMES_H 1

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "packet/flow.h"
#include "packet/pkt.h"

#define CT_FRAME_MAX 4096
#define CT_FRAME_L4_MAX 4000

struct ct_frame {
    uint8_t buf[CT_FRAME_MAX]; /* Frame bytes, from offset 0. */
    size_t len;                /* Frame length. */
    struct pkt pkt;            /* Describes 'buf'. */
    struct flow flow;          /* dl_type only. */
};

/* Options of ct_frame_ip(). */
struct ct_ip_opts {
    bool bad_ip_csum;  /* Corrupt the IPv4 header checksum. */
    bool bad_l4_csum;  /* Corrupt the L4 checksum. */
    uint16_t frag;     /* IPv4 frag_off (host order). */
    int tot_len_delta; /* Added to the IP length field. */
};

/* Returns the ones'-complement checksum of the bytes of A then B (each of
 * even length except possibly B), in network order, byte by byte. */
static inline uint16_t
ct_frame_csum2(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < a_len; i += 2) {
        sum += (a[i] << 8) | a[i + 1];
    }
    for (size_t i = 0; i < b_len; i += 2) {
        sum += (b[i] << 8) | (i + 1 < b_len ? b[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static inline bool
ct_frame_is_v6(const char *addr)
{
    return strchr(addr, ':') != NULL;
}

static inline void
ct_frame_addr(const char *s, uint8_t *out)
{
    inet_pton(ct_frame_is_v6(s) ? AF_INET6 : AF_INET, s, out);
}

/* Builds an Ethernet + IP frame from SRC to DST carrying the L4_LEN bytes
 * of L4 (protocol PROTO) into F.  When CSUM_OFS >= 0 the L4 checksum at
 * that offset of L4 is computed (with the pseudo-header unless PROTO is
 * ICMPv4).  Then points F->pkt at the frame. */
static inline void
ct_frame_ip(struct ct_frame *f, const char *src, const char *dst,
            uint8_t proto, const uint8_t *l4_, size_t l4_len, int csum_ofs,
            const struct ct_ip_opts *opts)
{
    static const struct ct_ip_opts no_opts;
    bool v6 = ct_frame_is_v6(src);
    size_t l3_len = v6 ? 40 : 20;
    uint8_t *eth = f->buf, *l3 = f->buf + 14, *l4 = l3 + l3_len;
    uint8_t s[16], d[16];

    if (!opts) {
        opts = &no_opts;
    }
    memset(f, 0, sizeof *f);
    ct_frame_addr(src, s);
    ct_frame_addr(dst, d);
    memcpy(eth, "\x50\x54\x00\x00\x00\x02\x50\x54\x00\x00\x00\x01", 12);
    eth[12] = v6 ? 0x86 : 0x08;
    eth[13] = v6 ? 0xdd : 0x00;
    memcpy(l4, l4_, l4_len);

    if (csum_ofs >= 0) {
        uint8_t ph[40];
        size_t ph_len = 0;
        uint16_t c;

        l4[csum_ofs] = l4[csum_ofs + 1] = 0;
        if (v6) {
            memcpy(ph, s, 16);
            memcpy(ph + 16, d, 16);
            memset(ph + 32, 0, 8);
            ph[34] = l4_len >> 8;
            ph[35] = l4_len;
            ph[39] = proto;
            ph_len = 40;
        } else if (proto != IPPROTO_ICMP_) {
            memcpy(ph, s, 4);
            memcpy(ph + 4, d, 4);
            ph[8] = 0;
            ph[9] = proto;
            ph[10] = l4_len >> 8;
            ph[11] = l4_len;
            ph_len = 12;
        }
        c = ct_frame_csum2(ph, ph_len, l4, l4_len);
        if (proto == IPPROTO_UDP_ && c == 0) {
            c = 0xffff;
        }
        if (opts->bad_l4_csum) {
            c ^= 0x0101;
        }
        l4[csum_ofs] = c >> 8;
        l4[csum_ofs + 1] = c;
    }

    if (v6) {
        size_t plen = l4_len + opts->tot_len_delta;

        l3[0] = 0x60;
        l3[4] = plen >> 8;
        l3[5] = plen;
        l3[6] = proto;
        l3[7] = 64;
        memcpy(l3 + 8, s, 16);
        memcpy(l3 + 24, d, 16);
    } else {
        size_t tot = 20 + l4_len + opts->tot_len_delta;
        uint16_t c;

        l3[0] = 0x45;
        l3[2] = tot >> 8;
        l3[3] = tot;
        l3[5] = 1;
        l3[6] = opts->frag >> 8;
        l3[7] = opts->frag;
        l3[8] = 64;
        l3[9] = proto;
        memcpy(l3 + 12, s, 4);
        memcpy(l3 + 16, d, 4);
        c = ct_frame_csum2(l3, 20, NULL, 0);
        if (opts->bad_ip_csum) {
            c ^= 0x1234;
        }
        l3[10] = c >> 8;
        l3[11] = c;
    }

    f->len = 14 + l3_len + l4_len;
    f->pkt.base = f->buf;
    f->pkt.allocated = sizeof f->buf;
    f->pkt.size = f->len;
    f->pkt.layers.l2_5 = PKT_LAYER_NONE;
    f->pkt.layers.l3 = 14;
    f->pkt.layers.l4 = 14 + l3_len;
    f->pkt.layers.l3_len = l3_len + l4_len;
    f->flow.dl_type = htons(v6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
}

/* A TCP segment with FLAGS, SEQ, ACK, window WIN, OPT_LEN bytes of options
 * OPTS and PAYLOAD zero bytes of data. */
static inline void
ct_frame_tcp_ex(struct ct_frame *f, const char *src, const char *dst,
                uint16_t sport, uint16_t dport, uint16_t flags, uint32_t seq,
                uint32_t ack, uint16_t win, const uint8_t *opts,
                size_t opt_len, size_t payload, const struct ct_ip_opts *ip)
{
    uint8_t l4[CT_FRAME_L4_MAX];
    size_t hlen = 20 + opt_len;

    memset(l4, 0, sizeof l4);
    l4[0] = sport >> 8;
    l4[1] = sport;
    l4[2] = dport >> 8;
    l4[3] = dport;
    for (int i = 0; i < 4; i++) {
        l4[4 + i] = seq >> (24 - 8 * i);
        l4[8 + i] = ack >> (24 - 8 * i);
    }
    l4[12] = (hlen / 4) << 4 | (flags >> 8);
    l4[13] = flags;
    l4[14] = win >> 8;
    l4[15] = win;
    if (opt_len) {
        memcpy(l4 + 20, opts, opt_len);
    }
    ct_frame_ip(f, src, dst, IPPROTO_TCP_, l4, hlen + payload, 16, ip);
}

static inline void
ct_frame_tcp(struct ct_frame *f, const char *src, const char *dst,
             uint16_t sport, uint16_t dport, uint16_t flags, uint32_t seq,
             uint32_t ack, size_t payload)
{
    ct_frame_tcp_ex(f, src, dst, sport, dport, flags, seq, ack, 65535, NULL, 0,
                    payload, NULL);
}

/* A UDP datagram with PAYLOAD bytes of data. */
static inline void
ct_frame_udp_ex(struct ct_frame *f, const char *src, const char *dst,
                uint16_t sport, uint16_t dport, size_t payload,
                const struct ct_ip_opts *ip)
{
    uint8_t l4[CT_FRAME_L4_MAX];
    size_t len = 8 + payload;

    memset(l4, 0, sizeof l4);
    l4[0] = sport >> 8;
    l4[1] = sport;
    l4[2] = dport >> 8;
    l4[3] = dport;
    l4[4] = len >> 8;
    l4[5] = len;
    memset(l4 + 8, 'q', payload);
    ct_frame_ip(f, src, dst, IPPROTO_UDP_, l4, len, 6, ip);
}

static inline void
ct_frame_udp(struct ct_frame *f, const char *src, const char *dst,
             uint16_t sport, uint16_t dport)
{
    ct_frame_udp_ex(f, src, dst, sport, dport, 1, NULL);
}

/* An ICMP (ICMPv6 for IPv6 addresses) message of TYPE and CODE whose
 * second word is ID and SEQ, followed by DATA_LEN bytes of DATA. */
static inline void
ct_frame_icmp_ex(struct ct_frame *f, const char *src, const char *dst,
                 uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
                 const uint8_t *data, size_t data_len,
                 const struct ct_ip_opts *ip)
{
    uint8_t l4[CT_FRAME_L4_MAX];

    memset(l4, 0, sizeof l4);
    l4[0] = type;
    l4[1] = code;
    l4[4] = id >> 8;
    l4[5] = id;
    l4[6] = seq >> 8;
    l4[7] = seq;
    if (data_len) {
        memcpy(l4 + 8, data, data_len);
    }
    ct_frame_ip(f, src, dst,
                ct_frame_is_v6(src) ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_, l4,
                8 + data_len, 2, ip);
}

static inline void
ct_frame_icmp(struct ct_frame *f, const char *src, const char *dst,
              uint8_t type, uint8_t code, uint16_t id)
{
    ct_frame_icmp_ex(f, src, dst, type, code, id, 1, NULL, 0, NULL);
}

/* An ICMP error of TYPE/CODE from SRC to DST embedding the first
 * INNER_LEN bytes of the IP datagram of INNER. */
static inline void
ct_frame_icmp_error(struct ct_frame *f, const char *src, const char *dst,
                    uint8_t type, uint8_t code, const struct ct_frame *inner,
                    size_t inner_len)
{
    ct_frame_icmp_ex(f, src, dst, type, code, 0, 0, inner->buf + 14, inner_len,
                     NULL);
}

/* Splits the payload of the IPv4 or IPv6 datagram of WHOLE (which has no
 * IPv6 extension headers) into fragments of at most CHUNK bytes of data (a
 * multiple of 8) with identification ID, stored in FRAGS (room for MAX).
 * Returns the number of fragments. */
static inline size_t
ct_frame_fragment(const struct ct_frame *whole, size_t chunk, uint32_t id,
                  struct ct_frame *frags, size_t max)
{
    bool v6 = whole->buf[14] >> 4 == 6;
    size_t hlen = v6 ? 40 : 20;
    const uint8_t *data = whole->buf + 14 + hlen;
    size_t len = whole->len - 14 - hlen;
    size_t n = 0;

    for (size_t ofs = 0; ofs < len && n < max; ofs += chunk, n++) {
        struct ct_frame *f = &frags[n];
        size_t piece = len - ofs < chunk ? len - ofs : chunk;
        bool more = ofs + piece < len;
        uint8_t *l3 = f->buf + 14;

        memset(f, 0, sizeof *f);
        memcpy(f->buf, whole->buf, 14 + hlen);
        if (v6) {
            uint16_t offlg = ofs | more;

            l3[4] = (8 + piece) >> 8;
            l3[5] = 8 + piece;
            l3[6] = 44;
            l3[40] = whole->buf[14 + 6];
            l3[42] = offlg >> 8;
            l3[43] = offlg;
            for (int i = 0; i < 4; i++) {
                l3[44 + i] = id >> (24 - 8 * i);
            }
            memcpy(l3 + 48, data + ofs, piece);
            f->len = 14 + 48 + piece;
        } else {
            uint16_t frag = (more ? IP_MORE_FRAGMENTS : 0) | ofs / 8;
            uint16_t c;

            l3[2] = (20 + piece) >> 8;
            l3[3] = 20 + piece;
            l3[4] = id >> 8;
            l3[5] = id;
            l3[6] = frag >> 8;
            l3[7] = frag;
            l3[10] = l3[11] = 0;
            c = ct_frame_csum2(l3, 20, NULL, 0);
            l3[10] = c >> 8;
            l3[11] = c;
            memcpy(l3 + 20, data + ofs, piece);
            f->len = 14 + 20 + piece;
        }
        f->pkt.base = f->buf;
        f->pkt.allocated = sizeof f->buf;
        f->pkt.size = f->len;
        f->pkt.layers.l2_5 = PKT_LAYER_NONE;
        f->pkt.layers.l3 = 14;
        f->pkt.layers.l4 = PKT_LAYER_NONE;
        f->flow.dl_type = whole->flow.dl_type;
    }
    return n;
}

/* Returns the length of the IP datagram of F. */
static inline size_t
ct_frame_ip_len(const struct ct_frame *f)
{
    return f->len - 14;
}

/* A datagram of protocol PROTO with LEN zero bytes of payload. */
static inline void
ct_frame_other(struct ct_frame *f, const char *src, const char *dst,
               uint8_t proto, size_t len)
{
    uint8_t l4[64];

    memset(l4, 0, sizeof l4);
    ct_frame_ip(f, src, dst, proto, l4, len, -1, NULL);
}

#endif /* VX_TESTS_CT_FRAMES_H */
