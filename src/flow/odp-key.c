/*
 * odp-key.c: datapath flow keys as text, the way `dpctl/dump-flows` prints
 * them and `netdev-dummy/receive` accepts them.
 *
 * OVS prints a key by first encoding the flow (and its mask) as Netlink
 * attributes and then printing the attributes.  Which attributes exist,
 * which fields they carry and when a wildcarded attribute is left out all
 * follow from that encoding, so this file mirrors it: for each attribute a
 * small "okey_*" struct is filled from the flow and, separately, from the
 * mask (get_*() below, as OVS's get_*_key()), and the printers work on
 * those.  Parsing fills the same structs and stores them back (put_*()).
 */
#include "flow/odp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow/odp-private.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Conversions between struct flow and the attribute payloads. */

static uint16_t
tnl_flags_to_otnl(uint16_t flags)
{
    return ((flags & FLOW_TNL_F_OAM ? OTNL_OAM : 0)
            | (flags & FLOW_TNL_F_DONT_FRAGMENT ? OTNL_DF : 0)
            | (flags & FLOW_TNL_F_CSUM ? OTNL_CSUM : 0)
            | (flags & FLOW_TNL_F_KEY ? OTNL_KEY : 0));
}

static uint16_t
otnl_to_tnl_flags(uint16_t otnl)
{
    return ((otnl & OTNL_OAM ? FLOW_TNL_F_OAM : 0)
            | (otnl & OTNL_DF ? FLOW_TNL_F_DONT_FRAGMENT : 0)
            | (otnl & OTNL_CSUM ? FLOW_TNL_F_CSUM : 0)
            | (otnl & OTNL_KEY ? FLOW_TNL_F_KEY : 0));
}

/* Fills T from tunnel metadata TNL as OVS's tun_key_to_attr() encodes it;
 * the same rules give the mask's sub-attributes when TNL is a mask. */
static void
get_tun(const struct flow_tnl *tnl, struct okey_tun *t)
{
    uint16_t otnl = tnl_flags_to_otnl(tnl->flags);

    memset(t, 0, sizeof *t);
    t->has_id = tnl->tun_id || otnl & OTNL_KEY;
    t->id = tnl->tun_id;
    t->has_src = tnl->ip_src != 0;
    t->src = tnl->ip_src;
    t->has_dst = tnl->ip_dst != 0;
    t->dst = tnl->ip_dst;
    t->has_tos = tnl->ip_tos != 0;
    t->tos = tnl->ip_tos;
    t->ttl = tnl->ip_ttl;
    t->has_tp_src = tnl->tp_src != 0;
    t->tp_src = tnl->tp_src;
    t->has_tp_dst = tnl->tp_dst != 0;
    t->tp_dst = tnl->tp_dst;
    t->flags = otnl & (OTNL_DF | OTNL_CSUM | OTNL_OAM);
}

void
odp_key_put_tun(const struct okey_tun *t, struct flow_tnl *tnl)
{
    uint16_t otnl = t->flags | (t->has_id ? OTNL_KEY : 0);

    memset(tnl, 0, sizeof *tnl);
    tnl->tun_id = t->id;
    tnl->ip_src = t->src;
    tnl->ip_dst = t->dst;
    tnl->ip_tos = t->tos;
    tnl->ip_ttl = t->ttl;
    tnl->tp_src = t->tp_src;
    tnl->tp_dst = t->tp_dst;
    tnl->flags = otnl_to_tnl_flags(otnl);
}

static uint8_t
frag_to_okey(uint8_t nw_frag, bool is_mask)
{
    if (is_mask) {
        return nw_frag & FLOW_NW_FRAG_ANY ? UINT8_MAX : 0;
    }
    return (!(nw_frag & FLOW_NW_FRAG_ANY) ? OKEY_FRAG_NO
            : nw_frag & FLOW_NW_FRAG_LATER ? OKEY_FRAG_LATER
            : OKEY_FRAG_FIRST);
}

static uint8_t
okey_to_frag(uint8_t frag, bool is_mask)
{
    if (is_mask) {
        return frag ? FLOW_NW_FRAG_MASK : 0;
    }
    return (frag == OKEY_FRAG_FIRST ? FLOW_NW_FRAG_ANY
            : frag == OKEY_FRAG_LATER ? FLOW_NW_FRAG_MASK : 0);
}

static void
get_eth(const struct flow *f, struct okey_eth *k)
{
    memset(k, 0, sizeof *k);
    k->src = f->dl_src;
    k->dst = f->dl_dst;
}

