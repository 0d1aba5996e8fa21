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

/* Parses "xx:xx:xx:xx:xx:xx" (exactly: six pairs of hex digits of either
 * case separated by colons, nothing before or after) into *EA.  Returns true
 * on success; on failure returns false and leaves *EA unchanged. */
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

/* 802.2 LLC + SNAP header that carries an ethertype in an 802.3 frame:
 * DSAP 0xaa, SSAP 0xaa, control 3, OUI 00:00:00, then the type. */
#define LLC_SNAP_HEADER_LEN 8
#define LLC_DSAP_SNAP 0xaa
#define LLC_SSAP_SNAP 0xaa
#define LLC_CNTL_SNAP 3

#define MPLS_HLEN 4
#define MPLS_BOS_MASK 0x00000100 /* Bottom of stack, in the host-order LSE. */

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

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_IGMP_ 2
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_NONE_ 59
#define IPPROTO_DSTOPTS_ 60
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
#define IPV6_LABEL_MASK 0x000fffff

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
#define IPV6_FRAG_HEADER_LEN 8

/* The first two bytes shared by the hop-by-hop, routing, destination
 * options and AH extension headers. */
struct ip6_ext_header {
    uint8_t ip6e_nxt;  /* Next header. */
    uint8_t ip6e_len;  /* Length in 8-byte units not counting the first 8
                        * (AH: in 4-byte units not counting the first 8). */
} __attribute__((packed));

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

#define SCTP_HEADER_LEN 12

struct sctp_header {
    be16 sctp_src;   /* Source port. */
    be16 sctp_dst;   /* Destination port. */
    be32 sctp_vtag;  /* Verification tag. */
    be32 sctp_csum;  /* CRC32c, not the Internet checksum. */
} __attribute__((packed));

#define IGMP_HEADER_LEN 8

struct igmp_header {
    uint8_t igmp_type;  /* Message type (extracted into tp_src). */
    uint8_t igmp_code;  /* Max response time (extracted into tp_dst). */
    be16 igmp_csum;     /* Internet checksum of the IGMP message. */
    be32 group;         /* Group address. */
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

/* Bytes of an ICMPv6 message that flow extraction requires: the 4-byte
 * header above plus the first 4-byte word of the message body (echo id and
 * sequence, ND flags...), as in OVS (sizeof(struct icmp6_hdr)). */
#define ICMP6_HEADER_LEN 8

/* Neighbor discovery message (NS/NA) after the 4-byte ICMPv6 header. */
struct ovs_nd_msg {
    struct icmp6_header icmph;
    be32 rso_flags;
    struct in6_addr target;
} __attribute__((packed));

#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2
#define ND_LLA_OPT_LEN 8

/* An ND source/target link-layer address option for Ethernet. */
struct nd_lla_opt {
    uint8_t type;         /* ND_OPT_SOURCE_LINKADDR or _TARGET_. */
    uint8_t len;          /* Length in 8-byte units: 1. */
    struct eth_addr mac;  /* The link-layer address. */
} __attribute__((packed));

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

/* Parses a dotted-quad IPv4 address ("192.168.0.1": four decimal octets
 * 0...255 without leading zeros, nothing before or after) into *IP (network
 * order).  Returns true on success; on failure returns false and leaves *IP
 * unchanged. */
bool ip_from_string(const char *s, be32 *ip);

/* Returns true if MASK (network order) is a CIDR prefix: some number of
 * leading 1-bits followed only by 0-bits (0.0.0.0 and 255.255.255.255
 * included). */
bool ip_is_cidr(be32 mask);

/* Returns the prefix length (0...32) of CIDR mask MASK (network order), or
 * -1 if MASK is not a CIDR prefix. */
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

/* Checksums (RFC 1071).  As in Open vSwitch, sums are taken over 16-bit
 * words read as they are stored in memory, so a partial sum is in no
 * particular byte order and csum_finish() yields a value to store in the
 * packet as is.  Partial sums may be chained: only the last call of a chain
 * may cover an odd number of bytes. */

/* Adds the N bytes at DATA (any alignment) to the partial sum PARTIAL and
 * returns the new partial sum (folded to 32 bits, not inverted). */
uint32_t csum_continue(uint32_t partial, const void *data, size_t n);

/* Finishes partial sum PARTIAL: folds it to 16 bits and inverts it.  The
 * result goes into the packet's checksum field as is. */
be16 csum_finish(uint32_t partial);

/* Returns the Internet checksum of the N bytes at DATA, e.g. an IPv4 header
 * whose checksum field is zero.  Summing a header that includes a correct
 * checksum gives 0. */
be16 csum(const void *data, size_t n);

/* Returns the partial sum of the IPv4 pseudo-header of IP (addresses,
 * protocol and L4 length = tot_len - IHL*4), to be continued over the L4
 * header and payload. */
uint32_t packet_csum_pseudoheader(const struct ip_header *ip);

/* Returns the partial sum of the IPv6 pseudo-header (RFC 8200 8.1) for the
 * addresses of IP6, upper-layer protocol L4_PROTO and upper-layer length
 * L4_LEN in bytes. */
uint32_t packet_csum_pseudoheader6(const struct ip6_header *ip6,
                                   uint8_t l4_proto, uint32_t l4_len);

/* Returns checksum CSUM updated for a 16-bit field of the summed data that
 * changed from OLD to NEW_ (RFC 1624 eqn. 3), all three as stored in the
 * packet.  The result and a full recomputation agree up to the ones'
 * complement representation of zero (0x0000 vs 0xffff). */
be16 recalc_csum16(be16 csum, be16 old, be16 new_);

/* Like recalc_csum16() for a 32-bit field (e.g. an IPv4 address). */
be16 recalc_csum32(be16 csum, be32 old, be32 new_);

#endif /* VX_PACKET_PACKETS_H */
