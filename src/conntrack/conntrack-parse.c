/*
 * conntrack-parse.c: turns an IP datagram into a conntrack key, validating
 * every length it relies on and the checksums, as OVS's conn_key_extract()
 * does.  Like OVS (and the flow extractor), it does not check the IP
 * version nibble: the Ethernet type says which header it is, and an
 * embedded header is read as the outer one's version.  Pure functions over
 * (bytes, length).
 */
#include "conntrack/conntrack-private.h"

#include <string.h>

#include "lib/hash.h"

/* Largest number of IPv6 extension headers followed before giving up. */
#define CT_MAX_IPV6_EXT_HDRS 16

/* Bytes of the embedded transport header an ICMPv4 error must carry for
 * TCP, UDP and ICMP (RFC 792 guarantees 8). */
#define CT_ICMP_ERROR_L4_LEN 8

/* IPv6 extension header numbers. */
#define CT_IPPROTO_HOPOPTS 0
#define CT_IPPROTO_ROUTING 43
#define CT_IPPROTO_FRAGMENT 44
#define CT_IPPROTO_AH 51
#define CT_IPPROTO_DSTOPTS 60

/* Returns true if the L4_SIZE bytes at L4 of protocol PROTO carry a valid
 * checksum with the pseudo-header of the IP header at L3 (an IPv4 header
 * whose total length covers exactly the L4 bytes, or an IPv6 header). */
static bool
l4_csum_ok(const uint8_t *l3, be16 dl_type, uint8_t proto, const uint8_t *l4,
           size_t l4_size)
{
    uint32_t partial;

    partial = (dl_type == htons(ETH_TYPE_IP)
                   ? packet_csum_pseudoheader((const struct ip_header *)l3)
                   : packet_csum_pseudoheader6((const struct ip6_header *)l3,
                                               proto, l4_size));
    return !csum_finish(csum_continue(partial, l4, l4_size));
}

/* Parses the IPv4 header at DATA (SIZE bytes available) into KEY's
 * addresses and protocol.  Stores the header length in *HLEN.  An outer
 * header (FRAG nonnull) must fit with its total length in SIZE, which is
 * stored in *TOT_LEN, and must have a valid checksum; for a fragment, FRAG
 * is filled.  An embedded header (from an ICMP error) is usually
 * truncated, so neither is checked, and fragments are malformed. */
static enum ct_parse_result
parse_ipv4(const uint8_t *data, size_t size, struct ct_key *key, size_t *hlen,
           size_t *tot_len, struct ct_frag_info *frag)
{
    struct ip_header ip;

    if (size < IP_HEADER_LEN) {
        return CT_PARSE_MALFORMED;
    }
    memcpy(&ip, data, sizeof ip);
    *hlen = IP_IHL(ip.ip_ihl_ver) * 4;
    if (*hlen < IP_HEADER_LEN || *hlen > size) {
        return CT_PARSE_MALFORMED;
    }
    key->src.addr.ipv4 = ip.ip_src;
    key->dst.addr.ipv4 = ip.ip_dst;
    key->nw_proto = ip.ip_proto;
    if (!frag) {
        return IP_IS_FRAGMENT(ip.ip_frag_off) ? CT_PARSE_MALFORMED
                                              : CT_PARSE_OK;
    }

    *tot_len = ntohs(ip.ip_tot_len);
    if (*tot_len < *hlen || *tot_len > size) {
        return CT_PARSE_MALFORMED;
    }
    if (csum(data, *hlen)) {
        return CT_PARSE_L3_CSUM;
    }
    if (IP_IS_FRAGMENT(ip.ip_frag_off)) {
        frag->id = htonl(ntohs(ip.ip_id));
        frag->proto = ip.ip_proto;
        frag->more = (ip.ip_frag_off & htons(IP_MORE_FRAGMENTS)) != 0;
        frag->offset = (ntohs(ip.ip_frag_off) & IP_FRAG_OFF_MASK) * 8;
        frag->data_ofs = *hlen;
        frag->data_len = *tot_len - *hlen;
        frag->dgram_len = *tot_len;
        return CT_PARSE_FRAGMENT;
    }
    return CT_PARSE_OK;
}

