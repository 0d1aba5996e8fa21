/*
 * meta-field.c: the field registry and reading/writing fields of struct
 * flow, struct flow_wildcards and struct match.
 *
 * The names, widths, maskability, prerequisites and text formats follow
 * Open vSwitch 3.x's lib/meta-flow.xml.  Values cross this interface as
 * union mf_value in network byte order; fields that struct flow keeps in
 * host order (registers, ports, conntrack metadata) are converted here.
 */
#include "flow/meta-field.h"

#include <string.h>

#include "flow/flow-text.h"
#include "flow/port-map.h"
#include "lib/util.h"

/* Public tunnel flags, the only ones a match or set_field may touch, in
 * struct flow's numbering; field values use OVS's (flow-text.h). */
#define TNL_PUB_F_MASK FLOW_TNL_F_OAM

#define IPV6_LABEL_MASK 0x000fffff

/* Shorthands for the registry table. */
#define N MFM_NONE
#define Y MFM_FULLY
#define RW true
#define RO false

#define FIELD(ID, NAME, EXTRA, NXM, OXM, BYTES, BITS, MASK, STR, PRE, WR)     \
    [ID] = { ID, NAME, EXTRA, NXM, OXM, BYTES, BITS, MASK, STR, PRE, WR }

#define REG(IDX)                                                              \
    FIELD(MFF_REG0 + IDX, "reg" #IDX, NULL, "NXM_NX_REG" #IDX, NULL, 4, 32,   \
          Y, MFS_HEXADECIMAL, MFP_NONE, RW)

