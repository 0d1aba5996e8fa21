/* flow-compose.c: building a packet from a struct flow.  See flow.h. */
#include "packet/flow.h"

#include "lib/util.h"

/* A bounded output buffer. */
struct compose_buf {
    uint8_t *buf;   /* Start of the frame. */
    size_t size;    /* Bytes available at 'buf'. */
    size_t len;     /* Bytes written so far. */
};

/* Appends N zero bytes to B and returns them, or NULL if they do not fit
 * (B unchanged). */
static uint8_t *
put_zeros(struct compose_buf *b, size_t n)
{
    uint8_t *p;

    if (b->size - b->len < n) {
        return NULL;
    }
    p = b->buf + b->len;
    memset(p, 0, n);
    b->len += n;
    return p;
}

/* Stores the 16-/32-bit value X, already in network order, at P. */
static void
put_be16(uint8_t *p, be16 x)
{
    memcpy(p, &x, sizeof x);
}

static void
put_be32(uint8_t *p, be32 x)
{
    memcpy(p, &x, sizeof x);
}

/* Returns true if an ICMP type/code pair carries echo data. */
static bool
icmp_is_echo(const struct flow *flow)
{
    uint16_t type = ntohs(flow->tp_src), code = ntohs(flow->tp_dst);

    if (code) {
        return false;
    }
    if (flow->nw_proto == IPPROTO_ICMP_) {
        return type == ICMP4_ECHO_REQUEST || type == ICMP4_ECHO_REPLY;
    }
    return type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY;
}

/* Appends the ND target and the SLL/TLL options for FLOW's nonzero
 * arp_sha/arp_tha to B.  Returns false if they do not fit. */
static bool
compose_nd(struct compose_buf *b, const struct flow *flow)
{
    struct eth_addr lla[2] = { flow->arp_sha, flow->arp_tha };
    uint8_t *t = put_zeros(b, sizeof flow->nd_target);

    if (!t) {
        return false;
    }
    memcpy(t, &flow->nd_target, sizeof flow->nd_target);
    for (int i = 0; i < 2; i++) {
        uint8_t *opt;

        if (eth_addr_is_zero(lla[i])) {
            continue;
        }
        opt = put_zeros(b, ND_LLA_OPT_LEN);
        if (!opt) {
            return false;
        }
        opt[0] = i ? ND_OPT_TARGET_LINKADDR : ND_OPT_SOURCE_LINKADDR;
        opt[1] = 1;
        memcpy(opt + 2, lla[i].ea, ETH_ADDR_LEN);
    }
    return true;
}

/* Appends the L4 header (and payload where the protocol carries one) of
 * FLOW to B.  Returns false if it does not fit. */
static bool
compose_l4(struct compose_buf *b, const struct flow *flow, size_t payload_len)
{
    uint8_t type = (uint8_t) ntohs(flow->tp_src);
    uint8_t code = (uint8_t) ntohs(flow->tp_dst);
    bool payload = false;
    uint8_t *p;

    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return put_zeros(b, payload_len) != NULL;
    }
    switch (flow->nw_proto) {
    case IPPROTO_TCP_: {
        uint16_t flags = ntohs(flow->tcp_flags) & 0x0fff;

        p = put_zeros(b, TCP_HEADER_LEN);
        if (!p) {
            return false;
        }
        put_be16(p, flow->tp_src);
        put_be16(p + 2, flow->tp_dst);
        put_be16(p + 12, TCP_CTL(flags, 5));
        put_be16(p + 14, htons(65535));
        payload = !(flags & (TCP_SYN | TCP_FIN | TCP_RST));
        break;
    }

    case IPPROTO_UDP_:
        p = put_zeros(b, UDP_HEADER_LEN);
        if (!p || payload_len > UINT16_MAX - UDP_HEADER_LEN) {
            return false;
        }
        put_be16(p, flow->tp_src);
        put_be16(p + 2, flow->tp_dst);
        put_be16(p + 4, htons((uint16_t) (UDP_HEADER_LEN + payload_len)));
        payload = true;
        break;

    case IPPROTO_SCTP_:
        p = put_zeros(b, SCTP_HEADER_LEN);
        if (!p) {
            return false;
        }
        put_be16(p, flow->tp_src);
        put_be16(p + 2, flow->tp_dst);
        break;

    case IPPROTO_ICMP_:
    case IPPROTO_IGMP_:
        p = put_zeros(b, ICMP_HEADER_LEN);
        if (!p) {
            return false;
        }
        p[0] = type;
        p[1] = code;
        payload = flow->nw_proto == IPPROTO_ICMP_ && icmp_is_echo(flow);
        break;

    case IPPROTO_ICMPV6_:
        p = put_zeros(b, ICMP6_HEADER_LEN);
        if (!p) {
            return false;
        }
        p[0] = type;
        p[1] = code;
        if (!code
            && (type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT)) {
            return compose_nd(b, flow);
        }
        payload = icmp_is_echo(flow);
        break;

    default:
        payload = true;
        break;
    }
    return !payload || put_zeros(b, payload_len);
}

