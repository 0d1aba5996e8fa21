/* flow-format.c: see flow-format.h. */
#include "flow/flow-format.h"

#include "flow/ofp-parse.h"
#include "lib/ds.h"

#define WC_MASK_FIELD(WC, FIELD)                                              \
    memset(&(WC)->masks.FIELD, 0xff, sizeof (WC)->masks.FIELD)
#define WC_UNMASK_FIELD(WC, FIELD)                                            \
    memset(&(WC)->masks.FIELD, 0, sizeof (WC)->masks.FIELD)

static bool
is_nd(const struct flow *flow)
{
    return flow->dl_type == htons(ETH_TYPE_IPV6)
           && flow->nw_proto == IPPROTO_ICMPV6_
           && !flow->tp_dst
           && (flow->tp_src == htons(ND_NEIGHBOR_SOLICIT)
               || flow->tp_src == htons(ND_NEIGHBOR_ADVERT));
}

void
flow_wildcards_init_for_packet(struct flow_wildcards *wc,
                               const struct flow *flow)
{
    be16 dl_type;

    memset(&wc->masks, 0, sizeof wc->masks);
    if (flow->tunnel.ip_dst) {
        if (flow->tunnel.flags & FLOW_TNL_F_KEY) {
            WC_MASK_FIELD(wc, tunnel.tun_id);
        }
        WC_MASK_FIELD(wc, tunnel.ip_src);
        WC_MASK_FIELD(wc, tunnel.ip_dst);
        WC_MASK_FIELD(wc, tunnel.flags);
        WC_MASK_FIELD(wc, tunnel.ip_tos);
        WC_MASK_FIELD(wc, tunnel.ip_ttl);
        WC_MASK_FIELD(wc, tunnel.tp_src);
        WC_MASK_FIELD(wc, tunnel.tp_dst);
    } else if (flow->tunnel.tun_id) {
        WC_MASK_FIELD(wc, tunnel.tun_id);
    }

    WC_MASK_FIELD(wc, skb_priority);
    WC_MASK_FIELD(wc, pkt_mark);
    WC_MASK_FIELD(wc, ct_state);
    WC_MASK_FIELD(wc, ct_zone);
    WC_MASK_FIELD(wc, ct_mark);
    WC_MASK_FIELD(wc, ct_label);
    WC_MASK_FIELD(wc, recirc_id);
    WC_MASK_FIELD(wc, dp_hash);
    WC_MASK_FIELD(wc, in_port);

    WC_MASK_FIELD(wc, dl_dst);
    WC_MASK_FIELD(wc, dl_src);
    WC_MASK_FIELD(wc, dl_type);
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        /* The first VLAN header shows even when empty. */
        WC_MASK_FIELD(wc, vlans[i]);
        if (!(flow->vlans[i].tci & htons(VLAN_CFI))) {
            break;
        }
    }
    dl_type = flow->dl_type;

    if (dl_type == htons(ETH_TYPE_IP)) {
        WC_MASK_FIELD(wc, nw_src);
        WC_MASK_FIELD(wc, nw_dst);
        WC_MASK_FIELD(wc, ct_nw_src);
        WC_MASK_FIELD(wc, ct_nw_dst);
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        WC_MASK_FIELD(wc, ipv6_src);
        WC_MASK_FIELD(wc, ipv6_dst);
        WC_MASK_FIELD(wc, ipv6_label);
        if (is_nd(flow)) {
            WC_MASK_FIELD(wc, arp_sha);
            WC_MASK_FIELD(wc, arp_tha);
            WC_MASK_FIELD(wc, nd_target);
        }
    } else if (dl_type == htons(ETH_TYPE_ARP)
               || dl_type == htons(ETH_TYPE_RARP)) {
        WC_MASK_FIELD(wc, nw_src);
        WC_MASK_FIELD(wc, nw_dst);
        WC_MASK_FIELD(wc, nw_proto);
        WC_MASK_FIELD(wc, arp_sha);
        WC_MASK_FIELD(wc, arp_tha);
        return;
    } else {
        return;
    }

    WC_MASK_FIELD(wc, nw_frag);
    WC_MASK_FIELD(wc, nw_tos);
    WC_MASK_FIELD(wc, nw_ttl);
    WC_MASK_FIELD(wc, nw_proto);
    WC_MASK_FIELD(wc, ct_nw_proto);
    WC_MASK_FIELD(wc, ct_tp_src);
    WC_MASK_FIELD(wc, ct_tp_dst);

    if (!(flow->nw_frag & FLOW_NW_FRAG_LATER)
        && (flow->nw_proto == IPPROTO_ICMP_
            || flow->nw_proto == IPPROTO_ICMPV6_
            || flow->nw_proto == IPPROTO_TCP_
            || flow->nw_proto == IPPROTO_UDP_
            || flow->nw_proto == IPPROTO_SCTP_)) {
        WC_MASK_FIELD(wc, tp_src);
        WC_MASK_FIELD(wc, tp_dst);
        if (flow->nw_proto == IPPROTO_TCP_) {
            WC_MASK_FIELD(wc, tcp_flags);
        }
    }
}

void
flow_format(struct ds *s, const struct flow *flow,
            const struct ofp_port_map *port_map)
{
    struct match match;
    struct flow_wildcards *wc = &match.wc;

    match.flow = *flow;
    flow_wildcards_init_for_packet(wc, flow);

    /* Zero-valued metadata is left out, to keep the line readable; a
     * missing field means zero. */
    if (!flow->in_port) {
        WC_UNMASK_FIELD(wc, in_port);
    }
    if (!flow->skb_priority) {
        WC_UNMASK_FIELD(wc, skb_priority);
    }
    if (!flow->pkt_mark) {
        WC_UNMASK_FIELD(wc, pkt_mark);
    }
    if (!flow->recirc_id) {
        WC_UNMASK_FIELD(wc, recirc_id);
    }
    if (!flow->dp_hash) {
        WC_UNMASK_FIELD(wc, dp_hash);
    }
    if (!flow->ct_state) {
        WC_UNMASK_FIELD(wc, ct_state);
    }
    if (!flow->ct_zone) {
        WC_UNMASK_FIELD(wc, ct_zone);
    }
    if (!flow->ct_mark) {
        WC_UNMASK_FIELD(wc, ct_mark);
    }
    if (!flow->ct_label[0] && !flow->ct_label[1]) {
        WC_UNMASK_FIELD(wc, ct_label);
    }
    if (!(flow->ct_state & CS_TRACKED) || !flow->ct_nw_proto) {
        WC_UNMASK_FIELD(wc, ct_nw_proto);
        WC_UNMASK_FIELD(wc, ct_tp_src);
        WC_UNMASK_FIELD(wc, ct_tp_dst);
        WC_UNMASK_FIELD(wc, ct_nw_src);
        WC_UNMASK_FIELD(wc, ct_nw_dst);
    }
    for (int i = 0; i < FLOW_N_REGS; i++) {
        if (flow->regs[i]) {
            WC_MASK_FIELD(wc, regs[i]);
        }
    }
    if (flow->metadata) {
        WC_MASK_FIELD(wc, metadata);
    }
    match_normalize(&match);
    match_format(&match, port_map, OFP_DEFAULT_PRIORITY, s);
}