static const struct mf_field mf_fields[MFF_N_IDS] = {
    FIELD(MFF_DP_HASH, "dp_hash", NULL, "NXM_NX_DP_HASH", NULL, 4, 32, Y,
          MFS_HEXADECIMAL, MFP_NONE, RO),
    FIELD(MFF_RECIRC_ID, "recirc_id", NULL, "NXM_NX_RECIRC_ID", NULL, 4, 32,
          N, MFS_DECIMAL, MFP_NONE, RO),
    FIELD(MFF_CONJ_ID, "conj_id", NULL, "NXM_NX_CONJ_ID", NULL, 4, 32, N,
          MFS_DECIMAL, MFP_NONE, RO),
    FIELD(MFF_TUN_ID, "tun_id", "tunnel_id", "NXM_NX_TUN_ID",
          "OXM_OF_TUNNEL_ID", 8, 64, Y, MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_TUN_SRC, "tun_src", NULL, "NXM_NX_TUN_IPV4_SRC", NULL, 4, 32,
          Y, MFS_IPV4, MFP_NONE, RW),
    FIELD(MFF_TUN_DST, "tun_dst", NULL, "NXM_NX_TUN_IPV4_DST", NULL, 4, 32,
          Y, MFS_IPV4, MFP_NONE, RW),
    FIELD(MFF_TUN_FLAGS, "tun_flags", NULL, "NXM_NX_TUN_FLAGS", NULL, 2, 16,
          Y, MFS_TNL_FLAGS, MFP_NONE, RW),
    FIELD(MFF_TUN_TTL, "tun_ttl", NULL, NULL, NULL, 1, 8, Y, MFS_DECIMAL,
          MFP_NONE, RW),
    FIELD(MFF_TUN_TOS, "tun_tos", NULL, NULL, NULL, 1, 8, Y, MFS_DECIMAL,
          MFP_NONE, RW),
    FIELD(MFF_METADATA, "metadata", NULL, NULL, "OXM_OF_METADATA", 8, 64, Y,
          MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_IN_PORT, "in_port", NULL, "NXM_OF_IN_PORT", NULL, 2, 16, N,
          MFS_OFP_PORT, MFP_NONE, RW),
    FIELD(MFF_IN_PORT_OXM, "in_port_oxm", NULL, NULL, "OXM_OF_IN_PORT", 4,
          32, N, MFS_OFP_PORT_OXM, MFP_NONE, RW),
    FIELD(MFF_ACTSET_OUTPUT, "actset_output", NULL, NULL,
          "ONFOXM_ET_ACTSET_OUTPUT", 4, 32, N, MFS_OFP_PORT_OXM, MFP_NONE,
          RO),
    FIELD(MFF_SKB_PRIORITY, "skb_priority", NULL, NULL, NULL, 4, 32, N,
          MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_PKT_MARK, "pkt_mark", NULL, "NXM_NX_PKT_MARK", NULL, 4, 32, Y,
          MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_CT_STATE, "ct_state", NULL, "NXM_NX_CT_STATE", NULL, 4, 32, Y,
          MFS_CT_STATE, MFP_NONE, RO),
    FIELD(MFF_CT_ZONE, "ct_zone", NULL, "NXM_NX_CT_ZONE", NULL, 2, 16, N,
          MFS_HEXADECIMAL, MFP_NONE, RO),
    FIELD(MFF_CT_MARK, "ct_mark", NULL, "NXM_NX_CT_MARK", NULL, 4, 32, Y,
          MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_CT_LABEL, "ct_label", NULL, "NXM_NX_CT_LABEL", NULL, 16, 128,
          Y, MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_CT_NW_PROTO, "ct_nw_proto", NULL, "NXM_NX_CT_NW_PROTO", NULL,
          1, 8, N, MFS_DECIMAL, MFP_CT_VALID, RO),
    FIELD(MFF_CT_NW_SRC, "ct_nw_src", NULL, "NXM_NX_CT_NW_SRC", NULL, 4, 32,
          Y, MFS_IPV4, MFP_CT_VALID, RO),
    FIELD(MFF_CT_NW_DST, "ct_nw_dst", NULL, "NXM_NX_CT_NW_DST", NULL, 4, 32,
          Y, MFS_IPV4, MFP_CT_VALID, RO),
    FIELD(MFF_CT_TP_SRC, "ct_tp_src", NULL, "NXM_NX_CT_TP_SRC", NULL, 2, 16,
          Y, MFS_DECIMAL, MFP_CT_VALID, RO),
    FIELD(MFF_CT_TP_DST, "ct_tp_dst", NULL, "NXM_NX_CT_TP_DST", NULL, 2, 16,
          Y, MFS_DECIMAL, MFP_CT_VALID, RO),
    REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
    REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),

    FIELD(MFF_ETH_SRC, "eth_src", "dl_src", "NXM_OF_ETH_SRC",
          "OXM_OF_ETH_SRC", 6, 48, Y, MFS_ETHERNET, MFP_NONE, RW),
    FIELD(MFF_ETH_DST, "eth_dst", "dl_dst", "NXM_OF_ETH_DST",
          "OXM_OF_ETH_DST", 6, 48, Y, MFS_ETHERNET, MFP_NONE, RW),
    FIELD(MFF_ETH_TYPE, "eth_type", "dl_type", "NXM_OF_ETH_TYPE",
          "OXM_OF_ETH_TYPE", 2, 16, N, MFS_HEXADECIMAL, MFP_NONE, RO),
    FIELD(MFF_VLAN_TCI, "vlan_tci", NULL, "NXM_OF_VLAN_TCI", NULL, 2, 16, Y,
          MFS_HEXADECIMAL, MFP_NONE, RW),
    FIELD(MFF_DL_VLAN, "dl_vlan", NULL, NULL, NULL, 2, 12, N, MFS_DECIMAL,
          MFP_NONE, RW),
    FIELD(MFF_VLAN_VID, "vlan_vid", NULL, NULL, "OXM_OF_VLAN_VID", 2, 13, Y,
          MFS_DECIMAL, MFP_NONE, RW),
    FIELD(MFF_DL_VLAN_PCP, "dl_vlan_pcp", NULL, NULL, NULL, 1, 3, N,
          MFS_DECIMAL, MFP_NONE, RW),
    FIELD(MFF_VLAN_PCP, "vlan_pcp", NULL, NULL, "OXM_OF_VLAN_PCP", 1, 3, N,
          MFS_DECIMAL, MFP_VLAN_VID, RW),

    FIELD(MFF_IPV4_SRC, "ip_src", "nw_src", "NXM_OF_IP_SRC",
          "OXM_OF_IPV4_SRC", 4, 32, Y, MFS_IPV4, MFP_IPV4, RW),
    FIELD(MFF_IPV4_DST, "ip_dst", "nw_dst", "NXM_OF_IP_DST",
          "OXM_OF_IPV4_DST", 4, 32, Y, MFS_IPV4, MFP_IPV4, RW),
    FIELD(MFF_IPV6_SRC, "ipv6_src", NULL, "NXM_NX_IPV6_SRC",
          "OXM_OF_IPV6_SRC", 16, 128, Y, MFS_IPV6, MFP_IPV6, RW),
    FIELD(MFF_IPV6_DST, "ipv6_dst", NULL, "NXM_NX_IPV6_DST",
          "OXM_OF_IPV6_DST", 16, 128, Y, MFS_IPV6, MFP_IPV6, RW),
    FIELD(MFF_IPV6_LABEL, "ipv6_label", NULL, "NXM_NX_IPV6_LABEL",
          "OXM_OF_IPV6_FLABEL", 4, 20, Y, MFS_HEXADECIMAL, MFP_IPV6, RW),
    FIELD(MFF_IP_PROTO, "nw_proto", "ip_proto", "NXM_OF_IP_PROTO",
          "OXM_OF_IP_PROTO", 1, 8, N, MFS_DECIMAL, MFP_IP_ANY, RO),
    FIELD(MFF_IP_DSCP, "nw_tos", NULL, "NXM_OF_IP_TOS", NULL, 1, 8, N,
          MFS_DECIMAL, MFP_IP_ANY, RW),
    FIELD(MFF_IP_DSCP_SHIFTED, "ip_dscp", NULL, NULL, "OXM_OF_IP_DSCP", 1, 6,
          N, MFS_DECIMAL, MFP_IP_ANY, RW),
    FIELD(MFF_IP_ECN, "nw_ecn", "ip_ecn", "NXM_NX_IP_ECN", "OXM_OF_IP_ECN",
          1, 2, N, MFS_DECIMAL, MFP_IP_ANY, RW),
    FIELD(MFF_IP_TTL, "nw_ttl", NULL, "NXM_NX_IP_TTL", NULL, 1, 8, N,
          MFS_DECIMAL, MFP_IP_ANY, RW),
    FIELD(MFF_IP_FRAG, "ip_frag", "nw_frag", "NXM_NX_IP_FRAG", NULL, 1, 2, Y,
          MFS_FRAG, MFP_IP_ANY, RO),
    FIELD(MFF_ARP_OP, "arp_op", NULL, "NXM_OF_ARP_OP", "OXM_OF_ARP_OP", 2,
          16, N, MFS_DECIMAL, MFP_ARP, RW),
    FIELD(MFF_ARP_SPA, "arp_spa", NULL, "NXM_OF_ARP_SPA", "OXM_OF_ARP_SPA",
          4, 32, Y, MFS_IPV4, MFP_ARP, RW),
    FIELD(MFF_ARP_TPA, "arp_tpa", NULL, "NXM_OF_ARP_TPA", "OXM_OF_ARP_TPA",
          4, 32, Y, MFS_IPV4, MFP_ARP, RW),
    FIELD(MFF_ARP_SHA, "arp_sha", NULL, "NXM_NX_ARP_SHA", "OXM_OF_ARP_SHA",
          6, 48, Y, MFS_ETHERNET, MFP_ARP, RW),
    FIELD(MFF_ARP_THA, "arp_tha", NULL, "NXM_NX_ARP_THA", "OXM_OF_ARP_THA",
          6, 48, Y, MFS_ETHERNET, MFP_ARP, RW),

    FIELD(MFF_TCP_SRC, "tcp_src", "tp_src", "NXM_OF_TCP_SRC",
          "OXM_OF_TCP_SRC", 2, 16, Y, MFS_DECIMAL, MFP_TCP, RW),
    FIELD(MFF_TCP_DST, "tcp_dst", "tp_dst", "NXM_OF_TCP_DST",
          "OXM_OF_TCP_DST", 2, 16, Y, MFS_DECIMAL, MFP_TCP, RW),
    FIELD(MFF_TCP_FLAGS, "tcp_flags", NULL, "NXM_NX_TCP_FLAGS",
          "ONFOXM_ET_TCP_FLAGS", 2, 12, Y, MFS_TCP_FLAGS, MFP_TCP, RO),
    FIELD(MFF_UDP_SRC, "udp_src", NULL, "NXM_OF_UDP_SRC", "OXM_OF_UDP_SRC",
          2, 16, Y, MFS_DECIMAL, MFP_UDP, RW),
    FIELD(MFF_UDP_DST, "udp_dst", NULL, "NXM_OF_UDP_DST", "OXM_OF_UDP_DST",
          2, 16, Y, MFS_DECIMAL, MFP_UDP, RW),
    FIELD(MFF_SCTP_SRC, "sctp_src", NULL, NULL, "OXM_OF_SCTP_SRC", 2, 16, Y,
          MFS_DECIMAL, MFP_SCTP, RW),
    FIELD(MFF_SCTP_DST, "sctp_dst", NULL, NULL, "OXM_OF_SCTP_DST", 2, 16, Y,
          MFS_DECIMAL, MFP_SCTP, RW),
    FIELD(MFF_ICMPV4_TYPE, "icmp_type", NULL, "NXM_OF_ICMP_TYPE",
          "OXM_OF_ICMPV4_TYPE", 1, 8, N, MFS_DECIMAL, MFP_ICMPV4, RW),
    FIELD(MFF_ICMPV4_CODE, "icmp_code", NULL, "NXM_OF_ICMP_CODE",
          "OXM_OF_ICMPV4_CODE", 1, 8, N, MFS_DECIMAL, MFP_ICMPV4, RW),
    FIELD(MFF_ICMPV6_TYPE, "icmpv6_type", NULL, "NXM_NX_ICMPV6_TYPE",
          "OXM_OF_ICMPV6_TYPE", 1, 8, N, MFS_DECIMAL, MFP_ICMPV6, RW),
    FIELD(MFF_ICMPV6_CODE, "icmpv6_code", NULL, "NXM_NX_ICMPV6_CODE",
          "OXM_OF_ICMPV6_CODE", 1, 8, N, MFS_DECIMAL, MFP_ICMPV6, RW),
    FIELD(MFF_ND_TARGET, "nd_target", NULL, "NXM_NX_ND_TARGET",
          "OXM_OF_IPV6_ND_TARGET", 16, 128, Y, MFS_IPV6, MFP_ND, RW),
    FIELD(MFF_ND_SLL, "nd_sll", NULL, "NXM_NX_ND_SLL", "OXM_OF_IPV6_ND_SLL",
          6, 48, Y, MFS_ETHERNET, MFP_ND_SOLICIT, RW),
    FIELD(MFF_ND_TLL, "nd_tll", NULL, "NXM_NX_ND_TLL", "OXM_OF_IPV6_ND_TLL",
          6, 48, Y, MFS_ETHERNET, MFP_ND_ADVERT, RW),
};

