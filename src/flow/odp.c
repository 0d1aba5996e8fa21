/*
 * odp.c: lists of datapath actions, and their text form as OVS 3.x's
 * format_odp_actions() prints it.
 */
#include "flow/odp.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/odp-private.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(odp_actions_parse_error);

/* OVS_VPORT_TYPE_VXLAN, the "type=" that tnl_push prints for VXLAN. */
#define OVS_VPORT_TYPE_VXLAN 4

/* Well-known ports of the conntrack helpers ("helper=ftp"). */
#define CT_HELPER_FTP 21
#define CT_HELPER_TFTP 69

void
odp_actions_init(struct odp_actions *actions)
{
    actions->a = NULL;
    actions->n = 0;
    actions->allocated = 0;
}

void
odp_actions_clear(struct odp_actions *actions)
{
    for (size_t i = 0; i < actions->n; i++) {
        if (actions->a[i].type == ODP_ACTION_SET_MASKED) {
            free(actions->a[i].set);
        }
    }
    actions->n = 0;
}

void
odp_actions_destroy(struct odp_actions *actions)
{
    odp_actions_clear(actions);
    free(actions->a);
    odp_actions_init(actions);
}

struct odp_action *
odp_actions_put(struct odp_actions *actions, enum odp_action_type type)
{
    struct odp_action *a;

    if (actions->n >= actions->allocated) {
        actions->a = x2nrealloc(actions->a, &actions->allocated,
                                sizeof *actions->a);
    }
    a = &actions->a[actions->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    if (type == ODP_ACTION_SET_MASKED) {
        a->set = xzalloc(sizeof *a->set);
    }
    return a;
}

void
odp_actions_clone(struct odp_actions *dst, const struct odp_actions *src)
{
    odp_actions_init(dst);
    if (!src->n) {
        return;
    }
    dst->a = xmemdup(src->a, src->n * sizeof *src->a);
    dst->n = dst->allocated = src->n;
    for (size_t i = 0; i < dst->n; i++) {
        if (dst->a[i].type == ODP_ACTION_SET_MASKED) {
            dst->a[i].set = xmemdup(src->a[i].set, sizeof *src->a[i].set);
        }
    }
}

static bool
odp_ct_equal(const struct odp_ct *a, const struct odp_ct *b)
{
    return (a->commit == b->commit && a->force == b->force
            && a->zone == b->zone && a->set_mark == b->set_mark
            && a->mark == b->mark && a->mark_mask == b->mark_mask
            && a->set_label == b->set_label
            && !memcmp(a->label, b->label, sizeof a->label)
            && !memcmp(a->label_mask, b->label_mask, sizeof a->label_mask)
            && a->helper == b->helper);
}

static bool
flow_tnl_equal(const struct flow_tnl *a, const struct flow_tnl *b)
{
    return (a->tun_id == b->tun_id && a->ip_src == b->ip_src
            && a->ip_dst == b->ip_dst && a->flags == b->flags
            && a->ip_tos == b->ip_tos && a->ip_ttl == b->ip_ttl
            && a->tp_src == b->tp_src && a->tp_dst == b->tp_dst);
}

static bool
odp_action_equal(const struct odp_action *a, const struct odp_action *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case ODP_ACTION_OUTPUT:
    case ODP_ACTION_TNL_POP:
        return a->port == b->port;
    case ODP_ACTION_USERSPACE:
        return (a->userspace.pid == b->userspace.pid
                && a->userspace.max_len == b->userspace.max_len
                && a->userspace.reason == b->userspace.reason
                && a->userspace.cookie == b->userspace.cookie);
    case ODP_ACTION_SET_MASKED:
        return (a->set->kind == b->set->kind
                && flow_equal(&a->set->key, &b->set->key)
                && flow_equal(&a->set->mask.masks, &b->set->mask.masks));
    case ODP_ACTION_SET_TUNNEL:
        return flow_tnl_equal(&a->tunnel, &b->tunnel);
    case ODP_ACTION_PUSH_VLAN:
        return (a->push_vlan.tpid == b->push_vlan.tpid
                && a->push_vlan.tci == b->push_vlan.tci);
    case ODP_ACTION_POP_VLAN:
    case ODP_ACTION_CT_CLEAR:
        return true;
    case ODP_ACTION_RECIRC:
        return a->recirc_id == b->recirc_id;
    case ODP_ACTION_CT:
        return odp_ct_equal(&a->ct, &b->ct);
    case ODP_ACTION_TNL_PUSH:
        return (a->tnl_push.tnl_port == b->tnl_push.tnl_port
                && a->tnl_push.out_port == b->tnl_push.out_port
                && a->tnl_push.header_len == b->tnl_push.header_len
                && a->tnl_push.tnl_type == b->tnl_push.tnl_type
                && !memcmp(a->tnl_push.header, b->tnl_push.header,
                           a->tnl_push.header_len));
    case ODP_ACTION_CLONE:
        return a->clone.n_actions == b->clone.n_actions;
    case ODP_ACTION_DROP:
        return a->drop == b->drop;
    }
    return false;
}

