/* flow.c: flow extraction from packet bytes and hashing.  See flow.h.
 *
 * The parser walks a cursor (struct flow_cursor) over the frame; every read
 * goes through cursor helpers that check the remaining length first, so a
 * bug here shows up as a missing field, never as an out-of-bounds read. */
#include "packet/flow.h"

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"

COVERAGE_DEFINE(flow_extract);
COVERAGE_DEFINE(flow_extract_runt);
COVERAGE_DEFINE(flow_extract_bad_ip);
COVERAGE_DEFINE(flow_extract_bad_l4);

_Static_assert(offsetof(struct flow, dl_dst) % 8 == 0,
               "header fields must start on a 64-bit word");

/* A read position in the frame being parsed. */
struct flow_cursor {
    const uint8_t *data;   /* Next unread byte. */
    size_t size;           /* Bytes left from 'data' to the end of the part
                            * being parsed (frame, then IP datagram). */
    const uint8_t *frame;  /* Start of the frame, for layer offsets. */
};

/* Returns the next N bytes of C and consumes them, or NULL (consuming
 * nothing) if fewer than N are left. */
static const uint8_t *
cursor_try_pull(struct flow_cursor *c, size_t n)
{
    const uint8_t *p = c->data;

    if (c->size < n) {
        return NULL;
    }
    c->data += n;
    c->size -= n;
    return p;
}

/* Returns the big-endian 16-bit value at P, as stored (network order). */
static be16
get_be16(const uint8_t *p)
{
    be16 x;

    memcpy(&x, p, sizeof x);
    return x;
}

/* Returns the big-endian 32-bit value at P, as stored (network order). */
static be32
get_be32(const uint8_t *p)
{
    be32 x;

    memcpy(&x, p, sizeof x);
    return x;
}

/* Returns the offset of C's position from the start of the frame, or
 * PKT_LAYER_NONE if it does not fit a layer offset. */
static uint16_t
cursor_ofs(const struct flow_cursor *c)
{
    size_t ofs = (size_t) (c->data - c->frame);

    return ofs < PKT_LAYER_NONE ? (uint16_t) ofs : PKT_LAYER_NONE;
}

static bool
eth_type_is_vlan(be16 type)
{
    return type == htons(ETH_TYPE_VLAN_8021Q)
           || type == htons(ETH_TYPE_VLAN_8021AD);
}

static bool
eth_type_is_mpls(be16 type)
{
    return type == htons(ETH_TYPE_MPLS) || type == htons(ETH_TYPE_MPLS_MCAST);
}

/* Parses up to FLOW_MAX_VLAN_HEADERS tags at C (just after the MAC
 * addresses).  A tag is taken only if it and the following ethertype are
 * present, as in OVS parse_vlan(). */
static int
parse_vlans(struct flow_cursor *c, struct flow *flow)
{
    int n;

    for (n = 0; n < FLOW_MAX_VLAN_HEADERS; n++) {
        be16 tpid = get_be16(c->data);

        if (!eth_type_is_vlan(tpid) || c->size < VLAN_HEADER_LEN + 2) {
            break;
        }
        flow->vlans[n].tpid = tpid;
        flow->vlans[n].tci = get_be16(c->data + 2) | htons(VLAN_CFI);
        cursor_try_pull(c, VLAN_HEADER_LEN);
    }
    return n;
}

/* Parses the ethertype or 802.3 length at C (at least 2 bytes) and any
 * LLC/SNAP header after a length, as OVS parse_ethertype().  Returns the
 * dl_type in network order. */
static be16
parse_ethertype(struct flow_cursor *c)
{
    static const uint8_t snap_prefix[6] = {
        LLC_DSAP_SNAP, LLC_SSAP_SNAP, LLC_CNTL_SNAP, 0, 0, 0
    };
    be16 type = get_be16(cursor_try_pull(c, 2));
    be16 snap_type;

    if (ntohs(type) >= ETH_TYPE_MIN) {
        return type;
    }
    if (c->size < LLC_SNAP_HEADER_LEN
        || memcmp(c->data, snap_prefix, sizeof snap_prefix)) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    snap_type = get_be16(c->data + 6);
    cursor_try_pull(c, LLC_SNAP_HEADER_LEN);
    return ntohs(snap_type) >= ETH_TYPE_MIN ? snap_type
                                            : htons(FLOW_DL_TYPE_NONE);
}

/* Skips the MPLS label stack at C up to and including the bottom of stack
 * label (or to the end of the frame). */
static void
skip_mpls(struct flow_cursor *c)
{
    const uint8_t *lse;

    while ((lse = cursor_try_pull(c, MPLS_HLEN))) {
        if (ntohl(get_be32(lse)) & MPLS_BOS_MASK) {
            break;
        }
    }
}

