/*
 * meta-field.h: the registry of matchable and settable fields ("meta-flow"
 * in Open vSwitch), with each field's names, width, place in struct flow,
 * prerequisites and text format.
 *
 * Every place that names a field by text goes through here: match parsing
 * ("reg5=0x4", "dl_vlan=3"), actions that address fields or bit ranges of
 * them ("load:0x4->NXM_NX_REG5[]", "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
 * "NXM_OF_VLAN_TCI[0..11]" in learn), and xlate, which reads and writes
 * fields of a struct flow through mf_get/mf_set.
 *
 * Values are exchanged as union mf_value in network byte order (host-order
 * metadata such as registers is converted), as OVS does, so bit ranges
 * ("[0..15]") are always counted from the least significant bit of the
 * big-endian value.
 *
 * Thread safety: the registry is constant; functions are pure.
 */
#ifndef VX_FLOW_META_FIELD_H
#define VX_FLOW_META_FIELD_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/match.h"
#include "packet/flow.h"

struct ds;
struct ofp_port_map;

enum mf_field_id {
    /* Metadata. */
    MFF_DP_HASH,
    MFF_RECIRC_ID,
    MFF_CONJ_ID,
    MFF_TUN_ID,
    MFF_TUN_SRC,
    MFF_TUN_DST,
    MFF_TUN_FLAGS,
    MFF_TUN_TTL,
    MFF_TUN_TOS,
    MFF_METADATA,
    MFF_IN_PORT,       /* 16-bit OpenFlow 1.0 in_port (NXM_OF_IN_PORT). */
    MFF_IN_PORT_OXM,   /* 32-bit OXM_OF_IN_PORT, same flow field. */
    MFF_ACTSET_OUTPUT,
    MFF_SKB_PRIORITY,
    MFF_PKT_MARK,
    MFF_CT_STATE,
    MFF_CT_ZONE,
    MFF_CT_MARK,
    MFF_CT_LABEL,
    MFF_CT_NW_PROTO,
    MFF_CT_NW_SRC,
    MFF_CT_NW_DST,
    MFF_CT_TP_SRC,
    MFF_CT_TP_DST,
    MFF_REG0,
    MFF_REG1,
    MFF_REG2,
    MFF_REG3,
    MFF_REG4,
    MFF_REG5,
    MFF_REG6,
    MFF_REG7,
    MFF_REG8,
    MFF_REG9,
    MFF_REG10,
    MFF_REG11,
    MFF_REG12,
    MFF_REG13,
    MFF_REG14,
    MFF_REG15,

    /* L2. */
    MFF_ETH_SRC,
    MFF_ETH_DST,
    MFF_ETH_TYPE,
    MFF_VLAN_TCI,      /* NXM_OF_VLAN_TCI, 16 bits, CFI = present. */
    MFF_DL_VLAN,       /* OF1.0 dl_vlan, 12-bit VID. */
    MFF_VLAN_VID,      /* OXM vlan_vid, 13 bits with OFPVID_PRESENT. */
    MFF_DL_VLAN_PCP,   /* OF1.0 dl_vlan_pcp. */
    MFF_VLAN_PCP,      /* OXM vlan_pcp. */

    /* L3. */
    MFF_IPV4_SRC,
    MFF_IPV4_DST,
    MFF_IPV6_SRC,
    MFF_IPV6_DST,
    MFF_IPV6_LABEL,
    MFF_IP_PROTO,
    MFF_IP_DSCP,
    MFF_IP_DSCP_SHIFTED,
    MFF_IP_ECN,
    MFF_IP_TTL,
    MFF_IP_FRAG,
    MFF_ARP_OP,
    MFF_ARP_SPA,
    MFF_ARP_TPA,
    MFF_ARP_SHA,
    MFF_ARP_THA,

    /* L4. */
    MFF_TCP_SRC,
    MFF_TCP_DST,
    MFF_TCP_FLAGS,
    MFF_UDP_SRC,
    MFF_UDP_DST,
    MFF_SCTP_SRC,
    MFF_SCTP_DST,
    MFF_ICMPV4_TYPE,
    MFF_ICMPV4_CODE,
    MFF_ICMPV6_TYPE,
    MFF_ICMPV6_CODE,
    MFF_ND_TARGET,
    MFF_ND_SLL,
    MFF_ND_TLL,

    MFF_N_IDS
};

/* Prerequisites: what the rest of a match must say for the field to be
 * meaningful (OVS "prerequisites"), e.g. tp_dst needs tcp/udp/sctp. */