static void
get_ipv4(const struct flow *f, bool is_mask, struct okey_ipv4 *k)
{
    memset(k, 0, sizeof *k);
    k->src = f->nw_src;
    k->dst = f->nw_dst;
    k->proto = f->nw_proto;
    k->tos = f->nw_tos;
    k->ttl = f->nw_ttl;
    k->frag = frag_to_okey(f->nw_frag, is_mask);
}

void
odp_key_put_ipv4(const struct okey_ipv4 *k, bool is_mask, struct flow *f)
{
    f->nw_src = k->src;
    f->nw_dst = k->dst;
    f->nw_proto = k->proto;
    f->nw_tos = k->tos;
    f->nw_ttl = k->ttl;
    f->nw_frag = okey_to_frag(k->frag, is_mask);
}

static void
get_ipv6(const struct flow *f, bool is_mask, struct okey_ipv6 *k)
{
    memset(k, 0, sizeof *k);
    k->src = f->ipv6_src;
    k->dst = f->ipv6_dst;
    k->label = f->ipv6_label;
    k->proto = f->nw_proto;
    k->tclass = f->nw_tos;
    k->hlimit = f->nw_ttl;
    k->frag = frag_to_okey(f->nw_frag, is_mask);
}

void
odp_key_put_ipv6(const struct okey_ipv6 *k, bool is_mask, struct flow *f)
{
    f->ipv6_src = k->src;
    f->ipv6_dst = k->dst;
    f->ipv6_label = k->label;
    f->nw_proto = k->proto;
    f->nw_tos = k->tclass;
    f->nw_ttl = k->hlimit;
    f->nw_frag = okey_to_frag(k->frag, is_mask);
}

static void
get_ports(const struct flow *f, struct okey_ports *k)
{
    memset(k, 0, sizeof *k);
    k->src = f->tp_src;
    k->dst = f->tp_dst;
}

static void
get_icmp(const struct flow *f, struct okey_icmp *k)
{
    k->type = ntohs(f->tp_src);
    k->code = ntohs(f->tp_dst);
}

static void
get_arp(const struct flow *f, struct okey_arp *k)
{
    memset(k, 0, sizeof *k);
    k->sip = f->nw_src;
    k->tip = f->nw_dst;
    /* OVS widens an all-ones 8-bit opcode (a mask) to all-ones 16 bits. */
    k->op = f->nw_proto == UINT8_MAX ? htons(UINT16_MAX) : htons(f->nw_proto);
    k->sha = f->arp_sha;
    k->tha = f->arp_tha;
}

static void
get_nd(const struct flow *f, struct okey_nd *k)
{
    memset(k, 0, sizeof *k);
    k->target = f->nd_target;
    k->sll = f->arp_sha;
    k->tll = f->arp_tha;
}

static bool
eth_type_is_vlan(be16 dl_type)
{
    return (dl_type == htons(ETH_TYPE_VLAN_8021Q)
            || dl_type == htons(ETH_TYPE_VLAN_8021AD));
}

static bool
flow_is_nd(const struct flow *f)
{
    return (f->dl_type == htons(ETH_TYPE_IPV6)
            && f->nw_proto == IPPROTO_ICMPV6_
            && f->tp_dst == htons(0)
            && (f->tp_src == htons(ND_NEIGHBOR_SOLICIT)
                || f->tp_src == htons(ND_NEIGHBOR_ADVERT)));
}

/* Formatting helpers, as OVS's format_*() in their non-verbose form: with
 * MASK nonnull, a field whose mask is zero is left out and a partial mask
 * is shown after a slash; with MASK null the field is shown exactly. */

static void
put_hex_ovs(struct ds *ds, const void *buf_, size_t n)
{
    const uint8_t *buf = buf_;
    bool printed = false;

    for (size_t i = 0; i < n; i++) {
        if (buf[i] || printed) {
            ds_put_format(ds, printed ? "%02x" : "0x%x", buf[i]);
            printed = true;
        }
    }
    if (!printed) {
        ds_put_char(ds, '0');
    }
}

static void
fmt_eth_field(struct ds *ds, const char *name, struct eth_addr key,
              const struct eth_addr *mask)
{
    if (mask && eth_addr_is_zero(*mask)) {
        return;
    }
    ds_put_format(ds, "%s=" ETH_ADDR_FMT, name, ETH_ADDR_ARGS(key));
    if (mask && !eth_addr_is_broadcast(*mask)) {
        ds_put_format(ds, "/" ETH_ADDR_FMT, ETH_ADDR_ARGS(*mask));
    }
    ds_put_char(ds, ',');
}