bool
odp_actions_equal(const struct odp_actions *a, const struct odp_actions *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!odp_action_equal(&a->a[i], &b->a[i])) {
            return false;
        }
    }
    return true;
}

/* Formatting. */

static void
format_userspace(const struct odp_action *a, struct ds *ds)
{
    ds_put_format(ds, "userspace(pid=%" PRIu32 ",controller(reason=%u,"
                  "dont_send=0,continuation=0,recirc_id=%" PRIu32
                  ",rule_cookie=0,controller_id=0,max_len=%u))",
                  a->userspace.pid, a->userspace.reason,
                  a->userspace.cookie, a->userspace.max_len);
}

static void
format_push_vlan(const struct odp_action *a, struct ds *ds)
{
    uint16_t tci = ntohs(a->push_vlan.tci);

    ds_put_cstr(ds, "push_vlan(");
    if (a->push_vlan.tpid != htons(ETH_TYPE_VLAN_8021Q)) {
        ds_put_format(ds, "tpid=0x%04" PRIx16 ",", ntohs(a->push_vlan.tpid));
    }
    ds_put_format(ds, "vid=%u,pcp=%u", tci & VLAN_VID_MASK,
                  tci >> VLAN_PCP_SHIFT);
    if (!(tci & VLAN_CFI)) {
        ds_put_cstr(ds, ",cfi=0");
    }
    ds_put_char(ds, ')');
}

/* Appends a 128-bit value (V[0] the low 64 bits) as OVS's ds_put_hex()
 * does: "0x" and the digits without leading zeros, or "0". */
static void
format_u128(struct ds *ds, const uint64_t v[2])
{
    if (v[1]) {
        ds_put_format(ds, "0x%" PRIx64 "%016" PRIx64, v[1], v[0]);
    } else if (v[0]) {
        ds_put_format(ds, "%#" PRIx64, v[0]);
    } else {
        ds_put_char(ds, '0');
    }
}

static void
format_ct(const struct odp_ct *ct, struct ds *ds)
{
    ds_put_cstr(ds, "ct");
    if (!ct->commit && !ct->force && !ct->zone && !ct->set_mark
        && !ct->set_label && !ct->helper) {
        return;
    }
    ds_put_char(ds, '(');
    if (ct->force) {
        ds_put_cstr(ds, "force_commit,");
    } else if (ct->commit) {
        ds_put_cstr(ds, "commit,");
    }
    if (ct->zone) {
        ds_put_format(ds, "zone=%" PRIu16 ",", ct->zone);
    }
    if (ct->set_mark) {
        ds_put_format(ds, "mark=%#" PRIx32 "/%#" PRIx32 ",", ct->mark,
                      ct->mark_mask);
    }
    if (ct->set_label) {
        ds_put_cstr(ds, "label=");
        format_u128(ds, ct->label);
        if (ct->label_mask[0] != UINT64_MAX
            || ct->label_mask[1] != UINT64_MAX) {
            ds_put_char(ds, '/');
            format_u128(ds, ct->label_mask);
        }
        ds_put_char(ds, ',');
    }
    if (ct->helper == CT_HELPER_FTP) {
        ds_put_cstr(ds, "helper=ftp,");
    } else if (ct->helper == CT_HELPER_TFTP) {
        ds_put_cstr(ds, "helper=tftp,");
    } else if (ct->helper) {
        ds_put_format(ds, "helper=%" PRIu16 ",", ct->helper);
    }
    ds_chomp(ds, ',');
    ds_put_char(ds, ')');
}

