/*
 * match-parse.c: the match part of ovs-ofctl's flow syntax, following
 * OVS's lib/ofp-parse.c, lib/ofp-flow.c (parse_ofp_str__ match fields,
 * parse_subfield, parse_ofp_exact_flow) and lib/nx-match.c (which fields
 * an encoded match keeps).
 */
#include "flow/match-parse.h"

#include <string.h>

#include "flow/flow-text.h"
#include "flow/meta-field.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(ofp_parse_match_error);

/* Returns the length of the value at S up to one of DELIMITERS, skipping
 * over balanced parentheses, as OVS's parse_value(). */
static size_t
parse_value(const char *s, const char *delimiters)
{
    size_t n = 0;

    while (!strchr(delimiters, s[n])) {
        if (s[n] == '(') {
            int level = 0;

            do {
                switch (s[n]) {
                case '\0':
                    return n;
                case '(':
                    level++;
                    break;
                case ')':
                    level--;
                    break;
                }
                n++;
            } while (level > 0);
        } else {
            n++;
        }
    }
    return n;
}

bool
ofp_parse_key_value(char **stringp, char **keyp, char **valuep)
{
    const char *value_delims;
    size_t key_len, value_len;
    char key_delim, value_delim;
    char *key, *value;

    *stringp += strspn(*stringp, ", \t\r\n");
    if (**stringp == '\0') {
        *keyp = *valuep = NULL;
        return false;
    }

    key = *stringp;
    key_len = strcspn(key, ":=(, \t\r\n");
    key_delim = key[key_len];
    key[key_len] = '\0';
    *stringp += key_len + (key_delim != '\0');

    if (key_delim == ':' || key_delim == '=') {
        value_delims = ", \t\r\n";
    } else if (key_delim == '(') {
        value_delims = ")";
    } else {
        *keyp = key;
        *valuep = key + key_len;
        return true;
    }

    value = *stringp;
    value_len = parse_value(value, value_delims);
    value_delim = value[value_len];
    /* "(x)->y" keeps going to the end of "y". */
    if (key_delim == '(' && value[value_len] == ')'
        && value[value_len + 1] == '-' && value[value_len + 2] == '>') {
        value_delims = ", \t\r\n";
        value_len += parse_value(&value[value_len], value_delims);
        value_delim = value[value_len];
    }
    value[value_len] = '\0';
    *stringp += value_len + (value_delim != '\0');

    *keyp = key;
    *valuep = value;
    return true;
}

/* Protocol shorthands accepted in matches. */
static const struct ofp_protocol {
    const char *name;   /* Keyword, e.g. "tcp6". */
    uint16_t dl_type;   /* Ethernet type it sets (host order). */
    uint8_t nw_proto;   /* IP protocol it sets, 0 for none. */
} protocols[] = {
    { "ip", ETH_TYPE_IP, 0 },
    { "ipv4", ETH_TYPE_IP, 0 },
    { "ip4", ETH_TYPE_IP, 0 },
    { "arp", ETH_TYPE_ARP, 0 },
    { "icmp", ETH_TYPE_IP, IPPROTO_ICMP_ },
    { "tcp", ETH_TYPE_IP, IPPROTO_TCP_ },
    { "udp", ETH_TYPE_IP, IPPROTO_UDP_ },
    { "sctp", ETH_TYPE_IP, IPPROTO_SCTP_ },
    { "ipv6", ETH_TYPE_IPV6, 0 },
    { "ip6", ETH_TYPE_IPV6, 0 },
    { "icmp6", ETH_TYPE_IPV6, IPPROTO_ICMPV6_ },
    { "tcp6", ETH_TYPE_IPV6, IPPROTO_TCP_ },
    { "udp6", ETH_TYPE_IPV6, IPPROTO_UDP_ },
    { "sctp6", ETH_TYPE_IPV6, IPPROTO_SCTP_ },
    { "rarp", ETH_TYPE_RARP, 0 },
    { "mpls", ETH_TYPE_MPLS, 0 },
    { "mplsm", ETH_TYPE_MPLS_MCAST, 0 },
};

