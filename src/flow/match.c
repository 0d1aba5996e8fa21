/*
 * match.c: wildcards and matches over struct flow, and match_format(),
 * which prints a match exactly as Open vSwitch's lib/match.c does.
 */
#include "flow/match.h"

#include <inttypes.h>
#include <string.h>

#include "flow/flow-text.h"
#include "flow/port-map.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"

#define OFP_DEFAULT_PRIORITY_ 0x8000

/* Sets every meaningful bit of WC, leaving struct flow's padding
 * wildcarded. */
static void
wildcards_all_ones(struct flow_wildcards *wc)
{
    memset(&wc->masks, 0xff, sizeof wc->masks);
    wc->masks.pad1 = 0;
    wc->masks.pad2 = 0;
    memset(wc->masks.pad3, 0, sizeof wc->masks.pad3);
    wc->masks.pad4 = 0;
    wc->masks.pad5 = 0;
}

void
flow_wildcards_init_catchall(struct flow_wildcards *wc)
{
    memset(&wc->masks, 0, sizeof wc->masks);
}

void
flow_wildcards_init_exact(struct flow_wildcards *wc)
{
    wildcards_all_ones(wc);
}

bool
flow_wildcards_is_catchall(const struct flow_wildcards *wc)
{
    return is_all_zeros(&wc->masks, sizeof wc->masks);
}

void
flow_wildcards_or(struct flow_wildcards *dst,
                  const struct flow_wildcards *src)
{
    uint64_t *d = (uint64_t *) &dst->masks;
    const uint64_t *s = (const uint64_t *) &src->masks;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        d[i] |= s[i];
    }
}

void
flow_zero_wildcards(struct flow *dst, const struct flow_wildcards *wc)
{
    uint64_t *d = (uint64_t *) dst;
    const uint64_t *m = (const uint64_t *) &wc->masks;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        d[i] &= m[i];
    }
}