static void
fmt_ipv4_field(struct ds *ds, const char *name, be32 key, const be32 *mask)
{
    if (mask && !*mask) {
        return;
    }
    ds_put_format(ds, "%s=" IP_FMT, name, IP_ARGS(key));
    if (mask && *mask != UINT32_MAX) {
        ds_put_format(ds, "/" IP_FMT, IP_ARGS(*mask));
    }
    ds_put_char(ds, ',');
}

static void
fmt_in6_field(struct ds *ds, const char *name, const struct in6_addr *key,
              const struct in6_addr *mask)
{
    char buf[INET6_ADDRSTRLEN];

    if (mask && !ipv6_addr_is_set(mask)) {
        return;
    }
    inet_ntop(AF_INET6, key, buf, sizeof buf);
    ds_put_format(ds, "%s=%s", name, buf);
    if (mask && !is_all_ones(mask, sizeof *mask)) {
        inet_ntop(AF_INET6, mask, buf, sizeof buf);
        ds_put_format(ds, "/%s", buf);
    }
    ds_put_char(ds, ',');
}

static void
fmt_label_field(struct ds *ds, const char *name, be32 key, const be32 *mask)
{
    if (mask && !*mask) {
        return;
    }
    ds_put_format(ds, "%s=%#" PRIx32, name, ntohl(key));
    if (mask && (ntohl(*mask) & 0xfffff) != 0xfffff) {
        ds_put_format(ds, "/%#" PRIx32, ntohl(*mask));
    }
    ds_put_char(ds, ',');
}

static void
fmt_u8_field(struct ds *ds, const char *name, uint8_t key,
             const uint8_t *mask, bool hex)
{
    if (mask && !*mask) {
        return;
    }
    ds_put_format(ds, hex ? "%s=%#" PRIx8 : "%s=%" PRIu8, name, key);
    if (mask && *mask != UINT8_MAX) {
        ds_put_format(ds, "/%#" PRIx8, *mask);
    }
    ds_put_char(ds, ',');
}

static void
fmt_be16_field(struct ds *ds, const char *name, be16 key, const be16 *mask)
{
    if (mask && !*mask) {
        return;
    }
    ds_put_format(ds, "%s=%" PRIu16, name, ntohs(key));
    if (mask && *mask != UINT16_MAX) {
        ds_put_format(ds, "/%#" PRIx16, ntohs(*mask));
    }
    ds_put_char(ds, ',');
}

static void
fmt_be64_field(struct ds *ds, const char *name, be64 key, const be64 *mask)
{
    if (mask && !*mask) {
        return;
    }
    ds_put_format(ds, "%s=0x%" PRIx64, name, ntohll(key));
    if (mask && *mask != UINT64_MAX) {
        ds_put_format(ds, "/%#" PRIx64, ntohll(*mask));
    }
    ds_put_char(ds, ',');
}

static const char *
frag_name(uint8_t frag)
{
    switch (frag) {
    case OKEY_FRAG_NO:
        return "no";
    case OKEY_FRAG_FIRST:
        return "first";
    case OKEY_FRAG_LATER:
        return "later";
    default:
        return "<error>";
    }
}

static void
fmt_frag_field(struct ds *ds, uint8_t key, const uint8_t *mask)
{
    if (mask && !*mask) {
        return;
    }
    if (mask && *mask != UINT8_MAX) {
        ds_put_format(ds, "error: partial mask not supported for frag "
                      "(%#" PRIx8 "),", *mask);
        return;
    }
    ds_put_format(ds, "frag=%s,", frag_name(key));
}

/* Flag sets (ct_state, tcp_flags, tunnel flags). */

const char *
odp_ct_state_flag_name(uint32_t bit)
{
    switch (bit) {
    case CS_NEW:
        return "new";
    case CS_ESTABLISHED:
        return "est";
    case CS_RELATED:
        return "rel";
    case CS_REPLY_DIR:
        return "rpl";
    case CS_INVALID:
        return "inv";
    case CS_TRACKED:
        return "trk";
    case CS_SRC_NAT:
        return "snat";
    case CS_DST_NAT:
        return "dnat";
    default:
        return NULL;
    }
}

const char *
odp_tcp_flag_name(uint32_t bit)
{
    switch (bit) {
    case TCP_FIN:
        return "fin";
    case TCP_SYN:
        return "syn";
    case TCP_RST:
        return "rst";
    case TCP_PSH:
        return "psh";
    case TCP_ACK:
        return "ack";
    case TCP_URG:
        return "urg";
    case TCP_ECE:
        return "ece";
    case TCP_CWR:
        return "cwr";
    case TCP_NS:
        return "ns";
    case 0x200:
        return "[200]";
    case 0x400:
        return "[400]";
    case 0x800:
        return "[800]";
    default:
        return NULL;
    }
}