bool
ofp_parse_protocol(const char *name, uint16_t *dl_type, uint8_t *nw_proto)
{
    for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
        if (!strcmp(protocols[i].name, name)) {
            *dl_type = protocols[i].dl_type;
            *nw_proto = protocols[i].nw_proto;
            return true;
        }
    }
    return false;
}

/* Parses "NAME[...]=VALUE", as OVS's parse_subfield(). */
static bool field_usable_of10(const struct mf_field *,
                              const union mf_value *mask);

static char *
parse_subfield(const char *name, const char *str_value, struct match *match,
               bool *of10)
{
    const struct mf_field *field;
    union mf_value val, value, mask;
    struct mf_subfield sf;
    const char *p = name;
    const char *tail;
    char *error;

    error = mf_parse_subfield(&sf, &p);
    if (error) {
        return error;
    }
    if (*p) {
        return xstrdup("unexpected input following field syntax");
    }
    field = sf.field;
    memset(&val, 0, sizeof val);
    if (flow_parse_int_string(str_value, val.b, field->n_bytes, &tail)
        || *tail) {
        return xasprintf("%s: cannot parse integer value: %s", name,
                         str_value);
    }
    if (!bitwise_is_all_zeros(&val, field->n_bytes, sf.n_bits,
                              field->n_bytes * 8 - sf.n_bits)) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        mf_format(field, &val, NULL, NULL, &ds);
        error = xasprintf("%s: value %s does not fit into %u bits", name,
                          ds_cstr(&ds), sf.n_bits);
        ds_destroy(&ds);
        return error;
    }

    mf_get_value(field, &match->flow, &value);
    mf_get_mask(field, &match->wc, &mask);
    bitwise_copy(&val, field->n_bytes, 0, &value, field->n_bytes, sf.ofs,
                 sf.n_bits);
    bitwise_one(&mask, field->n_bytes, sf.ofs, sf.n_bits);
    if (!mf_is_mask_valid(field, &mask)) {
        return xasprintf("%s: invalid mask for field %s", name, field->name);
    }
    mf_set(field, &value, &mask, match);
    if (!field_usable_of10(field, &mask)) {
        *of10 = false;
    }
    return NULL;
}

/* Returns true if setting MF under MASK is possible in a standard
 * OpenFlow 1.0 match, as OVS's usable-protocol rules say. */
static bool
field_usable_of10(const struct mf_field *mf, const union mf_value *mask)
{
    if (is_all_zeros(mask, mf->n_bytes)) {
        return true;
    }
    switch (mf->id) {
    case MFF_IPV4_SRC:
    case MFF_IPV4_DST:
    case MFF_ARP_SPA:
    case MFF_ARP_TPA:
        return flow_ip_is_cidr(mask->be32);
    case MFF_IN_PORT:
    case MFF_ETH_SRC:
    case MFF_ETH_DST:
    case MFF_ETH_TYPE:
    case MFF_VLAN_TCI:
    case MFF_DL_VLAN:
    case MFF_VLAN_VID:
    case MFF_DL_VLAN_PCP:
    case MFF_VLAN_PCP:
    case MFF_IP_PROTO:
    case MFF_IP_DSCP:
    case MFF_IP_DSCP_SHIFTED:
    case MFF_ARP_OP:
    case MFF_TCP_SRC:
    case MFF_TCP_DST:
    case MFF_UDP_SRC:
    case MFF_UDP_DST:
    case MFF_ICMPV4_TYPE:
    case MFF_ICMPV4_CODE:
        return is_all_ones(mask, mf->n_bytes);
    default:
        return false;
    }
}

char *
ofp_parse_match_field(const char *name, const char *value,
                      const struct ofp_port_map *port_map,
                      struct match *match, bool *handled, bool *of10)
{
    const struct mf_field *mf = mf_from_field_name(name);
    char *error;