bool
flow_equal_except(const struct flow *a, const struct flow *b,
                  const struct flow_wildcards *wc)
{
    const uint64_t *pa = (const uint64_t *) a;
    const uint64_t *pb = (const uint64_t *) b;
    const uint64_t *m = (const uint64_t *) &wc->masks;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((pa[i] ^ pb[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

void
match_init_catchall(struct match *match)
{
    memset(&match->flow, 0, sizeof match->flow);
    flow_wildcards_init_catchall(&match->wc);
}

void
match_init_exact(struct match *match, const struct flow *flow)
{
    match->flow = *flow;
    wildcards_all_ones(&match->wc);
    match_normalize(match);
}

void
match_normalize(struct match *match)
{
    flow_zero_wildcards(&match->flow, &match->wc);
}

bool
match_equal(const struct match *a, const struct match *b)
{
    return !memcmp(&a->wc, &b->wc, sizeof a->wc)
           && flow_equal(&a->flow, &b->flow);
}

uint32_t
match_hash(const struct match *match, uint32_t basis)
{
    uint32_t hash = hash_words64((const uint64_t *) &match->flow, FLOW_U64S,
                                 basis);

    return hash_words64((const uint64_t *) &match->wc.masks, FLOW_U64S,
                        hash);
}

bool
match_matches_flow(const struct match *match, const struct flow *flow)
{
    return flow_equal_except(&match->flow, flow, &match->wc);
}

bool
match_is_subset_of(const struct match *a, const struct match *b)
{
    const uint64_t *am = (const uint64_t *) &a->wc.masks;
    const uint64_t *bm = (const uint64_t *) &b->wc.masks;
    const uint64_t *af = (const uint64_t *) &a->flow;
    const uint64_t *bf = (const uint64_t *) &b->flow;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((bm[i] & ~am[i]) || ((af[i] ^ bf[i]) & bm[i])) {
            return false;
        }
    }
    return true;
}

/* The format_*_masked() helpers below append "NAME=VALUE," (or nothing
 * for a zero mask) in the number styles of OVS's lib/match.c. */

static void
format_eth_masked(struct ds *s, const char *name, struct eth_addr eth,
                  struct eth_addr mask)
{
    if (!eth_addr_is_zero(mask)) {
        ds_put_format(s, "%s=", name);
        flow_format_eth_masked(eth, &mask, s);
        ds_put_char(s, ',');
    }
}

static void
format_ip_netmask(struct ds *s, const char *name, be32 ip, be32 mask)
{
    if (mask) {
        ds_put_format(s, "%s=", name);
        flow_format_ip_masked(ip, mask, s);
        ds_put_char(s, ',');
    }
}

static void
format_ipv6_netmask(struct ds *s, const char *name,
                    const struct in6_addr *addr, const struct in6_addr *mask)
{
    if (ipv6_addr_is_set(mask)) {
        ds_put_format(s, "%s=", name);
        flow_format_ipv6_masked(addr, mask, s);
        ds_put_char(s, ',');
    }
}

static void
format_uint16_masked(struct ds *s, const char *name, uint16_t value,
                     uint16_t mask)
{
    if (mask) {
        if (mask == UINT16_MAX) {
            ds_put_format(s, "%s=%" PRIu16 ",", name, value);
        } else {
            ds_put_format(s, "%s=0x%" PRIx16 "/0x%" PRIx16 ",", name, value,
                          mask);
        }
    }
}

static void
format_be16_masked(struct ds *s, const char *name, be16 value, be16 mask)
{
    format_uint16_masked(s, name, ntohs(value), ntohs(mask));
}

static void
format_uint32_masked(struct ds *s, const char *name, uint32_t value,
                     uint32_t mask)
{
    if (mask) {
        ds_put_format(s, "%s=%#" PRIx32, name, value);
        if (mask != UINT32_MAX) {
            ds_put_format(s, "/%#" PRIx32, mask);
        }
        ds_put_char(s, ',');
    }
}

static void
format_be64_masked(struct ds *s, const char *name, be64 value, be64 mask)
{
    if (mask) {
        ds_put_format(s, "%s=%#" PRIx64, name, ntohll(value));
        if (mask != UINT64_MAX) {
            ds_put_format(s, "/%#" PRIx64, ntohll(mask));
        }
        ds_put_char(s, ',');
    }
}

static void
format_flow_tunnel(struct ds *s, const struct match *match)
{
    const struct flow_tnl *m = &match->wc.masks.tunnel;
    const struct flow_tnl *t = &match->flow.tunnel;

    format_be64_masked(s, "tun_id", t->tun_id, m->tun_id);
    format_ip_netmask(s, "tun_src", t->ip_src, m->ip_src);
    format_ip_netmask(s, "tun_dst", t->ip_dst, m->ip_dst);
    if (m->ip_tos) {
        ds_put_format(s, "tun_tos=%" PRIx8 ",", t->ip_tos);
    }
    if (m->ip_ttl) {
        ds_put_format(s, "tun_ttl=%" PRIu8 ",", t->ip_ttl);
    }
    if (flow_tnl_flags_to_ovs(m->flags)) {
        flow_format_flags_masked(s, "tun_flags", flow_tun_flag_to_string,
                                 flow_tnl_flags_to_ovs(t->flags),
                                 flow_tnl_flags_to_ovs(m->flags),
                                 OVS_TNL_F_MASK);
        ds_put_char(s, ',');
    }
}

static void
format_ct_label_masked(struct ds *s, const struct flow *f,
                       const struct flow *m)
{
    if (m->ct_label[0] || m->ct_label[1]) {
        be64 v[2] = { htonll(f->ct_label[1]), htonll(f->ct_label[0]) };

        ds_put_cstr(s, "ct_label=");
        flow_put_hex(s, v, sizeof v);
        if (m->ct_label[0] != UINT64_MAX || m->ct_label[1] != UINT64_MAX) {
            be64 mv[2] = { htonll(m->ct_label[1]), htonll(m->ct_label[0]) };

            ds_put_char(s, '/');
            flow_put_hex(s, mv, sizeof mv);
        }
        ds_put_char(s, ',');
    }
}

/* Appends the protocol shorthand for F's dl_type/nw_proto, if there is
 * one.  Sets *SKIP_TYPE and *SKIP_PROTO when the shorthand covers them. */
static void
format_shorthand(struct ds *s, const struct flow *f, const struct flow *m,
                 bool *skip_type, bool *skip_proto)
{
    be16 dl_type = f->dl_type;

    *skip_type = false;
    *skip_proto = false;
    if (!m->dl_type) {
        return;
    }
    *skip_type = true;
    if (dl_type == htons(ETH_TYPE_IP)) {
        /* IPv4 protocols with a shorthand (proto, name). */
        static const struct { uint8_t proto; const char *name; } v4[] = {
            { IPPROTO_ICMP_, "icmp" }, { IPPROTO_TCP_, "tcp" }, { IPPROTO_UDP_, "udp" },
            { IPPROTO_SCTP_, "sctp" },
        };

        if (m->nw_proto) {
            for (size_t i = 0; i < ARRAY_SIZE(v4); i++) {
                if (f->nw_proto == v4[i].proto) {
                    ds_put_format(s, "%s,", v4[i].name);
                    *skip_proto = true;
                    return;
                }
            }
        }
        ds_put_cstr(s, "ip,");
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        /* IPv6 protocols with a shorthand (proto, name). */
        static const struct { uint8_t proto; const char *name; } v6[] = {
            { IPPROTO_ICMPV6_, "icmp6" }, { IPPROTO_TCP_, "tcp6" },
            { IPPROTO_UDP_, "udp6" }, { IPPROTO_SCTP_, "sctp6" },
        };

        if (m->nw_proto) {
            for (size_t i = 0; i < ARRAY_SIZE(v6); i++) {
                if (f->nw_proto == v6[i].proto) {
                    ds_put_format(s, "%s,", v6[i].name);
                    *skip_proto = true;
                    return;
                }
            }
        }
        ds_put_cstr(s, "ipv6,");
    } else if (dl_type == htons(ETH_TYPE_ARP)) {
        ds_put_cstr(s, "arp,");
    } else if (dl_type == htons(ETH_TYPE_RARP)) {
        ds_put_cstr(s, "rarp,");
    } else if (dl_type == htons(ETH_TYPE_MPLS)) {
        ds_put_cstr(s, "mpls,");
    } else if (dl_type == htons(ETH_TYPE_MPLS_MCAST)) {
        ds_put_cstr(s, "mplsm,");
    } else {
        *skip_type = false;
    }
}

/* Appends the outer VLAN as OVS prints it: dl_vlan/dl_vlan_pcp when the
 * mask covers whole VID/PCP parts of a present tag, vlan_tci otherwise. */
static void
format_vlan(struct ds *s, const struct flow *f, const struct flow *m)
{
    be16 tci = f->vlans[0].tci;
    be16 mask = m->vlans[0].tci;
    be16 vid_mask = mask & htons(VLAN_VID_MASK);
    be16 pcp_mask = mask & htons(VLAN_PCP_MASK);
    be16 cfi = mask & htons(VLAN_CFI);

    if (!mask) {
        return;
    }
    if (cfi && tci & htons(VLAN_CFI)
        && (!vid_mask || vid_mask == htons(VLAN_VID_MASK))
        && (!pcp_mask || pcp_mask == htons(VLAN_PCP_MASK))
        && (vid_mask || pcp_mask)) {
        if (vid_mask) {
            ds_put_format(s, "dl_vlan=%u,", ntohs(tci) & VLAN_VID_MASK);
        }
        if (pcp_mask) {
            ds_put_format(s, "dl_vlan_pcp=%u,", ntohs(tci) >> VLAN_PCP_SHIFT);
        }
    } else if (mask == htons(0xffff)) {
        ds_put_format(s, "vlan_tci=0x%04" PRIx16 ",", ntohs(tci));
    } else {
        ds_put_format(s, "vlan_tci=0x%04" PRIx16 "/0x%04" PRIx16 ",",
                      ntohs(tci), ntohs(mask));
    }
}

static void
format_frag(struct ds *s, uint8_t frag, uint8_t mask)
{
    switch (mask) {
    case FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER:
        ds_put_format(s, "nw_frag=%s,",
                      frag & FLOW_NW_FRAG_ANY
                      ? (frag & FLOW_NW_FRAG_LATER ? "later" : "first")
                      : (frag & FLOW_NW_FRAG_LATER ? "<error>" : "no"));
        break;
    case FLOW_NW_FRAG_ANY:
        ds_put_format(s, "nw_frag=%s,",
                      frag & FLOW_NW_FRAG_ANY ? "yes" : "no");
        break;
    case FLOW_NW_FRAG_LATER:
        ds_put_format(s, "nw_frag=%s,",
                      frag & FLOW_NW_FRAG_LATER ? "later" : "not_later");
        break;
    }
}

/* Appends the L3 and L4 fields of F under M, in OVS's order. */
static void
format_l3_l4(struct ds *s, const struct flow *f, const struct flow *m,
             bool skip_proto)
{
    be16 dl_type = f->dl_type;
    bool arp = dl_type == htons(ETH_TYPE_ARP)
               || dl_type == htons(ETH_TYPE_RARP);

    if (dl_type == htons(ETH_TYPE_IPV6)) {
        format_ipv6_netmask(s, "ipv6_src", &f->ipv6_src, &m->ipv6_src);
        format_ipv6_netmask(s, "ipv6_dst", &f->ipv6_dst, &m->ipv6_dst);
        if (m->ipv6_label) {
            if (m->ipv6_label == htonl(UINT32_MAX)) {
                ds_put_format(s, "ipv6_label=0x%05" PRIx32 ",",
                              ntohl(f->ipv6_label));
            } else {
                ds_put_format(s, "ipv6_label=0x%05" PRIx32 "/0x%05" PRIx32
                              ",", ntohl(f->ipv6_label),
                              ntohl(m->ipv6_label));
            }
        }
    } else if (arp) {
        format_ip_netmask(s, "arp_spa", f->nw_src, m->nw_src);
        format_ip_netmask(s, "arp_tpa", f->nw_dst, m->nw_dst);
    } else {
        format_ip_netmask(s, "nw_src", f->nw_src, m->nw_src);
        format_ip_netmask(s, "nw_dst", f->nw_dst, m->nw_dst);
    }
    if (!skip_proto && m->nw_proto) {
        ds_put_format(s, "%s=%" PRIu8 ",", arp ? "arp_op" : "nw_proto",
                      f->nw_proto);
    }
    if (arp) {
        format_eth_masked(s, "arp_sha", f->arp_sha, m->arp_sha);
        format_eth_masked(s, "arp_tha", f->arp_tha, m->arp_tha);
    }
    if (m->nw_tos & IP_DSCP_MASK) {
        ds_put_format(s, "nw_tos=%d,", f->nw_tos & IP_DSCP_MASK);
    }
    if (m->nw_tos & IP_ECN_MASK) {
        ds_put_format(s, "nw_ecn=%d,", f->nw_tos & IP_ECN_MASK);
    }
    if (m->nw_ttl) {
        ds_put_format(s, "nw_ttl=%d,", f->nw_ttl);
    }
    format_frag(s, f->nw_frag, m->nw_frag);

    if (dl_type == htons(ETH_TYPE_IP) && f->nw_proto == IPPROTO_ICMP_) {
        format_be16_masked(s, "icmp_type", f->tp_src, m->tp_src);
        format_be16_masked(s, "icmp_code", f->tp_dst, m->tp_dst);
    } else if (dl_type == htons(ETH_TYPE_IPV6)
               && f->nw_proto == IPPROTO_ICMPV6_) {
        format_be16_masked(s, "icmp_type", f->tp_src, m->tp_src);
        format_be16_masked(s, "icmp_code", f->tp_dst, m->tp_dst);
        format_ipv6_netmask(s, "nd_target", &f->nd_target, &m->nd_target);
        format_eth_masked(s, "nd_sll", f->arp_sha, m->arp_sha);
        format_eth_masked(s, "nd_tll", f->arp_tha, m->arp_tha);
    } else {
        format_be16_masked(s, "tp_src", f->tp_src, m->tp_src);
        format_be16_masked(s, "tp_dst", f->tp_dst, m->tp_dst);
    }
    if (is_ip_any(f) && f->nw_proto == IPPROTO_TCP_ && m->tcp_flags) {
        flow_format_flags_masked(s, "tcp_flags", flow_tcp_flag_to_string,
                                 ntohs(f->tcp_flags),
                                 ntohs(m->tcp_flags) & 0x0fff, 0x0fff);
    }
}

void
match_format(const struct match *match, const struct ofp_port_map *port_map,
             int priority, struct ds *s)
{
    const struct flow *f = &match->flow;
    const struct flow *m = &match->wc.masks;
    size_t start_len = s->length;
    bool skip_type, skip_proto;

    if (priority >= 0 && priority != OFP_DEFAULT_PRIORITY_) {
        ds_put_format(s, "priority=%d,", priority);
    }

    format_uint32_masked(s, "pkt_mark", f->pkt_mark, m->pkt_mark);
    format_uint32_masked(s, "recirc_id", f->recirc_id, m->recirc_id);
    format_uint32_masked(s, "dp_hash", f->dp_hash, m->dp_hash);
    if (m->conj_id) {
        ds_put_format(s, "conj_id=%" PRIu32 ",", f->conj_id);
    }
    if (m->skb_priority) {
        ds_put_format(s, "skb_priority=%#" PRIx32 ",", f->skb_priority);
    }
    if (m->actset_output) {
        ds_put_cstr(s, "actset_output=");
        ofp_port_format(f->actset_output, port_map, s);
        ds_put_char(s, ',');
    }
    if (m->ct_state) {
        if (m->ct_state == UINT8_MAX) {
            ds_put_cstr(s, "ct_state=");
            flow_format_flags(s, flow_ct_state_to_string, f->ct_state, '|');
        } else {
            flow_format_flags_masked(s, "ct_state", flow_ct_state_to_string,
                                     f->ct_state, m->ct_state, UINT8_MAX);
        }
        ds_put_char(s, ',');
    }
    format_uint16_masked(s, "ct_zone", f->ct_zone, m->ct_zone);
    format_uint32_masked(s, "ct_mark", f->ct_mark, m->ct_mark);
    format_ct_label_masked(s, f, m);
    format_ip_netmask(s, "ct_nw_src", f->ct_nw_src, m->ct_nw_src);
    format_ip_netmask(s, "ct_nw_dst", f->ct_nw_dst, m->ct_nw_dst);
    if (m->ct_nw_proto) {
        ds_put_format(s, "ct_nw_proto=%" PRIu8 ",", f->ct_nw_proto);
        format_be16_masked(s, "ct_tp_src", f->ct_tp_src, m->ct_tp_src);
        format_be16_masked(s, "ct_tp_dst", f->ct_tp_dst, m->ct_tp_dst);
    }

    /* OVS shows the (Ethernet) packet type of a match on recirc_id, a
     * datapath-flow field, whenever the match has an Ethernet field. */
    if (m->recirc_id && (m->dl_type || m->vlans[0].tci
                         || !eth_addr_is_zero(m->dl_src)
                         || !eth_addr_is_zero(m->dl_dst))) {
        ds_put_cstr(s, "eth,");
    }
    format_shorthand(s, f, m, &skip_type, &skip_proto);

    for (int i = 0; i < FLOW_N_REGS; i++) {
        char name[8];

        snprintf(name, sizeof name, "reg%d", i);
        format_uint32_masked(s, name, f->regs[i], m->regs[i]);
    }
    format_flow_tunnel(s, match);
    format_be64_masked(s, "metadata", f->metadata, m->metadata);
    if (m->in_port) {
        ds_put_cstr(s, "in_port=");
        ofp_port_format(f->in_port, port_map, s);
        ds_put_char(s, ',');
    }
    format_vlan(s, f, m);
    format_eth_masked(s, "dl_src", f->dl_src, m->dl_src);
    format_eth_masked(s, "dl_dst", f->dl_dst, m->dl_dst);
    if (!skip_type && m->dl_type) {
        ds_put_format(s, "dl_type=0x%04" PRIx16 ",", ntohs(f->dl_type));
    }
    format_l3_l4(s, f, m, skip_proto);

    if (s->length > start_len) {
        ds_chomp(s, ',');
    }
}