static void
format_tnl_push(const struct odp_action *a, struct ds *ds)
{
    const uint8_t *h = a->tnl_push.header;
    size_t len = a->tnl_push.header_len;
    size_t l3_len;
    const struct eth_header *eth = (const void *) h;
    const struct udp_header *udp;
    const struct vxlan_header *vxh;
    be16 dl_type;

    ds_put_format(ds, "tnl_push(tnl_port(%" PRIu32 "),header(size=%zu,"
                  "type=%d,", a->tnl_push.tnl_port, len,
                  a->tnl_push.tnl_type ? a->tnl_push.tnl_type
                  : OVS_VPORT_TYPE_VXLAN);
    if (len < ETH_HEADER_LEN) {
        ds_put_cstr(ds, "<truncated>)");
        goto out_port;
    }
    memcpy(&dl_type, &eth->eth_type, sizeof dl_type);
    ds_put_format(ds, "eth(dst=" ETH_ADDR_FMT ",src=" ETH_ADDR_FMT
                  ",dl_type=0x%04" PRIx16 "),",
                  ETH_ADDR_ARGS(eth->eth_dst), ETH_ADDR_ARGS(eth->eth_src),
                  ntohs(dl_type));
    l3_len = dl_type == htons(ETH_TYPE_IP) ? IP_HEADER_LEN : IPV6_HEADER_LEN;
    if (len < ETH_HEADER_LEN + l3_len + UDP_HEADER_LEN + VXLAN_HLEN) {
        ds_put_cstr(ds, "<truncated>)");
        goto out_port;
    }
    if (dl_type == htons(ETH_TYPE_IP)) {
        struct ip_header ip;

        memcpy(&ip, h + ETH_HEADER_LEN, sizeof ip);
        ds_put_format(ds, "ipv4(src=" IP_FMT ",dst=" IP_FMT ",proto=%" PRIu8
                      ",tos=%#" PRIx8 ",ttl=%" PRIu8 ",frag=0x%" PRIx16 "),",
                      IP_ARGS(ip.ip_src), IP_ARGS(ip.ip_dst), ip.ip_proto,
                      ip.ip_tos, ip.ip_ttl, ntohs(ip.ip_frag_off));
    } else {
        struct ip6_header ip6;
        char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
        uint32_t flow;

        memcpy(&ip6, h + ETH_HEADER_LEN, sizeof ip6);
        flow = ntohl(ip6.ip6_flow);
        inet_ntop(AF_INET6, &ip6.ip6_src, src, sizeof src);
        inet_ntop(AF_INET6, &ip6.ip6_dst, dst, sizeof dst);
        ds_put_format(ds, "ipv6(src=%s,dst=%s,label=%" PRIu32 ",proto=%"
                      PRIu8 ",tclass=0x%" PRIx32 ",hlimit=%" PRIu8 "),",
                      src, dst, flow & 0xfffff, ip6.ip6_nxt,
                      (flow >> 20) & 0xff, ip6.ip6_hlim);
    }
    udp = (const void *) (h + ETH_HEADER_LEN + l3_len);
    vxh = (const void *) (udp + 1);
    {
        struct udp_header u;
        struct vxlan_header v;

        memcpy(&u, udp, sizeof u);
        memcpy(&v, vxh, sizeof v);
        ds_put_format(ds, "udp(src=%" PRIu16 ",dst=%" PRIu16 ",csum=0x%"
                      PRIx16 "),vxlan(flags=0x%" PRIx32 ",vni=0x%" PRIx32
                      "))", ntohs(u.udp_src), ntohs(u.udp_dst),
                      ntohs(u.udp_csum), ntohl(v.vx_flags),
                      ntohl(v.vx_vni) >> 8);
    }
out_port:
    ds_put_format(ds, ",out_port(%" PRIu32 "))", a->tnl_push.out_port);
}