enum mf_prereqs {
    MFP_NONE,
    MFP_ARP,       /* dl_type=0x0806 or 0x8035. */
    MFP_VLAN_VID,  /* A VLAN header present. */
    MFP_IPV4,
    MFP_IPV6,
    MFP_IP_ANY,
    MFP_TCP,       /* IPv4 or IPv6 with nw_proto=6. */
    MFP_UDP,
    MFP_SCTP,
    MFP_ICMPV4,
    MFP_ICMPV6,
    MFP_ND,        /* icmp6 with icmp_type 135 or 136. */
    MFP_ND_SOLICIT,
    MFP_ND_ADVERT,
    MFP_CT_VALID,  /* ct_state shows a valid connection (+trk with one of
                    * new/est/rel/rpl/snat/dnat, or +trk-inv). */
};

/* How a field's value is printed and parsed. */
enum mf_string {
    MFS_DECIMAL,
    MFS_HEXADECIMAL,
    MFS_CT_STATE,   /* "+trk-inv" flags. */
    MFS_ETHERNET,
    MFS_IPV4,
    MFS_IPV6,
    MFS_OFP_PORT,   /* Port number or name (16-bit OpenFlow 1.0). */
    MFS_OFP_PORT_OXM, /* Port number or name as a 32-bit OF1.1+ port. */
    MFS_FRAG,       /* "no", "yes", "first", "later", "not_later". */
    MFS_TNL_FLAGS,
    MFS_TCP_FLAGS,
};

enum mf_maskable {
    MFM_NONE,  /* Only exact matches. */
    MFM_FULLY, /* Any bitwise mask. */
};

struct mf_field {
    enum mf_field_id id;
    const char *name;        /* OVS's name, e.g. "reg5", "eth_src"; used in
                              * error messages as ovs-ofctl does. */
    const char *extra_name;  /* Alias, e.g. "dl_src", or NULL. */
    const char *nxm_name;    /* "NXM_NX_REG5" / "NXM_OF_ETH_SRC", or NULL. */
    const char *oxm_name;    /* "OXM_OF_IN_PORT", or NULL. */
    unsigned int n_bytes;    /* Width of union mf_value used. */
    unsigned int n_bits;     /* Bits significant (<= 8 * n_bytes). */
    enum mf_maskable maskable;
    enum mf_string string;
    enum mf_prereqs prereqs;
    bool writable;           /* May be the target of set_field/load/move. */
};

/* A field value or mask, network byte order, left-aligned to n_bytes. */
union mf_value {
    uint8_t u8;
    be16 be16;
    be32 be32;
    be64 be64;
    struct eth_addr mac;
    struct in6_addr ipv6;
    uint8_t b[16];
};

/* A bit range of a field: bits [ofs, ofs + n_bits) counted from the least
 * significant bit. */
struct mf_subfield {
    const struct mf_field *field;
    unsigned int ofs;
    unsigned int n_bits;
};

/* Returns the field with ID. */
const struct mf_field *mf_from_id(enum mf_field_id);

/* Looks up a field by any of its names ("reg5", "NXM_NX_REG5", "eth_src"
 * ...), case-sensitively as OVS does.  Returns NULL if there is none. */
const struct mf_field *mf_from_name(const char *name);
const struct mf_field *mf_from_name_len(const char *name, size_t len);

/* Looks up a field by its name or alias only ("reg5", "dl_src", not
 * "NXM_NX_REG5"), as OVS's mf_from_name() does for match fields and
 * set_field destinations.  Returns NULL if there is none. */
const struct mf_field *mf_from_field_name(const char *name);

/* Reads FIELD from FLOW into *VALUE. */
void mf_get_value(const struct mf_field *, const struct flow *,
                  union mf_value *value);

/* Writes *VALUE into FIELD of FLOW. */
void mf_set_flow_value(const struct mf_field *, const union mf_value *value,
                       struct flow *);

/* Writes only the bits of *VALUE under *MASK into FIELD of FLOW. */
void mf_set_flow_value_masked(const struct mf_field *,
                              const union mf_value *value,
                              const union mf_value *mask, struct flow *);

/* Reads FIELD's mask from WC. */
void mf_get_mask(const struct mf_field *, const struct flow_wildcards *,
                 union mf_value *mask);

/* Sets all of FIELD's bits in WC (un-wildcards the field). */
void mf_mask_field(const struct mf_field *, struct flow_wildcards *);

/* Sets the bits of MASK in FIELD of WC. */
void mf_mask_field_masked(const struct mf_field *,
                          const union mf_value *mask,
                          struct flow_wildcards *);

/* Sets FIELD to match VALUE under MASK in MATCH (NULL mask = exact).
 * Normalises.  Does not add prerequisites. */
void mf_set(const struct mf_field *, const union mf_value *value,
            const union mf_value *mask, struct match *);

/* Wildcards FIELD entirely in MATCH. */
void mf_set_wild(const struct mf_field *, struct match *);

/* Returns true if FLOW satisfies FIELD's prerequisites (e.g. tcp_dst needs
 * dl_type IPv4/IPv6, nw_proto 6 and not a later fragment). */