const char *
odp_tnl_flag_name(uint32_t bit)
{
    switch (bit) {
    case OTNL_OAM:
        return "oam";
    case OTNL_DF:
        return "df";
    case OTNL_CSUM:
        return "csum";
    case OTNL_KEY:
        return "key";
    default:
        return NULL;
    }
}

/* Appends FLAGS as "a|b|c" ("0" when empty), as OVS's format_flags(). */
static void
fmt_flags(struct ds *ds, odp_flag_name_func *name, uint32_t flags)
{
    uint32_t bad = 0;

    if (!flags) {
        ds_put_char(ds, '0');
        return;
    }
    while (flags) {
        uint32_t bit = flags & -flags;
        const char *s = name(bit);

        if (s) {
            ds_put_format(ds, "%s|", s);
        } else {
            bad |= bit;
        }
        flags &= ~bit;
    }
    if (bad) {
        ds_put_format(ds, "0x%" PRIx32 "|", bad);
    }
    ds_chomp(ds, '|');
}

/* Appends FLAGS under MASK as "+a-b", or as fmt_flags() when MASK is
 * MAX_MASK, as OVS's format_flags_masked(). */
static void
fmt_flags_masked(struct ds *ds, odp_flag_name_func *name, uint32_t flags,
                 uint32_t mask, uint32_t max_mask)
{
    if (mask == max_mask) {
        fmt_flags(ds, name, flags);
        return;
    }
    if (!mask) {
        ds_put_cstr(ds, "0/0");
        return;
    }
    while (mask) {
        uint32_t bit = mask & -mask;
        const char *s = name(bit);

        ds_put_char(ds, flags & bit ? '+' : '-');
        if (s) {
            ds_put_cstr(ds, s);
        } else {
            ds_put_format(ds, "[%" PRIx32 "]", bit);
        }
        mask &= ~bit;
    }
}

/* Attribute printers. */

/* Output state for one list of attributes. */
struct fmt_ctx {
    struct ds *ds;
    bool exact;      /* No mask: print every field, skip zero metadata. */
    bool first;      /* No attribute printed yet in this list. */
};

static void
attr_open(struct fmt_ctx *c, const char *name)
{
    if (!c->first) {
        ds_put_char(c->ds, ',');
    }
    c->first = false;
    ds_put_format(c->ds, "%s(", name);
}

static void
attr_close(struct fmt_ctx *c)
{
    ds_chomp(c->ds, ',');
    ds_put_char(c->ds, ')');
}

/* recirc_id, dp_hash, skb_priority, skb_mark: "%#x" with "/%#x". */
static void
fmt_u32_attr(struct fmt_ctx *c, const char *name, uint32_t key,
             uint32_t mask)
{
    if (c->exact ? !key : !mask) {
        return;
    }
    attr_open(c, name);
    ds_put_format(c->ds, "%#" PRIx32, key);
    if (!c->exact && mask != UINT32_MAX) {
        ds_put_format(c->ds, "/%#" PRIx32, mask);
    }
    ds_put_char(c->ds, ')');
}

static void
fmt_tunnel_attr(struct fmt_ctx *c, const struct flow_tnl *key,
                const struct flow_tnl *mask)
{
    struct okey_tun k, m;
    uint16_t flags, mask_flags;
    struct ds *ds = c->ds;
    const struct okey_tun *mp = mask ? &m : NULL;

    get_tun(key, &k);
    if (mask) {
        get_tun(mask, &m);
    }

    attr_open(c, "tunnel");
    if (k.has_id) {
        be64 zero = 0;
        fmt_be64_field(ds, "tun_id", k.id,
                       !mp ? NULL : mp->has_id ? &mp->id : &zero);
    }
    if (k.has_src) {
        be32 zero = 0;
        fmt_ipv4_field(ds, "src", k.src,
                       !mp ? NULL : mp->has_src ? &mp->src : &zero);
    }
    if (k.has_dst) {
        be32 zero = 0;
        fmt_ipv4_field(ds, "dst", k.dst,
                       !mp ? NULL : mp->has_dst ? &mp->dst : &zero);
    }
    if (k.has_tos) {
        uint8_t zero = 0;
        fmt_u8_field(ds, "tos", k.tos,
                     !mp ? NULL : mp->has_tos ? &mp->tos : &zero, true);
    }
    fmt_u8_field(ds, "ttl", k.ttl, mp ? &mp->ttl : NULL, false);
    if (k.has_tp_src) {
        be16 zero = 0;
        fmt_be16_field(ds, "tp_src", k.tp_src,
                       !mp ? NULL : mp->has_tp_src ? &mp->tp_src : &zero);
    }
    if (k.has_tp_dst) {
        be16 zero = 0;
        fmt_be16_field(ds, "tp_dst", k.tp_dst,
                       !mp ? NULL : mp->has_tp_dst ? &mp->tp_dst : &zero);
    }

    /* The key flag comes from the presence of the tunnel ID; the other
     * flags from their own flag attributes, in the key and in the mask. */
    flags = k.flags | (k.has_id ? OTNL_KEY : 0);
    if (mp) {
        mask_flags = mp->flags | (k.has_id ? OTNL_KEY : 0);
        if (mask_flags) {
            ds_put_cstr(ds, "flags(");
            fmt_flags_masked(ds, odp_tnl_flag_name, flags, mask_flags,
                             OTNL_ALL);
            ds_put_cstr(ds, "),");
        }
    } else {
        ds_put_cstr(ds, "flags(");
        fmt_flags(ds, odp_tnl_flag_name, flags);
        ds_put_cstr(ds, "),");
    }
    attr_close(c);
}