#undef N
#undef Y
#undef RW
#undef RO

const struct mf_field *
mf_from_id(enum mf_field_id id)
{
    vx_assert(id < MFF_N_IDS);
    return &mf_fields[id];
}

/* Returns true if the string A (or NULL) is the LEN bytes at B.  Comparing
 * the first byte before anything else makes a lookup that walks every
 * field cost about one byte per name instead of a strlen() of each. */
static bool
name_eq(const char *a, const char *b, size_t len)
{
    if (!a) {
        return false;
    } else if (!len) {
        return a[0] == '\0';
    }
    return a[0] == b[0] && strlen(a) == len && !memcmp(a, b, len);
}

const struct mf_field *
mf_from_name_len(const char *name, size_t len)
{
    for (size_t i = 0; i < MFF_N_IDS; i++) {
        const struct mf_field *mf = &mf_fields[i];

        if (name_eq(mf->name, name, len) || name_eq(mf->extra_name, name, len)
            || name_eq(mf->nxm_name, name, len)
            || name_eq(mf->oxm_name, name, len)) {
            return mf;
        }
    }
    return NULL;
}

const struct mf_field *
mf_from_name(const char *name)
{
    return mf_from_name_len(name, strlen(name));
}

const struct mf_field *
mf_from_field_name(const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < MFF_N_IDS; i++) {
        const struct mf_field *mf = &mf_fields[i];

        if (name_eq(mf->name, name, len)
            || name_eq(mf->extra_name, name, len)) {
            return mf;
        }
    }
    return NULL;
}

static uint64_t
be128_hi(const union mf_value *v)
{
    be64 x;

    memcpy(&x, &v->b[0], 8);
    return ntohll(x);
}

static uint64_t
be128_lo(const union mf_value *v)
{
    be64 x;

    memcpy(&x, &v->b[8], 8);
    return ntohll(x);
}