/* Formats the N actions starting at A, returning the number of array
 * entries consumed (clone bodies included). */
static size_t
format_range(const struct odp_action *a, size_t n, struct ds *ds)
{
    size_t i = 0;

    if (!n) {
        ds_put_cstr(ds, "drop");
        return 0;
    }
    while (i < n) {
        const struct odp_action *act = &a[i++];

        if (i > 1) {
            ds_put_char(ds, ',');
        }
        switch (act->type) {
        case ODP_ACTION_OUTPUT:
            ds_put_format(ds, "%" PRIu32, act->port);
            break;
        case ODP_ACTION_USERSPACE:
            format_userspace(act, ds);
            break;
        case ODP_ACTION_SET_MASKED:
            ds_put_cstr(ds, "set(");
            odp_format_set_attr(act->set->kind, &act->set->key,
                                &act->set->mask.masks, ds);
            ds_put_char(ds, ')');
            break;
        case ODP_ACTION_SET_TUNNEL:
            ds_put_cstr(ds, "set(");
            odp_format_tunnel_exact(&act->tunnel, ds);
            ds_put_char(ds, ')');
            break;
        case ODP_ACTION_PUSH_VLAN:
            format_push_vlan(act, ds);
            break;
        case ODP_ACTION_POP_VLAN:
            ds_put_cstr(ds, "pop_vlan");
            break;
        case ODP_ACTION_RECIRC:
            ds_put_format(ds, "recirc(%#" PRIx32 ")", act->recirc_id);
            break;
        case ODP_ACTION_CT:
            format_ct(&act->ct, ds);
            break;
        case ODP_ACTION_CT_CLEAR:
            ds_put_cstr(ds, "ct_clear");
            break;
        case ODP_ACTION_TNL_PUSH:
            format_tnl_push(act, ds);
            break;
        case ODP_ACTION_TNL_POP:
            ds_put_format(ds, "tnl_pop(%" PRIu32 ")", act->port);
            break;
        case ODP_ACTION_CLONE: {
            size_t body = MIN(act->clone.n_actions, n - i);

            ds_put_cstr(ds, "clone(");
            i += format_range(act + 1, body, ds);
            ds_put_char(ds, ')');
            break;
        }
        case ODP_ACTION_DROP:
            ds_put_cstr(ds, "drop");
            break;
        }
    }
    return i;
}

void
odp_actions_format(const struct odp_actions *actions, struct ds *ds)
{
    format_range(actions->a, actions->n, ds);
}

/* Parsing. */

static char *
parse_error(const char *what, const char *s)
{
    char *tok = odp_token(s);
    char *error = xasprintf("%s at `%s'", what, tok);

    free(tok);
    COVERAGE_INC(odp_actions_parse_error);
    return error;
}

static bool
scan_u32(const char **sp, uint32_t *v)
{
    uint64_t x;

    if (!odp_scan_uint(sp, UINT32_MAX, &x)) {
        return false;
    }
    *v = x;
    return true;
}