static void
parse_arp(struct flow_cursor *c, struct flow *flow)
{
    const uint8_t *p = cursor_try_pull(c, ARP_ETH_HEADER_LEN);
    struct arp_eth_header arp;

    if (!p) {
        return;
    }
    memcpy(&arp, p, sizeof arp);
    if (arp.ar_hrd != htons(ARP_HRD_ETHERNET)
        || arp.ar_pro != htons(ARP_PRO_IP) || arp.ar_hln != ETH_ADDR_LEN
        || arp.ar_pln != 4) {
        return;
    }
    flow->nw_src = arp.ar_spa;
    flow->nw_dst = arp.ar_tpa;
    if (ntohs(arp.ar_op) <= 0xff) {
        flow->nw_proto = (uint8_t) ntohs(arp.ar_op);
    }
    flow->arp_sha = arp.ar_sha;
    flow->arp_tha = arp.ar_tha;
}

/* Parses an IPv4 header at C.  On success fills FLOW's L3 fields, limits C
 * to the datagram (dropping padding), consumes the header and returns
 * true; on a malformed header returns false with FLOW untouched. */
static bool
parse_ipv4(struct flow_cursor *c, struct flow *flow, uint32_t *l3_len)
{
    struct ip_header ip;
    size_t ihl_bytes, tot_len;

    if (c->size < IP_HEADER_LEN) {
        return false;
    }
    memcpy(&ip, c->data, sizeof ip);
    ihl_bytes = (size_t) IP_IHL(ip.ip_ihl_ver) * 4;
    tot_len = ntohs(ip.ip_tot_len);
    if (ihl_bytes < IP_HEADER_LEN || c->size < ihl_bytes
        || tot_len > c->size || ihl_bytes > tot_len) {
        return false;
    }

    c->size = tot_len;   /* Never parse Ethernet padding. */
    *l3_len = (uint32_t) tot_len;
    flow->nw_src = ip.ip_src;
    flow->nw_dst = ip.ip_dst;
    flow->nw_tos = ip.ip_tos;
    flow->nw_ttl = ip.ip_ttl;
    flow->nw_proto = ip.ip_proto;
    if (IP_IS_FRAGMENT(ip.ip_frag_off)) {
        flow->nw_frag = FLOW_NW_FRAG_ANY;
        if (ip.ip_frag_off & htons(IP_FRAG_OFF_MASK)) {
            flow->nw_frag |= FLOW_NW_FRAG_LATER;
        }
    }
    cursor_try_pull(c, ihl_bytes);
    return true;
}

/* Walks the IPv6 extension headers at C starting with next header *PROTO,
 * as OVS parse_ipv6_ext_hdrs__().  Each step consumes at least 8 bytes, so
 * the walk ends within SIZE / 8 steps.  Returns false if a header runs
 * past the datagram. */
static bool
parse_ipv6_ext_hdrs(struct flow_cursor *c, uint8_t *proto, uint8_t *frag)
{
    for (;;) {
        uint8_t nxt = *proto;
        const uint8_t *p;

        if (nxt != IPPROTO_HOPOPTS_ && nxt != IPPROTO_ROUTING_
            && nxt != IPPROTO_DSTOPTS_ && nxt != IPPROTO_AH_
            && nxt != IPPROTO_FRAGMENT_) {
            return true;
        }
        if (c->size < 8) {
            return false;
        }
        p = c->data;
        *proto = p[0];
        if (nxt == IPPROTO_FRAGMENT_) {
            be16 offlg = get_be16(p + 2);

            cursor_try_pull(c, IPV6_FRAG_HEADER_LEN);
            if (offlg != htons(0)) {
                *frag = FLOW_NW_FRAG_ANY;
                if (offlg & htons(IP6F_OFF_MASK)) {
                    *frag |= FLOW_NW_FRAG_LATER;
                    *proto = IPPROTO_FRAGMENT_;
                    return true;
                }
            }
        } else {
            size_t len = nxt == IPPROTO_AH_ ? ((size_t) p[1] + 2) * 4
                                            : ((size_t) p[1] + 1) * 8;

            if (!cursor_try_pull(c, len)) {
                return false;
            }
        }
    }
}

/* Parses an IPv6 header and its extension headers at C.  Returns true if
 * the L4 header may follow at C; see pkt_flow_extract() for what a
 * malformed header leaves in FLOW. */