void
mf_get_value(const struct mf_field *mf, const struct flow *flow,
             union mf_value *value)
{
    memset(value, 0, sizeof *value);
    switch (mf->id) {
    case MFF_DP_HASH:
        value->be32 = htonl(flow->dp_hash);
        break;
    case MFF_RECIRC_ID:
        value->be32 = htonl(flow->recirc_id);
        break;
    case MFF_CONJ_ID:
        value->be32 = htonl(flow->conj_id);
        break;
    case MFF_TUN_ID:
        value->be64 = flow->tunnel.tun_id;
        break;
    case MFF_TUN_SRC:
        value->be32 = flow->tunnel.ip_src;
        break;
    case MFF_TUN_DST:
        value->be32 = flow->tunnel.ip_dst;
        break;
    case MFF_TUN_FLAGS:
        value->be16 = htons(flow_tnl_flags_to_ovs(flow->tunnel.flags
                                                  & TNL_PUB_F_MASK));
        break;
    case MFF_TUN_TTL:
        value->u8 = flow->tunnel.ip_ttl;
        break;
    case MFF_TUN_TOS:
        value->u8 = flow->tunnel.ip_tos;
        break;
    case MFF_METADATA:
        value->be64 = flow->metadata;
        break;
    case MFF_IN_PORT:
        value->be16 = htons(flow->in_port);
        break;
    case MFF_IN_PORT_OXM:
        value->be32 = htonl(ofp_port_to_ofp11(flow->in_port));
        break;
    case MFF_ACTSET_OUTPUT:
        value->be32 = htonl(ofp_port_to_ofp11(flow->actset_output));
        break;
    case MFF_SKB_PRIORITY:
        value->be32 = htonl(flow->skb_priority);
        break;
    case MFF_PKT_MARK:
        value->be32 = htonl(flow->pkt_mark);
        break;
    case MFF_CT_STATE:
        value->be32 = htonl(flow->ct_state);
        break;
    case MFF_CT_ZONE:
        value->be16 = htons(flow->ct_zone);
        break;
    case MFF_CT_MARK:
        value->be32 = htonl(flow->ct_mark);
        break;
    case MFF_CT_LABEL: {
        be64 hi = htonll(flow->ct_label[1]);
        be64 lo = htonll(flow->ct_label[0]);

        memcpy(&value->b[0], &hi, 8);
        memcpy(&value->b[8], &lo, 8);
        break;
    }
    case MFF_CT_NW_PROTO:
        value->u8 = flow->ct_nw_proto;
        break;
    case MFF_CT_NW_SRC:
        value->be32 = flow->ct_nw_src;
        break;
    case MFF_CT_NW_DST:
        value->be32 = flow->ct_nw_dst;
        break;
    case MFF_CT_TP_SRC:
        value->be16 = flow->ct_tp_src;
        break;
    case MFF_CT_TP_DST:
        value->be16 = flow->ct_tp_dst;
        break;
    case MFF_REG0 ... MFF_REG15:
        value->be32 = htonl(flow->regs[mf->id - MFF_REG0]);
        break;
    case MFF_ETH_SRC:
        value->mac = flow->dl_src;
        break;
    case MFF_ETH_DST:
        value->mac = flow->dl_dst;
        break;
    case MFF_ETH_TYPE:
        value->be16 = flow->dl_type;
        break;
    case MFF_VLAN_TCI:
        value->be16 = flow->vlans[0].tci;
        break;
    case MFF_DL_VLAN:
        value->be16 = flow->vlans[0].tci & htons(VLAN_VID_MASK);
        break;
    case MFF_VLAN_VID:
        value->be16 = flow->vlans[0].tci & htons(VLAN_VID_MASK | VLAN_CFI);
        break;
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
        value->u8 = ntohs(flow->vlans[0].tci) >> VLAN_PCP_SHIFT;
        break;
    case MFF_IPV4_SRC:
    case MFF_ARP_SPA:
        value->be32 = flow->nw_src;
        break;
    case MFF_IPV4_DST:
    case MFF_ARP_TPA:
        value->be32 = flow->nw_dst;
        break;
    case MFF_IPV6_SRC:
        value->ipv6 = flow->ipv6_src;
        break;
    case MFF_IPV6_DST:
        value->ipv6 = flow->ipv6_dst;
        break;
    case MFF_IPV6_LABEL:
        value->be32 = flow->ipv6_label;
        break;
    case MFF_IP_PROTO:
        value->u8 = flow->nw_proto;
        break;
    case MFF_IP_DSCP:
        value->u8 = flow->nw_tos & IP_DSCP_MASK;
        break;
    case MFF_IP_DSCP_SHIFTED:
        value->u8 = flow->nw_tos >> 2;
        break;
    case MFF_IP_ECN:
        value->u8 = flow->nw_tos & IP_ECN_MASK;
        break;
    case MFF_IP_TTL:
        value->u8 = flow->nw_ttl;
        break;
    case MFF_IP_FRAG:
        value->u8 = flow->nw_frag;
        break;
    case MFF_ARP_OP:
        value->be16 = htons(flow->nw_proto);
        break;
    case MFF_ARP_SHA:
    case MFF_ND_SLL:
        value->mac = flow->arp_sha;
        break;
    case MFF_ARP_THA:
    case MFF_ND_TLL:
        value->mac = flow->arp_tha;
        break;
    case MFF_TCP_SRC:
    case MFF_UDP_SRC:
    case MFF_SCTP_SRC:
        value->be16 = flow->tp_src;
        break;
    case MFF_TCP_DST:
    case MFF_UDP_DST:
    case MFF_SCTP_DST:
        value->be16 = flow->tp_dst;
        break;
    case MFF_TCP_FLAGS:
        value->be16 = flow->tcp_flags;
        break;
    case MFF_ICMPV4_TYPE:
    case MFF_ICMPV6_TYPE:
        value->u8 = ntohs(flow->tp_src);
        break;
    case MFF_ICMPV4_CODE:
    case MFF_ICMPV6_CODE:
        value->u8 = ntohs(flow->tp_dst);
        break;
    case MFF_ND_TARGET:
        value->ipv6 = flow->nd_target;
        break;
    case MFF_N_IDS:
    default:
        vx_assert(false);
    }
}