    *handled = true;
    if (mf) {
        union mf_value v, m;

        /* A field without a value matches on its existence: "0/0". */
        error = mf_parse(mf, *value ? value : "0/0", port_map, &v, &m);
        if (!error) {
            mf_set(mf, &v, &m, match);
            if (!field_usable_of10(mf, &m)) {
                *of10 = false;
            }
        }
    } else if (strchr(name, '[')) {
        error = parse_subfield(name, value, match, of10);
    } else {
        *handled = false;
        return NULL;
    }
    if (error) {
        COVERAGE_INC(ofp_parse_match_error);
    }
    return error;
}

/* Returns true if MATCH's conntrack state shows a valid connection, as
 * OVS's is_ct_valid() does for a match. */
static bool
match_is_ct_valid(const struct match *match)
{
    return mf_are_match_prereqs_ok(mf_from_id(MFF_CT_NW_PROTO), match);
}

void
ofp_match_drop_unmet_prereqs(struct match *match)
{
    struct flow *f = &match->flow;
    struct flow *w = &match->wc.masks;
    be16 dl_type = w->dl_type ? f->dl_type : 0;
    bool ip4 = dl_type == htons(ETH_TYPE_IP);
    bool ip6 = dl_type == htons(ETH_TYPE_IPV6);
    bool arp = dl_type == htons(ETH_TYPE_ARP)
               || dl_type == htons(ETH_TYPE_RARP);
    bool tcp, udp, sctp, icmp4, icmp6, nd;
    uint8_t proto;

    match_normalize(match);
    if (!ip4 && !arp) {
        w->nw_src = w->nw_dst = 0;
    }
    if (!ip6) {
        memset(&w->ipv6_src, 0, sizeof w->ipv6_src);
        memset(&w->ipv6_dst, 0, sizeof w->ipv6_dst);
        w->ipv6_label = 0;
    }
    if (!ip4 && !ip6 && !arp) {
        w->nw_proto = 0;
    }
    if (!ip4 && !ip6) {
        w->nw_tos = 0;
        w->nw_ttl = 0;
        w->nw_frag = 0;
    }

    proto = w->nw_proto && (ip4 || ip6) ? f->nw_proto : 0;
    tcp = proto == IPPROTO_TCP_;
    udp = proto == IPPROTO_UDP_;
    sctp = proto == IPPROTO_SCTP_;
    icmp4 = ip4 && proto == IPPROTO_ICMP_;
    icmp6 = ip6 && proto == IPPROTO_ICMPV6_;
    if (!tcp && !udp && !sctp && !icmp4 && !icmp6) {
        w->tp_src = w->tp_dst = 0;
    }
    if (!tcp) {
        w->tcp_flags = 0;
    }
    match_normalize(match);

    /* ICMP types and codes are 8-bit fields: an encoded match carries
     * the low byte of tp_src/tp_dst, exactly. */
    if (icmp4 || icmp6) {
        if (w->tp_src) {
            f->tp_src = htons(ntohs(f->tp_src) & 0xff);
            w->tp_src = htons(UINT16_MAX);
        }
        if (w->tp_dst) {
            f->tp_dst = htons(ntohs(f->tp_dst) & 0xff);
            w->tp_dst = htons(UINT16_MAX);
        }
    }

    nd = icmp6 && f->tp_dst == 0
         && (f->tp_src == htons(ND_NEIGHBOR_SOLICIT)
             || f->tp_src == htons(ND_NEIGHBOR_ADVERT));
    if (!nd) {
        memset(&w->nd_target, 0, sizeof w->nd_target);
    }
    if (!arp && !(nd && f->tp_src == htons(ND_NEIGHBOR_SOLICIT))) {
        w->arp_sha = eth_addr_zero;
    }
    if (!arp && !(nd && f->tp_src == htons(ND_NEIGHBOR_ADVERT))) {
        w->arp_tha = eth_addr_zero;
    }
    if (!match_is_ct_valid(match)) {
        w->ct_nw_proto = 0;
        w->ct_nw_src = w->ct_nw_dst = 0;
        w->ct_tp_src = w->ct_tp_dst = 0;
    }
    match_normalize(match);
}