static bool
parse_ipv6(struct flow_cursor *c, struct flow *flow, uint32_t *l3_len)
{
    const uint8_t *p = cursor_try_pull(c, IPV6_HEADER_LEN);
    struct ip6_header ip6;
    uint8_t proto, frag = 0;
    size_t plen;

    if (!p) {
        return false;
    }
    memcpy(&ip6, p, sizeof ip6);
    plen = ntohs(ip6.ip6_plen);
    if (plen > c->size) {
        return false;
    }
    c->size = plen;   /* Never parse Ethernet padding. */
    *l3_len = (uint32_t) (IPV6_HEADER_LEN + plen);

    flow->ipv6_src = ip6.ip6_src;
    flow->ipv6_dst = ip6.ip6_dst;
    flow->ipv6_label = ip6.ip6_flow & htonl(IPV6_LABEL_MASK);

    proto = ip6.ip6_nxt;
    if (!parse_ipv6_ext_hdrs(c, &proto, &frag)) {
        return false;
    }
    flow->nw_tos = (uint8_t) (ntohl(ip6.ip6_flow) >> 20);
    flow->nw_ttl = ip6.ip6_hlim;
    flow->nw_proto = proto;
    flow->nw_frag = frag;
    return true;
}

/* Parses the ND target and options of an NS/NA message at C, as OVS
 * parse_icmpv6(). */
static void
parse_nd(struct flow_cursor *c, struct flow *flow)
{
    const uint8_t *target = cursor_try_pull(c, sizeof flow->nd_target);
    struct eth_addr sll = eth_addr_zero;
    struct eth_addr tll = eth_addr_zero;

    if (!target) {
        return;
    }
    while (c->size >= ND_LLA_OPT_LEN) {
        struct nd_lla_opt opt;
        size_t opt_len;

        memcpy(&opt, c->data, sizeof opt);
        opt_len = (size_t) opt.len * ND_LLA_OPT_LEN;
        if (!opt_len || opt_len > c->size) {
            break;
        }
        if (opt.type == ND_OPT_SOURCE_LINKADDR && opt_len == 8) {
            if (!eth_addr_is_zero(sll)) {
                COVERAGE_INC(flow_extract_bad_l4);
                return;
            }
            sll = opt.mac;
        } else if (opt.type == ND_OPT_TARGET_LINKADDR && opt_len == 8) {
            if (!eth_addr_is_zero(tll)) {
                COVERAGE_INC(flow_extract_bad_l4);
                return;
            }
            tll = opt.mac;
        }
        cursor_try_pull(c, opt_len);
    }
    memcpy(&flow->nd_target, target, sizeof flow->nd_target);
    flow->arp_sha = sll;
    flow->arp_tha = tll;
}

/* Parses the L4 header at C for FLOW's nw_proto. */
static void
parse_l4(struct flow_cursor *c, struct flow *flow)
{
    const uint8_t *p = c->data;
    size_t n = c->size;

    switch (flow->nw_proto) {
    case IPPROTO_TCP_:
        if (n >= TCP_HEADER_LEN) {
            be16 ctl = get_be16(p + 12);
            size_t hdr_len = (size_t) TCP_OFFSET(ctl) * 4;

            if (hdr_len >= TCP_HEADER_LEN && hdr_len <= n) {
                flow->tp_src = get_be16(p);
                flow->tp_dst = get_be16(p + 2);
                flow->tcp_flags = htons(TCP_FLAGS(ctl));
                return;
            }
        }
        break;

    case IPPROTO_UDP_:
        if (n >= UDP_HEADER_LEN) {
            flow->tp_src = get_be16(p);
            flow->tp_dst = get_be16(p + 2);
            return;
        }
        break;

    case IPPROTO_SCTP_:
        if (n >= SCTP_HEADER_LEN) {
            flow->tp_src = get_be16(p);
            flow->tp_dst = get_be16(p + 2);
            return;
        }
        break;

    case IPPROTO_ICMP_:
    case IPPROTO_IGMP_:
        if (n >= ICMP_HEADER_LEN) {
            flow->tp_src = htons(p[0]);
            flow->tp_dst = htons(p[1]);
            return;
        }
        break;

    case IPPROTO_ICMPV6_:
        if (n >= ICMP6_HEADER_LEN) {
            flow->tp_src = htons(p[0]);
            flow->tp_dst = htons(p[1]);
            cursor_try_pull(c, ICMP6_HEADER_LEN);
            if (p[1] == 0 && (p[0] == ND_NEIGHBOR_SOLICIT
                              || p[0] == ND_NEIGHBOR_ADVERT)) {
                parse_nd(c, flow);
            }
            return;
        }
        break;

    default:
        return;
    }
    COVERAGE_INC(flow_extract_bad_l4);
}

_Static_assert(offsetof(struct flow, dl_dst) % 8 == 0
               && sizeof(struct flow) % 8 == 0,
               "metadata and header parts must be whole words");