static char *
parse_userspace(const char **sp, struct odp_actions *actions)
{
    const char *s = *sp;
    uint64_t pid, reason, dont_send, cont, recirc, cookie, id, max_len;

    if (!odp_match(&s, "userspace(pid=")
        || !odp_scan_uint(&s, UINT32_MAX, &pid)
        || !odp_match(&s, ",controller(reason=")
        || !odp_scan_uint(&s, UINT8_MAX, &reason)
        || !odp_match(&s, ",dont_send=")
        || !odp_scan_uint(&s, 1, &dont_send)
        || !odp_match(&s, ",continuation=")
        || !odp_scan_uint(&s, 1, &cont)
        || !odp_match(&s, ",recirc_id=")
        || !odp_scan_uint(&s, UINT32_MAX, &recirc)
        || !odp_match(&s, ",rule_cookie=")
        || !odp_scan_uint(&s, UINT64_MAX, &cookie)
        || !odp_match(&s, ",controller_id=")
        || !odp_scan_uint(&s, UINT16_MAX, &id)
        || !odp_match(&s, ",max_len=")
        || !odp_scan_uint(&s, UINT16_MAX, &max_len)
        || !odp_match(&s, "))")) {
        return parse_error("userspace: expected userspace(pid=P,controller("
                           "reason=R,dont_send=0,continuation=0,recirc_id=C,"
                           "rule_cookie=0,controller_id=0,max_len=M))", s);
    }
    if (dont_send || cont || cookie || id) {
        return parse_error("userspace: unsupported controller option", *sp);
    }

    struct odp_action *a = odp_actions_put(actions, ODP_ACTION_USERSPACE);
    a->userspace.pid = pid;
    a->userspace.reason = reason;
    a->userspace.cookie = recirc;
    a->userspace.max_len = max_len;
    *sp = s;
    return NULL;
}

static char *
parse_push_vlan(const char **sp, struct odp_actions *actions)
{
    const char *s = *sp;
    uint64_t tpid = ETH_TYPE_VLAN_8021Q, vid, pcp, cfi = 1;

    if (!odp_match(&s, "push_vlan(")
        || (odp_match(&s, "tpid=")
            && (!odp_scan_uint(&s, UINT16_MAX, &tpid)
                || !odp_match(&s, ",")))
        || !odp_match(&s, "vid=") || !odp_scan_uint(&s, VLAN_VID_MASK, &vid)
        || !odp_match(&s, ",pcp=") || !odp_scan_uint(&s, 7, &pcp)
        || (odp_match(&s, ",cfi=") && !odp_scan_uint(&s, 1, &cfi))
        || !odp_match(&s, ")")) {
        return parse_error("push_vlan: expected push_vlan([tpid=T,]vid=V,"
                           "pcp=P[,cfi=C])", s);
    }

    struct odp_action *a = odp_actions_put(actions, ODP_ACTION_PUSH_VLAN);
    a->push_vlan.tpid = htons(tpid);
    a->push_vlan.tci = htons(vid | (pcp << VLAN_PCP_SHIFT)
                             | (cfi ? VLAN_CFI : 0));
    *sp = s;
    return NULL;
}

static char *
parse_ct(const char **sp, struct odp_actions *actions)
{
    const char *s = *sp;
    bool seen_commit = false;
    struct odp_ct ct;

    memset(&ct, 0, sizeof ct);
    odp_match(&s, "ct");
    if (odp_match(&s, "(")) {
        for (;;) {
            const char *field;

            odp_skip_delims(&s);
            if (odp_match(&s, ")")) {
                break;
            }
            field = s;
            if (odp_match(&s, "commit")) {
                ct.commit = seen_commit = true;
            } else if (odp_match(&s, "force_commit")) {
                ct.commit = ct.force = true;
            } else if (odp_match(&s, "zone=")) {
                uint64_t zone;

                if (!odp_scan_uint(&s, UINT16_MAX, &zone)) {
                    return parse_error("ct: bad zone", field);
                }
                ct.zone = zone;
            } else if (odp_match(&s, "mark=")) {
                ct.set_mark = true;
                ct.mark_mask = UINT32_MAX;
                if (!scan_u32(&s, &ct.mark)
                    || (odp_match(&s, "/") && !scan_u32(&s, &ct.mark_mask))) {
                    return parse_error("ct: bad mark", field);
                }
            } else if (odp_match(&s, "label=")) {
                ct.set_label = true;
                ct.label_mask[0] = ct.label_mask[1] = UINT64_MAX;
                if (!odp_scan_u128(&s, ct.label)
                    || (odp_match(&s, "/") && !odp_scan_u128(&s, ct.label_mask))) {
                    return parse_error("ct: bad label", field);
                }
            } else if (odp_match(&s, "helper=")) {
                if (odp_match(&s, "ftp")) {
                    ct.helper = CT_HELPER_FTP;
                } else if (odp_match(&s, "tftp")) {
                    ct.helper = CT_HELPER_TFTP;
                } else {
                    return parse_error("ct: unknown helper", field);
                }
            } else {
                return parse_error("ct: unknown or unsupported argument",
                                   field);
            }
        }
        if (seen_commit && ct.force) {
            return parse_error("ct: commit and force_commit are mutually "
                               "exclusive", *sp);
        }
    }

    struct odp_action *a = odp_actions_put(actions, ODP_ACTION_CT);
    a->ct = ct;
    *sp = s;
    return NULL;
}