void
odp_format_tunnel_exact(const struct flow_tnl *tnl, struct ds *ds)
{
    struct fmt_ctx c = { ds, true, true };

    fmt_tunnel_attr(&c, tnl, NULL);
}

static void
fmt_eth_attr(struct fmt_ctx *c, const struct flow *f, const struct flow *m)
{
    struct okey_eth k, mk;

    get_eth(f, &k);
    if (c->exact) {
        attr_open(c, "eth");
        fmt_eth_field(c->ds, "src", k.src, NULL);
        fmt_eth_field(c->ds, "dst", k.dst, NULL);
        attr_close(c);
        return;
    }
    get_eth(m, &mk);
    attr_open(c, "eth");
    fmt_eth_field(c->ds, "src", k.src, &mk.src);
    fmt_eth_field(c->ds, "dst", k.dst, &mk.dst);
    attr_close(c);
}

static void
fmt_vlan_tci(struct ds *ds, be16 tci_, be16 mask_)
{
    uint16_t tci = ntohs(tci_);
    uint16_t mask = ntohs(mask_);

    if (tci & VLAN_VID_MASK || mask & VLAN_VID_MASK) {
        ds_put_format(ds, "vid=%u", tci & VLAN_VID_MASK);
        if ((mask & VLAN_VID_MASK) != VLAN_VID_MASK) {
            ds_put_format(ds, "/0x%x", mask & VLAN_VID_MASK);
        }
        ds_put_char(ds, ',');
    }
    if (tci & VLAN_PCP_MASK || mask & VLAN_PCP_MASK) {
        ds_put_format(ds, "pcp=%u", tci >> VLAN_PCP_SHIFT);
        if ((mask & VLAN_PCP_MASK) != VLAN_PCP_MASK) {
            ds_put_format(ds, "/0x%x", mask >> VLAN_PCP_SHIFT);
        }
        ds_put_char(ds, ',');
    }
    if (!(tci & VLAN_CFI)) {
        ds_put_cstr(ds, "cfi=0,");
    }
    ds_chomp(ds, ',');
}

