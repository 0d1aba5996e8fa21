/*
 * packets.h: wire formats of the headers vxstack parses and builds, and
 * small helpers for addresses.
 *
 * Multi-byte header fields are in network byte order, with the be16/be32/
 * be64 typedefs marking them (plain integers; the names document order).
 * Header structs are packed to their wire size and are only ever accessed
 * through pointers into packet data after a length check, using the
 * get_16aligned()/memcpy helpers where alignment is not guaranteed.
 *
 * Thread safety: pure definitions and functions.
 */
#ifndef VX_PACKET_PACKETS_H
#define VX_PACKET_PACKETS_H 1

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/util.h"

typedef uint16_t be16;
typedef uint32_t be32;
typedef uint64_t be64;

static inline be64
htonll(uint64_t x)
{
    return __builtin_bswap64(x);
}

static inline uint64_t
ntohll(be64 x)
{
    return __builtin_bswap64(x);
}

/* An Ethernet address.  Six bytes, byte-aligned. */
struct eth_addr {
    uint8_t ea[6];
};

#define ETH_ADDR_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ADDR_ARGS(EA)                                                     \
    (EA).ea[0], (EA).ea[1], (EA).ea[2], (EA).ea[3], (EA).ea[4], (EA).ea[5]

static const struct eth_addr eth_addr_zero = { { 0, 0, 0, 0, 0, 0 } };
static const struct eth_addr eth_addr_broadcast =
    { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static inline bool
eth_addr_equals(struct eth_addr a, struct eth_addr b)
{
    return !memcmp(a.ea, b.ea, 6);
}

static inline bool
eth_addr_is_multicast(struct eth_addr a)
{
    return a.ea[0] & 1;
}

static inline bool
eth_addr_is_broadcast(struct eth_addr a)
{
    return eth_addr_equals(a, eth_addr_broadcast);
}

static inline bool
eth_addr_is_zero(struct eth_addr a)
{
    return eth_addr_equals(a, eth_addr_zero);
}

static inline uint64_t
eth_addr_to_uint64(struct eth_addr a)
{
    return ((uint64_t) a.ea[0] << 40) | ((uint64_t) a.ea[1] << 32)
           | ((uint64_t) a.ea[2] << 24) | ((uint64_t) a.ea[3] << 16)
           | ((uint64_t) a.ea[4] << 8) | a.ea[5];
}

/* Parses "xx:xx:xx:xx:xx:xx" (exactly; hex digits of either case). */
bool eth_addr_from_string(const char *s, struct eth_addr *ea);

#define ETH_ADDR_LEN 6
#define ETH_HEADER_LEN 14
#define ETH_TYPE_MIN 0x600
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_VLAN_8021Q 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_LACP 0x8809
#define ETH_TYPE_MPLS 0x8847
#define ETH_TYPE_MPLS_MCAST 0x8848
#define ETH_TYPE_LLDP 0x88cc

/* Minimum and maximum 802.3 frame payload for our purposes. */
#define ETH_PAYLOAD_MIN 46
#define ETH_TOTAL_MIN (ETH_HEADER_LEN + ETH_PAYLOAD_MIN)

struct eth_header {
    struct eth_addr eth_dst;
    struct eth_addr eth_src;
    be16 eth_type;
} __attribute__((packed));

#define VLAN_HEADER_LEN 4
#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13
#define VLAN_CFI 0x1000 /* In struct flow: "a VLAN header is present". */

struct vlan_header {
    be16 vlan_tci;
    be16 vlan_next_type;
} __attribute__((packed));

struct vlan_eth_header {
    struct eth_addr veth_dst;
    struct eth_addr veth_src;
    be16 veth_type;
    be16 veth_tci;
    be16 veth_next_type;
} __attribute__((packed));

#define ARP_HRD_ETHERNET 1
#define ARP_PRO_IP 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_OP_RARP 3
#define ARP_ETH_HEADER_LEN 28

struct arp_eth_header {
    be16 ar_hrd;
    be16 ar_pro;
    uint8_t ar_hln;
    uint8_t ar_pln;
    be16 ar_op;
    struct eth_addr ar_sha;
    be32 ar_spa;
    struct eth_addr ar_tha;
    be32 ar_tpa;
} __attribute__((packed));

#define IP_VER(ip_ihl_ver) ((ip_ihl_ver) >> 4)
#define IP_IHL(ip_ihl_ver) ((ip_ihl_ver) & 15)
#define IP_IHL_VER(ihl, ver) (((ver) << 4) | (ihl))
#define IP_HEADER_LEN 20
#define IP_DONT_FRAGMENT 0x4000
#define IP_MORE_FRAGMENTS 0x2000
#define IP_FRAG_OFF_MASK 0x1fff
#define IP_IS_FRAGMENT(ip_frag_off)                                           \
    ((ip_frag_off) & htons(IP_MORE_FRAGMENTS | IP_FRAG_OFF_MASK))
#define IP_DSCP_MASK 0xfc
#define IP_ECN_MASK 0x03
#define IP_ECN_CE 0x03

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

struct ip_header {
    uint8_t ip_ihl_ver;
    uint8_t ip_tos;
    be16 ip_tot_len;
    be16 ip_id;
    be16 ip_frag_off;
    uint8_t ip_ttl;
    uint8_t ip_proto;
    be16 ip_csum;
    be32 ip_src;
    be32 ip_dst;
} __attribute__((packed));

#define IPV6_HEADER_LEN 40

struct ip6_header {
    be32 ip6_flow;   /* Version 4 bits, traffic class 8, flow label 20. */
    be16 ip6_plen;
    uint8_t ip6_nxt;
    uint8_t ip6_hlim;
    struct in6_addr ip6_src;
    struct in6_addr ip6_dst;
} __attribute__((packed));

struct ip6_frag_header {
    uint8_t ip6f_nxt;
    uint8_t ip6f_reserved;
    be16 ip6f_offlg;  /* Offset (13 bits), reserved 2, more-fragments 1. */
    be32 ip6f_ident;
} __attribute__((packed));

#define IP6F_OFF_MASK 0xfff8
#define IP6F_MORE_FRAG 0x0001

#define UDP_HEADER_LEN 8

struct udp_header {
    be16 udp_src;
    be16 udp_dst;
    be16 udp_len;
    be16 udp_csum;
} __attribute__((packed));

#define TCP_HEADER_LEN 20
#define TCP_FIN 0x001
#define TCP_SYN 0x002
#define TCP_RST 0x004
#define TCP_PSH 0x008
#define TCP_ACK 0x010
#define TCP_URG 0x020
#define TCP_ECE 0x040
#define TCP_CWR 0x080
#define TCP_NS 0x100
#define TCP_CTL(flags, offset) (htons((flags) | ((offset) << 12)))
#define TCP_FLAGS(tcp_ctl) (ntohs(tcp_ctl) & 0x0fff)
#define TCP_OFFSET(tcp_ctl) (ntohs(tcp_ctl) >> 12)

struct tcp_header {
    be16 tcp_src;
    be16 tcp_dst;
    be32 tcp_seq;
    be32 tcp_ack;
    be16 tcp_ctl;
    be16 tcp_winsz;
    be16 tcp_csum;
    be16 tcp_urg;
} __attribute__((packed));

#define ICMP_HEADER_LEN 8
#define ICMP4_ECHO_REPLY 0
#define ICMP4_DST_UNREACH 3
#define ICMP4_SOURCEQUENCH 4
#define ICMP4_REDIRECT 5
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROB 12
#define ICMP4_TIMESTAMP 13
#define ICMP4_TIMESTAMPREPLY 14
#define ICMP4_INFOREQUEST 15
#define ICMP4_INFOREPLY 16
#define ICMP4_FRAG_NEEDED_CODE 4

struct icmp_header {
    uint8_t icmp_type;
    uint8_t icmp_code;
    be16 icmp_csum;
    be16 icmp_id;    /* Echo: identifier.  Frag needed: unused. */
    be16 icmp_seq;   /* Echo: sequence.  Frag needed: next-hop MTU. */
} __attribute__((packed));

#define ICMP6_DST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROB 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define MLD_QUERY 130
#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136

struct icmp6_header {
    uint8_t icmp6_type;
    uint8_t icmp6_code;
    be16 icmp6_cksum;
} __attribute__((packed));

/* Neighbor discovery message (NS/NA) after the 4-byte ICMPv6 header. */
struct ovs_nd_msg {
    struct icmp6_header icmph;
    be32 rso_flags;
    struct in6_addr target;
} __attribute__((packed));

#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2

#define VXLAN_PORT 4789
#define VXLAN_HLEN 8
#define VXLAN_FLAGS 0x08000000 /* The I flag, in the first word. */

struct vxlan_header {
    be32 vx_flags;   /* 0x08000000 when the VNI is valid. */
    be32 vx_vni;     /* VNI in the high 24 bits, low 8 reserved. */
} __attribute__((packed));

/* Bytes of outer headers that VXLAN over IPv4 adds to an inner frame. */
#define VXLAN_IPV4_OVERHEAD (ETH_HEADER_LEN + IP_HEADER_LEN + UDP_HEADER_LEN \
                             + VXLAN_HLEN)