/* Fills in the L4 checksum of FLOW's L4 header of L4_LEN bytes at L4, given
 * the pseudo-header partial sum PSEUDO. */
static void
compose_l4_csum(const struct flow *flow, uint8_t *l4, size_t l4_len,
                uint32_t pseudo)
{
    be16 sum;

    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    switch (flow->nw_proto) {
    case IPPROTO_TCP_:
        put_be16(l4 + 16, csum_finish(csum_continue(pseudo, l4, l4_len)));
        break;
    case IPPROTO_UDP_:
        /* RFC 768: a computed zero is sent as all ones. */
        sum = csum_finish(csum_continue(pseudo, l4, l4_len));
        put_be16(l4 + 6, sum ? sum : 0xffff);
        break;
    case IPPROTO_ICMP_:
    case IPPROTO_IGMP_:
        put_be16(l4 + 2, csum(l4, l4_len));
        break;
    case IPPROTO_ICMPV6_:
        put_be16(l4 + 2, csum_finish(csum_continue(pseudo, l4, l4_len)));
        break;
    default:
        break;
    }
}

static bool
compose_ipv4(struct compose_buf *b, const struct flow *flow,
             size_t payload_len)
{
    size_t l3 = b->len, l4, tot_len;
    struct ip_header *ip;
    uint8_t *p = put_zeros(b, IP_HEADER_LEN);
    uint16_t frag_off = 0;

    if (!p) {
        return false;
    }
    if (flow->nw_frag & FLOW_NW_FRAG_ANY) {
        frag_off = IP_MORE_FRAGMENTS;
        if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
            frag_off |= 100;
        }
    }
    l4 = b->len;
    if (!compose_l4(b, flow, payload_len)) {
        return false;
    }
    tot_len = b->len - l3;
    if (tot_len > UINT16_MAX) {
        return false;
    }

    ip = (struct ip_header *) (void *) (b->buf + l3);
    ip->ip_ihl_ver = IP_IHL_VER(5, 4);
    ip->ip_tos = flow->nw_tos;
    ip->ip_tot_len = htons((uint16_t) tot_len);
    ip->ip_frag_off = htons(frag_off);
    ip->ip_ttl = flow->nw_ttl;
    ip->ip_proto = flow->nw_proto;
    ip->ip_src = flow->nw_src;
    ip->ip_dst = flow->nw_dst;
    ip->ip_csum = csum(ip, IP_HEADER_LEN);

    compose_l4_csum(flow, b->buf + l4, b->len - l4,
                    packet_csum_pseudoheader(ip));
    return true;
}

