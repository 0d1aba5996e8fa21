/*
 * flow-text.h: the small text scanners and printers that the flow layer's
 * parsers and formatters share, with the exact rules of Open vSwitch's
 * ovs-ofctl: integers of any width ("0x..." hex or strtoull() syntax),
 * IPv4/IPv6/Ethernet addresses with masks or prefix lengths, and flag sets
 * such as ct_state ("+trk-inv", "new|trk") and tcp_flags.
 *
 * Parsers of user input return NULL or a malloc'd error message naming the
 * bad text, worded as ovs-ofctl words it.  Nothing is written to the
 * outputs of a parser that fails, unless a comment says otherwise.
 *
 * This header is internal to src/flow/.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_FLOW_TEXT_H
#define VX_FLOW_FLOW_TEXT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/packets.h"

struct ds;

/* Parses the integer at S into the N_BYTES-byte big-endian buffer VALUEP, as
 * OVS's parse_int_string(): "0x" or "0X" followed by hex digits (any
 * number of them, as long as the value fits), or anything strtoull() with
 * base 0 accepts.  Stores in *TAIL the first byte not parsed.  Returns 0,
 * EINVAL (no number) or ERANGE (does not fit in N_BYTES). */
int flow_parse_int_string(const char *s, uint8_t *valuep, size_t n_bytes,
                          const char **tail);

/* Parses "A.B.C.D", "A.B.C.D/M.M.M.M" or "A.B.C.D/N" (the whole string)
 * into *IP and *MASK. */
char *flow_parse_ip_masked(const char *s, be32 *ip, be32 *mask)
    WARN_UNUSED;

/* Parses an IPv6 address with optional "/N" or "/MASK" (whole string). */
char *flow_parse_ipv6_masked(const char *s, struct in6_addr *ip,
                             struct in6_addr *mask) WARN_UNUSED;

/* Parses "xx:xx:xx:xx:xx:xx" with optional "/xx:xx:xx:xx:xx:xx" (whole
 * string).  The value is not ANDed with the mask. */
char *flow_parse_eth_masked(const char *s, struct eth_addr *mac,
                            struct eth_addr *mask) WARN_UNUSED;

/* Parses exactly one dotted-quad IPv4 address (the whole string).  Returns
 * true on success. */
bool flow_parse_ip(const char *s, be32 *ip);

/* Parses exactly one Ethernet address (the whole string). */
bool flow_parse_eth(const char *s, struct eth_addr *mac);

/* Returns true if MASK is a run of 1-bits from the top; *BITS gets its
 * length when BITS is nonnull. */
bool flow_ip_is_cidr(be32 mask);
int flow_ip_count_cidr_bits(be32 mask);
bool flow_ipv6_is_cidr(const struct in6_addr *mask);
int flow_ipv6_count_cidr_bits(const struct in6_addr *mask);
struct in6_addr flow_ipv6_create_mask(int prefix);

/* Appends IP, then "/N" for a CIDR MASK or "/M.M.M.M" otherwise (nothing
 * for an all-ones MASK). */
void flow_format_ip_masked(be32 ip, be32 mask, struct ds *);

/* Appends ADDR as inet_ntop() does, then "/N" or "/MASK" unless MASK is
 * null or all ones. */
void flow_format_ipv6_masked(const struct in6_addr *addr,
                             const struct in6_addr *mask, struct ds *);

/* Appends ETH and, unless MASK is null or all ones, "/MASK". */
void flow_format_eth_masked(struct eth_addr eth, const struct eth_addr *mask,
                            struct ds *);

/* Appends the N bytes at BUF as OVS's ds_put_hex() does: "0x" and the
 * value without leading zeros, or "0" when all bytes are zero. */
void flow_put_hex(struct ds *, const void *buf, size_t n);

/* Tunnel flags in OVS's numbering, which flag text and numeric
 * "tun_flags=0x1/0x1" values use (struct flow numbers them differently):
 * oam 0x1, df 0x2, csum 0x4, key 0x8. */
#define OVS_TNL_F_OAM 0x1
#define OVS_TNL_F_DONT_FRAGMENT 0x2
#define OVS_TNL_F_CSUM 0x4
#define OVS_TNL_F_KEY 0x8
#define OVS_TNL_F_MASK 0xf

/* Converts struct flow tunnel flags to OVS's numbering and back. */
uint16_t flow_tnl_flags_to_ovs(uint16_t flags);
uint16_t flow_tnl_flags_from_ovs(uint16_t flags);

/* Names of single flag bits, or NULL for a bit without a name (tunnel
 * flags in OVS's numbering). */
const char *flow_ct_state_to_string(uint32_t bit);
const char *flow_tcp_flag_to_string(uint32_t bit);
const char *flow_tun_flag_to_string(uint32_t bit);

/* Parses flag syntax as OVS's parse_flags(): numeric "V/M" (when RES_MASK
 * is nonnull), "+a-b" masked flags (when RES_MASK is nonnull), or
 * "a|b|0x4" unmasked flags (then *RES_MASK becomes all ones).  Only bits
 * in ALLOWED may appear.  FIELD_NAME is used in messages ("ct_state",
 * "TCP", "tunnel").  Returns NULL or an error to free. */
char *flow_parse_flags(const char *s,
                       const char *(*bit_to_string)(uint32_t),
                       const char *field_name, uint32_t allowed,
                       uint32_t *res_flags, uint32_t *res_mask) WARN_UNUSED;

/* Appends FLAGS as names separated by DEL ("0" when FLAGS is zero). */
void flow_format_flags(struct ds *, const char *(*bit_to_string)(uint32_t),
                       uint32_t flags, char del);

/* Appends "NAME=" (when NAME is nonnull) and FLAGS under MASK: the "a|b"
 * form when MASK equals MAX_MASK, otherwise "+a-b" in bit order. */
void flow_format_flags_masked(struct ds *, const char *name,
                              const char *(*bit_to_string)(uint32_t),
                              uint32_t flags, uint32_t mask,
                              uint32_t max_mask);

#endif /* VX_FLOW_FLOW_TEXT_H */
