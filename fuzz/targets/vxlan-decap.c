/*
 * vxlan-decap.c: fuzz target for VXLAN decapsulation, what the vxlan
 * device does with every UDP payload that reaches its port from the
 * (untrusted) underlay: netdev_vxlan_parse() validates the header and the
 * inner frame, and an accepted inner frame goes through pkt_extract() as
 * the datapath does with it.
 *
 * Beyond "no crash, no out-of-bounds read" (ASan/UBSan), it checks:
 *   - the verdict is deterministic and a rejection stores VNI 0;
 *   - an accepted payload has the I flag alone, zero reserved bits, a
 *     24-bit VNI equal to bytes 4-6, and an inner frame with an Ethernet
 *     header whose IPv4/IPv6 header, if any, is whole (what
 *     bad-inputs.md V1-V3 and V6 ask);
 *   - the extracted inner flow's layer offsets lie inside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datapath/netdev-vxlan.h"
#include "lib/util.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns the Ethernet type of the SIZE-byte frame at D if it is plain
 * Ethernet II with up to two VLAN tags (no LLC/SNAP, no MPLS), else 0. */
static uint16_t
plain_ethertype(const uint8_t *d, size_t size)
{
    size_t ofs = 2 * ETH_ADDR_LEN;
    uint16_t type = (uint16_t) (d[ofs] << 8 | d[ofs + 1]);

    for (int i = 0; i < 2 && (type == ETH_TYPE_VLAN_8021Q
                              || type == ETH_TYPE_VLAN_8021AD); i++) {
        ofs += VLAN_HEADER_LEN;
        if (ofs + 2 > size) {
            return 0;
        }
        type = (uint16_t) (d[ofs] << 8 | d[ofs + 1]);
    }
    return type;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum vxlan_rx_verdict verdict, again;
    uint8_t *copy = malloc(size ? size : 1);
    uint32_t vni, vni2;
    struct flow flow;
    struct pkt *p;
    size_t inner;

    if (!copy) {
        abort();
    }
    /* An exactly sized copy, so that ASan sees any read past the end. */
    memcpy(copy, data, size);
    verdict = netdev_vxlan_parse(copy, size, &vni);
    again = netdev_vxlan_parse(copy, size, &vni2);
    vx_assert(verdict == again && vni == vni2);
    vx_assert(verdict < VXLAN_RX_N_VERDICTS);
    if (verdict != VXLAN_RX_OK) {
        vx_assert(vni == 0);
        vx_assert(verdict != VXLAN_RX_SHORT || size < VXLAN_HLEN);
        free(copy);
        return 0;
    }

    vx_assert(size >= VXLAN_HLEN + ETH_HEADER_LEN);
    vx_assert(copy[0] == VXLAN_FLAG_VNI);
    vx_assert(!copy[1] && !copy[2] && !copy[3] && !copy[7]);
    vx_assert(vni == ((uint32_t) copy[4] << 16 | (uint32_t) copy[5] << 8
                      | copy[6]));

    inner = size - VXLAN_HLEN;
    p = pkt_clone_data(copy + VXLAN_HLEN, inner);
    memset(&flow, 0, sizeof flow);
    pkt_extract(p, &flow);
    vx_assert(p->layers.l3 == PKT_LAYER_NONE || p->layers.l3 <= inner);
    vx_assert(p->layers.l4 == PKT_LAYER_NONE || p->layers.l4 <= inner);
    /* The validation covers the IP header of Ethernet II frames, as the
     * kernel does (it pulls by the frame's protocol, which is not IP for
     * LLC/SNAP frames). */
    if (plain_ethertype(copy + VXLAN_HLEN, inner) == ETH_TYPE_IP) {
        vx_assert(flow.dl_type == htons(ETH_TYPE_IP));
        vx_assert((size_t) p->layers.l3 + IP_HEADER_LEN <= inner);
    } else if (plain_ethertype(copy + VXLAN_HLEN, inner) == ETH_TYPE_IPV6) {
        vx_assert(flow.dl_type == htons(ETH_TYPE_IPV6));
        vx_assert((size_t) p->layers.l3 + IPV6_HEADER_LEN <= inner);
    }
    pkt_free(p);
    free(copy);
    return 0;
}