/* Sets the VID of FLOW's outer VLAN as OVS's flow_set_dl_vlan(): 0xffff
 * means "no VLAN header", anything else sets the low 12 bits and CFI. */
static void
flow_set_dl_vlan(struct flow *flow, be16 vid)
{
    if (vid == htons(0xffff)) {
        flow->vlans[0].tci = 0;
    } else {
        vid &= htons(VLAN_VID_MASK);
        flow->vlans[0].tci &= ~htons(VLAN_VID_MASK);
        flow->vlans[0].tci |= htons(VLAN_CFI) | vid;
    }
}

/* Sets the PCP of FLOW's outer VLAN (and CFI, as a PCP implies a tag). */
static void
flow_set_vlan_pcp(struct flow *flow, uint8_t pcp)
{
    pcp &= 0x07;
    flow->vlans[0].tci &= ~htons(VLAN_PCP_MASK);
    flow->vlans[0].tci |= htons((pcp << VLAN_PCP_SHIFT) | VLAN_CFI);
}

void
mf_set_flow_value(const struct mf_field *mf, const union mf_value *value,
                  struct flow *flow)
{
    switch (mf->id) {
    case MFF_DP_HASH:
        flow->dp_hash = ntohl(value->be32);
        break;
    case MFF_RECIRC_ID:
        flow->recirc_id = ntohl(value->be32);
        break;
    case MFF_CONJ_ID:
        flow->conj_id = ntohl(value->be32);
        break;
    case MFF_TUN_ID:
        flow->tunnel.tun_id = value->be64;
        break;
    case MFF_TUN_SRC:
        flow->tunnel.ip_src = value->be32;
        break;
    case MFF_TUN_DST:
        flow->tunnel.ip_dst = value->be32;
        break;
    case MFF_TUN_FLAGS:
        flow->tunnel.flags = (flow->tunnel.flags & ~TNL_PUB_F_MASK)
                             | (flow_tnl_flags_from_ovs(ntohs(value->be16))
                                & TNL_PUB_F_MASK);
        break;
    case MFF_TUN_TTL:
        flow->tunnel.ip_ttl = value->u8;
        break;
    case MFF_TUN_TOS:
        flow->tunnel.ip_tos = value->u8;
        break;
    case MFF_METADATA:
        flow->metadata = value->be64;
        break;
    case MFF_IN_PORT:
        flow->in_port = ntohs(value->be16);
        break;
    case MFF_IN_PORT_OXM:
        ofp_port_from_ofp11(ntohl(value->be32), &flow->in_port);
        break;
    case MFF_ACTSET_OUTPUT:
        ofp_port_from_ofp11(ntohl(value->be32), &flow->actset_output);
        break;
    case MFF_SKB_PRIORITY:
        flow->skb_priority = ntohl(value->be32);
        break;
    case MFF_PKT_MARK:
        flow->pkt_mark = ntohl(value->be32);
        break;
    case MFF_CT_STATE:
        flow->ct_state = ntohl(value->be32);
        break;
    case MFF_CT_ZONE:
        flow->ct_zone = ntohs(value->be16);
        break;
    case MFF_CT_MARK:
        flow->ct_mark = ntohl(value->be32);
        break;
    case MFF_CT_LABEL:
        flow->ct_label[1] = be128_hi(value);
        flow->ct_label[0] = be128_lo(value);
        break;
    case MFF_CT_NW_PROTO:
        flow->ct_nw_proto = value->u8;
        break;
    case MFF_CT_NW_SRC:
        flow->ct_nw_src = value->be32;
        break;
    case MFF_CT_NW_DST:
        flow->ct_nw_dst = value->be32;
        break;
    case MFF_CT_TP_SRC:
        flow->ct_tp_src = value->be16;
        break;
    case MFF_CT_TP_DST:
        flow->ct_tp_dst = value->be16;
        break;
    case MFF_REG0 ... MFF_REG15:
        flow->regs[mf->id - MFF_REG0] = ntohl(value->be32);
        break;
    case MFF_ETH_SRC:
        flow->dl_src = value->mac;
        break;
    case MFF_ETH_DST:
        flow->dl_dst = value->mac;
        break;
    case MFF_ETH_TYPE:
        flow->dl_type = value->be16;
        break;
    case MFF_VLAN_TCI:
        flow->vlans[0].tci = value->be16;
        break;
    case MFF_DL_VLAN:
        flow_set_dl_vlan(flow, value->be16);
        break;
    case MFF_VLAN_VID:
        flow->vlans[0].tci &= ~htons(VLAN_VID_MASK | VLAN_CFI);
        flow->vlans[0].tci |= value->be16 & htons(VLAN_VID_MASK | VLAN_CFI);
        break;
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
        flow_set_vlan_pcp(flow, value->u8);
        break;
    case MFF_IPV4_SRC:
    case MFF_ARP_SPA:
        flow->nw_src = value->be32;
        break;
    case MFF_IPV4_DST:
    case MFF_ARP_TPA:
        flow->nw_dst = value->be32;
        break;
    case MFF_IPV6_SRC:
        flow->ipv6_src = value->ipv6;
        break;
    case MFF_IPV6_DST:
        flow->ipv6_dst = value->ipv6;
        break;
    case MFF_IPV6_LABEL:
        flow->ipv6_label = value->be32 & htonl(IPV6_LABEL_MASK);
        break;
    case MFF_IP_PROTO:
        flow->nw_proto = value->u8;
        break;
    case MFF_IP_DSCP:
        flow->nw_tos = (flow->nw_tos & ~IP_DSCP_MASK)
                       | (value->u8 & IP_DSCP_MASK);
        break;
    case MFF_IP_DSCP_SHIFTED:
        flow->nw_tos = (flow->nw_tos & ~IP_DSCP_MASK)
                       | ((value->u8 << 2) & IP_DSCP_MASK);
        break;
    case MFF_IP_ECN:
        flow->nw_tos = (flow->nw_tos & ~IP_ECN_MASK)
                       | (value->u8 & IP_ECN_MASK);
        break;
    case MFF_IP_TTL:
        flow->nw_ttl = value->u8;
        break;
    case MFF_IP_FRAG:
        flow->nw_frag = value->u8 & FLOW_NW_FRAG_MASK;
        break;
    case MFF_ARP_OP:
        flow->nw_proto = ntohs(value->be16);
        break;
    case MFF_ARP_SHA:
    case MFF_ND_SLL:
        flow->arp_sha = value->mac;
        break;
    case MFF_ARP_THA:
    case MFF_ND_TLL:
        flow->arp_tha = value->mac;
        break;
    case MFF_TCP_SRC:
    case MFF_UDP_SRC:
    case MFF_SCTP_SRC:
        flow->tp_src = value->be16;
        break;
    case MFF_TCP_DST:
    case MFF_UDP_DST:
    case MFF_SCTP_DST:
        flow->tp_dst = value->be16;
        break;
    case MFF_TCP_FLAGS:
        flow->tcp_flags = value->be16 & htons(0x0fff);
        break;
    case MFF_ICMPV4_TYPE:
    case MFF_ICMPV6_TYPE:
        flow->tp_src = htons(value->u8);
        break;
    case MFF_ICMPV4_CODE:
    case MFF_ICMPV6_CODE:
        flow->tp_dst = htons(value->u8);
        break;
    case MFF_ND_TARGET:
        flow->nd_target = value->ipv6;
        break;
    case MFF_N_IDS:
    default:
        vx_assert(false);
    }
}

