/*
 * odp-key-parse.c: parsing datapath flow keys from the text that
 * `dpctl/dump-flows` prints and `netdev-dummy/receive` takes.  The
 * attribute payloads are filled as OVS's parser fills its Netlink
 * attributes and then stored into struct flow with the conversions shared
 * with odp-key.c (odp-private.h).
 */
#include "flow/odp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow/odp-private.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(odp_flow_parse_error);

static const char delimiters[] = ", \t\r\n";

void
odp_skip_delims(const char **sp)
{
    *sp += strspn(*sp, delimiters);
}

bool
odp_match(const char **sp, const char *literal)
{
    size_t n = strlen(literal);

    if (!strncmp(*sp, literal, n)) {
        *sp += n;
        return true;
    }
    return false;
}

bool
odp_scan_uint(const char **sp, uint64_t max, uint64_t *value)
{
    const char *s = *sp;
    char *end;
    unsigned long long x;

    if (*s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    x = strtoull(s, &end, 0);
    if (errno || x > max || end == s) {
        return false;
    }
    *value = x;
    *sp = end;
    return true;
}

char *
odp_token(const char *s)
{
    size_t n = strcspn(s, ",)( \t\r\n");

    return xstrndup(s, MIN(n ? n : strlen(s), 40));
}

/* Parser state for one key. */
struct parse_ctx {
    struct flow *f;          /* Key being filled. */
    struct flow *m;          /* Its mask. */
    bool masked;             /* The caller wants the mask. */
    struct okey_tun tun;     /* Tunnel attribute, if any. */
    struct okey_tun tun_mask;
    bool have_tun;
};

/* Per-level state: the VLAN nest "eth_type(0x8100),vlan(...),encap(...)"
 * of level N fills vlans[N]. */
struct level_state {
    bool have_eth_type;
    be16 eth_type, eth_type_mask;
    bool have_vlan;
    be16 tci, tci_mask;
    bool have_encap;
};

static char *
field_error(const char *attr, const char *field)
{
    char *tok = odp_token(field);
    char *error = xasprintf("%s: invalid or unknown field `%s'", attr, tok);

    free(tok);
    return error;
}

/* Consumes the "/" that introduces a mask, if *SP starts with one. */
static bool
scan_slash(const char **sp)
{
    return odp_match(sp, "/");
}

static bool
scan_u64_masked(const char **sp, uint64_t max, uint64_t *v, uint64_t *m)
{
    if (!odp_scan_uint(sp, max, v)) {
        return false;
    }
    *m = max;
    if (scan_slash(sp) && !odp_scan_uint(sp, max, m)) {
        return false;
    }
    return true;
}

static bool
scan_u8(const char **sp, uint8_t *v, uint8_t *m)
{
    uint64_t x, y;

    if (!scan_u64_masked(sp, UINT8_MAX, &x, &y)) {
        return false;
    }
    *v = x;
    *m = y;
    return true;
}

static bool
scan_be16(const char **sp, be16 *v, be16 *m)
{
    uint64_t x, y;

    if (!scan_u64_masked(sp, UINT16_MAX, &x, &y)) {
        return false;
    }
    *v = htons(x);
    *m = htons(y);
    return true;
}

static bool
scan_u32(const char **sp, uint32_t *v, uint32_t *m)
{
    uint64_t x, y;

    if (!scan_u64_masked(sp, UINT32_MAX, &x, &y)) {
        return false;
    }
    *v = x;
    *m = y;
    return true;
}

bool
odp_scan_ipv4(const char **sp, be32 *ip)
{
    const char *s = *sp;
    size_t n = strspn(s, "0123456789.");
    char buf[16];
    struct in_addr a;

    if (!n || n >= sizeof buf) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, &a) != 1) {
        return false;
    }
    *ip = a.s_addr;
    *sp = s + n;
    return true;
}

static bool
scan_ipv4(const char **sp, be32 *v, be32 *m)
{
    if (!odp_scan_ipv4(sp, v)) {
        return false;
    }
    *m = UINT32_MAX;
    return !scan_slash(sp) || odp_scan_ipv4(sp, m);
}