/* Follows the IPv6 extension headers that start at DATA + *OFS with next
 * header *NXT, within SIZE bytes, up to the transport header or a
 * fragment header, updating *NXT and *OFS.  Returns false if a header is
 * truncated or there are too many. */
static bool
ipv6_skip_ext_headers(const uint8_t *data, size_t size, uint8_t *nxt,
                      size_t *ofs)
{
    for (int i = 0;; i++) {
        size_t len;

        if (*nxt != CT_IPPROTO_HOPOPTS && *nxt != CT_IPPROTO_ROUTING &&
            *nxt != CT_IPPROTO_DSTOPTS && *nxt != CT_IPPROTO_AH) {
            return true;
        }
        if (i >= CT_MAX_IPV6_EXT_HDRS || size - *ofs < 8) {
            return false;
        }
        len = (*nxt == CT_IPPROTO_AH ? ((size_t)data[*ofs + 1] + 2) * 4
                                     : ((size_t)data[*ofs + 1] + 1) * 8);
        if (len > size - *ofs) {
            return false;
        }
        *nxt = data[*ofs];
        *ofs += len;
    }
}

/* Parses the IPv6 header and extension headers at DATA (SIZE bytes
 * available) into KEY's addresses and protocol, and stores the offset of
 * the transport header in *HLEN.  An outer header (FRAG nonnull) must fit
 * with its payload in SIZE, and the datagram length is stored in *TOT_LEN;
 * for a fragment, FRAG is filled.  Fragments of an embedded header are
 * malformed.  A fragment header that says "offset 0, no more fragments"
 * (an atomic fragment) is skipped. */
static enum ct_parse_result
parse_ipv6(const uint8_t *data, size_t size, struct ct_key *key, size_t *hlen,
           size_t *tot_len, struct ct_frag_info *frag)
{
    struct ip6_header ip6;
    uint8_t nxt;
    size_t ofs;

    if (size < IPV6_HEADER_LEN) {
        return CT_PARSE_MALFORMED;
    }
    memcpy(&ip6, data, sizeof ip6);
    memcpy(&key->src.addr.ipv6, &ip6.ip6_src, sizeof ip6.ip6_src);
    memcpy(&key->dst.addr.ipv6, &ip6.ip6_dst, sizeof ip6.ip6_dst);
    if (frag) {
        *tot_len = IPV6_HEADER_LEN + ntohs(ip6.ip6_plen);
        if (*tot_len > size) {
            return CT_PARSE_MALFORMED;
        }
        size = *tot_len;
    }

    nxt = ip6.ip6_nxt;
    ofs = IPV6_HEADER_LEN;
    for (;;) {
        struct ip6_frag_header fh;

        if (!ipv6_skip_ext_headers(data, size, &nxt, &ofs)) {
            return CT_PARSE_MALFORMED;
        } else if (nxt != CT_IPPROTO_FRAGMENT) {
            break;
        } else if (size - ofs < sizeof fh) {
            return CT_PARSE_MALFORMED;
        }
        memcpy(&fh, data + ofs, sizeof fh);
        if (fh.ip6f_offlg & htons(IP6F_OFF_MASK | IP6F_MORE_FRAG)) {
            if (!frag) {
                return CT_PARSE_MALFORMED;
            }
            frag->id = fh.ip6f_ident;
            frag->proto = fh.ip6f_nxt;
            frag->more = (fh.ip6f_offlg & htons(IP6F_MORE_FRAG)) != 0;
            frag->offset = ntohs(fh.ip6f_offlg) & IP6F_OFF_MASK;
            frag->data_ofs = ofs + sizeof fh;
            frag->data_len = size - frag->data_ofs;
            frag->dgram_len = size;
            key->nw_proto = fh.ip6f_nxt;
            return CT_PARSE_FRAGMENT;
        }
        nxt = fh.ip6f_nxt;
        ofs += sizeof fh;
    }
    key->nw_proto = nxt;
    *hlen = ofs;
    return CT_PARSE_OK;
}

/* Returns the ICMP(v6) query type that answers TYPE, or -1 if TYPE is not
 * a query type conntrack tracks. */