void
mf_set_flow_value_masked(const struct mf_field *mf,
                         const union mf_value *value,
                         const union mf_value *mask, struct flow *flow)
{
    union mf_value tmp;

    mf_get_value(mf, flow, &tmp);
    for (size_t i = 0; i < mf->n_bytes; i++) {
        tmp.b[i] = (tmp.b[i] & ~mask->b[i]) | (value->b[i] & mask->b[i]);
    }
    mf_set_flow_value(mf, &tmp, flow);
}

void
mf_get_mask(const struct mf_field *mf, const struct flow_wildcards *wc,
            union mf_value *mask)
{
    mf_get_value(mf, &wc->masks, mask);
}

void
mf_mask_field_masked(const struct mf_field *mf, const union mf_value *mask,
                     struct flow_wildcards *wc)
{
    union mf_value m = *mask;
    union mf_value cur;

    /* All ones for dl_vlan would mean "no VLAN": keep the VID bits only. */
    if (mf->id == MFF_DL_VLAN) {
        m.be16 &= htons(VLAN_VID_MASK);
    }
    mf_get_value(mf, &wc->masks, &cur);
    for (size_t i = 0; i < mf->n_bytes; i++) {
        cur.b[i] |= m.b[i];
    }
    mf_set_flow_value(mf, &cur, &wc->masks);
}

void
mf_mask_field(const struct mf_field *mf, struct flow_wildcards *wc)
{
    union mf_value ones;

    memset(&ones, 0xff, sizeof ones);
    mf_mask_field_masked(mf, &ones, wc);
}

/* Wildcards the VID of MATCH's outer VLAN as OVS's match_set_any_vid(). */
static void
match_set_any_vid(struct match *match)
{
    if (match->wc.masks.vlans[0].tci & htons(VLAN_PCP_MASK)) {
        match->wc.masks.vlans[0].tci &= ~htons(VLAN_VID_MASK);
        match->flow.vlans[0].tci &= ~htons(VLAN_VID_MASK);
    } else {
        match->wc.masks.vlans[0].tci = 0;
        match->flow.vlans[0].tci = 0;
    }
}

/* Wildcards the PCP of MATCH's outer VLAN as OVS's match_set_any_pcp(). */
static void
match_set_any_pcp(struct match *match)
{
    if (match->wc.masks.vlans[0].tci & htons(VLAN_VID_MASK)) {
        match->wc.masks.vlans[0].tci &= ~htons(VLAN_PCP_MASK);
        match->flow.vlans[0].tci &= ~htons(VLAN_PCP_MASK);
    } else {
        match->wc.masks.vlans[0].tci = 0;
        match->flow.vlans[0].tci = 0;
    }
}

void
mf_set_wild(const struct mf_field *mf, struct match *match)
{
    union mf_value zero;

    switch (mf->id) {
    case MFF_DL_VLAN:
    case MFF_VLAN_VID:
        match_set_any_vid(match);
        return;
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
        match_set_any_pcp(match);
        return;
    case MFF_ICMPV4_TYPE:
    case MFF_ICMPV6_TYPE:
        match->wc.masks.tp_src = 0;
        match->flow.tp_src = 0;
        return;
    case MFF_ICMPV4_CODE:
    case MFF_ICMPV6_CODE:
        match->wc.masks.tp_dst = 0;
        match->flow.tp_dst = 0;
        return;
    case MFF_IN_PORT:
    case MFF_IN_PORT_OXM:
        match->wc.masks.in_port = 0;
        match->flow.in_port = 0;
        return;
    case MFF_ACTSET_OUTPUT:
        match->wc.masks.actset_output = 0;
        match->flow.actset_output = 0;
        return;
    default:
        break;
    }
    memset(&zero, 0, sizeof zero);
    mf_set_flow_value(mf, &zero, &match->wc.masks);
    mf_set_flow_value(mf, &zero, &match->flow);
}

