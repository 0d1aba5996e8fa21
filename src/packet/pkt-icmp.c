/* pkt-icmp.c: see pkt-icmp.h. */
#include "packet/pkt-icmp.h"

#include <string.h>

#include "lib/util.h"
#include "packet/packets.h"

#define IP_DF_BIT 0x4000
#define IP_OFFSET_MASK 0x1fff

/* Where the IP header of a frame starts, and what precedes it. */
struct l3_pos {
    size_t l3;                 /* Offset of the IP header. */
    be16 type;                 /* Its Ethernet type. */
};

/* Finds the IP header of the SIZE-byte frame at DATA after up to two VLAN
 * tags.  Returns false if the frame has no IPv4/IPv6 header. */
static bool
find_l3(const uint8_t *data, size_t size, struct l3_pos *pos)
{
    size_t ofs = 2 * ETH_ADDR_LEN;

    for (int i = 0; i <= 2; i++) {
        be16 type;

        if (size < ofs + 2) {
            return false;
        }
        memcpy(&type, data + ofs, 2);
        if ((type == htons(ETH_TYPE_VLAN_8021Q)
             || type == htons(ETH_TYPE_VLAN_8021AD)) && i < 2) {
            ofs += VLAN_HEADER_LEN;
            continue;
        }
        pos->l3 = ofs + 2;
        pos->type = type;
        return type == htons(ETH_TYPE_IP) || type == htons(ETH_TYPE_IPV6);
    }
    return false;
}

/* Starts reply R with P's Ethernet header, addresses swapped, and VLAN
 * tags (the L2_LEN bytes before P's IP header). */
static void
put_l2(struct pkt *r, const uint8_t *data, size_t l2_len)
{
    uint8_t *h = pkt_put_uninit(r, l2_len);

    memcpy(h, data, l2_len);
    memcpy(h, data + ETH_ADDR_LEN, ETH_ADDR_LEN);
    memcpy(h + ETH_ADDR_LEN, data, ETH_ADDR_LEN);
}

static bool
ip4_addr_is_unicast(be32 ip)
{
    uint32_t a = ntohl(ip);

    return a && a != UINT32_MAX && (a >> 28) < 0xe;
}