bool
odp_scan_ipv6(const char **sp, struct in6_addr *ip)
{
    const char *s = *sp;
    size_t n = strspn(s, "0123456789abcdefABCDEF:.");
    char buf[INET6_ADDRSTRLEN];

    if (!n || n >= sizeof buf) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET6, buf, ip) != 1) {
        return false;
    }
    *sp = s + n;
    return true;
}

static bool
scan_in6(const char **sp, struct in6_addr *v, struct in6_addr *m)
{
    if (!odp_scan_ipv6(sp, v)) {
        return false;
    }
    memset(m, 0xff, sizeof *m);
    return !scan_slash(sp) || odp_scan_ipv6(sp, m);
}

bool
odp_scan_mac(const char **sp, struct eth_addr *ea)
{
    const char *s = *sp;

    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        int hi, lo;

        if (i && *s++ != ':') {
            return false;
        }
        hi = hexit_value(s[0]);
        if (hi < 0) {
            return false;
        }
        lo = hexit_value(s[1]);
        if (lo < 0) {
            return false;
        }
        ea->ea[i] = hi * 16 + lo;
        s += 2;
    }
    *sp = s;
    return true;
}

static bool
scan_mac(const char **sp, struct eth_addr *v, struct eth_addr *m)
{
    if (!odp_scan_mac(sp, v)) {
        return false;
    }
    *m = eth_addr_broadcast;
    return !scan_slash(sp) || odp_scan_mac(sp, m);
}

static bool
scan_frag(const char **sp, uint8_t *v, uint8_t *m)
{
    *m = UINT8_MAX;
    if (odp_match(sp, "no")) {
        *v = OKEY_FRAG_NO;
    } else if (odp_match(sp, "first")) {
        *v = OKEY_FRAG_FIRST;
    } else if (odp_match(sp, "later")) {
        *v = OKEY_FRAG_LATER;
    } else {
        return false;
    }
    return true;
}

/* If *SP starts with the name of one of the ALLOWED flags (not followed
 * by another letter), advances *SP past it and returns its bit; otherwise
 * returns 0. */
static uint32_t
scan_flag_name(const char **sp, odp_flag_name_func *name, uint32_t allowed)
{
    for (uint32_t b = 1; b && b <= allowed; b <<= 1) {
        const char *n = b & allowed ? name(b) : NULL;
        size_t len = n ? strlen(n) : 0;

        if (n && !strncmp(*sp, n, len)
            && !((*sp)[len] >= 'a' && (*sp)[len] <= 'z')) {
            *sp += len;
            return b;
        }
    }
    return 0;
}

/* Parses a flag set in any of OVS's spellings, up to (not past) the closing
 * parenthesis: "a|b", "+a-b", "0", or "0xV/0xM".  Flags not mentioned in
 * a "+a-b" list are wildcarded; the other forms give MAX_MASK. */
static bool
scan_flags(const char **sp, odp_flag_name_func *name, uint32_t allowed,
           uint32_t max_mask, uint32_t *flags, uint32_t *mask)
{
    const char *s = *sp;

    *flags = 0;
    *mask = max_mask;
    if (*s >= '0' && *s <= '9') {
        uint64_t v, m;

        if (!odp_scan_uint(&s, UINT32_MAX, &v) || v & ~(uint64_t) allowed) {
            return false;
        }
        *flags = v;
        if (scan_slash(&s)) {
            if (!odp_scan_uint(&s, UINT32_MAX, &m)
                || m & ~(uint64_t) allowed) {
                return false;
            }
            *mask = m;
        }
    } else if (*s == '+' || *s == '-') {
        *mask = 0;
        while (*s == '+' || *s == '-') {
            bool set = *s++ == '+';
            uint32_t bit = scan_flag_name(&s, name, allowed);

            if (!bit) {
                return false;
            }
            *mask |= bit;
            if (set) {
                *flags |= bit;
            }
        }
    } else {
        do {
            uint32_t bit = scan_flag_name(&s, name, allowed);

            if (!bit) {
                return false;
            }
            *flags |= bit;
        } while (odp_match(&s, "|"));
    }
    *sp = s;
    return true;
}