/* Makes MATCH match field MF exactly, as OVS's mf_set_value(). */
static void
mf_set_value(const struct mf_field *mf, const union mf_value *value,
             struct match *match)
{
    union mf_value ones;

    switch (mf->id) {
    case MFF_DL_VLAN:
        flow_set_dl_vlan(&match->flow, value->be16);
        if (value->be16 == htons(0xffff)) {
            match->wc.masks.vlans[0].tci = htons(0xffff);
        } else {
            match->wc.masks.vlans[0].tci |= htons(VLAN_VID_MASK | VLAN_CFI);
        }
        return;
    case MFF_VLAN_VID:
        mf_set_flow_value(mf, value, &match->flow);
        match->wc.masks.vlans[0].tci |= htons(VLAN_VID_MASK | VLAN_CFI);
        return;
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
        flow_set_vlan_pcp(&match->flow, value->u8);
        match->wc.masks.vlans[0].tci |= htons(VLAN_CFI | VLAN_PCP_MASK);
        return;
    case MFF_ICMPV4_TYPE:
    case MFF_ICMPV6_TYPE:
        match->flow.tp_src = htons(value->u8);
        match->wc.masks.tp_src = htons(UINT16_MAX);
        return;
    case MFF_ICMPV4_CODE:
    case MFF_ICMPV6_CODE:
        match->flow.tp_dst = htons(value->u8);
        match->wc.masks.tp_dst = htons(UINT16_MAX);
        return;
    case MFF_IN_PORT:
    case MFF_IN_PORT_OXM:
        mf_set_flow_value(mf, value, &match->flow);
        match->wc.masks.in_port = UINT32_MAX;
        return;
    case MFF_ACTSET_OUTPUT:
        mf_set_flow_value(mf, value, &match->flow);
        match->wc.masks.actset_output = UINT32_MAX;
        return;
    case MFF_ARP_OP:
    case MFF_IP_PROTO:
        mf_set_flow_value(mf, value, &match->flow);
        match->wc.masks.nw_proto = UINT8_MAX;
        return;
    case MFF_IP_FRAG:
        match->flow.nw_frag = value->u8 & FLOW_NW_FRAG_MASK;
        match->wc.masks.nw_frag = FLOW_NW_FRAG_MASK;
        return;
    case MFF_IPV6_LABEL:
        match->flow.ipv6_label = value->be32;
        match->wc.masks.ipv6_label = htonl(UINT32_MAX);
        return;
    case MFF_TCP_FLAGS:
        /* Only the 12 flag bits exist; an exact match masks just those. */
        match->flow.tcp_flags = value->be16 & htons(0x0fff);
        match->wc.masks.tcp_flags = htons(0x0fff);
        return;
    default:
        break;
    }
    memset(&ones, 0xff, sizeof ones);
    mf_set_flow_value(mf, value, &match->flow);
    mf_set_flow_value(mf, &ones, &match->wc.masks);
}

void
mf_set(const struct mf_field *mf, const union mf_value *value,
       const union mf_value *mask, struct match *match)
{
    union mf_value v, m;

    if (!mask || is_all_ones(mask, mf->n_bytes)) {
        mf_set_value(mf, value, match);
        return;
    } else if (is_all_zeros(mask, mf->n_bytes)) {
        mf_set_wild(mf, match);
        return;
    }

    m = *mask;
    switch (mf->id) {
    case MFF_IP_FRAG:
        m.u8 &= FLOW_NW_FRAG_MASK;
        break;
    case MFF_TUN_FLAGS:
        m.be16 &= htons(OVS_TNL_F_OAM);
        break;
    case MFF_CT_STATE:
        m.be32 &= htonl(UINT16_MAX);
        break;
    case MFF_TCP_FLAGS:
        m.be16 &= htons(0x0fff);
        break;
    case MFF_IPV6_LABEL:
        if ((m.be32 & htonl(IPV6_LABEL_MASK)) == htonl(IPV6_LABEL_MASK)) {
            mf_set_value(mf, value, match);
            return;
        }
        break;
    default:
        break;
    }
    for (size_t i = 0; i < sizeof v.b; i++) {
        v.b[i] = value->b[i] & m.b[i];
    }
    if (mf->id == MFF_VLAN_VID) {
        /* Keep the PCP part of the mask, as match_set_vlan_vid_masked(). */
        be16 pcp_mask = match->wc.masks.vlans[0].tci & htons(VLAN_PCP_MASK);

        mf_set_flow_value(mf, &v, &match->flow);
        match->wc.masks.vlans[0].tci = (m.be16 & htons(VLAN_VID_MASK
                                                       | VLAN_CFI))
                                       | pcp_mask;
        return;
    }
    mf_set_flow_value(mf, &v, &match->flow);
    mf_set_flow_value(mf, &m, &match->wc.masks);
}

/* Returns true if FLOW's conntrack state shows a valid connection under
 * MASK, as OVS's is_ct_valid() does for matches. */
static bool
is_ct_valid(const struct flow *flow, const struct flow_wildcards *mask)
{
    if (flow->ct_state & (CS_NEW | CS_ESTABLISHED | CS_RELATED | CS_REPLY_DIR
                          | CS_SRC_NAT | CS_DST_NAT)) {
        return true;
    }
    return flow->ct_state & CS_TRACKED
           && (!mask || mask->masks.ct_state & CS_INVALID)
           && !(flow->ct_state & CS_INVALID);
}

static bool
is_ip_proto(const struct flow *flow, uint8_t proto)
{
    return is_ip_any(flow) && flow->nw_proto == proto;
}

