/*
 * odp-private.h: what the datapath key printer (odp-key.c), the key parser
 * (odp-key-parse.c) and the action code (odp.c) share: the attribute
 * payloads that mirror OVS's Netlink key attributes, formatting and
 * parsing of one attribute (which is also what set(...) actions contain),
 * and the small text scanner both parsers use.
 *
 * Not for use outside src/flow/odp*.c.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_ODP_PRIVATE_H
#define VX_FLOW_ODP_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/odp.h"

struct ds;

/* The dl_type of a frame without an Ethernet II type (802.2 and the like),
 * as OVS's FLOW_DL_TYPE_NONE. */
#define ODP_DL_TYPE_NONE 0x05ff

/* OVS_FRAG_TYPE_*: the datapath's enumeration of fragment kinds. */
enum okey_frag {
    OKEY_FRAG_NO,
    OKEY_FRAG_FIRST,
    OKEY_FRAG_LATER,
};

/* Tunnel flags in OVS's bit order, which is the order they print in. */
#define OTNL_OAM 0x1
#define OTNL_DF 0x2
#define OTNL_CSUM 0x4
#define OTNL_KEY 0x8
#define OTNL_ALL 0xf

/* Attribute payloads, as OVS's struct ovs_key_*. */
struct okey_eth {
    struct eth_addr src;      /* Ethernet source. */
    struct eth_addr dst;      /* Ethernet destination. */
};

struct okey_ipv4 {
    be32 src;                 /* Source address. */
    be32 dst;                 /* Destination address. */
    uint8_t proto;            /* IP protocol. */
    uint8_t tos;              /* TOS byte. */
    uint8_t ttl;              /* TTL. */
    uint8_t frag;             /* OKEY_FRAG_* (a mask: 0 or 0xff). */
};

struct okey_ipv6 {
    struct in6_addr src;      /* Source address. */
    struct in6_addr dst;      /* Destination address. */
    be32 label;               /* Flow label (low 20 bits). */
    uint8_t proto;            /* Next header after extension headers. */
    uint8_t tclass;           /* Traffic class. */
    uint8_t hlimit;           /* Hop limit. */
    uint8_t frag;             /* OKEY_FRAG_* (a mask: 0 or 0xff). */
};

struct okey_ports {
    be16 src;                 /* TCP/UDP/SCTP source port. */
    be16 dst;                 /* TCP/UDP/SCTP destination port. */
};

struct okey_icmp {
    uint8_t type;             /* ICMP or ICMPv6 type. */
    uint8_t code;             /* ICMP or ICMPv6 code. */
};

struct okey_arp {
    be32 sip;                 /* Sender protocol address. */
    be32 tip;                 /* Target protocol address. */
    be16 op;                  /* Opcode. */
    struct eth_addr sha;      /* Sender hardware address. */
    struct eth_addr tha;      /* Target hardware address. */
};

struct okey_nd {
    struct in6_addr target;   /* Neighbor discovery target. */
    struct eth_addr sll;      /* Source link-layer address option. */
    struct eth_addr tll;      /* Target link-layer address option. */
};

/* OVS_KEY_ATTR_TUNNEL: which sub-attributes exist and their values. */
struct okey_tun {
    bool has_id;        /* OVS_TUNNEL_KEY_ATTR_ID. */
    bool has_src;       /* IPV4_SRC. */
    bool has_dst;       /* IPV4_DST. */
    bool has_tos;       /* TOS. */
    bool has_tp_src;    /* TP_SRC. */
    bool has_tp_dst;    /* TP_DST. */
    uint16_t flags;     /* OTNL_DF/CSUM/OAM flag attributes present. */
    be64 id;            /* Tunnel ID (VNI). */
    be32 src;           /* Outer source address. */
    be32 dst;           /* Outer destination address. */
    uint8_t tos;        /* Outer TOS. */
    uint8_t ttl;        /* Outer TTL; the attribute is always present. */
    be16 tp_src;        /* Outer UDP source port. */
    be16 tp_dst;        /* Outer UDP destination port. */
};

/* Stores attribute payloads into FLOW (a key, or a mask when IS_MASK). */
void odp_key_put_ipv4(const struct okey_ipv4 *, bool is_mask, struct flow *);
void odp_key_put_ipv6(const struct okey_ipv6 *, bool is_mask, struct flow *);
void odp_key_put_tun(const struct okey_tun *, struct flow_tnl *);

/* Returns the name of one flag bit, or NULL: ct_state bits (CS_*), TCP
 * flags, tunnel flags in OVS's bit order (OTNL_*). */
typedef const char *odp_flag_name_func(uint32_t bit);
const char *odp_ct_state_flag_name(uint32_t bit);
const char *odp_tcp_flag_name(uint32_t bit);
const char *odp_tnl_flag_name(uint32_t bit);

/* Maximum nesting of parenthesised action lists (clone inside clone...) and
 * of encap() in keys, as OVS's MAX_ODP_NESTED. */
#define ODP_MAX_NESTED 32

/* Appends one key attribute as it appears inside set(...): the attribute
 * of KIND with the fields of KEY under MASK, in OVS's masked layout
 * ("ipv4(tos=0x10/0xfc)", "tcp(dst=80)", "skb_mark(0x5)").  Fields whose
 * mask is zero are left out. */
void odp_format_set_attr(enum odp_set_kind kind, const struct flow *key,
                         const struct flow *mask, struct ds *);

/* Appends "tunnel(...)" for the tunnel metadata TNL as a set(tunnel(...))
 * action shows it: every present field, flags as "flags(df|key)". */
void odp_format_tunnel_exact(const struct flow_tnl *tnl, struct ds *);

/* Parses one key attribute such as "ipv4(src=1.2.3.4/255.255.255.0)" at
 * *SP into KEY and MASK (which the caller zeroes first), advancing *SP past
 * the closing parenthesis.  Stores in *KIND which set kind the attribute
 * is, or returns an error for attributes that cannot appear in a set
 * action.  A "tunnel(...)" attribute is reported through *IS_TUNNEL
 * instead, with the tunnel in KEY->tunnel.  Returns NULL or an error
 * message to free. */
char *odp_parse_set_attr(const char **sp, struct flow *key,
                         struct flow *mask, enum odp_set_kind *kind,
                         bool *is_tunnel) WARN_UNUSED;

/* Skips the delimiters OVS allows between actions and key attributes
 * (comma, space, tab, CR, LF) at *SP. */
void odp_skip_delims(const char **sp);

/* If *SP starts with LITERAL, advances *SP past it and returns true. */
bool odp_match(const char **sp, const char *literal);

/* Parses an unsigned integer at *SP in C syntax (decimal, 0x hex, 0
 * octal) that is at most MAX.  Advances *SP and returns true on success;
 * on failure leaves *SP alone. */
bool odp_scan_uint(const char **sp, uint64_t max, uint64_t *value);

/* Scanners for addresses and wide integers at *SP: on success they advance
 * *SP past what they parsed and return true; on failure they leave *SP
 * alone.  odp_scan_u128() takes "0x" and up to 32 hex digits or a decimal
 * number below 2**64, V[0] being the low 64 bits. */
bool odp_scan_mac(const char **sp, struct eth_addr *);
bool odp_scan_ipv4(const char **sp, be32 *);
bool odp_scan_ipv6(const char **sp, struct in6_addr *);
bool odp_scan_u128(const char **sp, uint64_t v[2]);

/* Returns a copy of the text at S up to the next delimiter or closing
 * parenthesis (at most 40 characters), for error messages. */
char *odp_token(const char *s);

#endif /* VX_FLOW_ODP_PRIVATE_H */
