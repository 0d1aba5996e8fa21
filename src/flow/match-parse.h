/*
 * match-parse.h: the pieces of ovs-ofctl's flow syntax shared by flow-mod
 * strings (ofp-parse.c), dump-flows filters and trace flows: splitting
 * "key=value" lists, protocol shorthands ("tcp6"), field and subfield
 * matches ("reg5=0x4", "reg0[0..3]=5"), and the normalisation that drops
 * fields whose prerequisites a match lacks, as OVS's NXM encoding does
 * before a switch ever sees the match.
 *
 * This header is internal to src/flow/.  It needs no actions code, so
 * parsers of matches link without ofp-actions.c.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_MATCH_PARSE_H
#define VX_FLOW_MATCH_PARSE_H 1

#include <stdbool.h>

#include "flow/match.h"

struct ofp_port_map;

/* Longest flow text accepted (OVS has no limit; ours keeps parsing time
 * and memory bounded for untrusted input). */
#define OFP_PARSE_MAX_LEN 65536

/* Parses the next "key", "key=value", "key:value" or "key(value)" from
 * *STRINGP, as OVS's ofputil_parse_key_value(): skips ", \t\r\n", then
 * cuts the key and value in place with NULs (a value in parentheses may
 * nest them).  Stores them in *KEYP and *VALUEP ("" for no value) and
 * advances *STRINGP.  Returns false at the end of the string. */
bool ofp_parse_key_value(char **stringp, char **keyp, char **valuep);

/* If NAME is a protocol shorthand ("ip", "ipv4", "ip4", "arp", "rarp",
 * "icmp", "tcp", "udp", "sctp", "ipv6", "ip6", "icmp6", "tcp6", "udp6",
 * "sctp6", "mpls", "mplsm"), stores its Ethernet type (host order) in
 * *DL_TYPE and its IP protocol (0 for none) in *NW_PROTO and returns
 * true. */
bool ofp_parse_protocol(const char *name, uint16_t *dl_type,
                        uint8_t *nw_proto);

/* Applies NAME=VALUE to MATCH when NAME is a field name ("nw_src") or a
 * subfield ("reg0[0..3]").  Sets *HANDLED to whether NAME was one, and
 * returns NULL or an error (as ovs-ofctl words it) to free.  MATCH is
 * unchanged on error.  Clears *OF10 when this use of the field needs
 * more than a standard OpenFlow 1.0 match (a register, a bitwise mask,
 * IPv6...). */
char *ofp_parse_match_field(const char *name, const char *value,
                            const struct ofp_port_map *, struct match *,
                            bool *handled, bool *of10) WARN_UNUSED;

/* Finishes a parsed match the way the match reaches an Open vSwitch
 * switch from ovs-ofctl -O OpenFlow10: drops the fields whose
 * prerequisites are not met (ofp_match_drop_unmet_prereqs()) and, when
 * OF10 is true and the match needs nothing beyond a standard OpenFlow 1.0
 * match (so ovs-ofctl would send one), applies the OpenFlow 1.0 encoding's
 * one lossy rule: a match on "VLAN header absent" bits with a nonzero VID
 * or PCP becomes a plain "no VLAN header" match (vlan_tci=0x0000). */
void ofp_match_finish(struct match *, bool of10);

/* Drops from MATCH the fields whose prerequisites it does not meet
 * (tp_dst without tcp/udp/sctp, nw_src without ip or arp, nd_target
 * without an ND icmp6 type, ...), exactly the fields OVS leaves out when
 * it encodes the match for the switch, and normalises the rest. */
void ofp_match_drop_unmet_prereqs(struct match *);

/* Returns true if MATCH matches on a field that no OpenFlow protocol can
 * carry (skb_priority, tun_ttl, tun_tos), which ovs-ofctl refuses. */
bool ofp_match_has_unencodable_fields(const struct match *);

#endif /* VX_FLOW_MATCH_PARSE_H */