static char *
parse_tnl_push(const char **sp, struct odp_actions *actions)
{
    const char *s = *sp;
    uint8_t h[ODP_TNL_HDR_MAX];
    struct eth_header eth;
    uint64_t tnl_port, size, type, dl_type, out_port;
    size_t l3_len;

    memset(h, 0, sizeof h);
    if (!odp_match(&s, "tnl_push(tnl_port(")
        || !odp_scan_uint(&s, UINT32_MAX, &tnl_port)
        || !odp_match(&s, "),header(size=")
        || !odp_scan_uint(&s, ODP_TNL_HDR_MAX, &size)
        || !odp_match(&s, ",type=") || !odp_scan_uint(&s, 255, &type)
        || type != OVS_VPORT_TYPE_VXLAN
        || !odp_match(&s, ",eth(dst=") || !odp_scan_mac(&s, &eth.eth_dst)
        || !odp_match(&s, ",src=") || !odp_scan_mac(&s, &eth.eth_src)
        || !odp_match(&s, ",dl_type=")
        || !odp_scan_uint(&s, UINT16_MAX, &dl_type)
        || !odp_match(&s, "),")) {
        return parse_error("tnl_push: bad tunnel port, size, type or "
                           "Ethernet header", s);
    }
    eth.eth_type = htons(dl_type);
    memcpy(h, &eth, sizeof eth);

    if (dl_type == ETH_TYPE_IP) {
        struct ip_header ip;
        uint64_t proto, tos, ttl, frag;
        be32 ip_src, ip_dst;

        memset(&ip, 0, sizeof ip);
        if (!odp_match(&s, "ipv4(src=") || !odp_scan_ipv4(&s, &ip_src)
            || !odp_match(&s, ",dst=") || !odp_scan_ipv4(&s, &ip_dst)
            || !odp_match(&s, ",proto=") || !odp_scan_uint(&s, 255, &proto)
            || !odp_match(&s, ",tos=") || !odp_scan_uint(&s, 255, &tos)
            || !odp_match(&s, ",ttl=") || !odp_scan_uint(&s, 255, &ttl)
            || !odp_match(&s, ",frag=")
            || !odp_scan_uint(&s, UINT16_MAX, &frag)
            || !odp_match(&s, "),")) {
            return parse_error("tnl_push: bad IPv4 header", s);
        }
        ip.ip_ihl_ver = IP_IHL_VER(5, 4);
        ip.ip_src = ip_src;
        ip.ip_dst = ip_dst;
        ip.ip_proto = proto;
        ip.ip_tos = tos;
        ip.ip_ttl = ttl;
        ip.ip_frag_off = htons(frag);
        memcpy(h + ETH_HEADER_LEN, &ip, sizeof ip);
        l3_len = IP_HEADER_LEN;
    } else if (dl_type == ETH_TYPE_IPV6) {
        struct ip6_header ip6;
        uint64_t label, proto, tclass, hlimit;
        struct in6_addr ip6_src, ip6_dst;

        memset(&ip6, 0, sizeof ip6);
        if (!odp_match(&s, "ipv6(src=") || !odp_scan_ipv6(&s, &ip6_src)
            || !odp_match(&s, ",dst=") || !odp_scan_ipv6(&s, &ip6_dst)
            || !odp_match(&s, ",label=")
            || !odp_scan_uint(&s, 0xfffff, &label)
            || !odp_match(&s, ",proto=") || !odp_scan_uint(&s, 255, &proto)
            || !odp_match(&s, ",tclass=")
            || !odp_scan_uint(&s, 255, &tclass)
            || !odp_match(&s, ",hlimit=")
            || !odp_scan_uint(&s, 255, &hlimit)
            || !odp_match(&s, "),")) {
            return parse_error("tnl_push: bad IPv6 header", s);
        }
        ip6.ip6_flow = htonl((6u << 28) | (tclass << 20) | label);
        memcpy(&ip6.ip6_src, &ip6_src, sizeof ip6_src);
        memcpy(&ip6.ip6_dst, &ip6_dst, sizeof ip6_dst);
        ip6.ip6_nxt = proto;
        ip6.ip6_hlim = hlimit;
        memcpy(h + ETH_HEADER_LEN, &ip6, sizeof ip6);
        l3_len = IPV6_HEADER_LEN;
    } else {
        return parse_error("tnl_push: unsupported outer dl_type", s);
    }

    struct udp_header udp;
    struct vxlan_header vxh;
    uint64_t src, dst, csum, flags, vni;

    if (!odp_match(&s, "udp(src=") || !odp_scan_uint(&s, UINT16_MAX, &src)
        || !odp_match(&s, ",dst=") || !odp_scan_uint(&s, UINT16_MAX, &dst)
        || !odp_match(&s, ",csum=") || !odp_scan_uint(&s, UINT16_MAX, &csum)
        || !odp_match(&s, "),vxlan(flags=")
        || !odp_scan_uint(&s, UINT32_MAX, &flags)
        || !odp_match(&s, ",vni=") || !odp_scan_uint(&s, 0xffffff, &vni)
        || !odp_match(&s, ")),out_port(")
        || !odp_scan_uint(&s, UINT32_MAX, &out_port)
        || !odp_match(&s, "))")) {
        return parse_error("tnl_push: bad UDP or VXLAN header or out_port",
                           s);
    }
    if (size != ETH_HEADER_LEN + l3_len + UDP_HEADER_LEN + VXLAN_HLEN) {
        return parse_error("tnl_push: header size does not match the "
                           "headers", *sp);
    }
    udp.udp_src = htons(src);
    udp.udp_dst = htons(dst);
    udp.udp_len = 0;
    udp.udp_csum = htons(csum);
    vxh.vx_flags = htonl(flags);
    vxh.vx_vni = htonl(vni << 8);
    memcpy(h + ETH_HEADER_LEN + l3_len, &udp, sizeof udp);
    memcpy(h + ETH_HEADER_LEN + l3_len + UDP_HEADER_LEN, &vxh, sizeof vxh);

    struct odp_action *a = odp_actions_put(actions, ODP_ACTION_TNL_PUSH);
    a->tnl_push.tnl_port = tnl_port;
    a->tnl_push.out_port = out_port;
    a->tnl_push.header_len = size;
    a->tnl_push.tnl_type = 0;
    memcpy(a->tnl_push.header, h, size);
    *sp = s;
    return NULL;
}