static int
icmp_reverse_type(be16 dl_type, uint8_t type)
{
    if (dl_type == htons(ETH_TYPE_IP)) {
        switch (type) {
        case ICMP4_ECHO_REQUEST:
            return ICMP4_ECHO_REPLY;
        case ICMP4_ECHO_REPLY:
            return ICMP4_ECHO_REQUEST;
        case ICMP4_TIMESTAMP:
            return ICMP4_TIMESTAMPREPLY;
        case ICMP4_TIMESTAMPREPLY:
            return ICMP4_TIMESTAMP;
        case ICMP4_INFOREQUEST:
            return ICMP4_INFOREPLY;
        case ICMP4_INFOREPLY:
            return ICMP4_INFOREQUEST;
        default:
            return -1;
        }
    }
    switch (type) {
    case ICMP6_ECHO_REQUEST:
        return ICMP6_ECHO_REPLY;
    case ICMP6_ECHO_REPLY:
        return ICMP6_ECHO_REQUEST;
    default:
        return -1;
    }
}

/* Returns true if TYPE is an ICMP(v6) error that embeds the header of the
 * packet that caused it. */
static bool
icmp_is_error(be16 dl_type, uint8_t type)
{
    if (dl_type == htons(ETH_TYPE_IP)) {
        return (type == ICMP4_DST_UNREACH || type == ICMP4_TIME_EXCEEDED ||
                type == ICMP4_PARAM_PROB || type == ICMP4_SOURCEQUENCH ||
                type == ICMP4_REDIRECT);
    }
    return (type == ICMP6_DST_UNREACH || type == ICMP6_PACKET_TOO_BIG ||
            type == ICMP6_TIME_EXCEEDED || type == ICMP6_PARAM_PROB);
}

/* Returns true if KEY's protocol is ICMP for its IP version. */
static bool
key_is_icmp(const struct ct_key *key)
{
    return ((key->dl_type == htons(ETH_TYPE_IP) &&
             key->nw_proto == IPPROTO_ICMP_) ||
            (key->dl_type == htons(ETH_TYPE_IPV6) &&
             key->nw_proto == IPPROTO_ICMPV6_));
}

/* Fills the ICMP part of KEY from the query header at L4, whose type has a
 * reverse REV.  Returns false if the code is not 0. */
static bool
icmp_query_key(struct ct_key *key, const uint8_t *l4, int rev)
{
    struct icmp_header icmp;

    memcpy(&icmp, l4, sizeof icmp);
    if (icmp.icmp_code != 0) {
        return false;
    }
    key->src.port = key->dst.port = icmp.icmp_id;
    key->src.icmp_type = icmp.icmp_type;
    key->dst.icmp_type = rev;
    return true;
}

/* Parses the transport header embedded in an ICMP error: L4 (SIZE bytes
 * available) of protocol KEY->nw_proto, and stores in *USED how many of its
 * bytes the key depends on.  Errors are not parsed again. */
static bool
parse_embedded_l4(struct ct_key *key, const uint8_t *l4, size_t size,
                  size_t *used)
{
    bool v6 = key->dl_type == htons(ETH_TYPE_IPV6);

    *used = 0;
    if (key->nw_proto == IPPROTO_TCP_ || key->nw_proto == IPPROTO_UDP_) {
        size_t need =
            (v6 && key->nw_proto == IPPROTO_TCP_ ? TCP_HEADER_LEN
                                                 : CT_ICMP_ERROR_L4_LEN);
        be16 ports[2];

        if (size < need) {
            return false;
        }
        memcpy(ports, l4, sizeof ports);
        key->src.port = ports[0];
        key->dst.port = ports[1];
        *used = need;
        return ports[0] && ports[1];
    } else if (key_is_icmp(key)) {
        int rev;

        if (size < ICMP_HEADER_LEN) {
            return false;
        }
        rev = icmp_reverse_type(key->dl_type, l4[0]);
        *used = ICMP_HEADER_LEN;
        return rev >= 0 && icmp_query_key(key, l4, rev);
    }
    return true;
}

/* Parses the ICMP error message at L4 (SIZE bytes, at least 8): the IP
 * header and transport header it embeds must describe a packet sent to
 * the error's source by P->key's destination.  On success, P->key becomes
 * the reverse of the embedded packet's key. */
