/*
 * flow.h: struct flow, the parsed description of a packet that every table
 * lookup, cache and action works on, and its extraction from packet bytes.
 *
 * A struct flow holds packet metadata (tunnel, registers, conntrack state,
 * input port...) and every header field the switch can match, as in Open
 * vSwitch's lib/flow.h.  The layout is a whole number of 64-bit words so
 * that a mask (struct flow_wildcards, in flow/match.h, is a struct flow of
 * mask bits) can be applied, hashed and compared word by word, which is
 * what the classifier and the megaflow cache do.  Fields taken from packet
 * headers are in network byte order; metadata (registers, ports, ct_*) is
 * in host byte order, as in OVS.
 *
 * struct flow lives in the packet layer, not the flow layer, because
 * extraction (this layer) fills it; the flow layer adds masks, the field
 * registry and the text syntax on top.
 *
 * Extraction is a pure function over (bytes, length): it never reads past
 * the given length, treats malformed headers as "no deeper fields" (an IPv4
 * header with a bad IHL or total length yields no L4 fields, so a
 * port-specific allow rule can never match it), and ignores Ethernet
 * padding after the IP datagram.  It parses at most FLOW_MAX_VLAN_HEADERS
 * VLAN tags; a deeper tag is left as the ethertype 0x8100 with its bytes
 * treated as payload.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_PACKET_FLOW_H
#define VX_PACKET_FLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/packets.h"

struct ds;

#define FLOW_N_REGS 16
#define FLOW_MAX_VLAN_HEADERS 2

/* Tunnel flags (struct flow_tnl 'flags'). */
#define FLOW_TNL_F_DONT_FRAGMENT (1 << 0)
#define FLOW_TNL_F_CSUM (1 << 1)
#define FLOW_TNL_F_KEY (1 << 2)
#define FLOW_TNL_F_OAM (1 << 3)

/* Tunnel metadata of a packet that arrived over (or will leave by) a
 * tunnel.  All zero for packets that did not. */
struct flow_tnl {
    be64 tun_id;       /* VNI in the low 24 bits for VXLAN. */
    be32 ip_src;       /* Outer IPv4 source. */
    be32 ip_dst;       /* Outer IPv4 destination. */
    uint16_t flags;    /* FLOW_TNL_F_*. */
    uint8_t ip_tos;    /* Outer TOS. */
    uint8_t ip_ttl;    /* Outer TTL. */
    be16 tp_src;       /* Outer UDP source port. */
    be16 tp_dst;       /* Outer UDP destination port. */
};

/* ct_state bits, in the order OVS prints them. */
#define CS_NEW 0x01
#define CS_ESTABLISHED 0x02
#define CS_RELATED 0x04
#define CS_REPLY_DIR 0x08
#define CS_INVALID 0x10
#define CS_TRACKED 0x20
#define CS_SRC_NAT 0x40
#define CS_DST_NAT 0x80

/* nw_frag bits. */
#define FLOW_NW_FRAG_ANY (1 << 0)   /* Set for any IP fragment. */
#define FLOW_NW_FRAG_LATER (1 << 1) /* Set for IP fragment with offset > 0. */
#define FLOW_NW_FRAG_MASK (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)

/* One VLAN header as struct flow keeps it.  'tci' has VLAN_CFI set when
 * the header is present, so a zero tci means "no VLAN header". */
struct flow_vlan_hdr {
    be16 tpid;  /* ETH_TYPE_VLAN_8021Q or ETH_TYPE_VLAN_8021AD. */
    be16 tci;   /* PCP | CFI(present) | VID. */
};

/* Special OpenFlow port numbers (host order), as in OpenFlow 1.0 widened
 * to 32 bits the way OVS prints them. */
#define OFPP_MAX 0xff00
#define OFPP_UNSET 0xfff7
#define OFPP_IN_PORT 0xfff8
#define OFPP_TABLE 0xfff9
#define OFPP_NORMAL 0xfffa
#define OFPP_FLOOD 0xfffb
#define OFPP_ALL 0xfffc
#define OFPP_CONTROLLER 0xfffd
#define OFPP_LOCAL 0xfffe
#define OFPP_NONE 0xffff

struct flow {
    /* Metadata. */
    struct flow_tnl tunnel;       /* Tunnel metadata (24 bytes). */
    be64 metadata;                /* OpenFlow metadata register. */
    uint32_t regs[FLOW_N_REGS];   /* Registers reg0..reg15. */
    uint32_t skb_priority;        /* Packet priority for QoS. */
    uint32_t pkt_mark;            /* Packet mark. */
    uint32_t dp_hash;             /* Datapath-computed hash. */
    uint32_t in_port;             /* Input port: OpenFlow in ofproto,
                                   * datapath port number in datapath
                                   * flows. */
    uint32_t recirc_id;           /* Recirculation id, 0 on first pass. */
    uint8_t ct_state;             /* CS_* bits. */
    uint8_t ct_nw_proto;          /* Conntrack original-direction proto. */
    uint16_t ct_zone;             /* Conntrack zone. */
    uint32_t ct_mark;             /* Conntrack mark. */
    uint32_t conj_id;             /* Conjunction id (set by lookup). */
    uint32_t actset_output;       /* Output port in the action set. */
    uint32_t pad1;
    uint64_t ct_label[2];         /* Conntrack label, [0] = low 64 bits. */
    be32 ct_nw_src;               /* Conntrack original-direction tuple. */
    be32 ct_nw_dst;
    be16 ct_tp_src;
    be16 ct_tp_dst;
    uint32_t pad2;

