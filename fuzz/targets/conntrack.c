/*
 * Fuzz target for conntrack: the input is a sequence of IP datagrams fed
 * through one tracker, with the invariants checked after each.
 *
 * Input layout:
 *   byte 0        global limit: (byte % 16) + 1 connections
 *   byte 1        limit of zone 1: byte % 4 (zone 2 has none)
 *   then records: ctl, zone, dt, len_hi, len_lo, LEN bytes of IP datagram
 *     ctl bit 0   commit
 *     bit 1       force
 *     bit 2       L4 checksum offloaded (not validated)
 *     bit 3       set ct_mark and ct_label
 *     bit 4       IPv6 (else IPv4)
 *     bit 5       recompute the IPv4 header checksum first
 *     bit 6       run the sweeper after the packet
 *     bit 7       flush the packet's zone after the packet
 *     zone        zone % 3
 *     dt          seconds to advance the clock before the packet
 *   A record whose length runs past the input takes what is left.
 *
 * Each datagram is copied into a heap buffer of exactly its size, so any
 * read past it is an ASan report.  Checked after every record: the
 * verdict is one conntrack can give, the connection count never exceeds
 * the global or zone-1 limit, and after a sweep the dump lists exactly
 * the connections counted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/conntrack.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "packet/flow.h"
#include "packet/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
verdict_ok(uint8_t state)
{
    switch (state & ~CS_TRACKED) {
    case CS_NEW:
    case CS_ESTABLISHED:
    case CS_ESTABLISHED | CS_REPLY_DIR:
    case CS_RELATED:
    case CS_RELATED | CS_REPLY_DIR:
    case CS_INVALID:
        return state & CS_TRACKED;
    default:
        return false;
    }
}

static size_t
count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* Sets the IPv4 header checksum of the LEN-byte datagram at IP, if its
 * header fits. */
static void
fix_ipv4_csum(uint8_t *ip, size_t len)
{
    size_t hlen;
    uint32_t sum = 0;

    if (len < IP_HEADER_LEN) {
        return;
    }
    hlen = IP_IHL(ip[0]) * 4;
    if (hlen < IP_HEADER_LEN || hlen > len) {
        return;
    }
    ip[10] = ip[11] = 0;
    for (size_t i = 0; i < hlen; i += 2) {
        sum += (ip[i] << 8) | ip[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10] = ~sum >> 8;
    ip[11] = ~sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conntrack *ct;
    uint32_t maxconns, zone1_limit;
    long long now = 1000;

    if (size < 2) {
        return 0;
    }
    vlog_set_level(VLL_WARN);
    ct = conntrack_create();
    maxconns = data[0] % 16 + 1;
    zone1_limit = data[1] % 4;
    conntrack_set_maxconns(ct, maxconns);
    conntrack_set_zone_limit(ct, 1, zone1_limit);
    data += 2;
    size -= 2;

    while (size >= 5) {
        uint8_t ctl = data[0];
        struct ct_exec args = {
            .zone = data[1] % 3,
            .commit = ctl & 1,
            .force = ctl & 2,
            .mark_value = 0x5a,
            .mark_mask = ctl & 8 ? UINT32_MAX : 0,
            .label_value = {1, 2},
            .label_mask = {ctl & 8 ? UINT64_MAX : 0, 0},
        };
        size_t len = ((size_t)data[3] << 8) | data[4];
        struct ct_zone_limit zl;
        struct flow flow;
        struct pkt pkt;
        uint8_t *buf;

        now += data[2] * 1000LL;
        data += 5;
        size -= 5;
        len = MIN(len, size);

        buf = xmalloc(len ? len : 1);
        memcpy(buf, data, len);
        if (ctl & 0x20) {
            fix_ipv4_csum(buf, len);
        }
        memset(&pkt, 0, sizeof pkt);
        pkt.base = buf;
        pkt.allocated = len;
        pkt.size = len;
        pkt.layers.l2_5 = pkt.layers.l4 = PKT_LAYER_NONE;
        pkt.layers.l3 = 0;
        pkt.ol.csum_partial = ctl & 4;
        memset(&flow, 0, sizeof flow);
        flow.dl_type = htons(ctl & 0x10 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);

        conntrack_execute(ct, &pkt, &flow, &args, now);
        free(buf);
        data += len;
        size -= len;

        vx_assert(verdict_ok(pkt.md.ct_state));
        vx_assert(pkt.md.ct_zone == args.zone);
        vx_assert(conntrack_count(ct) <= maxconns);
        conntrack_get_zone_limit(ct, 1, &zl);
        vx_assert(zl.count <= zone1_limit);

        if (ctl & 0x40) {
            struct ds ds = DS_EMPTY_INITIALIZER;

            conntrack_run(ct, now);
            conntrack_dump(ct, NULL, ctl & 1, ctl & 2, now, &ds);
            vx_assert(count_lines(ds_cstr(&ds)) == conntrack_count(ct));
            ds_destroy(&ds);
        }
        if (ctl & 0x80) {
            conntrack_flush(ct, &args.zone);
            conntrack_get_zone_limit(ct, args.zone, &zl);
            vx_assert(zl.count == 0);
        }
    }
    conntrack_destroy(ct);
    return 0;
}