void
ofp_match_finish(struct match *match, bool of10)
{
    struct flow *f = &match->flow;
    struct flow *w = &match->wc.masks;

    /* Only NXM carries L3 and L4 fields within IPv6. */
    if (w->dl_type && f->dl_type == htons(ETH_TYPE_IPV6)
        && (w->nw_proto || w->nw_tos || w->tp_src || w->tp_dst)) {
        of10 = false;
    }
    /* Ethernet types below 0x600 are all 802.2 frames to OpenFlow. */
    if (w->dl_type && ntohs(f->dl_type) < ETH_TYPE_MIN) {
        f->dl_type = htons(0x05ff);
    }
    ofp_match_drop_unmet_prereqs(match);
    if (of10) {
        be16 tci = f->vlans[0].tci;
        be16 mask = w->vlans[0].tci;

        if (mask & htons(VLAN_CFI) && !(tci & htons(VLAN_CFI))) {
            f->vlans[0].tci = 0;
            w->vlans[0].tci = htons(UINT16_MAX);
        } else {
            if (mask & htons(VLAN_VID_MASK)) {
                mask |= htons(VLAN_VID_MASK | VLAN_CFI);
            }
            if (mask & htons(VLAN_PCP_MASK)) {
                mask |= htons(VLAN_PCP_MASK | VLAN_CFI);
            }
            w->vlans[0].tci = mask;
            match_normalize(match);
        }
    }
}

bool
ofp_match_has_unencodable_fields(const struct match *match)
{
    const struct flow *w = &match->wc.masks;

    return w->skb_priority || w->tunnel.ip_ttl || w->tunnel.ip_tos;
}

char *
ofp_parse_match(const char *s, const struct ofp_port_map *port_map,
                struct match *match, int *priority)
{
    struct match m;
    char *name, *value;
    char *copy, *pos;
    char *error = NULL;
    int prio = OFP_DEFAULT_PRIORITY;
    bool of10 = true;

    if (strlen(s) > OFP_PARSE_MAX_LEN) {
        COVERAGE_INC(ofp_parse_match_error);
        return xasprintf("flow text too long (%zu bytes, at most %d)",
                         strlen(s), OFP_PARSE_MAX_LEN);
    }
    match_init_catchall(&m);
    pos = copy = xstrdup(s);
    while (ofp_parse_key_value(&pos, &name, &value)) {
        uint16_t dl_type;
        uint8_t nw_proto;
        bool handled;

        if (ofp_parse_protocol(name, &dl_type, &nw_proto)) {
            m.flow.dl_type = htons(dl_type);
            m.wc.masks.dl_type = htons(UINT16_MAX);
            if (nw_proto) {
                m.flow.nw_proto = nw_proto;
                m.wc.masks.nw_proto = UINT8_MAX;
            }
            continue;
        }
        if (!strcmp(name, "eth") || !strcmp(name, "no_readonly_table")
            || !strcmp(name, "allow_hidden_fields")) {
            continue;
        }
        error = ofp_parse_match_field(name, value, port_map, &m, &handled,
                                      &of10);
        if (error) {
            goto out;
        }
        if (handled) {
            continue;
        }
        if (!*value) {
            error = xasprintf("field %s missing value", name);
        } else if (!strcmp(name, "priority")) {
            int x;

            if (!str_to_int(value, 0, &x) || x < 0 || x > 65535) {
                error = xasprintf("invalid priority \"%s\"", value);
            }
            prio = x;
        } else {
            error = xasprintf("unknown keyword %s", name);
        }
        if (error) {
            COVERAGE_INC(ofp_parse_match_error);
            goto out;
        }
    }
    if (ofp_match_has_unencodable_fields(&m)) {
        error = xstrdup("no usable protocol");
        COVERAGE_INC(ofp_parse_match_error);
        goto out;
    }
    ofp_match_finish(&m, of10);
    *match = m;
    if (priority) {
        *priority = prio;
    }

out:
    free(copy);
    return error;
}

/* Returns the field that NAME's field stands for in FLOW: the port and
 * ICMP names ("tp_src", "icmp_type") name the TCP and ICMPv4 fields, but
 * in a trace flow they mean the same bits of the protocol FLOW has. */
