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

/* dl_type of an 802.3 frame without an LLC/SNAP ethertype. */
#define FLOW_DL_TYPE_NONE 0x5ff

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
 * frame; PKT_LAYER_NONE when the layer is absent (or, in frames over 64 KiB,
 * starts beyond offset 65534). */
struct pkt_layers {
    uint16_t l2_5;    /* First 802.1Q/802.1ad tag (offset 12) or, in an
                       * untagged frame, the first MPLS label. */
    uint16_t l3;      /* First byte after the Ethernet header, VLAN tags,
                       * LLC/SNAP header and MPLS labels: the IPv4/IPv6/ARP
                       * header, if any.  Set whenever the frame has a whole
                       * Ethernet header, as OVS's l3_ofs. */
    uint16_t l4;      /* First byte after a well-formed IPv4 header or IPv6
                       * header chain (set for fragments too, as OVS's
                       * l4_ofs).  The L4 header itself may be truncated:
                       * the datagram ends at l3 + l3_len. */
    uint16_t pad;     /* Always zero. */
    uint32_t l3_len;  /* IP datagram length without Ethernet padding
                       * (IPv4 total length; IPv6 40 + payload length), or
                       * 0 when there is no well-formed IP header. */
};

#define PKT_LAYER_NONE UINT16_MAX

/* Zeroes FLOW's metadata fields (everything before dl_dst), faster than
 * memset() for the packet path. */
void flow_zero_metadata(struct flow *);

/* Parses the Ethernet frame of SIZE bytes at DATA into the header fields
 * of FLOW (dl_dst through the end of the struct), with the semantics of
 * Open vSwitch 3.1's miniflow_extract():
 *
 *   - A frame shorter than 14 bytes leaves every header field zero.
 *   - Up to FLOW_MAX_VLAN_HEADERS 802.1Q/802.1ad tags are parsed, each only
 *     if the tag and the next ethertype are present; dl_type is the type
 *     after the last parsed tag (0x8100 for a truncated or third tag).
 *   - A length field (< 0x600) gives dl_type FLOW_DL_TYPE_NONE unless an
 *     LLC/SNAP header with OUI 0 carries an ethertype >= 0x600.
 *   - IPv4 needs IHL >= 5, IHL*4 <= available bytes and IHL*4 <= total
 *     length <= available bytes; otherwise every L3/L4 field stays zero.
 *     IPv6 needs 40 bytes and payload length <= available bytes; an
 *     extension header chain that runs past the payload keeps the
 *     addresses and label but zeroes tos/ttl/proto/frag and L4.  Bytes
 *     after the datagram (Ethernet padding, any length) are ignored.
 *   - Later fragments (nw_frag ANY|LATER) have no L4 fields; an IPv6 later
 *     fragment has nw_proto 44.
 *   - TCP needs a data offset >= 5 whose header fits; UDP 8, SCTP 12,
 *     ICMP/IGMP 8, ICMPv6 8 bytes.  TCP/UDP/SCTP ports go to tp_src/tp_dst,
 *     ICMP/ICMPv6/IGMP type and code to tp_src/tp_dst.
 *   - ARP/RARP needs a 28-byte Ethernet/IPv4 ARP header: SPA/TPA go to
 *     nw_src/nw_dst, the opcode to nw_proto if it is <= 255, SHA/THA to
 *     arp_sha/arp_tha.
 *   - ICMPv6 NS/NA with code 0: nd_target and the SLL/TLL options (8 bytes
 *     each); a repeated SLL or TLL option invalidates target and both
 *     addresses.
 *
 * Metadata fields of FLOW are left as they are, so callers set
 * tunnel/in_port/regs before or after.  Fills LAYERS when nonnull.  Never
 * reads outside [DATA, DATA + SIZE); DATA may be null when SIZE is 0. */
void pkt_flow_extract(const uint8_t *data, size_t size, struct flow *flow,
                      struct pkt_layers *layers);

/* Returns a hash of FLOW's 5-tuple (dl_type, IP addresses, nw_proto and,
 * for TCP/UDP/SCTP, ports) that is the same for both directions of a
 * connection, for the tunnel UDP source port and load spreading.  Non-IP
 * flows hash their Ethernet addresses and type, also symmetrically. */
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

/* Builds into BUF (SIZE bytes) a frame that pkt_flow_extract() parses as
 * FLOW's header fields, as OVS's flow_compose() does for ofproto/trace and
 * netdev-dummy/receive: Ethernet, the VLAN tags whose tci has VLAN_CFI,
 * then by dl_type:
 *
 *   - IPv4 (IHL 5; MF and, for later fragments, offset 800) or IPv6 (a
 *     fragment header when nw_frag is set), then TCP (data offset 5,
 *     tcp_flags), UDP, SCTP, ICMP, IGMP or ICMPv6 (NS/NA with nd_target
 *     and SLL/TLL options for nonzero arp_sha/arp_tha), with correct
 *     lengths and IPv4/TCP/UDP/ICMP/IGMP/ICMPv6 checksums (SCTP's CRC32c
 *     is left zero, as in OVS).
 *   - ARP/RARP for Ethernet/IPv4 with opcode nw_proto and all addresses.
 *   - FLOW_DL_TYPE_NONE: an 802.3 frame whose length field counts the
 *     payload.
 *
 * PAYLOAD_LEN zero bytes follow where the protocol carries data: UDP, TCP
 * without SYN/FIN/RST, ICMP/ICMPv6 echo, other IP protocols, IP later
 * fragments, and non-IP ethertypes.  Returns the frame length, or 0 if
 * SIZE is too small. */
size_t flow_compose(const struct flow *flow, size_t payload_len,
                    uint8_t *buf, size_t size);

#endif /* VX_PACKET_FLOW_H */