static enum ct_parse_result
parse_icmp_error(struct ct_packet *p, const uint8_t *l4, size_t size)
{
    const uint8_t *inner = l4 + ICMP_HEADER_LEN;
    size_t inner_size = size - ICMP_HEADER_LEN;
    struct ct_key key;
    enum ct_parse_result r;
    size_t hlen, dummy, used;

    memset(&key, 0, sizeof key);
    key.dl_type = p->key.dl_type;
    key.zone = p->key.zone;
    r = (key.dl_type == htons(ETH_TYPE_IP)
             ? parse_ipv4(inner, inner_size, &key, &hlen, &dummy, NULL)
             : parse_ipv6(inner, inner_size, &key, &hlen, &dummy, NULL));
    if (r != CT_PARSE_OK) {
        return CT_PARSE_MALFORMED;
    }
    if (memcmp(&key.src.addr, &p->key.dst.addr, sizeof key.src.addr)) {
        return CT_PARSE_MALFORMED;
    }
    if (!parse_embedded_l4(&key, inner + hlen, inner_size - hlen, &used)) {
        return CT_PARSE_MALFORMED;
    }
    ct_key_reverse(&key);
    p->key = key;
    p->related = true;
    p->l4_hdr_len = ICMP_HEADER_LEN + hlen + used;
    return CT_PARSE_OK;
}

/* Parses the transport header at P->l4 (P->l4_size bytes) of P, whose IP
 * header is at L3.  WHOLE is false for the first fragment of a datagram:
 * the L4 bytes then end before the datagram does, so neither checksums nor
 * the UDP length can be checked.  Sets P->l4_hdr_len. */
static enum ct_parse_result
parse_l4(struct ct_packet *p, const uint8_t *l3, bool csum_trusted, bool whole)
{
    struct ct_key *key = &p->key;
    const uint8_t *l4 = p->l4;
    size_t size = p->l4_size;

    csum_trusted |= !whole;
    if (key->nw_proto == IPPROTO_TCP_) {
        struct tcp_header tcp;
        size_t hlen;

        if (size < TCP_HEADER_LEN) {
            return CT_PARSE_MALFORMED;
        }
        memcpy(&tcp, l4, sizeof tcp);
        hlen = TCP_OFFSET(tcp.tcp_ctl) * 4;
        if (hlen < TCP_HEADER_LEN || hlen > size) {
            return CT_PARSE_MALFORMED;
        }
        if (!csum_trusted &&
            !l4_csum_ok(l3, key->dl_type, IPPROTO_TCP_, l4, size)) {
            return CT_PARSE_L4_CSUM;
        }
        key->src.port = tcp.tcp_src;
        key->dst.port = tcp.tcp_dst;
        p->tcp_flags = TCP_FLAGS(tcp.tcp_ctl);
        p->tcp_payload = size - hlen;
        p->l4_hdr_len = hlen;
        return key->src.port && key->dst.port ? CT_PARSE_OK
                                              : CT_PARSE_MALFORMED;
    } else if (key->nw_proto == IPPROTO_UDP_) {
        struct udp_header udp;
        size_t len;

        if (size < UDP_HEADER_LEN) {
            return CT_PARSE_MALFORMED;
        }
        memcpy(&udp, l4, sizeof udp);
        len = ntohs(udp.udp_len);
        if (len < UDP_HEADER_LEN || (whole && len > size)) {
            return CT_PARSE_MALFORMED;
        }
        if (!csum_trusted &&
            !(udp.udp_csum == 0 && key->dl_type == htons(ETH_TYPE_IP)) &&
            !l4_csum_ok(l3, key->dl_type, IPPROTO_UDP_, l4, size)) {
            return CT_PARSE_L4_CSUM;
        }
        key->src.port = udp.udp_src;
        key->dst.port = udp.udp_dst;
        p->l4_hdr_len = UDP_HEADER_LEN;
        return key->src.port && key->dst.port ? CT_PARSE_OK
                                              : CT_PARSE_MALFORMED;
    } else if (key_is_icmp(key)) {
        bool v4 = key->dl_type == htons(ETH_TYPE_IP);
        int rev;

        if (size < ICMP_HEADER_LEN) {
            return CT_PARSE_MALFORMED;
        }
        if (!csum_trusted &&
            (v4 ? csum(l4, size) != 0
                : !l4_csum_ok(l3, key->dl_type, IPPROTO_ICMPV6_, l4, size))) {
            return CT_PARSE_L4_CSUM;
        }
        rev = icmp_reverse_type(key->dl_type, l4[0]);
        if (rev >= 0) {
            p->l4_hdr_len = ICMP_HEADER_LEN;
            return icmp_query_key(key, l4, rev) ? CT_PARSE_OK
                                                : CT_PARSE_MALFORMED;
        } else if (icmp_is_error(key->dl_type, l4[0])) {
            return parse_icmp_error(p, l4, size);
        }
        return CT_PARSE_MALFORMED;
    }
    /* Other protocols are tracked by addresses only. */
    return CT_PARSE_OK;
}