static void
fmt_l3_l4(struct fmt_ctx *c, const struct flow *f, const struct flow *m)
{
    struct ds *ds = c->ds;

    if (f->dl_type == htons(ETH_TYPE_IP)) {
        struct okey_ipv4 k, mk;

        get_ipv4(f, false, &k);
        get_ipv4(m, true, &mk);
        if (c->exact || !is_all_zeros(&mk, sizeof mk)) {
            const struct okey_ipv4 *mp = c->exact ? NULL : &mk;

            attr_open(c, "ipv4");
            fmt_ipv4_field(ds, "src", k.src, mp ? &mp->src : NULL);
            fmt_ipv4_field(ds, "dst", k.dst, mp ? &mp->dst : NULL);
            fmt_u8_field(ds, "proto", k.proto, mp ? &mp->proto : NULL,
                         false);
            fmt_u8_field(ds, "tos", k.tos, mp ? &mp->tos : NULL, true);
            fmt_u8_field(ds, "ttl", k.ttl, mp ? &mp->ttl : NULL, false);
            fmt_frag_field(ds, k.frag, mp ? &mp->frag : NULL);
            attr_close(c);
        }
    } else if (f->dl_type == htons(ETH_TYPE_IPV6)) {
        struct okey_ipv6 k, mk;

        get_ipv6(f, false, &k);
        get_ipv6(m, true, &mk);
        if (c->exact || ipv6_addr_is_set(&mk.src) || ipv6_addr_is_set(&mk.dst)
            || mk.label & htonl(0xfffff) || mk.proto || mk.tclass
            || mk.hlimit || mk.frag) {
            const struct okey_ipv6 *mp = c->exact ? NULL : &mk;

            attr_open(c, "ipv6");
            fmt_in6_field(ds, "src", &k.src, mp ? &mp->src : NULL);
            fmt_in6_field(ds, "dst", &k.dst, mp ? &mp->dst : NULL);
            fmt_label_field(ds, "label", k.label, mp ? &mp->label : NULL);
            fmt_u8_field(ds, "proto", k.proto, mp ? &mp->proto : NULL,
                         false);
            fmt_u8_field(ds, "tclass", k.tclass, mp ? &mp->tclass : NULL,
                         true);
            fmt_u8_field(ds, "hlimit", k.hlimit, mp ? &mp->hlimit : NULL,
                         false);
            fmt_frag_field(ds, k.frag, mp ? &mp->frag : NULL);
            attr_close(c);
        }
    } else if (f->dl_type == htons(ETH_TYPE_ARP)
               || f->dl_type == htons(ETH_TYPE_RARP)) {
        struct okey_arp k, mk;

        get_arp(f, &k);
        get_arp(m, &mk);
        if (c->exact || !is_all_zeros(&mk, sizeof mk)) {
            const struct okey_arp *mp = c->exact ? NULL : &mk;

            attr_open(c, "arp");
            fmt_ipv4_field(ds, "sip", k.sip, mp ? &mp->sip : NULL);
            fmt_ipv4_field(ds, "tip", k.tip, mp ? &mp->tip : NULL);
            fmt_be16_field(ds, "op", k.op, mp ? &mp->op : NULL);
            fmt_eth_field(ds, "sha", k.sha, mp ? &mp->sha : NULL);
            fmt_eth_field(ds, "tha", k.tha, mp ? &mp->tha : NULL);
            attr_close(c);
        }
    }

    if (!is_ip_any(f) || f->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    if (f->nw_proto == IPPROTO_TCP_ || f->nw_proto == IPPROTO_UDP_
        || f->nw_proto == IPPROTO_SCTP_) {
        const char *name = (f->nw_proto == IPPROTO_TCP_ ? "tcp"
                            : f->nw_proto == IPPROTO_UDP_ ? "udp" : "sctp");
        struct okey_ports k, mk;

        get_ports(f, &k);
        get_ports(m, &mk);
        if (c->exact || mk.src || mk.dst) {
            const struct okey_ports *mp = c->exact ? NULL : &mk;

            attr_open(c, name);
            fmt_be16_field(ds, "src", k.src, mp ? &mp->src : NULL);
            fmt_be16_field(ds, "dst", k.dst, mp ? &mp->dst : NULL);
            attr_close(c);
        }
        if (f->nw_proto == IPPROTO_TCP_
            && (c->exact ? f->tcp_flags != 0
                : (f->tcp_flags || m->tcp_flags)
                  && ntohs(m->tcp_flags) & 0x0fff)) {
            uint32_t key = ntohs(f->tcp_flags);
            uint32_t mask = ntohs(m->tcp_flags) & 0x0fff;

            attr_open(c, "tcp_flags");
            if (c->exact || mask == 0x0fff) {
                fmt_flags(ds, odp_tcp_flag_name, key);
            } else {
                fmt_flags_masked(ds, odp_tcp_flag_name, key, mask, 0x0fff);
            }
            ds_put_char(ds, ')');
        }
    } else if ((f->dl_type == htons(ETH_TYPE_IP)
                && f->nw_proto == IPPROTO_ICMP_)
               || (f->dl_type == htons(ETH_TYPE_IPV6)
                   && f->nw_proto == IPPROTO_ICMPV6_)) {
        bool v6 = f->dl_type == htons(ETH_TYPE_IPV6);
        struct okey_icmp k, mk;

        get_icmp(f, &k);
        get_icmp(m, &mk);
        if (c->exact || mk.type || mk.code) {
            const struct okey_icmp *mp = c->exact ? NULL : &mk;

            attr_open(c, v6 ? "icmpv6" : "icmp");
            fmt_u8_field(ds, "type", k.type, mp ? &mp->type : NULL, false);
            fmt_u8_field(ds, "code", k.code, mp ? &mp->code : NULL, false);
            attr_close(c);
        }
        if (v6 && flow_is_nd(f)
            && (c->exact || ((ntohs(m->tp_src) & 0xff) == 0xff
                             && (ntohs(m->tp_dst) & 0xff) == 0xff))) {
            struct okey_nd k6, mk6;

            get_nd(f, &k6);
            get_nd(m, &mk6);
            if (c->exact || !is_all_zeros(&mk6, sizeof mk6)) {
                const struct okey_nd *mp = c->exact ? NULL : &mk6;

                attr_open(c, "nd");
                fmt_in6_field(ds, "target", &k6.target,
                              mp ? &mp->target : NULL);
                fmt_eth_field(ds, "sll", k6.sll, mp ? &mp->sll : NULL);
                fmt_eth_field(ds, "tll", k6.tll, mp ? &mp->tll : NULL);
                attr_close(c);
            }
        }
    }
}

/* Prints eth_type, then either the VLAN nest or L3/L4, for the tags from
 * index VLAN on, as odp_flow_key_from_flow__() encodes them. */
static void
fmt_after_eth(struct fmt_ctx *c, const struct flow *f, const struct flow *m,
              int vlan)
{
    struct ds *ds = c->ds;

    if (vlan < FLOW_MAX_VLAN_HEADERS) {
        be16 tpid = f->vlans[vlan].tpid;
        be16 tci = f->vlans[vlan].tci;

        if (tci || eth_type_is_vlan(f->dl_type)) {
            struct fmt_ctx inner = { ds, c->exact, true };

            if (!tci) {
                tpid = f->dl_type;
            }
            attr_open(c, "eth_type");
            ds_put_format(ds, "0x%04" PRIx16 ")", ntohs(tpid));
            if (c->exact || m->vlans[vlan].tci) {
                attr_open(c, "vlan");
                fmt_vlan_tci(ds, tci,
                             c->exact ? htons(0xffff) : m->vlans[vlan].tci);
                ds_put_char(ds, ')');
            }
            attr_open(c, "encap");
            if (tci) {
                fmt_after_eth(&inner, f, m, vlan + 1);
            }
            ds_put_char(ds, ')');
            return;
        }
    }

    if (ntohs(f->dl_type) < ETH_TYPE_MIN) {
        if (!c->exact && m->dl_type) {
            /* OVS prints the mask of an Ethertype that the key lacks. */
            ds_put_format(ds, "%seth_type(0/0x%04" PRIx16 ")",
                          c->first ? "" : ",", ntohs(m->dl_type));
            c->first = false;
        }
        return;
    }
    if (c->exact || m->dl_type) {
        attr_open(c, "eth_type");
        ds_put_format(ds, "0x%04" PRIx16, ntohs(f->dl_type));
        if (!c->exact && m->dl_type != UINT16_MAX) {
            ds_put_format(ds, "/0x%04" PRIx16, ntohs(m->dl_type));
        }
        ds_put_char(ds, ')');
    }
    if (!eth_type_is_vlan(f->dl_type)) {
        fmt_l3_l4(c, f, m);
    }
}

static void
fmt_ct_label(struct ds *ds, const uint64_t label[2])
{
    be64 be[2] = { htonll(label[1]), htonll(label[0]) };

    put_hex_ovs(ds, be, sizeof be);
}

void
odp_flow_format(const struct flow *f, const struct flow_wildcards *wc,
                struct ds *ds)
{
    struct flow exact_mask;
    struct fmt_ctx c = { ds, wc == NULL, true };
    const struct flow *m;

    if (wc) {
        m = &wc->masks;
    } else {
        memset(&exact_mask, 0xff, sizeof exact_mask);
        m = &exact_mask;
    }

    fmt_u32_attr(&c, "recirc_id", f->recirc_id, m->recirc_id);
    fmt_u32_attr(&c, "dp_hash", f->dp_hash, m->dp_hash);
    fmt_u32_attr(&c, "skb_priority", f->skb_priority, m->skb_priority);
    if (f->tunnel.ip_dst || f->tunnel.ip_src) {
        fmt_tunnel_attr(&c, &f->tunnel, wc ? &m->tunnel : NULL);
    }
    if (f->in_port != ODPP_NONE && (c.exact || m->in_port)) {
        attr_open(&c, "in_port");
        ds_put_format(ds, "%" PRIu32, f->in_port);
        if (!c.exact && m->in_port != UINT32_MAX) {
            ds_put_format(ds, "/%#" PRIx32, m->in_port);
        }
        ds_put_char(ds, ')');
    }
    fmt_u32_attr(&c, "skb_mark", f->pkt_mark, m->pkt_mark);
    if (c.exact ? f->ct_state != 0 : m->ct_state != 0) {
        attr_open(&c, "ct_state");
        if (c.exact) {
            fmt_flags(ds, odp_ct_state_flag_name, f->ct_state);
        } else {
            fmt_flags_masked(ds, odp_ct_state_flag_name, f->ct_state,
                             m->ct_state, UINT32_MAX);
        }
        ds_put_char(ds, ')');
    }
    if (c.exact ? f->ct_zone != 0 : m->ct_zone != 0) {
        attr_open(&c, "ct_zone");
        ds_put_format(ds, "%#" PRIx16, f->ct_zone);
        if (!c.exact && m->ct_zone != UINT16_MAX) {
            ds_put_format(ds, "/%#" PRIx16, m->ct_zone);
        }
        ds_put_char(ds, ')');
    }
    fmt_u32_attr(&c, "ct_mark", f->ct_mark, m->ct_mark);
    if (c.exact ? (f->ct_label[0] || f->ct_label[1])
        : (m->ct_label[0] || m->ct_label[1])) {
        attr_open(&c, "ct_label");
        fmt_ct_label(ds, f->ct_label);
        if (!c.exact
            && (m->ct_label[0] != UINT64_MAX
                || m->ct_label[1] != UINT64_MAX)) {
            ds_put_char(ds, '/');
            fmt_ct_label(ds, m->ct_label);
        }
        ds_put_char(ds, ')');
    }
    fmt_eth_attr(&c, f, m);
    fmt_after_eth(&c, f, m, 0);
}

/* Set-action attributes. */

void
odp_format_set_attr(enum odp_set_kind kind, const struct flow *key,
                    const struct flow *mask, struct ds *ds)
{
    struct fmt_ctx c = { ds, false, true };

    switch (kind) {
    case ODP_SET_ETH: {
        struct okey_eth k, mk;

        get_eth(key, &k);
        get_eth(mask, &mk);
        attr_open(&c, "eth");
        fmt_eth_field(ds, "src", k.src, &mk.src);
        fmt_eth_field(ds, "dst", k.dst, &mk.dst);
        attr_close(&c);
        break;
    }
    case ODP_SET_IPV4: {
        struct okey_ipv4 k, mk;

        get_ipv4(key, false, &k);
        get_ipv4(mask, true, &mk);
        attr_open(&c, "ipv4");
        fmt_ipv4_field(ds, "src", k.src, &mk.src);
        fmt_ipv4_field(ds, "dst", k.dst, &mk.dst);
        fmt_u8_field(ds, "proto", k.proto, &mk.proto, false);
        fmt_u8_field(ds, "tos", k.tos, &mk.tos, true);
        fmt_u8_field(ds, "ttl", k.ttl, &mk.ttl, false);
        fmt_frag_field(ds, k.frag, &mk.frag);
        attr_close(&c);
        break;
    }
    case ODP_SET_IPV6: {
        struct okey_ipv6 k, mk;

        get_ipv6(key, false, &k);
        get_ipv6(mask, true, &mk);
        attr_open(&c, "ipv6");
        fmt_in6_field(ds, "src", &k.src, &mk.src);
        fmt_in6_field(ds, "dst", &k.dst, &mk.dst);
        fmt_label_field(ds, "label", k.label, &mk.label);
        fmt_u8_field(ds, "proto", k.proto, &mk.proto, false);
        fmt_u8_field(ds, "tclass", k.tclass, &mk.tclass, true);
        fmt_u8_field(ds, "hlimit", k.hlimit, &mk.hlimit, false);
        fmt_frag_field(ds, k.frag, &mk.frag);
        attr_close(&c);
        break;
    }
    case ODP_SET_TCP:
    case ODP_SET_UDP: {
        struct okey_ports k, mk;

        get_ports(key, &k);
        get_ports(mask, &mk);
        attr_open(&c, kind == ODP_SET_TCP ? "tcp" : "udp");
        fmt_be16_field(ds, "src", k.src, &mk.src);
        fmt_be16_field(ds, "dst", k.dst, &mk.dst);
        attr_close(&c);
        break;
    }
    case ODP_SET_SKB_MARK:
    case ODP_SET_SKB_PRIORITY: {
        bool mark = kind == ODP_SET_SKB_MARK;
        uint32_t k = mark ? key->pkt_mark : key->skb_priority;
        uint32_t mk = mark ? mask->pkt_mark : mask->skb_priority;

        attr_open(&c, mark ? "skb_mark" : "skb_priority");
        ds_put_format(ds, "%#" PRIx32, k);
        if (mk != UINT32_MAX) {
            ds_put_format(ds, "/%#" PRIx32, mk);
        }
        ds_put_char(ds, ')');
        break;
    }
    }
}
