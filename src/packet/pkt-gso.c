/* pkt-gso.c: software segmentation and checksum completion.  See
 * pkt-gso.h. */
#include "packet/pkt-gso.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "packet/packets.h"

COVERAGE_DEFINE(pkt_gso_bad_frame);
COVERAGE_DEFINE(pkt_gso_segment);
COVERAGE_DEFINE(pkt_csum_complete);

int
pkt_offload_from_vnet(struct pkt_offload *ol, const struct pkt_vnet_hdr *hdr,
                      size_t frame_len)
{
    uint8_t gso_type = hdr->gso_type & ~PKT_GSO_ECN;
    uint16_t csum_start = le16toh(hdr->csum_start);
    uint16_t csum_offset = le16toh(hdr->csum_offset);
    uint16_t gso_size = le16toh(hdr->gso_size);

    memset(ol, 0, sizeof *ol);
    if (hdr->flags & PKT_VNET_F_NEEDS_CSUM) {
        if ((size_t) csum_start + csum_offset + 2 > frame_len) {
            return EINVAL;
        }
        ol->csum_partial = true;
        ol->csum_start = csum_start;
        ol->csum_offset = csum_offset;
    }
    if (gso_type != PKT_GSO_NONE) {
        if ((gso_type != PKT_GSO_TCPV4 && gso_type != PKT_GSO_TCPV6
             && gso_type != PKT_GSO_UDP_L4) || !gso_size) {
            memset(ol, 0, sizeof *ol);
            return EINVAL;
        }
        ol->gso_type = gso_type;
        ol->gso_size = gso_size;
    }
    return 0;
}

void
pkt_offload_to_vnet(const struct pkt_offload *ol, size_t hdr_len,
                    struct pkt_vnet_hdr *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    if (ol->csum_partial) {
        hdr->flags = PKT_VNET_F_NEEDS_CSUM;
        hdr->csum_start = htole16(ol->csum_start);
        hdr->csum_offset = htole16(ol->csum_offset);
    }
    if (ol->gso_type != PKT_GSO_NONE) {
        hdr->gso_type = ol->gso_type;
        hdr->gso_size = htole16(ol->gso_size);
        hdr->hdr_len = htole16((uint16_t) MIN(hdr_len, UINT16_MAX));
    }
}

int
pkt_csum_complete(struct pkt *p)
{
    uint8_t *data = pkt_data(p);
    size_t start = p->ol.csum_start;
    size_t field = start + p->ol.csum_offset;
    be16 sum;

    if (!p->ol.csum_partial) {
        return 0;
    }
    if (field + 2 > p->size) {
        return EINVAL;
    }
    /* The field holds the pseudo-header's sum, which the sum over the rest
     * takes in. */
    sum = csum(data + start, p->size - start);
    if (!sum && p->ol.csum_offset == offsetof(struct udp_header, udp_csum)) {
        /* A UDP checksum of zero means "none": send all ones. */
        sum = htons(0xffff);
    }
    memcpy(data + field, &sum, sizeof sum);
    p->ol.csum_partial = false;
    COVERAGE_INC(pkt_csum_complete);
    return 0;
}

/* Reads the 16-bit big-endian value at DATA + OFS. */
static uint16_t
get_be16(const uint8_t *data, size_t ofs)
{
    return (uint16_t) (data[ofs] << 8 | data[ofs + 1]);
}

/* Finds the L3 header of the SIZE-byte frame DATA after the Ethernet
 * header and up to two VLAN tags.  Stores the Ethernet type in *TYPE and
 * returns the L3 offset, or 0 if the frame is too short. */
static size_t
find_l3(const uint8_t *data, size_t size, uint16_t *type)
{
    size_t ofs = 2 * ETH_ADDR_LEN;

    for (int i = 0; i < 3; i++) {
        if (ofs + 2 > size) {
            return 0;
        }
        *type = get_be16(data, ofs);
        if (i < 2 && (*type == ETH_TYPE_VLAN_8021Q
                      || *type == ETH_TYPE_VLAN_8021AD)) {
            ofs += VLAN_HEADER_LEN;
            continue;
        }
        return ofs + 2;
    }
    return 0;
}