static bool
compose_ipv6(struct compose_buf *b, const struct flow *flow,
             size_t payload_len)
{
    size_t l3 = b->len, l4, plen;
    struct ip6_header *ip6;
    uint8_t nxt = flow->nw_proto;

    if (!put_zeros(b, IPV6_HEADER_LEN)) {
        return false;
    }
    if (flow->nw_frag & FLOW_NW_FRAG_ANY) {
        uint8_t *frag = put_zeros(b, IPV6_FRAG_HEADER_LEN);
        uint16_t offlg = IP6F_MORE_FRAG;

        if (!frag) {
            return false;
        }
        frag[0] = flow->nw_proto;
        if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
            offlg |= 100 << 3;
            if (flow->nw_proto == IPPROTO_FRAGMENT_) {
                /* Extraction reports a later fragment's protocol as 44. */
                frag[0] = IPPROTO_NONE_;
            }
        }
        put_be16(frag + 2, htons(offlg));
        nxt = IPPROTO_FRAGMENT_;
    }
    l4 = b->len;
    if (!compose_l4(b, flow, payload_len)) {
        return false;
    }
    plen = b->len - l3 - IPV6_HEADER_LEN;
    if (plen > UINT16_MAX) {
        return false;
    }

    ip6 = (struct ip6_header *) (void *) (b->buf + l3);
    ip6->ip6_flow = htonl((6u << 28) | ((uint32_t) flow->nw_tos << 20)
                          | (ntohl(flow->ipv6_label) & IPV6_LABEL_MASK));
    ip6->ip6_plen = htons((uint16_t) plen);
    ip6->ip6_nxt = nxt;
    ip6->ip6_hlim = flow->nw_ttl;
    ip6->ip6_src = flow->ipv6_src;
    ip6->ip6_dst = flow->ipv6_dst;

    compose_l4_csum(flow, b->buf + l4, b->len - l4,
                    packet_csum_pseudoheader6(ip6, flow->nw_proto,
                                              (uint32_t) (b->len - l4)));
    return true;
}

static bool
compose_arp(struct compose_buf *b, const struct flow *flow)
{
    uint8_t *p = put_zeros(b, ARP_ETH_HEADER_LEN);

    if (!p) {
        return false;
    }
    put_be16(p, htons(ARP_HRD_ETHERNET));
    put_be16(p + 2, htons(ARP_PRO_IP));
    p[4] = ETH_ADDR_LEN;
    p[5] = 4;
    put_be16(p + 6, htons(flow->nw_proto));
    memcpy(p + 8, flow->arp_sha.ea, ETH_ADDR_LEN);
    put_be32(p + 14, flow->nw_src);
    memcpy(p + 18, flow->arp_tha.ea, ETH_ADDR_LEN);
    put_be32(p + 24, flow->nw_dst);
    return true;
}

size_t
flow_compose(const struct flow *flow, size_t payload_len, uint8_t *buf,
             size_t size)
{
    struct compose_buf b = { buf, size, 0 };
    uint8_t *p = put_zeros(&b, 2 * ETH_ADDR_LEN);
    be16 type = flow->dl_type;
    bool ok;

    if (!p) {
        return 0;
    }
    memcpy(p, flow->dl_dst.ea, ETH_ADDR_LEN);
    memcpy(p + ETH_ADDR_LEN, flow->dl_src.ea, ETH_ADDR_LEN);
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (flow->vlans[i].tci & htons(VLAN_CFI)) {
            p = put_zeros(&b, VLAN_HEADER_LEN);
            if (!p) {
                return 0;
            }
            put_be16(p, flow->vlans[i].tpid);
            put_be16(p + 2, flow->vlans[i].tci & ~htons(VLAN_CFI));
        }
    }

    if (type == htons(FLOW_DL_TYPE_NONE)) {
        /* 802.3: the length field counts the payload. */
        if (payload_len >= ETH_TYPE_MIN) {
            return 0;
        }
        type = htons((uint16_t) payload_len);
    }
    p = put_zeros(&b, 2);
    if (!p) {
        return 0;
    }
    put_be16(p, type);

    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        ok = compose_ipv4(&b, flow, payload_len);
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        ok = compose_ipv6(&b, flow, payload_len);
    } else if (flow->dl_type == htons(ETH_TYPE_ARP)
               || flow->dl_type == htons(ETH_TYPE_RARP)) {
        ok = compose_arp(&b, flow);
    } else {
        ok = put_zeros(&b, payload_len) != NULL;
    }
    return ok ? b.len : 0;
}