/* IPv4 address helpers. */
#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(ip)                                                           \
    ((unsigned int) (ntohl(ip) >> 24)),                                       \
        ((unsigned int) ((ntohl(ip) >> 16) & 0xff)),                          \
        ((unsigned int) ((ntohl(ip) >> 8) & 0xff)),                           \
        ((unsigned int) (ntohl(ip) & 0xff))

/* Parses a dotted-quad IPv4 address.  Returns true on success. */
bool ip_from_string(const char *s, be32 *ip);

/* Returns true if MASK (network order) is a CIDR prefix; stores its length
 * in *PLEN when PLEN is nonnull. */
bool ip_is_cidr(be32 mask);
int ip_count_cidr_bits(be32 mask);

/* Returns true if every byte of the IPv6 address is zero. */
static inline bool
ipv6_addr_is_set(const struct in6_addr *a)
{
    return !is_all_zeros(a, sizeof *a);
}

static inline bool
ipv6_addr_equals(const struct in6_addr *a, const struct in6_addr *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* Checksums. */

/* Returns the 16-bit ones' complement sum of N bytes at DATA folded into
 * PARTIAL (host order, not inverted). */
uint32_t csum_continue(uint32_t partial, const void *data, size_t n);

/* Finishes a partial sum: folds and inverts.  Result is in network order
 * when the data was summed as stored. */
be16 csum_finish(uint32_t partial);

/* Returns the IPv4 header checksum of N bytes at DATA. */
be16 csum(const void *data, size_t n);

/* Returns the partial sum of the IPv4 / IPv6 pseudo-header. */
uint32_t packet_csum_pseudoheader(const struct ip_header *ip);
uint32_t packet_csum_pseudoheader6(const struct ip6_header *ip6,
                                   uint8_t l4_proto, uint32_t l4_len);

/* Incrementally updates checksum CSUM after a 16-/32-bit field changed
 * from OLD to NEW (RFC 1624). */
be16 recalc_csum16(be16 csum, be16 old, be16 new_);
be16 recalc_csum32(be16 csum, be32 old, be32 new_);

#endif /* VX_PACKET_PACKETS_H */
