/* odp-execute.c: see odp-execute.h. */
#include "datapath/odp-execute.h"

#include "lib/coverage.h"
#include "lib/util.h"
#include "packet/packets.h"

COVERAGE_DEFINE(odp_execute_bad_set);

/* Moves the L3 and L4 offsets of LAYERS by DELTA bytes, for a header
 * pushed or popped in front of them. */
static void
pkt_layers_shift(struct pkt_layers *layers, int delta)
{
    if (layers->l3 != PKT_LAYER_NONE) {
        layers->l3 = (uint16_t) (layers->l3 + delta);
    }
    if (layers->l4 != PKT_LAYER_NONE) {
        layers->l4 = (uint16_t) (layers->l4 + delta);
    }
}

void
pkt_push_vlan(struct pkt *p, be16 tpid, be16 tci)
{
    uint8_t *data;
    be16 wire_tci = tci & ~htons(VLAN_CFI);

    if (pkt_size(p) < 2 * ETH_ADDR_LEN) {
        return;
    }
    data = pkt_push_uninit(p, VLAN_HEADER_LEN);
    memmove(data, data + VLAN_HEADER_LEN, 2 * ETH_ADDR_LEN);
    memcpy(data + 12, &tpid, 2);
    memcpy(data + 14, &wire_tci, 2);
    pkt_layers_shift(&p->layers, VLAN_HEADER_LEN);
    p->layers.l2_5 = 2 * ETH_ADDR_LEN;
}

void
pkt_pop_vlan(struct pkt *p)
{
    uint8_t *data = pkt_data(p);
    be16 type;

    if (pkt_size(p) < ETH_HEADER_LEN + VLAN_HEADER_LEN) {
        return;
    }
    memcpy(&type, data + 12, 2);
    if (type != htons(ETH_TYPE_VLAN_8021Q)
        && type != htons(ETH_TYPE_VLAN_8021AD)) {
        return;
    }
    memmove(data + VLAN_HEADER_LEN, data, 2 * ETH_ADDR_LEN);
    pkt_pull(p, VLAN_HEADER_LEN);
    pkt_layers_shift(&p->layers, -VLAN_HEADER_LEN);
    memcpy(&type, data + VLAN_HEADER_LEN + 12, 2);
    if (type != htons(ETH_TYPE_VLAN_8021Q)
        && type != htons(ETH_TYPE_VLAN_8021AD)) {
        p->layers.l2_5 = PKT_LAYER_NONE;
    }
}

/* Replaces the bits of *FIELD selected by MASK with those of VALUE. */
#define APPLY_MASKED(FIELD, VALUE, MASK)                                      \
    ((FIELD) = ((FIELD) & ~(MASK)) | ((VALUE) & (MASK)))

static void
set_eth(struct pkt *p, const struct odp_set *set)
{
    struct eth_header *eh;

    if (pkt_size(p) < ETH_HEADER_LEN) {
        COVERAGE_INC(odp_execute_bad_set);
        return;
    }
    eh = (struct eth_header *) pkt_data(p);
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        APPLY_MASKED(eh->eth_src.ea[i], set->key.dl_src.ea[i],
                     set->mask.masks.dl_src.ea[i]);
        APPLY_MASKED(eh->eth_dst.ea[i], set->key.dl_dst.ea[i],
                     set->mask.masks.dl_dst.ea[i]);
    }
}

/* Updates the TCP or UDP checksum at L4 of P (protocol PROTO) for a 32-bit
 * pseudo-header field that changed from OLD to NEW. */
static void
update_l4_csum32(struct pkt *p, const struct pkt_layers *l, uint8_t proto,
                 be32 old, be32 new_)
{
    uint8_t *l4 = pkt_data(p) + l->l4;

    if (l->l4 == PKT_LAYER_NONE) {
        return;
    }
    if (proto == IPPROTO_TCP_ && pkt_size(p) >= (uint32_t) l->l4 + TCP_HEADER_LEN) {
        struct tcp_header *th = (struct tcp_header *) l4;

        th->tcp_csum = recalc_csum32(th->tcp_csum, old, new_);
    } else if (proto == IPPROTO_UDP_
               && pkt_size(p) >= (uint32_t) l->l4 + UDP_HEADER_LEN) {
        struct udp_header *uh = (struct udp_header *) l4;

        if (uh->udp_csum) {
            uh->udp_csum = recalc_csum32(uh->udp_csum, old, new_);
            if (!uh->udp_csum) {
                uh->udp_csum = htons(0xffff);
            }
        }
    }
}

