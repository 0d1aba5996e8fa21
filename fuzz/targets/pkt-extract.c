/*
 * pkt-extract.c: fuzz target for pkt_flow_extract() over arbitrary bytes.
 *
 * Beyond "no crash, no out-of-bounds read" (ASan/UBSan), it checks:
 *   - determinism: extracting twice, into flows whose header fields start
 *     out different, gives the same flow and layers;
 *   - layer offsets lie inside the frame;
 *   - for a well-formed IPv4/IPv6 datagram, the frame cut right after the
 *     datagram and the frame with extra trailing padding both give the
 *     same flow (Ethernet padding is ignored, CVE-2020-35498);
 *   - pkt_icmp_too_big() on the frame either declines or builds an
 *     ICMP/ICMPv6 error that parses back as one, addressed to the frame's
 *     source.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt-icmp.h"
#include "packet/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Extracts SIZE bytes at DATA from an exactly sized copy, with the header
 * fields of *FLOW first filled with FILL. */
static void
extract(const uint8_t *data, size_t size, uint8_t fill, struct flow *flow,
        struct pkt_layers *layers)
{
    uint8_t *copy = malloc(size ? size : 1);

    if (!copy) {
        abort();
    }
    if (size) {
        memcpy(copy, data, size);
    }
    memset(flow, 0, offsetof(struct flow, dl_dst));
    memset((uint8_t *) flow + offsetof(struct flow, dl_dst), fill,
           sizeof *flow - offsetof(struct flow, dl_dst));
    pkt_flow_extract(copy, size, flow, layers);
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pkt_layers la, lb;
    struct flow a, b;

    extract(data, size, 0x00, &a, &la);
    extract(data, size, 0xff, &b, &lb);
    vx_assert(flow_equal(&a, &b));
    vx_assert(!memcmp(&la, &lb, sizeof la));
    vx_assert(la.l3 == PKT_LAYER_NONE || la.l3 <= size);
    vx_assert(la.l4 == PKT_LAYER_NONE || la.l4 <= size);
    vx_assert(la.l2_5 == PKT_LAYER_NONE || la.l2_5 <= size);

    if (is_ip_any(&a) && la.l3_len) {
        size_t end = (size_t) la.l3 + la.l3_len;
        size_t pad = 1 + (size ? data[size - 1] : 0) * 7u;
        uint8_t *padded;

        vx_assert(la.l3 != PKT_LAYER_NONE && end <= size);

        /* Cut at the end of the datagram. */
        extract(data, end, 0x5a, &b, &lb);
        vx_assert(flow_equal(&a, &b));

        /* Extra padding after the frame. */
        padded = malloc(size + pad);
        if (!padded) {
            abort();
        }
        memcpy(padded, data, size);
        memset(padded + size, 0xa5, pad);
        extract(padded, size + pad, 0x00, &b, &lb);
        vx_assert(flow_equal(&a, &b));
        vx_assert(!memcmp(&la, &lb, sizeof la));
        free(padded);
    }

    {
        struct pkt *p = pkt_clone_data(data, size);
        struct pkt *r = pkt_icmp_too_big(p, (uint32_t) size);

        if (r) {
            extract(pkt_data(r), pkt_size(r), 0, &b, &lb);
            vx_assert(b.nw_proto == IPPROTO_ICMP_
                      || b.nw_proto == IPPROTO_ICMPV6_);
            vx_assert(b.dl_type == a.dl_type);
            vx_assert(b.dl_type != htons(ETH_TYPE_IP)
                      || b.nw_dst == a.nw_src);
            vx_assert(eth_addr_equals(b.dl_dst, a.dl_src));
            pkt_free(r);
        }
        pkt_free(p);
    }
    return 0;
}