static bool
icmp4_is_error(uint8_t type)
{
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static struct pkt *
too_big4(const uint8_t *data, size_t size, size_t l3, uint32_t mtu)
{
    struct ip_header ip, rip;
    struct icmp_header icmp;
    size_t ihl, dgram_len, quote;
    struct pkt *r;
    uint8_t *h;

    if (size < l3 + IP_HEADER_LEN) {
        return NULL;
    }
    memcpy(&ip, data + l3, sizeof ip);
    ihl = (size_t) IP_IHL(ip.ip_ihl_ver) * 4;
    dgram_len = ntohs(ip.ip_tot_len);
    /* A datagram longer than the frame is malformed (flow extraction does
     * not take it for IP either). */
    if (ihl < IP_HEADER_LEN || dgram_len < ihl || dgram_len > size - l3
        || !(ip.ip_frag_off & htons(IP_DF_BIT))
        || ip.ip_frag_off & htons(IP_OFFSET_MASK)
        || !ip4_addr_is_unicast(ip.ip_src)) {
        return NULL;
    }
    if (ip.ip_proto == IPPROTO_ICMP_
        && (dgram_len < ihl + 1 || icmp4_is_error(data[l3 + ihl]))) {
        return NULL;
    }
    mtu = MAX(mtu, 68);
    quote = MIN(dgram_len, (size_t) PKT_ICMP4_QUOTE_MAX);

    r = pkt_new(l3 + IP_HEADER_LEN + ICMP_HEADER_LEN + quote);
    put_l2(r, data, l3);

    memset(&rip, 0, sizeof rip);
    rip.ip_ihl_ver = IP_IHL_VER(5, 4);
    rip.ip_tos = 0xc0;             /* Internetwork control, as Linux. */
    rip.ip_tot_len = htons((uint16_t) (IP_HEADER_LEN + ICMP_HEADER_LEN
                                       + quote));
    rip.ip_ttl = 64;
    rip.ip_proto = IPPROTO_ICMP_;
    rip.ip_src = ip.ip_dst;
    rip.ip_dst = ip.ip_src;
    rip.ip_csum = csum(&rip, sizeof rip);
    pkt_put(r, &rip, sizeof rip);

    h = pkt_put_uninit(r, ICMP_HEADER_LEN + quote);
    memset(&icmp, 0, sizeof icmp);
    icmp.icmp_type = ICMP4_DST_UNREACH;
    icmp.icmp_code = ICMP4_FRAG_NEEDED_CODE;
    icmp.icmp_seq = htons((uint16_t) MIN(mtu, UINT16_MAX));
    memcpy(h, &icmp, sizeof icmp);
    memcpy(h + ICMP_HEADER_LEN, data + l3, quote);
    icmp.icmp_csum = csum(h, ICMP_HEADER_LEN + quote);
    memcpy(h, &icmp, sizeof icmp);
    return r;
}

static bool
ip6_addr_is_unicast(struct in6_addr a)
{
    static const struct in6_addr any;

    return memcmp(&a, &any, sizeof any) && a.s6_addr[0] != 0xff;
}

static struct pkt *
too_big6(const uint8_t *data, size_t size, size_t l3, uint32_t mtu)
{
    struct ip6_header ip6, rip6;
    size_t dgram_len, quote, l4_len;
    uint8_t hdr[8];
    uint32_t partial;
    struct pkt *r;
    uint8_t *h;

    if (size < l3 + IPV6_HEADER_LEN) {
        return NULL;
    }
    memcpy(&ip6, data + l3, sizeof ip6);
    dgram_len = (size_t) IPV6_HEADER_LEN + ntohs(ip6.ip6_plen);
    if (dgram_len > size - l3 || (ntohl(ip6.ip6_flow) >> 28) != 6
        || !ip6_addr_is_unicast(ip6.ip6_src)) {
        return NULL;
    }
    /* Never answer an ICMPv6 error (types below 128). */
    if (ip6.ip6_nxt == IPPROTO_ICMPV6_
        && (dgram_len < IPV6_HEADER_LEN + 1
            || data[l3 + IPV6_HEADER_LEN] < 128)) {
        return NULL;
    }
    mtu = MAX(mtu, 1280);
    quote = MIN(dgram_len, (size_t) PKT_ICMP6_QUOTE_MAX);
    l4_len = 8 + quote;

    r = pkt_new(l3 + IPV6_HEADER_LEN + l4_len);
    put_l2(r, data, l3);

    memset(&rip6, 0, sizeof rip6);
    rip6.ip6_flow = htonl(6u << 28);
    rip6.ip6_plen = htons((uint16_t) l4_len);
    rip6.ip6_nxt = IPPROTO_ICMPV6_;
    rip6.ip6_hlim = 64;
    rip6.ip6_src = ip6.ip6_dst;
    rip6.ip6_dst = ip6.ip6_src;
    pkt_put(r, &rip6, sizeof rip6);

    h = pkt_put_uninit(r, l4_len);
    memset(hdr, 0, sizeof hdr);
    hdr[0] = ICMP6_PACKET_TOO_BIG;
    hdr[4] = (uint8_t) (mtu >> 24);
    hdr[5] = (uint8_t) (mtu >> 16);
    hdr[6] = (uint8_t) (mtu >> 8);
    hdr[7] = (uint8_t) mtu;
    memcpy(h, hdr, sizeof hdr);
    memcpy(h + 8, data + l3, quote);
    partial = packet_csum_pseudoheader6(&rip6, IPPROTO_ICMPV6_,
                                        (uint32_t) l4_len);
    partial = csum_continue(partial, h, l4_len);
    {
        be16 c = csum_finish(partial);

        memcpy(h + 2, &c, sizeof c);
    }
    return r;
}

struct pkt *
pkt_icmp_too_big(const struct pkt *p, uint32_t mtu)
{
    const uint8_t *data = pkt_data(p);
    size_t size = pkt_size(p);
    struct l3_pos pos;

    if (!find_l3(data, size, &pos)) {
        return NULL;
    }
    return (pos.type == htons(ETH_TYPE_IP)
            ? too_big4(data, size, pos.l3, mtu)
            : too_big6(data, size, pos.l3, mtu));
}