static const struct mf_field *
field_for_flow(const struct mf_field *mf, const struct flow *flow)
{
    static const struct {
        enum mf_field_id from;  /* Field the name gives. */
        uint8_t proto;          /* IP protocol of the flow... */
        bool ipv6_only;         /* ...only over IPv6. */
        enum mf_field_id to;    /* Field meant in that case. */
    } map[] = {
        { MFF_TCP_SRC, IPPROTO_UDP_, false, MFF_UDP_SRC },
        { MFF_TCP_DST, IPPROTO_UDP_, false, MFF_UDP_DST },
        { MFF_TCP_SRC, IPPROTO_SCTP_, false, MFF_SCTP_SRC },
        { MFF_TCP_DST, IPPROTO_SCTP_, false, MFF_SCTP_DST },
        { MFF_ICMPV4_TYPE, IPPROTO_ICMPV6_, true, MFF_ICMPV6_TYPE },
        { MFF_ICMPV4_CODE, IPPROTO_ICMPV6_, true, MFF_ICMPV6_CODE },
    };

    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (mf->id == map[i].from && flow->nw_proto == map[i].proto
            && (map[i].ipv6_only ? flow->dl_type == htons(ETH_TYPE_IPV6)
                                 : is_ip_any(flow))) {
            return mf_from_id(map[i].to);
        }
    }
    return mf;
}

char *
ofp_parse_exact_flow(const char *s, const struct ofp_port_map *port_map,
                     struct flow *flow)
{
    char *pos, *copy, *key, *value_s;
    char *error = NULL;
    struct flow f;

    if (strlen(s) > OFP_PARSE_MAX_LEN) {
        COVERAGE_INC(ofp_parse_match_error);
        return xasprintf("flow text too long (%zu bytes, at most %d)",
                         strlen(s), OFP_PARSE_MAX_LEN);
    }
    memset(&f, 0, sizeof f);
    pos = copy = xstrdup(s);
    while (ofp_parse_key_value(&pos, &key, &value_s)) {
        const struct mf_field *mf;
        union mf_value value, cur;
        uint16_t dl_type;
        uint8_t nw_proto;
        char *field_error;

        if (ofp_parse_protocol(key, &dl_type, &nw_proto)) {
            if (f.dl_type) {
                error = xasprintf("%s: Ethernet type set multiple times", s);
                goto exit;
            }
            f.dl_type = htons(dl_type);
            if (nw_proto) {
                if (f.nw_proto) {
                    error = xasprintf("%s: network protocol set multiple "
                                      "times", s);
                    goto exit;
                }
                f.nw_proto = nw_proto;
            }
            continue;
        }

        mf = mf_from_field_name(key);
        if (!mf) {
            error = xasprintf("%s: unknown field %s", s, key);
            goto exit;
        }
        mf = field_for_flow(mf, &f);
        if (!mf_are_prereqs_ok(mf, &f)) {
            error = xasprintf("%s: prerequisites not met for setting %s", s,
                              key);
            goto exit;
        }
        mf_get_value(mf, &f, &cur);
        if (!is_all_zeros(&cur, mf->n_bytes)) {
            error = xasprintf("%s: field %s set multiple times", s, key);
            goto exit;
        }
        field_error = mf_parse_value(mf, value_s, port_map, &value);
        if (field_error) {
            error = xasprintf("%s: bad value for %s (%s)", s, key,
                              field_error);
            free(field_error);
            goto exit;
        }
        mf_set_flow_value(mf, &value, &f);
    }
    if (!f.in_port) {
        f.in_port = OFPP_NONE;
    }
    /* A VLAN header given by its TCI is an 802.1Q tag, as a packet with
     * that header would have (OVS's flow_fix_vlan_tpid()). */
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (f.vlans[i].tci & htons(VLAN_CFI) && !f.vlans[i].tpid) {
            f.vlans[i].tpid = htons(ETH_TYPE_VLAN_8021Q);
        }
    }
    *flow = f;

exit:
    if (error) {
        COVERAGE_INC(ofp_parse_match_error);
    }
    free(copy);
    return error;
}