int
pkt_gso_start(struct pkt_gso *gso, const struct pkt *p)
{
    const uint8_t *data = pkt_data(p);
    size_t size = p->size, l3, l4, hdr_len, payload, n_segs;
    uint8_t gso_type = p->ol.gso_type & ~PKT_GSO_ECN;
    uint8_t proto;
    uint16_t type;

    memset(gso, 0, sizeof *gso);
    l3 = find_l3(data, size, &type);
    if (!l3 || !p->ol.gso_size) {
        goto bad;
    }
    if (type == ETH_TYPE_IP) {
        size_t ihl;

        if (l3 + IP_HEADER_LEN > size || IP_VER(data[l3]) != 4) {
            goto bad;
        }
        ihl = IP_IHL(data[l3]) * 4;
        if (ihl < IP_HEADER_LEN || l3 + ihl > size
            || get_be16(data, l3 + 6) & (IP_MORE_FRAGMENTS
                                         | IP_FRAG_OFF_MASK)) {
            goto bad;
        }
        proto = data[l3 + 9];
        l4 = l3 + ihl;
        gso->ip_id = get_be16(data, l3 + 4);
    } else if (type == ETH_TYPE_IPV6) {
        if (l3 + IPV6_HEADER_LEN > size || data[l3] >> 4 != 6) {
            goto bad;
        }
        proto = data[l3 + 6];
        l4 = l3 + IPV6_HEADER_LEN;
        gso->ipv6 = true;
    } else {
        goto bad;
    }

    if (proto == IPPROTO_TCP_) {
        size_t thl;

        if ((gso_type != PKT_GSO_TCPV4 || gso->ipv6)
            && (gso_type != PKT_GSO_TCPV6 || !gso->ipv6)) {
            goto bad;
        }
        if (l4 + TCP_HEADER_LEN > size) {
            goto bad;
        }
        thl = (size_t) (data[l4 + 12] >> 4) * 4;
        if (thl < TCP_HEADER_LEN || l4 + thl > size) {
            goto bad;
        }
        hdr_len = l4 + thl;
        gso->tcp = true;
        gso->seq = (uint32_t) get_be16(data, l4 + 4) << 16
                   | get_be16(data, l4 + 6);
    } else if (proto == IPPROTO_UDP_ && gso_type == PKT_GSO_UDP_L4) {
        if (l4 + UDP_HEADER_LEN > size) {
            goto bad;
        }
        hdr_len = l4 + UDP_HEADER_LEN;
    } else {
        goto bad;
    }

    payload = size - hdr_len;
    n_segs = payload ? (payload + p->ol.gso_size - 1) / p->ol.gso_size : 1;
    if (n_segs > PKT_GSO_MAX_SEGS) {
        goto bad;
    }
    if (hdr_len + MIN(payload, p->ol.gso_size) > PKT_MAX_SIZE) {
        return EMSGSIZE;
    }
    gso->src = p;
    gso->l3 = (uint16_t) l3;
    gso->l4 = (uint16_t) l4;
    gso->hdr_len = (uint16_t) hdr_len;
    gso->mss = p->ol.gso_size;
    gso->pos = (uint32_t) hdr_len;
    gso->n_segs = (uint16_t) n_segs;
    return 0;

bad:
    COVERAGE_INC(pkt_gso_bad_frame);
    memset(gso, 0, sizeof *gso);
    return EINVAL;
}

/* Stores the 16-bit value V big-endian at DATA + OFS. */
static void
put_be16(uint8_t *data, size_t ofs, uint16_t v)
{
    data[ofs] = (uint8_t) (v >> 8);
    data[ofs + 1] = (uint8_t) v;
}

/* Fixes the IP and L4 headers of segment SEG (whose frame is complete)
 * made by GSO: lengths, identification, sequence number, flags and
 * checksums.  LAST: SEG is the last segment. */
static void
gso_fix_headers(const struct pkt_gso *gso, struct pkt *seg, bool first,
                bool last)
{
    uint8_t *d = pkt_data(seg);
    size_t l4_len = seg->size - gso->l4;
    uint32_t partial;
    be16 sum;

    if (gso->ipv6) {
        put_be16(d, gso->l3 + 4, (uint16_t) l4_len);
        partial = packet_csum_pseudoheader6(
            (const struct ip6_header *) (d + gso->l3),
            gso->tcp ? IPPROTO_TCP_ : IPPROTO_UDP_, (uint32_t) l4_len);
    } else {
        struct ip_header *ip = (struct ip_header *) (d + gso->l3);

        put_be16(d, gso->l3 + 2, (uint16_t) (seg->size - gso->l3));
        put_be16(d, gso->l3 + 4, (uint16_t) (gso->ip_id + gso->n_done));
        ip->ip_csum = 0;
        ip->ip_csum = csum(ip, IP_IHL(ip->ip_ihl_ver) * 4);
        partial = packet_csum_pseudoheader(ip);
    }

    if (gso->tcp) {
        uint16_t ctl = get_be16(d, gso->l4 + 12);

        put_be16(d, gso->l4 + 4,
                 (uint16_t) ((gso->seq + (uint32_t) gso->n_done * gso->mss)
                             >> 16));
        put_be16(d, gso->l4 + 6,
                 (uint16_t) (gso->seq + (uint32_t) gso->n_done * gso->mss));
        if (!last) {
            ctl &= (uint16_t) ~(TCP_FIN | TCP_PSH);
        }
        if (!first) {
            ctl &= (uint16_t) ~TCP_CWR;
        }
        put_be16(d, gso->l4 + 12, ctl);
        put_be16(d, gso->l4 + 16, 0);
        sum = csum_finish(csum_continue(partial, d + gso->l4, l4_len));
        memcpy(d + gso->l4 + 16, &sum, sizeof sum);
    } else {
        put_be16(d, gso->l4 + 4, (uint16_t) l4_len);
        put_be16(d, gso->l4 + 6, 0);
        sum = csum_finish(csum_continue(partial, d + gso->l4, l4_len));
        if (!sum) {
            sum = htons(0xffff);
        }
        memcpy(d + gso->l4 + 6, &sum, sizeof sum);
    }
}

struct pkt *
pkt_gso_next(struct pkt_gso *gso, struct pkt_pool *pool)
{
    const struct pkt *src = gso->src;
    size_t chunk, seg_len;
    struct pkt *seg;
    bool last;

    if (pkt_gso_done(gso)) {
        return NULL;
    }
    chunk = MIN((size_t) gso->mss, src->size - gso->pos);
    seg_len = gso->hdr_len + chunk;
    seg = pool ? pkt_pool_get_size(pool, seg_len) : pkt_new(seg_len);
    if (!seg) {
        return NULL;
    }
    pkt_put(seg, pkt_data(src), gso->hdr_len);
    pkt_put(seg, pkt_data(src) + gso->pos, chunk);
    seg->md = src->md;
    seg->layers = src->layers;
    if (seg->layers.l3_len) {
        seg->layers.l3_len = (uint32_t) (seg_len - gso->l3);
    }

    last = gso->n_done + 1 == gso->n_segs;
    gso_fix_headers(gso, seg, gso->n_done == 0, last);
    gso->pos += (uint32_t) chunk;
    gso->n_done++;
    COVERAGE_INC(pkt_gso_segment);
    return seg;
}
