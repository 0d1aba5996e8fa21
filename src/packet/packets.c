/* packets.c: address parsing and Internet checksums.  See packets.h. */
#include "packet/packets.h"

#include <arpa/inet.h>
#include <ctype.h>

bool
eth_addr_from_string(const char *s, struct eth_addr *ea)
{
    struct eth_addr tmp;

    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        const char *p = s + 3 * i;
        char hex[3];

        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])) {
            return false;
        }
        if (p[2] != (i < ETH_ADDR_LEN - 1 ? ':' : '\0')) {
            return false;
        }
        hex[0] = p[0];
        hex[1] = p[1];
        hex[2] = '\0';
        tmp.ea[i] = (uint8_t) strtoul(hex, NULL, 16);
    }
    *ea = tmp;
    return true;
}

bool
ip_from_string(const char *s, be32 *ip)
{
    struct in_addr addr;

    /* glibc's inet_pton() accepts exactly four decimal octets, each at most
     * 255 and without leading zeros, and nothing else. */
    if (inet_pton(AF_INET, s, &addr) != 1) {
        return false;
    }
    *ip = addr.s_addr;
    return true;
}

bool
ip_is_cidr(be32 mask)
{
    uint32_t x = ~ntohl(mask);

    /* The complement of a CIDR mask is 2**N - 1. */
    return (x & (x + 1)) == 0;
}

int
ip_count_cidr_bits(be32 mask)
{
    uint32_t m = ntohl(mask);

    if (!ip_is_cidr(mask)) {
        return -1;
    }
    return m ? 32 - __builtin_ctz(m) : 0;
}

/* Folds the 64-bit accumulator SUM to at most 17 bits' worth of 16-bit ones'
 * complement sum that still fits a uint32_t partial. */
static uint32_t
csum_fold64(uint64_t sum)
{
    while (sum >> 32) {
        sum = (sum & 0xffffffff) + (sum >> 32);
    }
    return (uint32_t) sum;
}

uint32_t
csum_continue(uint32_t partial, const void *data_, size_t n)
{
    const uint8_t *data = data_;
    uint64_t sum = partial;

    /* Eight bytes at a time, as two 32-bit words: folding a sum of native
     * 32-bit words gives the same one's complement sum as native 16-bit
     * words, since 2**16 == 1 modulo 0xffff. */
    for (; n >= 8; n -= 8, data += 8) {
        uint64_t w;

        memcpy(&w, data, 8);
        sum += (w & 0xffffffff) + (w >> 32);
    }
    for (; n >= 2; n -= 2, data += 2) {
        uint16_t w;

        memcpy(&w, data, 2);
        sum += w;
    }
    if (n) {
        /* The odd last byte is summed as if followed by a zero byte in
         * memory, which gives the right word on either endianness. */
        uint16_t w = 0;

        memcpy(&w, data, 1);
        sum += w;
    }
    return csum_fold64(sum);
}

be16
csum_finish(uint32_t partial)
{
    while (partial >> 16) {
        partial = (partial & 0xffff) + (partial >> 16);
    }
    return (be16) ~partial;
}

be16
csum(const void *data, size_t n)
{
    return csum_finish(csum_continue(0, data, n));
}

/* Adds the 32-bit value X, as stored in memory, to partial sum PARTIAL. */
static uint32_t
csum_add32(uint32_t partial, be32 x)
{
    return csum_continue(partial, &x, sizeof x);
}

/* Adds the 16-bit value X, as stored in memory, to partial sum PARTIAL. */
static uint32_t
csum_add16(uint32_t partial, be16 x)
{
    return csum_continue(partial, &x, sizeof x);
}

uint32_t
packet_csum_pseudoheader(const struct ip_header *ip)
{
    uint16_t tot_len = ntohs(ip->ip_tot_len);
    uint16_t hdr_len = IP_IHL(ip->ip_ihl_ver) * 4;
    uint32_t partial = 0;
    be32 src, dst;

    memcpy(&src, &ip->ip_src, sizeof src);
    memcpy(&dst, &ip->ip_dst, sizeof dst);
    partial = csum_add32(partial, src);
    partial = csum_add32(partial, dst);
    partial = csum_add16(partial, htons(ip->ip_proto));
    partial = csum_add16(partial,
                         htons(tot_len > hdr_len ? tot_len - hdr_len : 0));
    return partial;
}

uint32_t
packet_csum_pseudoheader6(const struct ip6_header *ip6, uint8_t l4_proto,
                          uint32_t l4_len)
{
    uint32_t partial = 0;

    partial = csum_continue(partial, &ip6->ip6_src, sizeof ip6->ip6_src);
    partial = csum_continue(partial, &ip6->ip6_dst, sizeof ip6->ip6_dst);
    partial = csum_add32(partial, htonl(l4_len));
    partial = csum_add16(partial, htons(l4_proto));
    return partial;
}

be16
recalc_csum16(be16 old_csum, be16 old, be16 new_)
{
    /* HC' = ~(~HC + ~m + m').  Ones' complement addition commutes with byte
     * swapping, so the values are used as stored. */
    uint32_t sum = (uint16_t) ~old_csum;

    sum += (uint16_t) ~old;
    sum += new_;
    return csum_finish(sum);
}

be16
recalc_csum32(be16 old_csum, be32 old, be32 new_)
{
    be16 old_w[2], new_w[2];

    memcpy(old_w, &old, sizeof old);
    memcpy(new_w, &new_, sizeof new_);
    return recalc_csum16(recalc_csum16(old_csum, old_w[0], new_w[0]),
                         old_w[1], new_w[1]);
}