static bool
is_nd(const struct flow *flow)
{
    return flow->dl_type == htons(ETH_TYPE_IPV6)
           && flow->nw_proto == IPPROTO_ICMPV6_ && flow->tp_dst == 0
           && (flow->tp_src == htons(ND_NEIGHBOR_SOLICIT)
               || flow->tp_src == htons(ND_NEIGHBOR_ADVERT));
}

static bool
mf_are_prereqs_ok__(const struct mf_field *mf, const struct flow *flow,
                    const struct flow_wildcards *mask)
{
    be16 dl_type = flow->dl_type;
    bool later = flow->nw_frag & FLOW_NW_FRAG_LATER;

    switch (mf->prereqs) {
    case MFP_NONE:
        return true;
    case MFP_ARP:
        return dl_type == htons(ETH_TYPE_ARP)
               || dl_type == htons(ETH_TYPE_RARP);
    case MFP_VLAN_VID:
        return flow->vlans[0].tci & htons(VLAN_CFI);
    case MFP_IPV4:
        return dl_type == htons(ETH_TYPE_IP);
    case MFP_IPV6:
        return dl_type == htons(ETH_TYPE_IPV6);
    case MFP_IP_ANY:
        return is_ip_any(flow);
    case MFP_TCP:
        return is_ip_proto(flow, IPPROTO_TCP_) && !later;
    case MFP_UDP:
        return is_ip_proto(flow, IPPROTO_UDP_) && !later;
    case MFP_SCTP:
        return is_ip_proto(flow, IPPROTO_SCTP_) && !later;
    case MFP_ICMPV4:
        return dl_type == htons(ETH_TYPE_IP)
               && flow->nw_proto == IPPROTO_ICMP_;
    case MFP_ICMPV6:
        return dl_type == htons(ETH_TYPE_IPV6)
               && flow->nw_proto == IPPROTO_ICMPV6_;
    case MFP_ND:
        return is_nd(flow);
    case MFP_ND_SOLICIT:
        return is_nd(flow) && flow->tp_src == htons(ND_NEIGHBOR_SOLICIT);
    case MFP_ND_ADVERT:
        return is_nd(flow) && flow->tp_src == htons(ND_NEIGHBOR_ADVERT);
    case MFP_CT_VALID:
        return is_ct_valid(flow, mask);
    }
    return false;
}

bool
mf_are_prereqs_ok(const struct mf_field *mf, const struct flow *flow)
{
    return mf_are_prereqs_ok__(mf, flow, NULL);
}

bool
mf_are_match_prereqs_ok(const struct mf_field *mf, const struct match *match)
{
    return mf_are_prereqs_ok__(mf, &match->flow, &match->wc);
}

void
mf_mask_prereqs(const struct mf_field *mf, const struct flow *flow,
                struct flow_wildcards *wc)
{
    switch (mf->prereqs) {
    case MFP_ND:
    case MFP_ND_SOLICIT:
    case MFP_ND_ADVERT:
        wc->masks.tp_src = htons(UINT16_MAX);
        wc->masks.tp_dst = htons(UINT16_MAX);
        /* Fall through. */
    case MFP_TCP:
    case MFP_UDP:
    case MFP_SCTP:
    case MFP_ICMPV4:
    case MFP_ICMPV6:
        wc->masks.nw_proto = UINT8_MAX;
        if (mf->prereqs == MFP_TCP || mf->prereqs == MFP_UDP
            || mf->prereqs == MFP_SCTP) {
            wc->masks.nw_frag |= FLOW_NW_FRAG_LATER;
        }
        /* Fall through. */
    case MFP_ARP:
    case MFP_IPV4:
    case MFP_IPV6:
    case MFP_IP_ANY:
        wc->masks.dl_type = htons(UINT16_MAX);
        break;
    case MFP_VLAN_VID:
        wc->masks.vlans[0].tci |= htons(VLAN_CFI);
        break;
    case MFP_CT_VALID:
        wc->masks.ct_state = UINT8_MAX;
        break;
    case MFP_NONE:
        break;
    }
    (void) flow;
}

bool
mf_is_value_valid(const struct mf_field *mf, const union mf_value *value)
{
    uint32_t port;

    switch (mf->id) {
    case MFF_IN_PORT_OXM:
    case MFF_ACTSET_OUTPUT:
        return ofp_port_from_ofp11(ntohl(value->be32), &port);
    case MFF_IP_DSCP:
        return !(value->u8 & ~IP_DSCP_MASK);
    case MFF_IP_DSCP_SHIFTED:
        return !(value->u8 & (~IP_DSCP_MASK >> 2));
    case MFF_IP_ECN:
        return !(value->u8 & ~IP_ECN_MASK);
    case MFF_IP_FRAG:
        return !(value->u8 & ~FLOW_NW_FRAG_MASK);
    case MFF_TCP_FLAGS:
        return !(value->be16 & ~htons(0x0fff));
    case MFF_ARP_OP:
        return !(value->be16 & htons(0xff00));
    case MFF_DL_VLAN:
        return !(value->be16 & htons(VLAN_CFI | VLAN_PCP_MASK));
    case MFF_VLAN_VID:
        return !(value->be16 & htons(VLAN_PCP_MASK));
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
        return !(value->u8 & ~(VLAN_PCP_MASK >> VLAN_PCP_SHIFT));
    case MFF_IPV6_LABEL:
        return !(value->be32 & ~htonl(IPV6_LABEL_MASK));
    case MFF_TUN_FLAGS:
        return !(value->be16 & ~htons(OVS_TNL_F_OAM));
    case MFF_CT_STATE:
        return !(value->be32 & ~htonl(0xff));
    default:
        return true;
    }
}

bool
mf_is_mask_valid(const struct mf_field *mf, const union mf_value *mask)
{
    return mf->maskable == MFM_FULLY || is_all_zeros(mask, mf->n_bytes)
           || is_all_ones(mask, mf->n_bytes);
}
