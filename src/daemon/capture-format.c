/* capture-format.c: text lines for captured packets.  See
 * capture-format.h.
 *
 * The wording follows tcpdump 4.99 (print-ether.c, print-arp.c,
 * print-ip.c, print-icmp.c, print-tcp.c, print-udp.c, print-vxlan.c) so
 * that a line reads like the one tcpdump prints for the same frame. */
#include "daemon/capture-format.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "lib/ds.h"
#include "packet/flow.h"
#include "packet/packets.h"

/* How deep VXLAN packets may nest inside each other before the inner
 * frame is no longer decoded. */
#define MAX_DEPTH 4

static void format_ether(struct ds *, const uint8_t *data, size_t size,
                         int depth);

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}

static void
put_ip(struct ds *s, const uint8_t *p)
{
    ds_put_format(s, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static void
put_ip6(struct ds *s, const uint8_t *p)
{
    char buf[INET6_ADDRSTRLEN];

    ds_put_cstr(s, inet_ntop(AF_INET6, p, buf, sizeof buf));
}

static void
put_mac(struct ds *s, const uint8_t *p)
{
    ds_put_format(s, "%02x:%02x:%02x:%02x:%02x:%02x",
                  p[0], p[1], p[2], p[3], p[4], p[5]);
}

/* Appends an endpoint "ADDR.PORT" of an IP packet whose addresses are
 * LEN-byte (4 or 16) ADDR. */
static void
put_endpoint(struct ds *s, const uint8_t *addr, size_t len, uint16_t port)
{
    if (len == 4) {
        put_ip(s, addr);
    } else {
        put_ip6(s, addr);
    }
    ds_put_format(s, ".%u", port);
}

/* Appends "SRC > DST: " for an IP packet. */
static void
put_addrs(struct ds *s, const uint8_t *src, const uint8_t *dst, size_t len)
{
    if (len == 4) {
        put_ip(s, src);
        ds_put_cstr(s, " > ");
        put_ip(s, dst);
    } else {
        put_ip6(s, src);
        ds_put_cstr(s, " > ");
        put_ip6(s, dst);
    }
    ds_put_cstr(s, ": ");
}

/* Appends "SRC.SPORT > DST.DPORT: " for a transport header. */
static void
put_ports(struct ds *s, const uint8_t *src, const uint8_t *dst, size_t len,
          const uint8_t *l4)
{
    put_endpoint(s, src, len, get_be16(l4));
    ds_put_cstr(s, " > ");
    put_endpoint(s, dst, len, get_be16(l4 + 2));
    ds_put_cstr(s, ": ");
}

/* TCP, as print-tcp.c prints it with -S: flags, sequence, ack, window and
 * payload length. */
static void
format_tcp(struct ds *s, const uint8_t *src, const uint8_t *dst,
           size_t alen, const uint8_t *l4, size_t size)
{
    static const struct {
        uint16_t bit;
        char c;
    } flag_chars[] = {
        { TCP_FIN, 'F' }, { TCP_SYN, 'S' }, { TCP_RST, 'R' },
        { TCP_PSH, 'P' }, { TCP_URG, 'U' }, { TCP_ECE, 'E' },
        { TCP_CWR, 'W' }, { TCP_ACK, '.' },
    };
    uint16_t flags;
    size_t hlen, len;
    uint32_t seq;

    if (size < TCP_HEADER_LEN) {
        put_addrs(s, src, dst, alen);
        ds_put_cstr(s, "[|tcp]");
        return;
    }
    put_ports(s, src, dst, alen, l4);
    flags = get_be16(l4 + 12) & 0x0fff;
    hlen = (size_t) (l4[12] >> 4) * 4;
    if (hlen < TCP_HEADER_LEN) {
        ds_put_format(s, "tcp %zu [bad hdr length %zu - too short, < 20]",
                      size, hlen);
        return;
    }
    len = size > hlen ? size - hlen : 0;
    ds_put_cstr(s, "Flags [");
    if (!(flags & 0xff)) {
        ds_put_cstr(s, "none");
    }
    for (size_t i = 0; i < ARRAY_SIZE(flag_chars); i++) {
        if (flags & flag_chars[i].bit) {
            ds_put_char(s, flag_chars[i].c);
        }
    }
    ds_put_char(s, ']');
    seq = get_be32(l4 + 4);
    if (len || flags & (TCP_SYN | TCP_FIN | TCP_RST)) {
        ds_put_format(s, ", seq %"PRIu32, seq);
        if (len) {
            ds_put_format(s, ":%"PRIu32, (uint32_t) (seq + len));
        }
    }
    if (flags & TCP_ACK) {
        ds_put_format(s, ", ack %"PRIu32, get_be32(l4 + 8));
    }
    ds_put_format(s, ", win %u", get_be16(l4 + 14));
    ds_put_format(s, ", length %zu", len);
}

/* The VXLAN header and inner frame of a UDP payload, as print-vxlan.c. */
static void
format_vxlan(struct ds *s, const uint8_t *p, size_t size, int depth)
{
    if (size < VXLAN_HLEN) {
        ds_put_cstr(s, "VXLAN [|vxlan]");
        return;
    }
    ds_put_format(s, "VXLAN, flags [%s] (0x%02x), vni %"PRIu32,
                  p[0] & 0x08 ? "I" : ".", p[0], get_be32(p + 4) >> 8);
    if (depth < MAX_DEPTH) {
        ds_put_cstr(s, ": ");
        format_ether(s, p + VXLAN_HLEN, size - VXLAN_HLEN, depth + 1);
    }
}

static void
format_udp(struct ds *s, const uint8_t *src, const uint8_t *dst,
           size_t alen, const uint8_t *l4, size_t size, int depth)
{
    uint16_t ulen;

    if (size < UDP_HEADER_LEN) {
        put_addrs(s, src, dst, alen);
        ds_put_cstr(s, "[|udp]");
        return;
    }
    put_ports(s, src, dst, alen, l4);
    ulen = get_be16(l4 + 4);
    if (get_be16(l4 + 2) == VXLAN_PORT) {
        format_vxlan(s, l4 + UDP_HEADER_LEN, size - UDP_HEADER_LEN, depth);
    } else if (ulen < UDP_HEADER_LEN) {
        ds_put_format(s, "UDP, bad length %u < %d", ulen, UDP_HEADER_LEN);
    } else {
        ds_put_format(s, "UDP, length %u", ulen - UDP_HEADER_LEN);
    }
}

static void
format_icmp(struct ds *s, const uint8_t *p, size_t size)
{
    ds_put_cstr(s, "ICMP ");
    if (size < ICMP_HEADER_LEN) {
        ds_put_cstr(s, "[|icmp]");
        return;
    }
    switch (p[0]) {
    case ICMP4_ECHO_REQUEST:
    case ICMP4_ECHO_REPLY:
        ds_put_format(s, "echo %s, id %u, seq %u",
                      p[0] == ICMP4_ECHO_REQUEST ? "request" : "reply",
                      get_be16(p + 4), get_be16(p + 6));
        break;
    case ICMP4_DST_UNREACH:
        if (p[1] == ICMP4_FRAG_NEEDED_CODE
            && size >= ICMP_HEADER_LEN + IP_HEADER_LEN) {
            put_ip(s, p + ICMP_HEADER_LEN + 16);
            ds_put_format(s, " unreachable - need to frag (mtu %u)",
                          get_be16(p + 6));
        } else {
            ds_put_format(s, "unreachable, code %u", p[1]);
        }
        break;
    case ICMP4_TIME_EXCEEDED:
        ds_put_cstr(s, "time exceeded in-transit");
        break;
    default:
        ds_put_format(s, "type-#%u", p[0]);
        break;
    }
    ds_put_format(s, ", length %zu", size);
}

static void
format_icmp6(struct ds *s, const uint8_t *p, size_t size)
{
    ds_put_cstr(s, "ICMP6, ");
    if (size < 4) {
        ds_put_cstr(s, "[|icmp6]");
        return;
    }
    switch (p[0]) {
    case ICMP6_ECHO_REQUEST:
    case ICMP6_ECHO_REPLY:
        ds_put_format(s, "echo %s",
                      p[0] == ICMP6_ECHO_REQUEST ? "request" : "reply");
        if (size >= ICMP6_HEADER_LEN) {
            ds_put_format(s, ", id %u, seq %u", get_be16(p + 4),
                          get_be16(p + 6));
        }
        break;
    case ICMP6_PACKET_TOO_BIG:
        ds_put_cstr(s, "packet too big");
        if (size >= ICMP6_HEADER_LEN) {
            ds_put_format(s, ", mtu %"PRIu32, get_be32(p + 4));
        }
        break;
    case ICMP6_DST_UNREACH:
        ds_put_cstr(s, "destination unreachable");
        break;
    case ND_ROUTER_SOLICIT:
        ds_put_cstr(s, "router solicitation");
        break;
    case ND_ROUTER_ADVERT:
        ds_put_cstr(s, "router advertisement");
        break;
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
        ds_put_format(s, "neighbor %s",
                      p[0] == ND_NEIGHBOR_SOLICIT ? "solicitation"
                                                  : "advertisement");
        if (size >= sizeof(struct ovs_nd_msg)) {
            ds_put_cstr(s, p[0] == ND_NEIGHBOR_SOLICIT ? ", who has "
                                                       : ", tgt is ");
            put_ip6(s, p + 8);
        }
        break;
    default:
        ds_put_format(s, "type-#%u", p[0]);
        break;
    }
    ds_put_format(s, ", length %zu", size);
}

/* The transport part of an IP packet whose addresses are SRC and DST
 * (ALEN bytes each), protocol PROTO, payload L4 of SIZE bytes. */
static void
format_l4(struct ds *s, const uint8_t *src, const uint8_t *dst, size_t alen,
          uint8_t proto, const uint8_t *l4, size_t size, int depth)
{
    switch (proto) {
    case IPPROTO_TCP_:
        format_tcp(s, src, dst, alen, l4, size);
        break;
    case IPPROTO_UDP_:
        format_udp(s, src, dst, alen, l4, size, depth);
        break;
    case IPPROTO_ICMP_:
        put_addrs(s, src, dst, alen);
        format_icmp(s, l4, size);
        break;
    case IPPROTO_ICMPV6_:
        put_addrs(s, src, dst, alen);
        format_icmp6(s, l4, size);
        break;
    default:
        put_addrs(s, src, dst, alen);
        ds_put_format(s, "ip-proto-%u %zu", proto, size);
        break;
    }
}

static void
format_ipv4(struct ds *s, const uint8_t *p, size_t size, int depth)
{
    size_t ihl, tot_len;
    uint16_t frag;

    if (size < IP_HEADER_LEN) {
        ds_put_cstr(s, "[|ip]");
        return;
    }
    ihl = (size_t) (p[0] & 15) * 4;
    tot_len = get_be16(p + 2);
    if (p[0] >> 4 != 4) {
        ds_put_format(s, "IP%u ", p[0] >> 4);
        ds_put_cstr(s, "[|ip]");
        return;
    }
    if (ihl < IP_HEADER_LEN || tot_len < ihl) {
        ds_put_format(s, "IP bad-hlen %zu", ihl);
        return;
    }
    if (ihl > size) {
        ds_put_cstr(s, "[|ip]");
        return;
    }
    /* Trust the total length only as far as the bytes go, as tcpdump. */
    if (tot_len > size) {
        tot_len = size;
    }
    frag = get_be16(p + 6);
    if (frag & IP_FRAG_OFF_MASK) {
        put_addrs(s, p + 12, p + 16, 4);
        ds_put_format(s, "ip-proto-%u", p[9]);
        return;
    }
    format_l4(s, p + 12, p + 16, 4, p[9], p + ihl, tot_len - ihl, depth);
}

static void
format_ipv6(struct ds *s, const uint8_t *p, size_t size, int depth)
{
    size_t plen;

    if (size < IPV6_HEADER_LEN) {
        ds_put_cstr(s, "[|ip6]");
        return;
    }
    plen = get_be16(p + 4);
    if (plen > size - IPV6_HEADER_LEN) {
        plen = size - IPV6_HEADER_LEN;
    }
    format_l4(s, p + 8, p + 24, 16, p[6], p + IPV6_HEADER_LEN, plen, depth);
}

static void
format_arp(struct ds *s, const uint8_t *p, size_t size)
{
    uint16_t op;

    if (size < ARP_ETH_HEADER_LEN || get_be16(p) != ARP_HRD_ETHERNET
        || get_be16(p + 2) != ARP_PRO_IP || p[4] != 6 || p[5] != 4) {
        ds_put_cstr(s, "[|arp]");
        return;
    }
    op = get_be16(p + 6);
    switch (op) {
    case ARP_OP_REQUEST:
        ds_put_cstr(s, "Request who-has ");
        put_ip(s, p + 24);
        ds_put_cstr(s, " tell ");
        put_ip(s, p + 14);
        break;
    case ARP_OP_REPLY:
        ds_put_cstr(s, "Reply ");
        put_ip(s, p + 14);
        ds_put_cstr(s, " is-at ");
        put_mac(s, p + 8);
        break;
    default:
        ds_put_format(s, "Unknown ARP opcode 0x%04x", op);
        break;
    }
    ds_put_format(s, ", length %zu", size);
}

/* Appends "ethertype NAME (0xTYPE)". */
static void
put_ethertype(struct ds *s, uint16_t type)
{
    const char *name;

    switch (type) {
    case ETH_TYPE_IP: name = "IPv4"; break;
    case ETH_TYPE_ARP: name = "ARP"; break;
    case ETH_TYPE_RARP: name = "Reverse ARP"; break;
    case ETH_TYPE_IPV6: name = "IPv6"; break;
    case ETH_TYPE_VLAN_8021Q: name = "802.1Q"; break;
    case ETH_TYPE_VLAN_8021AD: name = "802.1Q-QinQ"; break;
    case ETH_TYPE_LLDP: name = "LLDP"; break;
    default: name = "Unknown"; break;
    }
    ds_put_format(s, "ethertype %s (0x%04x)", name, type);
}

/* Returns true if frames of ethertype TYPE are decoded beyond it. */
static bool
is_decoded(uint16_t type)
{
    return (type == ETH_TYPE_VLAN_8021Q || type == ETH_TYPE_VLAN_8021AD
            || type == ETH_TYPE_IP || type == ETH_TYPE_IPV6
            || type == ETH_TYPE_ARP);
}

/* The payload of ethertype TYPE. */
static void
format_payload(struct ds *s, uint16_t type, const uint8_t *p, size_t size,
               int depth)
{
    switch (type) {
    case ETH_TYPE_IP:
        format_ipv4(s, p, size, depth);
        break;
    case ETH_TYPE_IPV6:
        format_ipv6(s, p, size, depth);
        break;
    case ETH_TYPE_ARP:
        format_arp(s, p, size);
        break;
    default:
        break;
    }
}

static void
format_ether(struct ds *s, const uint8_t *data, size_t size, int depth)
{
    const uint8_t *p = data + ETH_HEADER_LEN;
    size_t n;
    uint16_t type;

    if (size < ETH_HEADER_LEN) {
        ds_put_cstr(s, "[|ether]");
        return;
    }
    put_mac(s, data + 6);
    ds_put_cstr(s, " > ");
    put_mac(s, data);
    type = get_be16(data + 12);
    n = size - ETH_HEADER_LEN;
    if (type < ETH_TYPE_MIN) {
        ds_put_format(s, ", 802.3, length %zu", size);
        return;
    }
    ds_put_cstr(s, ", ");
    put_ethertype(s, type);
    ds_put_format(s, ", length %zu", size);
    if (!is_decoded(type)) {
        return;
    }
    ds_put_cstr(s, ": ");
    while (type == ETH_TYPE_VLAN_8021Q || type == ETH_TYPE_VLAN_8021AD) {
        uint16_t tci;

        if (n < VLAN_HEADER_LEN) {
            ds_put_cstr(s, "[|vlan]");
            return;
        }
        tci = get_be16(p);
        type = get_be16(p + 2);
        ds_put_format(s, "vlan %u, p %u, ", tci & VLAN_VID_MASK,
                      tci >> VLAN_PCP_SHIFT);
        if (tci & VLAN_CFI) {
            ds_put_cstr(s, "DEI, ");
        }
        put_ethertype(s, type);
        if (!is_decoded(type)) {
            return;
        }
        ds_put_cstr(s, ", ");
        p += VLAN_HEADER_LEN;
        n -= VLAN_HEADER_LEN;
    }
    format_payload(s, type, p, n, depth);
}

void
capture_format_frame(struct ds *s, const void *data, size_t size)
{
    format_ether(s, data, size, 0);
}

void
capture_format_tunnel(struct ds *s, const struct flow_tnl *tnl)
{
    static const struct {
        uint16_t flag;
        const char *name;
    } flag_names[] = {
        { FLOW_TNL_F_DONT_FRAGMENT, "df" }, { FLOW_TNL_F_CSUM, "csum" },
        { FLOW_TNL_F_KEY, "key" }, { FLOW_TNL_F_OAM, "oam" },
    };

    ds_put_format(s, "tunnel(tun_id=0x%"PRIx64",src="IP_FMT",dst="IP_FMT,
                  ntohll(tnl->tun_id), IP_ARGS(tnl->ip_src),
                  IP_ARGS(tnl->ip_dst));
    if (tnl->ip_tos) {
        ds_put_format(s, ",tos=0x%x", tnl->ip_tos);
    }
    ds_put_format(s, ",ttl=%u,tp_src=%u,tp_dst=%u", tnl->ip_ttl,
                  ntohs(tnl->tp_src), ntohs(tnl->tp_dst));
    if (tnl->flags) {
        const char *sep = "";

        ds_put_cstr(s, ",flags(");
        for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++) {
            if (tnl->flags & flag_names[i].flag) {
                ds_put_format(s, "%s%s", sep, flag_names[i].name);
                sep = "|";
            }
        }
        ds_put_char(s, ')');
    }
    ds_put_char(s, ')');
}

void
capture_format_line(struct ds *s, long long int usec, bool out,
                    const struct flow_tnl *tnl, const void *data,
                    size_t size)
{
    time_t sec = (time_t) (usec / 1000000);
    struct tm tm;

    localtime_r(&sec, &tm);
    ds_put_format(s, "%02d:%02d:%02d.%06lld %s ", tm.tm_hour, tm.tm_min,
                  tm.tm_sec, usec % 1000000, out ? "Out" : "In");
    if (tnl && (tnl->ip_dst || tnl->ip_src || tnl->tun_id)) {
        capture_format_tunnel(s, tnl);
        ds_put_char(s, ' ');
    }
    capture_format_frame(s, data, size);
    ds_put_char(s, '\n');
}