static void
update_l4_csum16(struct pkt *p, const struct pkt_layers *l, uint8_t proto,
                 be16 old, be16 new_)
{
    uint8_t *l4 = pkt_data(p) + l->l4;

    if (proto == IPPROTO_TCP_) {
        struct tcp_header *th = (struct tcp_header *) l4;

        th->tcp_csum = recalc_csum16(th->tcp_csum, old, new_);
    } else if (proto == IPPROTO_UDP_) {
        struct udp_header *uh = (struct udp_header *) l4;

        if (uh->udp_csum) {
            uh->udp_csum = recalc_csum16(uh->udp_csum, old, new_);
            if (!uh->udp_csum) {
                uh->udp_csum = htons(0xffff);
            }
        }
    }
}

static void
set_ipv4(struct pkt *p, const struct odp_set *set)
{
    struct pkt_layers l;
    struct flow flow;
    struct ip_header *ip;
    be32 v;

    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(pkt_data(p), pkt_size(p), &flow, &l);
    if (flow.dl_type != htons(ETH_TYPE_IP) || l.l3 == PKT_LAYER_NONE
        || pkt_size(p) < (uint32_t) l.l3 + IP_HEADER_LEN) {
        COVERAGE_INC(odp_execute_bad_set);
        return;
    }
    ip = (struct ip_header *) (pkt_data(p) + l.l3);

    memcpy(&v, &ip->ip_src, 4);
    if (set->mask.masks.nw_src) {
        be32 old = v;

        APPLY_MASKED(v, set->key.nw_src, set->mask.masks.nw_src);
        memcpy(&ip->ip_src, &v, 4);
        ip->ip_csum = recalc_csum32(ip->ip_csum, old, v);
        update_l4_csum32(p, &l, flow.nw_proto, old, v);
    }
    memcpy(&v, &ip->ip_dst, 4);
    if (set->mask.masks.nw_dst) {
        be32 old = v;

        APPLY_MASKED(v, set->key.nw_dst, set->mask.masks.nw_dst);
        memcpy(&ip->ip_dst, &v, 4);
        ip->ip_csum = recalc_csum32(ip->ip_csum, old, v);
        update_l4_csum32(p, &l, flow.nw_proto, old, v);
    }
    if (set->mask.masks.nw_tos || set->mask.masks.nw_ttl) {
        be16 old, new_;
        uint8_t tos = ip->ip_tos, ttl = ip->ip_ttl;

        memcpy(&old, &ip->ip_ttl, 2);
        if (set->mask.masks.nw_tos) {
            /* The TOS byte shares a checksum word with the version. */
            be16 old_w, new_w;
            uint8_t w[2] = { ip->ip_ihl_ver, tos };

            memcpy(&old_w, w, 2);
            APPLY_MASKED(tos, set->key.nw_tos, set->mask.masks.nw_tos);
            w[1] = tos;
            memcpy(&new_w, w, 2);
            ip->ip_tos = tos;
            ip->ip_csum = recalc_csum16(ip->ip_csum, old_w, new_w);
        }
        APPLY_MASKED(ttl, set->key.nw_ttl, set->mask.masks.nw_ttl);
        ip->ip_ttl = ttl;
        memcpy(&new_, &ip->ip_ttl, 2);
        ip->ip_csum = recalc_csum16(ip->ip_csum, old, new_);
    }
}

