/*
 * pkt-gso.c: fuzz target for software segmentation and checksum
 * completion (packet/pkt-gso.h) over what a guest may hand a TAP device:
 * the input is a virtio-net header (PKT_VNET_HDR_LEN bytes) followed by a
 * frame.
 *
 * Beyond "no crash, no out-of-bounds read" (the frame sits in a buffer of
 * exactly its size, under ASan), it checks:
 *   - a header that pkt_offload_from_vnet() accepts never points outside
 *     the frame;
 *   - a completed checksum makes the summed range, plus the value the
 *     field held before (the pseudo-header's sum), add up to zero;
 *   - a GSO frame that pkt_gso_start() accepts is cut into its announced
 *     number of segments, none longer than the headers plus the MSS,
 *     carrying the whole payload between them, each with valid IPv4 and
 *     TCP/UDP checksums; segments from a pool and from pkt_new() alike.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "packet/packets.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Checks segment SEG made by GSO. */
static void
check_segment(const struct pkt_gso *gso, const struct pkt *seg)
{
    const uint8_t *d = pkt_data(seg);
    size_t l4_len = pkt_size(seg) - gso->l4;
    uint32_t partial;

    CHECK(pkt_size(seg) >= gso->hdr_len);
    CHECK(pkt_size(seg) - gso->hdr_len <= gso->mss);
    CHECK(!pkt_has_offload(seg));
    if (gso->ipv6) {
        partial = packet_csum_pseudoheader6(
            (const struct ip6_header *) (d + gso->l3),
            gso->tcp ? IPPROTO_TCP_ : IPPROTO_UDP_, (uint32_t) l4_len);
    } else {
        const struct ip_header *ip = (const struct ip_header *) (d + gso->l3);

        CHECK(csum(ip, IP_IHL(ip->ip_ihl_ver) * 4) == 0);
        partial = packet_csum_pseudoheader(ip);
    }
    CHECK(csum_finish(csum_continue(partial, d + gso->l4, l4_len)) == 0);
}

/* Cuts P into segments, from POOL (NULL: pkt_new()), and checks them. */
static void
segment(const struct pkt *p, struct pkt_pool *pool)
{
    struct pkt_gso gso;
    size_t n = 0, payload = 0;

    if (pkt_gso_start(&gso, p)) {
        return;
    }
    while (!pkt_gso_done(&gso)) {
        struct pkt *seg = pkt_gso_next(&gso, pool);

        CHECK(seg != NULL);
        check_segment(&gso, seg);
        payload += pkt_size(seg) - gso.hdr_len;
        n++;
        pkt_free(seg);
    }
    CHECK(n == pkt_gso_n_segs(&gso));
    CHECK(payload == pkt_size(p) - gso.hdr_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pkt_pool *pool;
    struct pkt_vnet_hdr hdr;
    struct pkt *p;

    if (size < PKT_VNET_HDR_LEN || size - PKT_VNET_HDR_LEN > PKT_MAX_SIZE) {
        return 0;
    }
    if (!pool) {
        pool = pkt_pool_create_mixed(PKT_GSO_MAX_SEGS, PKT_DEFAULT_SIZE, 1,
                                     PKT_LARGE_SIZE);
    }
    memcpy(&hdr, data, PKT_VNET_HDR_LEN);
    data += PKT_VNET_HDR_LEN;
    size -= PKT_VNET_HDR_LEN;

    p = pkt_new(size);
    pkt_put(p, data, size);
    if (pkt_offload_from_vnet(&p->ol, &hdr, size)) {
        CHECK(!pkt_has_offload(p));
        pkt_free(p);
        return 0;
    }
    if (p->ol.csum_partial) {
        CHECK((size_t) p->ol.csum_start + p->ol.csum_offset + 2 <= size);
    }

    if (p->ol.gso_type) {
        segment(p, pool);
        segment(p, NULL);
    }
    if (p->ol.csum_partial) {
        bool even = !(p->ol.csum_offset & 1);
        size_t start = p->ol.csum_start;
        uint16_t seed;

        memcpy(&seed, pkt_data(p) + start + p->ol.csum_offset, sizeof seed);
        CHECK(!pkt_csum_complete(p));
        CHECK(!p->ol.csum_partial);
        /* A checksum at an odd offset from csum_start straddles two of
         * the summed words, and no protocol puts one there. */
        if (even) {
            CHECK(csum_finish(csum_continue(seed, pkt_data(p) + start,
                                            pkt_size(p) - start)) == 0);
        }
    }
    pkt_free(p);
    return 0;
}