/* Parses a 128-bit value in hex ("0x" and up to 32 digits) or decimal (up
 * to 64 bits) into V, V[0] being the low 64 bits. */
bool
odp_scan_u128(const char **sp, uint64_t v[2])
{
    const char *s = *sp;

    v[0] = v[1] = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        size_t len = strspn(s + 2, "0123456789abcdefABCDEF");

        if (!len || len > 32) {
            return false;
        }
        for (size_t i = 0; i < len; i++) {
            char c = s[2 + i];
            uint64_t d = (c <= '9' ? c - '0'
                          : c <= 'F' ? c - 'A' + 10 : c - 'a' + 10);

            v[1] = (v[1] << 4) | (v[0] >> 60);
            v[0] = (v[0] << 4) | d;
        }
        *sp = s + 2 + len;
        return true;
    }
    return odp_scan_uint(sp, UINT64_MAX, &v[0]);
}

/* Iterates over the fields of an attribute: skips delimiters and returns
 * false at the closing parenthesis (consuming it). */
static bool
next_field(const char **sp, const char *attr, char **errorp)
{
    odp_skip_delims(sp);
    if (**sp == ')') {
        (*sp)++;
        return false;
    }
    if (!**sp) {
        *errorp = xasprintf("%s: missing `)'", attr);
        return false;
    }
    return true;
}

static char *
parse_tunnel(const char **sp, struct okey_tun *k, struct okey_tun *m)
{
    char *error = NULL;

    memset(k, 0, sizeof *k);
    memset(m, 0, sizeof *m);
    while (next_field(sp, "tunnel", &error)) {
        const char *field = *sp;
        bool ok;

        if (odp_match(sp, "tun_id=")) {
            uint64_t v, mk;

            ok = scan_u64_masked(sp, UINT64_MAX, &v, &mk);
            k->has_id = m->has_id = true;
            k->id = htonll(v);
            m->id = htonll(mk);
        } else if (odp_match(sp, "src=")) {
            ok = scan_ipv4(sp, &k->src, &m->src);
            k->has_src = m->has_src = true;
        } else if (odp_match(sp, "dst=")) {
            ok = scan_ipv4(sp, &k->dst, &m->dst);
            k->has_dst = m->has_dst = true;
        } else if (odp_match(sp, "tos=")) {
            ok = scan_u8(sp, &k->tos, &m->tos);
            k->has_tos = m->has_tos = true;
        } else if (odp_match(sp, "ttl=")) {
            ok = scan_u8(sp, &k->ttl, &m->ttl);
        } else if (odp_match(sp, "tp_src=")) {
            ok = scan_be16(sp, &k->tp_src, &m->tp_src);
            k->has_tp_src = m->has_tp_src = true;
        } else if (odp_match(sp, "tp_dst=")) {
            ok = scan_be16(sp, &k->tp_dst, &m->tp_dst);
            k->has_tp_dst = m->has_tp_dst = true;
        } else if (odp_match(sp, "flags(")) {
            uint32_t flags, mask;

            ok = (scan_flags(sp, odp_tnl_flag_name, OTNL_ALL, OTNL_ALL, &flags,
                             &mask)
                  && odp_match(sp, ")"));
            k->flags = flags & (OTNL_DF | OTNL_CSUM | OTNL_OAM);
            m->flags = mask & (OTNL_DF | OTNL_CSUM | OTNL_OAM);
            /* The key flag stands for the tunnel ID's presence. */
            k->has_id |= (flags & OTNL_KEY) != 0;
            m->has_id |= (mask & OTNL_KEY) != 0;
        } else {
            ok = false;
        }
        if (!ok) {
            return field_error("tunnel", field);
        }
    }
    return error;
}