void
flow_zero_metadata(struct flow *flow)
{
    vx_zero_words(flow, offsetof(struct flow, dl_dst));
}

/* Zeroes the header words of FLOW, from dl_dst to the end. */
static void
flow_zero_headers(struct flow *flow)
{
    vx_zero_words((uint8_t *) flow + offsetof(struct flow, dl_dst),
                  sizeof *flow - offsetof(struct flow, dl_dst));
}

void
pkt_flow_extract(const uint8_t *data, size_t size, struct flow *flow,
                 struct pkt_layers *layers)
{
    struct pkt_layers l = { PKT_LAYER_NONE, PKT_LAYER_NONE, PKT_LAYER_NONE,
                            0, 0 };
    struct flow_cursor c = { data, size, data };
    bool l4_ok;
    int n_vlans;

    COVERAGE_INC(flow_extract);
    flow_zero_headers(flow);

    if (size < ETH_HEADER_LEN) {
        COVERAGE_INC(flow_extract_runt);
        goto out;
    }
    memcpy(&flow->dl_dst, data, ETH_ADDR_LEN);
    memcpy(&flow->dl_src, data + ETH_ADDR_LEN, ETH_ADDR_LEN);
    cursor_try_pull(&c, 2 * ETH_ADDR_LEN);

    n_vlans = parse_vlans(&c, flow);
    if (n_vlans) {
        l.l2_5 = 2 * ETH_ADDR_LEN;
    }
    flow->dl_type = parse_ethertype(&c);
    if (eth_type_is_mpls(flow->dl_type)) {
        if (!n_vlans) {
            l.l2_5 = cursor_ofs(&c);
        }
        skip_mpls(&c);
    }

    l.l3 = cursor_ofs(&c);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        l4_ok = parse_ipv4(&c, flow, &l.l3_len);
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        l4_ok = parse_ipv6(&c, flow, &l.l3_len);
    } else {
        if (flow->dl_type == htons(ETH_TYPE_ARP)
            || flow->dl_type == htons(ETH_TYPE_RARP)) {
            parse_arp(&c, flow);
        }
        goto out;
    }
    if (!l4_ok) {
        COVERAGE_INC(flow_extract_bad_ip);
        goto out;
    }

    l.l4 = cursor_ofs(&c);
    if (!(flow->nw_frag & FLOW_NW_FRAG_LATER)) {
        parse_l4(&c, flow);
    }

out:
    if (layers) {
        *layers = l;
    }
}

uint32_t
flow_hash_5tuple(const struct flow *flow, uint32_t basis)
{
    uint32_t hash = basis;

    if (flow->dl_type == htons(ETH_TYPE_IP)
        || flow->dl_type == htons(ETH_TYPE_IPV6)) {
        bool ports = flow->nw_proto == IPPROTO_TCP_
                     || flow->nw_proto == IPPROTO_UDP_
                     || flow->nw_proto == IPPROTO_SCTP_;
        uint8_t a[18], b[18];
        size_t alen;

        /* Each endpoint is (address, port); hashing the smaller endpoint
         * first makes the hash the same in both directions. */
        if (flow->dl_type == htons(ETH_TYPE_IP)) {
            memcpy(a, &flow->nw_src, 4);
            memcpy(b, &flow->nw_dst, 4);
            alen = 4;
        } else {
            memcpy(a, &flow->ipv6_src, 16);
            memcpy(b, &flow->ipv6_dst, 16);
            alen = 16;
        }
        memset(a + alen, 0, 2);
        memset(b + alen, 0, 2);
        if (ports) {
            memcpy(a + alen, &flow->tp_src, 2);
            memcpy(b + alen, &flow->tp_dst, 2);
        }
        alen += 2;
        if (memcmp(a, b, alen) > 0) {
            hash = hash_add(hash, hash_bytes(b, alen, 0));
            hash = hash_add(hash, hash_bytes(a, alen, 0));
        } else {
            hash = hash_add(hash, hash_bytes(a, alen, 0));
            hash = hash_add(hash, hash_bytes(b, alen, 0));
        }
        hash = hash_add(hash, ((uint32_t) flow->nw_proto << 16)
                                  | ntohs(flow->dl_type));
    } else {
        uint64_t s = eth_addr_to_uint64(flow->dl_src);
        uint64_t d = eth_addr_to_uint64(flow->dl_dst);

        hash = hash_add64(hash, MIN(s, d));
        hash = hash_add64(hash, MAX(s, d));
        hash = hash_add(hash, ntohs(flow->dl_type));
    }
    return hash_finish(hash, 42);
}

uint32_t
flow_hash(const struct flow *flow, uint32_t basis)
{
    return hash_words64((const uint64_t *) flow, FLOW_U64S, basis);
}