enum ct_parse_result
ct_parse(const uint8_t *l3, size_t size, be16 dl_type, uint16_t zone,
         bool l4_csum_trusted, struct ct_packet *p, struct ct_frag_info *frag)
{
    size_t hlen = 0, tot_len = 0;
    enum ct_parse_result r;

    memset(p, 0, sizeof *p);
    p->key.dl_type = dl_type;
    p->key.zone = zone;
    if (dl_type == htons(ETH_TYPE_IP)) {
        r = parse_ipv4(l3, size, &p->key, &hlen, &tot_len, frag);
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        r = parse_ipv6(l3, size, &p->key, &hlen, &tot_len, frag);
    } else {
        r = CT_PARSE_MALFORMED;
    }
    if (r != CT_PARSE_OK) {
        return r;
    }
    p->l4 = l3 + hlen;
    p->l4_size = tot_len - hlen;
    return parse_l4(p, l3, l4_csum_trusted, true);
}

enum ct_parse_result
ct_parse_first_fragment(const uint8_t *l3, const struct ct_frag_info *frag,
                        struct ct_packet *p)
{
    uint8_t nxt = frag->proto;
    size_t ofs = frag->data_ofs;
    size_t end = frag->data_ofs + frag->data_len;

    if (p->key.dl_type == htons(ETH_TYPE_IPV6) &&
        !ipv6_skip_ext_headers(l3, end, &nxt, &ofs)) {
        return CT_PARSE_MALFORMED;
    }
    if (p->key.dl_type == htons(ETH_TYPE_IPV6) && nxt == CT_IPPROTO_FRAGMENT) {
        return CT_PARSE_MALFORMED;
    }
    p->key.nw_proto = nxt;
    p->l4 = l3 + ofs;
    p->l4_size = end - ofs;
    return parse_l4(p, l3, true, false);
}

/* Adds the 20 bytes of EP to HASH. */
static uint32_t
endpoint_hash_add(uint32_t hash, const struct ct_endpoint *ep)
{
    uint32_t w[sizeof *ep / 4];

    memcpy(w, ep, sizeof w);
    for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
        hash = hash_add(hash, w[i]);
    }
    return hash;
}

uint32_t
ct_key_hash(const struct ct_key *key, uint32_t basis)
{
    const struct ct_endpoint *a = &key->src;
    const struct ct_endpoint *b = &key->dst;
    uint32_t hash;

    /* Hashing the endpoints in a canonical order makes the hash the same
     * for both directions without letting keys whose endpoints are equal
     * collapse to one value, as XORing two endpoint hashes would. */
    if (memcmp(a, b, sizeof *a) > 0) {
        const struct ct_endpoint *tmp = a;

        a = b;
        b = tmp;
    }
    hash = endpoint_hash_add(basis, a);
    hash = endpoint_hash_add(hash, b);
    hash = hash_add(hash, ((uint32_t)key->dl_type << 16) | key->zone);
    hash = hash_add(hash, key->nw_proto);
    return hash_finish(hash, sizeof *key);
}

void
ct_key_reverse(struct ct_key *key)
{
    struct ct_endpoint tmp = key->src;

    key->src = key->dst;
    key->dst = tmp;
}

enum ct_class
ct_key_class(const struct ct_key *key)
{
    return (key->nw_proto == IPPROTO_TCP_ ? CT_CLASS_TCP
            : key_is_icmp(key)            ? CT_CLASS_ICMP
                                          : CT_CLASS_OTHER);
}