static char *
parse_set(const char **sp, struct odp_actions *actions)
{
    const char *s = *sp + strlen("set(");
    struct flow key, mask;
    enum odp_set_kind kind = ODP_SET_ETH;
    bool is_tunnel;
    char *error;

    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    error = odp_parse_set_attr(&s, &key, &mask, &kind, &is_tunnel);
    if (error) {
        COVERAGE_INC(odp_actions_parse_error);
        return error;
    }
    if (!odp_match(&s, ")")) {
        return parse_error("set: missing `)'", s);
    }
    if (is_tunnel) {
        struct odp_action *a = odp_actions_put(actions,
                                               ODP_ACTION_SET_TUNNEL);
        a->tunnel = key.tunnel;
    } else {
        struct odp_action *a = odp_actions_put(actions,
                                               ODP_ACTION_SET_MASKED);
        a->set->kind = kind;
        a->set->key = key;
        a->set->mask.masks = mask;
    }
    *sp = s;
    return NULL;
}

static char *parse_list(const char **sp, struct odp_actions *, int depth,
                        bool nested);

static char *
parse_action(const char **sp, struct odp_actions *actions, int depth)
{
    const char *s = *sp;

    if (*s >= '0' && *s <= '9') {
        uint32_t port;

        if (!scan_u32(&s, &port)) {
            return parse_error("bad output port", s);
        }
        odp_actions_put(actions, ODP_ACTION_OUTPUT)->port = port;
    } else if (!strncmp(s, "userspace(", 10)) {
        return parse_userspace(sp, actions);
    } else if (!strncmp(s, "set(", 4)) {
        return parse_set(sp, actions);
    } else if (!strncmp(s, "push_vlan(", 10)) {
        return parse_push_vlan(sp, actions);
    } else if (odp_match(&s, "pop_vlan")) {
        odp_actions_put(actions, ODP_ACTION_POP_VLAN);
    } else if (odp_match(&s, "recirc(")) {
        uint32_t id;

        if (!scan_u32(&s, &id) || !odp_match(&s, ")")) {
            return parse_error("recirc: bad recirculation id", *sp);
        }
        odp_actions_put(actions, ODP_ACTION_RECIRC)->recirc_id = id;
    } else if (odp_match(&s, "ct_clear")) {
        odp_actions_put(actions, ODP_ACTION_CT_CLEAR);
    } else if (!strncmp(s, "ct", 2)
               && (s[2] == '(' || s[2] == ',' || !s[2] || s[2] == ')'
                   || strchr(" \t\r\n", s[2]))) {
        return parse_ct(sp, actions);
    } else if (!strncmp(s, "tnl_push(", 9)) {
        return parse_tnl_push(sp, actions);
    } else if (odp_match(&s, "tnl_pop(")) {
        uint32_t port;

        if (!scan_u32(&s, &port) || !odp_match(&s, ")")) {
            return parse_error("tnl_pop: bad port", *sp);
        }
        odp_actions_put(actions, ODP_ACTION_TNL_POP)->port = port;
    } else if (odp_match(&s, "clone(")) {
        size_t idx = actions->n;
        char *error;

        if (depth >= ODP_MAX_NESTED) {
            return parse_error("clone: actions nested too deeply", *sp);
        }
        odp_actions_put(actions, ODP_ACTION_CLONE);
        error = parse_list(&s, actions, depth + 1, true);
        if (error) {
            return error;
        }
        actions->a[idx].clone.n_actions = actions->n - idx - 1;
    } else if (odp_match(&s, "drop")) {
        odp_actions_put(actions, ODP_ACTION_DROP);
    } else {
        return parse_error("unknown datapath action", s);
    }
    *sp = s;
    return NULL;
}

/* Parses a list of actions at *SP, up to the end of the string or, when
 * NESTED, up to and including the closing parenthesis.  A list that is
 * just "drop" is the empty list. */
static char *
parse_list(const char **sp, struct odp_actions *actions, int depth,
           bool nested)
{
    size_t start = actions->n;

    for (;;) {
        char *error;

        odp_skip_delims(sp);
        if (!**sp) {
            if (nested) {
                return parse_error("missing `)'", *sp);
            }
            break;
        }
        if (**sp == ')') {
            if (!nested) {
                return parse_error("unexpected `)'", *sp);
            }
            (*sp)++;
            break;
        }
        error = parse_action(sp, actions, depth);
        if (error) {
            return error;
        }
    }
    if (actions->n == start + 1 && actions->a[start].type == ODP_ACTION_DROP
        && actions->a[start].drop == ODP_DROP_NONE) {
        actions->n = start;
    }
    return NULL;
}

char *
odp_actions_parse(const char *s, struct odp_actions *actions)
{
    char *error;

    odp_actions_clear(actions);
    error = parse_list(&s, actions, 0, false);
    if (error) {
        odp_actions_clear(actions);
    }
    return error;
}