/* Parses the fields of the attribute NAME (whose "NAME(" has been
 * consumed) into PC's flow and mask.  Attributes that describe headers
 * below a VLAN tag are handled by the caller through LS. */
static char *
parse_fields(const char *name, const char **sp, struct parse_ctx *pc,
             struct level_state *ls)
{
    struct flow *f = pc->f;
    struct flow *m = pc->m;
    char *error = NULL;

    if (!strcmp(name, "recirc_id") || !strcmp(name, "dp_hash")
        || !strcmp(name, "skb_priority") || !strcmp(name, "skb_mark")
        || !strcmp(name, "in_port") || !strcmp(name, "ct_mark")) {
        uint32_t v, mk;
        uint32_t *fv = (!strcmp(name, "recirc_id") ? &f->recirc_id
                        : !strcmp(name, "dp_hash") ? &f->dp_hash
                        : !strcmp(name, "skb_priority") ? &f->skb_priority
                        : !strcmp(name, "skb_mark") ? &f->pkt_mark
                        : !strcmp(name, "in_port") ? &f->in_port
                        : &f->ct_mark);
        uint32_t *mv = (uint32_t *) ((char *) m + ((char *) fv - (char *) f));

        if (!scan_u32(sp, &v, &mk) || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        *fv = v;
        *mv = mk;
    } else if (!strcmp(name, "ct_zone")) {
        be16 v, mk;

        if (!scan_be16(sp, &v, &mk) || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        f->ct_zone = ntohs(v);
        m->ct_zone = ntohs(mk);
    } else if (!strcmp(name, "ct_state")) {
        uint32_t v, mk;

        if (!scan_flags(sp, odp_ct_state_flag_name, 0xff, 0xff, &v, &mk)
            || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        f->ct_state = v;
        m->ct_state = mk;
    } else if (!strcmp(name, "ct_label")) {
        uint64_t mk[2] = { UINT64_MAX, UINT64_MAX };

        if (!odp_scan_u128(sp, f->ct_label)
            || (scan_slash(sp) && !odp_scan_u128(sp, mk))
            || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        memcpy(m->ct_label, mk, sizeof mk);
    } else if (!strcmp(name, "tunnel")) {
        error = parse_tunnel(sp, &pc->tun, &pc->tun_mask);
        pc->have_tun = true;
    } else if (!strcmp(name, "packet_type")) {
        /* The userspace datapath's packet type: always Ethernet here. */
        uint64_t ns, id;

        if (!odp_match(sp, "ns=") || !odp_scan_uint(sp, UINT16_MAX, &ns)
            || !odp_match(sp, ",id=")
            || !odp_scan_uint(sp, UINT16_MAX, &id) || ns || id
            || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
    } else if (!strcmp(name, "eth")) {
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            bool ok = (odp_match(sp, "src=")
                       ? scan_mac(sp, &f->dl_src, &m->dl_src)
                       : odp_match(sp, "dst=")
                       ? scan_mac(sp, &f->dl_dst, &m->dl_dst) : false);
            if (!ok) {
                return field_error(name, field);
            }
        }
    } else if (!strcmp(name, "eth_type")) {
        if (!scan_be16(sp, &ls->eth_type, &ls->eth_type_mask)
            || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        ls->have_eth_type = true;
    } else if (!strcmp(name, "vlan")) {
        uint16_t tci = VLAN_CFI, tci_mask = VLAN_CFI;

        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            uint64_t v, mk;
            int shift, bits;

            if (odp_match(sp, "vid=")) {
                shift = 0;
                bits = 12;
            } else if (odp_match(sp, "pcp=")) {
                shift = VLAN_PCP_SHIFT;
                bits = 3;
            } else if (odp_match(sp, "cfi=")) {
                shift = 12;
                bits = 1;
            } else {
                return field_error(name, field);
            }
            if (!scan_u64_masked(sp, (1u << bits) - 1, &v, &mk)) {
                return field_error(name, field);
            }
            tci = (tci & ~(((1u << bits) - 1) << shift)) | (v << shift);
            tci_mask = ((tci_mask & ~(((1u << bits) - 1) << shift))
                        | (mk << shift));
        }
        ls->have_vlan = true;
        ls->tci = htons(tci);
        ls->tci_mask = htons(tci_mask);
    } else if (!strcmp(name, "ipv4")) {
        struct okey_ipv4 k, mk;

        memset(&k, 0, sizeof k);
        memset(&mk, 0, sizeof mk);
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            bool ok = (odp_match(sp, "src=") ? scan_ipv4(sp, &k.src, &mk.src)
                       : odp_match(sp, "dst=") ? scan_ipv4(sp, &k.dst, &mk.dst)
                       : odp_match(sp, "proto=")
                       ? scan_u8(sp, &k.proto, &mk.proto)
                       : odp_match(sp, "tos=") ? scan_u8(sp, &k.tos, &mk.tos)
                       : odp_match(sp, "ttl=") ? scan_u8(sp, &k.ttl, &mk.ttl)
                       : odp_match(sp, "frag=")
                       ? scan_frag(sp, &k.frag, &mk.frag) : false);
            if (!ok) {
                return field_error(name, field);
            }
        }
        odp_key_put_ipv4(&k, false, f);
        odp_key_put_ipv4(&mk, true, m);
    } else if (!strcmp(name, "ipv6")) {
        struct okey_ipv6 k, mk;

        memset(&k, 0, sizeof k);
        memset(&mk, 0, sizeof mk);
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            uint32_t label = 0, label_mask = 0;
            bool ok;

            if (odp_match(sp, "label=")) {
                ok = (scan_u32(sp, &label, &label_mask)
                      && !(label & ~0xfffffu));
                k.label = htonl(label);
                mk.label = htonl(label_mask == UINT32_MAX ? 0xfffff
                                 : label_mask);
            } else {
                ok = (odp_match(sp, "src=") ? scan_in6(sp, &k.src, &mk.src)
                      : odp_match(sp, "dst=") ? scan_in6(sp, &k.dst, &mk.dst)
                      : odp_match(sp, "proto=")
                      ? scan_u8(sp, &k.proto, &mk.proto)
                      : odp_match(sp, "tclass=")
                      ? scan_u8(sp, &k.tclass, &mk.tclass)
                      : odp_match(sp, "hlimit=")
                      ? scan_u8(sp, &k.hlimit, &mk.hlimit)
                      : odp_match(sp, "frag=")
                      ? scan_frag(sp, &k.frag, &mk.frag) : false);
            }
            if (!ok) {
                return field_error(name, field);
            }
        }
        odp_key_put_ipv6(&k, false, f);
        odp_key_put_ipv6(&mk, true, m);
    } else if (!strcmp(name, "tcp") || !strcmp(name, "udp")
               || !strcmp(name, "sctp")) {
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            bool ok = (odp_match(sp, "src=")
                       ? scan_be16(sp, &f->tp_src, &m->tp_src)
                       : odp_match(sp, "dst=")
                       ? scan_be16(sp, &f->tp_dst, &m->tp_dst) : false);
            if (!ok) {
                return field_error(name, field);
            }
        }
    } else if (!strcmp(name, "tcp_flags")) {
        uint32_t v, mk;

        if (!scan_flags(sp, odp_tcp_flag_name, 0x0fff, 0x0fff, &v, &mk)
            || !odp_match(sp, ")")) {
            return field_error(name, *sp);
        }
        f->tcp_flags = htons(v);
        m->tcp_flags = htons(mk);
    } else if (!strcmp(name, "icmp") || !strcmp(name, "icmpv6")) {
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            uint8_t v, mk;
            bool is_type = odp_match(sp, "type=");

            if ((!is_type && !odp_match(sp, "code="))
                || !scan_u8(sp, &v, &mk)) {
                return field_error(name, field);
            }
            if (is_type) {
                f->tp_src = htons(v);
                m->tp_src = htons(mk);
            } else {
                f->tp_dst = htons(v);
                m->tp_dst = htons(mk);
            }
        }
    } else if (!strcmp(name, "arp")) {
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            bool ok;

            if (odp_match(sp, "op=")) {
                be16 op, op_mask;

                ok = scan_be16(sp, &op, &op_mask) && ntohs(op) <= UINT8_MAX;
                f->nw_proto = ntohs(op);
                m->nw_proto = ntohs(op_mask);
            } else {
                ok = (odp_match(sp, "sip=")
                      ? scan_ipv4(sp, &f->nw_src, &m->nw_src)
                      : odp_match(sp, "tip=")
                      ? scan_ipv4(sp, &f->nw_dst, &m->nw_dst)
                      : odp_match(sp, "sha=")
                      ? scan_mac(sp, &f->arp_sha, &m->arp_sha)
                      : odp_match(sp, "tha=")
                      ? scan_mac(sp, &f->arp_tha, &m->arp_tha) : false);
            }
            if (!ok) {
                return field_error(name, field);
            }
        }
    } else if (!strcmp(name, "nd")) {
        while (next_field(sp, name, &error)) {
            const char *field = *sp;
            bool ok = (odp_match(sp, "target=")
                       ? scan_in6(sp, &f->nd_target, &m->nd_target)
                       : odp_match(sp, "sll=")
                       ? scan_mac(sp, &f->arp_sha, &m->arp_sha)
                       : odp_match(sp, "tll=")
                       ? scan_mac(sp, &f->arp_tha, &m->arp_tha) : false);
            if (!ok) {
                return field_error(name, field);
            }
        }
    } else {
        return xasprintf("unknown datapath key attribute `%s'", name);
    }
    return error;
}