static void
set_ipv6(struct pkt *p, const struct odp_set *set)
{
    struct pkt_layers l;
    struct flow flow;
    struct ip6_header *ip6;

    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(pkt_data(p), pkt_size(p), &flow, &l);
    if (flow.dl_type != htons(ETH_TYPE_IPV6) || l.l3 == PKT_LAYER_NONE
        || pkt_size(p) < (uint32_t) l.l3 + IPV6_HEADER_LEN) {
        COVERAGE_INC(odp_execute_bad_set);
        return;
    }
    ip6 = (struct ip6_header *) (pkt_data(p) + l.l3);
    for (int which = 0; which < 2; which++) {
        /* Source at offset 8 of the header, destination at 24. */
        uint8_t *addr = (uint8_t *) ip6 + (which ? 24 : 8);
        const struct in6_addr *key = which ? &set->key.ipv6_dst
                                           : &set->key.ipv6_src;
        const struct in6_addr *mask = which ? &set->mask.masks.ipv6_dst
                                            : &set->mask.masks.ipv6_src;
        uint8_t old[16];

        if (!ipv6_addr_is_set(mask)) {
            continue;
        }
        memcpy(old, addr, 16);
        for (int i = 0; i < 16; i++) {
            APPLY_MASKED(addr[i], key->s6_addr[i], mask->s6_addr[i]);
        }
        for (int i = 0; i < 16; i += 4) {
            be32 o, n;

            memcpy(&o, &old[i], 4);
            memcpy(&n, &addr[i], 4);
            update_l4_csum32(p, &l, flow.nw_proto, o, n);
        }
    }
    if (set->mask.masks.nw_ttl) {
        APPLY_MASKED(ip6->ip6_hlim, set->key.nw_ttl, set->mask.masks.nw_ttl);
    }
    if (set->mask.masks.nw_tos || set->mask.masks.ipv6_label) {
        uint32_t w = ntohl(ip6->ip6_flow);
        uint32_t tc = (w >> 20) & 0xff, label = w & 0xfffff;

        APPLY_MASKED(tc, set->key.nw_tos, set->mask.masks.nw_tos);
        APPLY_MASKED(label, ntohl(set->key.ipv6_label),
                     ntohl(set->mask.masks.ipv6_label) & 0xfffff);
        ip6->ip6_flow = htonl((w & 0xf0000000) | (tc << 20) | label);
    }
}

static void
set_l4(struct pkt *p, const struct odp_set *set, uint8_t proto)
{
    struct pkt_layers l;
    struct flow flow;
    size_t hlen = proto == IPPROTO_TCP_ ? TCP_HEADER_LEN : UDP_HEADER_LEN;
    be16 *ports;
    be16 old, v;

    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(pkt_data(p), pkt_size(p), &flow, &l);
    if (flow.nw_proto != proto || l.l4 == PKT_LAYER_NONE
        || pkt_size(p) < (uint32_t) l.l4 + hlen) {
        COVERAGE_INC(odp_execute_bad_set);
        return;
    }
    ports = (be16 *) (pkt_data(p) + l.l4);
    for (int i = 0; i < 2; i++) {
        be16 key = i ? set->key.tp_dst : set->key.tp_src;
        be16 mask = i ? set->mask.masks.tp_dst : set->mask.masks.tp_src;

        if (!mask) {
            continue;
        }
        memcpy(&old, &ports[i], 2);
        v = old;
        APPLY_MASKED(v, key, mask);
        memcpy(&ports[i], &v, 2);
        update_l4_csum16(p, &l, proto, old, v);
    }
}

bool
odp_execute_modify(struct pkt *p, const struct odp_action *a)
{
    switch (a->type) {
    case ODP_ACTION_PUSH_VLAN:
        pkt_push_vlan(p, a->push_vlan.tpid, a->push_vlan.tci);
        return true;
    case ODP_ACTION_POP_VLAN:
        pkt_pop_vlan(p);
        return true;
    case ODP_ACTION_SET_TUNNEL:
        p->md.tunnel = a->tunnel;
        return true;
    case ODP_ACTION_SET_MASKED:
        switch (a->set->kind) {
        case ODP_SET_ETH:
            set_eth(p, a->set);
            break;
        case ODP_SET_IPV4:
            set_ipv4(p, a->set);
            break;
        case ODP_SET_IPV6:
            set_ipv6(p, a->set);
            break;
        case ODP_SET_TCP:
            set_l4(p, a->set, IPPROTO_TCP_);
            break;
        case ODP_SET_UDP:
            set_l4(p, a->set, IPPROTO_UDP_);
            break;
        case ODP_SET_SKB_MARK:
            APPLY_MASKED(p->md.pkt_mark, a->set->key.pkt_mark,
                         a->set->mask.masks.pkt_mark);
            break;
        case ODP_SET_SKB_PRIORITY:
            APPLY_MASKED(p->md.skb_priority, a->set->key.skb_priority,
                         a->set->mask.masks.skb_priority);
            break;
        }
        return true;
    case ODP_ACTION_CT_CLEAR:
        p->md.ct_state = 0;
        p->md.ct_zone = 0;
        p->md.ct_mark = 0;
        p->md.ct_label[0] = p->md.ct_label[1] = 0;
        p->md.ct_conn = NULL;
        return true;
    case ODP_ACTION_OUTPUT:
    case ODP_ACTION_USERSPACE:
    case ODP_ACTION_RECIRC:
    case ODP_ACTION_CT:
    case ODP_ACTION_TNL_PUSH:
    case ODP_ACTION_TNL_POP:
    case ODP_ACTION_CLONE:
    case ODP_ACTION_DROP:
        return false;
    }
    return false;
}