    /* L2. */
    struct eth_addr dl_dst;       /* Ethernet destination. */
    struct eth_addr dl_src;       /* Ethernet source. */
    be16 dl_type;                 /* Ethertype after any VLAN tags; below
                                   * ETH_TYPE_MIN: 802.2 (0x05ff). */
    uint8_t pad3[2];
    struct flow_vlan_hdr vlans[FLOW_MAX_VLAN_HEADERS]; /* Outer first. */

    /* L3. */
    be32 nw_src;                  /* IPv4 source, or ARP SPA. */
    be32 nw_dst;                  /* IPv4 destination, or ARP TPA. */
    struct in6_addr ipv6_src;     /* IPv6 source. */
    struct in6_addr ipv6_dst;     /* IPv6 destination. */
    struct in6_addr nd_target;    /* IPv6 neighbor discovery target. */
    be32 ipv6_label;              /* IPv6 flow label (low 20 bits). */
    uint8_t nw_frag;              /* FLOW_NW_FRAG_* bits. */
    uint8_t nw_tos;               /* IP TOS byte (DSCP and ECN). */
    uint8_t nw_ttl;               /* IP TTL / hop limit. */
    uint8_t nw_proto;             /* IP protocol, or low 8 bits of ARP
                                   * opcode. */
    struct eth_addr arp_sha;      /* ARP SHA, or ND source link address. */
    struct eth_addr arp_tha;      /* ARP THA, or ND target link address. */
    be16 tcp_flags;               /* TCP flags (low 12 bits). */
    uint16_t pad4;

    /* L4. */
    be16 tp_src;                  /* TCP/UDP/SCTP source port, ICMP type. */
    be16 tp_dst;                  /* TCP/UDP/SCTP dest port, ICMP code. */
    uint32_t pad5;
};

#define FLOW_U64S (sizeof(struct flow) / sizeof(uint64_t))

_Static_assert(sizeof(struct flow) % sizeof(uint64_t) == 0,
               "struct flow must be a whole number of 64-bit words");

/* Offsets of the layers found by extraction, relative to the start of the
 * frame; UINT16_MAX when the layer is absent. */
struct pkt_layers {
    uint16_t l2_5;    /* First VLAN header (or MPLS), if any. */
    uint16_t l3;      /* IPv4/IPv6/ARP header. */
    uint16_t l4;      /* TCP/UDP/ICMP header, only if well-formed. */
    uint16_t l3_len;  /* IP datagram length from the header (no padding). */
};

#define PKT_LAYER_NONE UINT16_MAX

/* Parses the Ethernet frame of SIZE bytes at DATA into the header fields
 * of FLOW (L2 through L4).  Metadata fields of FLOW are left as they are,
 * so callers set tunnel/in_port/regs first or afterwards.  Fills LAYERS
 * when nonnull.  Never reads outside [DATA, DATA + SIZE). */
void pkt_flow_extract(const uint8_t *data, size_t size, struct flow *flow,
                      struct pkt_layers *layers);

/* Returns the symmetric 5-tuple hash of FLOW used to choose a tunnel's UDP
 * source port and to spread load: same value for both directions. */
uint32_t flow_hash_5tuple(const struct flow *, uint32_t basis);

/* Returns a hash of all of FLOW. */
uint32_t flow_hash(const struct flow *, uint32_t basis);

static inline bool
flow_equal(const struct flow *a, const struct flow *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* Returns true if FLOW is an IPv4 or IPv6 flow. */
static inline bool
is_ip_any(const struct flow *flow)
{
    return flow->dl_type == htons(ETH_TYPE_IP)
           || flow->dl_type == htons(ETH_TYPE_IPV6);
}

/* Returns the VID of the outer VLAN of FLOW, or -1 when untagged. */
static inline int
flow_vlan_vid(const struct flow *flow)
{
    be16 tci = flow->vlans[0].tci;

    return tci & htons(VLAN_CFI) ? (int) (ntohs(tci) & VLAN_VID_MASK) : -1;
}

/* Builds the bytes of a packet that FLOW describes into BUF of SIZE bytes
 * (Ethernet, VLANs, IPv4/IPv6/ARP, TCP/UDP/ICMP/ICMPv6/ND headers with
 * correct lengths and checksums, then PAYLOAD_LEN zero bytes of payload),
 * as OVS's flow_compose() does for ofproto/trace and netdev-dummy/receive.
 * Returns the frame length, or 0 if SIZE is too small. */
size_t flow_compose(const struct flow *flow, size_t payload_len,
                    uint8_t *buf, size_t size);

#endif /* VX_PACKET_FLOW_H */