bool mf_are_prereqs_ok(const struct mf_field *, const struct flow *);

/* Like mf_are_prereqs_ok() for a match: a conntrack tuple field's
 * "-inv" prerequisite is checked against the match's mask too. */
bool mf_are_match_prereqs_ok(const struct mf_field *, const struct match *);

/* Returns true if MASK is acceptable for FIELD: anything for a maskable
 * field, all zeros or all ones otherwise. */
bool mf_is_mask_valid(const struct mf_field *, const union mf_value *mask);

/* Un-wildcards in WC the fields that FIELD's prerequisites examine in
 * FLOW (dl_type, nw_proto...), as a reader of FIELD must for a correct
 * megaflow. */
void mf_mask_prereqs(const struct mf_field *, const struct flow *,
                     struct flow_wildcards *);

/* Returns true if VALUE is valid for FIELD (e.g. a VID below 4096). */
bool mf_is_value_valid(const struct mf_field *, const union mf_value *);

/* Parses "VALUE" or "VALUE/MASK" for FIELD into *VALUE and *MASK (all ones
 * when there is no mask).  Returns NULL or an error message to free. */
char *mf_parse(const struct mf_field *, const char *s,
               const struct ofp_port_map *, union mf_value *value,
               union mf_value *mask) WARN_UNUSED;

/* Parses just a value (no mask). */
char *mf_parse_value(const struct mf_field *, const char *s,
                     const struct ofp_port_map *, union mf_value *value)
    WARN_UNUSED;

/* Appends VALUE (and "/MASK" when MASK is nonnull and not all ones) in the
 * field's text format. */
void mf_format(const struct mf_field *, const union mf_value *value,
               const union mf_value *mask, const struct ofp_port_map *,
               struct ds *);

/* Subfields. */

/* Parses "NXM_NX_REG6[0..15]", "NXM_NX_REG5[]", "NXM_NX_REG0[5]", and the
 * short names ("reg6[0..15]").  On success advances *SP past the subfield
 * and returns NULL; otherwise returns an error message to free. */
char *mf_parse_subfield(struct mf_subfield *, const char **sp) WARN_UNUSED;

/* Appends the subfield the way OVS prints it: the NXM/OXM name when the
 * field has one ("NXM_NX_REG6[0..15]", "NXM_OF_VLAN_TCI[]"), with "[]" for
 * the whole field, "[N]" for one bit, "[A..B]" otherwise. */
void mf_format_subfield(const struct mf_subfield *, struct ds *);

/* Checks that SF is within its field and, for a destination, writable.
 * Returns NULL or an error message to free. */
char *mf_check_src(const struct mf_subfield *, const struct match *)
    WARN_UNUSED;
char *mf_check_dst(const struct mf_subfield *, const struct match *)
    WARN_UNUSED;

/* Reads subfield SF of FLOW into the low bits of *VALUE (zero elsewhere):
 * the value is right-aligned in all 16 bytes of *VALUE, so bit 0 is the
 * least significant bit of value->b[15].  mf_get_subfield() returns the
 * bits as an integer (SF->n_bits <= 64). */
void mf_read_subfield(const struct mf_subfield *, const struct flow *,
                      union mf_value *value);
uint64_t mf_get_subfield(const struct mf_subfield *, const struct flow *);

/* Writes the low SF->n_bits bits of X (right-aligned in its 16 bytes, as
 * mf_read_subfield() produces) into subfield SF of FLOW. */
void mf_write_subfield_flow(const struct mf_subfield *,
                            const union mf_value *x, struct flow *);
void mf_set_subfield_flow(const struct mf_subfield *, uint64_t x,
                          struct flow *);

/* Un-wildcards the bits of SF in WC. */
void mf_mask_subfield(const struct mf_subfield *, struct flow_wildcards *);

/* Bit helpers over big-endian byte arrays, as OVS's bitwise_copy(). */
void bitwise_copy(const void *src, unsigned int src_len, unsigned int src_ofs,
                  void *dst, unsigned int dst_len, unsigned int dst_ofs,
                  unsigned int n_bits);
void bitwise_one(void *dst, unsigned int dst_len, unsigned int dst_ofs,
                 unsigned int n_bits);
void bitwise_zero(void *dst, unsigned int dst_len, unsigned int dst_ofs,
                  unsigned int n_bits);
bool bitwise_is_all_zeros(const void *p, unsigned int len, unsigned int ofs,
                          unsigned int n_bits);
uint64_t bitwise_get(const void *src, unsigned int src_len,
                     unsigned int src_ofs, unsigned int n_bits);
void bitwise_put(uint64_t value, void *dst, unsigned int dst_len,
                 unsigned int dst_ofs, unsigned int n_bits);

#endif /* VX_FLOW_META_FIELD_H */