static char *
parse_attr_name(const char **sp, char *name, size_t size)
{
    const char *s = *sp;
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

    if (!n || n >= size || s[n] != '(') {
        char *tok = odp_token(s);
        char *error = xasprintf("syntax error at `%s' (expected an "
                                "attribute such as `in_port(1)')", tok);
        free(tok);
        return error;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    *sp = s + n + 1;
    return NULL;
}

/* Parses a list of attributes at VLAN nesting level LEVEL, up to the end
 * of the string (LEVEL 0) or the closing parenthesis of encap().  Stores
 * in *NONEMPTY whether the list had any attribute.
 *
 * "eth_type(T),vlan(...),encap(...)" at level N is the VLAN header N with
 * TPID T.  As the printer shows a frame whose VLAN header was cut short
 * (dl_type is a VLAN type, vlans[N] is zero) as "eth_type(T),encap()",
 * an empty encap() after a zero TCI means that; a vlan() without encap()
 * is taken as if followed by an empty encap(). */
static char *
parse_level(const char **sp, struct parse_ctx *pc, int level, bool *nonempty)
{
    struct level_state ls;
    bool inner_nonempty = false;

    memset(&ls, 0, sizeof ls);
    *nonempty = false;
    for (;;) {
        char name[32];
        char *error;

        odp_skip_delims(sp);
        if (!**sp) {
            if (level) {
                return xstrdup("encap: missing `)'");
            }
            break;
        }
        if (**sp == ')') {
            if (!level) {
                return xstrdup("unexpected `)'");
            }
            (*sp)++;
            break;
        }
        error = parse_attr_name(sp, name, sizeof name);
        if (error) {
            return error;
        }
        *nonempty = true;
        if (!strcmp(name, "encap")) {
            if (level >= FLOW_MAX_VLAN_HEADERS) {
                return xasprintf("encap: more than %d VLAN headers",
                                 FLOW_MAX_VLAN_HEADERS);
            }
            ls.have_encap = true;
            error = parse_level(sp, pc, level + 1, &inner_nonempty);
        } else {
            error = parse_fields(name, sp, pc, &ls);
        }
        if (error) {
            return error;
        }
    }

    if (ls.have_encap || ls.have_vlan) {
        if (level >= FLOW_MAX_VLAN_HEADERS) {
            return xasprintf("vlan: more than %d VLAN headers",
                             FLOW_MAX_VLAN_HEADERS);
        }
        /* A TCI under an all-zero mask does not print, so it is dropped
         * here too: the key's text then reads back the same. */
        if (pc->masked && !ls.tci_mask) {
            ls.tci = 0;
        }
        pc->m->vlans[level].tci = ls.tci_mask;
        if (!ls.tci && !inner_nonempty) {
            pc->f->dl_type = ls.eth_type;
            pc->m->dl_type = ls.eth_type_mask;
        } else {
            pc->f->vlans[level].tpid = ls.eth_type;
            pc->m->vlans[level].tpid = ls.eth_type_mask;
            pc->f->vlans[level].tci = ls.tci;
        }
    } else if (ls.have_eth_type) {
        pc->f->dl_type = ls.eth_type;
        pc->m->dl_type = ls.eth_type_mask;
    }
    return NULL;
}

char *
odp_flow_parse(const char *s, struct flow *flow, struct flow_wildcards *wc)
{
    struct flow f, m;
    struct parse_ctx pc = { .f = &f, .m = &m, .masked = wc != NULL };
    char *error;

    memset(&f, 0, sizeof f);
    memset(&m, 0, sizeof m);
    f.in_port = ODPP_NONE;
    if (!wc) {
        f.dl_type = htons(ODP_DL_TYPE_NONE);
    }

    bool nonempty;

    error = parse_level(&s, &pc, 0, &nonempty);
    if (error) {
        COVERAGE_INC(odp_flow_parse_error);
        return error;
    }
    if (pc.have_tun) {
        odp_key_put_tun(&pc.tun, &f.tunnel);
        odp_key_put_tun(&pc.tun_mask, &m.tunnel);
    }
    if (wc) {
        /* The values of these fields decide which attributes a key has,
         * even where their own attribute does not print because the mask
         * is zero; zero them then, so that printing and parsing agree. */
        if (!m.dl_type) {
            f.dl_type = 0;
        }
        if (!m.nw_proto) {
            f.nw_proto = 0;
        }
        if (!m.nw_frag) {
            f.nw_frag = 0;
        }
        if (!m.tunnel.ip_src) {
            f.tunnel.ip_src = 0;
        }
        if (!m.tunnel.ip_dst) {
            f.tunnel.ip_dst = 0;
        }
    }
    *flow = f;
    if (wc) {
        wc->masks = m;
    }
    return NULL;
}

char *
odp_parse_set_attr(const char **sp, struct flow *key, struct flow *mask,
                   enum odp_set_kind *kind, bool *is_tunnel)
{
    struct parse_ctx pc = { .f = key, .m = mask };
    struct level_state ls;
    char name[32];
    char *error;

    memset(&ls, 0, sizeof ls);
    *is_tunnel = false;
    error = parse_attr_name(sp, name, sizeof name);
    if (error) {
        return error;
    }
    if (!strcmp(name, "eth")) {
        *kind = ODP_SET_ETH;
    } else if (!strcmp(name, "ipv4")) {
        *kind = ODP_SET_IPV4;
    } else if (!strcmp(name, "ipv6")) {
        *kind = ODP_SET_IPV6;
    } else if (!strcmp(name, "tcp")) {
        *kind = ODP_SET_TCP;
    } else if (!strcmp(name, "udp")) {
        *kind = ODP_SET_UDP;
    } else if (!strcmp(name, "skb_mark")) {
        *kind = ODP_SET_SKB_MARK;
    } else if (!strcmp(name, "skb_priority")) {
        *kind = ODP_SET_SKB_PRIORITY;
    } else if (!strcmp(name, "tunnel")) {
        *is_tunnel = true;
    } else {
        return xasprintf("set: unsupported attribute `%s'", name);
    }
    error = parse_fields(name, sp, &pc, &ls);
    if (error) {
        return error;
    }
    if (*is_tunnel) {
        odp_key_put_tun(&pc.tun, &key->tunnel);
        odp_key_put_tun(&pc.tun_mask, &mask->tunnel);
    }
    return NULL;
}
